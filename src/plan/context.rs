//! What defaults that depend on other objects need, learned from the configuration
//! and the live objects: the directory type (`ldap_type`) of every LDAP data store, by
//! id. A channel reading from an Active Directory store gets AD's defaults.

use crate::model::kinds::DATA_STORES;
use crate::model::{DefaultContext, Desired, Observed};

const DIRECTORY_TYPE: &str = "ldap_type";

/// The directory types of the live stores, with the declared ones over them (what
/// they will be after the apply).
pub fn default_context(desired: Option<&Desired>, observed: &Observed) -> DefaultContext {
    let mut context = DefaultContext::default();
    for object in observed.objects() {
        if object.kind.collection() == DATA_STORES
            && let Some(kind) = object
                .attributes
                .get(DIRECTORY_TYPE)
                .and_then(|v| v.as_str())
        {
            context
                .directories
                .insert(object.id.clone(), kind.to_string());
        }
    }
    for resource in desired.into_iter().flat_map(|d| &d.resources) {
        if resource.kind().collection() == DATA_STORES
            && let Some(kind) = resource
                .attributes
                .get(DIRECTORY_TYPE)
                .and_then(|v| v.as_str())
        {
            context
                .directories
                .insert(resource.id.clone(), kind.to_string());
        }
    }
    context
}
