//! Building one `DesiredResource` from a `datastore`, `outbound_provisioning`,
//! `pingone_connection` or `provisioning_connection` block (the latter's channels are
//! added by `provisioning_connection`).
//!
//! Owns the id rule (explicit `id`, checked with `is_valid_id`, or the block name;
//! unique among data stores, among PingOne connections, among provisioning
//! connections), the `name` that defaults to the block name for the PingOne kinds,
//! the routing of secret fields into `secrets`, the one-of rules between fields
//! (`connection_url` or `connection_url_tags`; `hostnames` or `hostnames_tags`), and
//! the rule that outbound provisioning points at a JDBC store. It must not order
//! resources or look at other blocks beyond the ids it is handed.

use std::collections::{BTreeMap, BTreeSet};

use hcl::edit::Span;

use crate::model::schema::is_valid_id;
use crate::model::{
    Address, Attributes, DesiredResource, Field, FieldDefault, FieldType, ResourceKind,
    SINGLETON_ID,
};

use super::attribute::AttributeEvaluator;
use super::declarations::ResourceDeclaration;
use super::diagnostic::{ConfigError, Location, with_article};
use super::field_value::FieldValue;
use super::references::{self, Target};

/// Checks that need no evaluation: one-of fields, and what outbound provisioning
/// points at.
pub fn check_shape(resource: &ResourceDeclaration, errors: &mut Vec<ConfigError>) {
    let declaration = &resource.declaration;
    let one_of = match resource.address.kind() {
        ResourceKind::DatastoreJdbc => Some(("connection_url", "connection_url_tags")),
        ResourceKind::DatastoreLdap => Some(("hostnames", "hostnames_tags")),
        _ => None,
    };
    if let Some((first, second)) = one_of
        && declaration.attribute(first).is_none()
        && declaration.attribute(second).is_none()
    {
        let location = declaration.header();
        errors.push(ConfigError::MissingAttribute {
            name: format!("{first}` or `{second}"),
            block: format!("`{}`", resource.address.block_header()),
            src: location.src,
            span: location.span,
            help: Some(format!(
                "{} needs `{first}`, or `{second}` for several tagged ones",
                with_article(resource.address.kind().describe())
            )),
        });
    }
    if resource.address.kind() == ResourceKind::OutboundProvisioning
        && let Some(attribute) = declaration.attribute("datastore")
    {
        for reference in references::collect(&attribute.value).found {
            if let Target::Resource(target) = reference.target
                && target.kind() != ResourceKind::DatastoreJdbc
            {
                let location = declaration.at(reference.span);
                errors.push(ConfigError::OutboundNotJdbc {
                    address: target.to_string(),
                    kind: with_article(target.kind().describe()),
                    src: location.src,
                    span: location.span,
                });
            }
        }
    }
}

/// The PingFederate id of a resource: its `id` attribute, or its block name.
pub fn evaluate_id(
    resource: &ResourceDeclaration,
    evaluator: &AttributeEvaluator,
    errors: &mut Vec<ConfigError>,
) -> Option<String> {
    let address = &resource.address;
    if address.kind().is_singleton() {
        return Some(SINGLETON_ID.to_string());
    }
    let declaration = &resource.declaration;
    let Some(attribute) = declaration.attribute("id") else {
        return address.name().map(str::to_string);
    };
    let value = evaluator.evaluate(&declaration.source, attribute, &ID_FIELD, errors)?;
    let location = declaration.at(attribute.value.span());
    match value {
        FieldValue::Plain(serde_json::Value::String(id)) if is_valid_id(&id) => Some(id),
        FieldValue::Plain(serde_json::Value::String(id)) => {
            errors.push(ConfigError::InvalidId {
                what: id_space(address.kind()).to_string(),
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
    name: "id",
    wire: "id",
    ty: FieldType::String,
    required: false,
    default: FieldDefault::None,
    encrypted_wire: None,
    forces_replacement: true,
};

/// Evaluates every declared field, in schema order.
pub fn evaluate(
    resource: &ResourceDeclaration,
    id: String,
    depends_on: BTreeSet<Address>,
    evaluator: &AttributeEvaluator,
    errors: &mut Vec<ConfigError>,
) -> Option<DesiredResource> {
    let before = errors.len();
    let declaration = &resource.declaration;
    let mut attributes = Attributes::new();
    let mut secrets = BTreeMap::new();
    for field in resource.address.kind().fields() {
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
    let kind = resource.address.kind();
    if matches!(
        kind,
        ResourceKind::PingOneConnection | ResourceKind::ProvisioningConnection
    ) && !attributes.contains_key("name")
        && let Some(name) = resource.address.name()
    {
        let mut named = Attributes::new();
        named.insert("name".into(), serde_json::Value::String(name.to_string()));
        named.append(&mut attributes);
        attributes = named;
    }
    (errors.len() == before).then(|| DesiredResource {
        address: resource.address.clone(),
        id,
        attributes,
        secrets: secrets.into_iter().collect(),
        depends_on,
    })
}

/// The objects that share one PingFederate id space, as messages name them.
fn id_space(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::PingOneConnection => "PingOne connection",
        ResourceKind::ProvisioningConnection => "provisioning connection",
        _ => "data store",
    }
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
        let what = id_space(kind);
        match seen.get(&(what, id.as_str())) {
            None => {
                seen.insert((what, id), resource);
            }
            Some(first) => {
                let declaration = &resource.declaration;
                let location = match declaration.attribute("id") {
                    Some(attribute) => declaration.at(attribute.value.span()),
                    None => declaration.header(),
                };
                let first_location: Location = first.declaration.header();
                errors.push(ConfigError::DuplicateId {
                    what: what.to_string(),
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
