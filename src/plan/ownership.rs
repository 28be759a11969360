//! What of a live object pingform does not own: the parts of PingFederate's JSON that
//! no declared field (now or at the last apply) covers, which every write sends back
//! as they were. A plan lists them per object ("14 fields managed outside pingform
//! kept"), so a reviewer sees what an update leaves alone.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{Attributes, Field, FieldMap, FieldType, ResourceKind, Secret, Wire};

/// Keys PingFederate sets itself and ignores on input (reference §2, spec: "read only
/// and ignored on PUT and POST"): not configuration anyone manages.
const READ_ONLY: &[&str] = &[
    "id",
    "location",
    "lastModified",
    "creationDate",
    "modificationDate",
    "replicationStatus",
];

/// Which parts of an object are owned.
#[derive(Debug, Default)]
enum Mask {
    /// All of it.
    #[default]
    All,
    /// These keys of an object.
    Keys(BTreeMap<String, Mask>),
    /// These entries of a list, by the value of their `key_name` property.
    List {
        key_name: String,
        entries: BTreeMap<String, Mask>,
    },
}

impl Mask {
    /// The mask at `path`, created as `Keys` on the way; the last step replaced by
    /// `leaf` unless something finer is there already.
    fn at(&mut self, path: &[&str]) -> &mut Mask {
        let mut at = self;
        for key in path {
            if !matches!(at, Mask::Keys(_)) {
                *at = Mask::Keys(BTreeMap::new());
            }
            let Mask::Keys(keys) = at else {
                return at;
            };
            at = keys
                .entry((*key).to_string())
                .or_insert_with(|| Mask::Keys(BTreeMap::new()));
        }
        at
    }

    fn all(&mut self, path: &[&str]) {
        *self.at(path) = Mask::All;
    }

    /// The entry `key` of the list at `path`.
    fn entry(&mut self, path: &[&str], key_name: &str, key: &str) -> &mut Mask {
        let list = self.at(path);
        if !matches!(list, Mask::List { .. }) {
            *list = Mask::List {
                key_name: key_name.to_string(),
                entries: BTreeMap::new(),
            };
        }
        match list {
            Mask::List { entries, .. } => entries.entry(key.to_string()).or_default(),
            other => other,
        }
    }
}

/// The paths of `raw` (PingFederate's JSON of one object of `kind`) that pingform does
/// not own, given what the configuration declares (attributes and secrets) and what
/// the last apply declared.
pub fn unmanaged_paths(
    kind: ResourceKind,
    raw: &Value,
    declared: &Attributes,
    secrets: &FieldMap<Secret>,
    before: Option<&Attributes>,
) -> Vec<String> {
    let descriptor = kind.descriptor();
    let mut mask = Mask::Keys(BTreeMap::new());
    for (path, _) in descriptor.identity.iter().chain(descriptor.constants) {
        mask.all(path);
    }
    let secret_names: Vec<&str> = secrets.keys().map(String::as_str).collect();
    own(
        descriptor.fields,
        declared,
        before,
        &secret_names,
        &mut mask,
    );
    let mut found = Vec::new();
    walk(raw, &mask, String::new(), &mut found);
    found
}

fn own(
    fields: &'static [Field],
    declared: &Attributes,
    before: Option<&Attributes>,
    secrets: &[&str],
    mask: &mut Mask,
) {
    for field in fields {
        let value = declared.get(field.name);
        let old = before.and_then(|b| b.get(field.name));
        let secret_keys: Vec<&str> = secrets
            .iter()
            .filter_map(|s| s.strip_prefix(field.name)?.strip_prefix('.'))
            .collect();
        let owned_secret = secrets.contains(&field.name) || !secret_keys.is_empty();
        if value.is_none() && old.is_none() && !owned_secret {
            continue;
        }
        let keys = |value: Option<&Value>| -> Vec<String> {
            value
                .and_then(Value::as_object)
                .map(|map| map.keys().cloned().collect())
                .unwrap_or_default()
        };
        let mut names: Vec<String> = keys(value);
        names.extend(keys(old));
        names.extend(secret_keys.iter().map(|k| (*k).to_string()));
        match (field.wire, field.ty) {
            (Wire::None, _) => {}
            (Wire::Key(key), FieldType::Mapping(_)) => {
                for name in &names {
                    mask.entry(&[key], "fieldName", name);
                }
            }
            (Wire::Path(path), FieldType::Blocks(nested)) => {
                let items = |value: Option<&Value>| -> Vec<(String, Attributes)> {
                    value
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|item| {
                            let object = item.as_object()?;
                            let key = object.get(nested.key)?.as_str()?.to_string();
                            Some((key, object.clone()))
                        })
                        .collect()
                };
                let now = items(value);
                let then = items(old);
                let mut all_keys: Vec<&String> = now.iter().map(|(k, _)| k).collect();
                all_keys.extend(then.iter().map(|(k, _)| k));
                for key in all_keys {
                    let declared_item = now.iter().find(|(k, _)| k == key).map(|(_, a)| a);
                    let before_item = then.iter().find(|(k, _)| k == key).map(|(_, a)| a);
                    let empty = Attributes::new();
                    let entry = mask.entry(path, nested.key, key);
                    if !matches!(entry, Mask::Keys(_)) {
                        *entry = Mask::Keys(BTreeMap::new());
                    }
                    entry.all(&[nested.key]);
                    own(
                        nested.fields,
                        declared_item.unwrap_or(&empty),
                        before_item,
                        &[],
                        entry,
                    );
                }
            }
            (Wire::Key(key), _) => {
                mask.all(&[key]);
            }
            (Wire::Path(path), _) => mask.all(path),
            (Wire::Setting { list, name, .. }, _) => {
                mask.entry(list, "name", name);
            }
            (
                Wire::Entry {
                    list,
                    key_name,
                    key,
                    ..
                },
                _,
            ) => {
                mask.entry(list, key_name, key);
            }
            (Wire::Entries(path) | Wire::Tables(path), _) => {
                for name in &names {
                    mask.entry(path, "name", name);
                }
            }
        }
        if let Some(encrypted) = field.encrypted
            && owned_secret
        {
            match encrypted {
                Wire::Key(key) => mask.all(&[key]),
                Wire::Path(path) => mask.all(path),
                _ => {}
            }
        }
    }
}

