use std::path::{Path, PathBuf};

use redb::{
    Builder, ConcurrencyMode, Database, DatabaseError, ReadableDatabase, ReadableTable,
    TableDefinition,
};

use super::{HistoryEntry, StateError};
use crate::model::{Address, Fingerprinter, ManagedObject, PreviousRun};

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const OBJECTS: TableDefinition<&str, &[u8]> = TableDefinition::new("objects");
const HISTORY: TableDefinition<u64, &[u8]> = TableDefinition::new("history");

const SCHEMA_VERSION_KEY: &str = "schema_version";
const LINEAGE_KEY: &str = "lineage";
const SERIAL_KEY: &str = "serial";
const FINGERPRINT_KEY_KEY: &str = "fingerprint_key";

/// The state schema this build writes. Each older version has an upgrade step in
/// [`upgrade`]; version 1 is the first, so there are none yet.
pub const SCHEMA_VERSION: u64 = 1;

fn builder() -> Builder {
    let mut builder = Builder::new();
    builder.set_concurrency_mode(ConcurrencyMode::SingleWriter);
    builder
}

/// An open, writable state file. Holding it excludes other writers.
pub struct StateFile {
    path: PathBuf,
    database: Database,
    previous: PreviousRun,
    /// This open created the file.
    created: bool,
}

