//! The optional data file: a snapshot of the store and the master key, followed by a
//! journal of the writes since, one JSON line each.
//!
//! Format (version 2): the first line is `{"formatVersion":2,"masterKey":...,"store":
//! {...}}`; every further line is one journal entry, written and flushed to disk
//! (`fdatasync`) before the write it records is answered, so a write costs one short
//! write whatever the size of the store. The file is grown ahead of the journal in
//! zero-filled chunks (each made durable once), and entries are written over those
//! zeros: flushing a write that does not change the file's size need not commit the
//! file system's metadata, which makes each write's flush about three times cheaper
//! than an append's. Reading stops at the first zero byte. At start the snapshot is read and the entries
//! replayed; the file is then compacted (rewritten as a snapshot alone, through a
//! temporary file in the same folder and a rename), and again at shutdown. A last line
//! cut short by a crash (no newline at its end, not valid JSON) is a write that was
//! never answered, and is dropped. A version 1 file (one pretty-printed document
//! `{"formatVersion":1,"masterKey":...,"store":{...}}`, written by earlier sandboxes
//! after every write) is read as a snapshot and converted by the first compaction.
//!
//! Owns the file format. Secrets reach the file only in their encrypted form, because
//! the store never holds anything else; the master key is in the file, as PingFederate
//! keeps its `pf.jwk` next to its configuration. Must not know what the store or an
//! entry holds: it writes and reads whatever it is given.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::error::SandboxError;
use super::secrets::MasterKey;

const LEGACY_FORMAT_VERSION: u32 = 1;
/// How much the file grows ahead of the journal at a time.
const GROWTH: u64 = 1 << 20;
const FORMAT_VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot<S> {
    format_version: u32,
    /// base64url of the 32-byte AES-256-GCM key.
    master_key: String,
    store: S,
}

/// What a data file holds once its journal is replayed.
pub struct Loaded<S> {
    pub master_key: MasterKey,
    pub store: S,
}

/// Reads `path` and replays its journal onto the snapshot with `apply`; `Ok(None)` when
/// the file does not exist yet.
pub fn load<S, E>(
    path: &Path,
    version: &str,
    mut apply: impl FnMut(&mut S, E) -> Result<(), String>,
) -> Result<Option<Loaded<S>>, SandboxError>
where
    S: DeserializeOwned,
    E: DeserializeOwned,
{
    let mut text = match std::fs::read_to_string(path) {
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
    // The zeros the journal has not reached yet.
    if let Some(end) = text.find('\0') {
        text.truncate(end);
    }
    // A version 1 file is one (pretty-printed) JSON document; so is a version 2 file
    // whose journal is empty.
    if let Ok(snapshot) = serde_json::from_str::<Snapshot<S>>(&text) {
        if ![LEGACY_FORMAT_VERSION, FORMAT_VERSION].contains(&snapshot.format_version) {
            return Err(unreadable(format!(
                "format version {} is not supported (expected {LEGACY_FORMAT_VERSION} or \
                 {FORMAT_VERSION})",
                snapshot.format_version
            )));
        }
        let master_key = MasterKey::from_encoded(&snapshot.master_key, version)
            .map_err(|error| unreadable(error.to_string()))?;
        return Ok(Some(Loaded {
            master_key,
            store: snapshot.store,
        }));
    }
    let mut lines = text.split_inclusive('\n').enumerate();
    let Some((_, first)) = lines.next() else {
        return Err(unreadable("the file is empty".to_string()));
    };
    let snapshot: Snapshot<S> =
        serde_json::from_str(first).map_err(|error| unreadable(format!("line 1: {error}")))?;
    if snapshot.format_version != FORMAT_VERSION {
        return Err(unreadable(format!(
            "format version {} is not supported (expected {LEGACY_FORMAT_VERSION} or \
             {FORMAT_VERSION})",
            snapshot.format_version
        )));
    }
    let master_key = MasterKey::from_encoded(&snapshot.master_key, version)
        .map_err(|error| unreadable(error.to_string()))?;
    let mut store = snapshot.store;
    for (index, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let complete = line.ends_with('\n');
        match serde_json::from_str::<E>(line) {
            Ok(entry) => {
                apply(&mut store, entry)
                    .map_err(|reason| unreadable(format!("line {}: {reason}", index + 1)))?;
            }
            // The write this line was to record was never answered.
            Err(_) if !complete => break,
            Err(error) => return Err(unreadable(format!("line {}: {error}", index + 1))),
        }
    }
    Ok(Some(Loaded { master_key, store }))
}

/// An open data file, written to after every successful write.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    /// Where the next entry goes.
    end: u64,
    /// The file's size: zeros from `end` to here.
    allocated: u64,
}

