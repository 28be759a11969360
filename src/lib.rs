//! pingform: declarative plan/apply for PingFederate outbound provisioning.
pub mod config;
pub mod model;
