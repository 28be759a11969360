//! `provisioning_connection "NAME"` with its `channel "NAME"` blocks: a PingFederate SP
//! connection whose `outboundProvision` is of type `PingOne` (reference §6). The PingOne
//! environment is the target setting `PINGONE_ENVIRONMENT = "<pingone connection
//! id>|<environment id>"`; each channel says where its users come from, which of them
//! (base DN, user filter, group), how to detect changes and how attributes map to
//! PingOne fields.

use serde_json::Value;

use crate::model::field::{
    Field, FieldDefault as D, FieldType as T, NestedBlocks, ReferenceTarget, Wire, field, flag,
    integer, required, text,
};
use crate::model::kind::{
    DeleteStrategy, Finding, FindingPath, Hooks, KindDescriptor, KindProblem, Lookup, PathStep,
    Severity,
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

/// `ldapType` values by directory family, for the defaults that depend on the source
/// store (the admin console proposes them from its LDAP templates; the API wants them
/// all sent: every `ChannelSource` setting is required, spec 12.0–13.1).
const AD: &[&str] = &["ACTIVE_DIRECTORY"];
const ORACLE_DS: &[&str] = &["ORACLE_DIRECTORY_SERVER"];
const ORACLE: &[&str] = &["ORACLE_DIRECTORY_SERVER", "ORACLE_UNIFIED_DIRECTORY"];
const ANY: &[&str] = &[];

// Sources, per value (the README tabulates them): AD's `objectGUID` is always binary,
// "Modifying source settings" (PF 11.2+); `ACTIVE_DIRECTORY_USN` is "for Active
// Directory only" and `ACCOUNT_STATUS_ALGORITHM_AD` uses "a bitmap for each user entry"
// (spec `ChangeDetectionSettings`, `AccountManagementSettings`); `user`, `group`,
// `member`, `memberOf`, `whenChanged`, `uSNChanged`, `userAccountControl` are AD's
// schema (Microsoft Learn, AD schema reference). PingDirectory's are what PingFederate
// 12.2–13.1 accepts in Ping's Terraform acceptance tests (`entryUUID`,
// `inetOrgPerson`, `groupOfUniqueNames`, `TIMESTAMP_NO_NEGATION`, `modifyTimestamp`,
// `uniqueMember`, `nsaccountlock`); Oracle's user class is `person` ("Modifying source
// settings"); Oracle Directory Server's GUID is `nsUniqueId` (its schema).
const GUID_ATTRIBUTE: D = D::Directory(&[
    (AD, D::Str("objectGUID")),
    (ORACLE_DS, D::Str("nsUniqueId")),
    (ANY, D::Str("entryUUID")),
]);
const GUID_BINARY: D = D::Directory(&[(AD, D::Bool(true)), (ANY, D::Bool(false))]);
const USER_OBJECT_CLASS: D = D::Directory(&[
    (AD, D::Str("user")),
    (ORACLE, D::Str("person")),
    (ANY, D::Str("inetOrgPerson")),
]);
const GROUP_OBJECT_CLASS: D =
    D::Directory(&[(AD, D::Str("group")), (ANY, D::Str("groupOfUniqueNames"))]);
const CHANGED_USERS_ALGORITHM: D = D::Directory(&[
    (AD, D::Str("ACTIVE_DIRECTORY_USN")),
    (ANY, D::Str("TIMESTAMP_NO_NEGATION")),
]);
const TIMESTAMP_ATTRIBUTE: D = D::Directory(&[
    (AD, D::Str("whenChanged")),
    (ANY, D::Str("modifyTimestamp")),
]);
const USN_ATTRIBUTE: D = D::Directory(&[(AD, D::Str("uSNChanged")), (ANY, D::None)]);
const GROUP_MEMBER_ATTRIBUTE: D =
    D::Directory(&[(AD, D::Str("member")), (ANY, D::Str("uniqueMember"))]);
const MEMBER_OF_GROUP_ATTRIBUTE: D = D::Directory(&[(AD, D::Str("memberOf")), (ANY, D::None)]);
const ACCOUNT_STATUS_ATTRIBUTE: D = D::Directory(&[
    (AD, D::Str("userAccountControl")),
    (ANY, D::Str("nsaccountlock")),
]);
const ACCOUNT_STATUS_ALGORITHM: D = D::Directory(&[
    (AD, D::Str("ACCOUNT_STATUS_ALGORITHM_AD")),
    (ANY, D::Str("ACCOUNT_STATUS_ALGORITHM_FLAG")),
]);
/// AD's bitmap algorithm compares no flag value.
const FLAG_COMPARISON_VALUE: D = D::Directory(&[(AD, D::None), (ANY, D::Str("true"))]);

/// The attribute that holds an entry's DN, for DN exclusions: `entryDN` (RFC 5020;
/// PingDirectory, PingDS, Oracle Unified Directory, OpenLDAP), `distinguishedName` in
/// Active Directory (equality on the full DN; Microsoft Learn, "Object(DS-DN)").
pub fn dn_attribute(directory: Option<&str>) -> &'static str {
    match directory {
        Some("ACTIVE_DIRECTORY") => "distinguishedName",
        _ => "entryDN",
    }
}

