//! Test support for the sandbox crate: a client for a sandbox started in-process on
//! 127.0.0.1 port 0, the spec validator, and the real objects. The client and the
//! validator are the workspace's own test support files, shared rather than copied.

#[allow(dead_code)]
#[path = "../../../../tests/support/sandbox_client.rs"]
pub mod client;
#[allow(dead_code)]
#[path = "../../../../tests/support/openapi.rs"]
pub mod openapi;
pub mod real_objects;
