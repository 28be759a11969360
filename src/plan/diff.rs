//! The one diff engine: compares what the configuration asks for with a live object,
//! field by field, through the kind's field table, and only where pingform owns the
//! object: the fields it declares now, and those it declared at the last apply (which
//! go back to PingFederate's default when no longer declared). A field never declared
//! is never compared: PingFederate keeps whatever it holds. Nested blocks are matched
//! by their key, maps by their keys, so ownership holds at every depth.

use serde_json::{Map, Value};

use super::FieldChange;
use crate::model::{
    Attributes, DEFAULT_ROW, DefaultContext, Field, FieldDefault, FieldType, NestedBlocks,
    ResourceKind, Wire, mapping,
};

/// The fields that live on the wire: configuration-only ones (a population name
/// resolved during plan) are never compared, shown or stored as live values.
pub fn wire_fields(fields: &'static [Field]) -> impl Iterator<Item = &'static Field> {
    fields
        .iter()
        .filter(|field| field.wire != Wire::None && !field.is_secret())
}

/// The wire fields pingform owns in an object: declared now or at the last apply.
pub fn owned_fields<'a>(
    kind: ResourceKind,
    declared: &'a Attributes,
    before: Option<&'a Attributes>,
) -> impl Iterator<Item = &'static str> + 'a {
    wire_fields(kind.fields())
        .filter(move |field| {
            declared.contains_key(field.name) || before.is_some_and(|b| b.contains_key(field.name))
        })
        .map(|field| field.name)
}

/// The value a field has when absent: its default (for the directory a nested block
/// reads from, when that decides), else nothing.
fn absent(field: &Field, directory: Option<&str>) -> Value {
    field.default.value_in(directory).unwrap_or(Value::Null)
}

/// Drops nulls and makes numbers integers, filling nested defaults in object lists, so
/// that what the server echoes compares equal to what was declared.
fn normalise(field: &Field, value: &Value) -> Value {
    match (field.ty, value) {
        (FieldType::ObjectList(nested), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|item| {
                    let mut object = Map::new();
                    for inner in nested {
                        let value = match item.get(inner.name).filter(|v| !v.is_null()) {
                            Some(v) => Some(normalise(inner, v)),
                            None => inner.default.value(),
                        };
                        if let Some(value) = value {
                            object.insert(inner.name.to_string(), value);
                        }
                    }
                    Value::Object(object)
                })
                .collect(),
        ),
        (FieldType::Integer, Value::Number(number)) => number
            .as_i64()
            .map(Value::from)
            .unwrap_or_else(|| value.clone()),
        _ => value.clone(),
    }
}

/// One entry of a map in the form both sides compare in: a mapping entry canonical
/// (short form when it names one attribute; `None` when it maps nothing).
fn normalise_entry(field: &Field, entry: &Value) -> Option<Value> {
    match field.ty {
        FieldType::Mapping(fields) => mapping::canonical(fields, entry),
        _ => Some(entry.clone()),
    }
}

/// A table's rows say whether they are the default row only where the configuration
/// says so: elsewhere the flag is PingFederate's (and is sent back as it was).
fn unowned_default_rows(rows: &mut Value, declared: &Value) {
    let Value::Array(rows) = rows else {
        return;
    };
    for (index, row) in rows.iter_mut().enumerate() {
        let declares = declared
            .get(index)
            .is_some_and(|declared_row| declared_row.get(DEFAULT_ROW).is_some());
        if let (false, Value::Object(cells)) = (declares, row) {
            cells.shift_remove(DEFAULT_ROW);
        }
    }
}

/// The keys of a map value, or of a list of blocks.
fn keys_of(field: &Field, value: Option<&Value>) -> Vec<String> {
    match (field.ty, value) {
        (FieldType::Blocks(nested), Some(Value::Array(items))) => items
            .iter()
            .filter_map(|item| item.get(nested.key).and_then(Value::as_str))
            .map(str::to_string)
            .collect(),
        (_, Some(Value::Object(map))) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

fn block<'a>(
    nested: &NestedBlocks,
    items: Option<&'a Value>,
    key: &str,
) -> Option<&'a Map<String, Value>> {
    items
        .and_then(Value::as_array)?
        .iter()
        .filter_map(Value::as_object)
        .find(|item| item.get(nested.key).and_then(Value::as_str) == Some(key))
}

