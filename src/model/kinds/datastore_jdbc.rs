//! `datastore "jdbc" "NAME"`: a JDBC data store (`JdbcDataStore`, reference §4.3), such
//! as the database outbound provisioning keeps its synchronization state in.

use crate::model::ResourceKind;
use crate::model::field::{
    Field, FieldDefault as D, FieldType as T, Wire, field, required, secret,
};
use crate::model::kind::{DeleteStrategy, Hooks, KindDescriptor};

use super::DATA_STORES;

const TAG_FIELDS: &[Field] = &[
    required("connection_url", Wire::Key("connectionUrl"), T::String),
    field("tags", Wire::Key("tags"), T::String, D::None),
    field(
        "default_source",
        Wire::Key("defaultSource"),
        T::Bool,
        D::Bool(false),
    ),
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
        field("user_name", Wire::Key("userName"), T::String, D::None),
        secret(
            "password",
            Wire::Key("password"),
            Wire::Key("encryptedPassword"),
        ),
        field(
            "validate_connection_sql",
            Wire::Key("validateConnectionSql"),
            T::String,
            D::None,
        ),
        field(
            "allow_multi_value_attributes",
            Wire::Key("allowMultiValueAttributes"),
            T::Bool,
            D::Bool(false),
        ),
        field(
            "min_pool_size",
            Wire::Key("minPoolSize"),
            T::Integer,
            D::Integer(10),
        ),
        field(
            "max_pool_size",
            Wire::Key("maxPoolSize"),
            T::Integer,
            D::Integer(100),
        ),
        field(
            "blocking_timeout",
            Wire::Key("blockingTimeout"),
            T::Integer,
            D::Integer(5000),
        ),
        field(
            "idle_timeout",
            Wire::Key("idleTimeout"),
            T::Integer,
            D::Integer(5),
        ),
        field(
            "mask_attribute_values",
            Wire::Key("maskAttributeValues"),
            T::Bool,
            D::Bool(false),
        ),
    ],
    one_of: &[("connection_url", "connection_url_tags")],
    send_defaults: false,
    delete: DeleteStrategy::Delete,
    hooks: Hooks::NONE,
};
