//! The delivery worker: sends due office emails one at a time, records every attempt, and
//! retries failures with exponential backoff and jitter until it succeeds or gives up.
//! Several workers (one per running instance) can share a database: each claims its email
//! with `FOR UPDATE SKIP LOCKED`. Work left behind by a crash is due again at once.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::PgPool;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::config::{BaseUrl, MailConfig};
use crate::content::facts;
use crate::database::notifications::{Channel, DatabaseEvent};
use crate::inquiry::stored;
use crate::mail::composed;
use crate::mail::office_email::{self, Addressing, ComposeError};
use crate::mail::outbox::{self, AttemptOutcome, DueContent};
use crate::mail::transport::{Failure, MailTransport, SendError};
use crate::monitoring;

/// How long a stopping worker tries to record emails it sent while the database was away.
const LAST_RECORDING_TIME: Duration = Duration::from_secs(5);

/// When to try again, and when to stop trying.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub first_delay: Duration,
    pub max_delay: Duration,
    pub max_attempts: u32,
}

impl RetryPolicy {
    /// The wait after the `failures`-th failed attempt: the first delay doubled for each earlier
    /// failure, capped, then spread by ±20 % so that emails that failed together (a mail server
    /// outage) are not all retried in the same second.
    pub fn delay_after(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(30);
        let base = self
            .first_delay
            .saturating_mul(1_u32 << doublings)
            .min(self.max_delay);
        base.mul_f64(rand::random_range(0.8..=1.2))
            .min(self.max_delay)
    }
}

pub struct DeliveryWorker {
    pool: PgPool,
    transport: Arc<MailTransport>,
    addressing: Addressing,
    retry: RetryPolicy,
    send_timeout: Duration,
    /// How often to look for due emails when no notification says one was queued (retries
    /// fall due without one).
    poll_interval: Duration,
    /// MAIL_HOLD: send nothing.
    hold: bool,
    /// Emails the mail server accepted while the database went away before that was recorded.
    /// Recorded first once it is back, so that this worker does not send them again. Sent twice
    /// all the same (at-least-once) if the process dies meanwhile, or if another instance's
    /// worker takes the email up before this one can record it.
    sent_unrecorded: Mutex<Vec<UnrecordedSend>>,
}

#[derive(Debug, Clone, Copy)]
struct UnrecordedSend {
    outbox_id: i64,
    attempts: i32,
}

/// What one round of the worker did, to which email (an inquiry's reference, or the kind of
/// email and its outbox number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    NothingDue,
    Sent { email: String },
    WillRetry { email: String, error: SendError },
    GaveUp { email: String, error: SendError },
}

impl DeliveryWorker {
    /// A worker sending through `transport`; the emails link to the staff area at `site`.
    pub fn new(
        pool: PgPool,
        transport: Arc<MailTransport>,
        config: &MailConfig,
        site: BaseUrl,
    ) -> Self {
        Self {
            pool,
            transport,
            addressing: Addressing {
                from: config.mail_from.clone(),
                office_override: config.office_email.clone(),
                site,
            },
            retry: RetryPolicy {
                first_delay: config.retry_delay,
                max_delay: config.retry_max_delay,
                max_attempts: config.max_attempts,
            },
            send_timeout: config.send_timeout,
            poll_interval: config.poll_interval,
            hold: config.hold,
            sent_unrecorded: Mutex::new(Vec::new()),
        }
    }

