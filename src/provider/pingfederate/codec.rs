//! The one wire codec: model attributes to PingFederate JSON and back, driven by each
//! field's typed wire path (`Wire`) and type in the kind descriptors. Names
//! (`driver_class` ⇄ `driverClass`), nested paths (`channelSource.baseDn`),
//! ResourceLinks (`"id"` ⇄ `{ "id": "id" }`), target settings (`REMOVE_ACTION`),
//! mapping entries, write-only secrets (`password` out, `encryptedPassword` back),
//! plugin `configuration { fields, tables }` and nested blocks (channels) are all
//! handled here once; a kind writes no conversion code of its own.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{SecretValue, WriteRequest};
use crate::model::{
    Attributes, Collection, Field, FieldType, ObservedObject, ResourceKind, SINGLETON_ID, Wire,
};

/// The request body for a create or a full-replacement update.
pub fn encode(request: &WriteRequest<'_>) -> Value {
    let descriptor = request.kind.descriptor();
    let mut body = Map::new();
    for (path, value) in descriptor.identity.iter().chain(descriptor.constants) {
        set_path(&mut body, path, Value::String((*value).to_string()));
    }
    if !request.kind.is_singleton() {
        body.insert("id".into(), request.id.into());
    }
    let secrets: BTreeMap<&str, SecretValue<'_>> = request
        .secrets
        .iter()
        .map(|(path, value)| (path.as_str(), *value))
        .collect();
    encode_fields(
        descriptor.fields,
        request.attributes,
        &secrets,
        descriptor.send_defaults,
        &mut body,
    );
    Value::Object(body)
}

fn encode_fields(
    fields: &[Field],
    attributes: &Attributes,
    secrets: &BTreeMap<&str, SecretValue<'_>>,
    send_defaults: bool,
    object: &mut Map<String, Value>,
) {
    for field in fields {
        // A plugin configuration always carries its lists, empty or not.
        if let Wire::Entries(path) | Wire::Tables(path) = field.wire
            && get_path(object, path).is_none()
        {
            set_path(object, path, Value::Array(Vec::new()));
        }
        if field.ty == FieldType::SecretMap {
            encode_secret_map(field, secrets, object);
            continue;
        }
        if let Some(encrypted) = field.encrypted {
            match secrets.get(field.name) {
                Some(SecretValue::Plain(secret)) => {
                    write(object, field.wire, field.ty, secret.expose().into());
                }
                Some(SecretValue::Encrypted(value)) => {
                    write(object, encrypted, field.ty, (*value).into());
                }
                None => {}
            }
            continue;
        }
        let value = match attributes.get(field.name).filter(|v| !v.is_null()) {
            Some(value) => value.clone(),
            None if send_defaults => match field.default.value() {
                Some(default) => default,
                None => continue,
            },
            None => continue,
        };
        let link = matches!(field.wire, Wire::Key(_) | Wire::Path(_));
        let value = match (field.ty, value) {
            // A ResourceLink, where the reference is an object of its own.
            (FieldType::Reference(_), Value::String(id)) if link => json!({ "id": id }),
            (FieldType::ObjectList(nested), Value::Array(items)) => Value::Array(
                items
                    .iter()
                    .map(|item| {
                        let mut encoded = Map::new();
                        if let Value::Object(item) = item {
                            encode_fields(nested, item, &BTreeMap::new(), false, &mut encoded);
                        }
                        Value::Object(encoded)
                    })
                    .collect(),
            ),
            (FieldType::Blocks(nested), Value::Array(items)) => Value::Array(
                items
                    .iter()
                    .map(|item| {
                        let mut encoded = Map::new();
                        if let Value::Object(item) = item {
                            encode_fields(
                                nested.fields,
                                item,
                                &BTreeMap::new(),
                                send_defaults,
                                &mut encoded,
                            );
                        }
                        Value::Object(encoded)
                    })
                    .collect(),
            ),
            (_, value) => value,
        };
        write(object, field.wire, field.ty, value);
    }
}

