//! The PingOne objects pingform reads, as the plan needs them, and their wire shapes.
//!
//! Only the fields the plan uses are kept; PingOne adds fields freely, and unknown
//! ones are ignored.

use serde::Deserialize;

/// The environment pingform reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Environment {
    pub id: String,
    pub name: String,
    /// The region code (`NA`, `EU`, …) as PingOne returns it.
    pub region: String,
}

/// A population of the environment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Population {
    pub id: String,
    pub name: String,
}

/// A user, as far as exclusions need one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    /// As stored in PingOne; PingOne compares usernames case-insensitively.
    pub username: String,
    /// `None` only if PingOne left the reference out (every user has a population).
    pub population_id: Option<String>,
    pub enabled: bool,
}

/// `{"id": …}` references.
#[derive(Debug, Deserialize)]
struct Reference {
    id: String,
}

/// A user on the wire.
#[derive(Debug, Deserialize)]
pub(crate) struct UserWire {
    id: String,
    username: String,
    #[serde(default)]
    population: Option<Reference>,
    /// PingOne's default for a user is enabled.
    #[serde(default = "enabled_by_default")]
    enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

impl From<UserWire> for User {
    fn from(wire: UserWire) -> User {
        User {
            id: wire.id,
            username: wire.username,
            population_id: wire.population.map(|population| population.id),
            enabled: wire.enabled,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn users_read_their_population_reference_and_default_to_enabled() {
        let wire: UserWire = serde_json::from_value(json!({
            "id": "u1", "username": "jdoe", "email": "jdoe@example.com",
            "population": {"id": "p1"}, "enabled": false
        }))
        .unwrap();
        assert_eq!(
            User::from(wire),
            User {
                id: "u1".into(),
                username: "jdoe".into(),
                population_id: Some("p1".into()),
                enabled: false
            }
        );
        let wire: UserWire = serde_json::from_value(json!({"id": "u2", "username": "x"})).unwrap();
        let user = User::from(wire);
        assert!(user.enabled);
        assert_eq!(user.population_id, None);
    }
}
