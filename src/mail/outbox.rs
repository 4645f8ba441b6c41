//! The outbox: every email the site sends, waiting to be sent, claimed by one worker at a time,
//! with every delivery attempt recorded. The office email about an inquiry is composed when it
//! is sent (from the inquiry as it is then); every other email is composed when it is queued and
//! kept as it will go out. All SQL on `mail_outbox` and `mail_attempt` lives here.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor, PgPool};

use crate::database::notifications::Channel;
use crate::mail::composed::ComposedEmail;
use crate::mail::delivery::DeliveryState;
use crate::mail::transport::{Failure, SendError};
use crate::text_enum;

text_enum! {
    /// What an email is about (`mail_outbox.kind`).
    pub enum EmailKind {
        /// To the office, about a new inquiry (composed from the inquiry when sent).
        OfficeInquiry = "office_inquiry",
        /// To a colleague: an inquiry was assigned to them.
        Assignment = "assignment",
        /// To the office: inquiries still new after some working days.
        Reminder = "reminder",
    }
}

impl EmailKind {
    /// As the office says it, in a sentence such as "Die E-Mail … konnte nicht zugestellt werden".
    pub fn label(self) -> &'static str {
        match self {
            EmailKind::OfficeInquiry => "an die Geschäftsstelle über eine neue Anfrage",
            EmailKind::Assignment => "an eine Kollegin oder einen Kollegen über eine Zuweisung",
            EmailKind::Reminder => "an die Geschäftsstelle mit der Erinnerung an neue Anfragen",
        }
    }
}

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

/// Queues `message`, composed now, due at once; with `once_key`, only if no email with that key
/// was ever queued (returns whether it was). Like [`enqueue`], it wakes every worker on commit.
pub async fn enqueue_composed(
    db: &mut PgConnection,
    kind: EmailKind,
    inquiry_id: Option<i64>,
    message: &ComposedEmail,
    once_key: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let queued = sqlx::query!(
        r#"with queued as (
               insert into mail_outbox (kind, inquiry_id, message, once_key)
               values ($1, $2, $3, $4)
               on conflict (once_key) where once_key is not null do nothing
               returning id
           )
           select pg_notify($5, '') from queued"#,
        kind as EmailKind,
        inquiry_id,
        Json(message) as _,
        once_key,
        Channel::OfficeEmailQueued as Channel
    )
    .fetch_optional(db)
    .await?;
    Ok(queued.is_some())
}

/// What a due email is.
#[derive(Debug)]
pub enum DueContent {
    /// The office email about this inquiry, composed now.
    OfficeInquiry {
        inquiry_id: i64,
    },
    Composed(ComposedEmail),
}

/// An email whose time has come, locked for the caller's transaction.
#[derive(Debug)]
pub struct DueEmail {
    pub outbox_id: i64,
    pub kind: EmailKind,
    /// Attempts made before this one.
    pub attempts: i32,
    pub content: DueContent,
}

/// Claims the email that has been due longest. The row stays locked until the transaction
/// ends; other workers skip it instead of waiting, so no email is sent twice at once.
pub async fn claim_next_due(conn: &mut PgConnection) -> Result<Option<DueEmail>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select id, kind as "kind: EmailKind", attempts, inquiry_id,
                  message as "message: Json<ComposedEmail>"
           from mail_outbox
           where state = $1 and next_attempt_at <= now()
           order by next_attempt_at, id
           limit 1
           for update skip locked"#,
        OutboxState::Pending as OutboxState
    )
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    // The table's check constraint makes the other cases impossible.
    let content = match (row.kind, row.inquiry_id, row.message) {
        (EmailKind::OfficeInquiry, Some(inquiry_id), _) => DueContent::OfficeInquiry { inquiry_id },
        (_, _, Some(Json(message))) => DueContent::Composed(message),
        _ => return Err(sqlx::Error::RowNotFound),
    };
    Ok(Some(DueEmail {
        outbox_id: row.id,
        kind: row.kind,
        attempts: row.attempts,
        content,
    }))
}

/// How an attempt ended and what happens next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    Sent,
    RetryAt { error: SendError, at: DateTime<Utc> },
    GaveUp { error: SendError },
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
        AttemptOutcome::RetryAt { error, at } => (OutboxState::Pending, Some(error), Some(*at)),
        AttemptOutcome::GaveUp { error } => (OutboxState::Failed, Some(error), None),
    };
    sqlx::query!(
        r#"with attempt as (insert into mail_attempt (outbox_id, error) values ($1, $4))
           update mail_outbox
           set state = $2,
               attempts = $3,
               last_error = $4,
               last_failure = $7,
               next_attempt_at = coalesce($5, next_attempt_at),
               sent_at = case when $6 then now() else sent_at end
           where id = $1"#,
        outbox_id,
        state as OutboxState,
        attempts,
        error.map(|error| error.detail.as_str()),
        next_attempt_at,
        state == OutboxState::Sent,
        error.map(|error| error.failure) as Option<Failure>,
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

/// The state of the latest office email of each of `inquiry_ids`; inquiries without one are
/// [`DeliveryState::NotQueued`].
pub async fn latest_states(
    db: impl PgExecutor<'_>,
    inquiry_ids: &[i64],
) -> Result<HashMap<i64, DeliveryState>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select distinct on (inquiry_id)
                  inquiry_id as "inquiry_id!", state as "state: OutboxState", attempts,
                  last_error, last_failure as "last_failure: Failure", sent_at,
                  next_attempt_at, created_at
           from mail_outbox
           where inquiry_id = any($1) and kind = $2
           order by inquiry_id, id desc"#,
        inquiry_ids,
        EmailKind::OfficeInquiry as EmailKind,
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
            DeliveryState::of_entry(EntryFacts {
                state: row.state,
                attempts: row.attempts,
                last_error: row.last_error,
                last_failure: row.last_failure,
                sent_at: row.sent_at,
                next_attempt_at: row.next_attempt_at,
                queued_at: row.created_at,
            }),
        );
    }
    Ok(states)
}

