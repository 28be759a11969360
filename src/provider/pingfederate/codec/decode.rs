//! PingFederate JSON to model space: which kind an item of a collection is, and its
//! attributes and encrypted secrets, read from each field's wire path.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::json::{find_entry, get_path, list_at};
use crate::model::{
    Attributes, Collection, DEFAULT_ROW, Field, FieldType, ObservedObject, RawJson, ResourceKind,
    SINGLETON_ID, Wire, mapping,
};

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
    let mut kinds = ResourceKind::in_collection(collection);
    let identified = kinds
        .clone()
        .find(|kind| kind.descriptor().identifies(body));
    // An object without the part a kind manages is of that kind, part missing (an SP
    // connection that does not provision yet); with the part of another type, it is
    // not one of pingform's.
    let partial = || kinds.find(|kind| kind.descriptor().part_missing(body));
    match identified.or_else(partial) {
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
        attributes: crate::model::compact(attributes),
        encrypted: encrypted.into_iter().collect(),
        raw: RawJson::new(body).ok(),
        part_missing: kind.descriptor().part_missing(body),
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
        } => {
            let entry = find_entry(object, list, key_name, key)?;
            // A mapping entry that maps source attributes is the mapping's (a dynamic
            // population), not this field's.
            if entry.get("saasFieldInfo").is_some_and(maps_attributes) {
                return None;
            }
            get_path(entry, value)?.clone()
        }
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
                        if row.get("defaultRow") == Some(&Value::Bool(true)) {
                            cells.insert(DEFAULT_ROW.into(), Value::Bool(true));
                        }
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
        FieldType::Mapping(fields) => {
            let claimed = claimed_entries(siblings, wire);
            let mut mapping = Map::new();
            for entry in raw.as_array()? {
                let Some(field) = entry.get("fieldName").and_then(Value::as_str) else {
                    continue;
                };
                let info = entry.get("saasFieldInfo").unwrap_or(&Value::Null);
                // An entry a sibling field owns (`populationID` with a fixed default
                // value) belongs to the mapping only when it maps source attributes.
                if claimed.contains(&field) && !maps_attributes(info) {
                    continue;
                }
                if let Some(value) = mapping::from_wire(fields, info) {
                    mapping.insert(field.into(), value);
                }
            }
            Some(Value::Object(mapping))
        }
        _ => Some(raw),
    }
}

/// Whether a `saasFieldInfo` maps source attributes (by name or through an
/// expression), rather than only giving a fixed default.
fn maps_attributes(info: &Value) -> bool {
    let named = info
        .get("attributeNames")
        .and_then(Value::as_array)
        .is_some_and(|names| !names.is_empty());
    let expression = info
        .get("expression")
        .and_then(Value::as_str)
        .is_some_and(|text| !text.is_empty());
    named || expression
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
