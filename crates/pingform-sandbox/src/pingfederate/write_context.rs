//! What a write (POST or PUT) needs besides its body: the master key, whether external
//! validation is bypassed, and the timestamp to stamp; plus the one rule every secret
//! field follows.
//!
//! Owns the write-only secret rule. Must not know resource shapes.

use super::api_result::ValidationError;
use crate::secrets::{MasterKey, SECRET_MANAGER_REFERENCE_PREFIX};

pub struct WriteContext<'a> {
    pub master_key: &'a MasterKey,
    /// `X-BypassExternalValidation: true` was sent: skip the simulated connection test.
    pub bypass_external_validation: bool,
    /// RFC 3339 UTC with milliseconds, stamped as `lastModified`.
    pub now: String,
}

impl WriteContext<'_> {
    /// The stored (encrypted) form of a write-only secret, from the plain and the
    /// encrypted attribute of a request.
    ///
    /// - plain value present (non-empty): encrypt it (replaces the secret);
    /// - otherwise an encrypted value that this sandbox's master key decrypts (the
    ///   value returned by a GET, sent back unchanged) or a secret-manager reference
    ///   `OBF:MGR:...`: keep it as is;
    /// - otherwise an encrypted value: 422 on `encrypted_field_path`;
    /// - neither: no secret (a PUT without either clears it).
    ///
    /// Like PingFederate, any token made by this server's key is accepted, not only the
    /// one currently stored on this object: that is what makes exported encrypted values
    /// importable.
    pub fn resolve_secret(
        &self,
        plain: Option<&str>,
        encrypted: Option<&str>,
        encrypted_field_path: &str,
        errors: &mut Vec<ValidationError>,
    ) -> Option<String> {
        if let Some(plain) = plain.filter(|plain| !plain.is_empty()) {
            return match self.master_key.encrypt(plain) {
                Ok(token) => Some(token),
                Err(error) => {
                    errors.push(ValidationError::new(
                        "encryption_failed",
                        encrypted_field_path,
                        format!("The secret could not be encrypted: {error}."),
                    ));
                    None
                }
            };
        }
        let encrypted = encrypted.filter(|encrypted| !encrypted.is_empty())?;
        if encrypted.starts_with(SECRET_MANAGER_REFERENCE_PREFIX)
            || self.master_key.decrypt(encrypted).is_some()
        {
            return Some(encrypted.to_string());
        }
        errors.push(ValidationError::new(
            "invalid_encrypted_value",
            encrypted_field_path,
            "The encrypted value was not produced by this server's master key. Send the value \
             returned by a GET unchanged to keep the secret, or send the plain value to replace it.",
        ));
        None
    }
}
