//! The embedded backend: one redb file.
//!
//! Owns the file's tables (`meta`, `objects`, `history`), opening it for writing (the
//! write lock is redb's lock on the open file, released when the process ends however
//! it ends), reading it without the lock, and the file-level safety around them:
//!
//! - a new state is written to a temporary file next to where it belongs, and linked
//!   into place only when an apply starts changing things, so a refused or cancelled
//!   apply leaves no file behind, and two first applies cannot both create one;
//! - files are created `0600` (the state holds the fingerprint key);
//! - a file a crash left unclean is read from a repaired copy, so read-only commands
//!   never need the writer to come back first;
//! - every call into redb is [`guarded`]: a damaged file is an error that names it;
//! - before each apply, the state as it was is copied to `PATH.backup`.
//!
//! All processes open the file in redb's `SingleWriter` mode: one writer at a time (a
//! second gets [`StateError::Locked`] at once, never a hang), while readers (`plan`,
//! `drift`) run next to it.

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use redb::{
    Builder, ConcurrencyMode, Database, DatabaseError, ReadOnlyTable, ReadTransaction,
    ReadableDatabase, ReadableTable, StorageError, TableDefinition,
};

use super::guard::guarded;
use super::stored::{SCHEMA_VERSION, Snapshot, new_identity};
use super::{BackupInfo, HistoryEntry, LockHolder, StateError, StateWarning};
use crate::model::{Address, Binding, ManagedObject, PreviousRun, StateLocation};

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const OBJECTS: TableDefinition<&str, &[u8]> = TableDefinition::new("objects");
const HISTORY: TableDefinition<u64, &[u8]> = TableDefinition::new("history");

const SCHEMA_VERSION_KEY: &str = "schema_version";
const LINEAGE_KEY: &str = "lineage";
const SERIAL_KEY: &str = "serial";
const FINGERPRINT_KEY_KEY: &str = "fingerprint_key";
const BINDING_KEY: &str = "binding";
const LOCK_HOLDER_KEY: &str = "lock_holder";

/// The names of the temporary files a new state, a backup or a migrated copy is
/// written to before it takes its place.
const TEMPORARY_PREFIX: &str = ".pingform-state-";
const TEMPORARY_SUFFIX: &str = ".new";

/// The first bytes of every redb file.
const MAGIC: [u8; 9] = [b'r', b'e', b'd', b'b', 0x1A, 0x0A, 0xA9, 0x0D, 0x0A];

fn builder() -> Builder {
    let mut builder = Builder::new();
    builder.set_concurrency_mode(ConcurrencyMode::SingleWriter);
    builder
}

/// Where the state from before the last apply is kept.
pub(super) fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".backup");
    PathBuf::from(name)
}

/// An open, writable state file. Holding it excludes other writers.
pub(super) struct RedbFile {
    path: PathBuf,
    database: Database,
    /// A new state: the temporary file it lives in until [`RedbFile::begin_apply`]
    /// links it into place.
    pending: Option<tempfile::TempPath>,
}

impl RedbFile {
    /// Opens the state at `path` for writing; when there is none and `create` is set,
    /// starts a new one in a temporary file beside it.
    pub(super) fn open_for_write(
        path: &Path,
        holder: &LockHolder,
        create: bool,
    ) -> Result<(RedbFile, PreviousRun), StateError> {
        if !path.exists() {
            if !create {
                return Err(StateError::Missing {
                    location: location(path),
                });
            }
            return RedbFile::start_new(path);
        }
        RedbFile::open_existing(path, holder).map_err(|error| with_backup(path, error))
    }

