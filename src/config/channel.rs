//! One `channel "NAME" { }` block of a provisioning connection.
//!
//! Owns the channel's attribute table (the model's `CHANNEL_FIELDS` without `name`,
//! which is the block label, plus `population`), the checks that need no evaluation
//! (`population` or `population_id`, an LDAP data store), and the evaluation into one
//! channel object in model space: the user filter checked against RFC 4515 with the
//! error placed on the offending character, the attribute mapping with its required
//! `username` and a warning for PingOne field names outside the reference list. It
//! must not apply exclusions: the effective filter is composed once everything is
//! evaluated, in `provisioning_connection`.

use hcl::edit::Span;
use hcl::edit::structure::Attribute;
use serde_json::Value as Json;

use crate::model::schema::CHANNEL_FIELDS;
use crate::model::{
    Address, Attributes, ChannelReference, Field, FieldDefault, FieldType, PopulationReference,
    ResourceKind, ldap_filter,
};

use super::attribute::AttributeEvaluator;
use super::declarations::{BlockDeclaration, adjusted_fields, check_attributes};
use super::diagnostic::{ConfigError, did_you_mean, with_article};
use super::field_value::{FieldValue, PathStep, locate};
use super::references::{self, Target};

/// `population = "Employees"`: a PingOne population name, resolved during plan.
const POPULATION_FIELD: Field = Field {
    name: "population",
    wire: "population",
    ty: FieldType::String,
    required: false,
    default: FieldDefault::None,
    encrypted_wire: None,
    forces_replacement: false,
};

/// PingOne target field names for `attribute_mapping` (PingFederate Admin API
/// reference §6.4). The model has no such list; it lives here, where it is checked.
pub const PINGONE_MAPPING_FIELDS: &[&str] = &[
    "username",
    "email",
    "firstName",
    "lastName",
    "middleName",
    "fullName",
    "nickname",
    "honorificPrefix",
    "honorificSuffix",
    "jobTitle",
    "userType",
    "locale",
    "preferredLanguage",
    "timezone",
    "primaryPhone",
    "mobilePhone",
    "streetAddress",
    "city",
    "stateRegion",
    "ZIPCode",
    "country",
    "accountID",
    "externalID",
    "authoritativeIdp",
    "populationID",
    "password",
    "forceChangePassword",
    "profileImage",
    "mfaEnabled",
    "mfaDeviceEmail1",
    "mfaDeviceEmail2",
    "mfaDeviceEmail3",
    "mfaDeviceSms1",
    "mfaDeviceSms2",
    "mfaDeviceSms3",
    "mfaDeviceVoice1",
    "mfaDeviceVoice2",
    "mfaDeviceVoice3",
];

/// The channel's name, from its label (checked by `check_declaration`).
pub fn name(channel: &BlockDeclaration) -> Option<&str> {
    match channel.block.labels.as_slice() {
        [label] => Some(label.as_str()),
        _ => None,
    }
}

/// Checks that need no evaluation. `description` names the channel in messages.
pub fn check_declaration(
    channel: &BlockDeclaration,
    description: &str,
    errors: &mut Vec<ConfigError>,
) {
    let fields = adjusted_fields(CHANNEL_FIELDS, &[], &["name"]);
    check_attributes(
        channel,
        &fields,
        &[POPULATION_FIELD.name],
        &[],
        description,
        errors,
    );
    if let (Some(population), Some(population_id)) = (
        channel.attribute("population"),
        channel.attribute("population_id"),
    ) {
        let location = channel.at(population_id.key.span());
        errors.push(ConfigError::ConflictingAttributes {
            first: "population".into(),
            second: "population_id".into(),
            block: description.to_string(),
            src: location.src,
            span: location.span,
            help: Some(format!(
                "`population` (declared at {}) names the population, and pingform looks its id up in PingOne; keep one of the two",
                channel.at(population.key.span()).describe()
            )),
        });
    }
    let (Some(channel_name), Some(attribute)) = (name(channel), channel.attribute("datastore"))
    else {
        return;
    };
    for reference in references::collect(&attribute.value).found {
        if let Target::Resource(target) = reference.target
            && target.kind() != ResourceKind::DatastoreLdap
        {
            let location = channel.at(reference.span);
            errors.push(ConfigError::ChannelNotLdap {
                channel: channel_name.to_string(),
                address: target.to_string(),
                kind: with_article(target.kind().describe()),
                src: location.src,
                span: location.span,
            });
        }
    }
}

