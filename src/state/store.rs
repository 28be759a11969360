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
    location: StateLocation,
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
            location: location.clone(),
            backend,
            previous,
            new,
            warnings,
        })
    }

    pub fn location(&self) -> &StateLocation {
        &self.location
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
