//! The outbox: office emails waiting to be sent, claimed by one worker at a time, with every
//! delivery attempt recorded. All SQL on `mail_outbox` and `mail_attempt` lives here.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool};

use crate::database::notifications::Channel;
use crate::text_enum;

text_enum! {
    /// The state of one outbox entry (`mail_outbox.state`).
    pub enum OutboxState {
        /// Due now or at `next_attempt_at`.
        Pending = "pending",
        Sent = "sent",
        /// Every attempt failed; staff must follow up.
        Failed = "failed",
        /// Not sent, because its inquiry was marked as spam in time.
        Cancelled = "cancelled",
    }
}

/// Queues the office email about inquiry `inquiry_id`, due at once. Every delivery worker of
/// every instance is woken when the caller's transaction commits (not before: it would find
/// nothing yet).
pub async fn enqueue(db: &mut PgConnection, inquiry_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"with queued as (insert into mail_outbox (inquiry_id) values ($1) returning id)
           select pg_notify($2, '') from queued"#,
        inquiry_id,
        Channel::OfficeEmailQueued as Channel
    )
    .execute(db)
    .await?;
    Ok(())
}

/// An email whose time has come, locked for the caller's transaction.
#[derive(Debug)]
pub struct DueEmail {
    pub outbox_id: i64,
    /// Attempts made before this one.
    pub attempts: i32,
    pub inquiry_id: i64,
}

/// Claims the email that has been due longest. The row stays locked until the transaction
/// ends; other workers skip it instead of waiting, so no email is sent twice at once.
pub async fn claim_next_due(conn: &mut PgConnection) -> Result<Option<DueEmail>, sqlx::Error> {
    sqlx::query_as!(
        DueEmail,
        r#"select id as outbox_id, attempts, inquiry_id
           from mail_outbox
           where state = $1 and next_attempt_at <= now()
           order by next_attempt_at, id
           limit 1
           for update skip locked"#,
        OutboxState::Pending as OutboxState
    )
    .fetch_optional(conn)
    .await
}

/// How an attempt ended and what happens next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    Sent,
    RetryAt { error: String, at: DateTime<Utc> },
    GaveUp { error: String },
}