/// One block, restricted to the fields owned in it, with absent fields at their
/// defaults; `desired` takes released fields (owned before, not declared now) at their
/// defaults too.
fn project_block(
    nested: &NestedBlocks,
    key: &str,
    value: Option<&Map<String, Value>>,
    declared: Option<&Map<String, Value>>,
    before: Option<&Map<String, Value>>,
    context: &DefaultContext,
) -> Value {
    let directory = declared
        .or(value)
        .and_then(|block| context.directory_of(nested, block));
    let mut object = Map::new();
    object.insert(nested.key.to_string(), Value::String(key.to_string()));
    for field in wire_fields(nested.fields).filter(|f| f.name != nested.key) {
        let declared_value = declared.and_then(|d| d.get(field.name));
        let before_value = before.and_then(|b| b.get(field.name));
        if declared_value.is_none() && before_value.is_none() {
            continue;
        }
        let projected = project(
            field,
            value.and_then(|v| v.get(field.name)),
            declared_value,
            before_value,
            context,
            directory,
        );
        if !projected.is_null() {
            object.insert(field.name.to_string(), projected);
        }
    }
    Value::Object(object)
}

/// A value restricted to what pingform owns of it (declared now or before): maps to
/// the owned keys, lists of blocks to the owned blocks and their owned fields; absent
/// means the default.
fn project(
    field: &Field,
    value: Option<&Value>,
    declared: Option<&Value>,
    before: Option<&Value>,
    context: &DefaultContext,
    directory: Option<&str>,
) -> Value {
    let value = value.filter(|v| !v.is_null());
    let mut keys = keys_of(field, declared);
    for key in keys_of(field, before) {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    match field.ty {
        FieldType::Blocks(nested) => Value::Array(
            keys.iter()
                .filter_map(|key| {
                    let item = block(nested, value, key)?;
                    Some(project_block(
                        nested,
                        key,
                        Some(item),
                        block(nested, declared, key),
                        block(nested, before, key),
                        context,
                    ))
                })
                .collect(),
        ),
        FieldType::StringMap | FieldType::TableMap | FieldType::Mapping(_) => Value::Object(
            keys.iter()
                .filter_map(|key| {
                    let mut entry = normalise_entry(field, value?.get(key)?)?;
                    if let Some(declared_rows) = declared.and_then(|d| d.get(key)) {
                        unowned_default_rows(&mut entry, declared_rows);
                    }
                    Some((key.clone(), entry))
                })
                .collect(),
        ),
        _ => match value {
            Some(value) => normalise(field, value),
            None => absent(field, directory),
        },
    }
}

/// What pingform asks for, in the shape `project` gives the live value: declared
/// values, and released ones at their defaults (blocks and map entries no longer
/// declared are absent). `None` for a released field the server computes.
fn desired(
    field: &Field,
    declared: Option<&Value>,
    before: Option<&Value>,
    context: &DefaultContext,
) -> Option<Value> {
    match (field.ty, declared) {
        (FieldType::Blocks(nested), declared) => Some(Value::Array(
            keys_of(field, declared)
                .iter()
                .map(|key| {
                    let declared_block = block(nested, declared, key);
                    let before_block = block(nested, before, key);
                    project_block(
                        nested,
                        key,
                        declared_block,
                        declared_block,
                        before_block,
                        context,
                    )
                })
                .collect(),
        )),
        (FieldType::StringMap | FieldType::TableMap | FieldType::Mapping(_), declared) => {
            Some(Value::Object(
                declared
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .filter_map(|(key, entry)| Some((key.clone(), normalise_entry(field, entry)?)))
                    .collect(),
            ))
        }
        (_, Some(value)) => Some(normalise(field, value)),
        (_, None) => match field.default {
            FieldDefault::Computed => None,
            _ => Some(absent(field, None)),
        },
    }
}

/// The fields whose live value differs from what pingform asks for, among the fields
/// it owns.
///
/// `previously_declared` is what the last apply declared: a field declared then and
/// not now goes back to PingFederate's default (or to being computed), which is a
/// change; a field declared neither then nor now is not pingform's.
pub fn field_changes(
    kind: ResourceKind,
    declared: &Attributes,
    live: &Attributes,
    previously_declared: Option<&Attributes>,
    context: &DefaultContext,
) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    for field in wire_fields(kind.fields()) {
        let declared_value = declared.get(field.name).filter(|v| !v.is_null());
        let before = previously_declared.and_then(|p| p.get(field.name));
        if declared_value.is_none() && before.is_none() {
            continue;
        }
        let released = declared_value.is_none();
        let current = project(
            field,
            live.get(field.name),
            declared_value,
            before,
            context,
            None,
        );
        match desired(field, declared_value, before, context) {
            Some(wanted) => {
                if current != wanted {
                    changes.push(FieldChange {
                        field: field.name.to_string(),
                        before: (!is_empty(&current)).then_some(current),
                        after: (!is_empty(&wanted)).then_some(wanted),
                        after_computed: false,
                        forces_replacement: field.forces_replacement,
                        released,
                    });
                }
            }
            None => changes.push(FieldChange {
                field: field.name.to_string(),
                before: (!current.is_null()).then_some(current),
                after: None,
                after_computed: true,
                forces_replacement: false,
                released,
            }),
        }
    }
    changes
}

