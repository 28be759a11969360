//! pingform: declarative plan/apply for PingFederate outbound provisioning to PingOne.
//!
//! Data flows one way: `config` reads the HCL into a `model::Desired`, `state` reads the
//! previous run, `provider` reads the live objects, `plan` diffs them, `render` shows
//! the plan and `apply` carries it out. `import` writes the configuration of live
//! objects the configuration does not declare yet. `command` wires them to the CLI; the
//! local emulator of the APIs is the workspace member `pingform-sandbox`.

pub mod apply;
pub mod command;
pub mod config;
pub mod error;
pub mod import;
pub mod model;
pub mod plan;
pub mod provider;
pub mod render;
pub mod state;
