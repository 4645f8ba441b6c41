//! What has become of an email, as the office is told it: in plain German, what happened, what
//! the site will do next and when, and what the office can do. The mail server's own words are
//! kept for whoever runs the site and shown only under "Technische Details".

use chrono::{DateTime, TimeDelta, Utc};

use crate::i18n::{berlin_date_time, berlin_time_or_date_time};
use crate::mail::outbox::{EntryFacts, OutboxState, TROUBLE_AFTER_MINUTES};
use crate::mail::transport::Failure;

/// The state of an email (for an inquiry: of its latest office email).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryState {
    /// No email was ever queued (spam).
    NotQueued,
    /// Queued and not tried yet.
    Pending {
        queued_at: DateTime<Utc>,
    },
    /// Tried and failed; the next attempt is due at `next_at`.
    Retrying {
        attempts: i32,
        failure: Failure,
        detail: String,
        next_at: DateTime<Utc>,
        queued_at: DateTime<Utc>,
    },
    Sent {
        at: DateTime<Utc>,
    },
    /// Every attempt failed; the site has given up.
    Failed {
        attempts: i32,
        failure: Failure,
        detail: String,
    },
    /// Not sent because the inquiry was marked as spam in time.
    Cancelled,
}

impl DeliveryState {
    pub fn of_entry(entry: EntryFacts) -> Self {
        let detail = entry.last_error.unwrap_or_default();
        // Rows from before failures were told apart have only the server's text.
        let failure = entry.last_failure.unwrap_or(Failure::Other);
        match entry.state {
            OutboxState::Sent => entry.sent_at.map_or(
                DeliveryState::Pending {
                    queued_at: entry.queued_at,
                },
                |at| DeliveryState::Sent { at },
            ),
            OutboxState::Cancelled => DeliveryState::Cancelled,
            OutboxState::Failed => DeliveryState::Failed {
                attempts: entry.attempts,
                failure,
                detail,
            },
            OutboxState::Pending if entry.attempts > 0 => DeliveryState::Retrying {
                attempts: entry.attempts,
                failure,
                detail,
                next_at: entry.next_attempt_at,
                queued_at: entry.queued_at,
            },
            OutboxState::Pending => DeliveryState::Pending {
                queued_at: entry.queued_at,
            },
        }
    }

    /// An email is on its way (due, or waiting for its next attempt).
    pub fn is_waiting(&self) -> bool {
        matches!(
            self,
            DeliveryState::Pending { .. } | DeliveryState::Retrying { .. }
        )
    }

    /// Whether the office should look now: failed, or on its way for longer than a moment.
    pub fn is_problem(&self) -> bool {
        self.is_problem_at(Utc::now())
    }

    /// Whether the office should look at `now`.
    pub fn is_problem_at(&self, now: DateTime<Utc>) -> bool {
        let long_ago = now - TimeDelta::minutes(i64::from(TROUBLE_AFTER_MINUTES));
        match self {
            DeliveryState::Failed { .. } => true,
            DeliveryState::Retrying { queued_at, .. } | DeliveryState::Pending { queued_at } => {
                *queued_at < long_ago
            }
            _ => false,
        }
    }

    /// In plain German, for the staff area and the CSV export: what happened, what the site does
    /// next, and what the office can do.
    pub fn describe(&self) -> String {
        match self {
            DeliveryState::NotQueued => "Nicht versandt: Die Anfrage gilt als Spam.".into(),
            DeliveryState::Cancelled => {
                "Nicht versandt: Die Anfrage wurde als Spam markiert, bevor die E-Mail hinausging."
                    .into()
            }
            DeliveryState::Pending { queued_at } if self.is_problem() => format!(
                "Die E-Mail wartet seit {} auf den Versand, ohne dass die Website sie versucht \
                 hat. Bitte sagen Sie der Person Bescheid, die die Website betreut: Vielleicht \
                 läuft der Versand gerade nicht.",
                berlin_date_time(*queued_at)
            ),
            DeliveryState::Pending { .. } => "Wird gerade versandt.".into(),
            DeliveryState::Retrying {
                attempts,
                failure,
                next_at,
                ..
            } => format!(
                "{} Die Website versucht es {} erneut (bisher {}).",
                what_happened(*failure),
                berlin_time_or_date_time(*next_at),
                match attempts {
                    1 => "1 Versuch".to_owned(),
                    attempts => format!("{attempts} Versuche"),
                }
            ),
            DeliveryState::Sent { at } => format!("Zugestellt am {}.", berlin_date_time(*at)),
            DeliveryState::Failed {
                attempts, failure, ..
            } => format!(
                "{} Die Website hat nach {} aufgegeben. {}",
                what_happened(*failure),
                match attempts {
                    1 => "1 Versuch".to_owned(),
                    attempts => format!("{attempts} Versuchen"),
                },
                what_to_do(*failure)
            ),
        }
    }

