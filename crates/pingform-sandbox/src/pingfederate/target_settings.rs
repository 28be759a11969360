//! The PingOne connector's target settings (`outboundProvision.targetSettings`, a list
//! of `ConfigField`s): which names PingFederate returns, their defaults and order.
//!
//! Owns the server-filled set. The Terraform acceptance test
//! `idp_sp_connection_outbound_provision_test.go` sends only `PINGONE_ENVIRONMENT` and
//! reads back nine settings (`target_settings_all.# = 9`, with
//! `CREATE_USERS_PROV_OPT` and `PROVISION_DISABLED_USERS_PROV_OPT` `"true"`); its
//! complete model names all nine and sends `Provisioning Options` with a value. The
//! other defaults are those of reference §6.4 (from the same test suite). Whatever
//! subset a request sends, the stored list has the nine entries in the order below
//! (PingFederate's own order is an open question), sent values kept as sent, defaults
//! for those not sent; `PINGONE_ENVIRONMENT` and `Provisioning Options` have no default
//! and come back without a value when not sent.
//!
//! Not checked, since no source says what PingFederate refuses: names outside the nine
//! (kept after them, in the order sent), repeated names (the first one counts),
//! values of the boolean and choice settings, the form of `PINGONE_ENVIRONMENT`
//! (`<PingOne connection id>|<environment id>`) and whether the connection it names
//! exists.

use serde::{Deserialize, Serialize};

pub const PINGONE_ENVIRONMENT: &str = "PINGONE_ENVIRONMENT";
const PROVISIONING_OPTIONS: &str = "Provisioning Options";

/// The nine settings in the order the sandbox returns them, with their defaults.
const SETTINGS: &[(&str, Option<&str>)] = &[
    (PINGONE_ENVIRONMENT, None),
    ("CREATE_USERS_PROV_OPT", Some("true")),
    ("UPDATE_USERS_PROV_OPT", Some("true")),
    ("REMOVE_USERS_PROV_OPT", Some("true")),
    ("PROVISION_DISABLED_USERS_PROV_OPT", Some("true")),
    ("REMOVE_ACTION", Some("Disable")),
    ("DEFAULT_AUTH_METHOD", Some("Email 1")),
    (
        "MFA_USER_DEVICE_MANAGEMENT",
        Some("Merge with devices in PingOne"),
    ),
    (PROVISIONING_OPTIONS, None),
];

/// A `ConfigField`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigField {
    pub name: String,
    pub value: Option<String>,
    pub encrypted_value: Option<String>,
}

/// The full list of settings from a request's subset (see the module documentation).
pub fn complete(sent: &[ConfigField]) -> Vec<ConfigField> {
    let mut completed: Vec<ConfigField> = SETTINGS
        .iter()
        .map(
            |(name, default)| match sent.iter().find(|field| field.name == *name) {
                Some(field) => field.clone(),
                None => ConfigField {
                    name: (*name).to_string(),
                    value: default.map(str::to_string),
                    encrypted_value: None,
                },
            },
        )
        .collect();
    for field in sent {
        if !completed.iter().any(|kept| kept.name == field.name) {
            completed.push(field.clone());
        }
    }
    completed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, value: &str) -> ConfigField {
        ConfigField {
            name: name.into(),
            value: Some(value.into()),
            encrypted_value: None,
        }
    }

    #[test]
    fn a_subset_is_completed_in_the_fixed_order() {
        let completed = complete(&[
            field("REMOVE_ACTION", "Delete"),
            field(PINGONE_ENVIRONMENT, "conn|env"),
        ]);
        let names: Vec<_> = completed.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names.len(), 9);
        assert_eq!(names[0], PINGONE_ENVIRONMENT);
        assert_eq!(names[8], PROVISIONING_OPTIONS);
        assert_eq!(completed[5].value.as_deref(), Some("Delete"));
        assert_eq!(completed[1].value.as_deref(), Some("true"));
        assert_eq!(completed[8].value, None);
    }

    #[test]
    fn values_and_names_the_sandbox_does_not_know_are_kept() {
        let completed = complete(&[
            field(PROVISIONING_OPTIONS, "opt"),
            field("REMOVE_ACTION", "Archive"),
            field("REGION", "NA"),
            field("REGION", "EU"),
        ]);
        assert_eq!(completed.len(), 10);
        assert_eq!(completed[8].value.as_deref(), Some("opt"));
        assert_eq!(completed[5].value.as_deref(), Some("Archive"));
        assert_eq!(completed[9], field("REGION", "NA"));
        assert_eq!(completed[0].value, None);
    }
}