    /// Delivers due emails until `shutdown`; an email being sent when it comes is finished first.
    /// A queued email (`events`) wakes the worker at once. Each round runs as a task of its own,
    /// so that even a panic in one round (its transaction rolls back, the email stays due) does
    /// not end the delivery of all later emails.
    pub async fn run(
        self,
        mut events: broadcast::Receiver<DatabaseEvent>,
        shutdown: CancellationToken,
    ) {
        if self.hold {
            tracing::warn!(
                "MAIL_HOLD is set: emails are queued, but none is sent until it is unset"
            );
            shutdown.cancelled().await;
            return;
        }
        let worker = Arc::new(self);
        while !shutdown.is_cancelled() {
            let round = tokio::spawn({
                let worker = Arc::clone(&worker);
                async move { worker.deliver_next().await }
            });
            let idle = match round.await {
                Ok(Ok(Delivery::NothingDue)) => true,
                Ok(Ok(_)) => false,
                Ok(Err(error)) => {
                    tracing::warn!(%error, "mail delivery cannot reach the database; trying again later");
                    true
                }
                Err(error) => {
                    tracing::error!(%error, "a mail delivery round failed unexpectedly; carrying on");
                    true
                }
            };
            if idle {
                tokio::select! {
                    () = shutdown.cancelled() => {}
                    () = email_queued(&mut events) => {}
                    () = tokio::time::sleep(worker.poll_interval) => {}
                }
            }
        }
        worker.record_earlier_sends_before_stopping().await;
    }

    /// A last try to record emails sent while the database was away; those it cannot record
    /// will be sent again after the restart, and the log says which.
    async fn record_earlier_sends_before_stopping(&self) {
        let recorded = tokio::time::timeout(LAST_RECORDING_TIME, self.record_earlier_sends()).await;
        if matches!(recorded, Ok(Ok(()))) {
            return;
        }
        let waiting = self
            .sent_unrecorded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|send| send.outbox_id)
            .collect::<Vec<_>>();
        tracing::error!(outbox_ids = ?waiting, "stopping with emails sent but not recorded; they will be sent again");
    }

    /// Claims the next due email, tries to send it and records the attempt, all in one
    /// transaction: if the process dies midway, the email is simply due again.
    pub async fn deliver_next(&self) -> Result<Delivery, sqlx::Error> {
        self.record_earlier_sends().await?;
        let mut transaction = self.pool.begin().await?;
        let Some(due) = outbox::claim_next_due(&mut transaction).await? else {
            return Ok(Delivery::NothingDue);
        };
        let (email, message) = match &due.content {
            DueContent::OfficeInquiry { inquiry_id } => {
                let inquiry = stored::find(&mut *transaction, *inquiry_id)
                    .await?
                    .ok_or(sqlx::Error::RowNotFound)?;
                let facts = facts::load(&mut *transaction).await?;
                let message = office_email::compose(&inquiry, facts.as_ref(), &self.addressing)
                    .map_err(not_composed);
                (inquiry.reference, message)
            }
            DueContent::Composed(composed) => (
                format!("{} #{}", due.kind, due.outbox_id),
                composed::to_message(composed, &self.addressing.from).map_err(not_composed),
            ),
        };
        let started = Instant::now();
        let result = match message {
            Ok(message) => self.send_bounded(message).await,
            Err(error) => Err(error),
        };
        metrics::histogram!(monitoring::MAIL_DURATION).record(started.elapsed().as_secs_f64());

        let attempts = due.attempts.saturating_add(1);
        let failures = u32::try_from(attempts).unwrap_or(u32::MAX);
        let outcome = match result {
            Ok(()) => AttemptOutcome::Sent,
            Err(error) if failures >= self.retry.max_attempts => AttemptOutcome::GaveUp { error },
            Err(error) => AttemptOutcome::RetryAt {
                at: later_by(self.retry.delay_after(failures)),
                error,
            },
        };
        let recorded =
            match outbox::record_attempt(&mut transaction, due.outbox_id, attempts, &outcome).await
            {
                Ok(()) => transaction.commit().await,
                Err(error) => Err(error),
            };
        if let Err(error) = recorded {
            if outcome == AttemptOutcome::Sent {
                tracing::warn!(%email, "sent the email, but cannot record that yet; will once the database answers");
                self.sent_unrecorded
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(UnrecordedSend {
                        outbox_id: due.outbox_id,
                        attempts,
                    });
            }
            return Err(error);
        }
        let counted = match outcome {
            AttemptOutcome::Sent => "sent",
            AttemptOutcome::RetryAt { .. } => "retry",
            AttemptOutcome::GaveUp { .. } => "gave_up",
        };
        metrics::counter!(monitoring::MAIL_ATTEMPTS, "outcome" => counted).increment(1);

        Ok(match outcome {
            AttemptOutcome::Sent => {
                tracing::info!(%email, attempts, "sent an email");
                Delivery::Sent { email }
            }
            AttemptOutcome::RetryAt { error, at } => {
                tracing::warn!(%email, attempts, %error, failure = %error.failure, retry_at = %at, "email not sent; will retry");
                Delivery::WillRetry { email, error }
            }
            AttemptOutcome::GaveUp { error } => {
                tracing::error!(%email, attempts, %error, failure = %error.failure, "email failed for good; staff must follow up");
                Delivery::GaveUp { email, error }
            }
        })
    }

    /// Records the emails sent while the database was away (see `sent_unrecorded`).
    async fn record_earlier_sends(&self) -> Result<(), sqlx::Error> {
        let waiting = self
            .sent_unrecorded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        for send in waiting {
            let recorded =
                outbox::record_sent_late(&self.pool, send.outbox_id, send.attempts).await?;
            self.sent_unrecorded
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|other| other.outbox_id != send.outbox_id);
            if recorded {
                metrics::counter!(monitoring::MAIL_ATTEMPTS, "outcome" => "sent").increment(1);
                tracing::info!(
                    outbox_id = send.outbox_id,
                    "recorded an office email sent earlier"
                );
            }
        }
        Ok(())
    }

    /// Sends with a deadline: an SMTP server that accepts a connection and then never answers
    /// must not hold up every later email.
    async fn send_bounded(&self, message: lettre::Message) -> Result<(), SendError> {
        match tokio::time::timeout(self.send_timeout, self.transport.send(message)).await {
            Ok(result) => result,
            Err(_) => Err(SendError::new(
                Failure::NoAnswer,
                format!(
                    "no answer from the mail server within {}",
                    humantime::format_duration(self.send_timeout)
                ),
            )),
        }
    }
}

