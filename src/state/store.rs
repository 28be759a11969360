//! The one state interface plan, apply and the commands use, whichever backend keeps
//! the state: [`StateStore`] for a writer holding the lock, [`read`] for everyone else,
//! [`migrate`] to copy a state between backends.

use std::path::PathBuf;

use super::postgres::PostgresState;
use super::redb_file::{self, RedbFile};
use super::stored::{Snapshot, StateWarning};
use super::{HistoryEntry, LockHolder, StateError};
use crate::model::{Address, Binding, Fingerprinter, ManagedObject, PreviousRun, StateLocation};

enum Backend {
    File(RedbFile),
    Postgres(Box<PostgresState>),
}

/// An open, writable state. Holding it holds the write lock: no other process applies
/// until it is dropped (or the process ends, however it ends).
pub struct StateStore {
    backend: Backend,
    previous: PreviousRun,
    /// Nothing of this state is stored yet: [`StateStore::begin_apply`] stores it.
    new: bool,
    warnings: Vec<StateWarning>,
}

impl StateStore {
    /// Opens the state for writing and takes the lock. A state that does not exist yet
    /// is started in memory (and, for a file, in a temporary file beside it): nothing
    /// appears at `location` until an apply begins changing things.
    pub async fn open_for_write(
        location: &StateLocation,
        holder: &LockHolder,
    ) -> Result<StateStore, StateError> {
        StateStore::open(location, holder, true).await
    }

    /// As [`StateStore::open_for_write`], for a state that must exist already.
    pub async fn open_existing(
        location: &StateLocation,
        holder: &LockHolder,
    ) -> Result<StateStore, StateError> {
        StateStore::open(location, holder, false).await
    }

    async fn open(
        location: &StateLocation,
        holder: &LockHolder,
        create: bool,
    ) -> Result<StateStore, StateError> {
        let (backend, previous, new, warnings) = match location {
            StateLocation::File(path) => {
                let (file, previous) = RedbFile::open_for_write(path, holder, create)?;
                let new = file.is_pending();
                (
                    Backend::File(file),
                    previous,
                    new,
                    redb_file::warnings(path),
                )
            }
            StateLocation::Postgres(url) => {
                let (database, previous) =
                    PostgresState::open_for_write(url, holder, create).await?;
                let new = database.is_new();
                (
                    Backend::Postgres(Box::new(database)),
                    previous,
                    new,
                    Vec::new(),
                )
            }
        };
        Ok(StateStore {
            backend,
            previous,
            new,
            warnings,
        })
    }

    /// Whether this state exists only in this process so far.
    pub fn is_new(&self) -> bool {
        self.new
    }

    pub fn warnings(&self) -> &[StateWarning] {
        &self.warnings
    }

    /// The state as read when opened, updated by every recorded change.
    pub fn previous(&self) -> &PreviousRun {
        &self.previous
    }

    pub fn fingerprinter(&self) -> Fingerprinter {
        Fingerprinter::new(self.previous.fingerprint_key.as_deref().unwrap_or_default())
    }

    /// Called right before an apply changes anything: stores a new state, keeps a
    /// backup of an existing file state, and records the servers the state is bound
    /// to. Returns where the backup went.
    pub async fn begin_apply(&mut self, binding: &Binding) -> Result<Option<PathBuf>, StateError> {
        let binding = binding.merged_over(self.previous.binding.as_ref());
        let backup = match &mut self.backend {
            Backend::File(file) => {
                let history = if self.new {
                    Vec::new()
                } else {
                    file.history()?
                };
                file.begin_apply(&binding, &self.previous, history)?
            }
            Backend::Postgres(database) => {
                database.begin_apply(&binding, &self.previous).await?;
                None
            }
        };
        self.new = false;
        self.previous.binding = Some(binding);
        Ok(backup)
    }

    /// Records one finished change in its own transaction: the object as it now is
    /// (or its removal), and the next serial. `previous_address` is removed too (a
    /// renamed block).
    pub async fn record(
        &mut self,
        address: &Address,
        object: Option<&ManagedObject>,
        previous_address: Option<&Address>,
    ) -> Result<(), StateError> {
        let serial = self.previous.serial + 1;
        match &mut self.backend {
            Backend::File(file) => file.record(address, object, previous_address, serial)?,
            Backend::Postgres(database) => {
                database
                    .record(address, object, previous_address, serial)
                    .await?
            }
        }
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
    pub async fn append_history(&mut self, entry: &HistoryEntry) -> Result<(), StateError> {
        match &mut self.backend {
            Backend::File(file) => file.append_history(entry),
            Backend::Postgres(database) => database.append_history(entry).await,
        }
    }

    /// Every history row, oldest first.
    pub async fn history(&self) -> Result<Vec<HistoryEntry>, StateError> {
        match &self.backend {
            Backend::File(file) => file.history(),
            Backend::Postgres(database) => database.history().await,
        }
    }
}

/// Reads a state without the write lock (`plan`, `drift`, `state`, `history`): next to
/// a running apply, and after a crash. A state that does not exist is
/// [`StateError::Missing`].
pub async fn read(location: &StateLocation) -> Result<Snapshot, StateError> {
    match location {
        StateLocation::File(path) => redb_file::read(path),
        StateLocation::Postgres(url) => super::postgres::read(url).await,
    }
}

/// What is worth warning about a state before using it (a file others may read).
pub fn warnings(location: &StateLocation) -> Vec<StateWarning> {
    match location {
        StateLocation::File(path) if path.exists() => redb_file::warnings(path),
        _ => Vec::new(),
    }
}

/// What `state migrate` copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    pub lineage: String,
    pub serial: u64,
    pub objects: usize,
    pub history: usize,
}

