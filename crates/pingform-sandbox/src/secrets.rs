//! The sandbox's master key and the encryption of write-only secrets (`password`,
//! encrypted plugin field values) into opaque, compact-JWE-shaped strings.
//!
//! Owns the key material and the token format. Must not know which fields are secret:
//! the resource modules decide that.
//!
//! Format: a real compact JWE (RFC 7516) with direct encryption, five dot-separated
//! base64url parts `header..iv.ciphertext.tag` (the encrypted-key part is empty for
//! `"alg":"dir"`). The protected header is
//! `{"alg":"dir","enc":"A256GCM","kid":<key id>,"version":<PF version>}`; PingFederate
//! itself uses `A128CBC-HS256`, the emulator uses AES-256-GCM from aws-lc-rs and says so
//! honestly in the header. The header is the additional authenticated data, as the JWE
//! specification requires. A random IV per encryption means encrypting the same
//! password twice gives two different tokens, as on a real server.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

const KEY_LENGTH: usize = 32;
const TAG_LENGTH: usize = 16;

/// Why a master key could not be created or loaded.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the system random number generator failed")]
    RandomFailed,
    #[error("the master key is not {KEY_LENGTH} bytes of base64url")]
    MalformedKey,
    #[error("encryption failed")]
    EncryptionFailed,
}

/// The sandbox's master key (PingFederate keeps its equivalent in `pf.jwk`).
pub struct MasterKey {
    key_id: String,
    key_bytes: Vec<u8>,
    aead: LessSafeKey,
    version: String,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("MasterKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl MasterKey {
    /// A fresh random key.
    pub fn generate(version: &str) -> Result<Self, SecretError> {
        let mut key_bytes = vec![0_u8; KEY_LENGTH];
        aws_lc_rs::rand::fill(&mut key_bytes).map_err(|_| SecretError::RandomFailed)?;
        Self::from_bytes(key_bytes, version)
    }

    /// A key previously exported with [`MasterKey::encoded`].
    pub fn from_encoded(encoded: &str, version: &str) -> Result<Self, SecretError> {
        let key_bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| SecretError::MalformedKey)?;
        Self::from_bytes(key_bytes, version)
    }

    fn from_bytes(key_bytes: Vec<u8>, version: &str) -> Result<Self, SecretError> {
        if key_bytes.len() != KEY_LENGTH {
            return Err(SecretError::MalformedKey);
        }
        let unbound =
            UnboundKey::new(&AES_256_GCM, &key_bytes).map_err(|_| SecretError::MalformedKey)?;
        let fingerprint = digest(&SHA256, &key_bytes);
        let key_id = URL_SAFE_NO_PAD.encode(&fingerprint.as_ref()[..12]);
        Ok(Self {
            key_id,
            key_bytes,
            aead: LessSafeKey::new(unbound),
            version: version.to_string(),
        })
    }

    /// The key as base64url, for the data file.
    pub fn encoded(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.key_bytes)
    }

    /// Encrypts `plain` into a compact JWE.
    pub fn encrypt(&self, plain: &str) -> Result<String, SecretError> {
        let header = serde_json::json!({
            "alg": "dir",
            "enc": "A256GCM",
            "kid": self.key_id,
            "version": self.version,
        });
        let encoded_header = URL_SAFE_NO_PAD.encode(header.to_string());
        let mut iv = [0_u8; NONCE_LEN];
        aws_lc_rs::rand::fill(&mut iv).map_err(|_| SecretError::RandomFailed)?;
        let mut buffer = plain.as_bytes().to_vec();
        let tag = self
            .aead
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(iv),
                Aad::from(encoded_header.as_bytes()),
                &mut buffer,
            )
            .map_err(|_| SecretError::EncryptionFailed)?;
        Ok(format!(
            "{encoded_header}..{}.{}.{}",
            URL_SAFE_NO_PAD.encode(iv),
            URL_SAFE_NO_PAD.encode(&buffer),
            URL_SAFE_NO_PAD.encode(tag.as_ref())
        ))
    }

    /// Decrypts a token made with this key; `None` for anything else (another key,
    /// tampering, not a JWE at all).
    pub fn decrypt(&self, token: &str) -> Option<String> {
        let parts: Vec<&str> = token.split('.').collect();
        let [encoded_header, encrypted_key, iv, ciphertext, tag] = parts.as_slice() else {
            return None;
        };
        if !encrypted_key.is_empty() {
            return None;
        }
        let iv: [u8; NONCE_LEN] = URL_SAFE_NO_PAD.decode(iv).ok()?.try_into().ok()?;
        let mut buffer = URL_SAFE_NO_PAD.decode(ciphertext).ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        if tag.len() != TAG_LENGTH {
            return None;
        }
        buffer.extend_from_slice(&tag);
        let plain = self
            .aead
            .open_in_place(
                Nonce::assume_unique_for_key(iv),
                Aad::from(encoded_header.as_bytes()),
                &mut buffer,
            )
            .ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }
}

/// Prefix of a secret-manager reference, accepted verbatim in `encryptedPassword`.
pub const SECRET_MANAGER_REFERENCE_PREFIX: &str = "OBF:MGR:";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_shape() {
        let key = MasterKey::generate("12.1.0.4").unwrap();
        let token = key.encrypt("s3cret-Value").unwrap();
        assert!(token.starts_with("eyJ"));
        assert_eq!(token.split('.').count(), 5);
        assert!(!token.contains("s3cret"));
        assert_eq!(key.decrypt(&token).as_deref(), Some("s3cret-Value"));
    }

    #[test]
    fn same_plain_text_gives_different_tokens() {
        let key = MasterKey::generate("12.1.0.4").unwrap();
        assert_ne!(key.encrypt("a").unwrap(), key.encrypt("a").unwrap());
    }

    #[test]
    fn other_keys_and_tampering_are_rejected() {
        let key = MasterKey::generate("12.1.0.4").unwrap();
        let other = MasterKey::generate("12.1.0.4").unwrap();
        let token = key.encrypt("secret").unwrap();
        assert_eq!(other.decrypt(&token), None);
        let mut tampered = token.clone();
        tampered.replace_range(tampered.len() - 3.., "AAA");
        assert_eq!(key.decrypt(&tampered), None);
        assert_eq!(key.decrypt("not-a-token"), None);
    }

    #[test]
    fn exported_key_decrypts_old_tokens() {
        let key = MasterKey::generate("12.1.0.4").unwrap();
        let token = key.encrypt("kept").unwrap();
        let reloaded = MasterKey::from_encoded(&key.encoded(), "12.1.0.4").unwrap();
        assert_eq!(reloaded.decrypt(&token).as_deref(), Some("kept"));
        assert!(MasterKey::from_encoded("short", "12.1.0.4").is_err());
    }
}
