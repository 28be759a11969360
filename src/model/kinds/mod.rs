//! The registry of resource kinds: one file per kind, each a [`KindDescriptor`], and
//! the collections they live in. Adding a kind means a file here, a variant of
//! [`ResourceKind`] with its line in [`ResourceKind::descriptor`], and (for a new API
//! collection) a line in [`COLLECTIONS`]; everything else reads the descriptor.

mod datastore_custom;
mod datastore_jdbc;
mod datastore_ldap;
mod datastore_ldap_gateway;
mod outbound_provisioning;
mod pingone_connection;
mod provisioning_connection;

use super::collection::{Collection, CollectionInfo};
use super::field::Field;
use super::kind::KindDescriptor;

pub use datastore_ldap::LDAP_TYPES;
pub use outbound_provisioning::{
    DEFAULT_PROVISIONING_DATASTORE_ID, DEFAULT_SYNCHRONIZATION_FREQUENCY,
};
pub use provisioning_connection::{
    ACCOUNT_STATUS_ALGORITHMS, CHANGED_USERS_ALGORITHMS, CHANNEL_BLOCK, CHANNEL_FIELDS,
    PINGONE_MAPPING_FIELDS, REMOVE_ACTIONS, dn_attribute,
};

/// `/dataStores`: every type of data store shares the id space.
pub const DATA_STORES: Collection = Collection(&CollectionInfo {
    name: "data_stores",
    path: "/dataStores",
    noun: "data store",
    singleton: false,
    foreign: "a data store of a type pingform does not manage",
});

/// `/serverSettings/outboundProvisioning`: one object.
pub const OUTBOUND_PROVISIONING: Collection = Collection(&CollectionInfo {
    name: "outbound_provisioning",
    path: "/serverSettings/outboundProvisioning",
    noun: "outbound provisioning settings",
    singleton: true,
    foreign: "outbound provisioning settings pingform cannot read",
});

/// `/pingOneConnections`.
pub const PINGONE_CONNECTIONS: Collection = Collection(&CollectionInfo {
    name: "pingone_connections",
    path: "/pingOneConnections",
    noun: "PingOne connection",
    singleton: false,
    foreign: "a PingOne connection pingform cannot read",
});

/// `/idp/spConnections`: SP connections, of which pingform manages those with PingOne
/// outbound provisioning.
pub const SP_CONNECTIONS: Collection = Collection(&CollectionInfo {
    name: "sp_connections",
    path: "/idp/spConnections",
    noun: "provisioning connection",
    singleton: false,
    foreign: "an SP connection that provisions to another target than PingOne",
});

/// Every collection, in the order a refresh reads them.
pub const COLLECTIONS: &[Collection] = &[
    DATA_STORES,
    OUTBOUND_PROVISIONING,
    PINGONE_CONNECTIONS,
    SP_CONNECTIONS,
];

/// The collection with this stable name.
pub fn collection_named(name: &str) -> Option<Collection> {
    COLLECTIONS
        .iter()
        .copied()
        .find(|collection| collection.name() == name)
}

