//! The inquiries as the office works with them: listing, reading, changing their status,
//! resending their email, deleting, and erasing everything stored for one email address.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::i18n::berlin_date_time;
use crate::inquiry::efus::EfusMembership;
use crate::mail::outbox;

/// Where an inquiry stands in the office's handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InquiryStatus {
    New,
    InProgress,
    Done,
    Spam,
}

impl InquiryStatus {
    pub const ALL: [InquiryStatus; 4] = [
        InquiryStatus::New,
        InquiryStatus::InProgress,
        InquiryStatus::Done,
        InquiryStatus::Spam,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InquiryStatus::New => "new",
            InquiryStatus::InProgress => "in_progress",
            InquiryStatus::Done => "done",
            InquiryStatus::Spam => "spam",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            InquiryStatus::New => "neu",
            InquiryStatus::InProgress => "in Bearbeitung",
            InquiryStatus::Done => "erledigt",
            InquiryStatus::Spam => "Spam",
        }
    }
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
    fn from_row(
        state: Option<String>,
        attempts: Option<i32>,
        last_error: Option<String>,
        sent_at: Option<DateTime<Utc>>,
    ) -> Self {
        let attempts = attempts.unwrap_or(0);
        let last_error = last_error.unwrap_or_default();
        match state.as_deref() {
            None => DeliveryState::NotQueued,
            Some("sent") => sent_at.map_or(DeliveryState::Pending, |at| DeliveryState::Sent { at }),
            Some("cancelled") => DeliveryState::Cancelled,
            Some("failed") => DeliveryState::Failed {
                attempts,
                last_error,
            },
            Some(_) if attempts > 0 => DeliveryState::Retrying {
                attempts,
                last_error,
            },
            Some(_) => DeliveryState::Pending,
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

/// Which inquiries to show.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    pub status: Option<InquiryStatus>,
    /// Part of the organisation's name or of the email address.
    pub search: Option<String>,
}

#[derive(Debug, Clone)]
pub struct InquirySummary {
    pub id: i64,
    pub reference: String,
    pub organisation: String,
    pub contact_name: String,
    pub role: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    pub efus_member: String,
    pub message: Option<String>,
    pub status: InquiryStatus,
    pub received_at: DateTime<Utc>,
    pub delivery: DeliveryState,
    /// The language of the form it was sent with.
    pub locale: String,
    /// Why the site took it for spam (`honeypot`, `too_fast`) or `staff`.
    pub spam_reason: Option<String>,
    pub message_id: String,
}

impl InquirySummary {
    pub fn efus_member_in_german(&self) -> &'static str {
        EfusMembership::from_code(&self.efus_member)
            .unwrap_or(EfusMembership::Unknown)
            .in_german()
    }

    pub fn received_in_hannover(&self) -> String {
        berlin_date_time(self.received_at)
    }
}

impl DeliveryAttempt {
    pub fn at_in_hannover(&self) -> String {
        berlin_date_time(self.at)
    }
}

/// `%` and `_` typed into the search box are meant literally.
fn like_pattern(search: &str) -> String {
    let escaped = search
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The inquiries matching `filter`, newest first, at most `limit`.
pub async fn list(
    pool: &PgPool,
    filter: &InboxFilter,
    limit: i64,
) -> Result<Vec<InquirySummary>, sqlx::Error> {
    let pattern = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|search| !search.is_empty())
        .map(like_pattern);
    select(pool, None, filter.status, pattern, limit).await
}

/// Inquiries with the state of their latest office email: all matching the given conditions,
/// or the one with `id`.
async fn select(
    pool: &PgPool,
    id: Option<i64>,
    status: Option<InquiryStatus>,
    pattern: Option<String>,
    limit: i64,
) -> Result<Vec<InquirySummary>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select i.id, i.reference, i.organisation, i.contact_name, i.role, i.email, i.phone,
                  i.efus_member, i.message, i.status, i.received_at, i.locale, i.spam_reason,
                  i.message_id,
                  o.state as "delivery_state?", o.attempts as "delivery_attempts?",
                  o.last_error as "delivery_error?", o.sent_at as "delivery_sent_at?"
           from inquiry i
           left join lateral (
               select state, attempts, last_error, sent_at from mail_outbox
               where inquiry_id = i.id order by id desc limit 1
           ) o on true
           where ($1::bigint is null or i.id = $1)
             and ($2::text is null or i.status = $2)
             and ($3::text is null or i.organisation ilike $3 or i.email ilike $3)
           order by i.received_at desc, i.id desc
           limit $4"#,
        id,
        status.map(InquiryStatus::code),
        pattern,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| InquirySummary {
            id: row.id,
            reference: row.reference,
            organisation: row.organisation,
            contact_name: row.contact_name,
            role: row.role,
            email: row.email,
            phone: row.phone,
            efus_member: row.efus_member,
            message: row.message,
            status: InquiryStatus::from_code(&row.status).unwrap_or(InquiryStatus::New),
            received_at: row.received_at,
            delivery: DeliveryState::from_row(
                row.delivery_state,
                row.delivery_attempts,
                row.delivery_error,
                row.delivery_sent_at,
            ),
            locale: row.locale,
            spam_reason: row.spam_reason,
            message_id: row.message_id,
        })
        .collect())
}

