//! Reading and writing inside PingFederate's JSON: values at paths, and entries of
//! lists identified by a property (`name`, `fieldName`).

use serde_json::{Map, Value};

/// Sets `value` at `path`, creating the objects on the way.
pub fn set_path(object: &mut Map<String, Value>, path: &[&str], value: Value) {
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
pub fn with_entry(
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

pub fn get_path<'a>(object: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let mut at = object.get(*first)?;
    for key in rest {
        at = at.get(*key)?;
    }
    Some(at)
}

pub fn list_at<'a>(
    object: &'a Map<String, Value>,
    path: &[&str],
) -> impl Iterator<Item = &'a Value> {
    get_path(object, path)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

pub fn find_entry<'a>(
    object: &'a Map<String, Value>,
    list: &[&str],
    key_name: &str,
    key: &str,
) -> Option<&'a Map<String, Value>> {
    list_at(object, list)
        .filter_map(Value::as_object)
        .find(|entry| entry.get(key_name).and_then(Value::as_str) == Some(key))
}
