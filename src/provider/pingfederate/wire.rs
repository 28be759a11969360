//! PingFederate's JSON shapes, converted to and from model space through the field
//! tables in `model::schema`: names (`driver_class` ⇄ `driverClass`), ResourceLinks
//! (`"id"` ⇄ `{ "id": "id" }`), write-only secrets (`password` out, `encryptedPassword`
//! back) and the custom store `configuration { fields, tables }`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{SecretValue, WriteRequest};
use crate::model::{Attributes, Field, FieldType, ObservedObject, ResourceKind};

/// The request body for a create or a full-replacement update.
pub fn to_wire(request: &WriteRequest<'_>) -> Value {
    if request.kind == ResourceKind::ProvisioningConnection {
        return super::sp_connection::to_wire(request.id, request.attributes);
    }
    let mut body = Map::new();
    if let Some(wire_type) = request.kind.wire_type() {
        body.insert("type".into(), wire_type.into());
    }
    if !request.kind.is_singleton() {
        body.insert("id".into(), request.id.into());
    }
    let secrets: BTreeMap<&str, SecretValue<'_>> = request
        .secrets
        .iter()
        .map(|(path, value)| (path.as_str(), *value))
        .collect();
    for field in request.kind.fields() {
        match field.ty {
            FieldType::StringMap | FieldType::SecretMap | FieldType::TableMap => continue,
            _ => {}
        }
        if let Some(encrypted_wire) = field.encrypted_wire {
            match secrets.get(field.name) {
                Some(SecretValue::Plain(secret)) => {
                    body.insert(field.wire.into(), secret.expose().into());
                }
                Some(SecretValue::Encrypted(encrypted)) => {
                    body.insert(encrypted_wire.into(), (*encrypted).into());
                }
                None => {}
            }
            continue;
        }
        if let Some(value) = request.attributes.get(field.name) {
            body.insert(field.wire.into(), value_to_wire(field, value));
        }
    }
    if request.kind == ResourceKind::DatastoreCustom {
        body.insert(
            "configuration".into(),
            plugin_configuration(request.attributes, &secrets),
        );
    }
    Value::Object(body)
}

fn value_to_wire(field: &Field, value: &Value) -> Value {
    match (field.ty, value) {
        (FieldType::Reference, Value::String(id)) => json!({ "id": id }),
        (FieldType::ObjectList(fields), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|item| {
                    let mut object = Map::new();
                    if let Value::Object(item) = item {
                        for nested in fields {
                            if let Some(value) = item.get(nested.name) {
                                object.insert(nested.wire.into(), value_to_wire(nested, value));
                            }
                        }
                    }
                    Value::Object(object)
                })
                .collect(),
        ),
        _ => value.clone(),
    }
}

fn plugin_configuration(
    attributes: &Attributes,
    secrets: &BTreeMap<&str, SecretValue<'_>>,
) -> Value {
    let mut fields = Vec::new();
    if let Some(Value::Object(plain)) = attributes.get("configuration") {
        for (name, value) in plain {
            fields.push(json!({ "name": name, "value": value }));
        }
    }
    for (path, secret) in secrets {
        if let Some(name) = path.strip_prefix("sensitive_configuration.") {
            fields.push(match secret {
                SecretValue::Plain(secret) => json!({ "name": name, "value": secret.expose() }),
                SecretValue::Encrypted(encrypted) => {
                    json!({ "name": name, "encryptedValue": encrypted })
                }
            });
        }
    }
    let mut tables = Vec::new();
    if let Some(Value::Object(declared)) = attributes.get("configuration_tables") {
        for (name, rows) in declared {
            let rows: Vec<Value> = rows
                .as_array()
                .map(|rows| {
                    rows.iter()
                        .map(|row| {
                            let fields: Vec<Value> = row
                                .as_object()
                                .map(|row| {
                                    row.iter()
                                        .map(
                                            |(name, value)| json!({ "name": name, "value": value }),
                                        )
                                        .collect()
                                })
                                .unwrap_or_default();
                            json!({ "fields": fields, "defaultRow": false })
                        })
                        .collect()
                })
                .unwrap_or_default();
            tables.push(json!({ "name": name, "rows": rows }));
        }
    }
    json!({ "fields": fields, "tables": tables })
}

