//! The desired view: what the configuration asks for, fully evaluated and checked.
//! Built once by `config`; nothing changes it afterwards (what the plan learns from
//! the live systems, such as population ids, lives beside it).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use super::ldap_filter::ExclusionMatch;
use super::{Address, Attributes, FieldMap, PingOneSettings, ResourceKind, Secret};

/// What the configuration asks for, fully evaluated and checked.
#[derive(Debug, Clone, Default)]
pub struct Desired {
    /// The `pingfederate { }` block, if the configuration has one.
    pub pingfederate: Option<PingFederateSettings>,
    /// The `pingone { }` block, if the configuration has one.
    pub pingone: Option<PingOneSettings>,
    /// Every declared resource, sorted by address.
    pub resources: Vec<DesiredResource>,
    /// Accounts provisioning must never target, already compiled into the user
    /// filters of the channels they apply to; kept for the checks against PingOne and
    /// against hand-edited live filters.
    pub exclusions: Vec<Exclusion>,
    /// What the configuration read from outside its files: `variable `x`` (given a
    /// value, not its default) and `environment variable `Y``. A saved plan lists them:
    /// `apply FILE` needs them again.
    pub inputs: Vec<String>,
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
            values.push(pf.auth.secret().expose());
        }
        if let Some(pingone) = &self.pingone {
            values.push(pingone.client_secret.expose());
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

/// One provisioning channel of one provisioning connection.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChannelReference {
    /// `provisioning_connection.NAME`.
    pub connection: Address,
    /// The channel block's name.
    pub channel: String,
}

impl std::fmt::Display for ChannelReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.channel.{}", self.connection, self.channel)
    }
}

impl std::str::FromStr for ChannelReference {
    type Err = String;

    /// `provisioning_connection.NAME.channel.CHANNEL`.
    fn from_str(text: &str) -> Result<ChannelReference, String> {
        let (connection, channel) = text
            .split_once(".channel.")
            .ok_or_else(|| format!("`{text}` is not a channel reference"))?;
        let connection: Address = connection.parse().map_err(|e| format!("{e}"))?;
        if channel.is_empty() || channel.contains('.') {
            return Err(format!("`{text}` is not a channel reference"));
        }
        Ok(ChannelReference {
            connection,
            channel: channel.to_string(),
        })
    }
}

impl serde::Serialize for ChannelReference {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ChannelReference {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// `exclusion "NAME" { }`: one account provisioning must never target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub name: String,
    /// The account's PingOne username, looked up during plan.
    pub pingone_username: String,
    /// How the account appears in the source directory.
    pub source: ExclusionMatch,
    /// The channels it applies to (every PingOne channel when the block names none).
    pub channels: Vec<ChannelReference>,
    pub reason: String,
}

/// How to reach the PingFederate Admin API, and how to operate it.
#[derive(Debug, Clone)]
pub struct PingFederateSettings {
    /// Base URL ending in `/pf-admin-api/v1` (no trailing slash).
    pub url: String,
    pub auth: AdminAuth,
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
    pub request_timeout: Duration,
    /// After an apply in which every change succeeded, replicate the configuration to
    /// the cluster's engine nodes (`POST /cluster/replicate`).
    pub replicate: bool,
    /// Send `X-BypassExternalValidation: true`: PingFederate saves data stores without
    /// testing the connection to the directory or database.
    pub bypass_external_validation: bool,
}

impl PingFederateSettings {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
}

/// How pingform authenticates to the Admin API.
#[derive(Debug, Clone)]
pub enum AdminAuth {
    /// HTTP Basic with an administrator account (native, LDAP or RADIUS).
    Basic { username: String, password: Secret },
    /// OAuth 2.0 bearer tokens from a client-credentials grant.
    OAuth(OAuthClient),
}

impl AdminAuth {
    /// The credential that must never be shown.
    pub fn secret(&self) -> &Secret {
        match self {
            AdminAuth::Basic { password, .. } => password,
            AdminAuth::OAuth(client) => &client.client_secret,
        }
    }

    /// Who pingform acts as, for messages: `administrator`, `OAuth client pingform`.
    pub fn principal(&self) -> String {
        match self {
            AdminAuth::Basic { username, .. } => format!("`{username}`"),
            AdminAuth::OAuth(client) => format!("OAuth client `{}`", client.client_id),
        }
    }
}

/// `pingfederate { oauth { } }`: the client-credentials grant pingform uses.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub scopes: Vec<String>,
}
