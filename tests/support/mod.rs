//! The one test harness of the suite.
//!
//! An end-to-end [`Scenario`] is a `pingform sandbox` process on 127.0.0.1 port 0
//! ([`SandboxProcess`]), a configuration folder ([`Workspace`]) and runs of the real
//! binary ([`Run`]); it ends with [`Scenario::converge`]. [`redact`] prepares output
//! for snapshots. Tests of the sandbox itself drive it in-process through
//! [`sandbox_client::Api`], and [`openapi`] checks bodies against PingFederate's spec.

pub mod openapi;
pub mod postgres;
pub mod real_objects;
pub mod redact;
pub mod run;
pub mod sandbox_client;
pub mod sandbox_process;
pub mod scenario;
pub mod spawned;
pub mod state;
pub mod workspace;

pub use run::{BINARY, Run};
pub use sandbox_process::SandboxProcess;
pub use scenario::Scenario;
pub use workspace::Workspace;
