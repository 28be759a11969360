//! The PingOne connector's target settings (`outboundProvision.targetSettings`, a list
//! of `ConfigField`s): which names exist, their defaults, allowed values and the order
//! PingFederate returns them in.
//!
//! Owns the server-filled set: whatever subset a request sends, the stored (and
//! returned) list has all nine entries of reference §6.4, in the fixed order below,
//! with defaults for those not sent. `Provisioning Options` is a label-like entry that
//! PingFederate returns without a value. Must not check that the PingOne connection
//! named by `PINGONE_ENVIRONMENT` exists: that needs the store.
//!
//! Policies where the reference is unsure: unknown names, duplicate names, boolean
//! options other than `"true"`/`"false"` and values outside the documented choices are
//! 422s naming `outboundProvision.targetSettings[i].value` (or `.name`). The first half
//! of `PINGONE_ENVIRONMENT` is the PingFederate `id` of a `/pingOneConnections` object
//! (checked by the store); the environment half must be non-empty but is not compared
//! with the connection's `environmentId`, since one credential can reach several
//! environments of an organization.

use serde::{Deserialize, Serialize};

use super::api_result::ValidationError;

pub const PINGONE_ENVIRONMENT: &str = "PINGONE_ENVIRONMENT";
const PROVISIONING_OPTIONS: &str = "Provisioning Options";

/// What a setting accepts.
enum Allowed {
    /// `"<PingOne connection id>|<environment id>"`; required, no default.
    EnvironmentReference,
    Boolean,
    OneOf(&'static [&'static str]),
    /// A label: no value.
    Label,
}

/// The nine settings in the order PingFederate returns them, with their defaults.
const SETTINGS: &[(&str, Option<&str>, Allowed)] = &[
    (PINGONE_ENVIRONMENT, None, Allowed::EnvironmentReference),
    ("CREATE_USERS_PROV_OPT", Some("true"), Allowed::Boolean),
    ("UPDATE_USERS_PROV_OPT", Some("true"), Allowed::Boolean),
    ("REMOVE_USERS_PROV_OPT", Some("true"), Allowed::Boolean),
    (
        "PROVISION_DISABLED_USERS_PROV_OPT",
        Some("true"),
        Allowed::Boolean,
    ),
    (
        "REMOVE_ACTION",
        Some("Disable"),
        Allowed::OneOf(&["Disable", "Delete"]),
    ),
    (
        "DEFAULT_AUTH_METHOD",
        Some("Email 1"),
        Allowed::OneOf(&["Email 1", "SMS 1", "Voice 1"]),
    ),
    (
        "MFA_USER_DEVICE_MANAGEMENT",
        Some("Merge with devices in PingOne"),
        Allowed::OneOf(&[
            "Merge with devices in PingOne",
            "Overwrite devices in PingOne",
        ]),
    ),
    (PROVISIONING_OPTIONS, None, Allowed::Label),
];

/// A `ConfigField`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigField {
    pub name: String,
    pub value: Option<String>,
    /// The PingOne connector has no encrypted settings; accepted and dropped.
    pub encrypted_value: Option<String>,
}

/// `PINGONE_ENVIRONMENT` split into its two halves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentReference {
    pub pingone_connection_id: String,
    pub environment_id: String,
}

impl EnvironmentReference {
    pub fn parse(value: &str) -> Option<Self> {
        let (connection, environment) = value.split_once('|')?;
        let (connection, environment) = (connection.trim(), environment.trim());
        if connection.is_empty() || environment.is_empty() || environment.contains('|') {
            return None;
        }
        Some(Self {
            pingone_connection_id: connection.to_string(),
            environment_id: environment.to_string(),
        })
    }
}

