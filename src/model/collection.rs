//! API collections: where objects live (`/dataStores`) and the id space they share.
//! Objects are identified by collection and id: data stores of every type share one
//! id space. The collections themselves are declared with the kinds, in `kinds/`.

use std::fmt;

/// What pingform knows of one collection.
#[derive(Debug, PartialEq, Eq)]
pub struct CollectionInfo {
    /// A stable name, used in saved plans and state (`data_stores`).
    pub name: &'static str,
    /// The path below the Admin API base URL (`/dataStores`).
    pub path: &'static str,
    /// What one object is called in messages ("data store").
    pub noun: &'static str,
    /// One object without an id (`/serverSettings/outboundProvisioning`).
    pub singleton: bool,
    /// What an object of the collection that is of none of pingform's kinds is, when
    /// no wire `type` says it better: "an SP connection without PingOne provisioning".
    pub foreign: &'static str,
}

/// One API collection. Compared, ordered and serialized by name.
#[derive(Clone, Copy)]
pub struct Collection(pub &'static CollectionInfo);

impl Collection {
    pub fn name(self) -> &'static str {
        self.0.name
    }

    pub fn path(self) -> &'static str {
        self.0.path
    }

    pub fn noun(self) -> &'static str {
        self.0.noun
    }

    pub fn is_singleton(self) -> bool {
        self.0.singleton
    }

    pub fn foreign(self) -> &'static str {
        self.0.foreign
    }

    /// The path of one object: the collection's path, or `path/{id}`.
    pub fn object_path(self, id: &str) -> String {
        if self.is_singleton() {
            return self.path().to_string();
        }
        format!("{}/{}", self.path(), encode_path_segment(id))
    }

    pub fn by_name(name: &str) -> Option<Collection> {
        super::kinds::COLLECTIONS
            .iter()
            .copied()
            .find(|collection| collection.name() == name)
    }
}

/// Ids are `[a-zA-Z0-9._-]`, so this only matters for ids PingFederate itself made up.
fn encode_path_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'_' | b'-' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

impl PartialEq for Collection {
    fn eq(&self, other: &Collection) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Collection {}

impl PartialOrd for Collection {
    fn partial_cmp(&self, other: &Collection) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Collection {
    fn cmp(&self, other: &Collection) -> std::cmp::Ordering {
        self.name().cmp(other.name())
    }
}

impl std::hash::Hash for Collection {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name().hash(state);
    }
}

impl fmt::Debug for Collection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Collection {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Collection {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Collection, D::Error> {
        let name = String::deserialize(deserializer)?;
        Collection::by_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown collection `{name}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_paths_escape_what_is_not_an_id_character() {
        let collection = Collection::by_name("data_stores").unwrap();
        assert_eq!(collection.object_path("a b"), "/dataStores/a%20b");
        let singleton = Collection::by_name("outbound_provisioning").unwrap();
        assert_eq!(
            singleton.object_path("settings"),
            "/serverSettings/outboundProvisioning"
        );
    }

    #[test]
    fn collections_serialize_by_name() {
        let collection = Collection::by_name("sp_connections").unwrap();
        let text = serde_json::to_string(&collection).unwrap();
        assert_eq!(text, "\"sp_connections\"");
        let back: Collection = serde_json::from_str(&text).unwrap();
        assert_eq!(back, collection);
        assert!(serde_json::from_str::<Collection>("\"nope\"").is_err());
    }
}
