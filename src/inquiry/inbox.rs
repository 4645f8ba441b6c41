//! The inquiries as the office works with them: listing, reading, changing their status,
//! resending their email, deleting, and erasing everything stored for one email address.

use sqlx::{PgConnection, PgPool};

use crate::inquiry::spam::SpamReason;
use crate::inquiry::status::InquiryStatus;
use crate::inquiry::stored::{self, InquiryFilter, StoredInquiry};
use crate::mail::outbox::{self, DeliveryAttempt, DeliveryState, OutboxState};

/// An inquiry in the office's list: what was sent, and what became of its office email.
#[derive(Debug, Clone)]
pub struct InboxEntry {
    pub inquiry: StoredInquiry,
    pub delivery: DeliveryState,
}

/// The inquiries matching `filter`, newest first, at most `limit`.
pub async fn list(
    pool: &PgPool,
    filter: &InquiryFilter,
    limit: i64,
) -> Result<Vec<InboxEntry>, sqlx::Error> {
    let inquiries = stored::list(pool, filter, limit).await?;
    let ids: Vec<i64> = inquiries.iter().map(|inquiry| inquiry.id).collect();
    let mut states = outbox::latest_states(pool, &ids).await?;
    Ok(inquiries
        .into_iter()
        .map(|inquiry| InboxEntry {
            delivery: states
                .remove(&inquiry.id)
                .unwrap_or(DeliveryState::NotQueued),
            inquiry,
        })
        .collect())
}

/// One inquiry with the full history of its office emails.
#[derive(Debug, Clone)]
pub struct InquiryDetail {
    pub entry: InboxEntry,
    pub attempts: Vec<DeliveryAttempt>,
}

pub async fn find(pool: &PgPool, id: i64) -> Result<Option<InquiryDetail>, sqlx::Error> {
    let Some(inquiry) = stored::find(pool, id).await? else {
        return Ok(None);
    };
    let ids = [id];
    let (mut states, attempts) = tokio::try_join!(
        outbox::latest_states(pool, &ids),
        outbox::attempts(pool, id)
    )?;
    let delivery = states.remove(&id).unwrap_or(DeliveryState::NotQueued);
    Ok(Some(InquiryDetail {
        entry: InboxEntry { inquiry, delivery },
        attempts,
    }))
}

/// The status of inquiry `id`, locked until the transaction ends, so that two changes made at
/// once (two colleagues, two clicks) happen one after the other.
async fn lock_status(db: &mut PgConnection, id: i64) -> Result<Option<InquiryStatus>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select status as "status: InquiryStatus" from inquiry where id = $1 for update"#,
        id
    )
    .fetch_optional(db)
    .await
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
    let Some(previous) = lock_status(&mut transaction, id).await? else {
        return Ok(false);
    };
    let spam_reason = (status == InquiryStatus::Spam).then_some(SpamReason::MarkedByStaff);
    sqlx::query!(
        r#"update inquiry set status = $2,
               spam_reason = case when $3::text is null then null else coalesce(spam_reason, $3) end
           where id = $1"#,
        id,
        status as InquiryStatus,
        spam_reason as Option<SpamReason>,
    )
    .execute(&mut *transaction)
    .await?;
    if status == InquiryStatus::Spam {
        outbox::cancel_pending(&mut *transaction, id).await?;
    } else if previous == InquiryStatus::Spam && status == InquiryStatus::New {
        let sent_or_on_its_way = outbox::has_email_in(
            &mut *transaction,
            id,
            &[OutboxState::Pending, OutboxState::Sent],
        )
        .await?;
        if !sent_or_on_its_way {
            outbox::enqueue(&mut transaction, id).await?;
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
    let Some(status) = lock_status(&mut transaction, id).await? else {
        return Ok(Resend::NotFound);
    };
    if status == InquiryStatus::Spam {
        return Ok(Resend::IsSpam);
    }
    if outbox::has_email_in(&mut *transaction, id, &[OutboxState::Pending]).await? {
        return Ok(Resend::AlreadyPending);
    }
    outbox::enqueue(&mut transaction, id).await?;
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

async fn count_for(db: &mut PgConnection, ids: &[i64]) -> Result<StoredForEmail, sqlx::Error> {
    let (emails, attempts) = outbox::count_for(&mut *db, ids).await?;
    Ok(StoredForEmail {
        inquiries: i64::try_from(ids.len()).unwrap_or(i64::MAX),
        emails,
        attempts,
    })
}

/// What `erase_email` would remove.
pub async fn stored_for_email(pool: &PgPool, email: &str) -> Result<StoredForEmail, sqlx::Error> {
    let mut connection = pool.acquire().await?;
    let ids = stored::ids_with_email(&mut *connection, email).await?;
    count_for(&mut connection, &ids).await
}

/// Erases every inquiry sent with `email` (in any capitalisation), with its emails and their
/// history (GDPR Art. 17), and says how much was removed.
pub async fn erase_email(pool: &PgPool, email: &str) -> Result<StoredForEmail, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let ids = stored::ids_with_email(&mut *transaction, email).await?;
    let counts = count_for(&mut transaction, &ids).await?;
    sqlx::query!("delete from inquiry where id = any($1)", &ids)
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    Ok(counts)
}

/// How many inquiries have each status.
pub async fn count_by_status(pool: &PgPool) -> Result<Vec<(InquiryStatus, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select status as "status: InquiryStatus", count(*) as "count!"
           from inquiry group by status"#
    )
    .fetch_all(pool)
    .await?;
    Ok(InquiryStatus::ALL
        .into_iter()
        .map(|status| {
            let count = rows
                .iter()
                .find(|row| row.status == status)
                .map_or(0, |row| row.count);
            (status, count)
        })
        .collect())
}
