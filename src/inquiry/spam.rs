//! Telling programs from people without CAPTCHA or cookies. Spam is stored (staff can look at it)
//! but never mailed, and its sender sees the same answer as everyone else.

use std::time::Duration;

use crate::text_enum;

text_enum! {
    /// Why an inquiry is taken for spam (`inquiry.spam_reason`).
    pub enum SpamReason {
        /// The field hidden from people was filled in.
        HoneypotFilled = "honeypot",
        /// The form came back sooner than a person can fill it in.
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

/// Why a submission looks like spam, if it does.
pub fn screen(honeypot: &str, form_age: Duration, min_fill_time: Duration) -> Option<SpamReason> {
    if !honeypot.trim().is_empty() {
        Some(SpamReason::HoneypotFilled)
    } else if form_age < min_fill_time {
        Some(SpamReason::TooFast)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(3);

    #[test]
    fn a_person_taking_their_time_is_no_spammer() {
        assert_eq!(screen("", Duration::from_secs(40), MIN), None);
        assert_eq!(screen("", MIN, MIN), None);
    }

    #[test]
    fn a_filled_honeypot_or_a_hasty_form_is_spam() {
        assert_eq!(
            screen("https://cheap.example", Duration::from_secs(40), MIN),
            Some(SpamReason::HoneypotFilled)
        );
        assert_eq!(
            screen("", Duration::from_secs(1), MIN),
            Some(SpamReason::TooFast)
        );
    }
}
