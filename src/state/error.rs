//! The state's errors, worded once: each names the state (a file path, or the
//! PostgreSQL URL without its password) and says what to run.

use crate::model::StateLocation;

use super::LockHolder;

/// Everything that can go wrong with a state, worded for the person running pingform:
/// each names the state and says what to run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum StateError {
    #[error(
        "the state {location} is in use by another pingform process{}",
        holder_text(holder)
    )]
    #[diagnostic(
        code(pingform::state::locked),
        help(
            "wait for the other `pingform apply` to finish, then run this again; the lock ends with that process, even when it is killed"
        )
    )]
    Locked {
        location: StateLocation,
        holder: Option<Box<LockHolder>>,
    },

    #[error("there is no state at {location}")]
    #[diagnostic(
        code(pingform::state::missing),
        help(
            "check --state (or the `state` block): nothing has been applied with this state yet; `pingform apply` creates it"
        )
    )]
    Missing { location: StateLocation },

    #[error(
        "the state {location} was written by a newer pingform (state schema {found}, this pingform reads up to {supported})"
    )]
    #[diagnostic(
        code(pingform::state::too_new),
        help("upgrade pingform to the version that wrote it")
    )]
    TooNew {
        location: StateLocation,
        found: u64,
        supported: u64,
    },

    #[error("the state file {location} is damaged: {detail}")]
    #[diagnostic(
        code(pingform::state::damaged),
        help("{}", restore_help(location, backup))
    )]
    Damaged {
        location: StateLocation,
        detail: String,
        /// The backup kept from before the last apply, when there is a readable one.
        backup: Option<Box<BackupInfo>>,
    },

    #[error("{location} is not a pingform state file: {detail}")]
    #[diagnostic(
        code(pingform::state::not_a_state),
        help(
            "pass the state file (`--state PATH`, by default DIR/pingform.redb); a plan file goes to `pingform apply FILE`"
        )
    )]
    NotAState {
        location: StateLocation,
        detail: String,
    },

    #[error("cannot use the state {location}: {detail}")]
    #[diagnostic(
        code(pingform::state::io),
        help("check that the path exists and that this user may read and write it")
    )]
    Io {
        location: StateLocation,
        detail: String,
    },

    #[error("cannot use the PostgreSQL state {location}: {detail}")]
    #[diagnostic(
        code(pingform::state::postgres),
        help(
            "check the URL (host, port, database, user), the password (in the URL or PGPASSWORD), and sslmode and sslrootcert for TLS; pingform creates its tables but never the database: `createdb --owner USER DB`"
        )
    )]
    Postgres {
        location: StateLocation,
        detail: String,
    },

    #[error("another pingform process created the state {location} while this one was planning")]
    #[diagnostic(
        code(pingform::state::created_meanwhile),
        help("nothing was changed; run `pingform plan` again to plan against that state")
    )]
    CreatedMeanwhile { location: StateLocation },

    #[error("{location} already exists")]
    #[diagnostic(
        code(pingform::state::exists),
        help(
            "`pingform state migrate` writes a new file: pass a path that does not exist yet, or move that file away first"
        )
    )]
    Exists { location: StateLocation },

    #[error("{location} already holds a pingform state (lineage {lineage}, serial {serial})")]
    #[diagnostic(
        code(pingform::state::holds_a_state),
        help(
            "`pingform state migrate` copies into an empty database only; use another database (or schema), or drop the pingform_* tables there if that state is no longer needed"
        )
    )]
    HoldsAState {
        location: StateLocation,
        lineage: String,
        serial: u64,
    },

    #[error(transparent)]
    #[diagnostic(
        code(pingform::state::url),
        help(
            "write it as postgres://USER@HOST:PORT/DB, optionally with ?sslmode=verify-full&sslrootcert=CA.pem; the password goes in PGPASSWORD"
        )
    )]
    Url(#[from] crate::model::StateUrlError),
}

/// A backup of a state file and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    pub path: std::path::PathBuf,
    pub serial: u64,
    /// The time of the last apply it records, when it has one.
    pub last_apply: Option<String>,
}

fn holder_text(holder: &Option<Box<LockHolder>>) -> String {
    match holder {
        Some(holder) => format!(": {holder}"),
        None => String::new(),
    }
}

fn restore_help(location: &StateLocation, backup: &Option<Box<BackupInfo>>) -> String {
    if let StateLocation::Postgres(_) = location {
        return "restore the pingform_* tables from the database's backups (pg_dump), or copy a good state in with `pingform state migrate --state FILE --to URL` into an empty database".to_string();
    }
    match backup {
        Some(backup) => format!(
            "pingform keeps the state from before each apply in {backup} (serial {serial}{last}); to restore it: `mv {location} {location}.damaged && cp {backup} {location}`, then `pingform plan` shows what changed since (objects the last apply created are taken over, none is duplicated)",
            backup = backup.path.display(),
            serial = backup.serial,
            last = backup
                .last_apply
                .as_ref()
                .map(|time| format!(", last apply {time}"))
                .unwrap_or_default(),
        ),
        None => format!(
            "no readable backup was found next to it ({location}.backup); restore the file from your own backups, or move it away and run `pingform apply`, which takes over the objects the configuration names"
        ),
    }
}