impl StateFile {
    /// Opens the state for writing, creating it (with a new lineage and fingerprint
    /// key) when it does not exist.
    pub fn open_for_write(path: &Path) -> Result<StateFile, StateError> {
        let created = !path.exists();
        let database = builder().create(path).map_err(|e| open_error(path, e))?;
        let mut state = StateFile {
            path: path.to_path_buf(),
            database,
            previous: PreviousRun::default(),
            created,
        };
        state.initialise()?;
        state.previous = read_all(&state.database, path)?;
        Ok(state)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes the state; a file this open created and nothing was recorded in is
    /// removed again, so a refused or cancelled apply leaves no empty state behind.
    pub fn abandon(self) {
        let unused = self.created && self.previous.serial == 0;
        let path = self.path.clone();
        drop(self);
        if unused {
            let _ = std::fs::remove_file(path);
        }
    }

    /// The state as read when opened, updated by every recorded change.
    pub fn previous(&self) -> &PreviousRun {
        &self.previous
    }

    pub fn fingerprinter(&self) -> Fingerprinter {
        Fingerprinter::new(self.previous.fingerprint_key.as_deref().unwrap_or_default())
    }

    /// Records one finished change in its own transaction: the object as it now is
    /// (or its removal), and the next serial. `previous_address` is removed too (a
    /// renamed block).
    pub fn record(
        &mut self,
        address: &Address,
        object: Option<&ManagedObject>,
        previous_address: Option<&Address>,
    ) -> Result<(), StateError> {
        let path = self.path.clone();
        let serial = self.previous.serial + 1;
        let result: Result<(), redb::Error> = (|| {
            let transaction = self.database.begin_write()?;
            {
                let mut objects = transaction.open_table(OBJECTS)?;
                if let Some(old) = previous_address {
                    objects.remove(old.to_string().as_str())?;
                }
                match object {
                    Some(object) => {
                        let bytes = serde_json::to_vec(object).map_err(storage_error)?;
                        objects.insert(address.to_string().as_str(), bytes.as_slice())?;
                    }
                    None => {
                        objects.remove(address.to_string().as_str())?;
                    }
                }
                let mut meta = transaction.open_table(META)?;
                meta.insert(SERIAL_KEY, serial.to_be_bytes().as_slice())?;
            }
            transaction.commit()?;
            Ok(())
        })();
        result.map_err(|source| StateError::Database { path, source })?;
        self.previous.serial = serial;
        if let Some(old) = previous_address {
            self.previous.objects.remove(old);
        }
        match object {
            Some(object) => {
                self.previous
                    .objects
                    .insert(address.clone(), object.clone());
            }
            None => {
                self.previous.objects.remove(address);
            }
        }
        Ok(())
    }

    /// Appends a row to the apply history.
    pub fn append_history(&mut self, entry: &HistoryEntry) -> Result<(), StateError> {
        let path = self.path.clone();
        let result: Result<(), redb::Error> = (|| {
            let transaction = self.database.begin_write()?;
            {
                let mut history = transaction.open_table(HISTORY)?;
                let next = match history.last()? {
                    Some((key, _)) => key.value() + 1,
                    None => 1,
                };
                let bytes = serde_json::to_vec(entry).map_err(storage_error)?;
                history.insert(next, bytes.as_slice())?;
            }
            transaction.commit()?;
            Ok(())
        })();
        result.map_err(|source| StateError::Database { path, source })
    }

    /// Every history row, oldest first.
    pub fn history(&self) -> Result<Vec<HistoryEntry>, StateError> {
        read_history(&self.database, &self.path)
    }

    fn initialise(&mut self) -> Result<(), StateError> {
        let path = self.path.clone();
        let result: Result<(), StateError> = (|| {
            let transaction = self.database.begin_write().map_err(|e| db(&path, e))?;
            {
                let mut meta = transaction.open_table(META).map_err(|e| db(&path, e))?;
                let version = match meta.get(SCHEMA_VERSION_KEY).map_err(|e| db(&path, e))? {
                    Some(bytes) => Some(decode_u64(&path, bytes.value())?),
                    None => None,
                };
                match version {
                    None => {
                        let mut key = vec![0u8; Fingerprinter::KEY_LENGTH];
                        aws_lc_rs::rand::fill(&mut key).map_err(|_| StateError::Corrupt {
                            path: path.clone(),
                            detail: "no random numbers for the fingerprint key".into(),
                        })?;
                        let put = |meta: &mut redb::Table<&str, &[u8]>, k: &str, v: &[u8]| {
                            meta.insert(k, v).map(|_| ()).map_err(|e| db(&path, e))
                        };
                        put(&mut meta, SCHEMA_VERSION_KEY, &SCHEMA_VERSION.to_be_bytes())?;
                        put(&mut meta, LINEAGE_KEY, new_lineage(&key).as_bytes())?;
                        put(&mut meta, SERIAL_KEY, &0u64.to_be_bytes())?;
                        put(&mut meta, FINGERPRINT_KEY_KEY, &key)?;
                    }
                    Some(found) if found > SCHEMA_VERSION => {
                        return Err(StateError::TooNew {
                            path: path.clone(),
                            found,
                            supported: SCHEMA_VERSION,
                        });
                    }
                    Some(found) => upgrade(found, &path)?,
                }
                transaction.open_table(OBJECTS).map_err(|e| db(&path, e))?;
                transaction.open_table(HISTORY).map_err(|e| db(&path, e))?;
            }
            transaction.commit().map_err(|e| db(&path, e))?;
            Ok(())
        })();
        result
    }
}

/// Runs the upgrade steps from `found` to [`SCHEMA_VERSION`]. Version 1 is the only
/// version so far; a future version 2 adds its step here.
fn upgrade(found: u64, _path: &Path) -> Result<(), StateError> {
    debug_assert!(found <= SCHEMA_VERSION);
    Ok(())
}

/// Reads the state without taking the write lock. A missing file is an empty state:
/// planning never creates one.
pub fn read_previous_run(path: &Path) -> Result<PreviousRun, StateError> {
    if !path.exists() {
        return Ok(PreviousRun::default());
    }
    let database = builder()
        .open_read_only(path)
        .map_err(|e| open_error(path, e))?;
    read_all(&database, path)
}

/// Reads the apply history without taking the write lock.
pub fn read_history_file(path: &Path) -> Result<Vec<HistoryEntry>, StateError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let database = builder()
        .open_read_only(path)
        .map_err(|e| open_error(path, e))?;
    read_history(&database, path)
}

