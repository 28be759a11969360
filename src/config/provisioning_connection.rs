//! `provisioning_connection "NAME" { }`: an SP connection provisioning to PingOne,
//! with its nested `channel` blocks.
//!
//! Owns what sets this block apart from a data store: the attribute table without
//! `channels` (written as blocks), at least one channel with names unique within the
//! connection, `environment_id` defaulting to the `pingone` block's, the `channels`
//! attribute built from the evaluated channel blocks, and the last step of loading:
//! composing each channel's effective user filter from the exclusions that name it.
//! The top-level attributes go through `resource::evaluate` like any resource's.

use std::collections::{BTreeMap, BTreeSet};

use hcl::edit::Span;
use serde_json::Value as Json;

use crate::model::ldap_filter::effective_filter;
use crate::model::schema::{CHANNEL_FIELDS, PROVISIONING_CONNECTION_FIELDS};
use crate::model::{
    Address, Attributes, ChannelReference, Desired, DesiredResource, Exclusion, Field,
    PopulationReference, ResourceKind,
};

use super::attribute::AttributeEvaluator;
use super::channel;
use super::declarations::{
    BlockDeclaration, ResourceDeclaration, adjusted_fields, check_attributes,
};
use super::diagnostic::{ConfigError, did_you_mean};
use super::resource;

const CHANNEL_BLOCK: &str = "channel";

/// The attributes the block may have: everything but `channels`; `name` defaults to
/// the block name and `environment_id` to the `pingone` block's.
fn block_fields() -> Vec<Field> {
    adjusted_fields(
        PROVISIONING_CONNECTION_FIELDS,
        &["name", "environment_id"],
        &["channels"],
    )
}

/// Attribute names, the channel blocks and their names.
pub fn check_declaration(
    declaration: &BlockDeclaration,
    description: &str,
    errors: &mut Vec<ConfigError>,
) {
    check_attributes(
        declaration,
        &block_fields(),
        &["id"],
        &[CHANNEL_BLOCK],
        description,
        errors,
    );
    let channels = declaration.nested(CHANNEL_BLOCK);
    if channels.is_empty() {
        let location = declaration.header();
        errors.push(ConfigError::MissingBlock {
            name: CHANNEL_BLOCK.into(),
            block: description.to_string(),
            src: location.src,
            span: location.span,
            help: Some(
                "add `channel \"NAME\" { datastore = datastore.ldap.NAME ... }` for each source of users".into(),
            ),
        });
    }
    let mut first_seen: BTreeMap<String, BlockDeclaration> = BTreeMap::new();
    for channel in channels {
        let Some(name) = channel::name(&channel).map(str::to_string) else {
            let location = channel.header();
            errors.push(ConfigError::BlockLabels {
                block: CHANNEL_BLOCK.into(),
                expected: "one label, the channel name".into(),
                src: location.src,
                span: location.span,
                help: Some("write `channel \"NAME\" { ... }`".into()),
            });
            continue;
        };
        if !super::declarations::is_valid_name(&name) {
            let location = channel.at(channel.block.labels[0].span());
            errors.push(ConfigError::InvalidName {
                name,
                src: location.src,
                span: location.span,
            });
            continue;
        }
        let channel_description = format!("channel `{name}` of {description}");
        channel::check_declaration(&channel, &channel_description, errors);
        if let Some(first) = first_seen.get(&name) {
            let location = channel.header();
            errors.push(ConfigError::Duplicate {
                what: format!("channel `{name}` in {description}"),
                src: location.src,
                span: location.span,
                help: Some(format!(
                    "first declared at {}; channel names are unique within a connection",
                    first.header().describe()
                )),
            });
        } else {
            first_seen.insert(name, channel);
        }
    }
}

/// Without a `pingone` block, `environment_id` has no default.
pub fn check_environment(
    resource: &ResourceDeclaration,
    has_pingone_block: bool,
    errors: &mut Vec<ConfigError>,
) {
    let declaration = &resource.declaration;
    if has_pingone_block
        || resource.address.kind() != ResourceKind::ProvisioningConnection
        || declaration.attribute("environment_id").is_some()
    {
        return;
    }
    let location = declaration.header();
    errors.push(ConfigError::MissingAttribute {
        name: "environment_id".into(),
        block: format!("`{}`", resource.address.block_header()),
        src: location.src,
        span: location.span,
        help: Some(
            "set `environment_id` to the PingOne environment's id, or declare a `pingone { environment_id = ... }` block it defaults to".into(),
        ),
    });
}

/// Every channel declared with a well-formed, unique name, for resolving the channels
/// exclusions name.
pub fn declared_channels(resources: &[ResourceDeclaration]) -> Vec<ChannelReference> {
    let mut channels = BTreeSet::new();
    for resource in resources {
        if resource.address.kind() != ResourceKind::ProvisioningConnection {
            continue;
        }
        for channel in resource.declaration.nested(CHANNEL_BLOCK) {
            if let Some(name) = channel::name(&channel) {
                channels.insert(ChannelReference {
                    connection: resource.address.clone(),
                    channel: name.to_string(),
                });
            }
        }
    }
    channels.into_iter().collect()
}

