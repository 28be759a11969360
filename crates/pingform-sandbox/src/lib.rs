//! The sandbox: an in-process emulator of the slice of the PingFederate Admin API that
//! pingform manages (`/version`, `/dataStores`, `/dataStores/descriptors`,
//! `/serverSettings/outboundProvisioning`, `/pingOneConnections`,
//! `/idp/spConnections` with PingOne outbound provisioning, `/cluster/status` and
//! `/cluster/replicate`) and of the PingOne
//! Platform API it reads (token endpoint, environment, populations, users, under
//! `/pingone-auth` and `/pingone/v1` on the same port), served over HTTPS with a
//! self-signed certificate (or plain HTTP), so that anyone can try pingform and every
//! test can run against a server that behaves like the real one.
//!
//! Owns its own wire structs and JSON handling, never the client's (pingform's `model`
//! and `provider`): if both sides shared structs, a field-name mistake would pass every
//! test. Both are held to the official spec and `reference/pingfederate-admin-api.md`.
//! The emulator follows the real server and never invents it: each rule cites its
//! source next to it (the spec, a Ping documentation page, a real export, the Terraform
//! provider's acceptance tests); where no source says how PingFederate behaves, it
//! accepts.
//! It depends on nothing of pingform's, so the compiler keeps that rule. Each wire
//! struct says once, with `#[serde_with::skip_serializing_none]`, that its optional
//! fields are left out of the JSON when `None` (and, as serde does for every `Option`,
//! read as `None` when absent).
//!
//! Laid out per API it emulates: `pingfederate` (the Admin API: routes, resources,
//! store) and `pingone` (the Management API and the auth host); the pieces both share
//! are at the top: `server` (lifecycle and transport), `control` and `control_api` (the
//! control API for tests), `collection` (the generic collection the Admin API's
//! collections are), `persistence`, `secrets`, `tokens`, `oauth`, `random_identifiers`,
//! `clock`, `administrator` and `error`.
//!
//! Behaviour in brief (details in each file's documentation):
//! - HTTP Basic auth (401 with `WWW-Authenticate: Basic realm="PingFederate"`), or in
//!   OAuth mode bearer tokens from `/as/token.oauth2` (client credentials), then a
//!   non-empty `X-XSRF-Header` on every Admin API request (403 without); optional
//!   injected latency on reads and writes.
//! - Bodies are JSON; malformed JSON, unknown properties, wrong JSON types and unknown
//!   enum values are 400 with an `ApiResult` (`resultId` `invalid_request_body`).
//! - Validation failures are 422 `ApiResult`s listing every problem with a `fieldPath`.
//! - Secrets are stored only encrypted (`secrets`), returned as `encryptedPassword` /
//!   `encryptedValue`.
//! - A test hook, not PingFederate behaviour: a URL or host name containing
//!   `unreachable` fails the simulated connection test (422) unless
//!   `X-BypassExternalValidation: true` is sent.
//! - With a data file, each write is journalled (one line, on disk before the answer).
//! - A control API under `/_sandbox` (Basic auth, no XSRF header) exposes the request
//!   log and queues faults (`control`), for both APIs, manages PingOne users and
//!   tokens (`pingone::routes`), and the Admin API's cluster flag and OAuth tokens
//!   (`pingfederate::routes`).
//! - PingOne: client-credentials tokens (`tokens`, `oauth`), bearer checks, SCIM-style
//!   filters (`pingone::filter`), cursor paging, PingOne error bodies (`pingone::error`),
//!   seeded data (`pingone::directory`).

mod administrator;
mod clock;
mod collection;
mod control;
mod control_api;
mod error;
mod oauth;
mod options;
mod persistence;
mod pingfederate;
mod pingone;
mod random_identifiers;
mod secrets;
mod server;
mod tokens;

pub use error::SandboxError;
pub use options::{AdminAuth, DEFAULT_PINGONE_PAGE_SIZE, Federation, SandboxOptions};
pub use server::Sandbox;
