//! Staff accounts: created, listed, disabled and given new passwords on the command line.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::input::EmailAddress;
use crate::staff::password::{self, HashError, Password};

#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub enabled: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0:?} is not a valid email address")]
    InvalidEmail(String),
    #[error("an account for {0} exists already")]
    AlreadyExists(String),
    #[error("there is no account for {0}")]
    NotFound(String),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

fn parse_email(email: &str) -> Result<EmailAddress, AccountError> {
    EmailAddress::parse(email).map_err(|_| AccountError::InvalidEmail(email.to_owned()))
}

/// Creates an enabled account.
pub async fn create(
    pool: &PgPool,
    email: &str,
    password: Password,
) -> Result<Account, AccountError> {
    let email = parse_email(email)?;
    let password_hash = password::hash(password).await?;
    let created = sqlx::query_as!(
        Account,
        r#"insert into staff_account (email, password_hash) values ($1, $2)
           on conflict (lower(email)) do nothing
           returning id, email, enabled, locked_until, last_sign_in_at, created_at"#,
        email.as_str(),
        password_hash,
    )
    .fetch_optional(pool)
    .await?;
    created.ok_or_else(|| AccountError::AlreadyExists(email.as_str().to_owned()))
}

pub async fn list(pool: &PgPool) -> Result<Vec<Account>, sqlx::Error> {
    sqlx::query_as!(
        Account,
        r#"select id, email, enabled, locked_until, last_sign_in_at, created_at
           from staff_account order by lower(email)"#
    )
    .fetch_all(pool)
    .await
}

/// Enables or disables an account. Disabling ends its sessions at once.
pub async fn set_enabled(pool: &PgPool, email: &str, enabled: bool) -> Result<(), AccountError> {
    let mut transaction = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "update staff_account set enabled = $2 where lower(email) = lower($1) returning id",
        email,
        enabled
    )
    .fetch_optional(&mut *transaction)
    .await?
    .ok_or_else(|| AccountError::NotFound(email.to_owned()))?;
    if !enabled {
        sqlx::query!("delete from staff_session where account_id = $1", id)
            .execute(&mut *transaction)
            .await?;
    }
    transaction.commit().await?;
    Ok(())
}

/// Replaces the password, lifts a lock, and ends the account's sessions.
pub async fn set_password(
    pool: &PgPool,
    email: &str,
    password: Password,
) -> Result<(), AccountError> {
    let password_hash = password::hash(password).await?;
    let mut transaction = pool.begin().await?;
    let id = sqlx::query_scalar!(
        r#"update staff_account
           set password_hash = $2, failed_sign_ins = 0, locked_until = null
           where lower(email) = lower($1) returning id"#,
        email,
        password_hash
    )
    .fetch_optional(&mut *transaction)
    .await?
    .ok_or_else(|| AccountError::NotFound(email.to_owned()))?;
    sqlx::query!("delete from staff_session where account_id = $1", id)
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    Ok(())
}
