//! What a state holds, whichever backend keeps it, and what both backends share: the
//! schema version, a new state's identity, and what is worth warning about.

use std::path::PathBuf;

use super::HistoryEntry;
use crate::model::{Fingerprinter, PreviousRun};

/// The state schema this build writes, in both backends. Each older version has an
/// upgrade step in the backend; version 1 is the first, so there are none yet.
pub const SCHEMA_VERSION: u64 = 1;

/// Everything a state holds: what `state migrate` copies and a backup keeps.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Lineage, serial, objects, fingerprint key and binding.
    pub previous: PreviousRun,
    /// Oldest first.
    pub history: Vec<HistoryEntry>,
}

/// Something about a state worth a warning, though the command goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateWarning {
    /// A state file other users may read: it holds the fingerprint key.
    ReadableByOthers { path: PathBuf, mode: u32 },
}

/// A new lineage (a version 4 UUID) and a new fingerprint key.
pub(super) fn new_identity() -> Result<(String, Vec<u8>), String> {
    let mut key = vec![0u8; Fingerprinter::KEY_LENGTH];
    aws_lc_rs::rand::fill(&mut key).map_err(|_| "no random numbers for the fingerprint key")?;
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| "no random numbers for the lineage")?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let lineage = format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    );
    Ok((lineage, key))
}
