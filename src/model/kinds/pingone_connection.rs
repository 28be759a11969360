//! `pingone_connection "NAME"`: PingFederate's `PingOneConnection` (reference §4.5,
//! spec `PingOneConnection`), the credential PingFederate uses to reach PingOne. The
//! server fills in the environment, region and endpoints from the credential; those
//! are read-only and not modelled.

use crate::model::ResourceKind;
use crate::model::field::{
    Field, FieldDefault as D, FieldType as T, Wire, field, required, secret, text,
};
use crate::model::kind::{DeleteStrategy, Hooks, KindDescriptor};

use super::PINGONE_CONNECTIONS;

pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    kind: ResourceKind::PingOneConnection,
    block_type: "pingone_connection",
    label: None,
    describe: "PingOne connection",
    collection: PINGONE_CONNECTIONS,
    identity: &[],
    constants: &[],
    part: None,
    name_from_block: true,
    fields: &[
        required("name", Wire::Key("name"), T::String),
        text("description", "description"),
        field("active", Wire::Key("active"), T::Bool, D::Computed),
        Field {
            required: true,
            ..secret(
                "credential",
                Wire::Key("credential"),
                Wire::Key("encryptedCredential"),
            )
        },
    ],
    one_of: &[],
    send_defaults: false,
    delete: DeleteStrategy::Delete,
    hooks: Hooks::NONE,
};
