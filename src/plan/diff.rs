//! The one diff engine: compares a desired attribute map with a live one, field by
//! field, after normalising both through the kind's field table.

use serde_json::{Map, Value};

use super::FieldChange;
use crate::model::{Attributes, Field, FieldDefault, FieldType, ResourceKind, Wire};

/// The fields that live on the wire: configuration-only ones (a population name
/// resolved during plan) are never compared, shown or stored as live values.
fn wire_fields(fields: &'static [Field]) -> impl Iterator<Item = &'static Field> {
    fields.iter().filter(|field| field.wire != Wire::None)
}

/// The value the configuration asks for, for one field: declared, or the server's
/// default when not declared. `None` for a field the server computes by itself.
fn desired_value(field: &Field, declared: Option<&Value>) -> Option<Value> {
    match declared {
        Some(value) => Some(normalise(field, value)),
        None => match field.default {
            FieldDefault::Computed => None,
            FieldDefault::None | FieldDefault::PingOneEnvironment => Some(Value::Null),
            fixed => fixed.value(),
        },
    }
}

/// The live value, seen through what the configuration declares: maps are narrowed to
/// the declared keys (the server fills in the rest), absent means the default.
fn live_value(field: &Field, live: Option<&Value>, declared: Option<&Value>) -> Value {
    let value = match live {
        None | Some(Value::Null) => field.default.value().unwrap_or(Value::Null),
        Some(value) => normalise(field, value),
    };
    match (field.ty, &value, declared) {
        (
            FieldType::StringMap | FieldType::TableMap,
            Value::Object(live),
            Some(Value::Object(declared)),
        ) => Value::Object(
            declared
                .keys()
                .filter_map(|key| live.get(key).map(|v| (key.clone(), v.clone())))
                .collect(),
        ),
        _ => value,
    }
}

/// Fills nested defaults in object lists and drops nulls, so that what the server
/// echoes compares equal to what was declared.
fn normalise(field: &Field, value: &Value) -> Value {
    let nested = match field.ty {
        FieldType::ObjectList(nested) => Some(nested),
        FieldType::Blocks(blocks) => Some(blocks.fields),
        _ => None,
    };
    match (nested, value) {
        (Some(nested), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|item| {
                    let mut object = Map::new();
                    for nested_field in wire_fields(nested) {
                        let nested_value = item.get(nested_field.name).filter(|v| !v.is_null());
                        let value = match nested_value {
                            Some(v) => Some(normalise(nested_field, v)),
                            None => nested_field.default.value(),
                        };
                        if let Some(value) = value {
                            object.insert(nested_field.name.to_string(), value);
                        }
                    }
                    Value::Object(object)
                })
                .collect(),
        ),
        (None, Value::Number(number)) if field.ty == FieldType::Integer => number
            .as_i64()
            .map(Value::from)
            .unwrap_or_else(|| value.clone()),
        _ => value.clone(),
    }
}

/// The fields whose live value differs from the desired one.
///
/// `previously_declared` is what the last apply declared: a server-computed field that
/// was declared then and is not now goes back to being computed, which is a change.
pub fn field_changes(
    kind: ResourceKind,
    declared: &Attributes,
    live: &Attributes,
    previously_declared: Option<&Attributes>,
) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    for field in wire_fields(kind.fields()) {
        if field.is_secret() {
            continue;
        }
        let declared_value = declared.get(field.name);
        let live_value_raw = live.get(field.name);
        match desired_value(field, declared_value) {
            Some(desired) => {
                let current = live_value(field, live_value_raw, declared_value);
                if current != desired {
                    changes.push(FieldChange {
                        field: field.name.to_string(),
                        before: (!current.is_null()).then_some(current),
                        after: (!desired.is_null()).then_some(desired),
                        after_computed: false,
                        forces_replacement: field.forces_replacement,
                    });
                }
            }
            None => {
                let was_declared = previously_declared.is_some_and(|p| p.contains_key(field.name));
                if was_declared {
                    changes.push(FieldChange {
                        field: field.name.to_string(),
                        before: live_value_raw.filter(|v| !v.is_null()).cloned(),
                        after: None,
                        after_computed: true,
                        forces_replacement: false,
                    });
                }
            }
        }
    }
    changes
}

