//! `datastore "jdbc" "NAME"`: a JDBC data store (`JdbcDataStore`, reference §4.3), such
//! as the database outbound provisioning keeps its synchronization state in.

use crate::model::ResourceKind;
use crate::model::field::{
    Field, FieldDefault as D, FieldType as T, Wire, field, flag, integer, required, secret, text,
};
use crate::model::kind::{DeleteStrategy, Hooks, KindDescriptor};

use super::DATA_STORES;

const TAG_FIELDS: &[Field] = &[
    required("connection_url", Wire::Key("connectionUrl"), T::String),
    text("tags", "tags"),
    flag("default_source", "defaultSource", false),
];

pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    kind: ResourceKind::DatastoreJdbc,
    block_type: "datastore",
    label: Some("jdbc"),
    describe: "JDBC data store",
    collection: DATA_STORES,
    identity: &[(&["type"], "JDBC")],
    constants: &[],
    part: None,
    name_from_block: false,
    fields: &[
        field("name", Wire::Key("name"), T::String, D::Computed),
        required("driver_class", Wire::Key("driverClass"), T::String),
        field(
            "connection_url",
            Wire::Key("connectionUrl"),
            T::String,
            D::Computed,
        ),
        field(
            "connection_url_tags",
            Wire::Key("connectionUrlTags"),
            T::ObjectList(TAG_FIELDS),
            D::Computed,
        ),
        text("user_name", "userName"),
        secret(
            "password",
            Wire::Key("password"),
            Wire::Key("encryptedPassword"),
        ),
        text("validate_connection_sql", "validateConnectionSql"),
        flag(
            "allow_multi_value_attributes",
            "allowMultiValueAttributes",
            false,
        ),
        integer("min_pool_size", "minPoolSize", 10),
        integer("max_pool_size", "maxPoolSize", 100),
        integer("blocking_timeout", "blockingTimeout", 5000),
        integer("idle_timeout", "idleTimeout", 5),
        flag("mask_attribute_values", "maskAttributeValues", false),
    ],
    one_of: &[("connection_url", "connection_url_tags")],
    send_defaults: false,
    delete: DeleteStrategy::Delete,
    hooks: Hooks::NONE,
};
