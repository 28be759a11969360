//! The only code that speaks HTTP.
//!
//! One executor ([`Executor`]: TLS trust, Basic auth, the headers PingFederate wants,
//! timeouts, bounded retries, error bodies decoded into [`ProviderError`]) and, per
//! API, its endpoints and the conversion between wire JSON and model space. PingOne's
//! read-only client has its own small session (a cached bearer token instead of Basic
//! auth) built on the executor's client builder and retry helpers. Knows nothing of
//! plans, state or the terminal.

mod error;
pub(crate) mod executor;
pub(crate) mod oauth;
pub(crate) mod percent;
pub mod pingfederate;
pub mod pingone;
pub(crate) mod token;

pub use error::{FieldError, ProviderError};
pub use executor::{Executor, ExecutorSettings, Method};
pub use pingfederate::{PingFederate, SecretValue, WriteRequest};
pub use pingone::{PingOne, PingOneSettings};
