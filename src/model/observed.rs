//! The live view: objects as a refresh read them, converted to model space, by
//! collection and id; and the ids of objects of kinds pingform does not manage.

use std::collections::BTreeMap;

use super::{Attributes, Collection, FieldMap, RawJson, ResourceKind};

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
    /// The object as PingFederate returned it: every write starts from it, so what
    /// pingform does not own goes back as it was. `None` for objects not read from a
    /// server.
    pub raw: Option<RawJson>,
    /// The part of the object this kind manages is absent (an SP connection that has
    /// no outbound provisioning yet).
    pub part_missing: bool,
}

impl ObservedObject {
    /// An object known only by its attributes (tests, records).
    pub fn new(
        kind: ResourceKind,
        id: impl Into<String>,
        attributes: Attributes,
        encrypted: FieldMap<String>,
    ) -> ObservedObject {
        ObservedObject {
            kind,
            id: id.into(),
            attributes,
            encrypted,
            raw: None,
            part_missing: false,
        }
    }

    /// The wire body as read, parsed.
    pub fn raw_value(&self) -> Option<serde_json::Value> {
        self.raw.as_ref().and_then(|raw| raw.parse().ok())
    }
}

/// Everything one refresh read.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    objects: BTreeMap<(Collection, String), ObservedObject>,
    /// Ids in a collection that belong to object types pingform does not manage
    /// (a PingOne LDAP gateway data store, say), with what they are ("a
    /// PING_ONE_LDAP_GATEWAY data store").
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

    pub fn insert_foreign(&mut self, collection: Collection, id: String, what: String) {
        self.foreign.insert((collection, id), what);
    }

    pub fn get(&self, collection: Collection, id: &str) -> Option<&ObservedObject> {
        self.objects.get(&(collection, id.to_string()))
    }

    pub fn foreign(&self, collection: Collection, id: &str) -> Option<&str> {
        self.foreign
            .get(&(collection, id.to_string()))
            .map(String::as_str)
    }

    /// Every object of a type pingform does not manage: collection, id, what it is.
    pub fn foreign_objects(&self) -> impl Iterator<Item = (Collection, &str, &str)> {
        self.foreign
            .iter()
            .map(|((collection, id), what)| (*collection, id.as_str(), what.as_str()))
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
