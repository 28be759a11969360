//! The emulated PingOne Platform API: the Management API (`/pingone/v1`) and the auth
//! host (`/pingone-auth`) on the sandbox's port, with their routes, the seeded
//! directory (environments, worker clients, populations, users), filters and error bodies.
//!
//! Owns every PingOne rule. Must not know the PingFederate side (its control endpoints
//! answer a body they cannot read with the control API's `ApiResult`, and that is all
//! they take from it); it lives in memory only and is seeded afresh at every start.

pub mod directory;
pub mod error;
pub mod filter;
pub mod routes;