impl<'de> serde::Deserialize<'de> for Collection {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Collection, D::Error> {
        let name = String::deserialize(deserializer)?;
        collection_named(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown collection `{name}`")))
    }
}

/// The kinds of object pingform manages.
///
/// The declaration order is the canonical order of kinds (data stores before the
/// settings that point at them), used wherever a stable order is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    DatastoreJdbc,
    DatastoreLdap,
    DatastoreCustom,
    DatastoreLdapGateway,
    OutboundProvisioning,
    PingOneConnection,
    ProvisioningConnection,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 7] = [
        ResourceKind::DatastoreJdbc,
        ResourceKind::DatastoreLdap,
        ResourceKind::DatastoreCustom,
        ResourceKind::DatastoreLdapGateway,
        ResourceKind::OutboundProvisioning,
        ResourceKind::PingOneConnection,
        ResourceKind::ProvisioningConnection,
    ];

    /// Everything about the kind.
    pub fn descriptor(self) -> &'static KindDescriptor {
        match self {
            ResourceKind::DatastoreJdbc => &datastore_jdbc::DESCRIPTOR,
            ResourceKind::DatastoreLdap => &datastore_ldap::DESCRIPTOR,
            ResourceKind::DatastoreCustom => &datastore_custom::DESCRIPTOR,
            ResourceKind::DatastoreLdapGateway => &datastore_ldap_gateway::DESCRIPTOR,
            ResourceKind::OutboundProvisioning => &outbound_provisioning::DESCRIPTOR,
            ResourceKind::PingOneConnection => &pingone_connection::DESCRIPTOR,
            ResourceKind::ProvisioningConnection => &provisioning_connection::DESCRIPTOR,
        }
    }

    /// The HCL block type: `datastore`, `outbound_provisioning`.
    pub fn block_type(self) -> &'static str {
        self.descriptor().block_type
    }

    /// The kind label of a block type several kinds share (`jdbc`, `ldap`, `custom`).
    pub fn kind_label(self) -> Option<&'static str> {
        self.descriptor().label
    }

    /// The start of its block header: `datastore "jdbc"`, `pingone_connection`.
    pub fn block_prefix(self) -> String {
        match self.kind_label() {
            Some(label) => format!("{} \"{label}\"", self.block_type()),
            None => self.block_type().to_string(),
        }
    }

    /// The kind of a block, from its type and (for shared types) its first label.
    pub fn from_block(block_type: &str, label: Option<&str>) -> Option<ResourceKind> {
        Self::ALL.into_iter().find(|kind| {
            let descriptor = kind.descriptor();
            descriptor.block_type == block_type
                && (descriptor.label.is_none() || descriptor.label == label)
        })
    }

    /// Whether several kinds share this kind's block type, told apart by a label.
    pub fn has_kind_label(block_type: &str) -> bool {
        Self::ALL
            .into_iter()
            .any(|kind| kind.block_type() == block_type && kind.kind_label().is_some())
    }

    /// The kind labels of a shared block type, for messages.
    pub fn kind_labels(block_type: &str) -> Vec<&'static str> {
        Self::ALL
            .into_iter()
            .filter(|kind| kind.block_type() == block_type)
            .filter_map(ResourceKind::kind_label)
            .collect()
    }

    /// Every resource block type, once, in kind order.
    pub fn block_types() -> Vec<&'static str> {
        let mut types: Vec<&'static str> = Vec::new();
        for kind in Self::ALL {
            if !types.contains(&kind.block_type()) {
                types.push(kind.block_type());
            }
        }
        types
    }

    /// The value of the wire `type` discriminator (`JDBC`), where the kind has one.
    pub fn wire_type(self) -> Option<&'static str> {
        self.descriptor()
            .identity
            .iter()
            .find(|(path, _)| *path == ["type"])
            .map(|(_, value)| *value)
    }

    pub fn collection(self) -> Collection {
        self.descriptor().collection
    }

    pub fn is_datastore(self) -> bool {
        self.collection() == DATA_STORES
    }

    /// Singletons have one address and no name (`outbound_provisioning`).
    pub fn is_singleton(self) -> bool {
        self.collection().is_singleton()
    }

    /// The fields of this kind, in the order they are shown.
    pub fn fields(self) -> &'static [Field] {
        self.descriptor().fields
    }

    pub fn field(self, name: &str) -> Option<&'static Field> {
        self.descriptor().field(name)
    }

    /// A short human name: "JDBC data store", "outbound provisioning settings".
    pub fn describe(self) -> &'static str {
        self.descriptor().describe
    }

    /// The kinds whose objects live in `collection`.
    pub fn in_collection(collection: Collection) -> impl Iterator<Item = ResourceKind> + Clone {
        Self::ALL
            .into_iter()
            .filter(move |kind| kind.collection() == collection)
    }
}

/// PingFederate's rule for client-chosen ids (reference §2).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FieldType;

    #[test]
    fn ids_follow_the_pingfederate_pattern() {
        assert!(is_valid_id("ProvisionerDS"));
        assert!(is_valid_id("corp_directory-2.a"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("has space"));
        assert!(!is_valid_id("slash/id"));
    }

    #[test]
    fn every_descriptor_names_its_own_kind_and_unique_fields() {
        for kind in ResourceKind::ALL {
            assert_eq!(kind.descriptor().kind, kind);
            let mut names: Vec<&str> = kind.fields().iter().map(|f| f.name).collect();
            for (_, nested) in kind.descriptor().nested_blocks() {
                let mut inner: Vec<&str> = nested.fields.iter().map(|f| f.name).collect();
                inner.sort_unstable();
                let before = inner.len();
                inner.dedup();
                assert_eq!(before, inner.len(), "{kind:?} repeats a nested field name");
            }
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len(), "{kind:?} repeats a field name");
        }
    }

    #[test]
    fn collections_read_back_by_name() {
        for collection in COLLECTIONS {
            let text = serde_json::to_string(&collection).unwrap();
            let back: Collection = serde_json::from_str(&text).unwrap();
            assert_eq!(back, *collection);
        }
        assert!(serde_json::from_str::<Collection>("\"nope\"").is_err());
    }

    #[test]
    fn every_collection_is_registered_and_blocks_name_one_kind() {
        for kind in ResourceKind::ALL {
            assert!(COLLECTIONS.contains(&kind.collection()), "{kind:?}");
            assert_eq!(
                ResourceKind::from_block(kind.block_type(), kind.kind_label()),
                Some(kind)
            );
            for field in kind.fields() {
                if let FieldType::Reference(target) = field.ty
                    && let Some(collection) = target.collection
                {
                    assert!(COLLECTIONS.contains(&collection));
                }
            }
        }
    }
}
