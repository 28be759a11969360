//! What a state is bound to: the PingFederate it manages (the Admin API URL and the
//! identity the server reports) and the PingOne environment. Recorded by the first
//! apply; every later command compares it with the servers it talks to.

use std::fmt;

/// The PingFederate Admin API a state manages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", content = "url", rename_all = "snake_case")]
pub enum Endpoint {
    /// The configured Admin API base URL.
    Url(String),
    /// `--sandbox`: an emulator started for each run, on a new port each time.
    Sandbox,
}

impl Endpoint {
    /// Whether both name the same server: URLs compared without a trailing slash and
    /// without case (host names are case-insensitive; the Admin API path is fixed).
    pub fn same_as(&self, other: &Endpoint) -> bool {
        match (self, other) {
            (Endpoint::Url(a), Endpoint::Url(b)) => a
                .trim_end_matches('/')
                .eq_ignore_ascii_case(b.trim_end_matches('/')),
            (Endpoint::Sandbox, Endpoint::Sandbox) => true,
            _ => false,
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Url(url) => f.write_str(url),
            Endpoint::Sandbox => f.write_str("the built-in sandbox (--sandbox)"),
        }
    }
}

/// Who a PingFederate says it is: `GET /serverSettings` `federationInfo`, its runtime
/// base URL and SAML 2.0 entity id ("defines your organization as the entity operating
/// the server", spec `FederationInfo`). Ping's Terraform provider imports server
/// settings by `federation_info.saml_2_entity_id`. Both stay the same when the admin
/// host is renamed, and differ between a production and a staging server.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ServerIdentity {
    pub base_url: String,
    pub saml2_entity_id: String,
}

impl fmt::Display for ServerIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "base URL {}, SAML entity id {}",
            self.base_url, self.saml2_entity_id
        )
    }
}

/// The servers a state manages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Binding {
    pub pingfederate: Endpoint,
    /// `None` when the server did not report one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<ServerIdentity>,
    /// The `pingone` block's `environment_id`, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pingone_environment: Option<String>,
}

/// One way the servers differ from those a state is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingDifference {
    /// Another Admin API URL, but the same reported identity: a renamed host.
    Url {
        recorded: Endpoint,
        current: Endpoint,
    },
    /// Another PingFederate.
    Identity {
        recorded: ServerIdentity,
        current: ServerIdentity,
    },
    PingOneEnvironment {
        recorded: String,
        current: String,
    },
}

impl Binding {
    /// How `current` differs from this recorded binding. What either side does not
    /// know (an identity a server did not report, a configuration without PingOne) is
    /// not compared.
    pub fn differences(&self, current: &Binding) -> Vec<BindingDifference> {
        let mut differences = Vec::new();
        if let (Some(recorded), Some(now)) = (&self.identity, &current.identity)
            && recorded != now
        {
            differences.push(BindingDifference::Identity {
                recorded: recorded.clone(),
                current: now.clone(),
            });
        }
        if !self.pingfederate.same_as(&current.pingfederate) {
            differences.push(BindingDifference::Url {
                recorded: self.pingfederate.clone(),
                current: current.pingfederate.clone(),
            });
        }
        if let (Some(recorded), Some(now)) =
            (&self.pingone_environment, &current.pingone_environment)
            && recorded != now
        {
            differences.push(BindingDifference::PingOneEnvironment {
                recorded: recorded.clone(),
                current: now.clone(),
            });
        }
        differences
    }

    /// What to record after an apply: the current servers, keeping what the current
    /// run does not know from the recorded binding.
    pub fn merged_over(&self, recorded: Option<&Binding>) -> Binding {
        let mut merged = self.clone();
        if let Some(recorded) = recorded {
            if merged.identity.is_none() {
                merged.identity = recorded.identity.clone();
            }
            if merged.pingone_environment.is_none() {
                merged.pingone_environment = recorded.pingone_environment.clone();
            }
        }
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(url: &str, entity: Option<&str>, environment: Option<&str>) -> Binding {
        Binding {
            pingfederate: Endpoint::Url(url.into()),
            identity: entity.map(|entity| ServerIdentity {
                base_url: "https://sso.example.com".into(),
                saml2_entity_id: entity.into(),
            }),
            pingone_environment: environment.map(str::to_string),
        }
    }

    #[test]
    fn the_same_servers_differ_in_nothing() {
        let recorded = binding("https://pf:9999/pf-admin-api/v1", Some("prod"), Some("e1"));
        let current = binding("https://PF:9999/pf-admin-api/v1/", Some("prod"), Some("e1"));
        assert!(recorded.differences(&current).is_empty());
    }

    #[test]
    fn a_renamed_host_another_server_and_another_environment_are_told_apart() {
        let recorded = binding("https://pf:9999/pf-admin-api/v1", Some("prod"), Some("e1"));
        let renamed = binding("https://pf2:9999/pf-admin-api/v1", Some("prod"), Some("e1"));
        assert!(matches!(
            recorded.differences(&renamed).as_slice(),
            [BindingDifference::Url { .. }]
        ));
        let other = binding(
            "https://pf:9999/pf-admin-api/v1",
            Some("staging"),
            Some("e2"),
        );
        assert!(matches!(
            recorded.differences(&other).as_slice(),
            [
                BindingDifference::Identity { .. },
                BindingDifference::PingOneEnvironment { .. }
            ]
        ));
    }

    #[test]
    fn what_one_side_does_not_know_is_not_compared_and_is_kept() {
        let recorded = binding("https://pf/pf-admin-api/v1", Some("prod"), Some("e1"));
        let current = binding("https://pf/pf-admin-api/v1", None, None);
        assert!(recorded.differences(&current).is_empty());
        assert_eq!(current.merged_over(Some(&recorded)), recorded);
        let sandbox = Binding {
            pingfederate: Endpoint::Sandbox,
            identity: None,
            pingone_environment: None,
        };
        assert_eq!(recorded.differences(&sandbox).len(), 1);
    }
}