/// The fields whose live value differs from the one recorded after the last apply
/// (drift): both sides are complete server objects, read the same way, so absent
/// means the default on both. `before` is the recorded value, `after` the live one.
pub fn observed_changes(
    kind: ResourceKind,
    recorded: &Attributes,
    live: &Attributes,
) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    for field in wire_fields(kind.fields()) {
        if field.is_secret() {
            continue;
        }
        let read = |attributes: &Attributes| match attributes.get(field.name) {
            None | Some(Value::Null) => field.default.value().unwrap_or(Value::Null),
            Some(value) => normalise(field, value),
        };
        let (was, now) = (read(recorded), read(live));
        if was != now {
            changes.push(FieldChange {
                field: field.name.to_string(),
                before: (!was.is_null()).then_some(was),
                after: (!now.is_null()).then_some(now),
                after_computed: false,
                forces_replacement: false,
            });
        }
    }
    changes
}

/// What the object will hold: the declared attributes plus fixed defaults, in schema
/// order. Computed fields the configuration left out are not known before the apply.
pub fn effective_after(kind: ResourceKind, declared: &Attributes) -> Attributes {
    let mut after = Attributes::new();
    for field in wire_fields(kind.fields()) {
        if field.is_secret() {
            continue;
        }
        if let Some(value) = desired_value(field, declared.get(field.name))
            && !value.is_null()
        {
            after.insert(field.name.to_string(), value);
        }
    }
    after
}