fn read_all(database: &impl ReadableDatabase, path: &Path) -> Result<PreviousRun, StateError> {
    let transaction = database.begin_read().map_err(|e| db(path, e))?;
    let mut previous = PreviousRun::default();
    match transaction.open_table(META) {
        Ok(meta) => {
            if let Some(version) = meta.get(SCHEMA_VERSION_KEY).map_err(|e| db(path, e))? {
                let found = decode_u64(path, version.value())?;
                if found > SCHEMA_VERSION {
                    return Err(StateError::TooNew {
                        path: path.to_path_buf(),
                        found,
                        supported: SCHEMA_VERSION,
                    });
                }
            }
            if let Some(lineage) = meta.get(LINEAGE_KEY).map_err(|e| db(path, e))? {
                previous.lineage = Some(String::from_utf8_lossy(lineage.value()).into_owned());
            }
            if let Some(serial) = meta.get(SERIAL_KEY).map_err(|e| db(path, e))? {
                previous.serial = decode_u64(path, serial.value())?;
            }
            if let Some(key) = meta.get(FINGERPRINT_KEY_KEY).map_err(|e| db(path, e))? {
                previous.fingerprint_key = Some(key.value().to_vec());
            }
        }
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(previous),
        Err(e) => return Err(db(path, e)),
    }
    match transaction.open_table(OBJECTS) {
        Ok(objects) => {
            for row in objects.iter().map_err(|e| db(path, e))? {
                let (key, value) = row.map_err(|e| db(path, e))?;
                let object: ManagedObject =
                    serde_json::from_slice(value.value()).map_err(|e| StateError::Corrupt {
                        path: path.to_path_buf(),
                        detail: format!("object {}: {e}", key.value()),
                    })?;
                previous.objects.insert(object.address.clone(), object);
            }
        }
        Err(redb::TableError::TableDoesNotExist(_)) => {}
        Err(e) => return Err(db(path, e)),
    }
    Ok(previous)
}

fn read_history(
    database: &impl ReadableDatabase,
    path: &Path,
) -> Result<Vec<HistoryEntry>, StateError> {
    let transaction = database.begin_read().map_err(|e| db(path, e))?;
    let table = match transaction.open_table(HISTORY) {
        Ok(table) => table,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
        Err(e) => return Err(db(path, e)),
    };
    let mut entries = Vec::new();
    for row in table.iter().map_err(|e| db(path, e))? {
        let (key, value) = row.map_err(|e| db(path, e))?;
        entries.push(
            serde_json::from_slice(value.value()).map_err(|e| StateError::Corrupt {
                path: path.to_path_buf(),
                detail: format!("history row {}: {e}", key.value()),
            })?,
        );
    }
    Ok(entries)
}

