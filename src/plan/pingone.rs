//! What the plan learns from the live systems, kept beside the configuration
//! (`Resolved`), which stays as `config` built it: population names resolved to ids in
//! PingOne, the directory type of every source store, and so each channel's effective
//! user filter (the declared filter AND NOT each exclusion, a DN exclusion matched on
//! the attribute the channel's directory keeps DNs in).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::PlanError;
use crate::model::kinds::{CHANNEL_FIELDS, dn_attribute};
use crate::model::ldap_filter::{ExclusionMatch, effective_filter_with_dn_attribute};
use crate::model::{
    Attributes, ChannelReference, DefaultContext, Desired, DesiredResource, PingOneView,
    ResourceKind,
};

/// What the plan learned from the live systems, beside the configuration: population
/// ids by channel (for the channels that name their population), and what defaults
/// that depend on other objects need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolved {
    populations: BTreeMap<ChannelReference, String>,
    /// Each channel's effective user filter (`None`: no filter at all).
    filters: BTreeMap<ChannelReference, Option<String>>,
    pub context: DefaultContext,
}

impl Resolved {
    /// The resource's attributes as they will be written: each channel that names its
    /// population gets the population's id, and each channel exclusions apply to its
    /// effective user filter.
    pub fn attributes<'a>(&self, resource: &'a DesiredResource) -> Cow<'a, Attributes> {
        let nothing_learned = self.populations.is_empty() && self.filters.is_empty();
        if nothing_learned || resource.kind() != ResourceKind::ProvisioningConnection {
            return Cow::Borrowed(&resource.attributes);
        }
        let mut attributes = resource.attributes.clone();
        if let Some(Value::Array(channels)) = attributes.get_mut("channels") {
            for channel in channels.iter_mut().filter_map(Value::as_object_mut) {
                let Some(name) = channel.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let reference = ChannelReference {
                    connection: resource.address.clone(),
                    channel: name.to_string(),
                };
                if let Some(id) = self.populations.get(&reference) {
                    channel.insert("population_id".into(), Value::String(id.clone()));
                }
                match self.filters.get(&reference) {
                    Some(Some(filter)) => {
                        channel.insert("user_filter".into(), Value::String(filter.clone()));
                    }
                    Some(None) => {
                        channel.remove("user_filter");
                    }
                    None => {}
                }
                let mut rest = std::mem::take(channel);
                for field in CHANNEL_FIELDS {
                    if let Some(value) = rest.remove(field.name) {
                        channel.insert(field.name.to_string(), value);
                    }
                }
                channel.append(&mut rest);
            }
        }
        Cow::Owned(attributes)
    }
}

/// The channels that name their population, with the name.
pub fn named_populations(desired: &Desired) -> Vec<(ChannelReference, String)> {
    desired
        .channels()
        .filter_map(|(channel, attributes)| {
            let population = attributes.get("population")?.as_str()?;
            Some((channel, population.to_string()))
        })
        .collect()
}

/// Looks every named population up in what PingOne holds. A name PingOne does not
/// know is an error that lists the names it does.
pub fn resolve(
    desired: &Desired,
    view: Option<&PingOneView>,
    context: DefaultContext,
) -> Result<Resolved, PlanError> {
    let mut resolved = Resolved {
        populations: BTreeMap::new(),
        filters: effective_filters(desired, &context),
        context,
    };
    for (channel, name) in named_populations(desired) {
        let Some(view) = view else {
            return Err(PlanError::PopulationNeedsPingOne {
                channel: channel.to_string(),
                name,
            });
        };
        let Some(population) = view.population_named(&name) else {
            return Err(PlanError::UnknownPopulation {
                channel: channel.to_string(),
                name,
                environment: format!("{} ({})", view.environment_name, view.environment_id),
                existing: view
                    .populations
                    .iter()
                    .map(|p| format!("`{}`", p.name))
                    .collect(),
            });
        };
        resolved.populations.insert(channel, population.id.clone());
    }
    Ok(resolved)
}

