//! `exclusion "NAME" { }`: one account provisioning must never target.
//!
//! Owns the block's attribute table, the rule that the account is described one way
//! in the source directory (`source_attribute` with `source_value`, or `source_dn`),
//! and the resolution of `channels` (references `provisioning_connection.C.channel.N`
//! or strings `"C.N"`; every declared channel when left out) against the channels
//! actually declared. An exclusion is not a resource: it has no id, and it reaches
//! PingFederate only through the effective user filters of its channels, which the
//! plan composes (a DN is matched on the attribute the channel's directory keeps it
//! in, which only the live systems may tell).

use std::collections::BTreeSet;

use hcl::edit::Span;
use serde_json::Value as Json;

use crate::model::field::setting;
use crate::model::kinds::CHANNEL_BLOCK;
use crate::model::suggest::{did_you_mean, list_names};
use crate::model::{
    Address, ChannelReference, Exclusion, ExclusionMatch, Field, FieldType, PathStep, ResourceKind,
};

use super::attribute::AttributeEvaluator;
use super::block::{BlockDeclaration, ResourceDeclaration};
use super::diagnostic::ConfigError;
use super::field_value::{FieldValue, locate};

/// The attributes of an exclusion block (not a PingFederate object: no wire).
pub const EXCLUSION_FIELDS: &[Field] = &[
    setting("pingone_username", FieldType::String, true),
    setting("source_attribute", FieldType::String, false),
    setting("source_value", FieldType::String, false),
    setting("source_dn", FieldType::String, false),
    setting("source_dn_attribute", FieldType::String, false),
    setting("channels", FieldType::StringList, false),
    setting("reason", FieldType::String, true),
];

pub struct ExclusionDeclaration {
    pub name: String,
    pub declaration: BlockDeclaration,
}

/// Exactly one of the two ways to find the account in the source directory.
pub fn check_shape(
    declaration: &BlockDeclaration,
    description: &str,
    errors: &mut Vec<ConfigError>,
) {
    let by_attribute = declaration
        .attribute("source_attribute")
        .or_else(|| declaration.attribute("source_value"));
    match (by_attribute, declaration.attribute("source_dn")) {
        (Some(first), Some(dn)) => {
            let location = declaration.at(dn.key.span());
            errors.push(ConfigError::ConflictingAttributes {
                first: first.key.to_string(),
                second: "source_dn".into(),
                block: description.to_string(),
                src: location.src,
                span: location.span,
                help: Some(
                    "describe the account one way: `source_attribute` with `source_value` (e.g. uid = \"p1-admin\"), or its distinguished name in `source_dn`".into(),
                ),
            });
        }
        (Some(_), None) => {
            for (present, missing) in [
                ("source_attribute", "source_value"),
                ("source_value", "source_attribute"),
            ] {
                if declaration.attribute(present).is_some()
                    && declaration.attribute(missing).is_none()
                {
                    let location = declaration.header();
                    errors.push(ConfigError::MissingAttribute {
                        name: missing.into(),
                        block: description.to_string(),
                        src: location.src,
                        span: location.span,
                        help: Some(format!(
                            "`{present}` goes with `{missing}`: the account is the entry whose `source_attribute` equals `source_value`"
                        )),
                    });
                }
            }
        }
        (None, Some(_)) => {}
        (None, None) => {
            let location = declaration.header();
            errors.push(ConfigError::MissingAttribute {
                name: "source_attribute` and `source_value`, or `source_dn".into(),
                block: description.to_string(),
                src: location.src,
                span: location.span,
                help: Some(
                    "say how the account appears in the source directory, e.g. `source_attribute = \"uid\"` and `source_value = \"p1-admin\"`".into(),
                ),
            });
        }
    }
}

/// LDAP attribute descriptions: a name (`uid`, `x-custom`) or a numeric OID, with
/// options (`cn;lang-en`).
fn is_attribute_description(text: &str) -> bool {
    let base = text.split(';').next().unwrap_or_default();
    let is_name = base.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let is_oid = !base.is_empty()
        && base
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
    is_name || is_oid
}

