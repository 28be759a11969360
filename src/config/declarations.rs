//! Sorting the blocks of every file into declarations, with the checks that need no
//! evaluation.
//!
//! Owns the list of block types, their labels, block names, duplicate blocks and
//! local names, and attribute names checked against the model's field tables
//! (unknown, nested blocks, missing required). It must not evaluate expressions:
//! what a value means is decided later, in `resource` and `pingfederate_block`.

use std::collections::BTreeMap;
use std::ops::Range;

use hcl::edit::Span;
use hcl::edit::structure::{Attribute, Block};

use crate::model::{Address, Field, ResourceKind};

use super::diagnostic::{ConfigError, Location, Source, did_you_mean, list_names};
use super::exclusion::{self, EXCLUSION_FIELDS, ExclusionDeclaration};
use super::files::SourceFile;
use super::pingfederate_block::PINGFEDERATE_FIELDS;
use super::pingone_block::PINGONE_FIELDS;
use super::provisioning_connection;
use super::variables::{self, VariableDeclaration};

const BLOCK_TYPES: [&str; 9] = [
    "pingfederate",
    "pingone",
    "variable",
    "locals",
    "datastore",
    "outbound_provisioning",
    "pingone_connection",
    "provisioning_connection",
    "exclusion",
];

/// A block and the file it is written in.
pub struct BlockDeclaration {
    pub source: Source,
    pub block: Block,
}

impl BlockDeclaration {
    /// The block header (`datastore "jdbc" "db"`), where "missing attribute" points.
    pub fn header(&self) -> Location {
        let start = self.block.ident.span().map(|s| s.start);
        let end = self
            .block
            .labels
            .last()
            .and_then(|label| label.span())
            .or_else(|| self.block.ident.span())
            .map(|s| s.end);
        let span = start.zip(end).map(|(start, end)| start..end);
        Location::new(&self.source, span)
    }

    pub fn at(&self, span: Option<Range<usize>>) -> Location {
        Location::new(&self.source, span)
    }

    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.block.body.attributes()
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.block.body.get_attribute(name)
    }

    /// The nested blocks of this block called `name` (`channel`), each with this
    /// block's source.
    pub fn nested(&self, name: &str) -> Vec<BlockDeclaration> {
        self.block
            .body
            .blocks()
            .filter(|inner| inner.ident.as_str() == name)
            .map(|inner| BlockDeclaration {
                source: self.source.clone(),
                block: inner.clone(),
            })
            .collect()
    }
}

pub struct ResourceDeclaration {
    pub address: Address,
    pub declaration: BlockDeclaration,
}

pub struct LocalDeclaration {
    pub name: String,
    pub source: Source,
    pub attribute: Attribute,
}

#[derive(Default)]
pub struct Declarations {
    pub variables: Vec<VariableDeclaration>,
    pub locals: Vec<LocalDeclaration>,
    pub resources: Vec<ResourceDeclaration>,
    pub pingfederate: Option<BlockDeclaration>,
    pub pingone: Option<BlockDeclaration>,
    pub exclusions: Vec<ExclusionDeclaration>,
}

/// `fields` with the `optional` ones no longer required and the `left_out` ones
/// removed: the attributes a block may have when the loader supplies some values
/// itself (a name defaulting to the block name, channels written as nested blocks).
pub fn adjusted_fields(fields: &[Field], optional: &[&str], left_out: &[&str]) -> Vec<Field> {
    fields
        .iter()
        .filter(|field| !left_out.contains(&field.name))
        .map(|field| Field {
            required: field.required && !optional.contains(&field.name),
            ..*field
        })
        .collect()
}

