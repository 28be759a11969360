//! `Secret`: a secret value from the configuration that never prints itself.

use std::fmt;

/// A secret value from the configuration (a password, a client secret).
///
/// It never prints itself: `Debug` and `Display` show `(sensitive value)`. The plain
/// text is reachable only through [`Secret::expose`], which the provider calls when it
/// builds a request body and the state calls when it fingerprints the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    value: String,
    encrypted: bool,
}

impl Secret {
    /// A plain value, which PingFederate encrypts.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret {
            value: value.into(),
            encrypted: false,
        }
    }

    /// A value PingFederate already holds encrypted: an encrypted value from an export,
    /// or a secret manager reference (`OBF:MGR:...`). It is sent as the encrypted form.
    pub fn encrypted(value: impl Into<String>) -> Secret {
        Secret {
            value: value.into(),
            encrypted: true,
        }
    }

    pub fn expose(&self) -> &str {
        &self.value
    }

    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(sensitive value)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(sensitive value)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_formats_its_value() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret}"), "(sensitive value)");
        assert_eq!(format!("{secret:?}"), "(sensitive value)");
        assert!(!format!("{:?}", Some(&secret)).contains("hunter2"));
        assert_eq!(secret.expose(), "hunter2");
        let reference = Secret::encrypted("OBF:MGR:vault:ldap");
        assert_eq!(format!("{reference:?}"), "(sensitive value)");
        assert!(reference.is_encrypted());
    }
}
