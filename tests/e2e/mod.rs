//! End-to-end: the real binary against a `pingform sandbox` process over HTTPS, one
//! [`Scenario`](crate::support::Scenario) per test, each ending with a converge step
//! (apply, then an empty `plan --detailed-exitcode`).

mod datastores;
mod operations;
mod outputs;
mod pingone;
mod real_objects;
mod real_setups;
mod safety;
mod scope;
mod selection;
mod workflow;

/// For the message snapshots of `cli`: the PingOne setup of `pingone`.
pub(crate) use pingone::{SOURCES as PINGONE_SOURCES, connection};
