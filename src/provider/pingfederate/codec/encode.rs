//! Model attributes to a PingFederate request body. A create builds the object from
//! the declared fields (with the defaults PingFederate wants sent, for kinds that say
//! so). An update starts from the live object as PingFederate returned it and lays
//! only what pingform owns over it: the declared fields, and the fields it declared at
//! the last apply and no longer does, which go back to their defaults. Everything else,
//! at every depth (each nested block matched by its key, each mapping entry by its
//! field name, each setting and plugin field by its name), goes back as it was.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::super::{SecretValue, WriteRequest};
use super::json::{get_path, set_path, with_entry};
use crate::model::{Attributes, DEFAULT_ROW, DefaultContext, Field, FieldType, Wire, mapping};

/// The request body for a create (`base` is `None`) or an update.
pub fn encode(request: &WriteRequest<'_>) -> Value {
    let descriptor = request.kind.descriptor();
    let base = request.base.and_then(Value::as_object);
    let fresh = base.is_none();
    let mut body = base.cloned().unwrap_or_default();
    for (path, value) in descriptor.identity {
        set_path(&mut body, path, Value::String((*value).to_string()));
    }
    if fresh {
        for (path, value) in descriptor.constants {
            set_path(&mut body, path, Value::String((*value).to_string()));
        }
    }
    if !request.kind.is_singleton() {
        body.insert("id".into(), request.id.into());
    }
    let secrets: BTreeMap<&str, SecretValue<'_>> = request
        .secrets
        .iter()
        .map(|(path, value)| (path.as_str(), *value))
        .collect();
    let mut encoder = Encoder {
        secrets: &secrets,
        send_defaults: descriptor.send_defaults,
        context: request.context,
    };
    encoder.fields(
        descriptor.fields,
        request.attributes,
        request.owned_before,
        fresh,
        None,
        &mut body,
    );
    Value::Object(body)
}

struct Encoder<'a> {
    secrets: &'a BTreeMap<&'a str, SecretValue<'a>>,
    send_defaults: bool,
    /// What defaults that depend on other objects need (a channel's directory type).
    context: &'a DefaultContext,
}