pub const PARSERS: &[&str] = &["EXTRACT_CN_FROM_DN", "EXTRACT_USERNAME_FROM_EMAIL", "NONE"];
pub const CHARACTER_CASES: &[&str] = &["LOWER", "UPPER", "NONE"];

/// One attribute mapping entry in its full form (`SaasFieldConfiguration`, spec 12.0;
/// the defaults are what PingFederate returns for an entry sent without them, Ping's
/// Terraform acceptance tests on PF 12.2–13.1). Several attributes are combined by an
/// OGNL `expression`; `default_value` is sent when the expression fails or nothing is
/// mapped ("Defining mapping information", PF docs).
pub const MAPPING_ENTRY_FIELDS: &[Field] = &[
    field(
        "attributes",
        Wire::Key("attributeNames"),
        T::StringList,
        D::EmptyList,
    ),
    text("default_value", "defaultValue"),
    text("expression", "expression"),
    field(
        "parser",
        Wire::Key("parser"),
        T::Enum(PARSERS),
        D::Str("NONE"),
    ),
    flag("masked", "masked", false),
    flag("create_only", "createOnly", false),
    flag("trim", "trim", false),
    field(
        "character_case",
        Wire::Key("characterCase"),
        T::Enum(CHARACTER_CASES),
        D::Str("NONE"),
    ),
];

/// The mapping entry PingOne's population comes from.
const POPULATION_FIELD: &str = "populationID";

/// The block type of a channel.
pub const CHANNEL_BLOCK: &str = "channel";

