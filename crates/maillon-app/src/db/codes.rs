//! Enums stored as short codes. `code()` is what is written, `parse()` reads it back —
//! an unknown code is `DbError::Invalid`, never a default — and `label()` says it in
//! French. One macro so that each vocabulary is one table of three columns.

/// Declares a stored vocabulary:
///
/// ```ignore
/// crate::code_enum! {
///     /// Where an e-mail is.
///     pub enum EmailStatus("état d'e-mail") {
///         Queued = "queued", "En attente d'envoi";
///         Sent = "sent", "Envoyé";
///     }
/// }
/// ```
#[macro_export]
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal;)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The code written in the database.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// What a person reads.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            /// Reads a stored code back; an unknown one is an error.
            pub fn parse(code: &str) -> Result<$name, $crate::db::DbError> {
                match code {
                    $($code => Ok($name::$variant),)+
                    _ => Err($crate::db::DbError::invalid(format!(
                        concat!($what, " inconnu : {}"),
                        code
                    ))),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::code_enum! {
        enum Colour("couleur") {
            Red = "rouge", "Rouge";
            Blue = "bleu", "Bleu";
        }
    }

    #[test]
    fn every_code_reads_back_and_an_unknown_one_is_an_error() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.code()).unwrap(), *c);
        }
        assert_eq!(Colour::Blue.label(), "Bleu");
        let e = Colour::parse("vert").unwrap_err().to_string();
        assert!(e.contains("couleur inconnu : vert"), "{e}");
        assert!(Colour::parse("").is_err());
    }
}
