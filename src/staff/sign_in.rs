//! Checking a sign-in: one answer for every kind of failure (unknown email, wrong password,
//! disabled or locked account), so the form reveals nothing about which accounts exist.
//! Repeated failures lock the account for a while. Accounts with two-factor sign-in pass a
//! second step: the code from their app (each used once) or one of their recovery codes; wrong
//! codes count towards the same lock as wrong passwords.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::PgPool;

use crate::monitoring;
use crate::staff::session::{random_token, token_hash};
use crate::staff::two_factor::{self, TypedCode};
use crate::staff::{account, password};

/// Failed attempts after which an account is locked.
pub const LOCK_AFTER_FAILURES: i32 = 5;
/// How long a locked account stays locked.
pub const LOCK_DURATION: Duration = Duration::from_secs(15 * 60);
/// How long the second step may take after the password was accepted.
const SECOND_STEP_TIME: Duration = Duration::from_secs(10 * 60);
/// Second steps an account may have open at once (several browsers, a reload).
const OPEN_CHALLENGES_PER_ACCOUNT: i64 = 5;

/// What the password step decided.
#[derive(Debug)]
pub enum PasswordCheck {
    /// Wrong address or password, or the account is disabled or locked.
    Refused,
    /// Signed in to this account.
    SignedIn(i64),
    /// The password is right; the code must follow. The token is for the second step's form.
    CodeNeeded { challenge: String },
    /// The password is right, but sign-in needs two-factor sign-in, which the account lacks.
    SecondStepMissing,
}

/// What the second step decided.
#[derive(Debug)]
pub enum CodeCheck {
    /// Signed in to this account.
    SignedIn(i64),
    /// A wrong or used code, or the account is locked meanwhile.
    Refused,
    /// The second step was not taken in time (or its token is not one the site made).
    Expired,
}

/// What checking the current password (before changing it) decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurrentPassword {
    Right,
    Wrong,
    /// Too many wrong ones: the account is locked and all its sessions have ended.
    Locked,
}

/// Checks the password a signed-in staff member typed as their current one. It is counted like a
/// sign-in: whoever holds a session (a browser left open) cannot try passwords faster than at
/// the sign-in page, and the lock that follows ends every session of the account.
pub async fn check_current_password(
    pool: &PgPool,
    account_id: i64,
    password: &str,
) -> Result<CurrentPassword, sqlx::Error> {
    let attempt = sqlx::query!(
        r#"update staff_account
           set failed_sign_ins = failed_sign_ins + 1
           where id = $1 and (locked_until is null or locked_until <= now())
           returning password_hash, failed_sign_ins"#,
        account_id
    )
    .fetch_optional(pool)
    .await?;
    let password_matches = password::verify(
        password.to_owned(),
        attempt
            .as_ref()
            .map(|attempt| attempt.password_hash.clone()),
    )
    .await;
    let outcome = match attempt {
        // Locked meanwhile (from the sign-in page, say): the session goes like the others.
        None => CurrentPassword::Locked,
        Some(attempt) if attempt.failed_sign_ins > LOCK_AFTER_FAILURES || !password_matches => {
            if lock_if_limit_reached(pool, account_id, attempt.failed_sign_ins).await? {
                CurrentPassword::Locked
            } else {
                CurrentPassword::Wrong
            }
        }
        Some(_) => {
            sqlx::query!(
                "update staff_account set failed_sign_ins = 0 where id = $1",
                account_id
            )
            .execute(pool)
            .await?;
            CurrentPassword::Right
        }
    };
    if outcome == CurrentPassword::Locked {
        let mut connection = pool.acquire().await?;
        account::end_sessions(&mut connection, account_id, None).await?;
    }
    Ok(outcome)
}

/// Checks `email` and `password`; `require_two_factor` refuses accounts without a second step.
pub async fn check(
    pool: &PgPool,
    email: &str,
    password: &str,
    require_two_factor: bool,
) -> Result<PasswordCheck, sqlx::Error> {
    // Each attempt is counted as a failure before the password is checked, in one statement, so
    // that attempts sent at the same moment cannot all get past the lock. An unknown address
    // runs the same statement (it changes nothing), so both take the same time.
    let attempt = sqlx::query!(
        r#"update staff_account
           set failed_sign_ins = failed_sign_ins + 1
           where lower(email) = lower($1) and (locked_until is null or locked_until <= now())
           returning id, password_hash, enabled, failed_sign_ins,
                     totp_secret is not null as "two_factor!""#,
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
        return Ok(PasswordCheck::Refused);
    };
    if attempt.failed_sign_ins > LOCK_AFTER_FAILURES || !(password_matches && attempt.enabled) {
        // Beyond the limit: attempts that raced past the lock above, or a count left over the
        // limit while a right password's count was taken back (see below); the lock comes now.
        lock_if_limit_reached(pool, attempt.id, attempt.failed_sign_ins).await?;
        return Ok(PasswordCheck::Refused);
    }
    if attempt.two_factor || require_two_factor {
        // The right password is no failure, but no success yet either: the count of earlier
        // failures stays, so that guessing codes cannot start afresh with each password.
        sqlx::query!(
            "update staff_account set failed_sign_ins = greatest(failed_sign_ins - 1, 0) where id = $1",
            attempt.id
        )
        .execute(pool)
        .await?;
        if !attempt.two_factor {
            return Ok(PasswordCheck::SecondStepMissing);
        }
        let challenge = start_second_step(pool, attempt.id).await?;
        return Ok(PasswordCheck::CodeNeeded { challenge });
    }
    // (Were two-factor sign-in set up in this very moment, this one sign-in would still go
    // through with the password: `totp enable` ends the sessions that exist, not attempts.)
    succeeded(pool, attempt.id).await?;
    Ok(PasswordCheck::SignedIn(attempt.id))
}

