//! pingform: declarative plan/apply for PingFederate outbound provisioning.
pub mod model;
pub mod sandbox;
