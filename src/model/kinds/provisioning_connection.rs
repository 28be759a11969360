//! `provisioning_connection "NAME"` with its `channel "NAME"` blocks: a PingFederate SP
//! connection whose `outboundProvision` is of type `PingOne` (reference §6). The PingOne
//! environment is the target setting `PINGONE_ENVIRONMENT = "<pingone connection
//! id>|<environment id>"`; each channel says where its users come from, which of them
//! (base DN, user filter, group), how to detect changes and how attributes map to
//! PingOne fields.

use serde_json::Value;

use crate::model::field::{
    Field, FieldDefault as D, FieldType as T, NestedBlocks, ReferenceTarget, Wire, field, required,
};
use crate::model::kind::{
    DeleteStrategy, Finding, FindingPath, Hooks, KindDescriptor, KindProblem, PathStep, Severity,
};
use crate::model::suggest::did_you_mean;
use crate::model::{Attributes, ResourceKind, ldap_filter};

use super::{DATA_STORES, PINGONE_CONNECTIONS, SP_CONNECTIONS};

pub const REMOVE_ACTIONS: &[&str] = &["Disable", "Delete"];
pub const CHANGED_USERS_ALGORITHMS: &[&str] =
    &["ACTIVE_DIRECTORY_USN", "TIMESTAMP", "TIMESTAMP_NO_NEGATION"];
pub const ACCOUNT_STATUS_ALGORITHMS: &[&str] = &[
    "ACCOUNT_STATUS_ALGORITHM_AD",
    "ACCOUNT_STATUS_ALGORITHM_FLAG",
];

/// PingOne target field names for `attribute_mapping` (PingFederate Admin API
/// reference §6.4).
pub const PINGONE_MAPPING_FIELDS: &[&str] = &[
    "username",
    "email",
    "firstName",
    "lastName",
    "middleName",
    "fullName",
    "nickname",
    "honorificPrefix",
    "honorificSuffix",
    "jobTitle",
    "userType",
    "locale",
    "preferredLanguage",
    "timezone",
    "primaryPhone",
    "mobilePhone",
    "streetAddress",
    "city",
    "stateRegion",
    "ZIPCode",
    "country",
    "accountID",
    "externalID",
    "authoritativeIdp",
    "populationID",
    "password",
    "forceChangePassword",
    "profileImage",
    "mfaEnabled",
    "mfaDeviceEmail1",
    "mfaDeviceEmail2",
    "mfaDeviceEmail3",
    "mfaDeviceSms1",
    "mfaDeviceSms2",
    "mfaDeviceSms3",
    "mfaDeviceVoice1",
    "mfaDeviceVoice2",
    "mfaDeviceVoice3",
];

const TARGET_SETTINGS: &[&str] = &["outboundProvision", "targetSettings"];
const ENVIRONMENT: &str = "PINGONE_ENVIRONMENT";

const fn option(name: &'static str, setting: &'static str, ty: T, default: D) -> Field {
    field(
        name,
        Wire::Setting {
            list: TARGET_SETTINGS,
            name: setting,
            part: None,
        },
        ty,
        default,
    )
}

/// A channel reads users from an LDAP data store (reference §6.3: `dataSource` "must
/// point to an LDAP data store").
static CHANNEL_SOURCE: ReferenceTarget = ReferenceTarget {
    collection: Some(DATA_STORES),
    kinds: &[ResourceKind::DatastoreLdap],
};

static PINGONE_CONNECTION: ReferenceTarget = ReferenceTarget {
    collection: Some(PINGONE_CONNECTIONS),
    kinds: &[],
};

const fn source(path: &'static [&'static str], name: &'static str, ty: T, default: D) -> Field {
    field(name, Wire::Path(path), ty, default)
}

/// The block type of a channel.
pub const CHANNEL_BLOCK: &str = "channel";

