use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use super::{Address, Attributes, FieldMap, ResourceKind, Secret};

/// What the configuration asks for, fully evaluated and checked.
#[derive(Debug, Clone, Default)]
pub struct Desired {
    /// The `pingfederate { }` block, if the configuration has one.
    pub pingfederate: Option<PingFederateSettings>,
    /// Every declared resource, sorted by address.
    pub resources: Vec<DesiredResource>,
}

impl Desired {
    pub fn get(&self, address: &Address) -> Option<&DesiredResource> {
        self.resources
            .binary_search_by(|r| r.address.cmp(address))
            .ok()
            .map(|i| &self.resources[i])
    }

    /// Every secret value in the configuration, for the leak checks in tests and for
    /// scrubbing error text that a server may have echoed.
    pub fn secret_values(&self) -> Vec<&str> {
        let mut values: Vec<&str> = self
            .resources
            .iter()
            .flat_map(|r| r.secrets.values().map(Secret::expose))
            .collect();
        if let Some(pf) = &self.pingfederate {
            values.push(pf.password.expose());
        }
        values.retain(|v| !v.is_empty());
        values
    }
}

/// One declared object.
#[derive(Debug, Clone)]
pub struct DesiredResource {
    pub address: Address,
    /// The PingFederate id: declared, or derived from the block name.
    pub id: String,
    /// The declared non-secret attributes, in model space (HCL names), schema order.
    pub attributes: Attributes,
    /// The declared secrets by field path: `password`, `sensitive_configuration.Password`.
    pub secrets: FieldMap<Secret>,
    /// Other resources this one refers to (dependency edges).
    pub depends_on: BTreeSet<Address>,
}

impl DesiredResource {
    pub fn kind(&self) -> ResourceKind {
        self.address.kind()
    }
}

/// How to reach the PingFederate Admin API.
#[derive(Debug, Clone)]
pub struct PingFederateSettings {
    /// Base URL ending in `/pf-admin-api/v1` (no trailing slash).
    pub url: String,
    pub username: String,
    pub password: Secret,
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
    pub request_timeout: Duration,
}

impl PingFederateSettings {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
}
