//! A damaged state file must be an error that names it, never a crash: redb trusts
//! what it reads from disk and may panic on a damaged page (an index out of bounds, a
//! failed assertion). Every call into redb runs inside [`guarded`], which turns such a
//! panic into an error and keeps the panic message off the terminal.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while a guarded call runs on this thread: its panics are reported as
    /// errors, so the default panic message would only confuse.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Runs `call`, turning a panic inside it into `Err(message)`.
pub(super) fn guarded<T>(call: impl FnOnce() -> T) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was_quiet = QUIET.with(|quiet| quiet.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(call));
    QUIET.with(|quiet| quiet.set(was_quiet));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "an internal check failed".to_string());
        format!("the storage library stopped reading it ({message})")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_and_a_value_passes_through() {
        assert_eq!(guarded(|| 7), Ok(7));
        let error = guarded(|| -> u8 { panic!("page 12 is out of range") }).unwrap_err();
        assert!(error.contains("page 12 is out of range"), "{error}");
        let index = guarded(|| {
            let pages: Vec<u8> = Vec::new();
            pages[3]
        })
        .unwrap_err();
        assert!(index.contains("index out of bounds"), "{index}");
    }
}
