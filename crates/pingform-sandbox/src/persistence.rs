//! The optional data file: the store plus the master key, as one JSON document, loaded
//! at start and rewritten atomically (temporary file in the same folder, then rename)
//! after every successful write.
//!
//! Owns the file format. Secrets reach the file only in their encrypted form, because
//! the store never holds anything else; the master key is in the file, as PingFederate
//! keeps its `pf.jwk` next to its configuration. Must not know what the store holds: it
//! writes whatever store it is given as the document's `store`.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::error::SandboxError;
use super::secrets::MasterKey;

const FORMAT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataFile<S> {
    format_version: u32,
    /// base64url of the 32-byte AES-256-GCM key.
    master_key: String,
    store: S,
}

/// What a data file holds.
pub struct Loaded<S> {
    pub master_key: MasterKey,
    pub store: S,
}

/// Reads `path`; `Ok(None)` when it does not exist yet.
pub fn load<S: DeserializeOwned>(
    path: &Path,
    version: &str,
) -> Result<Option<Loaded<S>>, SandboxError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(SandboxError::DataFileUnreadable {
                path: path.to_path_buf(),
                reason: error.to_string(),
            });
        }
    };
    let unreadable = |reason: String| SandboxError::DataFileUnreadable {
        path: path.to_path_buf(),
        reason,
    };
    let file: DataFile<S> =
        serde_json::from_str(&text).map_err(|error| unreadable(error.to_string()))?;
    if file.format_version != FORMAT_VERSION {
        return Err(unreadable(format!(
            "format version {} is not supported (expected {FORMAT_VERSION})",
            file.format_version
        )));
    }
    let master_key = MasterKey::from_encoded(&file.master_key, version)
        .map_err(|error| unreadable(error.to_string()))?;
    Ok(Some(Loaded {
        master_key,
        store: file.store,
    }))
}

/// Writes the file atomically.
pub fn save<S: Serialize>(
    path: &Path,
    master_key: &MasterKey,
    store: &S,
) -> Result<(), SandboxError> {
    let unwritable = |reason: String| SandboxError::DataFileUnwritable {
        path: path.to_path_buf(),
        reason,
    };
    let file = DataFile {
        format_version: FORMAT_VERSION,
        master_key: master_key.encoded(),
        store,
    };
    let text =
        serde_json::to_string_pretty(&file).map_err(|error| unwritable(error.to_string()))?;
    let temporary = temporary_path(path);
    let write = || -> std::io::Result<()> {
        let mut handle = std::fs::File::create(&temporary)?;
        handle.write_all(text.as_bytes())?;
        handle.write_all(b"\n")?;
        handle.sync_all()?;
        std::fs::rename(&temporary, path)
    };
    write().map_err(|error| {
        let _ = std::fs::remove_file(&temporary);
        unwritable(error.to_string())
    })
}

fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|name| name.to_os_string())
        .unwrap_or_default();
    name.push(format!(".tmp-{}", std::process::id()));
    path.with_file_name(name)
}
