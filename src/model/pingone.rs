//! How to reach one PingOne environment: the two base URLs, the worker app's
//! credentials and TLS trust. The configuration builds these values; the region table
//! is the only place that knows PingOne's host names.

use std::path::PathBuf;
use std::time::Duration;

use super::Secret;

/// Connection settings for one PingOne environment.
#[derive(Debug, Clone)]
pub struct PingOneSettings {
    /// The Management API base, without a trailing slash (`https://api.pingone.eu/v1`).
    pub api_url: String,
    /// The authorization server base (`https://auth.pingone.eu`).
    pub auth_url: String,
    /// The environment pingform reads, which is also where the worker app lives.
    pub environment_id: String,
    /// The worker app's client id (its application id).
    pub client_id: String,
    pub client_secret: Secret,
    /// PEM certificates to trust instead of the system roots (a sandbox, a TLS proxy).
    pub ca_file: Option<PathBuf>,
    pub request_timeout: Duration,
}

/// The Management API and authorization base URLs of a PingOne region code (`NA`,
/// `EU`, `CA`, `AP`, `AU`, `SG`, any case), or `None` for an unknown code.
pub fn region_urls(region: &str) -> Option<(String, String)> {
    let top_level_domain = match region.trim().to_ascii_uppercase().as_str() {
        "NA" => "com",
        "CA" => "ca",
        "EU" => "eu",
        "AP" => "asia",
        "AU" => "com.au",
        "SG" => "sg",
        _ => return None,
    };
    Some((
        format!("https://api.pingone.{top_level_domain}/v1"),
        format!("https://auth.pingone.{top_level_domain}"),
    ))
}

/// The region codes [`region_urls`] knows, for error messages.
pub const REGIONS: [&str; 6] = ["NA", "EU", "CA", "AP", "AU", "SG"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_maps_to_the_hosts_of_the_reference_table() {
        let expected = [
            (
                "NA",
                "https://api.pingone.com/v1",
                "https://auth.pingone.com",
            ),
            ("CA", "https://api.pingone.ca/v1", "https://auth.pingone.ca"),
            ("EU", "https://api.pingone.eu/v1", "https://auth.pingone.eu"),
            (
                "AP",
                "https://api.pingone.asia/v1",
                "https://auth.pingone.asia",
            ),
            (
                "AU",
                "https://api.pingone.com.au/v1",
                "https://auth.pingone.com.au",
            ),
            ("SG", "https://api.pingone.sg/v1", "https://auth.pingone.sg"),
        ];
        for (region, api, auth) in expected {
            assert_eq!(
                region_urls(region),
                Some((api.to_string(), auth.to_string())),
                "{region}"
            );
        }
        assert_eq!(expected.len(), REGIONS.len());
    }

    #[test]
    fn region_codes_are_read_case_insensitively_and_unknown_ones_refused() {
        assert_eq!(region_urls("eu"), region_urls("EU"));
        assert_eq!(region_urls(" au "), region_urls("AU"));
        assert_eq!(region_urls("US"), None);
        assert_eq!(region_urls("NORTH_AMERICA"), None);
        assert_eq!(region_urls(""), None);
    }
}

/// What a plan read from PingOne: the environment, its populations and the users the
/// exclusions name. Plain data, so the plan can reason about it without a client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PingOneView {
    pub environment_id: String,
    pub environment_name: String,
    pub populations: Vec<PingOnePopulation>,
    pub users: Vec<PingOneUser>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PingOnePopulation {
    pub id: String,
    pub name: String,
    /// How many users the population holds (`userCount`), when PingOne says.
    pub user_count: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PingOneUser {
    pub id: String,
    pub username: String,
    pub population_id: Option<String>,
    pub enabled: bool,
}

impl PingOneView {
    /// The user with this username (PingOne compares usernames case-insensitively).
    pub fn user(&self, username: &str) -> Option<&PingOneUser> {
        self.users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
    }

    pub fn population_named(&self, name: &str) -> Option<&PingOnePopulation> {
        self.populations
            .iter()
            .find(|p| p.name == name)
            .or_else(|| {
                self.populations
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(name))
            })
    }

    pub fn population(&self, id: &str) -> Option<&PingOnePopulation> {
        self.populations.iter().find(|p| p.id == id)
    }
}