/// One evaluated channel: its object in `CHANNEL_FIELDS` order, and the population it
/// names, if it names one.
pub struct EvaluatedChannel {
    pub object: Attributes,
    pub population: Option<PopulationReference>,
}

pub fn evaluate(
    channel: &BlockDeclaration,
    connection: &Address,
    evaluator: &AttributeEvaluator,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Option<EvaluatedChannel> {
    let channel_name = name(channel)?;
    let before = errors.len();
    let mut object = Attributes::new();
    for field in CHANNEL_FIELDS {
        if field.name == "name" {
            object.insert("name".into(), Json::String(channel_name.to_string()));
            continue;
        }
        let Some(attribute) = channel.attribute(field.name) else {
            continue;
        };
        match evaluator.evaluate(&channel.source, attribute, field, errors) {
            Some(FieldValue::Plain(value)) => {
                match field.name {
                    "user_filter" => check_filter(channel, attribute, &value, errors),
                    "attribute_mapping" => {
                        check_mapping(channel, channel_name, attribute, &value, errors, warnings)
                    }
                    _ => {}
                }
                object.insert(field.name.to_string(), value);
            }
            // Channels have no secret fields.
            Some(FieldValue::Secret(_) | FieldValue::Secrets(_)) | None => {}
        }
    }
    let mut population = None;
    if let Some(attribute) = channel.attribute(POPULATION_FIELD.name)
        && let Some(FieldValue::Plain(Json::String(text))) =
            evaluator.evaluate(&channel.source, attribute, &POPULATION_FIELD, errors)
    {
        population = Some(PopulationReference {
            channel: ChannelReference {
                connection: connection.clone(),
                channel: channel_name.to_string(),
            },
            name: text,
        });
    }
    (errors.len() == before).then_some(EvaluatedChannel { object, population })
}

/// A malformed user filter is refused; the error points at the offending character
/// when the value is a plain string literal whose text is the value itself.
fn check_filter(
    channel: &BlockDeclaration,
    attribute: &Attribute,
    value: &Json,
    errors: &mut Vec<ConfigError>,
) {
    let Json::String(filter) = value else {
        return;
    };
    let Err(problem) = ldap_filter::parse(filter) else {
        return;
    };
    let whole = attribute.value.span();
    let source_text = channel.source.inner();
    let inside = whole.clone().and_then(|span| {
        let raw = source_text.get(span.start + 1..span.end.checked_sub(1)?)?;
        if raw != filter.as_str() {
            return None;
        }
        let offset = filter
            .char_indices()
            .nth(problem.column.saturating_sub(1))
            .map_or(filter.len(), |(offset, _)| offset);
        let width = filter[offset..].chars().next().map_or(1, char::len_utf8);
        let start = span.start + 1 + offset;
        Some(start..start + width)
    });
    let (span, label) = match inside {
        Some(span) => (
            Some(span),
            format!("expected {}, found {}", problem.expected, problem.found),
        ),
        None => (whole, format!("column {} of the filter", problem.column)),
    };
    let location = channel.at(span);
    errors.push(ConfigError::InvalidFilter {
        attribute: "user_filter".into(),
        message: problem.to_string(),
        src: location.src,
        span: location.span,
        label,
    });
}

/// `username` is required (PingOne matches users on it); unknown PingOne field names
/// are warnings, since PingOne environments can have custom attributes.
fn check_mapping(
    channel: &BlockDeclaration,
    channel_name: &str,
    attribute: &Attribute,
    value: &Json,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) {
    let Json::Object(mapping) = value else {
        return;
    };
    if !mapping.contains_key("username") {
        let location = channel.at(attribute.value.span());
        errors.push(ConfigError::MissingAttribute {
            name: "username".into(),
            block: format!("the `attribute_mapping` of channel `{channel_name}`"),
            src: location.src,
            span: location.span,
            help: Some(
                "PingOne matches users on `username`: map it to the source LDAP attribute, e.g. `username = \"uid\"`".into(),
            ),
        });
    }
    for key in mapping.keys() {
        if PINGONE_MAPPING_FIELDS.contains(&key.as_str()) {
            continue;
        }
        let span = locate(&attribute.value, &[PathStep::Key(key.clone())], true);
        let location = channel.at(span);
        warnings.push(ConfigError::UnknownMappingField {
            name: key.clone(),
            src: location.src,
            span: location.span,
            help: did_you_mean(key, PINGONE_MAPPING_FIELDS.iter().copied()).or_else(|| {
                Some("fine for a custom PingOne attribute; otherwise check the spelling (PingOne field names are case-sensitive)".into())
            }),
        });
    }
}