    /// The mail server's or the library's own words about the last failure, for "Technische
    /// Details".
    pub fn technical_details(&self) -> Option<&str> {
        match self {
            DeliveryState::Retrying { detail, .. } | DeliveryState::Failed { detail, .. }
                if !detail.is_empty() =>
            {
                Some(detail)
            }
            _ => None,
        }
    }

    /// A few words for a list column: "zugestellt", "neuer Versuch 14:32", "fehlgeschlagen".
    pub fn short(&self) -> String {
        match self {
            DeliveryState::NotQueued | DeliveryState::Cancelled => "nicht versandt".into(),
            DeliveryState::Pending { .. } => "wird versandt".into(),
            DeliveryState::Retrying { next_at, .. } => {
                format!("neuer Versuch {}", berlin_time_or_date_time(*next_at))
            }
            DeliveryState::Sent { .. } => "zugestellt".into(),
            DeliveryState::Failed { .. } => "fehlgeschlagen".into(),
        }
    }
}

/// What went wrong, as a sentence.
fn what_happened(failure: Failure) -> &'static str {
    match failure {
        Failure::Refused => "Der Mailserver hat die Nachricht abgelehnt.",
        Failure::Deferred => "Der Mailserver hat die Nachricht vorerst nicht angenommen.",
        Failure::Unreachable => "Der Mailserver war nicht erreichbar.",
        Failure::NoAnswer => "Der Mailserver hat nicht rechtzeitig geantwortet.",
        Failure::NotAddressable => {
            "Die E-Mail hat keine gültige Empfängeradresse: Unter „Vereinsdaten“ ist keine \
             gültige E-Mail-Adresse der Geschäftsstelle eingetragen."
        }
        Failure::Other => "Die E-Mail ließ sich nicht zustellen.",
    }
}

/// What the office can do after the site gave up.
fn what_to_do(failure: Failure) -> &'static str {
    match failure {
        Failure::NotAddressable => {
            "Bitte tragen Sie unter „Vereinsdaten“ die E-Mail-Adresse ein und senden Sie die \
             E-Mail dann erneut."
        }
        _ => {
            "Bitte lassen Sie die Mail-Einstellungen von der Person prüfen, die die Website \
             betreut, und senden Sie die E-Mail dann erneut."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(state: OutboxState, attempts: i32, failure: Option<Failure>) -> EntryFacts {
        EntryFacts {
            state,
            attempts,
            last_error: failure.map(|_| "permanent error (550): mailbox unavailable".to_owned()),
            last_failure: failure,
            sent_at: None,
            next_attempt_at: Utc::now() + TimeDelta::minutes(2),
            queued_at: Utc::now() - TimeDelta::minutes(10),
        }
    }

    #[test]
    fn a_retry_says_what_happened_and_when_the_site_tries_again() {
        let state = DeliveryState::of_entry(entry(OutboxState::Pending, 2, Some(Failure::Refused)));
        let text = state.describe();
        assert!(
            text.starts_with(
                "Der Mailserver hat die Nachricht abgelehnt. Die Website versucht es um "
            ),
            "{text}"
        );
        assert!(text.ends_with("erneut (bisher 2 Versuche)."), "{text}");
        assert!(
            !text.contains("550"),
            "the server's words stay in the details: {text}"
        );
        assert_eq!(
            state.technical_details(),
            Some("permanent error (550): mailbox unavailable")
        );
        assert!(state.is_problem(), "retrying for ten minutes");
    }

    #[test]
    fn giving_up_says_what_to_do() {
        let text =
            DeliveryState::of_entry(entry(OutboxState::Failed, 12, Some(Failure::Unreachable)))
                .describe();
        assert_eq!(
            text,
            "Der Mailserver war nicht erreichbar. Die Website hat nach 12 Versuchen aufgegeben. \
             Bitte lassen Sie die Mail-Einstellungen von der Person prüfen, die die Website \
             betreut, und senden Sie die E-Mail dann erneut."
        );
    }

    #[test]
    fn an_email_on_its_way_for_a_moment_is_no_problem_yet() {
        let mut fresh = entry(OutboxState::Pending, 1, Some(Failure::Deferred));
        fresh.queued_at = Utc::now() - TimeDelta::seconds(30);
        assert!(!DeliveryState::of_entry(fresh).is_problem());
        assert!(!DeliveryState::of_entry(entry(OutboxState::Cancelled, 0, None)).is_problem());
    }
}