impl Encoder<'_> {
    /// Lays `fields` of `attributes` over `object`. `owned_before` is what the last
    /// apply declared for this object (or nested block); `fresh` says the object is new
    /// (nothing to keep, defaults to send); `directory` is the directory type a nested
    /// block reads from, for its defaults.
    fn fields(
        &mut self,
        fields: &'static [Field],
        attributes: &Attributes,
        owned_before: Option<&Attributes>,
        fresh: bool,
        directory: Option<&str>,
        object: &mut Map<String, Value>,
    ) {
        for field in fields {
            if fresh
                && let Wire::Entries(path) | Wire::Tables(path) = field.wire
                && get_path(object, path).is_none()
            {
                // A plugin configuration always carries its lists, empty or not.
                set_path(object, path, Value::Array(Vec::new()));
            }
            if field.ty == FieldType::SecretMap {
                self.secret_map(field, object);
                continue;
            }
            if let Some(encrypted) = field.encrypted {
                self.secret(field, encrypted, object);
                continue;
            }
            let declared = attributes.get(field.name).filter(|v| !v.is_null());
            let before = owned_before.and_then(|owned| owned.get(field.name));
            match declared {
                Some(value) => self.declared(field, value, before, fresh, object),
                None if before.is_some() => release(field, directory, object),
                None if fresh && self.send_defaults => {
                    if let Some(default) = field.default.value_in(directory) {
                        self.declared(field, &default, None, fresh, object);
                    }
                }
                None => {}
            }
        }
    }

    /// Writes one declared value where the field lives, merging into what is there.
    fn declared(
        &mut self,
        field: &Field,
        value: &Value,
        before: Option<&Value>,
        fresh: bool,
        object: &mut Map<String, Value>,
    ) {
        let link = matches!(field.wire, Wire::Key(_) | Wire::Path(_));
        match (field.ty, value) {
            // A ResourceLink, where the reference is an object of its own.
            (FieldType::Reference(_), Value::String(id)) if link => {
                write(object, field.wire, json!({ "id": id }));
            }
            (FieldType::ObjectList(nested), Value::Array(items)) => {
                let encoded = items
                    .iter()
                    .map(|item| {
                        let mut encoded = Map::new();
                        if let Value::Object(item) = item {
                            let mut plain = Encoder {
                                secrets: &BTreeMap::new(),
                                send_defaults: false,
                                context: self.context,
                            };
                            plain.fields(nested, item, None, true, None, &mut encoded);
                        }
                        Value::Object(encoded)
                    })
                    .collect();
                write(object, field.wire, Value::Array(encoded));
            }
            (FieldType::Blocks(nested), Value::Array(items)) => {
                let path = wire_path(field.wire);
                let mut list: Vec<Value> = if fresh {
                    Vec::new()
                } else {
                    get_path(object, &path)
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default()
                };
                let key_of = |item: &Value| {
                    item.get(nested.key)
                        .and_then(Value::as_str)
                        .map(str::to_string)
                };
                let previous: Vec<&Map<String, Value>> = before
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_object)
                    .collect();
                let declared_keys: Vec<String> = items.iter().filter_map(key_of).collect();
                // Blocks declared at the last apply and no longer declared go.
                list.retain(|live| {
                    let key = key_of(live);
                    let owned_before = previous
                        .iter()
                        .any(|p| p.get(nested.key).and_then(Value::as_str) == key.as_deref());
                    !owned_before || key.as_ref().is_some_and(|k| declared_keys.contains(k))
                });
                for item in items.iter().filter_map(Value::as_object) {
                    let key = item.get(nested.key).and_then(Value::as_str);
                    let item_before = previous
                        .iter()
                        .find(|p| p.get(nested.key).and_then(Value::as_str) == key)
                        .copied();
                    let existing = list.iter_mut().find(|live| {
                        live.get(nested.key).and_then(Value::as_str) == key && key.is_some()
                    });
                    let item_directory =
                        self.context.directory_of(nested, item).map(str::to_string);
                    let item_directory = item_directory.as_deref();
                    match existing.and_then(Value::as_object_mut) {
                        Some(live) => self.fields(
                            nested.fields,
                            item,
                            item_before,
                            false,
                            item_directory,
                            live,
                        ),
                        None => {
                            let mut encoded = Map::new();
                            self.fields(
                                nested.fields,
                                item,
                                None,
                                true,
                                item_directory,
                                &mut encoded,
                            );
                            list.push(Value::Object(encoded));
                        }
                    }
                }
                set_path(object, &path, Value::Array(list));
            }
            (FieldType::Mapping(fields), Value::Object(mapping)) => {
                let path = wire_path(field.wire);
                for (name, value) in mapping {
                    with_entry(object, &path, "fieldName", name, |entry| {
                        entry.insert("saasFieldInfo".into(), mapping::to_wire(fields, value));
                    });
                }
                // Entries declared at the last apply and no longer declared go.
                for name in before
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(Map::keys)
                {
                    if !mapping.contains_key(name) {
                        remove_entry(object, &path, "fieldName", name);
                    }
                }
            }
            (FieldType::StringMap, Value::Object(map)) => {
                if let Wire::Entries(path) = field.wire {
                    for (name, value) in map {
                        with_entry(object, path, "name", name, |entry| {
                            entry.remove("encryptedValue");
                            entry.insert("value".into(), value.clone());
                        });
                    }
                    for name in before
                        .and_then(Value::as_object)
                        .into_iter()
                        .flat_map(Map::keys)
                    {
                        if !map.contains_key(name) {
                            remove_entry(object, path, "name", name);
                        }
                    }
                }
            }
            (FieldType::TableMap, Value::Object(tables)) => {
                if let Wire::Tables(path) = field.wire {
                    for (name, rows) in tables {
                        with_entry(object, path, "name", name, |table| {
                            let live_rows = table
                                .get("rows")
                                .and_then(Value::as_array)
                                .cloned()
                                .unwrap_or_default();
                            let rows: Vec<Value> = rows
                                .as_array()
                                .into_iter()
                                .flatten()
                                .enumerate()
                                .map(|(index, row)| table_row(row, live_rows.get(index)))
                                .collect();
                            table.insert("rows".into(), Value::Array(rows));
                        });
                    }
                    for name in before
                        .and_then(Value::as_object)
                        .into_iter()
                        .flat_map(Map::keys)
                    {
                        if !tables.contains_key(name) {
                            remove_entry(object, path, "name", name);
                        }
                    }
                }
            }
            (_, value) => write(object, field.wire, value.clone()),
        }
    }

    /// A secret string: the plain value to change it, the encrypted form to keep it,
    /// nothing to clear it; never both forms in one body.
    fn secret(&mut self, field: &Field, encrypted: Wire, object: &mut Map<String, Value>) {
        match self.secrets.get(field.name) {
            Some(SecretValue::Plain(secret)) => {
                remove(object, encrypted);
                write(object, field.wire, secret.expose().into());
            }
            Some(SecretValue::Encrypted(value)) => {
                remove(object, field.wire);
                write(object, encrypted, (*value).into());
            }
            Some(SecretValue::Clear) => {
                remove(object, field.wire);
                remove(object, encrypted);
            }
            None => {}
        }
    }

    /// The entries of a map of secrets (`sensitive_configuration`).
    fn secret_map(&mut self, field: &Field, object: &mut Map<String, Value>) {
        let Wire::Entries(path) = field.wire else {
            return;
        };
        let prefix = format!("{}.", field.name);
        for (key, secret) in self.secrets.iter() {
            let Some(name) = key.strip_prefix(&prefix) else {
                continue;
            };
            match secret {
                SecretValue::Plain(secret) => with_entry(object, path, "name", name, |entry| {
                    entry.remove("encryptedValue");
                    entry.insert("value".into(), secret.expose().into());
                }),
                SecretValue::Encrypted(encrypted) => {
                    with_entry(object, path, "name", name, |entry| {
                        entry.remove("value");
                        entry.insert("encryptedValue".into(), (*encrypted).into());
                    })
                }
                SecretValue::Clear => remove_entry(object, path, "name", name),
            }
        }
    }
}

