//! Inquiries are kept for a limited time (INQUIRY_RETENTION_DAYS, stated on the privacy page),
//! then deleted with their outbox entries and delivery history; the emails that named several
//! of them (the daily reminders) go after the same time.

use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

/// How often old inquiries are looked for.
const SWEEP_INTERVAL: Duration = Duration::from_secs(3600);

/// Deletes inquiries received more than `days` days ago; returns how many.
pub async fn delete_expired(pool: &PgPool, days: u32) -> Result<u64, sqlx::Error> {
    let days = i32::try_from(days).unwrap_or(i32::MAX);
    let result = sqlx::query!(
        "delete from inquiry where received_at < now() - make_interval(days => $1)",
        days
    )
    .execute(pool)
    .await?;
    sqlx::query!(
        r#"delete from mail_outbox
           where inquiry_id is null and created_at < now() - make_interval(days => $1)"#,
        days
    )
    .execute(pool)
    .await?;
    Ok(result.rows_affected())
}

/// Deletes expired inquiries now and then every hour, until `shutdown`.
pub async fn run(pool: PgPool, days: u32, shutdown: CancellationToken) {
    loop {
        match delete_expired(&pool, days).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(
                deleted,
                days,
                "deleted inquiries past their retention period"
            ),
            Err(error) => {
                tracing::warn!(%error, "cannot delete expired inquiries; trying again later")
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(SWEEP_INTERVAL) => {}
        }
    }
}
