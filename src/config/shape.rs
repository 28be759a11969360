//! The checks that need no evaluation, driven by the field tables: attribute names
//! (unknown, nested blocks, missing required), nested blocks (labels, names,
//! duplicates, attributes, fields that exclude each other), one-of groups, references
//! to declared blocks of the wrong kind, the attributes only a `pingone` block can
//! default, and the attributes of the state directives and of `lifecycle` blocks.
//!
//! Owns these checks for every block type. It must not evaluate expressions: what a
//! value means is decided later, in `resource`, `exclusion`, `directives` and the
//! settings blocks.

use std::collections::BTreeMap;

use hcl::edit::Span;

use crate::model::suggest::{did_you_mean, with_article};
use crate::model::{Field, FieldDefault, FieldType, NestedBlocks};

use super::block::{BlockDeclaration, ResourceDeclaration, is_valid_name};
use super::declarations::Declarations;
use super::diagnostic::ConfigError;
use super::directives::{DirectiveDeclaration, LIFECYCLE_BLOCK, LIFECYCLE_FIELDS};
use super::exclusion;
use super::pingfederate_block::{self, PINGFEDERATE_FIELDS};
use super::pingone_block::PINGONE_FIELDS;
use super::references::{self, Target};

/// Checks every declaration's shape.
pub fn check(declarations: &Declarations, errors: &mut Vec<ConfigError>) {
    if let Some(block) = &declarations.pingfederate {
        check_attributes(
            block,
            PINGFEDERATE_FIELDS,
            &[],
            &[pingfederate_block::OAUTH_BLOCK],
            "the `pingfederate` block",
            errors,
        );
        for oauth in block.nested(pingfederate_block::OAUTH_BLOCK) {
            check_attributes(
                &oauth,
                pingfederate_block::OAUTH_FIELDS,
                &[],
                &[],
                pingfederate_block::OAUTH_DESCRIPTION,
                errors,
            );
        }
        pingfederate_block::check_shape(block, errors);
    }
    if let Some(block) = &declarations.pingone {
        check_attributes(
            block,
            PINGONE_FIELDS,
            &[],
            &[],
            "the `pingone` block",
            errors,
        );
    }
    for resource in &declarations.resources {
        check_resource(resource, declarations.pingone.is_some(), errors);
    }
    for declaration in &declarations.exclusions {
        let description = format!("`exclusion \"{}\"`", declaration.name);
        check_attributes(
            &declaration.declaration,
            exclusion::EXCLUSION_FIELDS,
            &[],
            &[],
            &description,
            errors,
        );
        exclusion::check_shape(&declaration.declaration, &description, errors);
    }
    check_directives(&declarations.directives, &declarations.resources, errors);
}

/// The attribute checks of every directive block (`import`, `removed`, `moved`) and of
/// each resource's `lifecycle`.
fn check_directives(
    directives: &[DirectiveDeclaration],
    resources: &[ResourceDeclaration],
    errors: &mut Vec<ConfigError>,
) {
    for directive in directives {
        let description = directive.description();
        check_attributes(
            &directive.declaration,
            directive.kind.fields(),
            &[],
            &[],
            &description,
            errors,
        );
        for name in directive.kind.addresses() {
            if directive.declaration.attribute(name).is_none() {
                let location = directive.declaration.header();
                errors.push(ConfigError::MissingAttribute {
                    name: (*name).to_string(),
                    block: description.clone(),
                    src: location.src,
                    span: location.span,
                    help: Some(format!("write `{}`", directive.kind.example())),
                });
            }
        }
    }
    for resource in resources {
        let found = resource.declaration.nested(LIFECYCLE_BLOCK);
        let description = format!("the `lifecycle` block of {}", resource.address);
        for (index, lifecycle) in found.iter().enumerate() {
            if !lifecycle.block.labels.is_empty() {
                let location = lifecycle.header();
                errors.push(ConfigError::BlockLabels {
                    block: LIFECYCLE_BLOCK.into(),
                    expected: "no labels".into(),
                    src: location.src,
                    span: location.span,
                    help: Some("write `lifecycle { prevent_destroy = true }`".into()),
                });
            }
            if index > 0 {
                let location = lifecycle.header();
                errors.push(ConfigError::Duplicate {
                    what: format!("`lifecycle` block in {}", resource.address),
                    src: location.src,
                    span: location.span,
                    help: Some(format!(
                        "first declared at {}; a block has at most one",
                        found[0].header().describe()
                    )),
                });
            }
            check_attributes(lifecycle, LIFECYCLE_FIELDS, &[], &[], &description, errors);
        }
    }
}

