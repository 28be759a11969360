//! Which objects an object points at, read from its attributes: the edges that decide
//! the order of changes (a referent is created first and deleted last).

use serde_json::Value;

use super::field::{Field, FieldType};
use super::{Attributes, Collection, ResourceKind};

/// The objects `attributes` of a `kind` refer to, as (collection, id): every reference
/// field, in nested blocks too, that points at a collection pingform reads.
pub fn references(kind: ResourceKind, attributes: &Attributes) -> Vec<(Collection, String)> {
    let mut found = Vec::new();
    collect(kind.fields(), attributes, &mut found);
    found.sort();
    found.dedup();
    found
}

fn collect(
    fields: &'static [Field],
    attributes: &Attributes,
    found: &mut Vec<(Collection, String)>,
) {
    for field in fields {
        match (field.ty, attributes.get(field.name)) {
            (FieldType::Reference(target), Some(Value::String(id))) => {
                if let Some(collection) = target.collection {
                    found.push((collection, id.clone()));
                }
            }
            (FieldType::Blocks(nested), Some(Value::Array(items))) => {
                for item in items.iter().filter_map(Value::as_object) {
                    collect(nested.fields, item, found);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kinds;
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
                (kinds::DATA_STORES, "corp".to_string()),
                (kinds::DATA_STORES, "partners".to_string()),
                (kinds::PINGONE_CONNECTIONS, "workforce".to_string()),
            ]
        );
    }
}
