//! Attribute mapping entries (`SaasFieldInfo`, reference §6.3): the short form
//! (`username = "uid"`: one source attribute) and the full form (`{ attributes = [...],
//! default_value, expression, parser, masked, create_only, trim, character_case }`),
//! the one canonical form both are compared in, and their wire shape. Pure.

use serde_json::{Map, Value};

use super::{Field, FieldType, Wire};

/// The entry field the short form stands for.
pub const ATTRIBUTES: &str = "attributes";

/// An entry in canonical form: an object of the fields that differ from their
/// defaults, or the short form when it names exactly one attribute and nothing else.
/// `None` for an entry that maps nothing (no attribute, default or expression), which
/// PingFederate returns for every field it knows.
pub fn canonical(fields: &[Field], value: &Value) -> Option<Value> {
    let mut object = Map::new();
    match value {
        Value::String(attribute) => {
            object.insert(
                ATTRIBUTES.into(),
                Value::Array(vec![Value::String(attribute.clone())]),
            );
        }
        Value::Object(entry) => {
            for field in fields {
                let Some(inner) = entry.get(field.name).filter(|v| !v.is_null()) else {
                    continue;
                };
                let empty_list = field.ty == FieldType::StringList
                    && inner.as_array().is_some_and(Vec::is_empty);
                if field.default.value().as_ref() == Some(inner) || empty_list {
                    continue;
                }
                object.insert(field.name.into(), inner.clone());
            }
        }
        _ => return Some(value.clone()),
    }
    let maps_something = ["attributes", "default_value", "expression"]
        .iter()
        .any(|key| object.contains_key(*key));
    if !maps_something {
        return None;
    }
    if object.len() == 1
        && let Some(Value::Array(names)) = object.get(ATTRIBUTES)
        && let [Value::String(single)] = names.as_slice()
    {
        return Some(Value::String(single.clone()));
    }
    Some(Value::Object(object))
}

/// The wire `saasFieldInfo` of an entry.
pub fn to_wire(fields: &[Field], value: &Value) -> Value {
    let mut info = Map::new();
    match value {
        Value::String(attribute) => {
            info.insert(
                "attributeNames".into(),
                Value::Array(vec![Value::String(attribute.clone())]),
            );
        }
        Value::Object(entry) => {
            for field in fields {
                if let (Wire::Key(key), Some(inner)) = (field.wire, entry.get(field.name)) {
                    info.insert(key.into(), inner.clone());
                }
            }
        }
        _ => {}
    }
    Value::Object(info)
}

/// An entry from the wire `saasFieldInfo`, in canonical form (`None`: maps nothing).
pub fn from_wire(fields: &[Field], info: &Value) -> Option<Value> {
    let mut entry = Map::new();
    for field in fields {
        if let Wire::Key(key) = field.wire
            && let Some(inner) = info.get(key).filter(|v| !v.is_null())
        {
            entry.insert(field.name.into(), inner.clone());
        }
    }
    canonical(fields, &Value::Object(entry))
}
