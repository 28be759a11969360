//! Which objects an object points at, read from its attributes: the edges that decide
//! the order of changes (a referent is created first and deleted last).

use serde_json::Value;

use super::{Attributes, Collection, ResourceKind};

/// The objects `attributes` of a `kind` refer to, as (collection, id).
pub fn references(kind: ResourceKind, attributes: &Attributes) -> Vec<(Collection, String)> {
    let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_string);
    let mut found = Vec::new();
    match kind {
        ResourceKind::OutboundProvisioning => {
            if let Some(id) = text(attributes.get("datastore")) {
                found.push((Collection::DataStores, id));
            }
        }
        ResourceKind::ProvisioningConnection => {
            if let Some(id) = text(attributes.get("pingone_connection")) {
                found.push((Collection::PingOneConnections, id));
            }
            for channel in attributes
                .get("channels")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(id) = text(channel.get("datastore")) {
                    found.push((Collection::DataStores, id));
                }
            }
        }
        ResourceKind::DatastoreJdbc
        | ResourceKind::DatastoreLdap
        | ResourceKind::DatastoreCustom
        | ResourceKind::PingOneConnection => {}
    }
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn provisioning_connections_point_at_their_pingone_connection_and_channel_sources() {
        let attributes = json!({
            "pingone_connection": "workforce",
            "channels": [{"datastore": "corp"}, {"datastore": "partners"}, {"datastore": "corp"}]
        })
        .as_object()
        .unwrap()
        .clone();
        assert_eq!(
            references(ResourceKind::ProvisioningConnection, &attributes),
            [
                (Collection::DataStores, "corp".to_string()),
                (Collection::DataStores, "partners".to_string()),
                (Collection::PingOneConnections, "workforce".to_string()),
            ]
        );
    }
}
