use std::collections::BTreeMap;

use super::{Attributes, FieldMap, ResourceKind};

/// The API collection an object lives in. Objects are identified by collection and id:
/// data stores of every type share one id space.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Collection {
    DataStores,
    OutboundProvisioning,
    PingOneConnections,
    SpConnections,
}

impl ResourceKind {
    pub fn collection(self) -> Collection {
        match self {
            ResourceKind::DatastoreJdbc
            | ResourceKind::DatastoreLdap
            | ResourceKind::DatastoreCustom => Collection::DataStores,
            ResourceKind::OutboundProvisioning => Collection::OutboundProvisioning,
            ResourceKind::PingOneConnection => Collection::PingOneConnections,
            ResourceKind::ProvisioningConnection => Collection::SpConnections,
        }
    }
}

/// The id the singleton outbound provisioning settings are known by.
pub const SINGLETON_ID: &str = "settings";

/// One live object as read from the API, converted to model space.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedObject {
    pub kind: ResourceKind,
    pub id: String,
    /// Every field the server returned that the schema knows, in model space.
    pub attributes: Attributes,
    /// Encrypted forms of write-only secrets by field path (`password`,
    /// `sensitive_configuration.Password`). Ciphertext, never plain text.
    pub encrypted: FieldMap<String>,
}

/// Everything one refresh read.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    objects: BTreeMap<(Collection, String), ObservedObject>,
    /// Ids in a collection that belong to object types pingform does not manage
    /// (a PingOne LDAP gateway data store, say), with their wire type.
    foreign: BTreeMap<(Collection, String), String>,
}

impl Observed {
    pub fn insert(&mut self, object: ObservedObject) {
        self.objects
            .insert((object.kind.collection(), object.id.clone()), object);
    }

    /// Takes every object of `other` (another collection's refresh).
    pub fn merge(&mut self, other: Observed) {
        self.objects.extend(other.objects);
        self.foreign.extend(other.foreign);
    }

    pub fn insert_foreign(&mut self, collection: Collection, id: String, wire_type: String) {
        self.foreign.insert((collection, id), wire_type);
    }

    pub fn get(&self, collection: Collection, id: &str) -> Option<&ObservedObject> {
        self.objects.get(&(collection, id.to_string()))
    }

    pub fn foreign_type(&self, collection: Collection, id: &str) -> Option<&str> {
        self.foreign
            .get(&(collection, id.to_string()))
            .map(String::as_str)
    }

    pub fn objects(&self) -> impl Iterator<Item = &ObservedObject> {
        self.objects.values()
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}