/// Records attempt number `attempts` of outbox entry `outbox_id` and its outcome.
pub async fn record_attempt(
    conn: &mut PgConnection,
    outbox_id: i64,
    attempts: i32,
    outcome: &AttemptOutcome,
) -> Result<(), sqlx::Error> {
    let (state, error, next_attempt_at) = match outcome {
        AttemptOutcome::Sent => (OutboxState::Sent, None, None),
        AttemptOutcome::RetryAt { error, at } => {
            (OutboxState::Pending, Some(error.as_str()), Some(*at))
        }
        AttemptOutcome::GaveUp { error } => (OutboxState::Failed, Some(error.as_str()), None),
    };
    sqlx::query!(
        r#"with attempt as (insert into mail_attempt (outbox_id, error) values ($1, $4))
           update mail_outbox
           set state = $2,
               attempts = $3,
               last_error = $4,
               next_attempt_at = coalesce($5, next_attempt_at),
               sent_at = case when $6 then now() else sent_at end
           where id = $1"#,
        outbox_id,
        state as OutboxState,
        attempts,
        error,
        next_attempt_at,
        state == OutboxState::Sent,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records as sent an email whose sending could not be recorded at the time (the database was
/// away) — unless it has been dealt with meanwhile (another instance sent it after all, or staff
/// cancelled it). Returns whether it recorded it.
pub async fn record_sent_late(
    db: impl PgExecutor<'_>,
    outbox_id: i64,
    attempts: i32,
) -> Result<bool, sqlx::Error> {
    let recorded = sqlx::query!(
        r#"with sent as (
               update mail_outbox
               set state = $2, attempts = $3, last_error = null, sent_at = now()
               where id = $1 and state = $4
               returning id
           )
           insert into mail_attempt (outbox_id, error) select id, null from sent"#,
        outbox_id,
        OutboxState::Sent as OutboxState,
        attempts,
        OutboxState::Pending as OutboxState,
    )
    .execute(db)
    .await?;
    Ok(recorded.rows_affected() == 1)
}

/// What has become of the office email about an inquiry (its latest outbox entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryState {
    /// No email was ever queued (spam).
    NotQueued,
    Pending,
    Retrying {
        attempts: i32,
        last_error: String,
    },
    Sent {
        at: DateTime<Utc>,
    },
    Failed {
        attempts: i32,
        last_error: String,
    },
    /// Not sent because the inquiry was marked as spam in time.
    Cancelled,
}

impl DeliveryState {
    fn of_entry(
        state: OutboxState,
        attempts: i32,
        last_error: Option<String>,
        sent_at: Option<DateTime<Utc>>,
    ) -> Self {
        let last_error = last_error.unwrap_or_default();
        match state {
            OutboxState::Sent => {
                sent_at.map_or(DeliveryState::Pending, |at| DeliveryState::Sent { at })
            }
            OutboxState::Cancelled => DeliveryState::Cancelled,
            OutboxState::Failed => DeliveryState::Failed {
                attempts,
                last_error,
            },
            OutboxState::Pending if attempts > 0 => DeliveryState::Retrying {
                attempts,
                last_error,
            },
            OutboxState::Pending => DeliveryState::Pending,
        }
    }

    /// An email is on its way (due, or waiting for its next attempt).
    pub fn is_waiting(&self) -> bool {
        matches!(
            self,
            DeliveryState::Pending | DeliveryState::Retrying { .. }
        )
    }

    pub fn is_problem(&self) -> bool {
        matches!(
            self,
            DeliveryState::Failed { .. } | DeliveryState::Retrying { .. }
        )
    }

    /// In German, for the staff area and the CSV export.
    pub fn describe(&self) -> String {
        match self {
            DeliveryState::NotQueued => "nicht versandt".into(),
            DeliveryState::Cancelled => "nicht versandt (als Spam markiert)".into(),
            DeliveryState::Pending => "wird versandt".into(),
            DeliveryState::Retrying {
                attempts,
                last_error,
            } => {
                format!("neuer Versuch folgt ({attempts} fehlgeschlagen: {last_error})")
            }
            DeliveryState::Sent { .. } => "zugestellt".into(),
            DeliveryState::Failed {
                attempts,
                last_error,
            } => {
                format!("fehlgeschlagen nach {attempts} Versuchen: {last_error}")
            }
        }
    }
}

/// The state of the latest office email of each of `inquiry_ids`; inquiries without one are
/// [`DeliveryState::NotQueued`].
pub async fn latest_states(
    db: impl PgExecutor<'_>,
    inquiry_ids: &[i64],
) -> Result<HashMap<i64, DeliveryState>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select distinct on (inquiry_id)
                  inquiry_id, state as "state: OutboxState", attempts, last_error, sent_at
           from mail_outbox
           where inquiry_id = any($1)
           order by inquiry_id, id desc"#,
        inquiry_ids
    )
    .fetch_all(db)
    .await?;
    let mut states: HashMap<i64, DeliveryState> = inquiry_ids
        .iter()
        .map(|id| (*id, DeliveryState::NotQueued))
        .collect();
    for row in rows {
        states.insert(
            row.inquiry_id,
            DeliveryState::of_entry(row.state, row.attempts, row.last_error, row.sent_at),
        );
    }
    Ok(states)
}

#[derive(Debug, Clone)]
pub struct DeliveryAttempt {
    pub at: DateTime<Utc>,
    /// `None` for an attempt that succeeded.
    pub error: Option<String>,
}

impl DeliveryAttempt {
    pub fn at_in_hannover(&self) -> String {
        crate::i18n::berlin_date_time(self.at)
    }
}

/// Every attempt to send an email about `inquiry_id`, oldest first.
pub async fn attempts(
    db: impl PgExecutor<'_>,
    inquiry_id: i64,
) -> Result<Vec<DeliveryAttempt>, sqlx::Error> {
    sqlx::query_as!(
        DeliveryAttempt,
        r#"select a.attempted_at as at, a.error
           from mail_attempt a join mail_outbox o on o.id = a.outbox_id
           where o.inquiry_id = $1
           order by a.attempted_at, a.id"#,
        inquiry_id
    )
    .fetch_all(db)
    .await
}

