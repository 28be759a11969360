//! `datastore "ldap" "NAME"`: an LDAP data store (`LdapDataStore`, reference §4.4), the
//! directory provisioning channels read users from.

use crate::model::field::{
    Field, FieldDefault as D, FieldType as T, ReferenceTarget, Wire, field, flag, integer,
    required, secret, since, text,
};
use crate::model::kind::{DeleteStrategy, Hooks, KindDescriptor};
use crate::model::{Release, ResourceKind};

use super::DATA_STORES;

pub const LDAP_TYPES: &[&str] = &[
    "ACTIVE_DIRECTORY",
    "ORACLE_DIRECTORY_SERVER",
    "ORACLE_UNIFIED_DIRECTORY",
    "UNBOUNDID_DS",
    "PING_DIRECTORY",
    "PING_DS",
    "GENERIC",
];

const TAG_FIELDS: &[Field] = &[
    required("hostnames", Wire::Key("hostnames"), T::StringList),
    text("tags", "tags"),
    flag("default_source", "defaultSource", false),
];

/// `/keyPairs/sslClient` is not a collection pingform reads: the id is sent as is.
static CLIENT_CERTIFICATE: ReferenceTarget = ReferenceTarget {
    collection: None,
    kinds: &[],
};

pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    kind: ResourceKind::DatastoreLdap,
    block_type: "datastore",
    label: Some("ldap"),
    describe: "LDAP data store",
    collection: DATA_STORES,
    identity: &[(&["type"], "LDAP")],
    constants: &[],
    part: None,
    name_from_block: false,
    fields: &[
        field("name", Wire::Key("name"), T::String, D::Computed),
        Field {
            // `PING_DS` joined the enum in the 12.1 spec (research 10.3.5).
            values_since: &[("PING_DS", Release::new(12, 1))],
            ..required("ldap_type", Wire::Key("ldapType"), T::Enum(LDAP_TYPES))
        },
        field(
            "hostnames",
            Wire::Key("hostnames"),
            T::StringList,
            D::Computed,
        ),
        field(
            "hostnames_tags",
            Wire::Key("hostnamesTags"),
            T::ObjectList(TAG_FIELDS),
            D::Computed,
        ),
        flag("bind_anonymously", "bindAnonymously", false),
        text("user_dn", "userDN"),
        secret(
            "password",
            Wire::Key("password"),
            Wire::Key("encryptedPassword"),
        ),
        field(
            "client_tls_certificate_id",
            Wire::Key("clientTlsCertificateRef"),
            T::Reference(&CLIENT_CERTIFICATE),
            D::None,
        ),
        flag("use_ssl", "useSsl", false),
        // `useStartTLS` is in the 12.1 spec, not in 12.0's (research 10.3.5).
        since(
            Release::new(12, 1),
            flag("use_start_tls", "useStartTLS", false),
        ),
        flag("use_dns_srv_records", "useDnsSrvRecords", false),
        flag("follow_ldap_referrals", "followLDAPReferrals", false),
        flag("retry_failed_operations", "retryFailedOperations", false),
        flag("test_on_borrow", "testOnBorrow", false),
        flag("test_on_return", "testOnReturn", false),
        field(
            "create_if_necessary",
            Wire::Key("createIfNecessary"),
            T::Bool,
            D::Computed,
        ),
        flag("verify_host", "verifyHost", true),
        integer("min_connections", "minConnections", 10),
        integer("max_connections", "maxConnections", 100),
        integer("max_wait", "maxWait", -1),
        integer("time_between_evictions", "timeBetweenEvictions", 0),
        integer("read_timeout", "readTimeout", 0),
        integer("connection_timeout", "connectionTimeout", 0),
        integer("dns_ttl", "dnsTtl", 0),
        field(
            "ldap_dns_srv_prefix",
            Wire::Key("ldapDnsSrvPrefix"),
            T::String,
            D::Str("_ldap._tcp"),
        ),
        field(
            "ldaps_dns_srv_prefix",
            Wire::Key("ldapsDnsSrvPrefix"),
            T::String,
            D::Str("_ldaps._tcp"),
        ),
        field(
            "binary_attributes",
            Wire::Key("binaryAttributes"),
            T::StringList,
            D::EmptyList,
        ),
        flag("mask_attribute_values", "maskAttributeValues", false),
    ],
    one_of: &[("hostnames", "hostnames_tags")],
    send_defaults: false,
    delete: DeleteStrategy::Delete,
    hooks: Hooks::NONE,
};
