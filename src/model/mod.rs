//! The shared vocabulary: resource addresses, resource kinds (one descriptor each, in
//! `kinds/`) with their fields and wire paths, the desired and observed views of
//! objects, and a `Secret` type that redacts itself.
//!
//! Owns no I/O of any kind. Every other module speaks in these types; a kind's
//! descriptor is the one table that drives configuration checks, the wire codec and
//! plan normalisation, so a field is described exactly once.

mod address;
mod binding;
mod collection;
mod desired;
mod digest;
pub mod field;
mod fingerprint;
pub mod kind;
pub mod kinds;
pub mod ldap_filter;
pub mod mapping;
mod observed;
mod pingone;
mod place;
mod plugin;
mod previous;
mod references;
mod secret;
mod server;
mod state_directives;
mod state_location;
pub mod suggest;

pub use address::{Address, AddressParseError};
pub use binding::{Binding, BindingDifference, Endpoint, ServerIdentity};
pub use collection::{Collection, CollectionInfo};
pub use desired::{
    AdminAuth, ChannelReference, Desired, DesiredResource, Exclusion, OAuthClient,
    PingFederateSettings,
};
pub use digest::{configuration_digest, object_digest};
pub use field::{
    DEFAULT_ROW, DefaultContext, Field, FieldDefault, FieldType, NestedBlocks, ReferenceTarget,
    Wire,
};
pub use fingerprint::{Fingerprinter, encrypted_digest};
pub use kind::{
    DeleteStrategy, Finding, FindingPath, KindDescriptor, KindProblem, Lookup, PathStep, Severity,
};
pub use kinds::{ResourceKind, is_valid_id};
pub use ldap_filter::{ExclusionMatch, Filter, FilterError};
pub use observed::{Observed, ObservedObject, SINGLETON_ID};
pub use pingone::{
    PingOnePopulation, PingOneSettings, PingOneUser, PingOneView, REGIONS, region_urls,
};
pub use place::Place;
pub use plugin::{PluginDescriptor, PluginField};
pub use previous::{ExclusionRecord, ManagedObject, PreviousRun, RawJson, SecretRecord};
pub use references::references;
pub use secret::Secret;
pub use server::{Cluster, NEWEST_SUPPORTED, OLDEST_SUPPORTED, Release, ServerInfo, Version};
pub use state_directives::{ImportTarget, Lifecycle, Removal, Rename};
pub use state_location::{PostgresUrl, SslMode, StateLocation, StateUrlError, is_postgres_url};

/// Small maps keyed by field path (secrets, encrypted values): a sorted vector, since
/// an object has one or two, and a tree node per object would dominate the memory of
/// a plan over thousands of objects.
pub type FieldMap<V> = litemap::LiteMap<String, V>;

/// Attribute maps in model space: HCL field names (snake_case) to JSON values, in schema order.
pub type Attributes = serde_json::Map<String, serde_json::Value>;

/// The same attributes in the memory they need: a map built one insert at a time keeps
/// room for up to twice its entries, and a plan holds three maps per object (declared,
/// recorded in state, read from PingFederate), ten thousand objects' worth at a time.
pub fn compact(attributes: Attributes) -> Attributes {
    attributes.into_iter().collect()
}
