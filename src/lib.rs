//! pingform: declarative plan/apply for PingFederate outbound provisioning.
pub mod model;
pub mod state;
pub mod provider;
pub mod plan;
pub mod apply;
pub mod render;