/// One provisioning channel (reference §6.3), its wire paths relative to the channel.
/// Defaults are PingDirectory's; Active Directory sets `guid_attribute =
/// "objectGUID"`, `guid_binary = true`, `changed_users_algorithm =
/// "ACTIVE_DIRECTORY_USN"` and so on.
pub const CHANNEL_FIELDS: &[Field] = &[
    required("name", Wire::Key("name"), T::String),
    field("active", Wire::Key("active"), T::Bool, D::Bool(true)),
    required(
        "datastore",
        Wire::Path(&["channelSource", "dataSource"]),
        T::Reference(&CHANNEL_SOURCE),
    ),
    required(
        "base_dn",
        Wire::Path(&["channelSource", "baseDn"]),
        T::String,
    ),
    source(
        &["channelSource", "userSourceLocation", "filter"],
        "user_filter",
        T::String,
        D::None,
    ),
    source(
        &["channelSource", "userSourceLocation", "groupDN"],
        "group_dn",
        T::String,
        D::None,
    ),
    source(
        &["channelSource", "userSourceLocation", "nestedSearch"],
        "nested_search",
        T::Bool,
        D::Bool(false),
    ),
    field(
        "population_id",
        Wire::Entry {
            list: &["attributeMapping"],
            key_name: "fieldName",
            key: "populationID",
            value: &["saasFieldInfo", "defaultValue"],
        },
        T::String,
        D::None,
    ),
    // A PingOne population by name: looked up during plan, sent as `population_id`.
    field("population", Wire::None, T::String, D::None),
    source(
        &["channelSource", "guidAttributeName"],
        "guid_attribute",
        T::String,
        D::Str("entryUUID"),
    ),
    source(
        &["channelSource", "guidBinary"],
        "guid_binary",
        T::Bool,
        D::Bool(false),
    ),
    source(
        &[
            "channelSource",
            "changeDetectionSettings",
            "userObjectClass",
        ],
        "user_object_class",
        T::String,
        D::Str("inetOrgPerson"),
    ),
    source(
        &[
            "channelSource",
            "changeDetectionSettings",
            "groupObjectClass",
        ],
        "group_object_class",
        T::String,
        D::Str("groupOfUniqueNames"),
    ),
    source(
        &[
            "channelSource",
            "changeDetectionSettings",
            "changedUsersAlgorithm",
        ],
        "changed_users_algorithm",
        T::Enum(CHANGED_USERS_ALGORITHMS),
        D::Str("TIMESTAMP_NO_NEGATION"),
    ),
    source(
        &[
            "channelSource",
            "changeDetectionSettings",
            "timeStampAttributeName",
        ],
        "timestamp_attribute",
        T::String,
        D::Str("modifyTimestamp"),
    ),
    source(
        &[
            "channelSource",
            "changeDetectionSettings",
            "usnAttributeName",
        ],
        "usn_attribute",
        T::String,
        D::None,
    ),
    source(
        &[
            "channelSource",
            "groupMembershipDetection",
            "groupMemberAttributeName",
        ],
        "group_member_attribute",
        T::String,
        D::Str("uniqueMember"),
    ),
    source(
        &[
            "channelSource",
            "groupMembershipDetection",
            "memberOfGroupAttributeName",
        ],
        "member_of_group_attribute",
        T::String,
        D::None,
    ),
    source(
        &[
            "channelSource",
            "accountManagementSettings",
            "accountStatusAttributeName",
        ],
        "account_status_attribute",
        T::String,
        D::Str("nsaccountlock"),
    ),
    source(
        &[
            "channelSource",
            "accountManagementSettings",
            "accountStatusAlgorithm",
        ],
        "account_status_algorithm",
        T::Enum(ACCOUNT_STATUS_ALGORITHMS),
        D::Str("ACCOUNT_STATUS_ALGORITHM_FLAG"),
    ),
    source(
        &[
            "channelSource",
            "accountManagementSettings",
            "flagComparisonValue",
        ],
        "flag_comparison_value",
        T::String,
        D::Str("true"),
    ),
    source(
        &[
            "channelSource",
            "accountManagementSettings",
            "flagComparisonStatus",
        ],
        "flag_comparison_status",
        T::Bool,
        D::Bool(true),
    ),
    source(
        &[
            "channelSource",
            "accountManagementSettings",
            "defaultStatus",
        ],
        "default_status",
        T::Bool,
        D::Bool(true),
    ),
    field(
        "max_threads",
        Wire::Key("maxThreads"),
        T::Integer,
        D::Integer(1),
    ),
    field("timeout", Wire::Key("timeout"), T::Integer, D::Integer(60)),
    required(
        "attribute_mapping",
        Wire::Key("attributeMapping"),
        T::Mapping,
    ),
];

static CHANNELS: NestedBlocks = NestedBlocks {
    block: CHANNEL_BLOCK,
    key: "name",
    fields: CHANNEL_FIELDS,
    exclusive: &[(
        "population",
        "population_id",
        "names the population, and pingform looks its id up in PingOne",
    )],
    missing_help: "add `channel \"NAME\" { datastore = datastore.ldap.NAME ... }` for each source of users",
};

pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    kind: ResourceKind::ProvisioningConnection,
    block_type: "provisioning_connection",
    label: None,
    describe: "provisioning connection to PingOne",
    collection: SP_CONNECTIONS,
    identity: &[(&["outboundProvision", "type"], "PingOne")],
    constants: &[(&["type"], "SP"), (&["connectionTargetType"], "STANDARD")],
    name_from_block: true,
    fields: &[
        required("entity_id", Wire::Key("entityId"), T::String),
        required("name", Wire::Key("name"), T::String),
        field("active", Wire::Key("active"), T::Bool, D::Bool(false)),
        required(
            "pingone_connection",
            Wire::Setting {
                list: TARGET_SETTINGS,
                name: ENVIRONMENT,
                part: Some(('|', 0)),
            },
            T::Reference(&PINGONE_CONNECTION),
        ),
        Field {
            default: D::PingOneEnvironment,
            ..required(
                "environment_id",
                Wire::Setting {
                    list: TARGET_SETTINGS,
                    name: ENVIRONMENT,
                    part: Some(('|', 1)),
                },
                T::String,
            )
        },
        option(
            "create_users",
            "CREATE_USERS_PROV_OPT",
            T::Bool,
            D::Bool(true),
        ),
        option(
            "update_users",
            "UPDATE_USERS_PROV_OPT",
            T::Bool,
            D::Bool(true),
        ),
        option(
            "remove_users",
            "REMOVE_USERS_PROV_OPT",
            T::Bool,
            D::Bool(true),
        ),
        option(
            "provision_disabled_users",
            "PROVISION_DISABLED_USERS_PROV_OPT",
            T::Bool,
            D::Bool(true),
        ),
        option(
            "remove_action",
            "REMOVE_ACTION",
            T::Enum(REMOVE_ACTIONS),
            D::Str("Disable"),
        ),
        required(
            "channels",
            Wire::Path(&["outboundProvision", "channels"]),
            T::Blocks(&CHANNELS),
        ),
    ],
    one_of: &[],
    send_defaults: true,
    delete: DeleteStrategy::DeactivateThenDelete,
    hooks: Hooks { check: Some(check) },
};

/// Each channel's user filter is RFC 4515 (the error names the character); its
/// attribute mapping maps `username` (PingOne matches users on it) and names PingOne
/// fields from the reference list (others are warnings: PingOne environments can have
/// custom attributes).
fn check(attributes: &Attributes, findings: &mut Vec<Finding>) {
    for channel in attributes
        .get("channels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = channel.get("name").and_then(Value::as_str) else {
            continue;
        };
        let at = |attribute: &str, inside: Vec<PathStep>, character: Option<usize>| FindingPath {
            block: Some((CHANNEL_BLOCK, name.to_string())),
            attribute: attribute.to_string(),
            inside,
            character,
        };
        if let Some(filter) = channel.get("user_filter").and_then(Value::as_str)
            && let Err(problem) = ldap_filter::parse(filter)
        {
            findings.push(Finding {
                severity: Severity::Error,
                path: at(
                    "user_filter",
                    Vec::new(),
                    Some(problem.column.saturating_sub(1)),
                ),
                problem: KindProblem::InvalidFilter {
                    message: problem.to_string(),
                    expected_found: format!(
                        "expected {}, found {}",
                        problem.expected, problem.found
                    ),
                },
            });
        }
        let Some(mapping) = channel.get("attribute_mapping").and_then(Value::as_object) else {
            continue;
        };
        if !mapping.contains_key("username") {
            findings.push(Finding {
                severity: Severity::Error,
                path: at("attribute_mapping", Vec::new(), None),
                problem: KindProblem::MissingEntry {
                    name: "username".into(),
                    within: format!("the `attribute_mapping` of channel `{name}`"),
                    help: "PingOne matches users on `username`: map it to the source LDAP attribute, e.g. `username = \"uid\"`".into(),
                },
            });
        }
        for key in mapping.keys() {
            if PINGONE_MAPPING_FIELDS.contains(&key.as_str()) {
                continue;
            }
            findings.push(Finding {
                severity: Severity::Warning,
                path: at("attribute_mapping", vec![PathStep::Key(key.clone())], None),
                problem: KindProblem::UnknownMappingField {
                    name: key.clone(),
                    help: did_you_mean(key, PINGONE_MAPPING_FIELDS.iter().copied()).unwrap_or_else(|| {
                        "fine for a custom PingOne attribute; otherwise check the spelling (PingOne field names are case-sensitive)".into()
                    }),
                },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn findings(channel: Value) -> Vec<Finding> {
        let attributes = json!({ "channels": [channel] })
            .as_object()
            .unwrap()
            .clone();
        let mut found = Vec::new();
        check(&attributes, &mut found);
        found
    }

    #[test]
    fn a_malformed_filter_is_placed_on_its_character() {
        let found = findings(json!({
            "name": "staff", "user_filter": "(uid=a(b)", "attribute_mapping": {"username": "uid"}
        }));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(found[0].path.attribute, "user_filter");
        assert_eq!(found[0].path.character, Some(6));
    }

    #[test]
    fn a_mapping_needs_username_and_unknown_fields_are_warnings() {
        let found = findings(json!({
            "name": "staff", "attribute_mapping": {"emial": "mail"}
        }));
        assert_eq!(found.len(), 2);
        assert!(
            matches!(&found[0].problem, KindProblem::MissingEntry { name, .. } if name == "username")
        );
        assert_eq!(found[1].severity, Severity::Warning);
        assert!(
            matches!(&found[1].problem, KindProblem::UnknownMappingField { help, .. } if help == "did you mean `email`?")
        );
    }
}