fn walk(value: &Value, mask: &Mask, path: String, found: &mut Vec<String>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (mask, value) {
        (Mask::All, _) => {}
        (Mask::Keys(keys), Value::Object(object)) => {
            for (key, inner) in object {
                if READ_ONLY.contains(&key.as_str()) || inner.is_null() {
                    continue;
                }
                match keys.get(key) {
                    Some(mask) => walk(inner, mask, join(key), found),
                    None => found.push(join(key)),
                }
            }
        }
        (Mask::List { key_name, entries }, Value::Array(items)) => {
            for item in items {
                let key = item.get(key_name).and_then(Value::as_str).unwrap_or("?");
                let at = format!("{path}[{key}]");
                match entries.get(key) {
                    Some(mask) => walk(item, mask, at, found),
                    None => found.push(at),
                }
            }
        }
        // A shape the mask does not describe is owned as a whole.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Attributes {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn an_sp_connection_with_sso_keeps_everything_but_the_declared_provisioning() {
        let raw = json!({
            "type": "SP", "id": "hr", "entityId": "hr", "name": "HR", "active": true,
            "loggingMode": "STANDARD", "baseUrl": "https://hr", "spBrowserSso": {"protocol": "SAML20"},
            "credentials": {"certs": []}, "connectionTargetType": "STANDARD",
            "outboundProvision": {
                "type": "PingOne",
                "targetSettings": [
                    {"name": "PINGONE_ENVIRONMENT", "value": "c|e"},
                    {"name": "REMOVE_ACTION", "value": "Disable"},
                    {"name": "DEFAULT_AUTH_METHOD", "value": "Email 1"}
                ],
                "channels": [
                    {"name": "staff", "active": true, "timeout": 60,
                     "channelSource": {"baseDn": "dc=x", "dataSource": {"id": "corp"}},
                     "attributeMapping": [
                        {"fieldName": "username", "saasFieldInfo": {"attributeNames": ["uid"]}},
                        {"fieldName": "title", "saasFieldInfo": {"attributeNames": ["title"]}}
                     ]},
                    {"name": "other", "active": false}
                ]
            }
        });
        let declared = map(json!({
            "entity_id": "hr", "name": "HR", "pingone_connection": "c", "environment_id": "e",
            "channels": [{"name": "staff", "datastore": "corp", "base_dn": "dc=x",
                          "attribute_mapping": {"username": "uid"}}]
        }));
        let kept = unmanaged_paths(
            ResourceKind::ProvisioningConnection,
            &raw,
            &declared,
            &FieldMap::new(),
            None,
        );
        assert_eq!(
            kept,
            [
                "active",
                "loggingMode",
                "baseUrl",
                "spBrowserSso",
                "credentials",
                "outboundProvision.targetSettings[REMOVE_ACTION]",
                "outboundProvision.targetSettings[DEFAULT_AUTH_METHOD]",
                "outboundProvision.channels[staff].active",
                "outboundProvision.channels[staff].timeout",
                "outboundProvision.channels[staff].attributeMapping[title]",
                "outboundProvision.channels[other]",
            ]
        );
    }

    #[test]
    fn fields_declared_at_the_last_apply_are_still_owned() {
        let raw = json!({"type": "JDBC", "id": "p", "driverClass": "d", "maxPoolSize": 40, "encryptedPassword": "x"});
        let declared = map(json!({"driver_class": "d"}));
        let before = map(json!({"driver_class": "d", "max_pool_size": 30}));
        let kept = unmanaged_paths(
            ResourceKind::DatastoreJdbc,
            &raw,
            &declared,
            &FieldMap::new(),
            Some(&before),
        );
        assert_eq!(kept, ["encryptedPassword"]);
    }
}