/// The live attributes in schema order, without secrets, with the defaults the
/// provider leaves out of observed objects filled back in.
pub fn effective_before(kind: ResourceKind, live: &Attributes) -> Attributes {
    let mut before = Attributes::new();
    for field in wire_fields(kind.fields()) {
        if field.is_secret() {
            continue;
        }
        match live.get(field.name).filter(|v| !v.is_null()) {
            Some(value) => {
                before.insert(field.name.to_string(), normalise(field, value));
            }
            None => {
                if let Some(default) = field.default.value() {
                    before.insert(field.name.to_string(), default);
                }
            }
        }
    }
    before
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Attributes {
        value.as_object().unwrap().clone()
    }

    /// What the server returns for a JDBC store created with only the required fields.
    fn live_jdbc() -> Attributes {
        map(json!({
            "name": "jdbc:postgresql://db/x (pf)",
            "driver_class": "org.postgresql.Driver",
            "connection_url": "jdbc:postgresql://db/x",
            "connection_url_tags": [{"connection_url": "jdbc:postgresql://db/x", "default_source": true}],
            "user_name": "pf",
            "allow_multi_value_attributes": false,
            "min_pool_size": 10, "max_pool_size": 100, "blocking_timeout": 5000, "idle_timeout": 5,
            "mask_attribute_values": false
        }))
    }

    #[test]
    fn computed_fields_and_defaults_never_show_as_changes() {
        let declared = map(json!({
            "driver_class": "org.postgresql.Driver",
            "connection_url": "jdbc:postgresql://db/x",
            "user_name": "pf"
        }));
        assert_eq!(
            field_changes(ResourceKind::DatastoreJdbc, &declared, &live_jdbc(), None),
            vec![]
        );
    }

    #[test]
    fn a_default_changed_in_the_console_shows_as_a_change_back() {
        let declared = map(json!({
            "driver_class": "org.postgresql.Driver",
            "connection_url": "jdbc:postgresql://db/x",
            "user_name": "pf"
        }));
        let mut live = live_jdbc();
        live.insert("max_pool_size".into(), json!(7));
        let changes = field_changes(ResourceKind::DatastoreJdbc, &declared, &live, None);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, "max_pool_size");
        assert_eq!(changes[0].before, Some(json!(7)));
        assert_eq!(changes[0].after, Some(json!(100)));
    }

    #[test]
    fn an_undeclared_optional_field_set_live_is_cleared() {
        let declared = map(
            json!({"driver_class": "org.postgresql.Driver", "connection_url": "jdbc:postgresql://db/x", "user_name": "pf"}),
        );
        let mut live = live_jdbc();
        live.insert("validate_connection_sql".into(), json!("SELECT 1"));
        let changes = field_changes(ResourceKind::DatastoreJdbc, &declared, &live, None);
        assert_eq!(changes[0].field, "validate_connection_sql");
        assert_eq!(changes[0].after, None);
    }

    #[test]
    fn a_computed_field_no_longer_declared_goes_back_to_the_server() {
        let declared = map(
            json!({"driver_class": "org.postgresql.Driver", "connection_url": "jdbc:postgresql://db/x", "user_name": "pf"}),
        );
        let previously =
            map(json!({"name": "Provisioner", "driver_class": "org.postgresql.Driver"}));
        let mut live = live_jdbc();
        live.insert("name".into(), json!("Provisioner"));
        let changes = field_changes(
            ResourceKind::DatastoreJdbc,
            &declared,
            &live,
            Some(&previously),
        );
        assert_eq!(changes.len(), 1);
        assert!(changes[0].after_computed);
        assert_eq!(changes[0].before, Some(json!("Provisioner")));
    }

    #[test]
    fn nested_tag_defaults_are_filled_before_comparing() {
        let declared = map(json!({
            "driver_class": "org.postgresql.Driver",
            "connection_url_tags": [{"connection_url": "jdbc:postgresql://db/x", "default_source": true},
                                    {"connection_url": "jdbc:postgresql://db2/x", "tags": "dc2"}]
        }));
        let mut live = live_jdbc();
        live.insert(
            "connection_url_tags".into(),
            json!([{"connection_url": "jdbc:postgresql://db/x", "default_source": true},
                   {"connection_url": "jdbc:postgresql://db2/x", "tags": "dc2", "default_source": false}]),
        );
        live.remove("user_name");
        assert_eq!(
            field_changes(ResourceKind::DatastoreJdbc, &declared, &live, None),
            vec![]
        );
    }

    #[test]
    fn plugin_configuration_compares_only_declared_keys() {
        let declared = map(json!({
            "name": "CRM", "plugin_descriptor_id": "Rest",
            "configuration": {"Base URL": "https://crm"}
        }));
        let live = map(json!({
            "name": "CRM", "plugin_descriptor_id": "Rest", "mask_attribute_values": false,
            "configuration": {"Base URL": "https://crm", "Timeout": "30"},
            "configuration_tables": {"Headers": []}
        }));
        assert_eq!(
            field_changes(ResourceKind::DatastoreCustom, &declared, &live, None),
            vec![]
        );
        let mut changed = live.clone();
        changed["configuration"]["Base URL"] = json!("https://other");
        let changes = field_changes(ResourceKind::DatastoreCustom, &declared, &changed, None);
        assert_eq!(changes[0].field, "configuration");
        assert_eq!(
            changes[0].before,
            Some(json!({"Base URL": "https://other"}))
        );
    }

    #[test]
    fn a_changed_plugin_forces_replacement() {
        let declared = map(json!({"name": "CRM", "plugin_descriptor_id": "New"}));
        let live = map(
            json!({"name": "CRM", "plugin_descriptor_id": "Old", "mask_attribute_values": false}),
        );
        let changes = field_changes(ResourceKind::DatastoreCustom, &declared, &live, None);
        assert!(
            changes
                .iter()
                .any(|c| c.field == "plugin_descriptor_id" && c.forces_replacement)
        );
    }
}
