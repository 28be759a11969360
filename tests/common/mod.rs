//! Helpers shared by the integration tests. Each test binary uses a different part,
//! hence the `dead_code` allowance where this module is declared.

pub mod openapi;
pub mod sandbox_client;
