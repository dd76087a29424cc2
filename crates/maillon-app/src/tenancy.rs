//! Which structures a query may see, as a type (ARCHITECTURE invariant 1).
//!
//! A store that reads objects of several structures takes a [`Scope`], never a bare
//! structure id that could be empty: `Scope::Public` for the public pages (every
//! structure's published objects), `Scope::Structure` for one structure whose access was
//! checked — from [`crate::structures::Access::scope`] in a handler. The SQL filter is
//! written once, here, instead of the old `($2 = '' OR structure_id = $2)`, where an empty
//! string silently meant "every structure".

/// A structure's id, as stores take it. A handler gets one only from a
/// [`crate::structures::StructureAccess`] (its `access.structure.id`), that is after the
/// check of the path's structure; a path's string does not fit where a store wants a
/// `&StructureId`, so the compiler refuses a structure-scoped call that skipped the check.
/// [`StructureId::stored`] makes one from Maillon's own rows and job payloads — never
/// in a route file (`scripts/check-layers.sh`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StructureId(String);

impl StructureId {
    /// An id read from Maillon's own data (a row, a job's payload), not from a request.
    pub fn stored(id: impl Into<String>) -> StructureId {
        StructureId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for StructureId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for StructureId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for StructureId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for StructureId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for StructureId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for StructureId {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<StructureId> for String {
    fn eq(&self, other: &StructureId) -> bool {
        *self == other.0
    }
}

impl PartialEq<StructureId> for str {
    fn eq(&self, other: &StructureId) -> bool {
        self == other.0
    }
}

impl PartialEq<StructureId> for &str {
    fn eq(&self, other: &StructureId) -> bool {
        *self == other.0
    }
}

impl sqlx::Type<sqlx::Any> for StructureId {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <String as sqlx::Type<sqlx::Any>>::type_info()
    }
}

impl<'q> sqlx::Encode<'q, sqlx::Any> for StructureId {
    fn encode_by_ref(
        &self,
        buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as sqlx::Encode<'q, sqlx::Any>>::encode_by_ref(&self.0, buf)
    }
}

/// The structures a query may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Public pages: any structure (what is published is filtered by the query itself).
    Public,
    /// One structure, whose access the caller checked.
    Structure(&'a StructureId),
    /// Public pages narrowed to one structure (`?structure=` of the programme, the news):
    /// no access to check, the query still shows only what is published.
    PublishedBy(&'a str),
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
            Scope::Structure(_) | Scope::PublishedBy(_) => format!(" AND {column} = ${n}"),
        }
    }

    /// Binds the structure when the condition names one.
    pub fn bind<'q>(
        &self,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        match self {
            Scope::Public => q,
            Scope::Structure(sid) => q.bind((*sid).clone()),
            Scope::PublishedBy(sid) => q.bind(sid.to_string()),
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
            Scope::Structure(&StructureId::stored("x")).condition("s.structure_id", 2),
            " AND s.structure_id = $2"
        );
    }
}