/// Copies the state at `from` as it is (lineage, serial, objects, fingerprint key,
/// binding, history) to `to`: a new file, or a database without a state (pingform
/// creates its tables there). `from` is locked meanwhile and left as it was.
pub async fn migrate(
    from: &StateLocation,
    to: &StateLocation,
    holder: &LockHolder,
) -> Result<Migrated, StateError> {
    let source = StateStore::open_existing(from, holder).await?;
    let snapshot = Snapshot {
        previous: source.previous().clone(),
        history: source.history().await?,
    };
    match to {
        StateLocation::File(path) => redb_file::write_new_file(path, &snapshot, false)?,
        StateLocation::Postgres(url) => super::postgres::write_new(url, &snapshot, holder).await?,
    }
    drop(source);
    Ok(Migrated {
        lineage: snapshot.previous.lineage.clone().unwrap_or_default(),
        serial: snapshot.previous.serial,
        objects: snapshot.previous.objects.len(),
        history: snapshot.history.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Endpoint, SecretRecord};
    use crate::state::{Outcome, StateError};

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    fn holder(name: &str) -> LockHolder {
        LockHolder {
            command: "apply".into(),
            user: name.into(),
            host: "host-1".into(),
            pid: 42,
            since: "2026-12-02T10:00:00Z".into(),
        }
    }

    fn binding() -> Binding {
        Binding {
            pingfederate: Endpoint::Url("https://pf:9999/pf-admin-api/v1".into()),
            identity: None,
            pingone_environment: Some("env-1".into()),
        }
    }

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

    fn file(path: &std::path::Path) -> StateLocation {
        StateLocation::File(path.to_path_buf())
    }

    fn entries(dir: &std::path::Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_new_state_appears_only_when_an_apply_begins() {
        let runtime = runtime();
        let dir = tempfile::tempdir().unwrap();
        let location = file(&dir.path().join("pingform.redb"));
        let state = runtime
            .block_on(StateStore::open_for_write(&location, &holder("a")))
            .unwrap();
        assert!(state.is_new());
        assert_eq!(
            state.previous().fingerprint_key.as_ref().map(Vec::len),
            Some(32)
        );
        assert!(
            entries(dir.path())
                .iter()
                .all(|name| name.starts_with(".pingform-state-"))
        );
        drop(state);
        assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
        assert!(matches!(
            runtime.block_on(read(&location)),
            Err(StateError::Missing { .. })
        ));

        let mut state = runtime
            .block_on(StateStore::open_for_write(&location, &holder("a")))
            .unwrap();
        let lineage = state.previous().lineage.clone();
        assert_eq!(
            runtime.block_on(state.begin_apply(&binding())).unwrap(),
            None
        );
        drop(state);
        assert_eq!(entries(dir.path()), ["pingform.redb"]);
        let snapshot = runtime.block_on(read(&location)).unwrap();
        assert_eq!(snapshot.previous.lineage, lineage);
        assert_eq!(snapshot.previous.binding, Some(binding()));
    }

    #[test]
    fn a_new_state_removes_what_a_killed_first_apply_left_but_not_what_one_is_writing() {
        let runtime = runtime();
        let dir = tempfile::tempdir().unwrap();
        let location = file(&dir.path().join("pingform.redb"));
        let abandoned = dir.path().join(".pingform-state-killed.new");
        std::fs::write(&abandoned, b"left by a process killed while planning").unwrap();
        let running = runtime
            .block_on(StateStore::open_for_write(&location, &holder("running")))
            .unwrap();
        assert!(!abandoned.exists());
        let in_progress = entries(dir.path());
        assert_eq!(in_progress.len(), 1, "{in_progress:?}");
        let second = runtime
            .block_on(StateStore::open_for_write(&location, &holder("second")))
            .unwrap();
        let both = entries(dir.path());
        assert_eq!(both.len(), 2, "the first one's file must stay: {both:?}");
        assert!(both.contains(&in_progress[0]));
        drop((running, second));
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn two_first_applies_cannot_both_create_the_state() {
        let runtime = runtime();
        let dir = tempfile::tempdir().unwrap();
        let location = file(&dir.path().join("pingform.redb"));
        let mut first = runtime
            .block_on(StateStore::open_for_write(&location, &holder("a")))
            .unwrap();
        let mut second = runtime
            .block_on(StateStore::open_for_write(&location, &holder("b")))
            .unwrap();
        runtime.block_on(first.begin_apply(&binding())).unwrap();
        assert!(matches!(
            runtime.block_on(second.begin_apply(&binding())),
            Err(StateError::CreatedMeanwhile { .. })
        ));
    }

    #[test]
    fn changes_history_and_the_backup_survive_reopening() {
        let runtime = runtime();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pingform.redb");
        let location = file(&path);
        let mut state = runtime
            .block_on(StateStore::open_for_write(&location, &holder("a")))
            .unwrap();
        runtime.block_on(state.begin_apply(&binding())).unwrap();
        let (a, b) = (object("a"), object("b"));
        runtime
            .block_on(state.record(&a.address, Some(&a), None))
            .unwrap();
        runtime
            .block_on(state.record(&b.address, Some(&b), None))
            .unwrap();
        let mut renamed = object("a");
        renamed.address = "datastore.jdbc.renamed".parse().unwrap();
        runtime
            .block_on(state.record(&renamed.address, Some(&renamed), Some(&a.address)))
            .unwrap();
        let entry: HistoryEntry = serde_json::from_value(serde_json::json!({
            "time": "2026-11-27T08:00:00Z", "command": "apply", "create": 2, "update": 0,
            "delete": 0, "finished": 2, "outcome": {"status": "succeeded"}, "serial": 3
        }))
        .unwrap();
        runtime.block_on(state.append_history(&entry)).unwrap();
        drop(state);

        // A second writer is refused and told who holds the lock.
        let mut state = runtime
            .block_on(StateStore::open_for_write(&location, &holder("first")))
            .unwrap();
        match runtime.block_on(StateStore::open_for_write(&location, &holder("second"))) {
            Err(StateError::Locked {
                holder: Some(holder),
                ..
            }) => assert_eq!(holder.user, "first"),
            Err(other) => panic!("expected Locked with a holder, got {other}"),
            Ok(_) => panic!("a second writer must be refused"),
        }
        assert_eq!(state.previous().serial, 3);
        let keys: Vec<String> = state
            .previous()
            .objects
            .keys()
            .map(ToString::to_string)
            .collect();
        assert_eq!(keys, ["datastore.jdbc.b", "datastore.jdbc.renamed"]);

        // The next apply keeps the state from before it.
        let backup = runtime
            .block_on(state.begin_apply(&binding()))
            .unwrap()
            .unwrap();
        assert_eq!(backup, dir.path().join("pingform.redb.backup"));
        runtime
            .block_on(state.record(&b.address, None, None))
            .unwrap();
        drop(state);
        let now = runtime.block_on(read(&location)).unwrap();
        let before = runtime.block_on(read(&file(&backup))).unwrap();
        assert_eq!((now.previous.serial, before.previous.serial), (4, 3));
        assert_eq!(before.previous.objects.len(), 2);
        assert_eq!(now.previous.lineage, before.previous.lineage);
        assert_eq!(before.history.len(), 1);
        assert_eq!(before.history[0].outcome, Outcome::Succeeded);
        assert_eq!(before.history[0].replace, 0);
    }

    #[test]
    fn migrate_copies_everything_into_a_new_file_and_refuses_an_existing_one() {
        let runtime = runtime();
        let dir = tempfile::tempdir().unwrap();
        let from = file(&dir.path().join("from.redb"));
        let to = file(&dir.path().join("to.redb"));
        let mut state = runtime
            .block_on(StateStore::open_for_write(&from, &holder("a")))
            .unwrap();
        runtime.block_on(state.begin_apply(&binding())).unwrap();
        let a = object("a");
        runtime
            .block_on(state.record(&a.address, Some(&a), None))
            .unwrap();
        drop(state);
        let migrated = runtime.block_on(migrate(&from, &to, &holder("m"))).unwrap();
        assert_eq!(
            (migrated.serial, migrated.objects, migrated.history),
            (1, 1, 0)
        );
        let (source, copy) = (
            runtime.block_on(read(&from)).unwrap(),
            runtime.block_on(read(&to)).unwrap(),
        );
        assert_eq!(copy.previous.lineage, source.previous.lineage);
        assert_eq!(copy.previous.objects, source.previous.objects);
        assert_eq!(
            copy.previous.fingerprint_key,
            source.previous.fingerprint_key
        );
        assert_eq!(copy.previous.binding, source.previous.binding);
        assert!(matches!(
            runtime.block_on(migrate(&from, &to, &holder("m"))),
            Err(StateError::Exists { .. })
        ));
        let missing = file(&dir.path().join("missing.redb"));
        assert!(matches!(
            runtime.block_on(migrate(
                &missing,
                &file(&dir.path().join("x.redb")),
                &holder("m")
            )),
            Err(StateError::Missing { .. })
        ));
    }
}
