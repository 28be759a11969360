//! What the plan learns from PingOne: population names resolved to ids. Kept beside
//! the configuration (`Resolved`), which stays as `config` built it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;

use super::PlanError;
use crate::model::kinds::CHANNEL_FIELDS;
use crate::model::{
    Attributes, ChannelReference, Desired, DesiredResource, PingOneView, ResourceKind,
};

/// Population ids by channel, for the channels that name their population.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolved {
    populations: BTreeMap<ChannelReference, String>,
}

impl Resolved {
    /// The resource's attributes as they will be written: each channel that names its
    /// population gets the population's id.
    pub fn attributes<'a>(&self, resource: &'a DesiredResource) -> Cow<'a, Attributes> {
        if self.populations.is_empty() || resource.kind() != ResourceKind::ProvisioningConnection {
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
                    let mut rest = std::mem::take(channel);
                    for field in CHANNEL_FIELDS {
                        if let Some(value) = rest.remove(field.name) {
                            channel.insert(field.name.to_string(), value);
                        }
                    }
                    channel.append(&mut rest);
                }
            }
        }
        Cow::Owned(attributes)
    }
}

/// The channels that name their population, with the name.
pub fn named_populations(desired: &Desired) -> Vec<(ChannelReference, String)> {
    let mut named = Vec::new();
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
        {
            if let (Some(name), Some(population)) = (
                channel.get("name").and_then(Value::as_str),
                channel.get("population").and_then(Value::as_str),
            ) {
                named.push((
                    ChannelReference {
                        connection: resource.address.clone(),
                        channel: name.to_string(),
                    },
                    population.to_string(),
                ));
            }
        }
    }
    named
}

/// Looks every named population up in what PingOne holds. A name PingOne does not
/// know is an error that lists the names it does.
pub fn resolve(desired: &Desired, view: Option<&PingOneView>) -> Result<Resolved, PlanError> {
    let mut resolved = Resolved::default();
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
