//! Sessions of signed-in staff, kept in PostgreSQL. The cookie holds a random token; the database
//! holds only its hash. A session ends when idle too long, at its absolute expiry, at sign-out,
//! or when its account is disabled.

use std::time::Duration;

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
}

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

fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::fill(&mut bytes);
    hex::encode(bytes)
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Starts a new session for `account_id`, always with a new token, and clears out expired ones.
pub async fn start(
    pool: &PgPool,
    account_id: i64,
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
        r#"insert into staff_session (token_hash, account_id, csrf_token, expires_at)
           values ($1, $2, $3, now() + make_interval(secs => $4))"#,
        token_hash(&token),
        account_id,
        random_token(),
        absolute
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
           returning s.account_id, a.email, a.name, a.role as "role: Role", s.csrf_token,
                     s.token_hash"#,
        token_hash(token),
        idle
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
