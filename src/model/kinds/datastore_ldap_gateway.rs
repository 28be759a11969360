//! `datastore "ldap_gateway" "NAME"`: a directory reached through a PingOne LDAP
//! gateway (`PingOneLdapGatewayDataStore`, reference §4.5, spec 12.1): PingFederate
//! talks to it through the PingOne connection it names.

use crate::model::field::{
    Field, FieldDefault as D, FieldType as T, ReferenceTarget, Wire, field, flag, required, since,
};
use crate::model::kind::{DeleteStrategy, Hooks, KindDescriptor};
use crate::model::{Release, ResourceKind};

use super::{DATA_STORES, LDAP_TYPES, PINGONE_CONNECTIONS};

static PINGONE_CONNECTION: ReferenceTarget = ReferenceTarget {
    collection: Some(PINGONE_CONNECTIONS),
    kinds: &[],
};

pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    kind: ResourceKind::DatastoreLdapGateway,
    block_type: "datastore",
    label: Some("ldap_gateway"),
    describe: "PingOne LDAP gateway data store",
    collection: DATA_STORES,
    identity: &[(&["type"], "PING_ONE_LDAP_GATEWAY")],
    constants: &[],
    part: None,
    name_from_block: false,
    fields: &[
        // Reference §4.5: "<connectionRefId>:<environmentId>:<gatewayId>" when left out.
        field("name", Wire::Key("name"), T::String, D::Computed),
        Field {
            // `PING_DS` joined the enum in the 12.1 spec (research 10.3.5).
            values_since: &[("PING_DS", Release::new(12, 1))],
            ..required("ldap_type", Wire::Key("ldapType"), T::Enum(LDAP_TYPES))
        },
        required(
            "pingone_connection",
            Wire::Key("pingOneConnectionRef"),
            T::Reference(&PINGONE_CONNECTION),
        ),
        Field {
            default: D::PingOneEnvironment,
            ..required(
                "environment_id",
                Wire::Key("pingOneEnvironmentId"),
                T::String,
            )
        },
        required("gateway_id", Wire::Key("pingOneLdapGatewayId"), T::String),
        flag("use_ssl", "useSsl", false),
        // `useStartTLS` is in the 12.1 spec, not in 12.0's (research 10.3.5).
        since(
            Release::new(12, 1),
            flag("use_start_tls", "useStartTLS", false),
        ),
        field(
            "binary_attributes",
            Wire::Key("binaryAttributes"),
            T::StringList,
            D::EmptyList,
        ),
        flag("mask_attribute_values", "maskAttributeValues", false),
    ],
    one_of: &[],
    send_defaults: false,
    delete: DeleteStrategy::Delete,
    hooks: Hooks::NONE,
};