impl Journal {
    /// Rewrites `path` as a snapshot of `store` alone (atomically) and opens it for
    /// appending.
    pub fn compact<S: Serialize>(
        path: &Path,
        master_key: &MasterKey,
        store: &S,
    ) -> Result<Journal, SandboxError> {
        let unwritable = |reason: String| SandboxError::DataFileUnwritable {
            path: path.to_path_buf(),
            reason,
        };
        let snapshot = Snapshot {
            format_version: FORMAT_VERSION,
            master_key: master_key.encoded(),
            store,
        };
        let mut text =
            serde_json::to_string(&snapshot).map_err(|error| unwritable(error.to_string()))?;
        text.push('\n');
        let temporary = temporary_path(path);
        let write = || -> std::io::Result<()> {
            let mut handle = File::create(&temporary)?;
            handle.write_all(text.as_bytes())?;
            handle.sync_all()?;
            std::fs::rename(&temporary, path)?;
            // The rename itself is durable once the folder is.
            if let Some(folder) = path
                .parent()
                .filter(|folder| !folder.as_os_str().is_empty())
            {
                File::open(folder)?.sync_all()?;
            }
            Ok(())
        };
        write().map_err(|error| {
            let _ = std::fs::remove_file(&temporary);
            unwritable(error.to_string())
        })?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|error| unwritable(error.to_string()))?;
        let end = text.len() as u64;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            end,
            allocated: end,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one entry as a line after the others and waits until it is on disk.
    pub fn append<E: Serialize>(&mut self, entry: &E) -> Result<(), SandboxError> {
        let unwritable = |reason: String| SandboxError::DataFileUnwritable {
            path: self.path.clone(),
            reason,
        };
        let mut line =
            serde_json::to_string(entry).map_err(|error| unwritable(error.to_string()))?;
        line.push('\n');
        let length = line.len() as u64;
        if self.end + length > self.allocated {
            let growth = GROWTH.max(length);
            let zeros = vec![0_u8; usize::try_from(growth).unwrap_or(usize::MAX)];
            self.file
                .write_all_at(&zeros, self.allocated)
                .and_then(|()| self.file.sync_all())
                .map_err(|error| unwritable(error.to_string()))?;
            self.allocated += growth;
        }
        self.file
            .write_all_at(line.as_bytes(), self.end)
            .and_then(|()| self.file.sync_data())
            .map_err(|error| unwritable(error.to_string()))?;
        self.end += length;
        Ok(())
    }
}

fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|name| name.to_os_string())
        .unwrap_or_default();
    name.push(format!(".tmp-{}", std::process::id()));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Numbers(Vec<i64>);

    fn add(store: &mut Numbers, entry: i64) -> Result<(), String> {
        if entry < 0 {
            return Err("negative".to_string());
        }
        store.0.push(entry);
        Ok(())
    }

    fn key() -> MasterKey {
        MasterKey::generate("12.1.0.4").unwrap()
    }

    #[test]
    fn entries_are_replayed_onto_the_snapshot_and_compaction_folds_them_in() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("data.json");
        let key = key();
        let mut journal = Journal::compact(&path, &key, &Numbers(vec![1])).unwrap();
        journal.append(&2).unwrap();
        journal.append(&3).unwrap();
        let loaded = load::<Numbers, i64>(&path, "12.1.0.4", add)
            .unwrap()
            .unwrap();
        assert_eq!(loaded.store, Numbers(vec![1, 2, 3]));
        assert_eq!(loaded.master_key.encoded(), key.encoded());
        Journal::compact(&path, &key, &loaded.store).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 1);
        let again = load::<Numbers, i64>(&path, "12.1.0.4", add)
            .unwrap()
            .unwrap();
        assert_eq!(again.store, Numbers(vec![1, 2, 3]));
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_a_bad_middle_line_is_an_error() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("data.json");
        let mut journal = Journal::compact(&path, &key(), &Numbers(vec![])).unwrap();
        journal.append(&7).unwrap();
        // The file is grown ahead of the journal with zeros.
        let grown = std::fs::metadata(&path).unwrap().len();
        assert!(grown >= GROWTH, "{grown}");
        // A crash in the middle of the next entry leaves part of it before the zeros.
        let file = OpenOptions::new().write(true).open(&path).unwrap();
        file.write_all_at(b"123x", journal.end).unwrap();
        let loaded = load::<Numbers, i64>(&path, "12.1.0.4", add)
            .unwrap()
            .unwrap();
        assert_eq!(loaded.store, Numbers(vec![7]));
        file.write_all_at(b"123x\n8\n", journal.end).unwrap();
        let error = load::<Numbers, i64>(&path, "12.1.0.4", add).err().unwrap();
        assert!(error.to_string().contains("line 3"), "{error}");
    }

    #[test]
    fn the_journal_grows_past_its_first_chunk() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("data.json");
        let mut journal = Journal::compact(&path, &key(), &Vec::<String>::new()).unwrap();
        let entry = "x".repeat(100_000);
        for _ in 0..25 {
            journal.append(&entry).unwrap();
        }
        assert!(std::fs::metadata(&path).unwrap().len() >= 2 * GROWTH);
        let loaded = load::<Vec<String>, String>(&path, "12.1.0.4", |store, entry| {
            store.push(entry);
            Ok(())
        })
        .unwrap()
        .unwrap();
        assert_eq!(loaded.store.len(), 25);
        assert!(loaded.store.iter().all(|kept| kept == &entry));
    }

    #[test]
    fn a_version_1_file_is_read_as_a_snapshot() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("data.json");
        let key = key();
        let legacy = serde_json::json!({
            "formatVersion": 1,
            "masterKey": key.encoded(),
            "store": [4, 5]
        });
        std::fs::write(&path, serde_json::to_string_pretty(&legacy).unwrap()).unwrap();
        let loaded = load::<Numbers, i64>(&path, "12.1.0.4", add)
            .unwrap()
            .unwrap();
        assert_eq!(loaded.store, Numbers(vec![4, 5]));
        let future =
            serde_json::json!({"formatVersion": 9, "masterKey": key.encoded(), "store": []});
        std::fs::write(&path, future.to_string()).unwrap();
        assert!(load::<Numbers, i64>(&path, "12.1.0.4", add).is_err());
    }

    #[test]
    fn a_missing_file_is_none() {
        let folder = tempfile::tempdir().unwrap();
        let loaded =
            load::<Numbers, i64>(&folder.path().join("absent.json"), "12.1.0.4", add).unwrap();
        assert!(loaded.is_none());
    }
}
