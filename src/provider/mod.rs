//! The only code that speaks HTTP.
//!
//! One executor ([`Executor`]: TLS trust, Basic auth, the headers PingFederate wants,
//! timeouts, bounded retries, error bodies decoded into [`ProviderError`]) and, per
//! API, its endpoints and the conversion between wire JSON and model space. Knows
//! nothing of plans, state or the terminal.

mod error;
mod executor;
pub mod pingfederate;

pub use error::{FieldError, ProviderError};
pub use executor::{Executor, ExecutorSettings, Method};
pub use pingfederate::{PingFederate, SecretValue, WriteRequest};