/// A provisioning connection and the populations its channels name.
pub struct EvaluatedConnection {
    pub resource: DesiredResource,
    pub populations: Vec<PopulationReference>,
}

/// Evaluates the top-level attributes like any resource's, then the channels.
/// `environment_id` is left out when undeclared: `complete` fills it in.
pub fn evaluate(
    declaration: &ResourceDeclaration,
    id: String,
    depends_on: BTreeSet<Address>,
    evaluator: &AttributeEvaluator,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Option<EvaluatedConnection> {
    let mut channels = Vec::new();
    let mut populations = Vec::new();
    let before = errors.len();
    for block in declaration.declaration.nested(CHANNEL_BLOCK) {
        if let Some(evaluated) =
            channel::evaluate(&block, &declaration.address, evaluator, errors, warnings)
        {
            channels.push(Json::Object(evaluated.object));
            populations.extend(evaluated.population);
        }
    }
    let mut built = resource::evaluate(declaration, id, depends_on, evaluator, errors)?;
    if errors.len() != before {
        return None;
    }
    built
        .attributes
        .insert("channels".into(), Json::Array(channels));
    built.attributes = in_schema_order(PROVISIONING_CONNECTION_FIELDS, built.attributes);
    Some(EvaluatedConnection {
        resource: built,
        populations,
    })
}

/// `attributes` reordered to follow `fields`.
fn in_schema_order(fields: &[Field], mut attributes: Attributes) -> Attributes {
    let mut ordered = Attributes::new();
    for field in fields {
        if let Some(value) = attributes.remove(field.name) {
            ordered.insert(field.name.to_string(), value);
        }
    }
    ordered.append(&mut attributes);
    ordered
}

/// The environment every provisioning connection without `environment_id` targets.
pub fn complete(desired: &mut Desired) {
    let Some(environment_id) = desired.pingone.as_ref().map(|p| p.environment_id.clone()) else {
        return;
    };
    for built in &mut desired.resources {
        if built.kind() == ResourceKind::ProvisioningConnection
            && !built.attributes.contains_key("environment_id")
        {
            built.attributes.insert(
                "environment_id".into(),
                Json::String(environment_id.clone()),
            );
            let attributes = std::mem::take(&mut built.attributes);
            built.attributes = in_schema_order(PROVISIONING_CONNECTION_FIELDS, attributes);
        }
    }
}

/// Replaces each channel's declared `user_filter` with its effective filter: the
/// declared filter AND NOT every exclusion that applies to the channel.
pub fn apply_exclusions(resources: &mut [DesiredResource], exclusions: &[Exclusion]) {
    for built in resources {
        if built.kind() != ResourceKind::ProvisioningConnection {
            continue;
        }
        let Some(Json::Array(channels)) = built.attributes.get_mut("channels") else {
            continue;
        };
        for channel in channels {
            let Json::Object(object) = channel else {
                continue;
            };
            let Some(name) = object.get("name").and_then(Json::as_str) else {
                continue;
            };
            let reference = ChannelReference {
                connection: built.address.clone(),
                channel: name.to_string(),
            };
            let matches: Vec<_> = exclusions
                .iter()
                .filter(|exclusion| exclusion.channels.contains(&reference))
                .map(|exclusion| exclusion.source.clone())
                .collect();
            let declared = object
                .get("user_filter")
                .and_then(Json::as_str)
                .map(str::to_string);
            match effective_filter(declared.as_deref(), &matches) {
                Some(filter) => {
                    object.insert("user_filter".into(), Json::String(filter));
                }
                None => {
                    object.remove("user_filter");
                }
            }
            *object = in_schema_order(CHANNEL_FIELDS, std::mem::take(object));
        }
    }
}

/// "did you mean" over the channels of the same connection (names compared on their
/// own: the long common prefix of full references would make everything look close),
/// or the list of declared channels.
pub fn suggest_channel(wanted: &ChannelReference, declared: &[ChannelReference]) -> Option<String> {
    let siblings: Vec<&ChannelReference> = declared
        .iter()
        .filter(|c| c.connection == wanted.connection)
        .collect();
    let close = did_you_mean(&wanted.channel, siblings.iter().map(|c| c.channel.as_str()));
    if close.is_some()
        && let Some(found) = siblings
            .iter()
            .find(|c| did_you_mean(&wanted.channel, [c.channel.as_str()]) == close)
    {
        return Some(format!("did you mean `{found}`?"));
    }
    let names: Vec<String> = declared.iter().map(ToString::to_string).collect();
    if names.is_empty() {
        Some("no provisioning connection declares a channel".into())
    } else {
        Some(format!(
            "declared channels are {}",
            super::diagnostic::list_names(names.iter().map(String::as_str))
        ))
    }
}
