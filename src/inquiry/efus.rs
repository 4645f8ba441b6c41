//! The one answer of the inquiry form that is a choice: is the municipality a member of EFUS?

use crate::i18n::FormText;
use crate::input::FieldError;
use crate::text_enum;

text_enum! {
    /// The answer to "Is your municipality a member of EFUS?".
    pub enum EfusMembership {
        Yes = "yes",
        No = "no",
        Pending = "pending",
        Unknown = "unknown",
    }
}

impl EfusMembership {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        if input.trim().is_empty() {
            return Err(FieldError::Required);
        }
        Self::from_code(input.trim()).ok_or(FieldError::InvalidChoice)
    }

    /// As the form says it, in the visitor's language.
    pub fn label(self, text: &FormText) -> &'static str {
        match self {
            EfusMembership::Yes => text.efus_yes,
            EfusMembership::No => text.efus_no,
            EfusMembership::Pending => text.efus_pending,
            EfusMembership::Unknown => text.efus_unknown,
        }
    }

    /// As the office reads it (office email, staff area, CSV export).
    pub fn in_german(self) -> &'static str {
        match self {
            EfusMembership::Yes => "ja",
            EfusMembership::No => "nein",
            EfusMembership::Pending => "Beitritt beantragt",
            EfusMembership::Unknown => "weiß nicht",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn efus_membership_accepts_the_four_answers_only() {
        for choice in EfusMembership::ALL {
            assert_eq!(EfusMembership::parse(choice.code()), Ok(choice));
        }
        assert_eq!(EfusMembership::parse(""), Err(FieldError::Required));
        assert_eq!(
            EfusMembership::parse("maybe"),
            Err(FieldError::InvalidChoice)
        );
    }
}