/// Block names are identifiers, which are also valid PingFederate ids.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Sorts the blocks of every file into declarations. Takes the files, so that each
/// block moves into its declaration instead of being copied (a configuration of ten
/// thousand data stores is mostly syntax tree).
pub fn collect(files: Vec<SourceFile>, errors: &mut Vec<ConfigError>) -> Declarations {
    let mut collector = Collector {
        declarations: Declarations::default(),
        first_seen: BTreeMap::new(),
        errors,
    };
    for file in files {
        for structure in file.body {
            let structure = match structure.into_block() {
                Ok(block) => {
                    collector.block(&file.source, block);
                    continue;
                }
                Err(structure) => structure,
            };
            if let Some(attribute) = structure.as_attribute() {
                let location = Location::new(&file.source, attribute.key.span());
                collector.errors.push(ConfigError::UnknownAttribute {
                    name: attribute.key.to_string(),
                    block: "the top level of the file".to_string(),
                    src: location.src,
                    span: location.span,
                    help: Some(
                        "attributes belong inside a block; for a named value use `locals { ... }`"
                            .into(),
                    ),
                });
            }
        }
    }
    collector.declarations
}

struct Collector<'a> {
    declarations: Declarations,
    /// Where each block address or local name was first declared.
    first_seen: BTreeMap<String, Location>,
    errors: &'a mut Vec<ConfigError>,
}

