//! One live object as the block a careful engineer would write, from its kind's
//! descriptor: identifying fields and fields that differ from PingFederate's defaults
//! (for a channel, the defaults of its directory), references instead of ids where the
//! object referred to is in the configuration, populations by name where PingOne says
//! which, and a comment instead of each secret PingFederate holds.

use std::collections::BTreeMap;

use serde_json::Value;

use super::document::{Block, Expression};
use super::exclusions::Recovered;
use crate::model::kinds::CHANNEL_BLOCK;
use crate::model::{
    Address, Collection, Field, FieldDefault, FieldType, NestedBlocks, ObservedObject, PingOneView,
    PluginDescriptor, ResourceKind, Wire,
};

/// What a block needs to know beyond its object.
pub struct Context<'a> {
    /// Objects the configuration will declare (declared and imported), by collection
    /// and id: references point at them.
    pub references: &'a BTreeMap<(Collection, String), Address>,
    /// The directory type (`ldap_type`) of every LDAP data store, by id.
    pub directories: &'a BTreeMap<String, String>,
    /// The files' own `pingone` block's environment, which fields default to.
    pub pingone_environment: Option<&'a str>,
    /// What PingOne holds, when it was read: population names.
    pub pingone: Option<&'a PingOneView>,
    pub plugins: &'a [PluginDescriptor],
}

/// The block for `object` at `address`; `channels` holds what each channel's live
/// filter comes to.
pub fn resource_block(
    object: &ObservedObject,
    address: &Address,
    context: &Context,
    channels: &BTreeMap<String, Recovered>,
) -> Block {
    let kind = object.kind;
    let descriptor = kind.descriptor();
    let mut labels: Vec<String> = kind.kind_label().into_iter().map(str::to_string).collect();
    labels.extend(address.name().map(str::to_string));
    let mut block = Block::new(kind.block_type(), labels);
    let attributes = &object.attributes;
    if !kind.is_singleton() && address.name() != Some(object.id.as_str()) {
        block.attribute("id", Expression::string(&object.id));
    }
    // A field of a one-of pair with its tag list: write the tag list only when it says
    // more than the plain field.
    let tags_said = |primary: &str| -> bool {
        descriptor
            .one_of
            .iter()
            .find(|(first, _)| *first == primary)
            .is_some_and(|(first, tags)| {
                !trivial_tags(attributes.get(*tags), first, attributes.get(*first))
            })
    };
    let mut secrets: Vec<String> = Vec::new();
    let mut nested: Vec<Block> = Vec::new();
    for field in descriptor.fields {
        let value = attributes.get(field.name).filter(|v| !v.is_null());
        match field.ty {
            FieldType::Blocks(blocks) => {
                for channel in value.and_then(Value::as_array).into_iter().flatten() {
                    if let Some(channel) = channel.as_object() {
                        nested.push(channel_block(blocks, channel, object, context, channels));
                    }
                }
                continue;
            }
            FieldType::SecretMap => {
                let prefix = format!("{}.", field.name);
                for key in object
                    .encrypted
                    .keys()
                    .filter_map(|k| k.strip_prefix(&prefix))
                {
                    secrets.extend(secret_comment(&format!("{}[\"{key}\"]", field.name)));
                }
                continue;
            }
            _ if field.is_secret() => {
                if object.encrypted.contains_key(field.name) {
                    secrets.extend(secret_comment(field.name));
                }
                continue;
            }
            _ if field.wire == Wire::None => continue,
            _ => {}
        }
        let Some(value) = value else { continue };
        let written = match field.name {
            "name" if descriptor.name_from_block => {
                (address.name() != value.as_str()).then(|| Expression::from_json(value))
            }
            "name" if field.default == FieldDefault::Computed => {
                (computed_name(kind, attributes).as_deref() != value.as_str())
                    .then(|| Expression::from_json(value))
            }
            "configuration" => plugin_configuration(object, context),
            "configuration_tables" => plugin_tables(value),
            _ if descriptor
                .one_of
                .iter()
                .any(|(first, _)| *first == field.name) =>
            {
                let (_, tags) = descriptor
                    .one_of
                    .iter()
                    .find(|(first, _)| *first == field.name)
                    .copied()
                    .unwrap_or_default();
                let default_tag = default_tag_value(attributes.get(tags), field.name);
                (!tags_said(field.name) || default_tag.as_ref() != Some(value))
                    .then(|| Expression::from_json(value))
            }
            _ if descriptor
                .one_of
                .iter()
                .any(|(_, tags)| *tags == field.name) =>
            {
                let (first, _) = descriptor
                    .one_of
                    .iter()
                    .find(|(_, tags)| *tags == field.name)
                    .copied()
                    .unwrap_or_default();
                tags_said(first).then(|| object_list(field, value))
            }
            _ => field_expression(field, value, None, context),
        };
        if let Some(expression) = written {
            block.attribute(field.name, expression);
        }
    }
    for channel in nested {
        block.nested(channel);
    }
    block.note(secrets);
    block
}

