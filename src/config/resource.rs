//! Building one `DesiredResource` from a resource block, for every kind alike: its
//! attributes in field order (nested blocks become a list of objects), its secrets,
//! its name, and the findings of its kind's own checks, placed in the source.
//!
//! Owns the id rule (explicit `id`, checked with `is_valid_id`, or the block name;
//! unique within the collection's id space), the `name` that defaults to the block
//! name for kinds that say so, and the routing of secret fields into `secrets`. It
//! must not order resources or look at other blocks beyond the ids it is handed.

use std::collections::{BTreeMap, BTreeSet};

use hcl::edit::Span;
use hcl::edit::expr::Expression;
use serde_json::Value as Json;

use crate::model::{
    Address, Attributes, Collection, DesiredResource, Field, FieldType, Finding, KindProblem,
    Lookup, PathStep, ResourceKind, SINGLETON_ID, Secret, Severity, is_valid_id,
};

use super::attribute::AttributeEvaluator;
use super::block::{BlockDeclaration, ResourceDeclaration};
use super::diagnostic::{ConfigError, Location};
use super::directives::KeptIds;
use super::field_value::{FieldValue, locate};

/// The PingFederate id of a resource: its `id` attribute; else the id the state
/// records for it (which a `moved` block carries over from its old address); else its
/// block name.
pub fn evaluate_id(
    resource: &ResourceDeclaration,
    evaluator: &AttributeEvaluator,
    kept_ids: &KeptIds,
    errors: &mut Vec<ConfigError>,
) -> Option<String> {
    let address = &resource.address;
    if address.kind().is_singleton() {
        return Some(SINGLETON_ID.to_string());
    }
    let declaration = &resource.declaration;
    let Some(attribute) = declaration.attribute("id") else {
        if let Some(kept) = kept_ids.for_block(address) {
            return Some(kept.to_string());
        }
        return address.name().map(str::to_string);
    };
    let value = evaluator.evaluate(&declaration.source, attribute, &ID_FIELD, errors)?;
    let location = declaration.at(attribute.value.span());
    match value {
        FieldValue::Plain(Json::String(id)) if is_valid_id(&id) => Some(id),
        FieldValue::Plain(Json::String(id)) => {
            errors.push(ConfigError::InvalidId {
                what: address.kind().collection().noun().to_string(),
                id,
                src: location.src,
                span: location.span,
            });
            None
        }
        _ => None,
    }
}

/// `id` is not a PingFederate field of its own (it is the object's key), but it is
/// checked like one: a string, never from a sensitive variable.
const ID_FIELD: Field = Field {
    forces_replacement: true,
    ..crate::model::field::setting("id", FieldType::String, false)
};

/// Evaluates every declared field, in field order, then the kind's own checks.
pub fn evaluate(
    resource: &ResourceDeclaration,
    id: String,
    depends_on: BTreeSet<Address>,
    evaluator: &AttributeEvaluator,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) -> Option<DesiredResource> {
    let before = errors.len();
    let descriptor = resource.address.kind().descriptor();
    let declaration = &resource.declaration;
    let mut secrets = BTreeMap::new();
    let mut attributes = evaluate_fields(
        descriptor.fields,
        declaration,
        evaluator,
        &mut secrets,
        errors,
    );
    if descriptor.name_from_block
        && !attributes.contains_key("name")
        && let Some(name) = resource.address.name()
    {
        let mut named = Attributes::new();
        named.insert("name".into(), Json::String(name.to_string()));
        named.append(&mut attributes);
        attributes = named;
    }
    if errors.len() != before {
        return None;
    }
    if let Some(check) = descriptor.hooks.check {
        let mut findings = Vec::new();
        check(&attributes, &mut findings);
        for finding in findings {
            let severity = finding.severity;
            let diagnostic = place(declaration, finding);
            match severity {
                Severity::Error => errors.push(diagnostic),
                Severity::Warning => warnings.push(diagnostic),
            }
        }
    }
    (errors.len() == before).then(|| DesiredResource {
        address: resource.address.clone(),
        id,
        attributes: crate::model::compact(attributes),
        secrets: secrets.into_iter().collect(),
        depends_on,
    })
}

