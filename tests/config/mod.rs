//! Configuration loading: the valid fixtures load into the `Desired` they describe,
//! every broken fixture renders its diagnostics (snapshotted), and the binary refuses
//! every broken folder before anything reaches PingFederate.

mod diagnostics;
mod inputs;
mod refused;
mod valid;
