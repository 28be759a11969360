//! Test support for the sandbox crate: a client for a sandbox started in-process on
//! 127.0.0.1 port 0, the spec validator, and the real objects.

pub mod client;
pub mod openapi;
pub mod real_objects;
