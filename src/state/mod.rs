//! The state: what pingform manages, kept between runs.
//!
//! Owns the storage of the state in both backends behind one interface
//! ([`StateStore`] to write, [`read`] to read): the embedded redb file (the default)
//! and a PostgreSQL database a team shares. Both keep the same data in the same
//! tables: the schema version, lineage and serial, the fingerprint key, the servers
//! the state is bound to, every managed object and the apply history. Knows nothing of
//! HTTP or the terminal. Every finished change is one transaction, so a failure
//! halfway through an apply loses nothing that finished; a writer holds a lock for the
//! whole apply that ends with its process, however it ends.

mod error;
mod guard;
mod history;
mod holder;
mod postgres;
mod redb_file;
mod store;
mod stored;

pub use error::{BackupInfo, StateError};
pub use history::{Approval, DoneCounts, HistoryEntry, Outcome, RunOrigin};
pub use holder::LockHolder;
pub use store::{Migrated, StateStore, migrate, read, warnings};
pub use stored::{SCHEMA_VERSION, Snapshot, StateWarning};
