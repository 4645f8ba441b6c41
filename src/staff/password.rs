//! Passwords, hashed with Argon2id. Hashing is deliberately slow, so it runs on a blocking thread.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

/// A password that meets the rules; its text never appears in `Debug` output.
pub struct Password(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRuleError {
    #[error("the password must have at least {} characters", Password::MIN_LENGTH)]
    TooShort,
    #[error("the password must have at most {} characters", Password::MAX_LENGTH)]
    TooLong,
}

impl Password {
    pub const MIN_LENGTH: usize = 12;
    pub const MAX_LENGTH: usize = 1024;

    pub fn parse(text: &str) -> Result<Self, PasswordRuleError> {
        let length = text.chars().count();
        if length < Self::MIN_LENGTH {
            Err(PasswordRuleError::TooShort)
        } else if length > Self::MAX_LENGTH {
            Err(PasswordRuleError::TooLong)
        } else {
            Ok(Self(text.to_owned()))
        }
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Characters of generated passwords: no look-alikes (0/o, 1/l/i), easy to read out and type.
const GENERATED_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A new random password for an account made or reset by a colleague, shown to them once:
/// four groups of four characters (about 79 bits), e.g. `k7mp-x2qa-9hfe-tr4d`.
pub fn generate() -> String {
    let groups: Vec<String> = (0..4)
        .map(|_| {
            (0..4)
                .map(|_| {
                    let index = rand::random_range(0..GENERATED_ALPHABET.len());
                    char::from(GENERATED_ALPHABET[index])
                })
                .collect()
        })
        .collect();
    groups.join("-")
}

#[derive(Debug, thiserror::Error)]
#[error("cannot hash the password: {0}")]
pub struct HashError(String);

/// Argon2 takes about 19 MiB of memory and noticeable CPU per hash; a burst of sign-in attempts
/// waits here instead of exhausting the machine.
static HASHING: Semaphore = Semaphore::const_new(2);

/// The PHC string of `password` with a fresh random salt.
pub async fn hash(password: Password) -> Result<String, HashError> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|error| HashError(error.to_string()))?;
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.0.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|error| HashError(error.to_string()))
    })
    .await
    .map_err(|error| HashError(error.to_string()))?
}

/// Whether `password` matches the stored hash. Without a stored hash (unknown account) the
/// same work is done against a dummy, so the answer takes as long either way.
pub async fn verify(password: String, stored_hash: Option<String>) -> bool {
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        let known = stored_hash.is_some();
        let hash = stored_hash.unwrap_or_else(|| DUMMY_HASH.clone());
        let matches = PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        });
        known && matches
    })
    .await
    .unwrap_or(false)
}

static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    Argon2::default()
        .hash_password(b"no account has this password")
        .map(|hash| hash.to_string())
        .unwrap_or_default()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_overlong_passwords_are_refused() {
        assert_eq!(
            Password::parse("kurz").unwrap_err(),
            PasswordRuleError::TooShort
        );
        assert!(Password::parse("zwölf Zeichen").is_ok());
        assert_eq!(
            Password::parse(&"x".repeat(1025)).unwrap_err(),
            PasswordRuleError::TooLong
        );
        assert_eq!(
            format!("{:?}", Password::parse("geheimes Passwort").unwrap()),
            "Password(***)"
        );
    }

    #[test]
    fn generated_passwords_meet_the_rules_and_differ() {
        let first = generate();
        assert_eq!(first.len(), 19, "{first}");
        assert!(Password::parse(&first).is_ok());
        assert_ne!(first, generate());
        assert!(
            first
                .chars()
                .all(|c| c == '-' || GENERATED_ALPHABET.contains(&(c as u8)))
        );
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = hash(Password::parse("richtig und lang genug").unwrap())
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify("richtig und lang genug".into(), Some(hash.clone())).await);
        assert!(!verify("falsch und lang genug".into(), Some(hash)).await);
        assert!(!verify("no account has this password".into(), None).await);
    }
}