/// The declared fields of one block (and, for nested blocks, each of them), in field
/// order. Secrets go to `secrets` by field path.
fn evaluate_fields(
    fields: &'static [Field],
    declaration: &BlockDeclaration,
    evaluator: &AttributeEvaluator,
    secrets: &mut BTreeMap<String, Secret>,
    errors: &mut Vec<ConfigError>,
) -> Attributes {
    let mut attributes = Attributes::new();
    for field in fields {
        if let FieldType::Blocks(nested) = field.ty {
            let items: Vec<Json> = declaration
                .nested(nested.block)
                .iter()
                .filter_map(|block| {
                    let label = block.single_label()?;
                    let mut object = Attributes::new();
                    let inner = evaluate_fields(nested.fields, block, evaluator, secrets, errors);
                    for nested_field in nested.fields {
                        if nested_field.name == nested.key {
                            object.insert(nested.key.to_string(), Json::String(label.to_string()));
                        } else if let Some(value) = inner.get(nested_field.name) {
                            object.insert(nested_field.name.to_string(), value.clone());
                        }
                    }
                    Some(Json::Object(object))
                })
                .collect();
            attributes.insert(field.name.to_string(), Json::Array(items));
            continue;
        }
        let Some(attribute) = declaration.attribute(field.name) else {
            continue;
        };
        match evaluator.evaluate(&declaration.source, attribute, field, errors) {
            Some(FieldValue::Plain(value)) => {
                attributes.insert(field.name.to_string(), value);
            }
            Some(FieldValue::Secret(secret)) => {
                secrets.insert(field.name.to_string(), secret);
            }
            Some(FieldValue::Secrets(entries)) => {
                for (key, secret) in entries {
                    secrets.insert(format!("{}.{key}", field.name), secret);
                }
            }
            None => {}
        }
    }
    attributes
}

/// A kind check's finding as a diagnostic at its place in the source: the attribute
/// (of a nested block, when it names one), the element inside its value, and, for a
/// string written as a plain literal, the very character.
fn place(declaration: &BlockDeclaration, finding: Finding) -> ConfigError {
    let severity = finding.severity;
    let path = finding.path;
    let block = match &path.block {
        Some((block_type, label)) => declaration.nested_labelled(block_type, label),
        None => None,
    };
    let block = block.as_ref().unwrap_or(declaration);
    let attribute = block.attribute(&path.attribute);
    let at_key = matches!(finding.problem, KindProblem::UnknownMappingField { .. })
        && matches!(path.inside.last(), Some(PathStep::Key(_)));
    let value_span = attribute.and_then(|a| locate(&a.value, &path.inside, at_key));
    match finding.problem {
        KindProblem::InvalidFilter {
            message,
            expected_found,
        } => {
            let inside = path.character.and_then(|character| {
                let Expression::String(literal) = &attribute?.value else {
                    return None;
                };
                literal_character_span(block, value_span.clone()?, literal.value(), character)
            });
            let (span, label) = match inside {
                Some(span) => (Some(span), expected_found),
                None => (
                    value_span,
                    format!(
                        "column {} of the filter",
                        path.character.map_or(1, |character| character + 1)
                    ),
                ),
            };
            let location = block.at(span);
            ConfigError::InvalidFilter {
                attribute: path.attribute,
                message,
                src: location.src,
                span: location.span,
                label,
            }
        }
        KindProblem::MissingEntry { name, within, help } => {
            let location = block.at(value_span);
            ConfigError::MissingAttribute {
                name,
                block: within,
                src: location.src,
                span: location.span,
                help: Some(help),
            }
        }
        KindProblem::UnknownMappingField { name, help } => {
            let location = block.at(value_span);
            ConfigError::UnknownMappingField {
                name,
                src: location.src,
                span: location.span,
                help: Some(help),
            }
        }
        problem => {
            let location = block.at(value_span);
            let (message, help) = (problem.message(), problem.help());
            match severity {
                Severity::Error => ConfigError::KindRule {
                    message,
                    src: location.src,
                    span: location.span,
                    label: "here".into(),
                    help,
                },
                Severity::Warning => ConfigError::KindWarning {
                    message,
                    src: location.src,
                    span: location.span,
                    label: "here".into(),
                    help,
                },
            }
        }
    }
}