impl Collector<'_> {
    /// Records `key`; reports it as a duplicate if it was already seen.
    fn is_new(&mut self, key: String, what: &str, location: Location, hint: &str) -> bool {
        if let Some(first) = self.first_seen.get(&key) {
            self.errors.push(ConfigError::Duplicate {
                what: what.to_string(),
                help: Some(format!("first declared at {}{hint}", first.describe())),
                src: location.src,
                span: location.span,
            });
            return false;
        }
        self.first_seen.insert(key, location);
        true
    }

    fn labels_are(
        &mut self,
        declaration: &BlockDeclaration,
        count: usize,
        expected: &str,
        example: &str,
    ) -> bool {
        if declaration.block.labels.len() == count {
            return true;
        }
        let location = declaration.header();
        self.errors.push(ConfigError::BlockLabels {
            block: declaration.block.ident.to_string(),
            expected: expected.to_string(),
            src: location.src,
            span: location.span,
            help: Some(format!("write `{example}`")),
        });
        false
    }

    fn name_is_valid(&mut self, declaration: &BlockDeclaration, index: usize) -> bool {
        let label = &declaration.block.labels[index];
        if is_valid_name(label.as_str()) {
            return true;
        }
        let location = declaration.at(label.span());
        self.errors.push(ConfigError::InvalidName {
            name: label.to_string(),
            src: location.src,
            span: location.span,
        });
        false
    }

    /// A connection-settings block (`pingfederate`, `pingone`): no labels, the given
    /// attributes, at most one per configuration. `None` when it is not the first.
    fn settings_block(
        &mut self,
        declaration: BlockDeclaration,
        fields: &[Field],
    ) -> Option<BlockDeclaration> {
        let name = declaration.block.ident.to_string();
        if !self.labels_are(&declaration, 0, "no labels", &format!("{name} {{ ... }}")) {
            return None;
        }
        check_attributes(
            &declaration,
            fields,
            &[],
            &[],
            &format!("the `{name}` block"),
            self.errors,
        );
        let header = declaration.header();
        self.is_new(
            name.clone(),
            &format!("`{name}` block"),
            header,
            "; a configuration has at most one",
        )
        .then_some(declaration)
    }

    fn block(&mut self, source: &Source, block: Block) {
        let declaration = BlockDeclaration {
            source: source.clone(),
            block,
        };
        let block = &declaration.block;
        match block.ident.as_str() {
            "pingfederate" => {
                if let Some(declaration) = self.settings_block(declaration, PINGFEDERATE_FIELDS) {
                    self.declarations.pingfederate = Some(declaration);
                }
            }
            "variable" => {
                if !self.labels_are(
                    &declaration,
                    1,
                    "one label, the variable name",
                    "variable \"NAME\" { ... }",
                ) || !self.name_is_valid(&declaration, 0)
                {
                    return;
                }
                let label = &block.labels[0];
                let name = label.as_str();
                let location = declaration.at(label.span());
                if self.is_new(
                    format!("var.{name}"),
                    &format!("variable `{name}`"),
                    location,
                    "",
                ) {
                    let parsed = variables::parse_declaration(
                        name,
                        block,
                        source,
                        label.span(),
                        self.errors,
                    );
                    self.declarations.variables.push(parsed);
                }
            }
            "locals" => {
                if !self.labels_are(&declaration, 0, "no labels", "locals { ... }") {
                    return;
                }
                for structure in block.body.iter() {
                    if let Some(inner) = structure.as_block() {
                        unexpected_block(&declaration, inner, "`locals`", None, self.errors);
                    }
                }
                for attribute in block.body.attributes() {
                    let name = attribute.key.to_string();
                    let location = declaration.at(attribute.key.span());
                    if self.is_new(
                        format!("local.{name}"),
                        &format!("local value `{name}`"),
                        location,
                        "",
                    ) {
                        self.declarations.locals.push(LocalDeclaration {
                            name,
                            source: source.clone(),
                            attribute: attribute.clone(),
                        });
                    }
                }
            }
            "datastore" => {
                if !self.labels_are(
                    &declaration,
                    2,
                    "two labels, the kind and the name",
                    "datastore \"jdbc\" \"NAME\" { ... }",
                ) {
                    return;
                }
                let kind_label = &block.labels[0];
                let Some(kind) = ResourceKind::from_kind_label(kind_label.as_str()) else {
                    let location = declaration.at(kind_label.span());
                    let kinds = ["jdbc", "ldap", "custom"];
                    self.errors.push(ConfigError::UnknownBlock {
                        name: format!("datastore \"{}\"", kind_label.as_str()),
                        src: location.src,
                        span: location.span,
                        help: did_you_mean(kind_label.as_str(), kinds).or_else(|| {
                            Some(format!("data store kinds are {}", list_names(kinds)))
                        }),
                    });
                    return;
                };
                if !self.name_is_valid(&declaration, 1) {
                    return;
                }
                let address = Address::new(kind, block.labels[1].as_str());
                let description = format!("`{}`", address.block_header());
                check_attributes(
                    &declaration,
                    kind.fields(),
                    &["id"],
                    &[],
                    &description,
                    self.errors,
                );
                let header = declaration.header();
                if self.is_new(
                    address.to_string(),
                    &format!("block `{address}`"),
                    header,
                    "",
                ) {
                    self.declarations.resources.push(ResourceDeclaration {
                        address,
                        declaration,
                    });
                }
            }
            "outbound_provisioning" => {
                if !self.labels_are(
                    &declaration,
                    0,
                    "no labels",
                    "outbound_provisioning { ... }",
                ) {
                    return;
                }
                let kind = ResourceKind::OutboundProvisioning;
                check_attributes(
                    &declaration,
                    kind.fields(),
                    &[],
                    &[],
                    "the `outbound_provisioning` block",
                    self.errors,
                );
                let header = declaration.header();
                if self.is_new(
                    "outbound_provisioning".into(),
                    "`outbound_provisioning` block",
                    header,
                    "; a configuration has at most one",
                ) {
                    let address = Address::singleton(kind);
                    self.declarations.resources.push(ResourceDeclaration {
                        address,
                        declaration,
                    });
                }
            }
            "pingone" => {
                if let Some(declaration) = self.settings_block(declaration, PINGONE_FIELDS) {
                    self.declarations.pingone = Some(declaration);
                }
            }
            "pingone_connection" | "provisioning_connection" => {
                let (kind, example) = if block.ident.as_str() == "pingone_connection" {
                    (
                        ResourceKind::PingOneConnection,
                        "pingone_connection \"NAME\" { ... }",
                    )
                } else {
                    (
                        ResourceKind::ProvisioningConnection,
                        "provisioning_connection \"NAME\" { ... }",
                    )
                };
                if !self.labels_are(&declaration, 1, "one label, the name", example)
                    || !self.name_is_valid(&declaration, 0)
                {
                    return;
                }
                let address = Address::new(kind, block.labels[0].as_str());
                let description = format!("`{}`", address.block_header());
                if kind == ResourceKind::PingOneConnection {
                    let fields = adjusted_fields(kind.fields(), &["name"], &[]);
                    check_attributes(
                        &declaration,
                        &fields,
                        &["id"],
                        &[],
                        &description,
                        self.errors,
                    );
                } else {
                    provisioning_connection::check_declaration(
                        &declaration,
                        &description,
                        self.errors,
                    );
                }
                let header = declaration.header();
                if self.is_new(
                    address.to_string(),
                    &format!("block `{address}`"),
                    header,
                    "",
                ) {
                    self.declarations.resources.push(ResourceDeclaration {
                        address,
                        declaration,
                    });
                }
            }
            "exclusion" => {
                if !self.labels_are(
                    &declaration,
                    1,
                    "one label, the name",
                    "exclusion \"NAME\" { ... }",
                ) || !self.name_is_valid(&declaration, 0)
                {
                    return;
                }
                let name = block.labels[0].to_string();
                let description = format!("`exclusion \"{name}\"`");
                check_attributes(
                    &declaration,
                    EXCLUSION_FIELDS,
                    &[],
                    &[],
                    &description,
                    self.errors,
                );
                exclusion::check_shape(&declaration, &description, self.errors);
                let header = declaration.header();
                if self.is_new(
                    format!("exclusion.{name}"),
                    &format!("exclusion `{name}`"),
                    header,
                    "",
                ) {
                    self.declarations
                        .exclusions
                        .push(ExclusionDeclaration { name, declaration });
                }
            }
            other => {
                let location = declaration.at(block.ident.span());
                self.errors.push(ConfigError::UnknownBlock {
                    name: other.to_string(),
                    src: location.src,
                    span: location.span,
                    help: did_you_mean(other, BLOCK_TYPES)
                        .or_else(|| Some(format!("block types are {}", list_names(BLOCK_TYPES)))),
                });
            }
        }
    }
}

