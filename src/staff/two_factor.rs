//! Two-factor sign-in: a TOTP secret (RFC 6238: six digits, 30-second steps, SHA-1 — what every
//! authenticator app understands) shared with the staff member's app, and ten one-time recovery
//! codes for a lost phone. Set up and switched off on the command line (`defus user totp`).

use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use totp_rs::{Builder, Totp, TotpError};

use crate::staff::account;

/// How many recovery codes an account gets; setting up again replaces them all.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// The name authenticator apps show above the code.
const ISSUER: &str = "DEFUS";
/// Crockford's base 32 (no i, l, o, u), so a code read aloud or copied by hand is not misread.
const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
/// 12 symbols of 5 bits: 60 random bits, far beyond guessing within the sign-in lock.
const RECOVERY_CODE_LENGTH: usize = 12;

/// What the person setting up two-factor sign-in must take away: the secret for the app (as an
/// `otpauth://` address, to be shown as a QR code) and the recovery codes. Shown once, never
/// stored in readable form anywhere but the account's secret.
pub struct Enrolment {
    pub otpauth_uri: String,
    pub recovery_codes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TwoFactorError {
    #[error("the account's address cannot name a TOTP secret: {0}")]
    Totp(#[from] TotpError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// The TOTP of `secret`, named after the account for the app's list.
pub fn totp(secret: Vec<u8>, account_name: &str) -> Result<Totp, TotpError> {
    Builder::new()
        .with_secret(secret)
        .with_account_name(account_name)
        .with_issuer(Some(ISSUER))
        .build()
}

/// Sets up (or sets up anew) two-factor sign-in for an account: a new secret, ten new recovery
/// codes (the old ones stop working), and every session of the account ends, since they were
/// started without the second step.
pub async fn enable(
    pool: &PgPool,
    account_id: i64,
    account_name: &str,
) -> Result<Enrolment, TwoFactorError> {
    let mut secret = vec![0_u8; 20];
    rand::fill(secret.as_mut_slice());
    let otpauth_uri = totp(secret.clone(), account_name)?.to_url()?;
    let recovery_codes: Vec<String> = (0..RECOVERY_CODE_COUNT)
        .map(|_| new_recovery_code())
        .collect();
    let mut transaction = pool.begin().await?;
    replace_secret(&mut transaction, account_id, Some(&secret)).await?;
    for code in &recovery_codes {
        sqlx::query!(
            "insert into staff_recovery_code (account_id, code_hash) values ($1, $2)",
            account_id,
            recovery_code_hash(code)
        )
        .execute(&mut *transaction)
        .await?;
    }
    account::end_sessions(&mut transaction, account_id, None).await?;
    transaction.commit().await?;
    Ok(Enrolment {
        otpauth_uri,
        recovery_codes,
    })
}

/// Switches two-factor sign-in off: the secret and the recovery codes are deleted.
pub async fn disable(pool: &PgPool, account_id: i64) -> Result<(), sqlx::Error> {
    let mut transaction = pool.begin().await?;
    replace_secret(&mut transaction, account_id, None).await?;
    transaction.commit().await
}

/// Gives the account `secret` (none: two-factor sign-in off); the recovery codes that went with
/// the old one are deleted, and the memory of used codes starts afresh. (Sign-ins waiting for a
/// code end with the sessions when it is set up; once it is off, no code completes them.)
async fn replace_secret(
    db: &mut PgConnection,
    account_id: i64,
    secret: Option<&[u8]>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update staff_account set totp_secret = $2, totp_last_step = null where id = $1",
        account_id,
        secret
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!(
        "delete from staff_recovery_code where account_id = $1",
        account_id
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Whether an account has two-factor sign-in, and how many recovery codes it has left.
pub struct TwoFactorState {
    pub enabled: bool,
    pub recovery_codes_left: i64,
}

pub async fn state_of(pool: &PgPool, account_id: i64) -> Result<TwoFactorState, sqlx::Error> {
    let row = sqlx::query!(
        r#"select a.totp_secret is not null as "enabled!",
                  (select count(*) from staff_recovery_code c
                   where c.account_id = a.id and c.used_at is null) as "left!"
           from staff_account a where a.id = $1"#,
        account_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map_or(
        TwoFactorState {
            enabled: false,
            recovery_codes_left: 0,
        },
        |row| TwoFactorState {
            enabled: row.enabled,
            recovery_codes_left: row.left,
        },
    ))
}

/// What a staff member typed on the second step, read as the kind of code it can be.
#[derive(Debug, PartialEq, Eq)]
pub enum TypedCode {
    /// Six digits from the app (spaces between them are allowed, as apps show "123 456").
    Totp(String),
    /// A recovery code, as the hash it is stored under.
    Recovery(Vec<u8>),
    /// Neither.
    Malformed,
}

impl TypedCode {
    pub fn read(typed: &str) -> Self {
        let compact: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Self::Totp(compact);
        }
        let normalised: String = compact
            .to_lowercase()
            .chars()
            .map(|c| match c {
                'o' => '0',
                'i' | 'l' => '1',
                other => other,
            })
            .collect();
        if normalised.len() == RECOVERY_CODE_LENGTH
            && normalised.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))
        {
            Self::Recovery(Sha256::digest(normalised.as_bytes()).to_vec())
        } else {
            Self::Malformed
        }
    }
}

/// The time step `code` belongs to, if it is right for `secret` at `unix_time` (one step
/// earlier or later is accepted, for a clock that is a little off).
pub fn matching_step(secret: Vec<u8>, code: &str, unix_time: u64) -> Option<u64> {
    // The account name is not part of the code; any valid name will do here.
    totp(secret, "staff").ok()?.check(code, unix_time)
}

fn new_recovery_code() -> String {
    let mut bytes = [0_u8; RECOVERY_CODE_LENGTH];
    rand::fill(&mut bytes);
    let symbols: String = bytes
        .iter()
        .map(|byte| char::from(RECOVERY_ALPHABET[usize::from(byte % 32)]))
        .collect();
    // Shown in groups of four, which are easier to copy; the dashes are ignored when typed.
    format!("{}-{}-{}", &symbols[..4], &symbols[4..8], &symbols[8..])
}

fn recovery_code_hash(code: &str) -> Vec<u8> {
    match TypedCode::read(code) {
        TypedCode::Recovery(hash) => hash,
        // Every code made by `new_recovery_code` reads as a recovery code.
        TypedCode::Totp(_) | TypedCode::Malformed => Sha256::digest(code.as_bytes()).to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_codes_are_read_with_or_without_a_space() {
        assert_eq!(TypedCode::read("123456"), TypedCode::Totp("123456".into()));
        assert_eq!(
            TypedCode::read(" 123 456 "),
            TypedCode::Totp("123456".into())
        );
        assert_eq!(TypedCode::read("12345"), TypedCode::Malformed);
        assert_eq!(TypedCode::read("12345x"), TypedCode::Malformed);
        assert_eq!(TypedCode::read(""), TypedCode::Malformed);
    }

    #[test]
    fn recovery_codes_are_read_however_they_are_typed() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 14);
        let stored = recovery_code_hash(&code);
        let typed_carelessly = code.replace('-', " ").to_uppercase();
        assert_eq!(
            TypedCode::read(&typed_carelessly),
            TypedCode::Recovery(stored)
        );
        // o for 0 and l for 1, as people misread them.
        assert_eq!(
            TypedCode::read("0000-1111-abcd"),
            TypedCode::read("oooo-llii-ABCD")
        );
        assert_eq!(TypedCode::read("uuuu-uuuu-uuuu"), TypedCode::Malformed);
    }

    #[test]
    fn recovery_codes_differ() {
        let codes: std::collections::HashSet<String> =
            (0..100).map(|_| new_recovery_code()).collect();
        assert_eq!(codes.len(), 100);
    }

    #[test]
    fn a_code_matches_its_own_step_and_its_neighbours_only() {
        let secret = vec![7_u8; 20];
        let totp = totp(secret.clone(), "buero@defus.org").expect("a valid TOTP");
        let now = 1_800_000_000;
        let code = totp.generate(now).to_string();
        assert_eq!(matching_step(secret.clone(), &code, now), Some(now / 30));
        assert_eq!(
            matching_step(secret.clone(), &code, now + 30),
            Some(now / 30)
        );
        assert_eq!(
            matching_step(secret.clone(), &code, now - 30),
            Some(now / 30)
        );
        assert_eq!(matching_step(secret, &code, now + 90), None);
    }

    #[test]
    fn the_app_is_given_the_secret_and_the_site_name() {
        let secret = vec![1_u8; 20];
        let uri = totp(secret.clone(), "buero@defus.org")
            .and_then(|totp| totp.to_url())
            .expect("a URI");
        assert!(
            uri.starts_with("otpauth://totp/DEFUS:buero%40defus.org?"),
            "{uri}"
        );
        assert!(uri.contains("issuer=DEFUS"), "{uri}");
        let back = Totp::from_url(&uri).expect("the URI reads back");
        assert_eq!(back.secret().as_ref(), secret.as_slice());
    }
}
