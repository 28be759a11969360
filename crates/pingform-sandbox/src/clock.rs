//! The current time as both emulated APIs write it (`lastModified`, `creationDate`,
//! `createdAt`): RFC 3339, UTC, milliseconds.
//!
//! Owns reading the clock. Must not know which field gets the time.

use std::time::SystemTime;

/// The current time, e.g. `2026-01-01T00:00:00.000Z`.
pub fn now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}