/// An outbox entry's columns, as [`DeliveryState`] reads them.
#[derive(Debug, Clone)]
pub struct EntryFacts {
    pub state: OutboxState,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub last_failure: Option<Failure>,
    pub sent_at: Option<DateTime<Utc>>,
    pub next_attempt_at: DateTime<Utc>,
    pub queued_at: DateTime<Utc>,
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

/// Every attempt to send the office email about `inquiry_id`, oldest first.
pub async fn attempts(
    db: impl PgExecutor<'_>,
    inquiry_id: i64,
) -> Result<Vec<DeliveryAttempt>, sqlx::Error> {
    sqlx::query_as!(
        DeliveryAttempt,
        r#"select a.attempted_at as at, a.error
           from mail_attempt a join mail_outbox o on o.id = a.outbox_id
           where o.inquiry_id = $1 and o.kind = $2
           order by a.attempted_at, a.id"#,
        inquiry_id,
        EmailKind::OfficeInquiry as EmailKind,
    )
    .fetch_all(db)
    .await
}

/// Stops the office emails about `inquiry_id` that have not gone out yet.
pub async fn cancel_pending(db: impl PgExecutor<'_>, inquiry_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"update mail_outbox set state = $2, last_error = null, last_failure = null
           where inquiry_id = $1 and state = $3 and kind = $4"#,
        inquiry_id,
        OutboxState::Cancelled as OutboxState,
        OutboxState::Pending as OutboxState,
        EmailKind::OfficeInquiry as EmailKind,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Whether an office email about `inquiry_id` is in one of `states`.
pub async fn has_email_in(
    db: impl PgExecutor<'_>,
    inquiry_id: i64,
    states: &[OutboxState],
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (select from mail_outbox
                          where inquiry_id = $1 and state = any($2) and kind = $3) as "exists!""#,
        inquiry_id,
        states as &[OutboxState],
        EmailKind::OfficeInquiry as EmailKind,
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

/// An email that needs a person's attention: failed, or still not delivered after
/// [`TROUBLE_AFTER`].
#[derive(Debug, Clone)]
pub struct TroubledEmail {
    pub kind: EmailKind,
    /// The inquiry it is about, if any.
    pub inquiry: Option<InquiryNamed>,
    /// The subject of an email composed when queued.
    pub subject: Option<String>,
    pub delivery: DeliveryState,
}

/// An inquiry as a list names it.
#[derive(Debug, Clone)]
pub struct InquiryNamed {
    pub id: i64,
    pub reference: String,
    pub organisation: String,
}

/// How long an email may be on its way before the office hears of it: a mail server that is
/// down for a moment needs no one, one that refuses everything needs someone soon.
pub const TROUBLE_AFTER_MINUTES: i32 = 5;
/// Failed emails that are not about an inquiry are named for this long (the office cannot send
/// them again; it can tell the person).
const COMPOSED_FAILURES_SHOWN_DAYS: i32 = 7;

/// Every email in trouble, oldest first: of each inquiry only its latest office email counts (a
/// failure that a resend has made good is no one's concern any more).
pub async fn troubled(db: impl PgExecutor<'_>) -> Result<Vec<TroubledEmail>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"with latest as (
               select distinct on (inquiry_id) id from mail_outbox
               where kind = $1 order by inquiry_id, id desc
           )
           select o.kind as "kind: EmailKind", o.state as "state: OutboxState", o.attempts,
                  o.last_error, o.last_failure as "last_failure: Failure", o.sent_at,
                  o.next_attempt_at, o.created_at, o.message as "message: Json<ComposedEmail>",
                  i.id as "inquiry_id?", i.reference as "reference?",
                  i.organisation as "organisation?"
           from mail_outbox o left join inquiry i on i.id = o.inquiry_id
           where (o.state = $2
                  or (o.state = $3 and o.created_at < now() - make_interval(mins => $4)))
             and (o.id in (select id from latest)
                  or (o.kind <> $1
                      and o.created_at > now() - make_interval(days => $5)))
           order by o.created_at, o.id"#,
        EmailKind::OfficeInquiry as EmailKind,
        OutboxState::Failed as OutboxState,
        OutboxState::Pending as OutboxState,
        TROUBLE_AFTER_MINUTES,
        COMPOSED_FAILURES_SHOWN_DAYS,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| TroubledEmail {
            kind: row.kind,
            inquiry: match (row.inquiry_id, row.reference, row.organisation) {
                (Some(id), Some(reference), Some(organisation)) => Some(InquiryNamed {
                    id,
                    reference,
                    organisation,
                }),
                _ => None,
            },
            subject: row.message.map(|Json(message)| message.subject),
            delivery: DeliveryState::of_entry(EntryFacts {
                state: row.state,
                attempts: row.attempts,
                last_error: row.last_error,
                last_failure: row.last_failure,
                sent_at: row.sent_at,
                next_attempt_at: row.next_attempt_at,
                queued_at: row.created_at,
            }),
        })
        .collect())
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
