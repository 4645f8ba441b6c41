//! The address of an inquiry's confirmation page: its reference and a token that only the site
//! can make (an HMAC of the reference under a key of its own). The visitor who sent the form is
//! sent there; walking the references (`…-0001`, `…-0002`) finds nothing.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The key's length: SHA-256's block size.
pub const KEY_LENGTH: usize = 64;
/// Hex digits of the token: 128 bits, beyond guessing.
const TOKEN_HEX_LENGTH: usize = 32;

pub struct ReceiptKey([u8; KEY_LENGTH]);

impl ReceiptKey {
    pub fn new(key: [u8; KEY_LENGTH]) -> Self {
        Self(key)
    }

    /// The token of the receipt for `reference`.
    pub fn token(&self, reference: &str) -> String {
        let mut mac = Hmac::<Sha256>::new(&self.0.into());
        mac.update(reference.as_bytes());
        let digest = mac.finalize().into_bytes();
        hex::encode(&digest[..TOKEN_HEX_LENGTH / 2])
    }

    /// Whether `token` is the receipt token for `reference` (compared in constant time).
    pub fn is_valid(&self, reference: &str, token: &str) -> bool {
        let Ok(given) = hex::decode(token) else {
            return false;
        };
        if given.len() != TOKEN_HEX_LENGTH / 2 {
            return false;
        }
        let mut mac = Hmac::<Sha256>::new(&self.0.into());
        mac.update(reference.as_bytes());
        mac.verify_truncated_left(&given).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_belongs_to_its_reference_and_key() {
        let key = ReceiptKey::new([3; KEY_LENGTH]);
        let token = key.token("DEFUS-2026-0001");
        assert_eq!(token.len(), 32);
        assert!(key.is_valid("DEFUS-2026-0001", &token));
        assert!(!key.is_valid("DEFUS-2026-0002", &token));
        assert!(!ReceiptKey::new([4; KEY_LENGTH]).is_valid("DEFUS-2026-0001", &token));
        assert!(!key.is_valid("DEFUS-2026-0001", &token[..30]));
        assert!(!key.is_valid("DEFUS-2026-0001", "zz"));
    }
}