/// The comment that stands in for a secret PingFederate holds.
fn secret_comment(field: &str) -> Vec<String> {
    let declare = match field.split_once('[') {
        Some((attribute, key)) => {
            format!(
                "`{attribute} = {{ {} = var.NAME }}`",
                key.trim_end_matches(']')
            )
        }
        None => format!("`{field} = var.NAME`"),
    };
    vec![
        format!("`{field}` is not written: PingFederate keeps the one it holds."),
        format!("To manage it, declare {declare} (a sensitive variable); the next apply sends it."),
    ]
}

/// The value of a field, when it is worth writing: not absent or empty, not what
/// PingFederate stores when it is left out (for a channel, in `directory`); references
/// to objects the configuration declares as references.
fn field_expression(
    field: &Field,
    value: &Value,
    directory: Option<&str>,
    context: &Context,
) -> Option<Expression> {
    if is_empty(value) {
        return None;
    }
    match field.default {
        FieldDefault::Computed => return None,
        FieldDefault::PingOneEnvironment => {
            return (context.pingone_environment != value.as_str())
                .then(|| Expression::from_json(value));
        }
        default if !field.required && default.value_in(directory).as_ref() == Some(value) => {
            return None;
        }
        _ => {}
    }
    match field.ty {
        FieldType::Reference(target) => {
            let id = value.as_str()?;
            let reference = target.collection.and_then(|collection| {
                context
                    .references
                    .get(&(collection, id.to_string()))
                    .filter(|address| target.accepts(address.kind()))
            });
            Some(match reference {
                Some(address) => Expression::Reference(address.to_string()),
                None => Expression::from_json(value),
            })
        }
        FieldType::ObjectList(_) => Some(object_list(field, value)),
        _ => Some(Expression::from_json(value)),
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// A list of objects (tag lists), each without the fields at their defaults.
fn object_list(field: &Field, value: &Value) -> Expression {
    let FieldType::ObjectList(fields) = field.ty else {
        return Expression::from_json(value);
    };
    let items = value.as_array().into_iter().flatten().map(|item| {
        Expression::Object(
            fields
                .iter()
                .filter_map(|inner| {
                    let value = item.get(inner.name).filter(|v| !is_empty(v))?;
                    (inner.required || inner.default.value().as_ref() != Some(value))
                        .then(|| (inner.name.to_string(), Expression::from_json(value)))
                })
                .collect(),
        )
    });
    Expression::List(items.collect())
}

/// Whether a tag list says nothing beyond its plain field: one default tag, without
/// tags, holding the same value.
fn trivial_tags(tags: Option<&Value>, primary: &str, value: Option<&Value>) -> bool {
    match tags.and_then(Value::as_array).map(Vec::as_slice) {
        None | Some([]) => true,
        Some([only]) => {
            only.get(primary) == value
                && only.get("default_source") == Some(&Value::Bool(true))
                && only
                    .get("tags")
                    .is_none_or(|tags| tags.is_null() || tags.as_str() == Some(""))
        }
        Some(_) => false,
    }
}

/// The value the default tag holds, which PingFederate derives the plain field from.
fn default_tag_value(tags: Option<&Value>, primary: &str) -> Option<Value> {
    tags?
        .as_array()?
        .iter()
        .find(|tag| tag.get("default_source") == Some(&Value::Bool(true)))
        .and_then(|tag| tag.get(primary).cloned())
}

/// The name PingFederate gives a data store created without one (spec `JdbcDataStore.name`:
/// "a combination of the connection url and the username", `LdapDataStore.name`: "of
/// the hostname(s) and the principal", in the form the Terraform provider's acceptance
/// tests show; reference §4.5 for the LDAP gateway store). A name of another form was
/// chosen by someone and is written; one of this form is left for PingFederate.
pub fn computed_name(
    kind: ResourceKind,
    attributes: &serde_json::Map<String, Value>,
) -> Option<String> {
    let text = |key: &str| attributes.get(key).and_then(Value::as_str);
    match kind {
        ResourceKind::DatastoreJdbc => Some(format!(
            "{} ({})",
            text("connection_url")?,
            text("user_name").unwrap_or("null")
        )),
        ResourceKind::DatastoreLdap => {
            let hosts: Vec<&str> = attributes
                .get("hostnames")?
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            Some(format!(
                "{} ({})",
                hosts.join(" "),
                text("user_dn").unwrap_or("null")
            ))
        }
        ResourceKind::DatastoreLdapGateway => Some(format!(
            "{}:{}:{}",
            text("pingone_connection")?,
            text("environment_id")?,
            text("gateway_id")?
        )),
        _ => None,
    }
}

/// A CUSTOM store's configuration fields that differ from what PingFederate fills in
/// for a field left out (the plugin's descriptor says what).
fn plugin_configuration(object: &ObservedObject, context: &Context) -> Option<Expression> {
    let plugin_id = object.attributes.get("plugin_descriptor_id")?.as_str()?;
    let plugin = context.plugins.iter().find(|p| p.id == plugin_id)?;
    let fields = object.attributes.get("configuration")?.as_object()?;
    let written: Vec<(String, Expression)> = fields
        .iter()
        .filter(|(name, value)| {
            let default = plugin.field(name).and_then(|f| f.default.as_deref());
            match value.as_str() {
                Some(text) => Some(text) != default && !(text.is_empty() && default.is_none()),
                None => !value.is_null(),
            }
        })
        .map(|(name, value)| (name.clone(), Expression::from_json(value)))
        .collect();
    (!written.is_empty()).then_some(Expression::Object(written))
}

/// A CUSTOM store's tables that have rows.
fn plugin_tables(value: &Value) -> Option<Expression> {
    let tables: Vec<(String, Expression)> = value
        .as_object()?
        .iter()
        .filter(|(_, rows)| rows.as_array().is_some_and(|rows| !rows.is_empty()))
        .map(|(name, rows)| (name.clone(), Expression::from_json(rows)))
        .collect();
    (!tables.is_empty()).then_some(Expression::Object(tables))
}

/// One channel as a nested block.
fn channel_block(
    blocks: &NestedBlocks,
    channel: &serde_json::Map<String, Value>,
    object: &ObservedObject,
    context: &Context,
    channels: &BTreeMap<String, Recovered>,
) -> Block {
    let name = channel
        .get(blocks.key)
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut block = Block::new(CHANNEL_BLOCK, vec![name.to_string()]);
    let directory = blocks
        .directory
        .and_then(|field| channel.get(field))
        .and_then(Value::as_str)
        .and_then(|id| context.directories.get(id))
        .map(String::as_str);
    for field in blocks.fields.iter().filter(|f| f.name != blocks.key) {
        let value = channel.get(field.name).filter(|v| !v.is_null());
        match field.name {
            "user_filter" => {
                let recovered = channels.get(name);
                let filter = match recovered {
                    Some(recovered) => recovered.filter.clone().map(Value::String),
                    None => value.cloned(),
                };
                let comments: Vec<String> = recovered
                    .into_iter()
                    .flat_map(|r| &r.kept)
                    .map(|(clause, why)| format!("{clause} stays in the filter: {why}."))
                    .collect();
                if let Some(filter) = filter.filter(|f| !is_empty(f)) {
                    block.commented_attribute(comments, field.name, Expression::from_json(&filter));
                }
            }
            "population_id" => {
                let Some(id) = value.and_then(Value::as_str) else {
                    continue;
                };
                match population_name(id, object, context) {
                    Some(name) => block.attribute("population", Expression::string(name)),
                    None => block.attribute(field.name, Expression::string(id)),
                }
            }
            "attribute_mapping" => {
                if let Some(mapping) = value.filter(|v| !is_empty(v)) {
                    block.attribute(field.name, Expression::from_json(mapping));
                }
            }
            _ if field.wire == Wire::None => {}
            _ => {
                if let Some(expression) =
                    value.and_then(|value| field_expression(field, value, directory, context))
                {
                    block.attribute(field.name, expression);
                }
            }
        }
    }
    block
}

/// The name of a population, when PingOne was read for the connection's environment
/// and the name finds this population again.
fn population_name<'a>(
    id: &str,
    object: &ObservedObject,
    context: &Context<'a>,
) -> Option<&'a str> {
    let view = context.pingone?;
    let environment = object
        .attributes
        .get("environment_id")
        .and_then(Value::as_str);
    if environment.is_some_and(|environment| environment != view.environment_id) {
        return None;
    }
    let population = view.population(id)?;
    (view.population_named(&population.name)?.id == id).then_some(population.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn context<'a>(references: &'a BTreeMap<(Collection, String), Address>) -> Context<'a> {
        static DIRECTORIES: std::sync::OnceLock<BTreeMap<String, String>> =
            std::sync::OnceLock::new();
        Context {
            references,
            directories: DIRECTORIES.get_or_init(BTreeMap::new),
            pingone_environment: None,
            pingone: None,
            plugins: &[],
        }
    }

    #[test]
    fn a_store_writes_what_differs_from_the_defaults_and_comments_its_password() {
        let object = ObservedObject::new(
            ResourceKind::DatastoreLdap,
            "LDAP-D803C87FAB2ADFB4B0A947B64BA6F0C6093A5CA3",
            json!({
                "name": "pingdirectory",
                "ldap_type": "PING_DIRECTORY",
                "hostnames": ["pingdirectory:1389"],
                "hostnames_tags": [{"hostnames": ["pingdirectory:1389"], "default_source": true}],
                "user_dn": "cn=pingfederate",
                "create_if_necessary": true,
                "time_between_evictions": 60000,
                "binary_attributes": []
            })
            .as_object()
            .unwrap()
            .clone(),
            [("password".to_string(), "enc".to_string())]
                .into_iter()
                .collect(),
        );
        let references = BTreeMap::new();
        let address: Address = "datastore.ldap.pingdirectory".parse().unwrap();
        let block = resource_block(&object, &address, &context(&references), &BTreeMap::new());
        let names: Vec<&str> = block
            .body
            .iter()
            .filter_map(|item| match item {
                super::super::document::Item::Attribute { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            names,
            [
                "id",
                "name",
                "ldap_type",
                "hostnames",
                "user_dn",
                "time_between_evictions"
            ]
        );
        assert!(
            matches!(block.body.last(), Some(super::super::document::Item::Comment(lines)) if lines[0].starts_with("`password` is not written"))
        );
    }

    #[test]
    fn a_computed_name_is_left_to_pingfederate() {
        let attributes = json!({
            "connection_url": "jdbc:postgresql://db/x", "user_name": "pf"
        });
        assert_eq!(
            computed_name(ResourceKind::DatastoreJdbc, attributes.as_object().unwrap()).as_deref(),
            Some("jdbc:postgresql://db/x (pf)")
        );
    }
}
