//! Staff accounts: made, listed, locked and given new passwords, in the staff area by colleagues
//! with the role *Verwaltung*, or on the command line (the first account, and emergencies).

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::i18n::berlin_date_time;
use crate::input::EmailAddress;
use crate::staff::password::{self, HashError, Password};
use crate::text_enum;

text_enum! {
    /// What an account may do in the staff area.
    pub enum Role {
        /// *Verwaltung*: everything, including the colleagues' accounts.
        Administration = "admin",
        /// *Redaktion*: everything but the accounts of others.
        Editorial = "editor",
    }
}

impl Role {
    /// As the office says it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Administration => "Verwaltung",
            Role::Editorial => "Redaktion",
        }
    }

    pub fn may_manage_accounts(self) -> bool {
        self == Role::Administration
    }
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub email: String,
    /// How colleagues call the person; may be empty (then the address stands for it).
    pub name: String,
    pub role: Role,
    pub enabled: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Signs in with a code from an authenticator app after the password.
    pub two_factor: bool,
}

impl Account {
    /// The name if there is one, else the address.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.email
        } else {
            &self.name
        }
    }

    /// Locked for a while after too many wrong passwords.
    pub fn is_temporarily_locked(&self) -> bool {
        self.locked_until.is_some_and(|until| until > Utc::now())
    }

    pub fn last_sign_in_in_hannover(&self) -> Option<String> {
        self.last_sign_in_at.map(berlin_date_time)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0:?} is not a valid email address")]
    InvalidEmail(String),
    #[error("an account for {0} exists already")]
    AlreadyExists(String),
    #[error("there is no account for {0}")]
    NotFound(String),
    /// The change would leave no enabled account with the role Verwaltung.
    #[error(
        "the last enabled account with the role Verwaltung cannot be locked, demoted or deleted"
    )]
    LastAdministrator,
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

fn parse_email(email: &str) -> Result<EmailAddress, AccountError> {
    EmailAddress::parse(email).map_err(|_| AccountError::InvalidEmail(email.to_owned()))
}

/// Creates an enabled account. Without `role`, the first account of an installation gets the
/// role Verwaltung (someone must be able to add the others), every later one Redaktion.
pub async fn create(
    pool: &PgPool,
    email: &str,
    name: &str,
    role: Option<Role>,
    password: Password,
) -> Result<Account, AccountError> {
    let email = parse_email(email)?;
    let password_hash = password::hash(password).await?;
    let created = sqlx::query_as!(
        Account,
        r#"insert into staff_account (email, name, role, password_hash)
           select $1, $2,
                  coalesce($3, case when exists (select from staff_account) then $4 else $5 end),
                  $6
           on conflict (lower(email)) do nothing
           returning id, email, name, role as "role: Role", enabled, locked_until,
                     last_sign_in_at, created_at, totp_secret is not null as "two_factor!""#,
        email.as_str(),
        name.trim(),
        role as Option<Role>,
        Role::Editorial as Role,
        Role::Administration as Role,
        password_hash,
    )
    .fetch_optional(pool)
    .await?;
    created.ok_or_else(|| AccountError::AlreadyExists(email.as_str().to_owned()))
}

pub async fn list(pool: &PgPool) -> Result<Vec<Account>, sqlx::Error> {
    sqlx::query_as!(
        Account,
        r#"select id, email, name, role as "role: Role", enabled, locked_until, last_sign_in_at,
                  created_at, totp_secret is not null as "two_factor!"
           from staff_account order by lower(email)"#
    )
    .fetch_all(pool)
    .await
}

pub async fn find(pool: &PgPool, id: i64) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as!(
        Account,
        r#"select id, email, name, role as "role: Role", enabled, locked_until, last_sign_in_at,
                  created_at, totp_secret is not null as "two_factor!"
           from staff_account where id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await
}

/// The id of the account with `email` (in any capitalisation).
pub async fn id_of(pool: &PgPool, email: &str) -> Result<i64, AccountError> {
    sqlx::query_scalar!(
        "select id from staff_account where lower(email) = lower($1)",
        email.trim()
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AccountError::NotFound(email.to_owned()))
}

/// Whether a change may leave no enabled account with the role Verwaltung.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Safeguard {
    /// In the browser: someone must always be able to manage the accounts.
    KeepAnAdministrator,
    /// On the command line, for emergencies (a stolen password): whoever runs the server can
    /// always add or enable an account there.
    None,
}

/// Enables or locks an account. Locking ends its sessions at once.
pub async fn set_enabled(
    db: &mut PgConnection,
    id: i64,
    enabled: bool,
    safeguard: Safeguard,
) -> Result<(), AccountError> {
    if !enabled && safeguard == Safeguard::KeepAnAdministrator {
        refuse_if_last_administrator(&mut *db, id).await?;
    }
    let updated = sqlx::query!(
        "update staff_account set enabled = $2 where id = $1",
        id,
        enabled
    )
    .execute(&mut *db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AccountError::NotFound(format!("id {id}")));
    }
    if !enabled {
        end_sessions(&mut *db, id, None).await?;
    }
    Ok(())
}

/// Gives an account another role.
pub async fn set_role(db: &mut PgConnection, id: i64, role: Role) -> Result<(), AccountError> {
    if role != Role::Administration {
        refuse_if_last_administrator(&mut *db, id).await?;
    }
    sqlx::query!(
        "update staff_account set role = $2 where id = $1",
        id,
        role as Role
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes an account; its sessions end with it. What it did stays in the activity log under
/// its name.
pub async fn delete(db: &mut PgConnection, id: i64) -> Result<(), AccountError> {
    refuse_if_last_administrator(&mut *db, id).await?;
    sqlx::query!("delete from staff_account where id = $1", id)
        .execute(db)
        .await?;
    Ok(())
}

/// Replaces the password, lifts a lock, and ends the account's sessions (all but `keep`, the
/// token hash of the session making the change, if it is the account's own).
pub async fn set_password(
    db: &mut PgConnection,
    id: i64,
    password: Password,
    keep: Option<&[u8]>,
) -> Result<(), AccountError> {
    let password_hash = password::hash(password).await?;
    let updated = sqlx::query!(
        r#"update staff_account
           set password_hash = $2, failed_sign_ins = 0, locked_until = null
           where id = $1"#,
        id,
        password_hash
    )
    .execute(&mut *db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AccountError::NotFound(format!("id {id}")));
    }
    end_sessions(db, id, keep).await?;
    Ok(())
}

/// Ends the account's sessions (but `keep`) and its sign-ins waiting for their code: after a new
/// password or a lock, a sign-in begun with the old password must not be finished either.
pub(crate) async fn end_sessions(
    db: &mut PgConnection,
    id: i64,
    keep: Option<&[u8]>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from staff_session where account_id = $1 and ($2::bytea is null or token_hash <> $2)",
        id,
        keep
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!(
        "delete from staff_sign_in_challenge where account_id = $1",
        id
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Someone must always be able to manage the accounts: the last enabled account with the role
/// Verwaltung is not locked, demoted or deleted. The enabled administrators are locked for the
/// transaction, so two such changes made at once cannot both pass.
async fn refuse_if_last_administrator(db: &mut PgConnection, id: i64) -> Result<(), AccountError> {
    let administrators = sqlx::query_scalar!(
        "select id from staff_account where role = $1 and enabled for update",
        Role::Administration as Role
    )
    .fetch_all(db)
    .await?;
    if administrators == [id] {
        Err(AccountError::LastAdministrator)
    } else {
        Ok(())
    }
}
