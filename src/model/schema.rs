//! The field tables of every resource kind.
//!
//! One row per field: its HCL name, its PingFederate wire name, its type, and what the
//! server does when the field is left out. Configuration checks (unknown attribute,
//! wrong type, missing required), the wire mapping in the provider and the
//! normalisation in the plan all read these tables, so adding a field is one line.

/// What PingFederate does with a field the request leaves out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldDefault {
    /// Nothing: the field stays empty. Left out of the configuration means "empty".
    None,
    /// The server stores this value. Left out of the configuration means this value.
    Bool(bool),
    Integer(i64),
    Str(&'static str),
    EmptyList,
    /// The server computes a value (a name, tag lists). Left out of the configuration
    /// means "whatever the server computes", which never shows as a change.
    Computed,
}

impl FieldDefault {
    /// The stored value for fields with a fixed default.
    pub fn value(self) -> Option<serde_json::Value> {
        match self {
            FieldDefault::Bool(b) => Some(b.into()),
            FieldDefault::Integer(i) => Some(i.into()),
            FieldDefault::Str(s) => Some(s.into()),
            FieldDefault::EmptyList => Some(serde_json::Value::Array(Vec::new())),
            FieldDefault::None | FieldDefault::Computed => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldType {
    String,
    /// A string restricted to the listed values.
    Enum(&'static [&'static str]),
    Bool,
    Integer,
    StringList,
    /// A list of objects with the given fields (tag configurations).
    ObjectList(&'static [Field]),
    /// A map of string to string (custom plugin fields).
    StringMap,
    /// A map of secret strings (sensitive custom plugin fields); each value is a secret.
    SecretMap,
    /// A map of table name to rows, each row a map of string to string.
    TableMap,
    /// The id of another object, sent as a ResourceLink `{ "id": ... }`.
    Reference,
}

impl FieldType {
    /// How the type is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            FieldType::String | FieldType::Enum(_) | FieldType::Reference => "string",
            FieldType::Bool => "bool",
            FieldType::Integer => "number",
            FieldType::StringList => "list of strings",
            FieldType::ObjectList(_) => "list of objects",
            FieldType::StringMap | FieldType::SecretMap => "map of strings",
            FieldType::TableMap => "map of lists of objects",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// HCL and model name (snake_case).
    pub name: &'static str,
    /// PingFederate JSON name.
    pub wire: &'static str,
    pub ty: FieldType,
    pub required: bool,
    pub default: FieldDefault,
    /// Write-only secret: the wire name the server returns instead (`encryptedPassword`).
    pub encrypted_wire: Option<&'static str>,
    /// Changing it means delete and create, not an update.
    pub forces_replacement: bool,
}

const fn field(
    name: &'static str,
    wire: &'static str,
    ty: FieldType,
    default: FieldDefault,
) -> Field {
    Field {
        name,
        wire,
        ty,
        required: false,
        default,
        encrypted_wire: None,
        forces_replacement: false,
    }
}

const fn required(name: &'static str, wire: &'static str, ty: FieldType) -> Field {
    Field {
        name,
        wire,
        ty,
        required: true,
        default: FieldDefault::None,
        encrypted_wire: None,
        forces_replacement: false,
    }
}

const fn secret(name: &'static str, wire: &'static str, encrypted_wire: &'static str) -> Field {
    Field {
        name,
        wire,
        ty: FieldType::String,
        required: false,
        default: FieldDefault::None,
        encrypted_wire: Some(encrypted_wire),
        forces_replacement: false,
    }
}

impl Field {
    pub fn is_secret(&self) -> bool {
        self.encrypted_wire.is_some() || self.ty == FieldType::SecretMap
    }
}

use FieldDefault as D;
use FieldType as T;

pub const LDAP_TYPES: &[&str] = &[
    "ACTIVE_DIRECTORY",
    "ORACLE_DIRECTORY_SERVER",
    "ORACLE_UNIFIED_DIRECTORY",
    "UNBOUNDID_DS",
    "PING_DIRECTORY",
    "PING_DS",
    "GENERIC",
];

const JDBC_TAG_FIELDS: &[Field] = &[
    required("connection_url", "connectionUrl", T::String),
    field("tags", "tags", T::String, D::None),
    field("default_source", "defaultSource", T::Bool, D::Bool(false)),
];

const LDAP_TAG_FIELDS: &[Field] = &[
    required("hostnames", "hostnames", T::StringList),
    field("tags", "tags", T::String, D::None),
    field("default_source", "defaultSource", T::Bool, D::Bool(false)),
];

/// `JdbcDataStore` (reference §4.3).
pub const JDBC_FIELDS: &[Field] = &[
    field("name", "name", T::String, D::Computed),
    required("driver_class", "driverClass", T::String),
    field("connection_url", "connectionUrl", T::String, D::Computed),
    field(
        "connection_url_tags",
        "connectionUrlTags",
        T::ObjectList(JDBC_TAG_FIELDS),
        D::Computed,
    ),
    field("user_name", "userName", T::String, D::None),
    secret("password", "password", "encryptedPassword"),
    field(
        "validate_connection_sql",
        "validateConnectionSql",
        T::String,
        D::None,
    ),
    field(
        "allow_multi_value_attributes",
        "allowMultiValueAttributes",
        T::Bool,
        D::Bool(false),
    ),
    field("min_pool_size", "minPoolSize", T::Integer, D::Integer(10)),
    field("max_pool_size", "maxPoolSize", T::Integer, D::Integer(100)),
    field(
        "blocking_timeout",
        "blockingTimeout",
        T::Integer,
        D::Integer(5000),
    ),
    field("idle_timeout", "idleTimeout", T::Integer, D::Integer(5)),
    field(
        "mask_attribute_values",
        "maskAttributeValues",
        T::Bool,
        D::Bool(false),
    ),
];

/// `LdapDataStore` (reference §4.4).
pub const LDAP_FIELDS: &[Field] = &[
    field("name", "name", T::String, D::Computed),
    required("ldap_type", "ldapType", T::Enum(LDAP_TYPES)),
    field("hostnames", "hostnames", T::StringList, D::Computed),
    field(
        "hostnames_tags",
        "hostnamesTags",
        T::ObjectList(LDAP_TAG_FIELDS),
        D::Computed,
    ),
    field(
        "bind_anonymously",
        "bindAnonymously",
        T::Bool,
        D::Bool(false),
    ),
    field("user_dn", "userDN", T::String, D::None),
    secret("password", "password", "encryptedPassword"),
    field(
        "client_tls_certificate_id",
        "clientTlsCertificateRef",
        T::Reference,
        D::None,
    ),
    field("use_ssl", "useSsl", T::Bool, D::Bool(false)),
    field("use_start_tls", "useStartTLS", T::Bool, D::Bool(false)),
    field(
        "use_dns_srv_records",
        "useDnsSrvRecords",
        T::Bool,
        D::Bool(false),
    ),
    field(
        "follow_ldap_referrals",
        "followLDAPReferrals",
        T::Bool,
        D::Bool(false),
    ),
    field(
        "retry_failed_operations",
        "retryFailedOperations",
        T::Bool,
        D::Bool(false),
    ),
    field("test_on_borrow", "testOnBorrow", T::Bool, D::Bool(false)),
    field("test_on_return", "testOnReturn", T::Bool, D::Bool(false)),
    field(
        "create_if_necessary",
        "createIfNecessary",
        T::Bool,
        D::Computed,
    ),
    field("verify_host", "verifyHost", T::Bool, D::Bool(true)),
    field(
        "min_connections",
        "minConnections",
        T::Integer,
        D::Integer(10),
    ),
    field(
        "max_connections",
        "maxConnections",
        T::Integer,
        D::Integer(100),
    ),
    field("max_wait", "maxWait", T::Integer, D::Integer(-1)),
    field(
        "time_between_evictions",
        "timeBetweenEvictions",
        T::Integer,
        D::Integer(0),
    ),
    field("read_timeout", "readTimeout", T::Integer, D::Integer(0)),
    field(
        "connection_timeout",
        "connectionTimeout",
        T::Integer,
        D::Integer(0),
    ),
    field("dns_ttl", "dnsTtl", T::Integer, D::Integer(0)),
    field(
        "ldap_dns_srv_prefix",
        "ldapDnsSrvPrefix",
        T::String,
        D::Str("_ldap._tcp"),
    ),
    field(
        "ldaps_dns_srv_prefix",
        "ldapsDnsSrvPrefix",
        T::String,
        D::Str("_ldaps._tcp"),
    ),
    field(
        "binary_attributes",
        "binaryAttributes",
        T::StringList,
        D::EmptyList,
    ),
    field(
        "mask_attribute_values",
        "maskAttributeValues",
        T::Bool,
        D::Bool(false),
    ),
];

/// `CustomDataStore` (reference §4.6). The three configuration maps are folded into
/// the wire `configuration { fields, tables }` by the provider.
pub const CUSTOM_FIELDS: &[Field] = &[
    required("name", "name", T::String),
    Field {
        forces_replacement: true,
        ..required("plugin_descriptor_id", "pluginDescriptorRef", T::Reference)
    },
    field("configuration", "configuration", T::StringMap, D::Computed),
    field(
        "sensitive_configuration",
        "configuration",
        T::SecretMap,
        D::None,
    ),
    field(
        "configuration_tables",
        "configuration",
        T::TableMap,
        D::Computed,
    ),
    field(
        "mask_attribute_values",
        "maskAttributeValues",
        T::Bool,
        D::Bool(false),
    ),
];

/// `OutboundProvisionDatabase` (reference §5).
pub const OUTBOUND_PROVISIONING_FIELDS: &[Field] = &[
    required("datastore", "dataStoreRef", T::Reference),
    field(
        "synchronization_frequency",
        "synchronizationFrequency",
        T::Integer,
        D::Integer(60),
    ),
];

/// PingFederate `PingOneConnection` (reference §4.5, spec `PingOneConnection`): the
/// credential PingFederate uses to reach PingOne. The server fills in the environment,
/// region and endpoints from the credential; those are read-only and not modelled.
pub const PINGONE_CONNECTION_FIELDS: &[Field] = &[
    required("name", "name", T::String),
    field("description", "description", T::String, D::None),
    field("active", "active", T::Bool, D::Computed),
    Field {
        required: true,
        ..secret("credential", "credential", "encryptedCredential")
    },
];

pub const REMOVE_ACTIONS: &[&str] = &["Disable", "Delete"];
pub const CHANGED_USERS_ALGORITHMS: &[&str] =
    &["ACTIVE_DIRECTORY_USN", "TIMESTAMP", "TIMESTAMP_NO_NEGATION"];
pub const ACCOUNT_STATUS_ALGORITHMS: &[&str] = &[
    "ACCOUNT_STATUS_ALGORITHM_AD",
    "ACCOUNT_STATUS_ALGORITHM_FLAG",
];

/// One provisioning channel (reference §6.3), flattened: the provider folds these into
/// `channelSource { changeDetectionSettings, groupMembershipDetection,
/// accountManagementSettings, userSourceLocation, groupSourceLocation }` and the
/// attribute mapping. Defaults are PingDirectory's; Active Directory sets
/// `guid_attribute = "objectGUID"`, `guid_binary = true`, `changed_users_algorithm =
/// "ACTIVE_DIRECTORY_USN"` and so on.
pub const CHANNEL_FIELDS: &[Field] = &[
    required("name", "name", T::String),
    field("active", "active", T::Bool, D::Bool(true)),
    required("datastore", "dataSource", T::Reference),
    required("base_dn", "baseDn", T::String),
    field("user_filter", "filter", T::String, D::None),
    field("group_dn", "groupDN", T::String, D::None),
    field("nested_search", "nestedSearch", T::Bool, D::Bool(false)),
    field("population_id", "populationID", T::String, D::None),
    field(
        "guid_attribute",
        "guidAttributeName",
        T::String,
        D::Str("entryUUID"),
    ),
    field("guid_binary", "guidBinary", T::Bool, D::Bool(false)),
    field(
        "user_object_class",
        "userObjectClass",
        T::String,
        D::Str("inetOrgPerson"),
    ),
    field(
        "group_object_class",
        "groupObjectClass",
        T::String,
        D::Str("groupOfUniqueNames"),
    ),
    field(
        "changed_users_algorithm",
        "changedUsersAlgorithm",
        T::Enum(CHANGED_USERS_ALGORITHMS),
        D::Str("TIMESTAMP_NO_NEGATION"),
    ),
    field(
        "timestamp_attribute",
        "timeStampAttributeName",
        T::String,
        D::Str("modifyTimestamp"),
    ),
    field("usn_attribute", "usnAttributeName", T::String, D::None),
    field(
        "group_member_attribute",
        "groupMemberAttributeName",
        T::String,
        D::Str("uniqueMember"),
    ),
    field(
        "member_of_group_attribute",
        "memberOfGroupAttributeName",
        T::String,
        D::None,
    ),
    field(
        "account_status_attribute",
        "accountStatusAttributeName",
        T::String,
        D::Str("nsaccountlock"),
    ),
    field(
        "account_status_algorithm",
        "accountStatusAlgorithm",
        T::Enum(ACCOUNT_STATUS_ALGORITHMS),
        D::Str("ACCOUNT_STATUS_ALGORITHM_FLAG"),
    ),
    field(
        "flag_comparison_value",
        "flagComparisonValue",
        T::String,
        D::Str("true"),
    ),
    field(
        "flag_comparison_status",
        "flagComparisonStatus",
        T::Bool,
        D::Bool(true),
    ),
    field("default_status", "defaultStatus", T::Bool, D::Bool(true)),
    field("max_threads", "maxThreads", T::Integer, D::Integer(1)),
    field("timeout", "timeout", T::Integer, D::Integer(60)),
    required("attribute_mapping", "attributeMapping", T::StringMap),
];

/// A PingFederate SP connection whose `outboundProvision` type is `PingOne`
/// (reference §6). The PingOne environment is the target setting
/// `PINGONE_ENVIRONMENT = "<pingone connection id>|<environment id>"`.
pub const PROVISIONING_CONNECTION_FIELDS: &[Field] = &[
    required("entity_id", "entityId", T::String),
    required("name", "name", T::String),
    field("active", "active", T::Bool, D::Bool(false)),
    required("pingone_connection", "PINGONE_ENVIRONMENT", T::Reference),
    required("environment_id", "PINGONE_ENVIRONMENT", T::String),
    field(
        "create_users",
        "CREATE_USERS_PROV_OPT",
        T::Bool,
        D::Bool(true),
    ),
    field(
        "update_users",
        "UPDATE_USERS_PROV_OPT",
        T::Bool,
        D::Bool(true),
    ),
    field(
        "remove_users",
        "REMOVE_USERS_PROV_OPT",
        T::Bool,
        D::Bool(true),
    ),
    field(
        "provision_disabled_users",
        "PROVISION_DISABLED_USERS_PROV_OPT",
        T::Bool,
        D::Bool(true),
    ),
    field(
        "remove_action",
        "REMOVE_ACTION",
        T::Enum(REMOVE_ACTIONS),
        D::Str("Disable"),
    ),
    required("channels", "channels", T::ObjectList(CHANNEL_FIELDS)),
];

/// PingFederate's rule for client-chosen ids (reference §2).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The settings PingFederate falls back to when outbound provisioning is "removed".
pub const DEFAULT_PROVISIONING_DATASTORE_ID: &str = "ProvisionerDS";
pub const DEFAULT_SYNCHRONIZATION_FREQUENCY: i64 = 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_pingfederate_pattern() {
        assert!(is_valid_id("ProvisionerDS"));
        assert!(is_valid_id("corp_directory-2.a"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("has space"));
        assert!(!is_valid_id("slash/id"));
    }

    #[test]
    fn field_names_are_unique_per_kind() {
        for kind in crate::model::ResourceKind::ALL {
            let mut names: Vec<&str> = kind.fields().iter().map(|f| f.name).collect();
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len(), "{kind:?} repeats a field name");
        }
    }
}
