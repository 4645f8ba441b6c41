//! Telling programs from people without CAPTCHA or cookies. Spam is stored (staff see it on their
//! overview and can send it on) but never mailed, and its sender sees the same answer as everyone
//! else. Speed alone decides nothing: a form back sooner than a person could type it (browsers
//! fill forms in by themselves) is shown once more to be confirmed with one click.

use std::time::Duration;

use crate::text_enum;

text_enum! {
    /// Why an inquiry is taken for spam (`inquiry.spam_reason`).
    pub enum SpamReason {
        /// The field hidden from people was filled in.
        HoneypotFilled = "honeypot",
        /// The form came back sooner than a person can fill it in (before such forms were asked
        /// to be confirmed; kept for the inquiries of that time).
        TooFast = "too_fast",
        /// Staff marked it as spam.
        MarkedByStaff = "staff",
    }
}

impl SpamReason {
    /// As the office says it.
    pub fn label(self) -> &'static str {
        match self {
            SpamReason::HoneypotFilled => "verstecktes Feld ausgefüllt",
            SpamReason::TooFast => "zu schnell abgeschickt",
            SpamReason::MarkedByStaff => "von Hand markiert",
        }
    }
}

/// What a submission looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screening {
    Person,
    Spam(SpamReason),
    /// Sent too fast to tell: the visitor is asked to confirm.
    AskToConfirm,
}

/// Screens a submission; `confirmed` when it comes from the page that asked for a confirmation.
pub fn screen(
    honeypot: &str,
    form_age: Duration,
    min_fill_time: Duration,
    confirmed: bool,
) -> Screening {
    if !honeypot.trim().is_empty() {
        Screening::Spam(SpamReason::HoneypotFilled)
    } else if form_age < min_fill_time && !confirmed {
        Screening::AskToConfirm
    } else {
        Screening::Person
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(3);

    #[test]
    fn a_person_taking_their_time_is_no_spammer() {
        assert_eq!(
            screen("", Duration::from_secs(40), MIN, false),
            Screening::Person
        );
        assert_eq!(screen("", MIN, MIN, false), Screening::Person);
    }

    #[test]
    fn a_filled_honeypot_is_spam_and_a_hasty_form_is_asked_to_confirm() {
        assert_eq!(
            screen("https://cheap.example", Duration::from_secs(40), MIN, false),
            Screening::Spam(SpamReason::HoneypotFilled)
        );
        assert_eq!(
            screen("https://cheap.example", Duration::ZERO, MIN, true),
            Screening::Spam(SpamReason::HoneypotFilled)
        );
        assert_eq!(
            screen("", Duration::from_secs(1), MIN, false),
            Screening::AskToConfirm
        );
        assert_eq!(
            screen("", Duration::from_secs(1), MIN, true),
            Screening::Person,
            "a confirmed form, however quick the click"
        );
    }
}
