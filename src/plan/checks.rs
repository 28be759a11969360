//! The kinds' cross checks at plan time: against the live objects a configuration
//! refers to but does not declare (an Active Directory store set up by hand, the
//! built-in HSQLDB store). What the declared objects alone show was reported when the
//! configuration was loaded; only what the live objects add is reported here.

use std::collections::BTreeMap;

use crate::model::{
    Attributes, Collection, Desired, DesiredResource, Finding, Lookup, Observed, ResourceKind,
};

struct Objects<'a> {
    declared: BTreeMap<(Collection, &'a str), &'a DesiredResource>,
    observed: Option<&'a Observed>,
}

impl Lookup for Objects<'_> {
    fn get(&self, collection: Collection, id: &str) -> Option<(ResourceKind, &Attributes)> {
        if let Some(resource) = self.declared.get(&(collection, id)) {
            return Some((resource.kind(), &resource.attributes));
        }
        let live = self.observed?.get(collection, id)?;
        Some((live.kind, &live.attributes))
    }
}

/// The messages of the findings the live objects add.
pub fn live_findings(desired: &Desired, observed: &Observed) -> Vec<String> {
    let declared: BTreeMap<(Collection, &str), &DesiredResource> = desired
        .resources
        .iter()
        .map(|r| ((r.kind().collection(), r.id.as_str()), r))
        .collect();
    let declared_only = Objects {
        declared: declared.clone(),
        observed: None,
    };
    let with_live = Objects {
        declared,
        observed: Some(observed),
    };
    let mut messages = Vec::new();
    for resource in &desired.resources {
        let Some(cross_check) = resource.kind().descriptor().hooks.cross_check else {
            continue;
        };
        let mut known: Vec<Finding> = Vec::new();
        cross_check(&resource.attributes, &declared_only, &mut known);
        let mut found = Vec::new();
        cross_check(&resource.attributes, &with_live, &mut found);
        for finding in found {
            if !known.contains(&finding) {
                messages.push(format!(
                    "{}: {}",
                    resource.address,
                    finding.problem.message()
                ));
            }
        }
    }
    messages
}
