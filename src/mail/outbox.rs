//! The outbox: office emails waiting to be sent, claimed by one worker at a time.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

/// Queues the office email about inquiry `inquiry_id`, due at once.
pub async fn enqueue(db: impl PgExecutor<'_>, inquiry_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mail_outbox (inquiry_id) values ($1)",
        inquiry_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// An inquiry as the office email needs it, read back from the database.
#[derive(Debug, Clone)]
pub struct InquiryForMail {
    pub reference: String,
    pub organisation: String,
    pub contact_name: String,
    pub role: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    pub efus_member: String,
    pub message: Option<String>,
    pub locale: String,
    pub message_id: String,
    pub received_at: DateTime<Utc>,
}

/// An email whose time has come, locked for the caller's transaction.
#[derive(Debug)]
pub struct DueEmail {
    pub outbox_id: i64,
    /// Attempts made before this one.
    pub attempts: i32,
    pub inquiry: InquiryForMail,
}

/// Claims the email that has been due longest. The row stays locked until the transaction
/// ends; other workers skip it instead of waiting, so no email is sent twice at once.
pub async fn claim_next_due(conn: &mut PgConnection) -> Result<Option<DueEmail>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select o.id as outbox_id, o.attempts, i.reference, i.organisation, i.contact_name,
                  i.role, i.email, i.phone, i.efus_member, i.message, i.locale, i.message_id,
                  i.received_at
           from mail_outbox o
           join inquiry i on i.id = o.inquiry_id
           where o.state = 'pending' and o.next_attempt_at <= now()
           order by o.next_attempt_at, o.id
           limit 1
           for update of o skip locked"#
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| DueEmail {
        outbox_id: row.outbox_id,
        attempts: row.attempts,
        inquiry: InquiryForMail {
            reference: row.reference,
            organisation: row.organisation,
            contact_name: row.contact_name,
            role: row.role,
            email: row.email,
            phone: row.phone,
            efus_member: row.efus_member,
            message: row.message,
            locale: row.locale,
            message_id: row.message_id,
            received_at: row.received_at,
        },
    }))
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
        AttemptOutcome::Sent => ("sent", None, None),
        AttemptOutcome::RetryAt { error, at } => ("pending", Some(error.as_str()), Some(*at)),
        AttemptOutcome::GaveUp { error } => ("failed", Some(error.as_str()), None),
    };
    sqlx::query!(
        "insert into mail_attempt (outbox_id, error) values ($1, $2)",
        outbox_id,
        error
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"update mail_outbox
           set state = $2,
               attempts = $3,
               last_error = $4,
               next_attempt_at = coalesce($5, next_attempt_at),
               sent_at = case when $2 = 'sent' then now() else sent_at end
           where id = $1"#,
        outbox_id,
        state,
        attempts,
        error,
        next_attempt_at,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
