use std::collections::BTreeMap;

use super::{Address, Attributes, Binding, FieldMap};

/// What the state file remembers of the last apply: the previous run, as data.
///
/// The state module reads it from redb; the plan compares it with the desired and the
/// observed views. Nothing here holds a plain secret.
#[derive(Debug, Clone, Default)]
pub struct PreviousRun {
    /// Identifies one state's history; absent until the first apply writes the file.
    pub lineage: Option<String>,
    /// Bumped by every finished change.
    pub serial: u64,
    pub objects: BTreeMap<Address, ManagedObject>,
    /// The key the secret fingerprints of this state were made with.
    pub fingerprint_key: Option<Vec<u8>>,
    /// The servers the state manages, recorded by the first apply.
    pub binding: Option<Binding>,
}

impl PreviousRun {
    /// The servers this state records, when they are not those of `current`.
    pub fn bound_elsewhere(&self, current: &Binding) -> Option<&Binding> {
        self.binding
            .as_ref()
            .filter(|recorded| !recorded.differences(current).is_empty())
    }

    /// Finds the managed object with the given kind family and id under another address
    /// (a renamed block that kept its id).
    pub fn find_by_id(&self, address: &Address, id: &str) -> Option<&ManagedObject> {
        let collection = address.kind().collection();
        self.objects
            .values()
            .find(|o| o.address.kind().collection() == collection && o.id == id)
    }
}

/// One object pingform manages, as the last finished change left it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ManagedObject {
    pub address: Address,
    /// The PingFederate id.
    pub id: String,
    /// The non-secret attributes the configuration declared when it was applied.
    #[serde(deserialize_with = "compacted")]
    pub attributes: Attributes,
    /// Per secret field path: a keyed fingerprint of the applied value, and a digest of
    /// the encrypted form PingFederate returned for it.
    #[serde(default)]
    pub secrets: FieldMap<SecretRecord>,
    /// Every attribute PingFederate returned right after the change (for drift), kept
    /// as JSON text: planning never needs it, and parsing it for thousands of objects
    /// would double the memory a plan needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<RawJson>,
    /// The exclusions the last apply compiled into this object's channels (only a
    /// provisioning connection has any): what lets a later plan tell an exclusion that
    /// is removed from the configuration (its account comes back into scope) from one
    /// that never was, and call one the live filter lost "restored" rather than "new".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<ExclusionRecord>,
    /// The configuration protected it with `lifecycle { prevent_destroy = true }` when
    /// it was last applied: a plan that would delete it after its block is gone fails.
    /// Absent in state files written before pingform knew `prevent_destroy`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prevent_destroy: bool,
}

/// One exclusion as an apply compiled it into one channel's user filter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExclusionRecord {
    /// The `exclusion` block's name.
    pub name: String,
    /// The channel block's name.
    pub channel: String,
    pub pingone_username: String,
    /// The negated clause as it went into the filter, `(!(uid=pingone-admin))`.
    pub clause: String,
}

/// A JSON document kept as text until someone asks for it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct RawJson(Box<serde_json::value::RawValue>);

impl RawJson {
    pub fn new(value: &impl serde::Serialize) -> Result<RawJson, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(RawJson)
    }

    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }

    pub fn text(&self) -> &str {
        self.0.get()
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &RawJson) -> bool {
        self.text() == other.text()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SecretRecord {
    /// `hmac-sha256:<hex>` of the applied plain value, keyed with the state's key.
    pub fingerprint: String,
    /// `sha256:<hex>` of the encrypted value the server returned after the change, when
    /// it returned one; a different digest later means the secret was changed outside
    /// pingform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_digest: Option<String>,
}

/// Reads an attribute map into the memory it needs ([`super::compact`]).
fn compacted<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Attributes, D::Error> {
    <Attributes as serde::Deserialize>::deserialize(deserializer).map(super::compact)
}
