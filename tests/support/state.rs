//! Holding a state's write lock from a test, as a running `pingform apply` holds it.

use std::path::Path;

use pingform::model::StateLocation;
use pingform::state::{LockHolder, StateStore};

/// A state opened for writing by the test: other writers are refused while it lives.
pub struct HeldState {
    _state: StateStore,
    _runtime: tokio::runtime::Runtime,
}

pub fn lock_holder() -> LockHolder {
    LockHolder {
        command: "apply".into(),
        user: "holder-in-test".into(),
        host: "test-host".into(),
        pid: std::process::id(),
        since: "2026-12-02T10:00:00Z".into(),
    }
}

/// Takes the write lock of the state at `location`, as `pingform apply` does.
pub fn hold(location: &StateLocation) -> HeldState {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let state = runtime
        .block_on(StateStore::open_for_write(location, &lock_holder()))
        .unwrap();
    HeldState {
        _state: state,
        _runtime: runtime,
    }
}

/// [`hold`] for a state file.
pub fn hold_file(path: &Path) -> HeldState {
    hold(&StateLocation::File(path.to_path_buf()))
}