pub fn evaluate(
    exclusion: &ExclusionDeclaration,
    evaluator: &AttributeEvaluator,
    declared_channels: &[ChannelReference],
    errors: &mut Vec<ConfigError>,
) -> Option<Exclusion> {
    let declaration = &exclusion.declaration;
    let before = errors.len();
    let mut text = |name: &str| -> Option<String> {
        let field = EXCLUSION_FIELDS.iter().find(|f| f.name == name)?;
        let attribute = declaration.attribute(name)?;
        match evaluator.evaluate(&declaration.source, attribute, field, errors)? {
            FieldValue::Plain(Json::String(text)) => Some(text),
            _ => None,
        }
    };
    let pingone_username = text("pingone_username");
    let reason = text("reason");
    let source_attribute = text("source_attribute");
    let source_value = text("source_value");
    let source_dn = text("source_dn");
    let source_dn_attribute = text("source_dn_attribute");
    if let Some(attribute) = declaration.attribute("source_dn_attribute") {
        let location = declaration.at(attribute.value.span());
        if source_dn.is_none() {
            errors.push(ConfigError::InvalidValue {
                attribute: "source_dn_attribute".into(),
                message: "it only applies to `source_dn`".into(),
                src: location.src,
                span: location.span,
                help: Some("add `source_dn`, or remove `source_dn_attribute`".into()),
            });
        } else if let Some(name) = &source_dn_attribute
            && !is_attribute_description(name)
        {
            errors.push(ConfigError::InvalidValue {
                attribute: "source_dn_attribute".into(),
                message: format!("`{name}` is not an LDAP attribute name"),
                src: location.src,
                span: location.span,
                help: Some("Active Directory: \"distinguishedName\"; PingDirectory and OpenLDAP: \"entryDN\" (the default)".into()),
            });
        }
    }

    if let (Some(name), Some(attribute)) =
        (&source_attribute, declaration.attribute("source_attribute"))
        && !is_attribute_description(name)
    {
        let location = declaration.at(attribute.value.span());
        errors.push(ConfigError::InvalidValue {
            attribute: "source_attribute".into(),
            message: format!("`{name}` is not an LDAP attribute name"),
            src: location.src,
            span: location.span,
            help: Some("write the attribute's name, e.g. \"uid\" or \"sAMAccountName\"".into()),
        });
    }
    if let Some(reason_text) = &reason
        && reason_text.trim().is_empty()
        && let Some(attribute) = declaration.attribute("reason")
    {
        let location = declaration.at(attribute.value.span());
        errors.push(ConfigError::InvalidValue {
            attribute: "reason".into(),
            message: "the reason is empty".into(),
            src: location.src,
            span: location.span,
            help: Some("say why the account must never be provisioned; plans show it".into()),
        });
    }

    let channels = resolve_channels(exclusion, evaluator, declared_channels, errors);
    if errors.len() != before {
        return None;
    }
    let source = match (source_attribute, source_value, source_dn) {
        (Some(name), Some(value), None) => ExclusionMatch::Attribute { name, value },
        // The directory matches the DN on an attribute of its own: entryDN (RFC 5020)
        // by default, distinguishedName in Active Directory.
        (None, None, Some(dn)) => match source_dn_attribute {
            Some(name) => ExclusionMatch::Attribute { name, value: dn },
            None => ExclusionMatch::DistinguishedName(dn),
        },
        // The shape check reported it, or an expression had no value.
        _ => return None,
    };
    Some(Exclusion {
        name: exclusion.name.clone(),
        pingone_username: pingone_username?,
        source,
        channels: channels?,
        reason: reason?,
    })
}