/// Null, or a map or list with nothing owned in it.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// The fields whose live value differs from the one recorded after the last apply
/// (drift), among those pingform owns (`owned`, what the last apply declared): both
/// sides are server objects, read the same way, so absent means the default on both.
/// `before` is the recorded value, `after` the live one.
pub fn observed_changes(
    kind: ResourceKind,
    recorded: &Attributes,
    live: &Attributes,
    owned: &Attributes,
    context: &DefaultContext,
) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    for field in wire_fields(kind.fields()) {
        let Some(shape) = owned.get(field.name) else {
            continue;
        };
        let was = project(
            field,
            recorded.get(field.name),
            Some(shape),
            None,
            context,
            None,
        );
        let now = project(
            field,
            live.get(field.name),
            Some(shape),
            None,
            context,
            None,
        );
        if was != now {
            changes.push(FieldChange {
                field: field.name.to_string(),
                before: (!is_empty(&was)).then_some(was),
                after: (!is_empty(&now)).then_some(now),
                after_computed: false,
                forces_replacement: false,
                released: false,
            });
        }
    }
    changes
}

/// What a new object will hold: the declared attributes plus fixed defaults, in field
/// order; for kinds whose defaults are sent, each nested block with the defaults sent
/// for its directory (what a new channel reads from an Active Directory differs from
/// PingDirectory, and a reviewer must see it). Computed fields the configuration left
/// out are not known before the apply.
pub fn effective_after(
    kind: ResourceKind,
    declared: &Attributes,
    context: &DefaultContext,
) -> Attributes {
    let send_defaults = kind.descriptor().send_defaults;
    let mut after = Attributes::new();
    for field in wire_fields(kind.fields()) {
        let value = match declared.get(field.name).filter(|v| !v.is_null()) {
            Some(value) if send_defaults => with_block_defaults(field, value, context),
            Some(value) => normalise(field, value),
            None => absent(field, None),
        };
        if !value.is_null() {
            after.insert(field.name.to_string(), value);
        }
    }
    after
}

/// Each block of a `Blocks` value with every field: declared, or the default sent for
/// the block's directory.
fn with_block_defaults(field: &Field, value: &Value, context: &DefaultContext) -> Value {
    let (FieldType::Blocks(nested), Value::Array(items)) = (field.ty, value) else {
        return normalise(field, value);
    };
    Value::Array(
        items
            .iter()
            .map(|item| {
                let Some(declared) = item.as_object() else {
                    return item.clone();
                };
                let directory = context.directory_of(nested, declared);
                let mut block = Map::new();
                for inner in nested.fields.iter().filter(|f| !f.is_secret()) {
                    let value = match declared.get(inner.name).filter(|v| !v.is_null()) {
                        Some(value) => normalise(inner, value),
                        None if inner.wire == Wire::None => continue,
                        None => absent(inner, directory),
                    };
                    if !value.is_null() {
                        block.insert(inner.name.to_string(), value);
                    }
                }
                Value::Object(block)
            })
            .collect(),
    )
}

/// The live attributes in field order, without secrets, with the defaults the
/// provider leaves out of observed objects filled back in.
pub fn effective_before(kind: ResourceKind, live: &Attributes) -> Attributes {
    let mut before = Attributes::new();
    for field in wire_fields(kind.fields()) {
        let value = match live.get(field.name).filter(|v| !v.is_null()) {
            Some(value) => normalise(field, value),
            None => absent(field, None),
        };
        if !value.is_null() {
            before.insert(field.name.to_string(), value);
        }
    }
    before
}

