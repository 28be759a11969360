//! The emulated PingOne organization: environments, their worker applications
//! (client id and secret), populations and users; the seed (built in or read from a
//! JSON file) and the JSON shapes the Management API returns for them.
//!
//! Owns the PingOne data and its rules (unique usernames per environment, compared
//! case-insensitively; a user's population exists). Must not know HTTP, tokens,
//! filters or paging: `routes` does those. It lives in memory only and is
//! seeded afresh at every start (the PingFederate data file does not hold it).
//!
//! Seed file format (`SandboxOptions::pingone_seed_file`), every field optional unless
//! marked; ids are generated (random UUIDs) when absent, timestamps are the start time:
//!
//! ```json
//! { "organizationName": "Example Org",
//!   "environments": [ {                                  // required, at least one
//!     "id": "UUID", "name": "Workforce-Sandbox",          // name required
//!     "description": "…", "type": "SANDBOX|PRODUCTION", "region": "NA|EU|CA|AP|AU|SG",
//!     "clients": [ { "clientId": "…", "clientSecret": "…" } ],   // both required
//!     "populations": [ { "id": "UUID", "name": "Employees", "description": "…",
//!                        "default": true } ],                     // name required
//!     "users": [ { "id": "UUID", "username": "jdoe",             // username required
//!                  "email": "jdoe@example.com", "population": "Employees",
//!                  "name": { "given": "Jane", "family": "Doe" }, "enabled": true,
//!                  "externalId": "…", "accountId": "…", "title": "…", "type": "…" } ] } ] }
//! ```
//!
//! A user's `population` is a population name or id of its environment; without it the
//! user lands in the environment's default population (the first when none is marked
//! default). The first environment's first client is the one the sandbox prints.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::error::{ErrorDetail, PingOneError};
use crate::error::SandboxError;
use crate::random_identifiers;