/// A response body in model space. Fields the schema does not know (`lastModified`,
/// `location`, `type`) are left out; encrypted secrets go to `encrypted`.
pub fn from_wire(kind: ResourceKind, id: &str, body: &Value) -> Result<ObservedObject, String> {
    if kind == ResourceKind::ProvisioningConnection {
        return super::sp_connection::from_wire(id, body);
    }
    let object = body
        .as_object()
        .ok_or_else(|| format!("expected a JSON object for {}", kind.describe()))?;
    let id = object
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or(id)
        .to_string();
    let mut attributes = Attributes::new();
    let mut encrypted = BTreeMap::new();
    for field in kind.fields() {
        match field.ty {
            FieldType::StringMap | FieldType::SecretMap | FieldType::TableMap => continue,
            _ => {}
        }
        if let Some(encrypted_wire) = field.encrypted_wire {
            if let Some(Value::String(value)) = object.get(encrypted_wire) {
                encrypted.insert(field.name.to_string(), value.clone());
            }
            continue;
        }
        match object.get(field.wire) {
            None | Some(Value::Null) => {}
            // A value equal to the server default is left out: everything downstream
            // reads an absent field as its default, and ten thousand stores' worth of
            // defaults is most of a refresh's memory.
            Some(value) if field.default.value().as_ref() == Some(value) => {}
            Some(value) => {
                attributes.insert(field.name.into(), value_from_wire(field, value)?);
            }
        }
    }
    if kind == ResourceKind::DatastoreCustom {
        read_plugin_configuration(object.get("configuration"), &mut attributes, &mut encrypted);
    }
    Ok(ObservedObject {
        kind,
        id,
        attributes,
        encrypted: encrypted.into_iter().collect(),
    })
}

fn value_from_wire(field: &Field, value: &Value) -> Result<Value, String> {
    match field.ty {
        FieldType::Reference => value
            .get("id")
            .cloned()
            .ok_or_else(|| format!("`{}` has no id", field.wire)),
        FieldType::ObjectList(fields) => {
            let items = value
                .as_array()
                .ok_or_else(|| format!("`{}` is not a list", field.wire))?;
            items
                .iter()
                .map(|item| {
                    let mut object = Map::new();
                    for nested in fields {
                        if let Some(value) = item.get(nested.wire).filter(|v| !v.is_null()) {
                            object.insert(nested.name.into(), value_from_wire(nested, value)?);
                        }
                    }
                    Ok(Value::Object(object))
                })
                .collect::<Result<Vec<_>, String>>()
                .map(Value::Array)
        }
        _ => Ok(value.clone()),
    }
}

fn read_plugin_configuration(
    configuration: Option<&Value>,
    attributes: &mut Attributes,
    encrypted: &mut BTreeMap<String, String>,
) {
    let mut plain = Map::new();
    let mut tables = Map::new();
    if let Some(configuration) = configuration {
        for field in configuration
            .get("fields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(name) = field.get("name").and_then(Value::as_str) else {
                continue;
            };
            if let Some(Value::String(value)) = field.get("encryptedValue") {
                encrypted.insert(format!("sensitive_configuration.{name}"), value.clone());
            } else if let Some(value) = field.get("value") {
                plain.insert(name.into(), value.clone());
            }
        }
        for table in configuration
            .get("tables")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(name) = table.get("name").and_then(Value::as_str) else {
                continue;
            };
            let rows: Vec<Value> = table
                .get("rows")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|row| {
                    let mut cells = Map::new();
                    for cell in row
                        .get("fields")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        if let (Some(name), Some(value)) =
                            (cell.get("name").and_then(Value::as_str), cell.get("value"))
                        {
                            cells.insert(name.into(), value.clone());
                        }
                    }
                    Value::Object(cells)
                })
                .collect();
            tables.insert(name.into(), Value::Array(rows));
        }
    }
    attributes.insert("configuration".into(), Value::Object(plain));
    attributes.insert("configuration_tables".into(), Value::Object(tables));
}