/// What an object will hold after an update: the live attributes with the changes
/// laid over them.
pub fn after_update(before: &Attributes, changes: &[FieldChange]) -> Attributes {
    let mut after = before.clone();
    for change in changes {
        match &change.after {
            Some(value) => {
                after.insert(change.field.clone(), value.clone());
            }
            None => {
                after.shift_remove(&change.field);
            }
        }
    }
    after
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn changes_of(
        kind: ResourceKind,
        declared: &Attributes,
        live: &Attributes,
        previously: Option<&Attributes>,
    ) -> Vec<FieldChange> {
        field_changes(kind, declared, live, previously, &DefaultContext::default())
    }

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
            changes_of(ResourceKind::DatastoreJdbc, &declared, &live_jdbc(), None),
            vec![]
        );
    }

    #[test]
    fn a_field_never_declared_is_not_pingforms_whatever_it_holds() {
        let declared = map(json!({
            "driver_class": "org.postgresql.Driver",
            "connection_url": "jdbc:postgresql://db/x",
            "user_name": "pf"
        }));
        let mut live = live_jdbc();
        live.insert("max_pool_size".into(), json!(7));
        live.insert("validate_connection_sql".into(), json!("SELECT 1"));
        assert_eq!(
            changes_of(ResourceKind::DatastoreJdbc, &declared, &live, None),
            vec![]
        );
    }

    #[test]
    fn a_field_no_longer_declared_goes_back_to_its_default() {
        let declared = map(json!({
            "driver_class": "org.postgresql.Driver",
            "connection_url": "jdbc:postgresql://db/x",
            "user_name": "pf"
        }));
        let previously = map(json!({
            "driver_class": "org.postgresql.Driver",
            "max_pool_size": 7,
            "validate_connection_sql": "SELECT 1"
        }));
        let mut live = live_jdbc();
        live.insert("max_pool_size".into(), json!(7));
        live.insert("validate_connection_sql".into(), json!("SELECT 1"));
        let changes = changes_of(
            ResourceKind::DatastoreJdbc,
            &declared,
            &live,
            Some(&previously),
        );
        assert_eq!(changes.len(), 2, "{changes:#?}");
        assert_eq!(changes[0].field, "validate_connection_sql");
        assert_eq!(changes[0].after, None);
        assert!(changes[0].released);
        assert_eq!(changes[1].field, "max_pool_size");
        assert_eq!(changes[1].before, Some(json!(7)));
        assert_eq!(changes[1].after, Some(json!(100)));
        assert!(changes[1].released);
    }

    #[test]
    fn blocks_are_compared_where_they_are_owned_only() {
        let kind = ResourceKind::ProvisioningConnection;
        let declared = map(json!({"channels": [
            {"name": "staff", "base_dn": "dc=a", "attribute_mapping": {"username": "uid"}}
        ]}));
        let live = map(json!({"channels": [
            {"name": "staff", "base_dn": "dc=a", "timeout": 120, "active": false,
             "attribute_mapping": {"username": "uid", "title": "title"}},
            {"name": "console_made", "base_dn": "dc=b"}
        ]}));
        assert_eq!(changes_of(kind, &declared, &live, None), vec![]);
        let previously = map(json!({"channels": [
            {"name": "staff", "base_dn": "dc=a", "timeout": 120, "attribute_mapping": {"username": "uid", "title": "title"}},
            {"name": "gone", "base_dn": "dc=c"}
        ]}));
        let mut live_with_gone = live.clone();
        live_with_gone["channels"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "gone", "base_dn": "dc=c"}));
        let changes = changes_of(kind, &declared, &live_with_gone, Some(&previously));
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].before,
            Some(json!([
                {"name": "staff", "base_dn": "dc=a", "timeout": 120, "attribute_mapping": {"username": "uid", "title": "title"}},
                {"name": "gone", "base_dn": "dc=c"}
            ]))
        );
        assert_eq!(
            changes[0].after,
            Some(json!([
                {"name": "staff", "base_dn": "dc=a", "timeout": 60, "attribute_mapping": {"username": "uid"}}
            ]))
        );
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
        let changes = changes_of(
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
            changes_of(ResourceKind::DatastoreJdbc, &declared, &live, None),
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
            changes_of(ResourceKind::DatastoreCustom, &declared, &live, None),
            vec![]
        );
        let mut changed = live.clone();
        changed["configuration"]["Base URL"] = json!("https://other");
        let changes = changes_of(ResourceKind::DatastoreCustom, &declared, &changed, None);
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
        let changes = changes_of(ResourceKind::DatastoreCustom, &declared, &live, None);
        assert!(
            changes
                .iter()
                .any(|c| c.field == "plugin_descriptor_id" && c.forces_replacement)
        );
    }
}
