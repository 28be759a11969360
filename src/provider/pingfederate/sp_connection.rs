//! The provisioning connection's wire shape: a PingFederate SP connection whose
//! `outboundProvision` is of type `PingOne` (reference §6). Model space keeps it flat
//! (target settings as named options, each channel as one object); this file folds it
//! into `targetSettings`, `channelSource { ... }` and the attribute mapping, and back.

use serde_json::{Map, Value, json};

use crate::model::{Attributes, FieldMap, FieldType, ObservedObject, ResourceKind, schema};

const ENVIRONMENT_SETTING: &str = "PINGONE_ENVIRONMENT";
const POPULATION_FIELD: &str = "populationID";

/// The boolean and choice options, by model name and target-setting name.
const OPTIONS: &[(&str, &str)] = &[
    ("create_users", "CREATE_USERS_PROV_OPT"),
    ("update_users", "UPDATE_USERS_PROV_OPT"),
    ("remove_users", "REMOVE_USERS_PROV_OPT"),
    (
        "provision_disabled_users",
        "PROVISION_DISABLED_USERS_PROV_OPT",
    ),
    ("remove_action", "REMOVE_ACTION"),
];

/// Where each flattened channel field lives inside `channelSource`.
const SOURCE_GROUPS: &[(&str, &[&str])] = &[
    (
        "changeDetectionSettings",
        &[
            "user_object_class",
            "group_object_class",
            "changed_users_algorithm",
            "timestamp_attribute",
            "usn_attribute",
        ],
    ),
    (
        "groupMembershipDetection",
        &["group_member_attribute", "member_of_group_attribute"],
    ),
    (
        "accountManagementSettings",
        &[
            "account_status_attribute",
            "account_status_algorithm",
            "flag_comparison_value",
            "flag_comparison_status",
            "default_status",
        ],
    ),
    (
        "userSourceLocation",
        &["user_filter", "group_dn", "nested_search"],
    ),
];
const SOURCE_FIELDS: &[&str] = &["datastore", "base_dn", "guid_attribute", "guid_binary"];
const CHANNEL_TOP_FIELDS: &[&str] = &["name", "active", "max_threads", "timeout"];

fn channel_field(name: &str) -> Option<&'static crate::model::Field> {
    schema::CHANNEL_FIELDS.iter().find(|f| f.name == name)
}

/// A channel field's value: declared, else the schema default (PingFederate requires
/// the nested settings, so defaults are sent explicitly).
fn value_or_default(channel: &Map<String, Value>, name: &str) -> Option<Value> {
    match channel.get(name) {
        Some(Value::Null) | None => channel_field(name).and_then(|f| f.default.value()),
        Some(value) => Some(value.clone()),
    }
}