/// A field a block may leave out although PingFederate requires it: the loader
/// supplies a name from the block name, an environment from the `pingone` block; a
/// secret PingFederate keeps.
fn supplied_by_loader(field: &Field, name_from_block: bool) -> bool {
    (field.name == "name" && name_from_block)
        || field.default == FieldDefault::PingOneEnvironment
        // A required secret is needed to create the object; left out, PingFederate
        // keeps the one it holds (the plan refuses a create without it).
        || field.is_secret()
}

fn check_resource(
    resource: &ResourceDeclaration,
    has_pingone: bool,
    errors: &mut Vec<ConfigError>,
) {
    let kind = resource.address.kind();
    let descriptor = kind.descriptor();
    let declaration = &resource.declaration;
    let description = if kind.is_singleton() {
        format!("the `{}` block", kind.block_type())
    } else {
        format!("`{}`", resource.address.block_header())
    };
    let attributes: Vec<Field> = descriptor
        .fields
        .iter()
        .filter(|field| !matches!(field.ty, FieldType::Blocks(_)))
        .map(|field| Field {
            required: field.required && !supplied_by_loader(field, descriptor.name_from_block),
            ..*field
        })
        .collect();
    let nested: Vec<(&Field, &NestedBlocks)> = descriptor.nested_blocks().collect();
    let mut block_names: Vec<&str> = nested.iter().map(|(_, blocks)| blocks.block).collect();
    block_names.push(LIFECYCLE_BLOCK);
    let extra: &[&str] = if kind.is_singleton() { &[] } else { &["id"] };
    check_attributes(
        declaration,
        &attributes,
        extra,
        &block_names,
        &description,
        errors,
    );

    for (first, second) in descriptor.one_of {
        if declaration.attribute(first).is_none() && declaration.attribute(second).is_none() {
            let location = declaration.header();
            errors.push(ConfigError::MissingAttribute {
                name: format!("{first}` or `{second}"),
                block: description.clone(),
                src: location.src,
                span: location.span,
                help: Some(format!(
                    "{} needs `{first}`, or `{second}` for several tagged ones",
                    with_article(kind.describe())
                )),
            });
        }
    }

    for field in descriptor.fields {
        if field.default == FieldDefault::PingOneEnvironment
            && !has_pingone
            && declaration.attribute(field.name).is_none()
        {
            let location = declaration.header();
            errors.push(ConfigError::MissingAttribute {
                name: field.name.to_string(),
                block: description.clone(),
                src: location.src,
                span: location.span,
                help: Some(format!(
                    "set `{}` to the PingOne environment's id, or declare a `pingone {{ environment_id = ... }}` block it defaults to",
                    field.name
                )),
            });
        }
    }
    check_reference_kinds(declaration, descriptor.fields, &description, errors);

    for (field, blocks) in nested {
        let found = declaration.nested(blocks.block);
        if found.is_empty() && field.required {
            let location = declaration.header();
            errors.push(ConfigError::MissingBlock {
                name: blocks.block.into(),
                block: description.clone(),
                src: location.src,
                span: location.span,
                help: Some(blocks.missing_help.to_string()),
            });
        }
        check_nested(
            &found,
            blocks,
            &description,
            kind.collection().noun(),
            errors,
        );
    }
}

