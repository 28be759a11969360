//! The PingOne connection settings live in the model (the configuration builds them);
//! re-exported here, where the client uses them.

pub use crate::model::{PingOneSettings, REGIONS, region_urls};
