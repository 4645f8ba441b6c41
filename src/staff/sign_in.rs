//! Checking a sign-in: one answer for every kind of failure (unknown email, wrong password,
//! disabled or locked account), so the form reveals nothing about which accounts exist.
//! Repeated failures lock the account for a while.

use std::time::Duration;

use sqlx::PgPool;

use crate::monitoring;
use crate::staff::password;

/// Failed attempts after which an account is locked.
pub const LOCK_AFTER_FAILURES: i32 = 5;
/// How long a locked account stays locked.
pub const LOCK_DURATION: Duration = Duration::from_secs(15 * 60);

/// The account that `email` and `password` sign in to, if they do.
pub async fn check(pool: &PgPool, email: &str, password: &str) -> Result<Option<i64>, sqlx::Error> {
    // Each attempt is counted as a failure before the password is checked, in one statement, so
    // that attempts sent at the same moment cannot all get past the lock. An unknown address
    // runs the same statement (it changes nothing), so both take the same time.
    let attempt = sqlx::query!(
        r#"update staff_account
           set failed_sign_ins = failed_sign_ins + 1
           where lower(email) = lower($1) and (locked_until is null or locked_until <= now())
           returning id, password_hash, enabled, failed_sign_ins"#,
        email.trim()
    )
    .fetch_optional(pool)
    .await?;
    // The hash is checked in every case, so that the answer takes the same time.
    let password_matches = password::verify(
        password.to_owned(),
        attempt
            .as_ref()
            .map(|attempt| attempt.password_hash.clone()),
    )
    .await;
    let Some(attempt) = attempt else {
        return Ok(None);
    };
    if attempt.failed_sign_ins > LOCK_AFTER_FAILURES {
        // Attempts beyond the limit that raced past the lock above.
        return Ok(None);
    }
    if password_matches && attempt.enabled {
        sqlx::query!(
            r#"update staff_account
               set failed_sign_ins = 0, locked_until = null, last_sign_in_at = now()
               where id = $1"#,
            attempt.id
        )
        .execute(pool)
        .await?;
        return Ok(Some(attempt.id));
    }
    if attempt.failed_sign_ins == LOCK_AFTER_FAILURES {
        let lock_seconds = LOCK_DURATION.as_secs_f64();
        sqlx::query!(
            r#"update staff_account
               set failed_sign_ins = 0, locked_until = now() + make_interval(secs => $2)
               where id = $1"#,
            attempt.id,
            lock_seconds
        )
        .execute(pool)
        .await?;
        metrics::counter!(monitoring::SIGN_IN_LOCKS, "of" => "account").increment(1);
    }
    Ok(None)
}