pub const DEFAULT_ENVIRONMENT_ID: &str = "8f3c2a10-5b7e-4d21-9a64-0c1d2e3f4a5b";
pub const DEFAULT_CLIENT_ID: &str = "3e7a9c51-2d4b-4f8e-a1c6-9b0d8e7f6a51";
/// The built-in worker secret: a sandbox value, printed at start, never a real secret.
pub const DEFAULT_CLIENT_SECRET: &str = "sandbox-worker-Secret-4f8e-a1c6";
const DEFAULT_ORGANIZATION_ID: &str = "0a1b2c3d-0000-4000-8000-0000000000a1";
const DEFAULT_LICENSE_ID: &str = "0a1b2c3d-0000-4000-8000-0000000011c1";
const SEED_TIMESTAMP: &str = "2026-01-01T00:00:00.000Z";
pub const ADMINISTRATOR_USERNAME: &str = "pingone-admin@example.com";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedFile {
    pub organization_name: Option<String>,
    pub environments: Vec<SeedEnvironment>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedEnvironment {
    pub id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub environment_type: Option<String>,
    pub region: Option<String>,
    #[serde(default)]
    pub clients: Vec<WorkerClient>,
    #[serde(default)]
    pub populations: Vec<SeedPopulation>,
    #[serde(default)]
    pub users: Vec<SeedUser>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkerClient {
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedPopulation {
    pub id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub default: Option<bool>,
}

/// A user as seeded, or as added through the control API.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedUser {
    /// Control API only: the environment to add to (the first one when absent).
    pub environment_id: Option<String>,
    pub id: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub population: Option<String>,
    pub name: Option<PersonName>,
    pub enabled: Option<bool>,
    pub external_id: Option<String>,
    pub account_id: Option<String>,
    pub title: Option<String>,
    #[serde(rename = "type")]
    pub user_type: Option<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PersonName {
    pub formatted: Option<String>,
    pub given: Option<String>,
    pub middle: Option<String>,
    pub family: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub environment_type: String,
    pub region: String,
    pub organization_id: String,
    pub organization_name: String,
    pub clients: Vec<WorkerClient>,
    pub populations: Vec<Population>,
    pub users: Vec<User>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Population {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    pub population_id: String,
    pub name: Option<PersonName>,
    pub enabled: bool,
    pub external_id: Option<String>,
    pub account_id: Option<String>,
    pub title: Option<String>,
    pub user_type: Option<String>,
    pub created_at: String,
}

/// The whole PingOne side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PingOneDirectory {
    environments: Vec<Environment>,
}

const REGIONS: &[&str] = &["NA", "EU", "CA", "AP", "AU", "SG"];

fn seed_error(reason: impl Into<String>) -> SandboxError {
    SandboxError::Seed {
        reason: reason.into(),
    }
}

impl PingOneDirectory {
    /// The seed file's directory, or the built-in one.
    pub fn load(seed_file: Option<&Path>) -> Result<Self, SandboxError> {
        let seed = match seed_file {
            None => default_seed(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|error| {
                    seed_error(format!(
                        "the PingOne seed file {} could not be read: {error}",
                        path.display()
                    ))
                })?;
                serde_json::from_str(&text).map_err(|error| {
                    seed_error(format!(
                        "the PingOne seed file {} is not valid: {error}",
                        path.display()
                    ))
                })?
            }
        };
        Self::from_seed(seed).map_err(seed_error)
    }

    fn from_seed(seed: SeedFile) -> Result<Self, String> {
        if seed.environments.is_empty() {
            return Err("the PingOne seed needs at least one environment".to_string());
        }
        let organization_name = seed
            .organization_name
            .unwrap_or_else(|| "Sandbox Organization".to_string());
        let mut directory = PingOneDirectory {
            environments: Vec::new(),
        };
        for environment in seed.environments {
            let region = environment.region.unwrap_or_else(|| "NA".to_string());
            if !REGIONS.contains(&region.as_str()) {
                return Err(format!(
                    "environment '{}' has region '{region}'; expected one of {}",
                    environment.name,
                    REGIONS.join(", ")
                ));
            }
            let id = match environment.id {
                Some(id) => id,
                None => random_identifiers::uuid().map_err(|error| error.to_string())?,
            };
            if directory.environment(&id).is_some() {
                return Err(format!("environment id '{id}' is used twice"));
            }
            let mut populations = Vec::new();
            for population in environment.populations {
                if populations
                    .iter()
                    .any(|other: &Population| other.name.eq_ignore_ascii_case(&population.name))
                {
                    return Err(format!(
                        "population '{}' is defined twice in environment '{}'",
                        population.name, environment.name
                    ));
                }
                populations.push(Population {
                    id: match population.id {
                        Some(id) => id,
                        None => random_identifiers::uuid().map_err(|error| error.to_string())?,
                    },
                    name: population.name,
                    description: population.description,
                    default: population.default.unwrap_or(false),
                });
            }
            if populations.is_empty() {
                populations.push(Population {
                    id: random_identifiers::uuid().map_err(|error| error.to_string())?,
                    name: "Default".to_string(),
                    description: None,
                    default: true,
                });
            }
            if !populations.iter().any(|population| population.default) {
                populations[0].default = true;
            }
            directory.environments.push(Environment {
                id: id.clone(),
                name: environment.name,
                description: environment.description,
                environment_type: environment
                    .environment_type
                    .unwrap_or_else(|| "SANDBOX".to_string()),
                region,
                organization_id: DEFAULT_ORGANIZATION_ID.to_string(),
                organization_name: organization_name.clone(),
                clients: environment.clients,
                populations,
                users: Vec::new(),
            });
            for user in environment.users {
                directory
                    .add_user(&id, user, SEED_TIMESTAMP)
                    .map_err(|error| format!("a seeded user is invalid: {}", error.body()))?;
            }
        }
        if directory.environments[0].clients.is_empty() {
            return Err("the first PingOne environment needs a worker client".to_string());
        }
        Ok(directory)
    }

    /// The environment the sandbox advertises (the first).
    pub fn primary(&self) -> &Environment {
        &self.environments[0]
    }

    pub fn environment(&self, id: &str) -> Option<&Environment> {
        self.environments
            .iter()
            .find(|environment| environment.id == id)
    }

    /// Whether `client_id`/`client_secret` is a worker client of `environment_id`.
    pub fn authenticates(&self, environment_id: &str, client_id: &str, secret: &str) -> bool {
        self.environment(environment_id).is_some_and(|environment| {
            environment
                .clients
                .iter()
                .any(|client| client.client_id == client_id && client.client_secret == secret)
        })
    }

    /// Adds a user (control API and seed). 400 `INVALID_DATA` on a missing or taken
    /// username or an unknown population.
    pub fn add_user(
        &mut self,
        environment_id: &str,
        request: SeedUser,
        now: &str,
    ) -> Result<User, PingOneError> {
        let Some(environment) = self
            .environments
            .iter_mut()
            .find(|environment| environment.id == environment_id)
        else {
            return Err(PingOneError::NotFound {
                message: format!("Environment '{environment_id}' does not exist."),
            });
        };
        let detail = |code: &str, target: &str, message: String, inner: Option<Value>| {
            PingOneError::InvalidData {
                details: vec![ErrorDetail {
                    code: code.to_string(),
                    target: Some(target.to_string()),
                    message,
                    inner_error: inner,
                }],
            }
        };
        let Some(username) = request
            .username
            .as_deref()
            .map(str::trim)
            .filter(|username| !username.is_empty())
        else {
            return Err(detail(
                "REQUIRED_VALUE",
                "username",
                "username is required.".to_string(),
                None,
            ));
        };
        if let Some(existing) = environment
            .users
            .iter()
            .find(|user| user.username.eq_ignore_ascii_case(username))
        {
            return Err(detail(
                "UNIQUENESS_VIOLATION",
                "username",
                "A user with this username already exists".to_string(),
                Some(json!({"existingId": existing.id})),
            ));
        }
        let population_id = match request.population.as_deref() {
            None => environment
                .populations
                .iter()
                .find(|population| population.default)
                .map(|population| population.id.clone())
                .unwrap_or_default(),
            Some(wanted) => match environment.populations.iter().find(|population| {
                population.id == wanted || population.name.eq_ignore_ascii_case(wanted)
            }) {
                Some(population) => population.id.clone(),
                None => {
                    return Err(detail(
                        "INVALID_VALUE",
                        "population",
                        format!("Population '{wanted}' does not exist in this environment."),
                        None,
                    ));
                }
            },
        };
        let id = match request.id {
            Some(id) if environment.users.iter().any(|user| user.id == id) => {
                return Err(detail(
                    "UNIQUENESS_VIOLATION",
                    "id",
                    format!("A user with id '{id}' already exists."),
                    None,
                ));
            }
            Some(id) => id,
            None => random_identifiers::uuid().map_err(|error| PingOneError::Internal {
                message: error.to_string(),
            })?,
        };
        let user = User {
            id,
            username: username.to_string(),
            email: request.email,
            population_id,
            name: request.name,
            enabled: request.enabled.unwrap_or(true),
            external_id: request.external_id,
            account_id: request.account_id,
            title: request.title,
            user_type: request.user_type,
            created_at: now.to_string(),
        };
        environment.users.push(user.clone());
        Ok(user)
    }

    /// Removes a user by id from whichever environment holds it.
    pub fn remove_user(&mut self, user_id: &str) -> bool {
        self.environments.iter_mut().any(|environment| {
            let before = environment.users.len();
            environment.users.retain(|user| user.id != user_id);
            environment.users.len() != before
        })
    }
}

fn self_link(href: String) -> Value {
    json!({ "self": { "href": href } })
}

impl Environment {
    pub fn to_json(&self, api_url: &str) -> Value {
        let mut body = Map::new();
        body.insert(
            "_links".into(),
            self_link(format!("{api_url}/environments/{}", self.id)),
        );
        body.insert("id".into(), json!(self.id));
        body.insert("name".into(), json!(self.name));
        if let Some(description) = &self.description {
            body.insert("description".into(), json!(description));
        }
        body.insert("type".into(), json!(self.environment_type));
        body.insert("region".into(), json!(self.region));
        body.insert("status".into(), json!("ACTIVE"));
        body.insert("license".into(), json!({ "id": DEFAULT_LICENSE_ID }));
        body.insert("organization".into(), json!({ "id": self.organization_id }));
        body.insert("createdAt".into(), json!(SEED_TIMESTAMP));
        body.insert("updatedAt".into(), json!(SEED_TIMESTAMP));
        Value::Object(body)
    }

    pub fn population(&self, id: &str) -> Option<&Population> {
        self.populations
            .iter()
            .find(|population| population.id == id)
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|user| user.id == id)
    }
}

impl Population {
    pub fn to_json(&self, api_url: &str, environment: &Environment) -> Value {
        let user_count = environment
            .users
            .iter()
            .filter(|user| user.population_id == self.id)
            .count();
        let mut body = Map::new();
        body.insert(
            "_links".into(),
            self_link(format!(
                "{api_url}/environments/{}/populations/{}",
                environment.id, self.id
            )),
        );
        body.insert("id".into(), json!(self.id));
        body.insert("environment".into(), json!({ "id": environment.id }));
        body.insert("name".into(), json!(self.name));
        if let Some(description) = &self.description {
            body.insert("description".into(), json!(description));
        }
        body.insert("default".into(), json!(self.default));
        body.insert("userCount".into(), json!(user_count));
        body.insert("createdAt".into(), json!(SEED_TIMESTAMP));
        body.insert("updatedAt".into(), json!(SEED_TIMESTAMP));
        Value::Object(body)
    }

    /// A filterable attribute's value.
    pub fn attribute(&self, attribute: &str) -> Option<String> {
        match attribute {
            "id" => Some(self.id.clone()),
            "name" => Some(self.name.clone()),
            _ => None,
        }
    }
}

impl User {
    pub fn to_json(&self, api_url: &str, environment_id: &str) -> Value {
        let mut body = Map::new();
        body.insert(
            "_links".into(),
            self_link(format!(
                "{api_url}/environments/{environment_id}/users/{}",
                self.id
            )),
        );
        body.insert("id".into(), json!(self.id));
        body.insert("environment".into(), json!({ "id": environment_id }));
        body.insert("population".into(), json!({ "id": self.population_id }));
        body.insert("username".into(), json!(self.username));
        if let Some(email) = &self.email {
            body.insert("email".into(), json!(email));
        }
        body.insert("emailVerified".into(), json!(false));
        if let Some(name) = &self.name {
            body.insert("name".into(), json!(name));
        }
        for (key, value) in [
            ("externalId", &self.external_id),
            ("accountId", &self.account_id),
            ("title", &self.title),
            ("type", &self.user_type),
        ] {
            if let Some(value) = value {
                body.insert(key.into(), json!(value));
            }
        }
        body.insert("enabled".into(), json!(self.enabled));
        body.insert("mfaEnabled".into(), json!(true));
        body.insert(
            "account".into(),
            json!({ "canAuthenticate": self.enabled, "status": "OK" }),
        );
        body.insert("lifecycle".into(), json!({ "status": "ACCOUNT_OK" }));
        body.insert("identityProvider".into(), json!({ "type": "PING_ONE" }));
        body.insert("createdAt".into(), json!(self.created_at));
        body.insert("updatedAt".into(), json!(self.created_at));
        Value::Object(body)
    }

    /// A filterable attribute's value.
    pub fn attribute(&self, attribute: &str) -> Option<String> {
        let name = self.name.as_ref();
        match attribute {
            "id" => Some(self.id.clone()),
            "username" => Some(self.username.clone()),
            "email" => self.email.clone(),
            "population.id" => Some(self.population_id.clone()),
            "externalId" => self.external_id.clone(),
            "accountId" => self.account_id.clone(),
            "enabled" => Some(self.enabled.to_string()),
            "name.given" => name.and_then(|name| name.given.clone()),
            "name.family" => name.and_then(|name| name.family.clone()),
            "title" => self.title.clone(),
            "type" => self.user_type.clone(),
            _ => None,
        }
    }
}

/// One environment, "Employees" (default) and "Contractors", the administrator
/// `pingone-admin@example.com` and 24 more users (20 employees, 4 contractors).
fn default_seed() -> SeedFile {
    let employees = "9a9a0000-0000-4000-8000-000000000001";
    let contractors = "9a9a0000-0000-4000-8000-000000000002";
    let mut users = vec![SeedUser {
        id: Some("5e5e0000-0000-4000-8000-000000000000".to_string()),
        username: Some(ADMINISTRATOR_USERNAME.to_string()),
        email: Some(ADMINISTRATOR_USERNAME.to_string()),
        population: Some(employees.to_string()),
        name: Some(PersonName {
            given: Some("PingOne".to_string()),
            family: Some("Administrator".to_string()),
            ..PersonName::default()
        }),
        title: Some("Identity administrator".to_string()),
        user_type: Some("Administrator".to_string()),
        ..SeedUser::default()
    }];
    for number in 1..=24_u32 {
        let (prefix, population, kind) = if number <= 20 {
            ("employee", employees, "Employee")
        } else {
            ("contractor", contractors, "Contractor")
        };
        let sequence = if number <= 20 { number } else { number - 20 };
        let username = format!("{prefix}{sequence:02}@example.com");
        users.push(SeedUser {
            id: Some(format!("5e5e0000-0000-4000-8000-{number:012}")),
            username: Some(username.clone()),
            email: Some(username),
            population: Some(population.to_string()),
            name: Some(PersonName {
                given: Some(kind.to_string()),
                family: Some(format!("Number {sequence:02}")),
                ..PersonName::default()
            }),
            account_id: Some(format!("E{number:05}")),
            user_type: Some(kind.to_string()),
            ..SeedUser::default()
        });
    }
    SeedFile {
        organization_name: Some("Sandbox Organization".to_string()),
        environments: vec![SeedEnvironment {
            id: Some(DEFAULT_ENVIRONMENT_ID.to_string()),
            name: "Workforce-Sandbox".to_string(),
            description: Some("The pingform sandbox's PingOne environment".to_string()),
            environment_type: Some("SANDBOX".to_string()),
            region: Some("NA".to_string()),
            clients: vec![WorkerClient {
                client_id: DEFAULT_CLIENT_ID.to_string(),
                client_secret: DEFAULT_CLIENT_SECRET.to_string(),
            }],
            populations: vec![
                SeedPopulation {
                    id: Some(employees.to_string()),
                    name: "Employees".to_string(),
                    description: Some("Provisioned from the corporate directory".to_string()),
                    default: Some(true),
                },
                SeedPopulation {
                    id: Some(contractors.to_string()),
                    name: "Contractors".to_string(),
                    description: Some("External staff".to_string()),
                    default: Some(false),
                },
            ],
            users,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_seed_has_one_environment_two_populations_and_25_users() {
        let directory = PingOneDirectory::load(None).unwrap();
        let environment = directory.primary();
        assert_eq!(environment.id, DEFAULT_ENVIRONMENT_ID);
        assert_eq!(environment.populations.len(), 2);
        assert_eq!(environment.users.len(), 25);
        assert!(directory.authenticates(
            DEFAULT_ENVIRONMENT_ID,
            DEFAULT_CLIENT_ID,
            DEFAULT_CLIENT_SECRET
        ));
        assert!(!directory.authenticates(DEFAULT_ENVIRONMENT_ID, DEFAULT_CLIENT_ID, "wrong"));
    }

    #[test]
    fn usernames_are_unique_case_insensitively() {
        let mut directory = PingOneDirectory::load(None).unwrap();
        let error = directory
            .add_user(
                DEFAULT_ENVIRONMENT_ID,
                SeedUser {
                    username: Some("PingOne-Admin@Example.com".into()),
                    ..SeedUser::default()
                },
                "now",
            )
            .unwrap_err();
        assert_eq!(error.body()["details"][0]["code"], "UNIQUENESS_VIOLATION");
    }

    #[test]
    fn a_seed_without_environments_is_refused() {
        let error = PingOneDirectory::from_seed(SeedFile::default()).unwrap_err();
        assert!(error.contains("at least one environment"));
    }
}
