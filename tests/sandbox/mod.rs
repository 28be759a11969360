//! The emulator over real HTTPS, started in-process: the PingFederate Admin API, the
//! PingOne side, and every response body against PingFederate's OpenAPI spec.

mod api;
mod cli_options;
mod connections;
mod pingone;
mod spec_conformance;