fn new_lineage(seed: &[u8]) -> String {
    let mut bytes = [0u8; 16];
    if aws_lc_rs::rand::fill(&mut bytes).is_err() {
        bytes.copy_from_slice(&seed[..16]);
    }
    // Format as a version 4 UUID.
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn decode_u64(path: &Path, bytes: &[u8]) -> Result<u64, StateError> {
    let array: [u8; 8] = bytes.try_into().map_err(|_| StateError::Corrupt {
        path: path.to_path_buf(),
        detail: "a number in the meta table has the wrong length".into(),
    })?;
    Ok(u64::from_be_bytes(array))
}

fn open_error(path: &Path, error: DatabaseError) -> StateError {
    match error {
        DatabaseError::DatabaseAlreadyOpen => StateError::Locked {
            path: path.to_path_buf(),
        },
        other => db(path, other),
    }
}

fn db(path: &Path, error: impl Into<redb::Error>) -> StateError {
    StateError::Database {
        path: path.to_path_buf(),
        source: error.into(),
    }
}

fn storage_error(error: serde_json::Error) -> redb::Error {
    redb::Error::Io(std::io::Error::other(error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SecretRecord;

    fn object(name: &str) -> ManagedObject {
        ManagedObject {
            address: format!("datastore.jdbc.{name}").parse().unwrap(),
            id: name.to_string(),
            attributes: serde_json::json!({"driver_class": "org.postgresql.Driver"})
                .as_object()
                .unwrap()
                .clone(),
            secrets: [(
                "password".to_string(),
                SecretRecord {
                    fingerprint: "hmac-sha256:00".into(),
                    encrypted_digest: None,
                },
            )]
            .into_iter()
            .collect(),
            observed: None,
            exclusions: Vec::new(),
            prevent_destroy: false,
        }
    }

    #[test]
    fn a_missing_file_reads_as_empty_state_and_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pingform.redb");
        let previous = read_previous_run(&path).unwrap();
        assert!(previous.lineage.is_none());
        assert!(previous.objects.is_empty());
        assert!(!path.exists());
    }

    #[test]
    fn every_recorded_change_bumps_the_serial_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pingform.redb");
        let lineage;
        {
            let mut state = StateFile::open_for_write(&path).unwrap();
            lineage = state.previous().lineage.clone().unwrap();
            assert_eq!(state.previous().serial, 0);
            let a = object("a");
            state.record(&a.address, Some(&a), None).unwrap();
            let b = object("b");
            state.record(&b.address, Some(&b), None).unwrap();
            state.record(&a.address, None, None).unwrap();
            assert_eq!(state.previous().serial, 3);
        }
        let previous = read_previous_run(&path).unwrap();
        assert_eq!(previous.lineage.as_deref(), Some(lineage.as_str()));
        assert_eq!(previous.serial, 3);
        let addresses: Vec<String> = previous.objects.keys().map(ToString::to_string).collect();
        assert_eq!(addresses, ["datastore.jdbc.b"]);
        assert_eq!(previous.objects.values().next().unwrap(), &object("b"));
        assert_eq!(previous.fingerprint_key.as_ref().map(Vec::len), Some(32));
    }

    #[test]
    fn a_rename_moves_the_object_in_one_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pingform.redb");
        let mut state = StateFile::open_for_write(&path).unwrap();
        let old = object("old");
        state.record(&old.address, Some(&old), None).unwrap();
        let mut renamed = object("old");
        renamed.address = "datastore.jdbc.new".parse().unwrap();
        state
            .record(&renamed.address, Some(&renamed), Some(&old.address))
            .unwrap();
        let keys: Vec<String> = state
            .previous()
            .objects
            .keys()
            .map(ToString::to_string)
            .collect();
        assert_eq!(keys, ["datastore.jdbc.new"]);
    }

    #[test]
    fn a_second_writer_is_refused_at_once_but_readers_still_work() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pingform.redb");
        let mut first = StateFile::open_for_write(&path).unwrap();
        let a = object("a");
        first.record(&a.address, Some(&a), None).unwrap();
        match StateFile::open_for_write(&path) {
            Err(StateError::Locked { path: locked }) => assert_eq!(locked, path),
            Err(other) => panic!("expected Locked, got {other}"),
            Ok(_) => panic!("a second writer must be refused"),
        }
        let previous = read_previous_run(&path).unwrap();
        assert_eq!(previous.objects.len(), 1);
    }

    #[test]
    fn history_rows_are_kept_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pingform.redb");
        let mut state = StateFile::open_for_write(&path).unwrap();
        for serial in [1, 2] {
            state
                .append_history(&HistoryEntry {
                    time: "2026-11-27T08:00:00Z".into(),
                    command: "apply".into(),
                    create: serial as usize,
                    update: 0,
                    delete: 0,
                    finished: serial as usize,
                    outcome: super::super::Outcome::Succeeded,
                    serial,
                })
                .unwrap();
        }
        let serials: Vec<u64> = state.history().unwrap().iter().map(|h| h.serial).collect();
        assert_eq!(serials, [1, 2]);
        drop(state);
        assert_eq!(read_history_file(&path).unwrap().len(), 2);
    }

    #[test]
    fn a_state_from_a_newer_pingform_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pingform.redb");
        {
            let database = builder().create(&path).unwrap();
            let transaction = database.begin_write().unwrap();
            {
                let mut meta = transaction.open_table(META).unwrap();
                meta.insert(SCHEMA_VERSION_KEY, 99u64.to_be_bytes().as_slice())
                    .unwrap();
            }
            transaction.commit().unwrap();
        }
        assert!(matches!(
            StateFile::open_for_write(&path),
            Err(StateError::TooNew { found: 99, .. })
        ));
        assert!(matches!(
            read_previous_run(&path),
            Err(StateError::TooNew { found: 99, .. })
        ));
    }
}
