//! Random identifiers the emulator hands out: UUIDs (PingOne ids, PingOne connection
//! credential ids), alphanumeric object ids (PingFederate connection ids), upper-case
//! hexadecimal object ids (PingFederate data store ids) and opaque bearer tokens.
//!
//! Owns the use of the system random number generator for identifiers. Must not know
//! which object gets which kind of id, nor how an API reports a failure: each API turns
//! `RandomFailure` into its own error body.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The system random number generator failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("The system random number generator failed.")]
pub struct RandomFailure;

fn random_bytes<const LENGTH: usize>() -> Result<[u8; LENGTH], RandomFailure> {
    let mut bytes = [0_u8; LENGTH];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| RandomFailure)?;
    Ok(bytes)
}

/// A random (version 4) UUID in its lower-case hyphenated form.
pub fn uuid() -> Result<String, RandomFailure> {
    let mut bytes = random_bytes::<16>()?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

/// A random id of `length` letters and digits, the way PingFederate names connections
/// it creates without an id.
pub fn alphanumeric(length: usize) -> Result<String, RandomFailure> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let bytes = random_bytes::<64>()?;
    Ok(bytes
        .iter()
        .take(length.min(64))
        .map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]))
        .collect())
}

/// `BYTES` random bytes as upper-case hexadecimal (two digits a byte).
pub fn upper_hex<const BYTES: usize>() -> Result<String, RandomFailure> {
    Ok(random_bytes::<BYTES>()?
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect())
}

/// 20 random bytes as unpadded base64url: 27 characters of `[A-Za-z0-9_-]`, the form of
/// the SP connection ids PingFederate assigned in the real exports
/// (`idp.spConnections--gpFvXmhDHSRUSHWLZLZ_XBIU_YK.json`,
/// `idp.spConnections--IENFjGICXt3YsBKNxHSzkN28LWg.json`).
pub fn connection_id() -> Result<String, RandomFailure> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<20>()?))
}

/// An opaque bearer token (32 random bytes, base64url).
pub fn token() -> Result<String, RandomFailure> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4_and_distinct() {
        let first = uuid().unwrap();
        let second = uuid().unwrap();
        assert_ne!(first, second);
        assert_eq!(first.len(), 36);
        assert_eq!(&first[14..15], "4");
        assert!("89ab".contains(&first[19..20]));
    }

    #[test]
    fn upper_hex_has_two_digits_a_byte() {
        let hex = upper_hex::<20>().unwrap();
        assert_eq!(hex.len(), 40);
        assert!(hex.chars().all(|c| matches!(c, '0'..='9' | 'A'..='F')));
    }

    #[test]
    fn connection_ids_look_like_the_exported_ones() {
        let id = connection_id().unwrap();
        assert_eq!(id.len(), 27);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        );
    }

    #[test]
    fn alphanumeric_ids_have_the_asked_length() {
        let id = alphanumeric(22).unwrap();
        assert_eq!(id.len(), 22);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