    fn open_existing(
        path: &Path,
        holder: &LockHolder,
    ) -> Result<(RedbFile, PreviousRun), StateError> {
        preflight(path)?;
        let database = guarded(|| builder().open(path))
            .map_err(|detail| damaged(path, detail))?
            .map_err(|error| match error {
                DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch => {
                    StateError::Locked {
                        location: location(path),
                        holder: read_holder(path).map(Box::new),
                    }
                }
                other => open_error(path, other),
            })?;
        let file = RedbFile {
            path: path.to_path_buf(),
            database,
            pending: None,
        };
        let previous = guarded(|| -> Result<PreviousRun, StateError> {
            check_version(&file.database, path)?;
            write(&file.database, path, |transaction| {
                let mut meta = transaction.open_table(META)?;
                let holder = serde_json::to_vec(holder).map_err(storage_error)?;
                meta.insert(LOCK_HOLDER_KEY, holder.as_slice())?;
                Ok(())
            })?;
            read_previous(&file.database, path)
        })
        .map_err(|detail| damaged(path, detail))??;
        Ok((file, previous))
    }

    /// A new state with a new lineage and fingerprint key, in a `0600` temporary file
    /// in the folder it is meant for.
    fn start_new(path: &Path) -> Result<(RedbFile, PreviousRun), StateError> {
        let folder = folder_of(path);
        if !folder.is_dir() {
            return Err(StateError::Io {
                location: location(path),
                detail: format!("the folder {} does not exist", folder.display()),
            });
        }
        remove_abandoned(&folder);
        let temporary = temporary_in(&folder, path)?;
        let database = guarded(|| builder().create(&temporary))
            .map_err(|detail| damaged(path, detail))?
            .map_err(|error| open_error(path, error))?;
        let (lineage, key) = new_identity().map_err(|detail| StateError::Io {
            location: location(path),
            detail,
        })?;
        let snapshot = Snapshot {
            previous: PreviousRun {
                lineage: Some(lineage),
                serial: 0,
                objects: Default::default(),
                fingerprint_key: Some(key),
                binding: None,
            },
            history: Vec::new(),
        };
        guarded(|| write_snapshot(&database, path, &snapshot))
            .map_err(|detail| damaged(path, detail))??;
        Ok((
            RedbFile {
                path: path.to_path_buf(),
                database,
                pending: Some(temporary),
            },
            snapshot.previous,
        ))
    }

    /// Called once an apply is about to change something: a new state is linked into
    /// place (refused if another process created one meanwhile), an existing one is
    /// copied to `PATH.backup` first; then the binding is recorded. Returns where the
    /// backup went.
    pub(super) fn begin_apply(
        &mut self,
        binding: &Binding,
        previous: &PreviousRun,
        history: Vec<HistoryEntry>,
    ) -> Result<Option<PathBuf>, StateError> {
        let mut backup = None;
        if let Some(temporary) = self.pending.take() {
            match fs::hard_link(&temporary, &self.path) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    self.pending = Some(temporary);
                    return Err(StateError::CreatedMeanwhile {
                        location: location(&self.path),
                    });
                }
                Err(error) => {
                    self.pending = Some(temporary);
                    return Err(io_error(&self.path, &error));
                }
            }
            // The state now lives at its path; the temporary name goes.
            drop(temporary);
        } else {
            let path = backup_path(&self.path);
            write_new_file(
                &path,
                &Snapshot {
                    previous: previous.clone(),
                    history,
                },
                true,
            )?;
            backup = Some(path);
        }
        let bytes = serde_json::to_vec(binding).map_err(|e| io_error(&self.path, &e))?;
        let path = self.path.clone();
        guarded(|| {
            write(&self.database, &path, |transaction| {
                let mut meta = transaction.open_table(META)?;
                meta.insert(BINDING_KEY, bytes.as_slice())?;
                Ok(())
            })
        })
        .map_err(|detail| damaged(&path, detail))??;
        Ok(backup)
    }

    /// One finished change in its own transaction: the object (or its removal), the
    /// address it moved from removed, and the new serial.
    pub(super) fn record(
        &mut self,
        address: &Address,
        object: Option<&ManagedObject>,
        previous_address: Option<&Address>,
        serial: u64,
    ) -> Result<(), StateError> {
        let bytes = match object {
            Some(object) => Some(serde_json::to_vec(object).map_err(|e| io_error(&self.path, &e))?),
            None => None,
        };
        let path = self.path.clone();
        guarded(|| {
            write(&self.database, &path, |transaction| {
                let mut objects = transaction.open_table(OBJECTS)?;
                if let Some(old) = previous_address {
                    objects.remove(old.to_string().as_str())?;
                }
                match &bytes {
                    Some(bytes) => {
                        objects.insert(address.to_string().as_str(), bytes.as_slice())?;
                    }
                    None => {
                        objects.remove(address.to_string().as_str())?;
                    }
                }
                let mut meta = transaction.open_table(META)?;
                meta.insert(SERIAL_KEY, serial.to_be_bytes().as_slice())?;
                Ok(())
            })
        })
        .map_err(|detail| damaged(&path, detail))?
    }

    pub(super) fn append_history(&mut self, entry: &HistoryEntry) -> Result<(), StateError> {
        let bytes = serde_json::to_vec(entry).map_err(|e| io_error(&self.path, &e))?;
        let path = self.path.clone();
        guarded(|| {
            write(&self.database, &path, |transaction| {
                let mut history = transaction.open_table(HISTORY)?;
                let next = match history.last()? {
                    Some((key, _)) => key.value() + 1,
                    None => 1,
                };
                history.insert(next, bytes.as_slice())?;
                Ok(())
            })
        })
        .map_err(|detail| damaged(&path, detail))?
    }

    pub(super) fn history(&self) -> Result<Vec<HistoryEntry>, StateError> {
        guarded(|| read_history(&self.database, &self.path))
            .map_err(|detail| damaged(&self.path, detail))?
    }

    /// Whether the state is still only in its temporary file.
    pub(super) fn is_pending(&self) -> bool {
        self.pending.is_some()
    }
}