/// The full, ordered list of settings from a request's subset; all problems reported
/// with `field_prefix` (`outboundProvision.targetSettings`) in their paths.
pub fn complete(
    sent: &[ConfigField],
    field_prefix: &str,
    errors: &mut Vec<ValidationError>,
) -> Vec<ConfigField> {
    for (index, field) in sent.iter().enumerate() {
        let known = SETTINGS.iter().any(|(name, _, _)| *name == field.name);
        if !known {
            errors.push(ValidationError::new(
                "unknown_target_setting",
                &format!("{field_prefix}[{index}].name"),
                format!(
                    "'{}' is not a setting of the PingOne connector; expected one of {}.",
                    field.name,
                    SETTINGS
                        .iter()
                        .map(|(name, _, _)| *name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        if sent[..index].iter().any(|other| other.name == field.name) {
            errors.push(ValidationError::new(
                "duplicate_target_setting",
                &format!("{field_prefix}[{index}].name"),
                format!("The setting '{}' is given more than once.", field.name),
            ));
        }
    }
    let mut completed = Vec::with_capacity(SETTINGS.len());
    for (name, default, allowed) in SETTINGS {
        let position = sent.iter().position(|field| field.name == *name);
        let value_path = position.map_or_else(
            || format!("{field_prefix}.{name}"),
            |index| format!("{field_prefix}[{index}].value"),
        );
        let sent_value = position
            .and_then(|index| sent[index].value.as_deref())
            .filter(|value| !value.is_empty());
        let value = match allowed {
            Allowed::Label => None,
            Allowed::EnvironmentReference => match sent_value {
                None => {
                    errors.push(ValidationError::new(
                        "required_field_missing",
                        &value_path,
                        format!(
                            "The {PINGONE_ENVIRONMENT} target setting is required: \
                             \"<PingOne connection id>|<PingOne environment id>\"."
                        ),
                    ));
                    None
                }
                Some(value) if EnvironmentReference::parse(value).is_none() => {
                    errors.push(ValidationError::new(
                        "invalid_target_setting",
                        &value_path,
                        format!(
                            "'{value}' is not \"<PingOne connection id>|<PingOne environment id>\"."
                        ),
                    ));
                    None
                }
                Some(value) => Some(value.to_string()),
            },
            Allowed::Boolean => match sent_value {
                None => default.map(str::to_string),
                Some(value @ ("true" | "false")) => Some(value.to_string()),
                Some(value) => {
                    errors.push(ValidationError::new(
                        "invalid_target_setting",
                        &value_path,
                        format!("{name} must be \"true\" or \"false\", not '{value}'."),
                    ));
                    None
                }
            },
            Allowed::OneOf(choices) => match sent_value {
                None => default.map(str::to_string),
                Some(value) if choices.contains(&value) => Some(value.to_string()),
                Some(value) => {
                    errors.push(ValidationError::new(
                        "invalid_target_setting",
                        &value_path,
                        format!(
                            "{name} must be one of {}, not '{value}'.",
                            choices
                                .iter()
                                .map(|choice| format!("\"{choice}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                    None
                }
            },
        };
        completed.push(ConfigField {
            name: (*name).to_string(),
            value,
            encrypted_value: None,
        });
    }
    completed
}

/// The `PINGONE_ENVIRONMENT` reference of a completed list.
pub fn environment_reference(settings: &[ConfigField]) -> Option<EnvironmentReference> {
    settings
        .iter()
        .find(|field| field.name == PINGONE_ENVIRONMENT)
        .and_then(|field| field.value.as_deref())
        .and_then(EnvironmentReference::parse)
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
        let mut errors = Vec::new();
        let completed = complete(
            &[
                field("REMOVE_ACTION", "Delete"),
                field(PINGONE_ENVIRONMENT, "conn|env"),
            ],
            "targetSettings",
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<_> = completed.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names.len(), 9);
        assert_eq!(names[0], PINGONE_ENVIRONMENT);
        assert_eq!(names[8], "Provisioning Options");
        assert_eq!(completed[5].value.as_deref(), Some("Delete"));
        assert_eq!(completed[1].value.as_deref(), Some("true"));
        assert_eq!(completed[8].value, None);
    }

    #[test]
    fn bad_values_and_unknown_names_are_reported() {
        let mut errors = Vec::new();
        complete(
            &[
                field(PINGONE_ENVIRONMENT, "no-separator"),
                field("REMOVE_ACTION", "Archive"),
                field("CREATE_USERS_PROV_OPT", "yes"),
                field("REGION", "NA"),
            ],
            "t",
            &mut errors,
        );
        let paths: Vec<_> = errors
            .iter()
            .map(|e| e.field_path.clone().unwrap())
            .collect();
        assert_eq!(
            paths,
            ["t[3].name", "t[0].value", "t[2].value", "t[1].value"]
        );
    }

    #[test]
    fn the_environment_reference_splits_on_the_bar() {
        let reference = EnvironmentReference::parse("abc|0f1e").unwrap();
        assert_eq!(reference.pingone_connection_id, "abc");
        assert_eq!(reference.environment_id, "0f1e");
        assert!(EnvironmentReference::parse("|x").is_none());
    }
}
