//! What the plan needs from PingOne: population names resolved to ids.

use serde_json::Value;

use super::PlanError;
use crate::model::{Desired, PingOneView};

/// Sets `population_id` on every channel that names its population, from what PingOne
/// holds. A name PingOne does not know is an error that lists the names it does.
pub fn resolve_populations(
    desired: &mut Desired,
    view: Option<&PingOneView>,
) -> Result<(), PlanError> {
    for reference in desired.populations.clone() {
        let channel_name = reference.channel.to_string();
        let Some(view) = view else {
            return Err(PlanError::PopulationNeedsPingOne {
                channel: channel_name,
                name: reference.name.clone(),
            });
        };
        let Some(population) = view.population_named(&reference.name) else {
            return Err(PlanError::UnknownPopulation {
                channel: channel_name,
                name: reference.name.clone(),
                environment: format!("{} ({})", view.environment_name, view.environment_id),
                existing: view
                    .populations
                    .iter()
                    .map(|p| format!("`{}`", p.name))
                    .collect(),
            });
        };
        let Some(resource) = desired
            .resources
            .iter_mut()
            .find(|r| r.address == reference.channel.connection)
        else {
            continue;
        };
        if let Some(Value::Array(channels)) = resource.attributes.get_mut("channels") {
            for channel in channels.iter_mut() {
                if channel.get("name").and_then(Value::as_str)
                    == Some(reference.channel.channel.as_str())
                    && let Value::Object(channel) = channel
                {
                    channel.insert("population_id".into(), population.id.clone().into());
                }
            }
        }
    }
    Ok(())
}
