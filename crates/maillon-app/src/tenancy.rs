//! Which structures a query may see, as a type (ARCHITECTURE invariant 1).
//!
//! A store that reads objects of several structures takes a [`Scope`], never a bare
//! structure id that could be empty: `Scope::Public` for the public pages (every
//! structure's published objects), `Scope::Structure` for one structure whose access was
//! checked — from [`crate::structures::Access::scope`] in a handler. The SQL filter is
//! written once, here, instead of the old `($2 = '' OR structure_id = $2)`, where an empty
//! string silently meant "every structure".

/// The structures a query may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Public pages: any structure (what is published is filtered by the query itself).
    Public,
    /// One structure, whose access the caller checked.
    Structure(&'a str),
}

/// Listings of published things (the public programme) see every structure unless
/// narrowed.
impl Default for Scope<'_> {
    fn default() -> Self {
        Scope::Public
    }
}

impl<'a> Scope<'a> {
    /// The SQL condition on `column`, with the structure bound as parameter `$n`; nothing
    /// to add for public pages. Bind [`Scope::bind`] last, in the same order.
    pub fn condition(&self, column: &str, n: usize) -> String {
        match self {
            Scope::Public => String::new(),
            Scope::Structure(_) => format!(" AND {column} = ${n}"),
        }
    }

    /// Binds the structure when the condition names one.
    pub fn bind<'q>(
        &self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        match self {
            Scope::Public => q,
            Scope::Structure(sid) => q.bind(sid.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_adds_no_condition_and_a_structure_one() {
        assert_eq!(Scope::Public.condition("s.structure_id", 2), "");
        assert_eq!(
            Scope::Structure("x").condition("s.structure_id", 2),
            " AND s.structure_id = $2"
        );
    }
}
