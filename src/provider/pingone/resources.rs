//! The wire shapes of the PingOne objects pingform reads, converted to the model's
//! `PingOnePopulation` and `PingOneUser` (what the plan reasons about).
//!
//! Only the fields the plan uses are kept; PingOne adds fields freely, and unknown
//! ones are ignored.

use serde::Deserialize;

use crate::model::{PingOnePopulation, PingOneUser};

/// The environment pingform reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Environment {
    pub id: String,
    pub name: String,
    /// The region code (`NA`, `EU`, …) as PingOne returns it.
    pub region: String,
}

/// A population on the wire.
#[derive(Debug, Deserialize)]
pub(crate) struct PopulationWire {
    id: String,
    name: String,
    /// Read-only in PingOne's schema, and optional: a missing count is "not known".
    #[serde(rename = "userCount", default)]
    user_count: Option<u64>,
}

impl From<PopulationWire> for PingOnePopulation {
    fn from(wire: PopulationWire) -> PingOnePopulation {
        PingOnePopulation {
            id: wire.id,
            name: wire.name,
            user_count: wire.user_count,
        }
    }
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

impl From<UserWire> for PingOneUser {
    fn from(wire: UserWire) -> PingOneUser {
        PingOneUser {
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
            PingOneUser::from(wire),
            PingOneUser {
                id: "u1".into(),
                username: "jdoe".into(),
                population_id: Some("p1".into()),
                enabled: false
            }
        );
        let wire: UserWire = serde_json::from_value(json!({"id": "u2", "username": "x"})).unwrap();
        let user = PingOneUser::from(wire);
        assert!(user.enabled);
        assert_eq!(user.population_id, None);
    }
}