/// Each nested block: one label that is a valid, unique name; its attributes; fields
/// that exclude each other; references of the wrong kind.
fn check_nested(
    found: &[BlockDeclaration],
    blocks: &NestedBlocks,
    parent: &str,
    parent_noun: &str,
    errors: &mut Vec<ConfigError>,
) {
    let fields: Vec<Field> = blocks
        .fields
        .iter()
        .filter(|field| field.name != blocks.key)
        .copied()
        .collect();
    let mut first_seen: BTreeMap<String, &BlockDeclaration> = BTreeMap::new();
    for block in found {
        let Some(name) = block.single_label().map(str::to_string) else {
            let location = block.header();
            errors.push(ConfigError::BlockLabels {
                block: blocks.block.into(),
                expected: format!("one label, the {} name", blocks.block),
                src: location.src,
                span: location.span,
                help: Some(format!("write `{} \"NAME\" {{ ... }}`", blocks.block)),
            });
            continue;
        };
        if !is_valid_name(&name) {
            let location = block.at(block.block.labels[0].span());
            errors.push(ConfigError::InvalidName {
                name,
                src: location.src,
                span: location.span,
            });
            continue;
        }
        let description = format!("{} `{name}` of {parent}", blocks.block);
        check_attributes(block, &fields, &[], &[], &description, errors);
        for (first, second, what) in blocks.exclusive {
            if let (Some(one), Some(other)) = (block.attribute(first), block.attribute(second)) {
                let location = block.at(other.key.span());
                errors.push(ConfigError::ConflictingAttributes {
                    first: first.to_string(),
                    second: second.to_string(),
                    block: description.clone(),
                    src: location.src,
                    span: location.span,
                    help: Some(format!(
                        "`{first}` (declared at {}) {what}; keep one of the two",
                        block.at(one.key.span()).describe()
                    )),
                });
            }
        }
        check_reference_kinds(block, blocks.fields, &description, errors);
        if let Some(first) = first_seen.get(&name) {
            let location = block.header();
            errors.push(ConfigError::Duplicate {
                what: format!("{} `{name}` in {parent}", blocks.block),
                src: location.src,
                span: location.span,
                help: Some(format!(
                    "first declared at {}; {} names are unique within a {parent_noun}",
                    first.header().describe(),
                    blocks.block
                )),
            });
        } else {
            first_seen.insert(name, block);
        }
    }
}

/// A reference field that names a declared block of a kind it may not point at.
fn check_reference_kinds(
    declaration: &BlockDeclaration,
    fields: &[Field],
    description: &str,
    errors: &mut Vec<ConfigError>,
) {
    for field in fields {
        let (FieldType::Reference(target), Some(attribute)) =
            (field.ty, declaration.attribute(field.name))
        else {
            continue;
        };
        for reference in references::collect(&attribute.value).found {
            let Target::Resource(address) = reference.target else {
                continue;
            };
            if target.accepts(address.kind()) {
                continue;
            }
            let wanted = target.describe();
            let example = target
                .kinds
                .first()
                .map(|kind| format!("`{} \"...\"`", kind.block_prefix()))
                .unwrap_or_else(|| "a matching".to_string());
            let location = declaration.at(reference.span);
            errors.push(ConfigError::ReferenceKind {
                referrer: description.to_string(),
                attribute: field.name.to_string(),
                wanted: with_article(&wanted),
                address: address.to_string(),
                kind: with_article(address.kind().describe()),
                src: location.src,
                span: location.span,
                help: Some(format!(
                    "point `{}` at a {example} block, or at the id of an existing {wanted}",
                    field.name
                )),
            });
        }
    }
}

/// Attribute names against a field table: unknown ones, nested blocks (other than the
/// `blocks` the caller checks itself), missing required.
pub fn check_attributes(
    declaration: &BlockDeclaration,
    fields: &[Field],
    extra: &[&str],
    blocks: &[&str],
    description: &str,
    errors: &mut Vec<ConfigError>,
) {
    let names = || fields.iter().map(|f| f.name).chain(extra.iter().copied());
    for structure in declaration.block.body.iter() {
        if let Some(inner) = structure.as_block() {
            let name = inner.ident.as_str();
            if blocks.contains(&name) {
                continue;
            }
            let help = fields
                .iter()
                .find(|f| f.name == name)
                .map(|f| {
                    format!(
                        "`{name}` is an attribute ({}): write `{name} = ...`",
                        f.ty.describe()
                    )
                })
                .or_else(|| did_you_mean(name, blocks.iter().copied()));
            errors.push(declaration.unexpected(inner, description, help));
        }
    }
    for attribute in declaration.attributes() {
        let name = attribute.key.as_str();
        if names().any(|known| known == name) {
            continue;
        }
        let location = declaration.at(attribute.key.span());
        errors.push(ConfigError::UnknownAttribute {
            name: name.to_string(),
            block: description.to_string(),
            src: location.src,
            span: location.span,
            help: did_you_mean(name, names()),
        });
    }
    for field in fields.iter().filter(|f| f.required) {
        if declaration.attribute(field.name).is_none() {
            let location = declaration.header();
            errors.push(ConfigError::MissingAttribute {
                name: field.name.to_string(),
                block: description.to_string(),
                src: location.src,
                span: location.span,
                help: Some(format!(
                    "add `{} = ...` ({})",
                    field.name,
                    field.ty.describe()
                )),
            });
        }
    }
}