/// The channels the exclusion names, sorted and without repeats; every declared
/// channel when it names none.
fn resolve_channels(
    exclusion: &ExclusionDeclaration,
    evaluator: &AttributeEvaluator,
    declared_channels: &[ChannelReference],
    errors: &mut Vec<ConfigError>,
) -> Option<Vec<ChannelReference>> {
    let declaration = &exclusion.declaration;
    let Some(attribute) = declaration.attribute("channels") else {
        return Some(declared_channels.to_vec());
    };
    let field = EXCLUSION_FIELDS.iter().find(|f| f.name == "channels")?;
    let Some(FieldValue::Plain(Json::Array(items))) =
        evaluator.evaluate(&declaration.source, attribute, field, errors)
    else {
        return None;
    };
    let mut channels = Vec::new();
    let mut complete = true;
    for (index, item) in items.iter().enumerate() {
        let text = item.as_str().unwrap_or_default();
        let location = declaration.at(locate(&attribute.value, &[PathStep::Index(index)], false));
        let Some((connection, channel)) = text.split_once('.') else {
            // A bare channel name: fine when exactly one connection has that channel.
            let named: Vec<&ChannelReference> = declared_channels
                .iter()
                .filter(|declared| declared.channel == text)
                .collect();
            if let [only] = named.as_slice() {
                channels.push((*only).clone());
                continue;
            }
            complete = false;
            let how = format!(
                "write the channel with its connection: `provisioning_connection.CONNECTION.channel.{text}` (a reference) or \"CONNECTION.{text}\""
            );
            if named.is_empty() {
                let help = match suggest_channel_name(text, declared_channels) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("no connection declares a channel `{text}`; {how}"),
                };
                errors.push(ConfigError::UnknownChannel {
                    exclusion: exclusion.name.clone(),
                    channel: text.to_string(),
                    src: location.src,
                    span: location.span,
                    help: Some(help),
                });
            } else {
                errors.push(ConfigError::AmbiguousChannel {
                    exclusion: exclusion.name.clone(),
                    channel: text.to_string(),
                    src: location.src,
                    span: location.span,
                    help: Some(format!(
                        "{} both declare it; {how}",
                        list_names(
                            named
                                .iter()
                                .map(|c| c.connection.name().unwrap_or_default())
                        )
                    )),
                });
            }
            continue;
        };
        let wanted = ChannelReference {
            connection: Address::new(ResourceKind::ProvisioningConnection, connection),
            channel: channel.to_string(),
        };
        if declared_channels.contains(&wanted) {
            channels.push(wanted);
            continue;
        }
        complete = false;
        let shown = wanted.to_string();
        let help = suggest_channel(&wanted, declared_channels);
        errors.push(ConfigError::UnknownChannel {
            exclusion: exclusion.name.clone(),
            channel: shown,
            src: location.src,
            span: location.span,
            help,
        });
    }
    channels.sort();
    channels.dedup();
    complete.then_some(channels)
}

/// Every channel declared with a well-formed name, for resolving the channels
/// exclusions name.
pub fn declared_channels(resources: &[ResourceDeclaration]) -> Vec<ChannelReference> {
    let mut channels = BTreeSet::new();
    for resource in resources {
        if resource.address.kind() != ResourceKind::ProvisioningConnection {
            continue;
        }
        for channel in resource.declaration.nested(CHANNEL_BLOCK) {
            if let Some(name) = channel.single_label() {
                channels.insert(ChannelReference {
                    connection: resource.address.clone(),
                    channel: name.to_string(),
                });
            }
        }
    }
    channels.into_iter().collect()
}

/// The declared channel reference whose channel name is close to `name`.
fn suggest_channel_name(name: &str, declared: &[ChannelReference]) -> Option<String> {
    let close = did_you_mean(name, declared.iter().map(|c| c.channel.as_str()))?;
    declared
        .iter()
        .find(|c| did_you_mean(name, [c.channel.as_str()]) == Some(close.clone()))
        .map(ToString::to_string)
}

/// "did you mean" over the channels of the same connection (names compared on their
/// own: the long common prefix of full references would make everything look close),
/// or the list of declared channels.
fn suggest_channel(wanted: &ChannelReference, declared: &[ChannelReference]) -> Option<String> {
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
            list_names(names.iter().map(String::as_str))
        ))
    }
}

/// An exclusion lives in a channel's user filter; whether PingFederate applies that
/// filter to the members of the channel's group (`group_dn`) is not documented (Ping's
/// pages say "Group DN or Filter"), so on a channel with a group DN an exclusion might
/// not be enforced. Such a channel is refused, with the way to say the same safely.
pub fn check_group_channels(
    exclusions: &[Exclusion],
    resources: &[ResourceDeclaration],
    errors: &mut Vec<ConfigError>,
) {
    for resource in resources {
        for channel in resource.declaration.nested(CHANNEL_BLOCK) {
            let (Some(name), Some(group_dn)) =
                (channel.single_label(), channel.attribute("group_dn"))
            else {
                continue;
            };
            let reference = ChannelReference {
                connection: resource.address.clone(),
                channel: name.to_string(),
            };
            let names: Vec<&str> = exclusions
                .iter()
                .filter(|exclusion| exclusion.channels.contains(&reference))
                .map(|exclusion| exclusion.name.as_str())
                .collect();
            if names.is_empty() {
                continue;
            }
            let location = channel.at(group_dn.key.span());
            errors.push(ConfigError::ExclusionOnGroupChannel {
                channel: reference.to_string(),
                exclusions: list_names(names.iter().copied()),
                src: location.src,
                span: location.span,
            });
        }
    }
}