fn unexpected_block(
    declaration: &BlockDeclaration,
    inner: &Block,
    description: &str,
    help: Option<String>,
    errors: &mut Vec<ConfigError>,
) {
    let location = declaration.at(inner.ident.span());
    errors.push(ConfigError::UnexpectedBlock {
        name: inner.ident.to_string(),
        block: description.to_string(),
        src: location.src,
        span: location.span,
        help,
    });
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
            unexpected_block(declaration, inner, description, help, errors);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::files::parse_file;

    fn collect_text(text: &str) -> (Declarations, Vec<String>) {
        let mut errors = Vec::new();
        let file = parse_file("main.hcl", text, &mut errors).unwrap();
        let declarations = collect(vec![file], &mut errors);
        (
            declarations,
            errors.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn names_are_identifiers() {
        assert!(is_valid_name("corp_directory-2"));
        assert!(!is_valid_name("2fast"));
        assert!(!is_valid_name("has space"));
        assert!(!is_valid_name("dotted.name"));
    }

    #[test]
    fn unknown_attributes_get_a_suggestion() {
        let (_, errors) = collect_text(
            "datastore \"jdbc\" \"db\" {\n  driver_class = \"x\"\n  conection_url = \"y\"\n}\n",
        );
        assert_eq!(
            errors,
            ["unknown attribute `conection_url` in `datastore \"jdbc\" \"db\"`"]
        );
    }

    #[test]
    fn blocks_are_sorted_into_declarations() {
        let (declarations, errors) = collect_text(
            "variable \"a\" {}\nlocals {\n  b = 1\n}\ndatastore \"ldap\" \"l\" {\n  ldap_type = \"GENERIC\"\n}\noutbound_provisioning {\n  datastore = \"ProvisionerDS\"\n}\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(declarations.variables.len(), 1);
        assert_eq!(declarations.locals.len(), 1);
        let addresses: Vec<String> = declarations
            .resources
            .iter()
            .map(|r| r.address.to_string())
            .collect();
        assert_eq!(addresses, ["datastore.ldap.l", "outbound_provisioning"]);
    }
}