fn option_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The request body of a provisioning connection.
pub fn to_wire(id: &str, attributes: &Attributes) -> Value {
    let text = |name: &str| {
        attributes
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let mut settings = vec![json!({
        "name": ENVIRONMENT_SETTING,
        "value": format!("{}|{}", text("pingone_connection"), text("environment_id")),
    })];
    for (model, wire) in OPTIONS {
        let value = attributes.get(*model).cloned().or_else(|| {
            schema::PROVISIONING_CONNECTION_FIELDS
                .iter()
                .find(|f| f.name == *model)
                .and_then(|f| f.default.value())
        });
        if let Some(value) = value {
            settings.push(json!({ "name": wire, "value": option_text(&value) }));
        }
    }
    let channels: Vec<Value> = attributes
        .get("channels")
        .and_then(Value::as_array)
        .map(|channels| {
            channels
                .iter()
                .filter_map(Value::as_object)
                .map(channel_to_wire)
                .collect()
        })
        .unwrap_or_default();
    let mut body = Map::new();
    body.insert("type".into(), "SP".into());
    body.insert("id".into(), id.into());
    body.insert("entityId".into(), text("entity_id").into());
    body.insert("name".into(), text("name").into());
    if let Some(active) = attributes.get("active") {
        body.insert("active".into(), active.clone());
    }
    body.insert("connectionTargetType".into(), "STANDARD".into());
    body.insert(
        "outboundProvision".into(),
        json!({ "type": "PingOne", "targetSettings": settings, "channels": channels }),
    );
    Value::Object(body)
}

fn channel_to_wire(channel: &Map<String, Value>) -> Value {
    let mut source = Map::new();
    for name in SOURCE_FIELDS {
        let Some(field) = channel_field(name) else {
            continue;
        };
        if let Some(value) = value_or_default(channel, name) {
            let value = if field.ty == FieldType::Reference {
                json!({ "id": value })
            } else {
                value
            };
            source.insert(field.wire.into(), value);
        }
    }
    for (group, names) in SOURCE_GROUPS {
        let mut object = Map::new();
        for name in *names {
            let Some(field) = channel_field(name) else {
                continue;
            };
            if let Some(value) = value_or_default(channel, name) {
                object.insert(field.wire.into(), value);
            }
        }
        source.insert((*group).into(), Value::Object(object));
    }
    let mut mapping: Vec<Value> = channel
        .get("attribute_mapping")
        .and_then(Value::as_object)
        .map(|mapping| {
            mapping
                .iter()
                .map(|(field, attribute)| {
                    json!({ "fieldName": field, "saasFieldInfo": { "attributeNames": [attribute] } })
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(population) = channel.get("population_id").and_then(Value::as_str) {
        mapping.push(json!({ "fieldName": POPULATION_FIELD, "saasFieldInfo": { "defaultValue": population } }));
    }
    let mut wire = Map::new();
    for name in CHANNEL_TOP_FIELDS {
        let Some(field) = channel_field(name) else {
            continue;
        };
        if let Some(value) = value_or_default(channel, name) {
            wire.insert(field.wire.into(), value);
        }
    }
    wire.insert("channelSource".into(), Value::Object(source));
    wire.insert("attributeMapping".into(), Value::Array(mapping));
    Value::Object(wire)
}

/// A response body in model space; `Err` for an SP connection that is not a PingOne
/// provisioning connection (it has no `outboundProvision` of type `PingOne`).
pub fn from_wire(id: &str, body: &Value) -> Result<ObservedObject, String> {
    let provision = body
        .get("outboundProvision")
        .filter(|p| p.get("type").and_then(Value::as_str) == Some("PingOne"))
        .ok_or_else(|| "an SP connection without PingOne outbound provisioning".to_string())?;
    let id = body
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or(id)
        .to_string();
    let mut attributes = Attributes::new();
    for (model, wire) in [
        ("entity_id", "entityId"),
        ("name", "name"),
        ("active", "active"),
    ] {
        if let Some(value) = body.get(wire).filter(|v| !v.is_null()) {
            attributes.insert(model.into(), value.clone());
        }
    }
    let settings = provision
        .get("targetSettings")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let setting = |name: &str| {
        settings
            .iter()
            .find(|s| s.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|s| s.get("value"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    if let Some(environment) = setting(ENVIRONMENT_SETTING) {
        let (connection, environment_id) =
            environment.split_once('|').unwrap_or(("", &environment));
        attributes.insert("pingone_connection".into(), connection.into());
        attributes.insert("environment_id".into(), environment_id.into());
    }
    for (model, wire) in OPTIONS {
        // PingFederate may leave a value out on read; that is not drift.
        let Some(text) = setting(wire) else { continue };
        let value = match text.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text),
        };
        attributes.insert((*model).into(), value);
    }
    let channels: Vec<Value> = provision
        .get("channels")
        .and_then(Value::as_array)
        .map(|channels| channels.iter().map(channel_from_wire).collect())
        .unwrap_or_default();
    attributes.insert("channels".into(), Value::Array(channels));
    Ok(ObservedObject {
        kind: ResourceKind::ProvisioningConnection,
        id,
        attributes,
        encrypted: FieldMap::new(),
    })
}

fn channel_from_wire(channel: &Value) -> Value {
    let mut flat = Map::new();
    let source = channel.get("channelSource").cloned().unwrap_or(Value::Null);
    let mut put = |name: &str, value: Option<&Value>| {
        if let Some(value) = value.filter(|v| !v.is_null()) {
            let value = match channel_field(name).map(|f| f.ty) {
                Some(FieldType::Reference) => value.get("id").cloned().unwrap_or(Value::Null),
                _ => value.clone(),
            };
            flat.insert(name.into(), value);
        }
    };
    for name in CHANNEL_TOP_FIELDS {
        if let Some(field) = channel_field(name) {
            put(name, channel.get(field.wire));
        }
    }
    for name in SOURCE_FIELDS {
        if let Some(field) = channel_field(name) {
            put(name, source.get(field.wire));
        }
    }
    for (group, names) in SOURCE_GROUPS {
        for name in *names {
            if let Some(field) = channel_field(name) {
                put(name, source.get(*group).and_then(|g| g.get(field.wire)));
            }
        }
    }
    let mut mapping = Map::new();
    for entry in channel
        .get("attributeMapping")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(field) = entry.get("fieldName").and_then(Value::as_str) else {
            continue;
        };
        let info = entry.get("saasFieldInfo").cloned().unwrap_or(Value::Null);
        if field == POPULATION_FIELD {
            if let Some(population) = info.get("defaultValue").filter(|v| !v.is_null()) {
                flat.insert("population_id".into(), population.clone());
            }
            continue;
        }
        if let Some(attribute) = info
            .get("attributeNames")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            mapping.insert(field.into(), attribute.clone());
        }
    }
    flat.insert("attribute_mapping".into(), Value::Object(mapping));
    // Schema order, so the plan shows channels the way the configuration reads.
    let ordered: Map<String, Value> = schema::CHANNEL_FIELDS
        .iter()
        .filter_map(|f| flat.get(f.name).map(|v| (f.name.to_string(), v.clone())))
        .collect();
    Value::Object(ordered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection() -> Attributes {
        json!({
            "entity_id": "pingone-prov",
            "name": "PingOne provisioning",
            "active": true,
            "pingone_connection": "workforce",
            "environment_id": "env-1",
            "remove_action": "Delete",
            "channels": [{
                "name": "employees",
                "datastore": "corp",
                "base_dn": "ou=people,dc=example,dc=com",
                "user_filter": "(&(objectClass=person)(!(uid=admin)))",
                "population_id": "pop-1",
                "attribute_mapping": {"username": "uid", "email": "mail"}
            }]
        })
        .as_object()
        .unwrap()
        .clone()
    }

    #[test]
    fn a_connection_goes_out_as_an_sp_connection_with_pingone_provisioning() {
        let body = to_wire("p1", &connection());
        assert_eq!(body["entityId"], "pingone-prov");
        let provision = &body["outboundProvision"];
        assert_eq!(provision["type"], "PingOne");
        assert_eq!(
            provision["targetSettings"][0],
            json!({"name": "PINGONE_ENVIRONMENT", "value": "workforce|env-1"})
        );
        assert!(
            provision["targetSettings"]
                .as_array()
                .unwrap()
                .contains(&json!({"name": "REMOVE_ACTION", "value": "Delete"}))
        );
        assert!(
            provision["targetSettings"]
                .as_array()
                .unwrap()
                .contains(&json!({"name": "CREATE_USERS_PROV_OPT", "value": "true"}))
        );
        let channel = &provision["channels"][0];
        assert_eq!(channel["maxThreads"], 1);
        assert_eq!(
            channel["channelSource"]["dataSource"],
            json!({"id": "corp"})
        );
        assert_eq!(
            channel["channelSource"]["changeDetectionSettings"]["timeStampAttributeName"],
            "modifyTimestamp"
        );
        assert_eq!(
            channel["channelSource"]["userSourceLocation"]["filter"],
            "(&(objectClass=person)(!(uid=admin)))"
        );
        assert!(channel["attributeMapping"].as_array().unwrap().contains(
            &json!({"fieldName": "populationID", "saasFieldInfo": {"defaultValue": "pop-1"}})
        ));
    }

    #[test]
    fn a_connection_comes_back_flat() {
        let back = from_wire("p1", &to_wire("p1", &connection())).unwrap();
        assert_eq!(back.attributes["pingone_connection"], "workforce");
        assert_eq!(back.attributes["remove_action"], "Delete");
        let channel = &back.attributes["channels"][0];
        assert_eq!(channel["population_id"], "pop-1");
        assert_eq!(
            channel["attribute_mapping"],
            json!({"username": "uid", "email": "mail"})
        );
        assert_eq!(
            channel["user_filter"],
            "(&(objectClass=person)(!(uid=admin)))"
        );
        assert_eq!(channel["guid_attribute"], "entryUUID");
    }

    #[test]
    fn an_sp_connection_without_pingone_provisioning_is_not_one_of_ours() {
        assert!(
            from_wire(
                "x",
                &json!({"id": "x", "type": "SP", "entityId": "e", "name": "n"})
            )
            .is_err()
        );
    }
}
