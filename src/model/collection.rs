//! API collections: where objects live (`/dataStores`) and the id space they share.
//! Objects are identified by collection and id: data stores of every type share one
//! id space. The collections themselves are declared with the kinds, in `kinds/`,
//! which also reads them back by name.

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
    /// no wire `type` says it better: "an SP connection that provisions to another
    /// target than PingOne".
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

#[cfg(test)]
mod tests {
    #[test]
    fn object_paths_escape_what_is_not_an_id_character() {
        let collection = super::super::kinds::DATA_STORES;
        assert_eq!(collection.object_path("a b"), "/dataStores/a%20b");
        let singleton = super::super::kinds::OUTBOUND_PROVISIONING;
        assert_eq!(
            singleton.object_path("settings"),
            "/serverSettings/outboundProvisioning"
        );
    }

    #[test]
    fn collections_serialize_by_name() {
        let collection = super::super::kinds::SP_CONNECTIONS;
        let text = serde_json::to_string(&collection).unwrap();
        assert_eq!(text, "\"sp_connections\"");
    }
}
