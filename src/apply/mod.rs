//! Applying a plan: walks its changes in order, calls the provider, and records each
//! finished change in state at once, so a failure halfway loses nothing that finished
//! and the next plan converges. Emits progress events; never prints.

mod converge;
mod error;
mod event;
mod executor;
mod refresh_only;

pub use converge::converge;
pub use error::{ApplyError, ApplyFailure, ApplyInterrupted, ApplyStopped, Failed, Signal};
pub use event::{ApplyEvent, STILL_RUNNING_EVERY};
pub use executor::{ApplyReport, ApplyRun, apply};
pub use refresh_only::accept_live;
