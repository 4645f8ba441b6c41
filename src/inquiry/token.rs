//! The signed form token: proves that a submission comes from a form this site showed, and
//! when, without a cookie. A form sent within seconds of being shown was filled in by a program;
//! one form, one nonce, so a form sent twice makes one inquiry. On its own it does not stop
//! cross-site posts (anyone can fetch a token); browsers' cross-site posts are refused by the
//! `Sec-Fetch-Site`/`Origin` check in `app.rs`.
//!
//! Format: `<issued at, unix seconds>.<nonce, hex>.<HMAC-SHA256 of both, hex>`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Begins the nonce of a token issued with a confirmation page.
const CONFIRMATION_PREFIX: &str = "confirm-";

/// Whether the token with `nonce` came with a confirmation page.
pub fn is_confirmation(nonce: &str) -> bool {
    nonce.starts_with(CONFIRMATION_PREFIX)
}

/// The signing key's length: SHA-256's block size, the natural HMAC key length.
pub const KEY_LENGTH: usize = 64;

pub struct FormTokenKey {
    key: [u8; KEY_LENGTH],
    max_age: Duration,
}

/// What a token says about the submission that carried it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    /// Issued by this site `age` ago; `nonce` identifies the form that was shown.
    Valid { nonce: String, age: Duration },
    /// Genuine, but older than the form's maximum age.
    Expired,
    /// Missing, malformed, forged, or issued in the future.
    Invalid,
}

impl FormTokenKey {
    pub fn new(key: [u8; KEY_LENGTH], max_age: Duration) -> Self {
        Self { key, max_age }
    }

    /// A token for a form shown at `now`.
    pub fn issue(&self, now: DateTime<Utc>) -> String {
        self.issue_with_prefix(now, "")
    }

    /// A token for the page that asks to confirm a form sent very quickly: its nonce says so
    /// (see [`is_confirmation`]), and only the site can sign one.
    pub fn issue_for_confirmation(&self, now: DateTime<Utc>) -> String {
        self.issue_with_prefix(now, CONFIRMATION_PREFIX)
    }

    fn issue_with_prefix(&self, now: DateTime<Utc>, prefix: &str) -> String {
        let mut nonce = [0_u8; 16];
        rand::fill(&mut nonce);
        let payload = format!("{}.{prefix}{}", now.timestamp(), hex::encode(nonce));
        let signature = hex::encode(self.mac(&payload).finalize().into_bytes());
        format!("{payload}.{signature}")
    }

    pub fn check(&self, token: &str, now: DateTime<Utc>) -> TokenCheck {
        let Some((payload, signature)) = token.rsplit_once('.') else {
            return TokenCheck::Invalid;
        };
        let Ok(signature) = hex::decode(signature) else {
            return TokenCheck::Invalid;
        };
        // Constant-time comparison: timing reveals nothing about the right signature.
        if self.mac(payload).verify_slice(&signature).is_err() {
            return TokenCheck::Invalid;
        }
        let Some((issued_at, nonce)) = payload.split_once('.') else {
            return TokenCheck::Invalid;
        };
        let Ok(issued_at) = issued_at.parse::<i64>() else {
            return TokenCheck::Invalid;
        };
        let Ok(age) = u64::try_from(now.timestamp() - issued_at) else {
            return TokenCheck::Invalid;
        };
        let age = Duration::from_secs(age);
        if age > self.max_age {
            return TokenCheck::Expired;
        }
        TokenCheck::Valid {
            nonce: nonce.to_owned(),
            age,
        }
    }

    fn mac(&self, payload: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new(&self.key.into());
        mac.update(payload.as_bytes());
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn key() -> FormTokenKey {
        FormTokenKey::new([7; KEY_LENGTH], Duration::from_secs(24 * 3600))
    }

    #[test]
    fn a_token_is_valid_and_knows_its_age() {
        let shown = Utc::now();
        let token = key().issue(shown);
        match key().check(&token, shown + TimeDelta::seconds(42)) {
            TokenCheck::Valid { nonce, age } => {
                assert_eq!(age, Duration::from_secs(42));
                assert_eq!(nonce.len(), 32);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_confirmation_token_is_told_from_a_form_s() {
        let now = Utc::now();
        let nonce = |token: String| match key().check(&token, now) {
            TokenCheck::Valid { nonce, .. } => nonce,
            other => panic!("{other:?}"),
        };
        assert!(is_confirmation(&nonce(key().issue_for_confirmation(now))));
        assert!(!is_confirmation(&nonce(key().issue(now))));
    }

    #[test]
    fn each_form_gets_its_own_nonce() {
        let now = Utc::now();
        assert_ne!(key().issue(now), key().issue(now));
    }

    #[test]
    fn a_token_older_than_the_maximum_age_has_expired() {
        let shown = Utc::now();
        let token = key().issue(shown);
        assert_eq!(
            key().check(&token, shown + TimeDelta::hours(25)),
            TokenCheck::Expired
        );
    }

    #[test]
    fn forged_altered_foreign_and_future_tokens_are_invalid() {
        let now = Utc::now();
        let token = key().issue(now);
        let (payload, _) = token.rsplit_once('.').unwrap();
        let backdated = token.replacen(&now.timestamp().to_string(), "1000", 1);
        let foreign = FormTokenKey::new([8; KEY_LENGTH], Duration::from_secs(60)).issue(now);
        for bad in [
            "",
            "garbage",
            payload,
            &format!("{payload}.zz"),
            &backdated,
            &foreign,
        ] {
            assert_eq!(key().check(bad, now), TokenCheck::Invalid, "{bad:?}");
        }
        assert_eq!(
            key().check(&token, now - TimeDelta::minutes(5)),
            TokenCheck::Invalid
        );
    }
}