/// A new file in `folder` (the state's own, so the final rename stays on one file
/// system) named so that [`remove_abandoned`] knows it; removed when dropped.
fn temporary_in(folder: &Path, path: &Path) -> Result<tempfile::TempPath, StateError> {
    tempfile::Builder::new()
        .prefix(TEMPORARY_PREFIX)
        .suffix(TEMPORARY_SUFFIX)
        .tempfile_in(folder)
        .map(tempfile::NamedTempFile::into_temp_path)
        .map_err(|error| io_error(path, &error))
}

/// Removes the temporary files of new states that a killed process left in `folder`
/// (`kill -9` while planning a first apply): those no process holds open. One that
/// another process is writing right now is locked, and stays.
fn remove_abandoned(folder: &Path) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMPORARY_PREFIX) && name.ends_with(TEMPORARY_SUFFIX)) {
            continue;
        }
        let path = entry.path();
        let held = matches!(
            guarded(|| builder().open(&path).map(drop)),
            Ok(Err(
                DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch
            ))
        );
        if !held {
            let _ = fs::remove_file(&path);
        }
    }
}

/// Reads the state at `path` without the write lock: next to a running apply, and on
/// a file a crash left unclean (from a repaired copy).
pub(super) fn read(path: &Path) -> Result<Snapshot, StateError> {
    read_plain(path).map_err(|error| with_backup(path, error))
}

fn read_plain(path: &Path) -> Result<Snapshot, StateError> {
    if !path.exists() {
        return Err(StateError::Missing {
            location: location(path),
        });
    }
    preflight(path)?;
    let opened =
        guarded(|| builder().open_read_only(path)).map_err(|detail| damaged(path, detail))?;
    match opened {
        Ok(database) => {
            guarded(|| read_snapshot(&database, path)).map_err(|detail| damaged(path, detail))?
        }
        // Not closed cleanly, and no writer holds it to repair it: a crash.
        Err(DatabaseError::RepairAborted) => read_repaired_copy(path),
        Err(DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch) => {
            Err(StateError::Locked {
                location: location(path),
                holder: None,
            })
        }
        Err(other) => Err(open_error(path, other)),
    }
}