/// One declared table row over the live row at the same place: its cells, and
/// `defaultRow` as declared (`default_row`), else as it was.
fn table_row(row: &Value, live: Option<&Value>) -> Value {
    let mut default_row = live
        .and_then(|live| live.get("defaultRow"))
        .cloned()
        .unwrap_or(Value::Bool(false));
    let mut fields = Vec::new();
    for (name, value) in row.as_object().into_iter().flatten() {
        if name == DEFAULT_ROW {
            default_row = value.clone();
        } else {
            fields.push(json!({ "name": name, "value": value }));
        }
    }
    json!({ "fields": fields, "defaultRow": default_row })
}

/// A field pingform owned and no longer declares goes back to PingFederate: a fixed
/// default is written, anything else is left out for the server to fill in (its
/// default, or the value it computes).
fn release(field: &Field, directory: Option<&str>, object: &mut Map<String, Value>) {
    match (field.default.value_in(directory), field.ty) {
        (Some(default), _) => write(object, field.wire, default),
        (_, FieldType::Blocks(_) | FieldType::Mapping(_)) => {
            set_path(object, &wire_path(field.wire), Value::Array(Vec::new()));
        }
        _ => remove(object, field.wire),
    }
}

/// Puts one converted value where the field lives.
fn write(object: &mut Map<String, Value>, wire: Wire, value: Value) {
    match wire {
        Wire::None => {}
        Wire::Key(key) => set_path(object, &[key], value),
        Wire::Path(path) => set_path(object, path, value),
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
                        .map(|row| table_row(row, None))
                        .collect();
                    json!({ "name": name, "rows": rows })
                })
                .collect();
            set_path(object, path, Value::Array(tables));
        }
    }
}

/// Takes a field out of the object (the server fills in its default or computes it).
fn remove(object: &mut Map<String, Value>, wire: Wire) {
    match wire {
        Wire::None | Wire::Entries(_) | Wire::Tables(_) => {}
        Wire::Key(key) => {
            object.shift_remove(key);
        }
        Wire::Path(path) => {
            if let Some((last, parents)) = path.split_last()
                && let Some(Value::Object(parent)) = get_path_mut(object, parents)
            {
                parent.shift_remove(*last);
            }
        }
        Wire::Setting { list, name, .. } => remove_entry(object, list, "name", name),
        Wire::Entry {
            list,
            key_name,
            key,
            ..
        } => remove_entry(object, list, key_name, key),
    }
}

/// Removes the entries of the list at `path` whose `key_name` is `key`.
fn remove_entry(object: &mut Map<String, Value>, path: &[&str], key_name: &str, key: &str) {
    if let Some(Value::Array(items)) = get_path_mut(object, path) {
        items.retain(|item| item.get(key_name).and_then(Value::as_str) != Some(key));
    }
}

fn get_path_mut<'a>(object: &'a mut Map<String, Value>, path: &[&str]) -> Option<&'a mut Value> {
    let (first, rest) = path.split_first()?;
    let mut at = object.get_mut(*first)?;
    for key in rest {
        at = at.get_mut(*key)?;
    }
    Some(at)
}

/// The keys of a field's wire location that hold a whole value (a list of blocks, a
/// mapping).
fn wire_path(wire: Wire) -> Vec<&'static str> {
    match wire {
        Wire::Key(key) => vec![key],
        Wire::Path(path) | Wire::Entries(path) | Wire::Tables(path) => path.to_vec(),
        Wire::Setting { list, .. } | Wire::Entry { list, .. } => list.to_vec(),
        Wire::None => Vec::new(),
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
