//! The state file: a redb database holding what pingform manages.
//!
//! Owns the tables, transactions, the schema version and its upgrade steps, the lineage
//! and serial, the fingerprint key and the apply history. Knows nothing of HTTP or the
//! terminal. Every finished change is one write transaction, so a failure halfway
//! through an apply loses nothing that finished.
//!
//! All processes open the file in redb's `SingleWriter` mode: one writer at a time
//! (a second one gets [`StateError::Locked`] at once, never a hang), while read-only
//! openers (`plan`, `drift`) can run next to it.

mod error;
mod history;
mod store;

pub use error::StateError;
pub use history::{HistoryEntry, Outcome};
pub use store::{SCHEMA_VERSION, StateFile, read_history_file, read_previous_run};