/// Reads a file left unclean by a crash: a private copy is opened for writing, which
/// repairs the copy (redb checks every page's checksum) and leaves the file alone.
fn read_repaired_copy(path: &Path) -> Result<Snapshot, StateError> {
    let folder = tempfile::Builder::new()
        .prefix("pingform-state-read-")
        .tempdir()
        .map_err(|error| io_error(path, &error))?;
    let copy = folder.path().join("state.redb");
    // A writer may start while the file is copied: copy again until the file stayed
    // the same throughout.
    let mut stable = false;
    for _ in 0..5 {
        let before = fingerprint_of(path)?;
        fs::copy(path, &copy).map_err(|error| io_error(path, &error))?;
        fs::set_permissions(&copy, fs::Permissions::from_mode(0o600))
            .map_err(|error| io_error(path, &error))?;
        if fingerprint_of(path)? == before {
            stable = true;
            break;
        }
    }
    if !stable {
        return Err(StateError::Io {
            location: location(path),
            detail: "the file kept changing while it was read; run the command again".into(),
        });
    }
    let database = guarded(|| builder().open(&copy))
        .map_err(|detail| damaged(path, detail))?
        .map_err(|error| open_error(path, error))?;
    guarded(|| read_snapshot(&database, path)).map_err(|detail| damaged(path, detail))?
}

fn fingerprint_of(path: &Path) -> Result<(u64, Option<std::time::SystemTime>), StateError> {
    let metadata = fs::metadata(path).map_err(|error| io_error(path, &error))?;
    Ok((metadata.len(), metadata.modified().ok()))
}

/// Writes `snapshot` as a new state file at `path`, `0600`, whole or not at all: a
/// temporary file, then a rename (`replace`) or a link that refuses an existing file.
pub(super) fn write_new_file(
    path: &Path,
    snapshot: &Snapshot,
    replace: bool,
) -> Result<(), StateError> {
    if !replace && path.exists() {
        return Err(StateError::Exists {
            location: location(path),
        });
    }
    let folder = folder_of(path);
    let temporary = temporary_in(&folder, path)?;
    guarded(|| -> Result<(), StateError> {
        let database = builder()
            .create(&temporary)
            .map_err(|error| open_error(path, error))?;
        write_snapshot(&database, path, snapshot)
    })
    .map_err(|detail| damaged(path, detail))??;
    if replace {
        temporary
            .persist(path)
            .map_err(|error| io_error(path, &error.error))?;
    } else {
        match fs::hard_link(&temporary, path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StateError::Exists {
                    location: location(path),
                });
            }
            Err(error) => return Err(io_error(path, &error)),
        }
    }
    Ok(())
}

/// What is worth saying about the file itself: readable by other users.
pub(super) fn warnings(path: &Path) -> Vec<StateWarning> {
    match fs::metadata(path) {
        Ok(metadata) if metadata.permissions().mode() & 0o077 != 0 => {
            vec![StateWarning::ReadableByOthers {
                path: path.to_path_buf(),
                mode: metadata.permissions().mode() & 0o777,
            }]
        }
        _ => Vec::new(),
    }
}

/// Refuses what is not a redb file before redb sees it.
fn preflight(path: &Path) -> Result<(), StateError> {
    let metadata = fs::metadata(path).map_err(|error| io_error(path, &error))?;
    if metadata.is_dir() {
        return Err(StateError::NotAState {
            location: location(path),
            detail: "it is a folder".into(),
        });
    }
    let mut start = [0u8; MAGIC.len()];
    let mut file = fs::File::open(path).map_err(|error| io_error(path, &error))?;
    let mut read = 0;
    while read < start.len() {
        match file.read(&mut start[read..]) {
            Ok(0) => break,
            Ok(count) => read += count,
            Err(error) => return Err(io_error(path, &error)),
        }
    }
    if read == 0 {
        return Err(StateError::NotAState {
            location: location(path),
            detail: "the file is empty".into(),
        });
    }
    if start[..read] == MAGIC[..read] && read == MAGIC.len() {
        return Ok(());
    }
    let matching = start[..read]
        .iter()
        .zip(MAGIC)
        .filter(|(a, b)| **a == *b)
        .count();
    if matching >= 5 || start[..read].iter().all(|byte| *byte == 0) {
        return Err(damaged(
            path,
            "its header is not a redb header (overwritten or zeroed)".to_string(),
        ));
    }
    let detail = if start.first() == Some(&b'{') {
        "it holds JSON (a plan file written by `plan --out`?), not a redb database".to_string()
    } else {
        "it is not a redb database".to_string()
    };
    Err(StateError::NotAState {
        location: location(path),
        detail,
    })
}