/// Stops the emails about `inquiry_id` that have not gone out yet.
pub async fn cancel_pending(db: impl PgExecutor<'_>, inquiry_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"update mail_outbox set state = $2, last_error = null
           where inquiry_id = $1 and state = $3"#,
        inquiry_id,
        OutboxState::Cancelled as OutboxState,
        OutboxState::Pending as OutboxState,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Whether an email about `inquiry_id` is in one of `states`.
pub async fn has_email_in(
    db: impl PgExecutor<'_>,
    inquiry_id: i64,
    states: &[OutboxState],
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (select from mail_outbox
                          where inquiry_id = $1 and state = any($2)) as "exists!""#,
        inquiry_id,
        states as &[OutboxState]
    )
    .fetch_one(db)
    .await
}

/// How many outbox entries and delivery attempts belong to `inquiry_ids`.
pub async fn count_for(
    db: impl PgExecutor<'_>,
    inquiry_ids: &[i64],
) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query!(
        r#"select count(distinct o.id) as "emails!", count(a.id) as "attempts!"
           from mail_outbox o left join mail_attempt a on a.outbox_id = o.id
           where o.inquiry_id = any($1)"#,
        inquiry_ids
    )
    .fetch_one(db)
    .await?;
    Ok((row.emails, row.attempts))
}

/// Office emails that need a person's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeliveryAlerts {
    pub failed: i64,
    pub pending_over_an_hour: i64,
}

pub async fn alerts(db: impl PgExecutor<'_>) -> Result<DeliveryAlerts, sqlx::Error> {
    // Only each inquiry's latest email counts: a failure that a resend has since made good is
    // no longer anyone's concern.
    let row = sqlx::query!(
        r#"select count(*) filter (where state = $1) as "failed!",
                  count(*) filter (where state = $2 and created_at < now() - interval '1 hour')
                      as "pending_over_an_hour!"
           from (select distinct on (inquiry_id) state, created_at
                 from mail_outbox order by inquiry_id, id desc) latest"#,
        OutboxState::Failed as OutboxState,
        OutboxState::Pending as OutboxState,
    )
    .fetch_one(db)
    .await?;
    Ok(DeliveryAlerts {
        failed: row.failed,
        pending_over_an_hour: row.pending_over_an_hour,
    })
}

/// How many emails are in each state, and how long the oldest pending one has waited.
pub struct OutboxTally {
    pub by_state: Vec<(OutboxState, i64)>,
    pub oldest_pending_seconds: Option<f64>,
}

/// The outbox as monitoring sees it (across all instances: it is the database's).
pub async fn tally(db: &PgPool) -> Result<OutboxTally, sqlx::Error> {
    let by_state = sqlx::query!(
        r#"select state as "state: OutboxState", count(*) as "count!"
           from mail_outbox group by state"#
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|row| (row.state, row.count))
    .collect();
    let oldest_pending_seconds = sqlx::query_scalar!(
        r#"select extract(epoch from now() - min(created_at))::float8
           from mail_outbox where state = 'pending'"#
    )
    .fetch_one(db)
    .await?;
    Ok(OutboxTally {
        by_state,
        oldest_pending_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_states_read_from_the_latest_outbox_entry() {
        assert_eq!(
            DeliveryState::of_entry(OutboxState::Pending, 0, None, None),
            DeliveryState::Pending
        );
        assert!(matches!(
            DeliveryState::of_entry(OutboxState::Pending, 2, Some("refused".into()), None),
            DeliveryState::Retrying { attempts: 2, .. }
        ));
        assert!(
            DeliveryState::of_entry(OutboxState::Failed, 12, Some("x".into()), None).is_problem()
        );
        assert_eq!(
            DeliveryState::of_entry(OutboxState::Cancelled, 0, None, None),
            DeliveryState::Cancelled
        );
    }
}