/// Puts one converted value where the field lives.
fn write(object: &mut Map<String, Value>, wire: Wire, ty: FieldType, value: Value) {
    match wire {
        Wire::None => {}
        Wire::Key(key) => write_value(object, &[key], ty, value),
        Wire::Path(path) => write_value(object, path, ty, value),
        Wire::Setting { list, name, part } => with_entry(object, list, "name", name, |entry| {
            let text = match part {
                None => text_of(&value),
                Some((separator, index)) => {
                    let current = entry
                        .get("value")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let mut pieces: Vec<String> = if current.is_empty() {
                        Vec::new()
                    } else {
                        current.split(separator).map(str::to_string).collect()
                    };
                    if pieces.len() <= index {
                        pieces.resize(index + 1, String::new());
                    }
                    pieces[index] = text_of(&value);
                    pieces.join(&separator.to_string())
                }
            };
            entry.insert("value".into(), Value::String(text));
        }),
        Wire::Entry {
            list,
            key_name,
            key,
            value: path,
        } => with_entry(object, list, key_name, key, |entry| {
            set_path(entry, path, value)
        }),
        Wire::Entries(path) => {
            if let Value::Object(map) = value {
                for (name, value) in map {
                    with_entry(object, path, "name", &name, |entry| {
                        entry.insert("value".into(), value);
                    });
                }
            }
        }
        Wire::Tables(path) => {
            let tables: Vec<Value> = value
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, rows)| {
                    let rows: Vec<Value> = rows
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|row| {
                            let fields: Vec<Value> = row
                                .as_object()
                                .into_iter()
                                .flatten()
                                .map(|(name, value)| json!({ "name": name, "value": value }))
                                .collect();
                            json!({ "fields": fields, "defaultRow": false })
                        })
                        .collect();
                    json!({ "name": name, "rows": rows })
                })
                .collect();
            set_path(object, path, Value::Array(tables));
        }
    }
}

/// A mapping goes into its list entry by entry, next to the entries other fields own
/// (the `populationID` entry); anything else is set whole.
fn write_value(object: &mut Map<String, Value>, path: &[&str], ty: FieldType, value: Value) {
    if ty != FieldType::Mapping {
        set_path(object, path, value);
        return;
    }
    let Value::Object(mapping) = value else {
        return;
    };
    for (field, attribute) in mapping {
        with_entry(object, path, "fieldName", &field, |entry| {
            entry.insert(
                "saasFieldInfo".into(),
                json!({ "attributeNames": [attribute] }),
            );
        });
    }
}

