//! Checking a sign-in: one answer for every kind of failure (unknown email, wrong password,
//! disabled or locked account), so the form reveals nothing about which accounts exist.
//! Repeated failures lock the account for a while.

use std::time::Duration;

use sqlx::PgPool;

use crate::staff::password;

/// Failed attempts after which an account is locked.
pub const LOCK_AFTER_FAILURES: i32 = 5;
/// How long a locked account stays locked.
pub const LOCK_DURATION: Duration = Duration::from_secs(15 * 60);

/// The account that `email` and `password` sign in to, if they do.
pub async fn check(pool: &PgPool, email: &str, password: &str) -> Result<Option<i64>, sqlx::Error> {
    let account = sqlx::query!(
        r#"select id, password_hash, enabled,
                  coalesce(locked_until > now(), false) as "locked!"
           from staff_account where lower(email) = lower($1)"#,
        email.trim()
    )
    .fetch_optional(pool)
    .await?;
    // The hash is checked in every case, so that the answer takes the same time.
    let password_matches = password::verify(
        password.to_owned(),
        account
            .as_ref()
            .map(|account| account.password_hash.clone()),
    )
    .await;
    let Some(account) = account else {
        return Ok(None);
    };
    if account.locked {
        return Ok(None);
    }
    if password_matches && account.enabled {
        sqlx::query!(
            r#"update staff_account
               set failed_sign_ins = 0, locked_until = null, last_sign_in_at = now()
               where id = $1"#,
            account.id
        )
        .execute(pool)
        .await?;
        return Ok(Some(account.id));
    }
    let lock_seconds = LOCK_DURATION.as_secs_f64();
    sqlx::query!(
        r#"update staff_account
           set failed_sign_ins = case when failed_sign_ins + 1 >= $2 then 0 else failed_sign_ins + 1 end,
               locked_until = case when failed_sign_ins + 1 >= $2
                                   then now() + make_interval(secs => $3) else locked_until end
           where id = $1"#,
        account.id,
        LOCK_AFTER_FAILURES,
        lock_seconds
    )
    .execute(pool)
    .await?;
    Ok(None)
}
