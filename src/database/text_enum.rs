//! Enums whose values are stored as short codes in `text` columns (with a `check` constraint in
//! the migration that lists the same codes). Queries read and write them typed:
//! `select status as "status: InquiryStatus"` and `… where status = $1", status as InquiryStatus`.
//! The code of each variant is written once, in the enum's declaration.

/// Declares an enum with a code per variant, its list of all variants, and the conversions to and
/// from the database (`text`), from forms (serde), and for display (the code).
///
/// ```ignore
/// text_enum! {
///     /// Where an inquiry stands.
///     pub enum InquiryStatus {
///         New = "new",
///         Done = "done",
///     }
/// }
/// ```
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $visibility:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $visibility enum $name {
            $( $(#[$variant_meta])* $variant ),+
        }

        impl $name {
            /// Every variant, in the order of declaration.
            pub const ALL: [$name; [$( stringify!($variant) ),+].len()] = [$( $name::$variant ),+];

            /// The code under which the variant is stored and sent in forms.
            pub fn code(self) -> &'static str {
                match self {
                    $( $name::$variant => $code ),+
                }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $( $code => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl sqlx::Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::Type<sqlx::Postgres>>::type_info()
            }

            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        impl sqlx::postgres::PgHasArrayType for $name {
            fn array_type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::postgres::PgHasArrayType>::array_type_info()
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<'q, sqlx::Postgres>>::encode(self.code(), buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $name {
            fn decode(
                value: sqlx::postgres::PgValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let code = <&str as sqlx::Decode<'r, sqlx::Postgres>>::decode(value)?;
                $name::from_code(code).ok_or_else(|| {
                    format!("{code:?} is not a code of {}", stringify!($name)).into()
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                $name::from_code(&code).ok_or_else(|| {
                    serde::de::Error::custom(format_args!(
                        "{code:?} is not a code of {}",
                        stringify!($name)
                    ))
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    text_enum! {
        enum Colour {
            Red = "red",
            DarkBlue = "dark_blue",
        }
    }

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for colour in Colour::ALL {
            assert_eq!(Colour::from_code(colour.code()), Some(colour));
        }
        assert_eq!(Colour::DarkBlue.to_string(), "dark_blue");
        assert_eq!(Colour::from_code("green"), None);
    }

    #[test]
    fn forms_name_variants_by_their_code() {
        #[derive(serde::Deserialize)]
        struct Form {
            colour: Colour,
        }
        let form: Form = serde_urlencoded::from_str("colour=dark_blue").unwrap();
        assert_eq!(form.colour, Colour::DarkBlue);
        assert!(serde_urlencoded::from_str::<Form>("colour=DarkBlue").is_err());
    }
}