fn encode_secret_map(
    field: &Field,
    secrets: &BTreeMap<&str, SecretValue<'_>>,
    object: &mut Map<String, Value>,
) {
    let Wire::Entries(path) = field.wire else {
        return;
    };
    let prefix = format!("{}.", field.name);
    for (key, secret) in secrets {
        let Some(name) = key.strip_prefix(&prefix) else {
            continue;
        };
        with_entry(object, path, "name", name, |entry| match secret {
            SecretValue::Plain(secret) => {
                entry.insert("value".into(), secret.expose().into());
            }
            SecretValue::Encrypted(encrypted) => {
                entry.insert("encryptedValue".into(), (*encrypted).into());
            }
        });
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Sets `value` at `path`, creating the objects on the way.
fn set_path(object: &mut Map<String, Value>, path: &[&str], value: Value) {
    match path {
        [] => {}
        [last] => {
            object.insert(last.to_string(), value);
        }
        [first, rest @ ..] => {
            let slot = object
                .entry(first.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = slot {
                set_path(inner, rest, value);
            } else {
                let mut inner = Map::new();
                set_path(&mut inner, rest, value);
                *slot = Value::Object(inner);
            }
        }
    }
}

/// Runs `change` on the entry of the list at `path` whose `key_name` is `key`,
/// appending the entry when there is none.
fn with_entry(
    object: &mut Map<String, Value>,
    path: &[&str],
    key_name: &str,
    key: &str,
    change: impl FnOnce(&mut Map<String, Value>),
) {
    match path {
        [] => {}
        [last] => {
            let slot = object
                .entry(last.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            let Value::Array(items) = slot else {
                return;
            };
            let found = items.iter_mut().find_map(|item| match item {
                Value::Object(entry)
                    if entry.get(key_name).and_then(Value::as_str) == Some(key) =>
                {
                    Some(entry)
                }
                _ => None,
            });
            match found {
                Some(entry) => change(entry),
                None => {
                    let mut entry = Map::new();
                    entry.insert(key_name.to_string(), Value::String(key.to_string()));
                    change(&mut entry);
                    items.push(Value::Object(entry));
                }
            }
        }
        [first, rest @ ..] => {
            let slot = object
                .entry(first.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Value::Object(inner) = slot {
                with_entry(inner, rest, key_name, key, change);
            }
        }
    }
}

/// What an item of a collection is: one of pingform's kinds, or foreign (with a
/// description of what it is).
pub enum Item {
    Known(ObservedObject),
    Foreign { id: String, what: String },
}

/// Decodes one item of `collection`, picking its kind by the identity values.
pub fn decode_item(collection: Collection, body: &Value) -> Result<Item, String> {
    let id = match body.get("id").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None if collection.is_singleton() => SINGLETON_ID.to_string(),
        None => return Err(format!("a {} without an id", collection.noun())),
    };
    match ResourceKind::in_collection(collection).find(|kind| kind.descriptor().identifies(body)) {
        Some(kind) => decode(kind, &id, body).map(Item::Known),
        None => {
            let typed =
                ResourceKind::in_collection(collection).any(|kind| kind.wire_type().is_some());
            let what = match body.get("type").and_then(Value::as_str) {
                Some(wire_type) if typed => format!("a {wire_type} {}", collection.noun()),
                _ => collection.foreign().to_string(),
            };
            Ok(Item::Foreign { id, what })
        }
    }
}

/// A response body in model space. Fields the kind does not know (`lastModified`,
/// `location`, `type`) are left out; encrypted secrets go to `encrypted`.
pub fn decode(kind: ResourceKind, id: &str, body: &Value) -> Result<ObservedObject, String> {
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
        if field.ty == FieldType::SecretMap {
            if let Wire::Entries(path) = field.wire {
                for entry in list_at(object, path) {
                    if let (Some(name), Some(Value::String(value))) = (
                        entry.get("name").and_then(Value::as_str),
                        entry.get("encryptedValue"),
                    ) {
                        encrypted.insert(format!("{}.{name}", field.name), value.clone());
                    }
                }
            }
            continue;
        }
        if let Some(wire) = field.encrypted {
            if let Some(Value::String(value)) = read(object, wire, field.ty, kind.fields()) {
                encrypted.insert(field.name.to_string(), value);
            }
            continue;
        }
        match read(object, field.wire, field.ty, kind.fields()) {
            None | Some(Value::Null) => {}
            // A value equal to the server default is left out: everything downstream
            // reads an absent field as its default, and ten thousand stores' worth of
            // defaults is most of a refresh's memory.
            Some(value) if field.default.value().as_ref() == Some(&value) => {}
            Some(value) => {
                attributes.insert(field.name.into(), value);
            }
        }
    }
    Ok(ObservedObject {
        kind,
        id,
        attributes,
        encrypted: encrypted.into_iter().collect(),
    })
}

/// The fields of a nested object, every value kept, in field order.
fn decode_nested(fields: &'static [Field], object: &Map<String, Value>) -> Value {
    let mut decoded = Map::new();
    for field in fields {
        if let Some(value) = read(object, field.wire, field.ty, fields).filter(|v| !v.is_null()) {
            decoded.insert(field.name.to_string(), value);
        }
    }
    Value::Object(decoded)
}

/// The model value of one field, or `None` when the object does not hold it.
fn read(
    object: &Map<String, Value>,
    wire: Wire,
    ty: FieldType,
    siblings: &'static [Field],
) -> Option<Value> {
    let raw = match wire {
        Wire::None => return None,
        Wire::Key(key) => object.get(key)?.clone(),
        Wire::Path(path) => get_path(object, path)?.clone(),
        Wire::Setting { list, name, part } => {
            let text = find_entry(object, list, "name", name)?
                .get("value")?
                .as_str()?
                .to_string();
            let text = match part {
                None => text,
                Some((separator, index)) => text.split(separator).nth(index)?.to_string(),
            };
            return Some(from_text(ty, text));
        }
        Wire::Entry {
            list,
            key_name,
            key,
            value,
        } => get_path(find_entry(object, list, key_name, key)?, value)?.clone(),
        Wire::Entries(path) => {
            let mut map = Map::new();
            for entry in list_at(object, path) {
                if let (Some(name), Some(value)) = (
                    entry.get("name").and_then(Value::as_str),
                    entry.get("value"),
                ) && entry.get("encryptedValue").is_none()
                {
                    map.insert(name.into(), value.clone());
                }
            }
            return Some(Value::Object(map));
        }
        Wire::Tables(path) => {
            let mut tables = Map::new();
            for table in list_at(object, path) {
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
            return Some(Value::Object(tables));
        }
    };
    match ty {
        FieldType::Reference(_) => raw.get("id").cloned(),
        FieldType::ObjectList(nested) => Some(Value::Array(
            raw.as_array()?
                .iter()
                .filter_map(Value::as_object)
                .map(|item| decode_nested(nested, item))
                .collect(),
        )),
        FieldType::Blocks(nested) => Some(Value::Array(
            raw.as_array()?
                .iter()
                .filter_map(Value::as_object)
                .map(|item| decode_nested(nested.fields, item))
                .collect(),
        )),
        FieldType::Mapping => {
            let claimed = claimed_entries(siblings, wire);
            let mut mapping = Map::new();
            for entry in raw.as_array()? {
                let Some(field) = entry.get("fieldName").and_then(Value::as_str) else {
                    continue;
                };
                if claimed.contains(&field) {
                    continue;
                }
                if let Some(attribute) = entry
                    .get("saasFieldInfo")
                    .and_then(|info| info.get("attributeNames"))
                    .and_then(Value::as_array)
                    .and_then(|names| names.first())
                {
                    mapping.insert(field.into(), attribute.clone());
                }
            }
            Some(Value::Object(mapping))
        }
        _ => Some(raw),
    }
}

/// The entries of a mapping list that sibling fields own (`populationID`).
fn claimed_entries(siblings: &'static [Field], mapping: Wire) -> Vec<&'static str> {
    let mapping_path: &[&str] = match mapping {
        Wire::Key(key) => &[key][..],
        Wire::Path(path) => path,
        _ => return Vec::new(),
    };
    siblings
        .iter()
        .filter_map(|field| match field.wire {
            Wire::Entry { list, key, .. } if list == mapping_path => Some(key),
            _ => None,
        })
        .collect()
}

/// Target settings are text on the wire; booleans and numbers come back typed.
fn from_text(ty: FieldType, text: String) -> Value {
    match (ty, text.as_str()) {
        (FieldType::Bool, "true") => Value::Bool(true),
        (FieldType::Bool, "false") => Value::Bool(false),
        (FieldType::Integer, number) => number
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or(Value::String(text)),
        _ => Value::String(text),
    }
}

fn get_path<'a>(object: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let mut at = object.get(*first)?;
    for key in rest {
        at = at.get(*key)?;
    }
    Some(at)
}

fn list_at<'a>(object: &'a Map<String, Value>, path: &[&str]) -> impl Iterator<Item = &'a Value> {
    get_path(object, path)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn find_entry<'a>(
    object: &'a Map<String, Value>,
    list: &[&str],
    key_name: &str,
    key: &str,
) -> Option<&'a Map<String, Value>> {
    list_at(object, list)
        .filter_map(Value::as_object)
        .find(|entry| entry.get(key_name).and_then(Value::as_str) == Some(key))
}

/// The configuration's name for a server field path, e.g. `driverClass` →
/// `driver_class`, `connectionUrlTags[0].connectionUrl` →
/// `connection_url_tags[0].connection_url`, `outboundProvision.channels[0].channelSource.baseDn`
/// → `channels[0].base_dn`. Plugin configuration paths are PingFederate's own.
pub fn configuration_path(kind: ResourceKind, wire_path: &str) -> Option<String> {
    let steps = parse_path(wire_path);
    map_path(kind.fields(), &steps, wire_path)
}

#[derive(Debug, Clone, PartialEq)]
enum Step<'a> {
    Key(&'a str),
    Index(&'a str),
}

fn parse_path(path: &str) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, mut indices) = match part.find('[') {
            Some(open) => (&part[..open], &part[open..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            steps.push(Step::Key(name));
        }
        while let Some(rest) = indices.strip_prefix('[') {
            let Some(close) = rest.find(']') else { break };
            steps.push(Step::Index(&rest[..close]));
            indices = &rest[close + 1..];
        }
    }
    steps
}

fn render_steps(steps: &[Step<'_>]) -> String {
    let mut text = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
            Step::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

fn wire_keys(wire: Wire) -> Vec<&'static str> {
    match wire {
        Wire::None => Vec::new(),
        Wire::Key(key) => vec![key],
        Wire::Path(path) | Wire::Entries(path) | Wire::Tables(path) => path.to_vec(),
        Wire::Setting { list, .. } | Wire::Entry { list, .. } => list.to_vec(),
    }
}

fn map_path(fields: &'static [Field], steps: &[Step<'_>], whole: &str) -> Option<String> {
    for field in fields {
        for wire in std::iter::once(field.wire).chain(field.encrypted) {
            let keys = wire_keys(wire);
            if keys.is_empty()
                || steps.len() < keys.len()
                || !keys
                    .iter()
                    .zip(steps)
                    .all(|(key, step)| *step == Step::Key(key))
            {
                continue;
            }
            let rest = &steps[keys.len()..];
            if matches!(wire, Wire::Entries(_) | Wire::Tables(_)) {
                return Some(whole.to_string());
            }
            let nested = match field.ty {
                FieldType::ObjectList(nested) => Some(nested),
                FieldType::Blocks(nested) => Some(nested.fields),
                _ => None,
            };
            if let (Some(nested), [Step::Index(index), more @ ..]) = (nested, rest) {
                let inner = match more {
                    [] => String::new(),
                    more => match map_path(nested, more, whole) {
                        Some(mapped) => format!(".{mapped}"),
                        None => render_steps(more),
                    },
                };
                return Some(format!("{}[{index}]{inner}", field.name));
            }
            return Some(format!("{}{}", field.name, render_steps(rest)));
        }
    }
    None
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
        let body = encode(&WriteRequest {
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
        let body = encode(&WriteRequest {
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
        let body = encode(&WriteRequest {
            kind: ResourceKind::OutboundProvisioning,
            id: "settings",
            attributes: &attributes,
            secrets: Vec::new(),
        });
        assert_eq!(
            body,
            json!({"dataStoreRef": {"id": "prov"}, "synchronizationFrequency": 120})
        );
        let back = decode(
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
        let body = encode(&WriteRequest {
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
        let observed = decode(ResourceKind::DatastoreCustom, "crm", &response).unwrap();
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

    fn connection() -> Attributes {
        attributes(json!({
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
        }))
    }

    fn encode_connection() -> Value {
        encode(&WriteRequest {
            kind: ResourceKind::ProvisioningConnection,
            id: "p1",
            attributes: &connection(),
            secrets: Vec::new(),
        })
    }

    #[test]
    fn a_connection_goes_out_as_an_sp_connection_with_pingone_provisioning() {
        let body = encode_connection();
        assert_eq!(body["type"], "SP");
        assert_eq!(body["connectionTargetType"], "STANDARD");
        assert_eq!(body["entityId"], "pingone-prov");
        let provision = &body["outboundProvision"];
        assert_eq!(provision["type"], "PingOne");
        assert_eq!(
            provision["targetSettings"][0],
            json!({"name": "PINGONE_ENVIRONMENT", "value": "workforce|env-1"})
        );
        let settings = provision["targetSettings"].as_array().unwrap();
        assert!(settings.contains(&json!({"name": "REMOVE_ACTION", "value": "Delete"})));
        assert!(settings.contains(&json!({"name": "CREATE_USERS_PROV_OPT", "value": "true"})));
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
        let mapping = channel["attributeMapping"].as_array().unwrap();
        assert!(mapping.contains(
            &json!({"fieldName": "populationID", "saasFieldInfo": {"defaultValue": "pop-1"}})
        ));
        assert!(mapping.contains(
            &json!({"fieldName": "username", "saasFieldInfo": {"attributeNames": ["uid"]}})
        ));
    }

    #[test]
    fn a_connection_comes_back_flat() {
        let body = encode_connection();
        let Item::Known(back) = decode_item(crate::model::kinds::SP_CONNECTIONS, &body).unwrap()
        else {
            panic!("a PingOne provisioning connection is one of ours");
        };
        assert_eq!(back.attributes["pingone_connection"], "workforce");
        assert_eq!(back.attributes["environment_id"], "env-1");
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
    fn an_sp_connection_without_pingone_provisioning_is_foreign() {
        let item = decode_item(
            crate::model::kinds::SP_CONNECTIONS,
            &json!({"id": "x", "type": "SP", "entityId": "e", "name": "n"}),
        )
        .unwrap();
        assert!(matches!(item, Item::Foreign { id, .. } if id == "x"));
        let store = decode_item(
            crate::model::kinds::DATA_STORES,
            // A type a later PingFederate version might add.
            &json!({"id": "x", "type": "SOME_LATER_TYPE"}),
        )
        .unwrap();
        assert!(
            matches!(store, Item::Foreign { what, .. } if what == "a SOME_LATER_TYPE data store")
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
        assert_eq!(
            configuration_path(
                ResourceKind::ProvisioningConnection,
                "outboundProvision.channels[0].channelSource.baseDn"
            )
            .as_deref(),
            Some("channels[0].base_dn")
        );
        assert_eq!(
            configuration_path(
                ResourceKind::DatastoreCustom,
                "configuration.fields[2].value"
            )
            .as_deref(),
            Some("configuration.fields[2].value")
        );
        assert_eq!(configuration_path(kind, "nonsense"), None);
    }

    #[test]
    fn an_ldap_gateway_store_round_trips_with_its_resource_link() {
        let attributes = attributes(json!({
            "ldap_type": "ACTIVE_DIRECTORY",
            "pingone_connection": "workforce",
            "environment_id": "env-1",
            "gateway_id": "gw-1"
        }));
        let body = encode(&WriteRequest {
            kind: ResourceKind::DatastoreLdapGateway,
            id: "branch",
            attributes: &attributes,
            secrets: Vec::new(),
        });
        assert_eq!(
            body,
            json!({
                "type": "PING_ONE_LDAP_GATEWAY", "id": "branch", "ldapType": "ACTIVE_DIRECTORY",
                "pingOneConnectionRef": {"id": "workforce"}, "pingOneEnvironmentId": "env-1",
                "pingOneLdapGatewayId": "gw-1"
            })
        );
        let Item::Known(back) = decode_item(crate::model::kinds::DATA_STORES, &body).unwrap()
        else {
            panic!("a gateway store is one of ours");
        };
        assert_eq!(back.kind, ResourceKind::DatastoreLdapGateway);
        assert_eq!(back.attributes, attributes);
    }
}
