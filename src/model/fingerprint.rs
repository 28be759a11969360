use aws_lc_rs::{digest, hmac};

use super::Secret;

/// Makes keyed fingerprints of secrets, so a state file can tell whether a configured
/// secret changed without holding it.
///
/// HMAC-SHA256 over the field path and the value, keyed with a random key kept in the
/// state. The key defeats precomputed tables and makes equal passwords in two states
/// look unrelated; anyone holding both the state file and a guess can still test the
/// guess, so the state file stays a file to protect.
#[derive(Clone)]
pub struct Fingerprinter {
    key: hmac::Key,
}

impl Fingerprinter {
    pub const KEY_LENGTH: usize = 32;

    pub fn new(key: &[u8]) -> Fingerprinter {
        Fingerprinter {
            key: hmac::Key::new(hmac::HMAC_SHA256, key),
        }
    }

    pub fn fingerprint(&self, field_path: &str, secret: &Secret) -> String {
        let mut context = hmac::Context::with_key(&self.key);
        context.update(field_path.as_bytes());
        context.update(&[0]);
        // An encrypted input is another value than the same text given in plain.
        if secret.is_encrypted() {
            context.update(b"encrypted\0");
        }
        context.update(secret.expose().as_bytes());
        format!("hmac-sha256:{}", hex(context.sign().as_ref()))
    }
}

/// `sha256:<hex>` of an encrypted value, so state can notice a rotated secret without
/// keeping even its ciphertext.
pub fn encrypted_digest(encrypted: &str) -> String {
    format!(
        "sha256:{}",
        hex(digest::digest(&digest::SHA256, encrypted.as_bytes()).as_ref())
    )
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_depend_on_key_field_and_value() {
        let a = Fingerprinter::new(&[1; 32]);
        let b = Fingerprinter::new(&[2; 32]);
        let secret = Secret::new("hunter2");
        let fingerprint = a.fingerprint("password", &secret);
        assert!(fingerprint.starts_with("hmac-sha256:"));
        assert!(!fingerprint.contains("hunter2"));
        assert_eq!(
            fingerprint,
            a.fingerprint("password", &Secret::new("hunter2"))
        );
        assert_ne!(fingerprint, b.fingerprint("password", &secret));
        assert_ne!(fingerprint, a.fingerprint("other", &secret));
        assert_ne!(
            fingerprint,
            a.fingerprint("password", &Secret::new("hunter3"))
        );
    }

    #[test]
    fn encrypted_digests_are_stable() {
        assert_eq!(encrypted_digest("abc"), encrypted_digest("abc"));
        assert_ne!(encrypted_digest("abc"), encrypted_digest("abd"));
    }
}