/// One inquiry with the full history of its office emails.
#[derive(Debug, Clone)]
pub struct InquiryDetail {
    pub summary: InquirySummary,
    pub attempts: Vec<DeliveryAttempt>,
}

#[derive(Debug, Clone)]
pub struct DeliveryAttempt {
    pub at: DateTime<Utc>,
    /// `None` for an attempt that succeeded.
    pub error: Option<String>,
}

pub async fn find(pool: &PgPool, id: i64) -> Result<Option<InquiryDetail>, sqlx::Error> {
    let Some(summary) = select(pool, Some(id), None, None, 1).await?.pop() else {
        return Ok(None);
    };
    let attempts = sqlx::query_as!(
        DeliveryAttempt,
        r#"select a.attempted_at as at, a.error
           from mail_attempt a join mail_outbox o on o.id = a.outbox_id
           where o.inquiry_id = $1
           order by a.attempted_at, a.id"#,
        id
    )
    .fetch_all(pool)
    .await?;
    Ok(Some(InquiryDetail { summary, attempts }))
}

/// Sets the status. Marking an inquiry as spam cancels its email if it has not gone out yet;
/// taking it out of spam ("Kein Spam", back to new) sends the office the email it never got.
/// Returns whether the inquiry exists.
pub async fn set_status(
    pool: &PgPool,
    id: i64,
    status: InquiryStatus,
) -> Result<bool, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some(previous) =
        sqlx::query_scalar!("select status from inquiry where id = $1 for update", id)
            .fetch_optional(&mut *transaction)
            .await?
    else {
        return Ok(false);
    };
    sqlx::query!(
        r#"update inquiry set status = $2,
               spam_reason = case when $2 = 'spam' then coalesce(spam_reason, 'staff') else null end
           where id = $1"#,
        id,
        status.code()
    )
    .execute(&mut *transaction)
    .await?;
    if status == InquiryStatus::Spam {
        sqlx::query!(
            r#"update mail_outbox set state = 'cancelled', last_error = null
               where inquiry_id = $1 and state = 'pending'"#,
            id
        )
        .execute(&mut *transaction)
        .await?;
    } else if previous == InquiryStatus::Spam.code() && status == InquiryStatus::New {
        let sent_or_pending = sqlx::query_scalar!(
            r#"select exists (select from mail_outbox
                              where inquiry_id = $1 and state in ('pending', 'sent')) as "exists!""#,
            id
        )
        .fetch_one(&mut *transaction)
        .await?;
        if !sent_or_pending {
            outbox::enqueue(&mut *transaction, id).await?;
        }
    }
    transaction.commit().await?;
    Ok(true)
}

/// What became of a request to send an inquiry's email again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    Queued,
    /// An email for it is still waiting to go out; a second one would only duplicate it.
    AlreadyPending,
    /// Spam is not sent to the office; take it out of spam first.
    IsSpam,
    NotFound,
}

/// Queues the office email again, due now; it keeps its Message-ID.
pub async fn resend(pool: &PgPool, id: i64) -> Result<Resend, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some(state) = sqlx::query!(
        r#"select i.status,
                  exists (select from mail_outbox o where o.inquiry_id = i.id and o.state = 'pending')
                      as "pending!"
           from inquiry i where i.id = $1 for update of i"#,
        id
    )
    .fetch_optional(&mut *transaction)
    .await?
    else {
        return Ok(Resend::NotFound);
    };
    if state.status == InquiryStatus::Spam.code() {
        return Ok(Resend::IsSpam);
    }
    if state.pending {
        return Ok(Resend::AlreadyPending);
    }
    outbox::enqueue(&mut *transaction, id).await?;
    transaction.commit().await?;
    Ok(Resend::Queued)
}