/// One provisioning channel (reference §6.3), its wire paths relative to the channel.
/// Defaults are PingDirectory's; Active Directory sets `guid_attribute =
/// "objectGUID"`, `guid_binary = true`, `changed_users_algorithm =
/// "ACTIVE_DIRECTORY_USN"` and so on.
pub const CHANNEL_FIELDS: &[Field] = &[
    required("name", Wire::Key("name"), T::String),
    flag("active", "active", true),
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
    // Group provisioning: where the groups to provision are (`groupSourceLocation`,
    // reference §6.3; "Specifying a source location", PF docs).
    source(
        &["channelSource", "groupSourceLocation", "groupDN"],
        "group_source_dn",
        T::String,
        D::None,
    ),
    source(
        &["channelSource", "groupSourceLocation", "filter"],
        "group_source_filter",
        T::String,
        D::None,
    ),
    source(
        &["channelSource", "groupSourceLocation", "nestedSearch"],
        "group_source_nested_search",
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
        GUID_ATTRIBUTE,
    ),
    source(
        &["channelSource", "guidBinary"],
        "guid_binary",
        T::Bool,
        GUID_BINARY,
    ),
    source(
        &[
            "channelSource",
            "changeDetectionSettings",
            "userObjectClass",
        ],
        "user_object_class",
        T::String,
        USER_OBJECT_CLASS,
    ),
    source(
        &[
            "channelSource",
            "changeDetectionSettings",
            "groupObjectClass",
        ],
        "group_object_class",
        T::String,
        GROUP_OBJECT_CLASS,
    ),
    source(
        &[
            "channelSource",
            "changeDetectionSettings",
            "changedUsersAlgorithm",
        ],
        "changed_users_algorithm",
        T::Enum(CHANGED_USERS_ALGORITHMS),
        CHANGED_USERS_ALGORITHM,
    ),
    source(
        &[
            "channelSource",
            "changeDetectionSettings",
            "timeStampAttributeName",
        ],
        "timestamp_attribute",
        T::String,
        TIMESTAMP_ATTRIBUTE,
    ),
    source(
        &[
            "channelSource",
            "changeDetectionSettings",
            "usnAttributeName",
        ],
        "usn_attribute",
        T::String,
        USN_ATTRIBUTE,
    ),
    source(
        &[
            "channelSource",
            "groupMembershipDetection",
            "groupMemberAttributeName",
        ],
        "group_member_attribute",
        T::String,
        GROUP_MEMBER_ATTRIBUTE,
    ),
    source(
        &[
            "channelSource",
            "groupMembershipDetection",
            "memberOfGroupAttributeName",
        ],
        "member_of_group_attribute",
        T::String,
        MEMBER_OF_GROUP_ATTRIBUTE,
    ),
    source(
        &[
            "channelSource",
            "accountManagementSettings",
            "accountStatusAttributeName",
        ],
        "account_status_attribute",
        T::String,
        ACCOUNT_STATUS_ATTRIBUTE,
    ),
    source(
        &[
            "channelSource",
            "accountManagementSettings",
            "accountStatusAlgorithm",
        ],
        "account_status_algorithm",
        T::Enum(ACCOUNT_STATUS_ALGORITHMS),
        ACCOUNT_STATUS_ALGORITHM,
    ),
    source(
        &[
            "channelSource",
            "accountManagementSettings",
            "flagComparisonValue",
        ],
        "flag_comparison_value",
        T::String,
        FLAG_COMPARISON_VALUE,
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
    integer("max_threads", "maxThreads", 1),
    integer("timeout", "timeout", 60),
    required(
        "attribute_mapping",
        Wire::Key("attributeMapping"),
        T::Mapping(MAPPING_ENTRY_FIELDS),
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
    directory: Some("datastore"),
};

pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    kind: ResourceKind::ProvisioningConnection,
    block_type: "provisioning_connection",
    label: None,
    describe: "provisioning connection to PingOne",
    collection: SP_CONNECTIONS,
    identity: &[(&["outboundProvision", "type"], "PingOne")],
    constants: &[(&["type"], "SP"), (&["connectionTargetType"], "STANDARD")],
    part: Some(&["outboundProvision"]),
    name_from_block: true,
    fields: &[
        required("entity_id", Wire::Key("entityId"), T::String),
        required("name", Wire::Key("name"), T::String),
        flag("active", "active", false),
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
    // An SP connection that also carries browser SSO, WS-Trust or attribute query
    // keeps them: Ping's documentation has outbound provisioning added to existing SSO
    // connections ("Configuring outbound provisioning", SP connection wizard).
    delete: DeleteStrategy::RemovePartOrDelete {
        others: &["spBrowserSso", "wsTrust", "attributeQuery"],
    },
    hooks: Hooks {
        check: Some(check),
        cross_check: Some(cross_check),
    },
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
        for attribute in ["user_filter", "group_source_filter"] {
            if let Some(filter) = channel.get(attribute).and_then(Value::as_str)
                && let Err(problem) = ldap_filter::parse(filter)
            {
                findings.push(Finding {
                    severity: Severity::Error,
                    path: at(
                        attribute,
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
        // PingOne requires an email and a population of every user ("Supported
        // attributes reference", PingOne Integration Kit).
        if !mapping.contains_key("email") {
            findings.push(Finding {
                severity: Severity::Error,
                path: at("attribute_mapping", Vec::new(), None),
                problem: KindProblem::MissingPingOneField {
                    channel: name.to_string(),
                    field: "email",
                    help: "map it to the source attribute with the user's address, e.g. `email = \"mail\"`".into(),
                },
            });
        }
        let static_population = ["population", "population_id"]
            .into_iter()
            .find(|key| channel.get(*key).is_some());
        match (static_population, mapping.contains_key(POPULATION_FIELD)) {
            (None, false) => findings.push(Finding {
                severity: Severity::Error,
                path: at("attribute_mapping", Vec::new(), None),
                problem: KindProblem::MissingPingOneField {
                    channel: name.to_string(),
                    field: "population",
                    help: "name it with `population = \"NAME\"` (or `population_id`), or map it from a source attribute holding the population id: `attribute_mapping = { populationID = \"ATTRIBUTE\" }`".into(),
                },
            }),
            (Some(static_population), true) => findings.push(Finding {
                severity: Severity::Error,
                path: at(
                    "attribute_mapping",
                    vec![PathStep::Key(POPULATION_FIELD.into())],
                    None,
                ),
                problem: KindProblem::Conflicting {
                    first: static_population.to_string(),
                    second: format!("attribute_mapping.{POPULATION_FIELD}"),
                    help: "a channel's population is fixed (`population`, `population_id`) or mapped from a source attribute (`populationID` in the mapping); keep one".into(),
                },
            }),
            _ => {}
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

/// Checks against each channel's source store: Active Directory with several hosts
/// (changes are missed), a binary GUID attribute the store does not read as binary.
fn cross_check(attributes: &Attributes, lookup: &dyn Lookup, findings: &mut Vec<Finding>) {
    for channel in attributes
        .get("channels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        let (Some(name), Some(store)) = (
            channel.get("name").and_then(Value::as_str),
            channel.get("datastore").and_then(Value::as_str),
        ) else {
            continue;
        };
        let Some((_, source)) = lookup.get(DATA_STORES, store) else {
            continue;
        };
        let directory = source.get("ldap_type").and_then(Value::as_str);
        if directory != Some("ACTIVE_DIRECTORY") {
            continue;
        }
        let at = |attribute: &str| FindingPath {
            block: Some((CHANNEL_BLOCK, name.to_string())),
            attribute: attribute.to_string(),
            inside: Vec::new(),
            character: None,
        };
        // The console takes failover hosts "each separated by a space" in one field
        // (PF 11.2 LDAP data store page): count those as well as list entries.
        let hosts = |value: Option<&Value>| {
            value
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|entry| entry.split_whitespace().count())
                .sum::<usize>()
        };
        let direct = hosts(source.get("hostnames"));
        let tagged = source
            .get("hostnames_tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|tag| hosts(tag.get("hostnames")))
            .max()
            .unwrap_or(0);
        let described = if source.get("use_dns_srv_records") == Some(&Value::Bool(true)) {
            Some("DNS SRV discovery on".to_string())
        } else if direct.max(tagged) > 1 {
            Some(format!("{} hosts", direct.max(tagged)))
        } else {
            None
        };
        if let Some(hosts) = described {
            findings.push(Finding {
                severity: Severity::Warning,
                path: at("datastore"),
                problem: KindProblem::ActiveDirectoryHosts {
                    channel: name.to_string(),
                    store: store.to_string(),
                    hosts,
                },
            });
        }
        let binary = channel
            .get("guid_binary")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let guid = channel
            .get("guid_attribute")
            .and_then(Value::as_str)
            .unwrap_or("objectGUID");
        let listed = source
            .get("binary_attributes")
            .and_then(Value::as_array)
            .is_some_and(|names| {
                names
                    .iter()
                    .any(|n| n.as_str().is_some_and(|n| n.eq_ignore_ascii_case(guid)))
            });
        if binary && !listed {
            findings.push(Finding {
                severity: Severity::Warning,
                path: at("datastore"),
                problem: KindProblem::GuidNotBinaryAttribute {
                    channel: name.to_string(),
                    store: store.to_string(),
                    attribute: guid.to_string(),
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
            "name": "staff", "user_filter": "(uid=a(b)", "population": "Staff",
            "attribute_mapping": {"username": "uid", "email": "mail"}
        }));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(found[0].path.attribute, "user_filter");
        assert_eq!(found[0].path.character, Some(6));
    }

    #[test]
    fn a_mapping_needs_what_pingone_requires_and_unknown_fields_are_warnings() {
        let found = findings(json!({
            "name": "staff", "attribute_mapping": {"emial": "mail"}
        }));
        let problems: Vec<String> = found.iter().map(|f| f.problem.message()).collect();
        assert_eq!(
            problems,
            [
                "missing `username` in the `attribute_mapping` of channel `staff`",
                "channel `staff` maps no `email`, which PingOne requires of every user",
                "channel `staff` maps no `population`, which PingOne requires of every user",
                "`emial` is not a PingOne attribute mapping field that pingform knows",
            ]
        );
        assert_eq!(found[3].severity, Severity::Warning);
        assert!(
            matches!(&found[3].problem, KindProblem::UnknownMappingField { help, .. } if help == "did you mean `email`?")
        );
    }

    #[test]
    fn a_population_is_fixed_or_mapped_never_both() {
        let mapped = findings(json!({
            "name": "staff",
            "attribute_mapping": {"username": "uid", "email": "mail", "populationID": "departmentNumber"}
        }));
        assert!(mapped.is_empty(), "{mapped:?}");
        let both = findings(json!({
            "name": "staff", "population": "Staff",
            "attribute_mapping": {"username": "uid", "email": "mail", "populationID": "departmentNumber"}
        }));
        assert_eq!(
            both[0].problem.message(),
            "`population` and `attribute_mapping.populationID` cannot both be set"
        );
    }

    struct Stores(Vec<(String, Attributes)>);

    impl Lookup for Stores {
        fn get(
            &self,
            collection: crate::model::Collection,
            id: &str,
        ) -> Option<(ResourceKind, &Attributes)> {
            (collection == DATA_STORES)
                .then(|| self.0.iter().find(|(store, _)| store == id))
                .flatten()
                .map(|(_, attributes)| (ResourceKind::DatastoreLdap, attributes))
        }
    }

    #[test]
    fn an_active_directory_source_with_several_hosts_or_a_text_guid_attribute_warns() {
        let store = |value: Value| value.as_object().unwrap().clone();
        let stores = Stores(vec![
            (
                "ad".into(),
                store(
                    json!({"ldap_type": "ACTIVE_DIRECTORY", "hostnames": ["dc1:636", "dc2:636"]}),
                ),
            ),
            (
                "ad_one".into(),
                store(
                    json!({"ldap_type": "ACTIVE_DIRECTORY", "hostnames": ["dc1:636"], "binary_attributes": ["objectGUID"]}),
                ),
            ),
            (
                "pd".into(),
                store(json!({"ldap_type": "PING_DIRECTORY", "hostnames": ["a", "b"]})),
            ),
        ]);
        let attributes = json!({"channels": [
            {"name": "a", "datastore": "ad"},
            {"name": "b", "datastore": "ad_one"},
            {"name": "c", "datastore": "pd"}
        ]})
        .as_object()
        .unwrap()
        .clone();
        let mut found = Vec::new();
        cross_check(&attributes, &stores, &mut found);
        let messages: Vec<String> = found.iter().map(|f| f.problem.message()).collect();
        assert_eq!(
            messages,
            [
                "channel `a` reads from the Active Directory store `ad`, which has 2 hosts: PingFederate may miss changes",
                "channel `a` reads `objectGUID` as a binary GUID, but the store `ad` does not list it in `binary_attributes`",
            ]
        );
    }
}
