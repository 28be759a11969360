//! `datastore "custom" "NAME"`: a data store of a plugin (`CustomDataStore`, reference
//! §4.6): a REST API, PingOne as a directory. Its settings are the plugin's
//! `configuration { fields, tables }`, written as three maps.

use crate::model::ResourceKind;
use crate::model::field::{
    Field, FieldDefault as D, FieldType as T, ReferenceTarget, Wire, field, flag, required,
};
use crate::model::kind::{DeleteStrategy, Hooks, KindDescriptor};

use super::DATA_STORES;

/// `/dataStores/descriptors/{id}`: the plugin class; not a collection pingform reads.
static PLUGIN: ReferenceTarget = ReferenceTarget {
    collection: None,
    kinds: &[],
};

const CONFIGURATION_FIELDS: &[&str] = &["configuration", "fields"];

pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    kind: ResourceKind::DatastoreCustom,
    block_type: "datastore",
    label: Some("custom"),
    describe: "custom data store",
    collection: DATA_STORES,
    identity: &[(&["type"], "CUSTOM")],
    constants: &[],
    part: None,
    name_from_block: false,
    fields: &[
        required("name", Wire::Key("name"), T::String),
        Field {
            forces_replacement: true,
            ..required(
                "plugin_descriptor_id",
                Wire::Key("pluginDescriptorRef"),
                T::Reference(&PLUGIN),
            )
        },
        field(
            "configuration",
            Wire::Entries(CONFIGURATION_FIELDS),
            T::StringMap,
            D::Computed,
        ),
        field(
            "sensitive_configuration",
            Wire::Entries(CONFIGURATION_FIELDS),
            T::SecretMap,
            D::None,
        ),
        field(
            "configuration_tables",
            Wire::Tables(&["configuration", "tables"]),
            T::TableMap,
            D::Computed,
        ),
        flag("mask_attribute_values", "maskAttributeValues", false),
    ],
    one_of: &[],
    send_defaults: false,
    delete: DeleteStrategy::Delete,
    hooks: Hooks::NONE,
};