/// Every channel's effective user filter, for the channels exclusions apply to.
fn effective_filters(
    desired: &Desired,
    context: &DefaultContext,
) -> BTreeMap<ChannelReference, Option<String>> {
    let mut filters = BTreeMap::new();
    let Some(nested) = ResourceKind::ProvisioningConnection
        .descriptor()
        .nested_blocks()
        .map(|(_, nested)| nested)
        .next()
    else {
        return filters;
    };
    for resource in desired
        .resources
        .iter()
        .filter(|r| r.kind() == ResourceKind::ProvisioningConnection)
    {
        for channel in resource
            .attributes
            .get("channels")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
        {
            let Some(name) = channel.get("name").and_then(Value::as_str) else {
                continue;
            };
            let reference = ChannelReference {
                connection: resource.address.clone(),
                channel: name.to_string(),
            };
            let matches: Vec<ExclusionMatch> = desired
                .exclusions
                .iter()
                .filter(|exclusion| exclusion.channels.contains(&reference))
                .map(|exclusion| exclusion.source.clone())
                .collect();
            if matches.is_empty() {
                continue;
            }
            let directory = context.directory_of(nested, channel);
            let declared = channel.get("user_filter").and_then(Value::as_str);
            let filter =
                effective_filter_with_dn_attribute(declared, &matches, dn_attribute(directory));
            filters.insert(reference, filter);
        }
    }
    filters
}

/// The attribute DN exclusions on this channel are matched on.
pub fn channel_dn_attribute(
    context: &DefaultContext,
    channel: &Map<String, Value>,
) -> &'static str {
    let directory = ResourceKind::ProvisioningConnection
        .descriptor()
        .nested_blocks()
        .next()
        .and_then(|(_, nested)| context.directory_of(nested, channel));
    dn_attribute(directory)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ldap_filter::ExclusionMatch;
    use crate::model::{Address, Exclusion};
    use serde_json::json;

    fn desired(source: &str, filter: Option<&str>, exclusion: ExclusionMatch) -> Desired {
        let mut channel = json!({"name": "staff", "datastore": source, "base_dn": "dc=x"});
        if let Some(filter) = filter {
            channel["user_filter"] = json!(filter);
        }
        let connection = Address::new(ResourceKind::ProvisioningConnection, "p1");
        Desired {
            resources: vec![DesiredResource {
                address: connection.clone(),
                id: "p1".into(),
                attributes: json!({"channels": [channel]}).as_object().unwrap().clone(),
                secrets: Default::default(),
                depends_on: Default::default(),
            }],
            exclusions: vec![Exclusion {
                name: "admin".into(),
                pingone_username: "admin@x".into(),
                source: exclusion,
                channels: vec![ChannelReference {
                    connection,
                    channel: "staff".into(),
                }],
                reason: "r".into(),
                every_channel: false,
            }],
            ..Desired::default()
        }
    }

    fn filter_of(desired: &Desired, context: DefaultContext) -> Value {
        let resolved = resolve(desired, None, context).unwrap();
        resolved.attributes(&desired.resources[0])["channels"][0]["user_filter"].clone()
    }

    #[test]
    fn a_channel_without_a_filter_gets_the_negations_alone() {
        let exclusion = ExclusionMatch::Attribute {
            name: "uid".into(),
            value: "x".into(),
        };
        let desired = desired("corp", None, exclusion);
        assert_eq!(filter_of(&desired, DefaultContext::default()), "(!(uid=x))");
        // The configuration itself is left as it was.
        assert!(
            desired.resources[0].attributes["channels"][0]
                .get("user_filter")
                .is_none()
        );
    }

    #[test]
    fn a_dn_exclusion_matches_on_the_attribute_of_the_channels_directory() {
        let exclusion = ExclusionMatch::DistinguishedName("CN=Admin,DC=corp".into());
        let desired = desired("ad", Some("(objectClass=user)"), exclusion);
        let mut context = DefaultContext::default();
        context
            .directories
            .insert("ad".into(), "ACTIVE_DIRECTORY".into());
        assert_eq!(
            filter_of(&desired, context),
            "(&(objectClass=user)(!(distinguishedName=CN=Admin,DC=corp)))"
        );
        let mut context = DefaultContext::default();
        context
            .directories
            .insert("ad".into(), "PING_DIRECTORY".into());
        assert_eq!(
            filter_of(&desired, context),
            "(&(objectClass=user)(!(entryDN=CN=Admin,DC=corp)))"
        );
    }
}