/// Checks the code typed on the second step of the sign-in `challenge` stands for.
pub async fn check_code(
    pool: &PgPool,
    challenge: &str,
    typed: &str,
) -> Result<CodeCheck, sqlx::Error> {
    let Some(account_id) = sqlx::query_scalar!(
        r#"select account_id from staff_sign_in_challenge
           where token_hash = $1 and expires_at > now()"#,
        token_hash(challenge)
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(CodeCheck::Expired);
    };
    // Counted as a failure first, like a password (see `check`).
    let Some(attempt) = sqlx::query!(
        r#"update staff_account
           set failed_sign_ins = failed_sign_ins + 1
           where id = $1 and enabled and (locked_until is null or locked_until <= now())
           returning totp_secret, failed_sign_ins"#,
        account_id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(CodeCheck::Refused);
    };
    if attempt.failed_sign_ins > LOCK_AFTER_FAILURES {
        lock_if_limit_reached(pool, account_id, attempt.failed_sign_ins).await?;
        return Ok(CodeCheck::Refused);
    }
    // Switched off meanwhile (its recovery codes went with it).
    let Some(secret) = attempt.totp_secret else {
        return Ok(CodeCheck::Refused);
    };
    let accepted = match TypedCode::read(typed) {
        TypedCode::Totp(code) => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |since| since.as_secs());
            match two_factor::matching_step(secret, &code, now) {
                // Taking the step in the same statement that checks it is newer than the last
                // one used: a code, even sent twice at once, signs in once.
                Some(step) => {
                    let step = i64::try_from(step).unwrap_or(i64::MAX);
                    sqlx::query!(
                        r#"update staff_account set totp_last_step = $2
                           where id = $1 and (totp_last_step is null or totp_last_step < $2)"#,
                        account_id,
                        step
                    )
                    .execute(pool)
                    .await?
                    .rows_affected()
                        == 1
                }
                None => false,
            }
        }
        TypedCode::Recovery(hash) => {
            sqlx::query!(
                r#"update staff_recovery_code set used_at = now()
                   where account_id = $1 and code_hash = $2 and used_at is null"#,
                account_id,
                hash
            )
            .execute(pool)
            .await?
            .rows_affected()
                == 1
        }
        TypedCode::Malformed => false,
    };
    if !accepted {
        lock_if_limit_reached(pool, account_id, attempt.failed_sign_ins).await?;
        return Ok(CodeCheck::Refused);
    }
    // One challenge, one session: of two right codes sent at once for it, one signs in.
    let taken = sqlx::query!(
        "delete from staff_sign_in_challenge where token_hash = $1",
        token_hash(challenge)
    )
    .execute(pool)
    .await?;
    if taken.rows_affected() != 1 {
        return Ok(CodeCheck::Refused);
    }
    succeeded(pool, account_id).await?;
    Ok(CodeCheck::SignedIn(account_id))
}

/// The second step of a sign-in whose password was right; returns the token for its form.
/// Expired challenges go, and an account keeps only its newest few open: someone who has the
/// password but not the phone cannot pile them up.
async fn start_second_step(pool: &PgPool, account_id: i64) -> Result<String, sqlx::Error> {
    let token = random_token();
    let seconds = SECOND_STEP_TIME.as_secs_f64();
    sqlx::query!(
        r#"delete from staff_sign_in_challenge
           where expires_at <= now()
              or token_hash in (select token_hash from staff_sign_in_challenge
                                where account_id = $1
                                order by expires_at desc offset $2)"#,
        account_id,
        OPEN_CHALLENGES_PER_ACCOUNT - 1
    )
    .execute(pool)
    .await?;
    sqlx::query!(
        r#"insert into staff_sign_in_challenge (token_hash, account_id, expires_at)
           values ($1, $2, now() + make_interval(secs => $3))"#,
        token_hash(&token),
        account_id,
        seconds
    )
    .execute(pool)
    .await?;
    Ok(token)
}

async fn succeeded(pool: &PgPool, account_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"update staff_account
           set failed_sign_ins = 0, locked_until = null, last_sign_in_at = now()
           where id = $1"#,
        account_id
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Locks the account if this failure was the last one allowed (or one beyond it: see `check`);
/// whether it did.
async fn lock_if_limit_reached(
    pool: &PgPool,
    account_id: i64,
    failures: i32,
) -> Result<bool, sqlx::Error> {
    if failures < LOCK_AFTER_FAILURES {
        return Ok(false);
    }
    let lock_seconds = LOCK_DURATION.as_secs_f64();
    sqlx::query!(
        r#"update staff_account
           set failed_sign_ins = 0, locked_until = now() + make_interval(secs => $2)
           where id = $1"#,
        account_id,
        lock_seconds
    )
    .execute(pool)
    .await?;
    metrics::counter!(monitoring::SIGN_IN_LOCKS, "of" => "account").increment(1);
    Ok(true)
}