/// The configuration's name for a server field path, e.g. `driverClass` →
/// `driver_class`, `connectionUrlTags[0].connectionUrl` → `connection_url_tags[0].connection_url`.
pub fn configuration_path(kind: ResourceKind, wire_path: &str) -> Option<String> {
    let (head, rest) = match wire_path.find(['.', '[']) {
        Some(index) => wire_path.split_at(index),
        None => (wire_path, ""),
    };
    if head == "configuration" {
        return Some(format!("configuration{rest}"));
    }
    let field = kind
        .fields()
        .iter()
        .find(|f| f.wire == head || f.encrypted_wire == Some(head))?;
    let FieldType::ObjectList(nested) = field.ty else {
        return Some(format!("{}{rest}", field.name));
    };
    // `[0].connectionUrl`
    let mut mapped = field.name.to_string();
    let mut remainder = rest;
    if let Some(close) = remainder.find(']').filter(|_| remainder.starts_with('[')) {
        mapped.push_str(&remainder[..=close]);
        remainder = &remainder[close + 1..];
    }
    if let Some(name) = remainder.strip_prefix('.') {
        let nested_name = nested
            .iter()
            .find(|f| f.wire == name)
            .map(|f| f.name)
            .unwrap_or(name);
        mapped.push('.');
        mapped.push_str(nested_name);
    }
    Some(mapped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Secret;

    fn attributes(value: Value) -> Attributes {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn a_jdbc_store_goes_out_in_wire_names_with_its_password() {
        let attributes = attributes(json!({
            "driver_class": "org.postgresql.Driver",
            "connection_url": "jdbc:postgresql://db/x",
            "connection_url_tags": [{"connection_url": "jdbc:postgresql://db/x", "default_source": true}],
            "min_pool_size": 5
        }));
        let secret = Secret::new("s3cret");
        let body = to_wire(&WriteRequest {
            kind: ResourceKind::DatastoreJdbc,
            id: "prov",
            attributes: &attributes,
            secrets: vec![("password".into(), SecretValue::Plain(&secret))],
        });
        assert_eq!(
            body,
            json!({
                "type": "JDBC", "id": "prov",
                "driverClass": "org.postgresql.Driver",
                "connectionUrl": "jdbc:postgresql://db/x",
                "connectionUrlTags": [{"connectionUrl": "jdbc:postgresql://db/x", "defaultSource": true}],
                "password": "s3cret",
                "minPoolSize": 5
            })
        );
    }

    #[test]
    fn a_kept_secret_goes_back_encrypted() {
        let attributes = attributes(json!({"ldap_type": "PING_DIRECTORY", "hostnames": ["h:636"]}));
        let body = to_wire(&WriteRequest {
            kind: ResourceKind::DatastoreLdap,
            id: "corp",
            attributes: &attributes,
            secrets: vec![("password".into(), SecretValue::Encrypted("eyJ.enc"))],
        });
        assert_eq!(body["encryptedPassword"], "eyJ.enc");
        assert!(body.get("password").is_none());
    }

    #[test]
    fn outbound_provisioning_uses_a_resource_link() {
        let attributes = attributes(json!({"datastore": "prov", "synchronization_frequency": 120}));
        let body = to_wire(&WriteRequest {
            kind: ResourceKind::OutboundProvisioning,
            id: "settings",
            attributes: &attributes,
            secrets: Vec::new(),
        });
        assert_eq!(
            body,
            json!({"dataStoreRef": {"id": "prov"}, "synchronizationFrequency": 120})
        );
        let back = from_wire(
            ResourceKind::OutboundProvisioning,
            "settings",
            &json!({"dataStoreRef": {"id": "prov", "location": "https://x/dataStores/prov"}, "synchronizationFrequency": 120}),
        )
        .unwrap();
        assert_eq!(back.attributes, attributes);
    }

    #[test]
    fn custom_configuration_round_trips_and_secrets_stay_encrypted() {
        let attributes = attributes(json!({
            "name": "CRM",
            "plugin_descriptor_id": "com.example.Rest",
            "configuration": {"Base URL": "https://crm"},
            "configuration_tables": {"Headers": [{"Header Name": "X-A", "Header Value": "1"}]}
        }));
        let secret = Secret::new("p");
        let body = to_wire(&WriteRequest {
            kind: ResourceKind::DatastoreCustom,
            id: "crm",
            attributes: &attributes,
            secrets: vec![(
                "sensitive_configuration.Password".into(),
                SecretValue::Plain(&secret),
            )],
        });
        assert_eq!(
            body["pluginDescriptorRef"],
            json!({"id": "com.example.Rest"})
        );
        assert_eq!(
            body["configuration"]["fields"][1],
            json!({"name": "Password", "value": "p"})
        );
        let mut response = body.clone();
        response["configuration"]["fields"][1] =
            json!({"name": "Password", "encryptedValue": "eyJ.x"});
        let observed = from_wire(ResourceKind::DatastoreCustom, "crm", &response).unwrap();
        assert_eq!(
            observed.attributes["configuration"],
            json!({"Base URL": "https://crm"})
        );
        assert_eq!(
            observed.attributes["configuration_tables"],
            attributes["configuration_tables"]
        );
        assert_eq!(
            observed
                .encrypted
                .get("sensitive_configuration.Password")
                .unwrap(),
            "eyJ.x"
        );
    }

    #[test]
    fn server_field_paths_map_to_configuration_names() {
        let kind = ResourceKind::DatastoreJdbc;
        assert_eq!(
            configuration_path(kind, "driverClass").as_deref(),
            Some("driver_class")
        );
        assert_eq!(
            configuration_path(kind, "encryptedPassword").as_deref(),
            Some("password")
        );
        assert_eq!(
            configuration_path(kind, "connectionUrlTags[0].connectionUrl").as_deref(),
            Some("connection_url_tags[0].connection_url")
        );
        assert_eq!(
            configuration_path(ResourceKind::OutboundProvisioning, "dataStoreRef.id").as_deref(),
            Some("datastore.id")
        );
        assert_eq!(configuration_path(kind, "nonsense"), None);
    }
}
