//! The shared vocabulary: resource addresses, resource kinds and their field schemas,
//! the desired and observed views of objects, and a `Secret` type that redacts itself.
//!
//! Owns no I/O of any kind. Every other module speaks in these types; the field schema
//! is the one table that drives configuration checks, wire mapping and plan
//! normalisation, so a field is described exactly once.

mod address;
mod desired;
mod digest;
mod fingerprint;
pub mod ldap_filter;
mod observed;
mod pingone;
mod previous;
mod references;
pub mod schema;
mod secret;

pub use address::{Address, AddressParseError, ResourceKind};
pub use desired::{
    ChannelReference, Desired, DesiredResource, Exclusion, PingFederateSettings,
    PopulationReference,
};
pub use digest::{configuration_digest, object_digest};
pub use fingerprint::{Fingerprinter, encrypted_digest};
pub use ldap_filter::{ExclusionMatch, Filter, FilterError};
pub use observed::{Collection, Observed, ObservedObject, SINGLETON_ID};
pub use pingone::{
    PingOnePopulation, PingOneSettings, PingOneUser, PingOneView, REGIONS, region_urls,
};
pub use previous::{ManagedObject, PreviousRun, RawJson, SecretRecord};
pub use references::references;
pub use schema::{Field, FieldDefault, FieldType};
pub use secret::Secret;

/// Small maps keyed by field path (secrets, encrypted values): a sorted vector, since
/// an object has one or two, and a tree node per object would dominate the memory of
/// a plan over thousands of objects.
pub type FieldMap<V> = litemap::LiteMap<String, V>;

/// Attribute maps in model space: HCL field names (snake_case) to JSON values, in schema order.
pub type Attributes = serde_json::Map<String, serde_json::Value>;