/// Declared objects by collection and id, for the kinds' cross checks.
struct Declared<'a>(BTreeMap<(Collection, &'a str), &'a DesiredResource>);

impl Lookup for Declared<'_> {
    fn get(&self, collection: Collection, id: &str) -> Option<(ResourceKind, &Attributes)> {
        self.0
            .get(&(collection, id))
            .map(|resource| (resource.kind(), &resource.attributes))
    }
}

/// The kinds' checks against the objects each refers to, among the declared ones.
pub fn cross_check(
    declarations: &[ResourceDeclaration],
    resources: &[DesiredResource],
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<ConfigError>,
) {
    let declared = Declared(
        resources
            .iter()
            .map(|r| ((r.kind().collection(), r.id.as_str()), r))
            .collect(),
    );
    for resource in resources {
        let Some(cross_check) = resource.kind().descriptor().hooks.cross_check else {
            continue;
        };
        let Some(declaration) = declarations.iter().find(|d| d.address == resource.address) else {
            continue;
        };
        let mut findings = Vec::new();
        cross_check(&resource.attributes, &declared, &mut findings);
        for finding in findings {
            match finding.severity {
                Severity::Error => errors.push(place(&declaration.declaration, finding)),
                Severity::Warning => warnings.push(place(&declaration.declaration, finding)),
            }
        }
    }
}

/// The span of the `character`-th character of a string value, when the source spells
/// the value out as a plain literal (the text between the quotes is the value).
fn literal_character_span(
    block: &BlockDeclaration,
    span: std::ops::Range<usize>,
    value: &str,
    character: usize,
) -> Option<std::ops::Range<usize>> {
    let source_text = block.source.inner();
    let raw = source_text.get(span.start + 1..span.end.checked_sub(1)?)?;
    if raw != value {
        return None;
    }
    let offset = value
        .char_indices()
        .nth(character)
        .map_or(value.len(), |(offset, _)| offset);
    let width = value[offset..].chars().next().map_or(1, char::len_utf8);
    let start = span.start + 1 + offset;
    Some(start..start + width)
}

/// Two objects of one collection with one id would overwrite each other in
/// PingFederate.
pub fn check_unique_ids(
    resources: &[(&ResourceDeclaration, String)],
    errors: &mut Vec<ConfigError>,
) {
    let mut seen: BTreeMap<(&str, &str), &ResourceDeclaration> = BTreeMap::new();
    for (resource, id) in resources {
        let kind = resource.address.kind();
        if kind.is_singleton() {
            continue;
        }
        let space = kind.collection().name();
        match seen.get(&(space, id.as_str())) {
            None => {
                seen.insert((space, id), resource);
            }
            Some(first) => {
                let declaration = &resource.declaration;
                let location = match declaration.attribute("id") {
                    Some(attribute) => declaration.at(attribute.value.span()),
                    None => declaration.header(),
                };
                let first_location: Location = first.declaration.header();
                errors.push(ConfigError::DuplicateId {
                    what: kind.collection().noun().to_string(),
                    id: id.clone(),
                    address: resource.address.to_string(),
                    other: first.address.to_string(),
                    src: location.src,
                    span: location.span,
                    help: Some(format!(
                        "`{}` is declared at {}; set `id` explicitly on one of them to a different value",
                        first.address,
                        first_location.describe()
                    )),
                });
            }
        }
    }
}