/// An email that could not even be composed: without a usable recipient, nothing the mail
/// server does can help; anything else is a fault of the stored data.
fn not_composed(error: ComposeError) -> SendError {
    let failure = match error {
        ComposeError::NoOfficeAddress | ComposeError::InvalidOfficeAddress(_) => {
            Failure::NotAddressable
        }
        _ => Failure::Other,
    };
    SendError::new(failure, error.to_string())
}

/// Completes when an email may have been queued: on a notification saying so, after the
/// notifications reconnected (one may have been missed), or when events were missed.
async fn email_queued(events: &mut broadcast::Receiver<DatabaseEvent>) {
    loop {
        match events.recv().await {
            Ok(DatabaseEvent::Notified(Channel::OfficeEmailQueued))
            | Ok(DatabaseEvent::Reconnected)
            | Err(broadcast::error::RecvError::Lagged(_)) => return,
            Ok(DatabaseEvent::Notified(_)) => {}
            // The site is shutting down; the shutdown token ends the wait.
            Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
        }
    }
}

/// Now plus `delay`, or the end of time should that not fit.
fn later_by(delay: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(delay)
        .ok()
        .and_then(|delay| Utc::now().checked_add_signed(delay))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_within_the_jitter_and_stop_at_the_cap() {
        let policy = RetryPolicy {
            first_delay: Duration::from_secs(60),
            max_delay: Duration::from_secs(3600),
            max_attempts: 10,
        };
        for _ in 0..100 {
            let first = policy.delay_after(1);
            assert!((48..=72).contains(&first.as_secs()), "{first:?}");
            let third = policy.delay_after(3);
            assert!((192..=288).contains(&third.as_secs()), "{third:?}");
            assert!(policy.delay_after(30) <= Duration::from_secs(3600));
            assert!(policy.delay_after(30) >= Duration::from_secs(2880));
        }
    }
}