fn check_version(database: &Database, path: &Path) -> Result<(), StateError> {
    let transaction = database.begin_read().map_err(|e| redb_error(path, e))?;
    let (_, found) = open_meta(&transaction, path)?;
    upgrade(found);
    Ok(())
}

/// pingform's meta table and the schema version it records. A database without the
/// table is not a state; a version newer than this pingform reads is refused.
fn open_meta(
    transaction: &ReadTransaction,
    path: &Path,
) -> Result<(ReadOnlyTable<&'static str, &'static [u8]>, u64), StateError> {
    let meta = match transaction.open_table(META) {
        Ok(meta) => meta,
        Err(redb::TableError::TableDoesNotExist(_)) => {
            return Err(StateError::NotAState {
                location: location(path),
                detail: "a redb database without pingform's tables".into(),
            });
        }
        Err(e) => return Err(redb_error(path, e)),
    };
    let found = match meta
        .get(SCHEMA_VERSION_KEY)
        .map_err(|e| redb_error(path, e))?
    {
        Some(bytes) => decode_u64(path, bytes.value())?,
        None => return Err(damaged(path, "its schema version is missing".into())),
    };
    if found > SCHEMA_VERSION {
        return Err(StateError::TooNew {
            location: location(path),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok((meta, found))
}

/// Runs the upgrade steps from `found` to [`SCHEMA_VERSION`]. Version 1 is the only
/// version so far (version 1 files gain the binding and lock holder rows as they are
/// written, without a step); a future version 2 adds its step here.
fn upgrade(found: u64) {
    debug_assert!(found <= SCHEMA_VERSION);
}

/// Runs `body` in one write transaction and commits it.
fn write(
    database: &Database,
    path: &Path,
    body: impl FnOnce(&redb::WriteTransaction) -> Result<(), redb::Error>,
) -> Result<(), StateError> {
    let result: Result<(), redb::Error> = (|| {
        let transaction = database.begin_write()?;
        body(&transaction)?;
        transaction.commit()?;
        Ok(())
    })();
    result.map_err(|error| redb_error(path, error))
}

fn write_snapshot(database: &Database, path: &Path, snapshot: &Snapshot) -> Result<(), StateError> {
    let previous = &snapshot.previous;
    let binding = match &previous.binding {
        Some(binding) => Some(serde_json::to_vec(binding).map_err(|e| io_error(path, &e))?),
        None => None,
    };
    write(database, path, |transaction| {
        let mut meta = transaction.open_table(META)?;
        meta.insert(SCHEMA_VERSION_KEY, SCHEMA_VERSION.to_be_bytes().as_slice())?;
        if let Some(lineage) = &previous.lineage {
            meta.insert(LINEAGE_KEY, lineage.as_bytes())?;
        }
        meta.insert(SERIAL_KEY, previous.serial.to_be_bytes().as_slice())?;
        if let Some(key) = &previous.fingerprint_key {
            meta.insert(FINGERPRINT_KEY_KEY, key.as_slice())?;
        }
        if let Some(binding) = &binding {
            meta.insert(BINDING_KEY, binding.as_slice())?;
        }
        let mut objects = transaction.open_table(OBJECTS)?;
        for (address, object) in &previous.objects {
            let bytes = serde_json::to_vec(object).map_err(storage_error)?;
            objects.insert(address.to_string().as_str(), bytes.as_slice())?;
        }
        let mut history = transaction.open_table(HISTORY)?;
        for (index, entry) in snapshot.history.iter().enumerate() {
            let bytes = serde_json::to_vec(entry).map_err(storage_error)?;
            history.insert(index as u64 + 1, bytes.as_slice())?;
        }
        Ok(())
    })
}

fn read_snapshot(database: &impl ReadableDatabase, path: &Path) -> Result<Snapshot, StateError> {
    Ok(Snapshot {
        previous: read_previous(database, path)?,
        history: read_history(database, path)?,
    })
}

fn read_previous(database: &impl ReadableDatabase, path: &Path) -> Result<PreviousRun, StateError> {
    let transaction = database.begin_read().map_err(|e| redb_error(path, e))?;
    let mut previous = PreviousRun::default();
    let (meta, _) = open_meta(&transaction, path)?;
    let get = |key: &str| -> Result<Option<Vec<u8>>, StateError> {
        Ok(meta
            .get(key)
            .map_err(|e| redb_error(path, e))?
            .map(|value| value.value().to_vec()))
    };
    let lineage =
        get(LINEAGE_KEY)?.ok_or_else(|| damaged(path, "its lineage is missing".into()))?;
    previous.lineage = Some(
        String::from_utf8(lineage).map_err(|_| damaged(path, "its lineage is not text".into()))?,
    );
    previous.serial = match get(SERIAL_KEY)? {
        Some(serial) => decode_u64(path, &serial)?,
        None => return Err(damaged(path, "its serial is missing".into())),
    };
    previous.fingerprint_key = get(FINGERPRINT_KEY_KEY)?;
    if previous.fingerprint_key.as_ref().map(Vec::len)
        != Some(crate::model::Fingerprinter::KEY_LENGTH)
    {
        return Err(damaged(
            path,
            "its fingerprint key is missing or has the wrong length".into(),
        ));
    }
    if let Some(binding) = get(BINDING_KEY)? {
        previous.binding = Some(
            serde_json::from_slice(&binding)
                .map_err(|e| damaged(path, format!("its binding cannot be read ({e})")))?,
        );
    }
    match transaction.open_table(OBJECTS) {
        Ok(objects) => {
            for row in objects.iter().map_err(|e| redb_error(path, e))? {
                let (key, value) = row.map_err(|e| redb_error(path, e))?;
                let object: ManagedObject = serde_json::from_slice(value.value()).map_err(|e| {
                    damaged(path, format!("object {} cannot be read ({e})", key.value()))
                })?;
                if object.address.to_string() != key.value() {
                    return Err(damaged(
                        path,
                        format!("object {} is stored under another address", key.value()),
                    ));
                }
                previous.objects.insert(object.address.clone(), object);
            }
        }
        Err(redb::TableError::TableDoesNotExist(_)) => {}
        Err(e) => return Err(redb_error(path, e)),
    }
    Ok(previous)
}

fn read_history(
    database: &impl ReadableDatabase,
    path: &Path,
) -> Result<Vec<HistoryEntry>, StateError> {
    let transaction = database.begin_read().map_err(|e| redb_error(path, e))?;
    let table = match transaction.open_table(HISTORY) {
        Ok(table) => table,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
        Err(e) => return Err(redb_error(path, e)),
    };
    let mut entries = Vec::new();
    for row in table.iter().map_err(|e| redb_error(path, e))? {
        let (key, value) = row.map_err(|e| redb_error(path, e))?;
        entries.push(serde_json::from_slice(value.value()).map_err(|e| {
            damaged(
                path,
                format!("history row {} cannot be read ({e})", key.value()),
            )
        })?);
    }
    Ok(entries)
}

/// The holder a locked file records (read without the lock, as `plan` reads).
fn read_holder(path: &Path) -> Option<LockHolder> {
    let database = guarded(|| builder().open_read_only(path)).ok()?.ok()?;
    guarded(|| -> Option<LockHolder> {
        let transaction = database.begin_read().ok()?;
        let meta = transaction.open_table(META).ok()?;
        let bytes = meta.get(LOCK_HOLDER_KEY).ok()??;
        serde_json::from_slice(bytes.value()).ok()
    })
    .ok()
    .flatten()
}

/// Adds what the backup next to `path` holds to a damage error.
fn with_backup(path: &Path, error: StateError) -> StateError {
    match error {
        StateError::Damaged {
            location,
            detail,
            backup: None,
        } => {
            let backup_file = backup_path(path);
            let backup = read_plain(&backup_file).ok().map(|snapshot| {
                Box::new(BackupInfo {
                    path: backup_file,
                    serial: snapshot.previous.serial,
                    last_apply: snapshot.history.last().map(|entry| entry.time.clone()),
                })
            });
            StateError::Damaged {
                location,
                detail,
                backup,
            }
        }
        other => other,
    }
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn location(path: &Path) -> StateLocation {
    StateLocation::File(path.to_path_buf())
}

fn damaged(path: &Path, detail: String) -> StateError {
    StateError::Damaged {
        location: location(path),
        detail,
        backup: None,
    }
}

fn io_error(path: &Path, error: &dyn std::fmt::Display) -> StateError {
    StateError::Io {
        location: location(path),
        detail: error.to_string(),
    }
}

fn open_error(path: &Path, error: DatabaseError) -> StateError {
    match error {
        DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch => {
            StateError::Locked {
                location: location(path),
                holder: None,
            }
        }
        DatabaseError::UpgradeRequired(version) => StateError::NotAState {
            location: location(path),
            detail: format!("a redb database in an older file format ({version})"),
        },
        DatabaseError::Storage(StorageError::Io(error))
            if error.kind() != std::io::ErrorKind::UnexpectedEof =>
        {
            io_error(path, &error)
        }
        other => damaged(path, other.to_string()),
    }
}

fn redb_error(path: &Path, error: impl Into<redb::Error>) -> StateError {
    match error.into() {
        redb::Error::DatabaseAlreadyOpen => StateError::Locked {
            location: location(path),
            holder: None,
        },
        redb::Error::Io(error) if error.kind() != std::io::ErrorKind::UnexpectedEof => {
            io_error(path, &error)
        }
        other => damaged(path, other.to_string()),
    }
}

fn decode_u64(path: &Path, bytes: &[u8]) -> Result<u64, StateError> {
    let array: [u8; 8] = bytes.try_into().map_err(|_| {
        damaged(
            path,
            "a number in its meta table has the wrong length".into(),
        )
    })?;
    Ok(u64::from_be_bytes(array))
}

fn storage_error(error: serde_json::Error) -> redb::Error {
    redb::Error::Io(std::io::Error::other(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_from_a_newer_pingform_is_refused_by_readers_and_writers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pingform.redb");
        {
            let database = builder().create(&path).unwrap();
            write(&database, &path, |transaction| {
                let mut meta = transaction.open_table(META)?;
                meta.insert(SCHEMA_VERSION_KEY, 99u64.to_be_bytes().as_slice())?;
                Ok(())
            })
            .unwrap();
        }
        let holder = LockHolder {
            command: "apply".into(),
            user: "u".into(),
            host: "h".into(),
            pid: 1,
            since: "2026-12-02T10:00:00Z".into(),
        };
        assert!(matches!(
            RedbFile::open_for_write(&path, &holder, true),
            Err(StateError::TooNew { found: 99, .. })
        ));
        assert!(matches!(
            read(&path),
            Err(StateError::TooNew { found: 99, .. })
        ));
    }

    #[test]
    fn what_is_not_a_redb_file_is_named_before_redb_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (
                "plan.json",
                b"{\"format_version\": 1}".to_vec(),
                "it holds JSON",
            ),
            ("empty.redb", Vec::new(), "the file is empty"),
            (
                "text.redb",
                b"hello, world".to_vec(),
                "it is not a redb database",
            ),
        ];
        for (name, bytes, expected) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            match read(&path) {
                Err(StateError::NotAState { detail, .. }) => {
                    assert!(detail.contains(expected), "{name}: {detail}")
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        let zeroed = dir.path().join("zeroed.redb");
        std::fs::write(&zeroed, vec![0u8; 8192]).unwrap();
        assert!(matches!(read(&zeroed), Err(StateError::Damaged { .. })));
        assert!(matches!(
            read(dir.path()),
            Err(StateError::NotAState { .. })
        ));
    }
}
