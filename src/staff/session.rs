//! Sessions of signed-in staff, kept in PostgreSQL. The cookie holds a random token; the database
//! holds only its hash. A session ends when idle too long, at its absolute expiry, at sign-out,
//! or when its account is disabled.

use std::time::Duration;

use chrono::{DateTime, Utc};

use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::staff::account::Role;
use crate::staff::activity::Actor;

/// How long sessions last.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Without a request for this long, a session ends.
    pub idle: Duration,
    /// However active, a session ends this long after sign-in.
    pub absolute: Duration,
    /// Sessions of accounts without two-factor sign-in end (`STAFF_REQUIRE_TOTP`): those started
    /// before the setting was turned on must not outlive it.
    pub require_two_factor: bool,
}

/// How long the list of one's sign-ins goes back.
const SIGN_INS_KEPT_DAYS: i32 = 90;

/// A session just started: the token for the cookie.
pub struct NewSession {
    pub token: String,
}

/// A valid session, as a request finds it.
#[derive(Debug, Clone)]
pub struct StaffSession {
    pub account_id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Must come back with every change the staff member makes.
    pub csrf_token: String,
    /// The stored hash of the session's token (to end all of an account's sessions but this).
    pub token_hash: Vec<u8>,
}

impl StaffSession {
    /// Who is at work, as the activity log and the versions name them.
    pub fn actor(&self) -> Actor {
        Actor {
            account_id: self.account_id,
            name: if self.name.is_empty() {
                self.email.clone()
            } else {
                self.name.clone()
            },
        }
    }
}

/// A random token of 256 bits, as hex (session and sign-in challenge tokens).
pub(crate) fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::fill(&mut bytes);
    hex::encode(bytes)
}

/// What is stored of a token: its SHA-256, so a copy of the database signs no one in.
pub(crate) fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Starts a new session for `account_id`, always with a new token, records the sign-in with a
/// coarse description of its `device`, and clears out expired sessions and old sign-ins.
pub async fn start(
    pool: &PgPool,
    account_id: i64,
    device: &str,
    policy: SessionPolicy,
) -> Result<NewSession, sqlx::Error> {
    let token = random_token();
    let idle = policy.idle.as_secs_f64();
    let absolute = policy.absolute.as_secs_f64();
    sqlx::query!(
        "delete from staff_session where expires_at <= now() or last_seen_at <= now() - make_interval(secs => $1)",
        idle
    )
    .execute(pool)
    .await?;
    sqlx::query!(
        "delete from staff_sign_in where at < now() - make_interval(days => $1)",
        SIGN_INS_KEPT_DAYS
    )
    .execute(pool)
    .await?;
    let device: String = device.chars().take(80).collect();
    sqlx::query!(
        r#"with sign_in as (
               insert into staff_sign_in (account_id, device) values ($2, $5) returning id
           )
           insert into staff_session (token_hash, account_id, csrf_token, expires_at, sign_in_id)
           select $1, $2, $3, now() + make_interval(secs => $4), id from sign_in"#,
        token_hash(&token),
        account_id,
        random_token(),
        absolute,
        device
    )
    .execute(pool)
    .await?;
    Ok(NewSession { token })
}

/// The session `token` belongs to, if it is still valid; marks it as active now.
pub async fn resume(
    pool: &PgPool,
    token: &str,
    policy: SessionPolicy,
) -> Result<Option<StaffSession>, sqlx::Error> {
    let idle = policy.idle.as_secs_f64();
    sqlx::query_as!(
        StaffSession,
        r#"update staff_session s set last_seen_at = now()
           from staff_account a
           where s.token_hash = $1 and a.id = s.account_id and a.enabled
             and s.expires_at > now() and s.last_seen_at > now() - make_interval(secs => $2)
             and (not $3 or a.totp_secret is not null)
           returning s.account_id, a.email, a.name, a.role as "role: Role", s.csrf_token,
                     s.token_hash"#,
        token_hash(token),
        idle,
        policy.require_two_factor
    )
    .fetch_optional(pool)
    .await
}

/// Ends the session `token` belongs to (sign-out, or a new sign-in replacing it).
pub async fn end(pool: &PgPool, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from staff_session where token_hash = $1",
        token_hash(token)
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// One sign-in of an account, as its owner sees it.
pub struct SignIn {
    pub at: DateTime<Utc>,
    pub device: String,
    pub state: SignInState,
}

/// Whether the session a sign-in started goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInState {
    /// The session this page is seen in.
    ThisSession,
    /// Signed in elsewhere (another browser or device) and not yet ended.
    Active,
    /// Signed out, timed out, or ended.
    Ended,
}

impl SignInState {
    pub fn label(self) -> &'static str {
        match self {
            SignInState::ThisSession => "Diese Sitzung",
            SignInState::Active => "Noch angemeldet",
            SignInState::Ended => "Beendet",
        }
    }
}

/// The account's sign-ins of the last days, newest first.
pub async fn recent_sign_ins(
    pool: &PgPool,
    current: &StaffSession,
    policy: SessionPolicy,
) -> Result<Vec<SignIn>, sqlx::Error> {
    let idle = policy.idle.as_secs_f64();
    let rows = sqlx::query!(
        r#"select i.at, i.device,
                  coalesce(bool_or(s.token_hash = $2), false) as "this_session!",
                  bool_or(s.token_hash is not null) as "active!"
           from staff_sign_in i
           left join staff_session s on s.sign_in_id = i.id and s.expires_at > now()
                and s.last_seen_at > now() - make_interval(secs => $3)
           where i.account_id = $1
           group by i.id
           order by i.at desc, i.id desc
           limit 20"#,
        current.account_id,
        current.token_hash,
        idle
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| SignIn {
            at: row.at,
            device: row.device,
            state: if row.this_session {
                SignInState::ThisSession
            } else if row.active {
                SignInState::Active
            } else {
                SignInState::Ended
            },
        })
        .collect())
}

/// Ends every session of the account but `current`; returns how many ended.
pub async fn end_others(pool: &PgPool, current: &StaffSession) -> Result<u64, sqlx::Error> {
    let ended = sqlx::query!(
        "delete from staff_session where account_id = $1 and token_hash <> $2",
        current.account_id,
        current.token_hash
    )
    .execute(pool)
    .await?;
    Ok(ended.rows_affected())
}

/// How many sessions of the account go on besides `current` (elsewhere, or from before the
/// list of sign-ins existed).
pub async fn other_sessions(
    pool: &PgPool,
    current: &StaffSession,
    policy: SessionPolicy,
) -> Result<i64, sqlx::Error> {
    let idle = policy.idle.as_secs_f64();
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from staff_session
           where account_id = $1 and token_hash <> $2 and expires_at > now()
             and last_seen_at > now() - make_interval(secs => $3)"#,
        current.account_id,
        current.token_hash,
        idle
    )
    .fetch_one(pool)
    .await
}
