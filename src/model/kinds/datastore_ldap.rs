//! `datastore "ldap" "NAME"`: an LDAP data store (`LdapDataStore`, reference §4.4), the
//! directory provisioning channels read users from.

use crate::model::field::{
    Field, FieldDefault as D, FieldType as T, ReferenceTarget, Wire, field, required, secret, since,
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
    field("tags", Wire::Key("tags"), T::String, D::None),
    field(
        "default_source",
        Wire::Key("defaultSource"),
        T::Bool,
        D::Bool(false),
    ),
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
        field(
            "bind_anonymously",
            Wire::Key("bindAnonymously"),
            T::Bool,
            D::Bool(false),
        ),
        field("user_dn", Wire::Key("userDN"), T::String, D::None),
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
        field("use_ssl", Wire::Key("useSsl"), T::Bool, D::Bool(false)),
        // `useStartTLS` is in the 12.1 spec, not in 12.0's (research 10.3.5).
        since(
            Release::new(12, 1),
            field(
                "use_start_tls",
                Wire::Key("useStartTLS"),
                T::Bool,
                D::Bool(false),
            ),
        ),
        field(
            "use_dns_srv_records",
            Wire::Key("useDnsSrvRecords"),
            T::Bool,
            D::Bool(false),
        ),
        field(
            "follow_ldap_referrals",
            Wire::Key("followLDAPReferrals"),
            T::Bool,
            D::Bool(false),
        ),
        field(
            "retry_failed_operations",
            Wire::Key("retryFailedOperations"),
            T::Bool,
            D::Bool(false),
        ),
        field(
            "test_on_borrow",
            Wire::Key("testOnBorrow"),
            T::Bool,
            D::Bool(false),
        ),
        field(
            "test_on_return",
            Wire::Key("testOnReturn"),
            T::Bool,
            D::Bool(false),
        ),
        field(
            "create_if_necessary",
            Wire::Key("createIfNecessary"),
            T::Bool,
            D::Computed,
        ),
        field(
            "verify_host",
            Wire::Key("verifyHost"),
            T::Bool,
            D::Bool(true),
        ),
        field(
            "min_connections",
            Wire::Key("minConnections"),
            T::Integer,
            D::Integer(10),
        ),
        field(
            "max_connections",
            Wire::Key("maxConnections"),
            T::Integer,
            D::Integer(100),
        ),
        field("max_wait", Wire::Key("maxWait"), T::Integer, D::Integer(-1)),
        field(
            "time_between_evictions",
            Wire::Key("timeBetweenEvictions"),
            T::Integer,
            D::Integer(0),
        ),
        field(
            "read_timeout",
            Wire::Key("readTimeout"),
            T::Integer,
            D::Integer(0),
        ),
        field(
            "connection_timeout",
            Wire::Key("connectionTimeout"),
            T::Integer,
            D::Integer(0),
        ),
        field("dns_ttl", Wire::Key("dnsTtl"), T::Integer, D::Integer(0)),
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
        field(
            "mask_attribute_values",
            Wire::Key("maskAttributeValues"),
            T::Bool,
            D::Bool(false),
        ),
    ],
    one_of: &[("hostnames", "hostnames_tags")],
    send_defaults: false,
    delete: DeleteStrategy::Delete,
    hooks: Hooks::NONE,
};