/// Deletes an inquiry with its emails and their history. Returns whether it existed.
pub async fn delete(pool: &PgPool, id: i64) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query!("delete from inquiry where id = $1", id)
        .execute(pool)
        .await?;
    Ok(deleted.rows_affected() == 1)
}

/// What is stored for one email address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoredForEmail {
    pub inquiries: i64,
    pub emails: i64,
    pub attempts: i64,
}

impl StoredForEmail {
    pub fn is_empty(&self) -> bool {
        self.inquiries == 0
    }
}

async fn count_for_email(
    db: impl sqlx::PgExecutor<'_>,
    email: &str,
) -> Result<StoredForEmail, sqlx::Error> {
    let row = sqlx::query!(
        r#"select count(distinct i.id) as "inquiries!", count(distinct o.id) as "emails!",
                  count(distinct a.id) as "attempts!"
           from inquiry i
           left join mail_outbox o on o.inquiry_id = i.id
           left join mail_attempt a on a.outbox_id = o.id
           where lower(i.email) = lower($1)"#,
        email.trim()
    )
    .fetch_one(db)
    .await?;
    Ok(StoredForEmail {
        inquiries: row.inquiries,
        emails: row.emails,
        attempts: row.attempts,
    })
}

/// What `erase_email` would remove.
pub async fn stored_for_email(pool: &PgPool, email: &str) -> Result<StoredForEmail, sqlx::Error> {
    count_for_email(pool, email).await
}

/// Erases every inquiry sent with `email` (in any capitalisation), with its emails and their
/// history (GDPR Art. 17), and says how much was removed.
pub async fn erase_email(pool: &PgPool, email: &str) -> Result<StoredForEmail, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let counts = count_for_email(&mut *transaction, email).await?;
    sqlx::query!(
        "delete from inquiry where lower(email) = lower($1)",
        email.trim()
    )
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    Ok(counts)
}

/// Office emails that need a person's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeliveryAlerts {
    pub failed: i64,
    pub pending_over_an_hour: i64,
}

pub async fn delivery_alerts(pool: &PgPool) -> Result<DeliveryAlerts, sqlx::Error> {
    // Only each inquiry's latest email counts: a failure that a resend has since made good is
    // no longer anyone's concern.
    let row = sqlx::query!(
        r#"select count(*) filter (where state = 'failed') as "failed!",
                  count(*) filter (where state = 'pending' and created_at < now() - interval '1 hour')
                      as "pending_over_an_hour!"
           from (select distinct on (inquiry_id) state, created_at
                 from mail_outbox order by inquiry_id, id desc) latest"#
    )
    .fetch_one(pool)
    .await?;
    Ok(DeliveryAlerts {
        failed: row.failed,
        pending_over_an_hour: row.pending_over_an_hour,
    })
}

/// How many inquiries have each status.
pub async fn count_by_status(pool: &PgPool) -> Result<Vec<(InquiryStatus, i64)>, sqlx::Error> {
    let rows = sqlx::query!(r#"select status, count(*) as "count!" from inquiry group by status"#)
        .fetch_all(pool)
        .await?;
    Ok(InquiryStatus::ALL
        .into_iter()
        .map(|status| {
            let count = rows
                .iter()
                .find(|row| row.status == status.code())
                .map_or(0, |row| row.count);
            (status, count)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_wildcards_are_taken_literally() {
        assert_eq!(like_pattern("100%_sicher\\"), "%100\\%\\_sicher\\\\%");
    }

    #[test]
    fn delivery_states_read_from_the_latest_outbox_entry() {
        assert_eq!(
            DeliveryState::from_row(None, None, None, None),
            DeliveryState::NotQueued
        );
        assert_eq!(
            DeliveryState::from_row(Some("pending".into()), Some(0), None, None),
            DeliveryState::Pending
        );
        assert!(matches!(
            DeliveryState::from_row(
                Some("pending".into()),
                Some(2),
                Some("refused".into()),
                None
            ),
            DeliveryState::Retrying { attempts: 2, .. }
        ));
        assert!(
            DeliveryState::from_row(Some("failed".into()), Some(12), Some("x".into()), None)
                .is_problem()
        );
    }
}
