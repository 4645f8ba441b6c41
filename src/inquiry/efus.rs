//! The one answer of the inquiry form that is a choice: is the municipality a member of EFUS?

use std::fmt;

use crate::input::FieldError;

/// The answer to "Is your municipality a member of EFUS?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EfusMembership {
    Yes,
    No,
    Pending,
    Unknown,
}

impl EfusMembership {
    pub const ALL: [EfusMembership; 4] = [
        EfusMembership::Yes,
        EfusMembership::No,
        EfusMembership::Pending,
        EfusMembership::Unknown,
    ];

    /// The value in the form and in the database.
    pub fn code(self) -> &'static str {
        match self {
            EfusMembership::Yes => "yes",
            EfusMembership::No => "no",
            EfusMembership::Pending => "pending",
            EfusMembership::Unknown => "unknown",
        }
    }

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        if input.trim().is_empty() {
            return Err(FieldError::Required);
        }
        Self::from_code(input.trim()).ok_or(FieldError::InvalidChoice)
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|choice| choice.code() == code)
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

impl fmt::Display for EfusMembership {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
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
