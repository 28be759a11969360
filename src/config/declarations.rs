//! Sorting the blocks of every file into declarations: block types, labels, block
//! names, duplicate blocks and local names.
//!
//! Owns the list of block types (the settings blocks, `variable`, `locals`,
//! `exclusion`, one block type per resource kind from the kind registry, and the
//! state directives `import`, `removed` and `moved`) and which labels each takes. It must not check attributes (`shape` does) or evaluate
//! expressions.

use std::collections::BTreeMap;

use hcl::edit::Span;
use hcl::edit::structure::{Attribute, Block};

use crate::model::{Address, ResourceKind};

use super::block::{BlockDeclaration, ResourceDeclaration, is_valid_name};
use super::diagnostic::{ConfigError, Location, Source, did_you_mean, list_names};
use super::directives::{DIRECTIVE_BLOCKS, DirectiveDeclaration, DirectiveKind};
use super::exclusion::ExclusionDeclaration;
use super::files::SourceFile;
use super::variables::{self, VariableDeclaration};

/// The block types that are not resources, before and after the resource ones in
/// messages.
const SETTINGS_BLOCKS: [&str; 5] = ["pingfederate", "pingone", "state", "variable", "locals"];
const EXCLUSION_BLOCK: &str = "exclusion";

/// Every block type a configuration may have.
fn block_types() -> Vec<&'static str> {
    let mut types: Vec<&'static str> = SETTINGS_BLOCKS.to_vec();
    types.extend(ResourceKind::block_types());
    types.push(EXCLUSION_BLOCK);
    types.extend(DIRECTIVE_BLOCKS.iter().map(|(name, _)| *name));
    types
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
    /// `state { url = "..." }`: where the state lives.
    pub state: Option<BlockDeclaration>,
    pub exclusions: Vec<ExclusionDeclaration>,
    /// `import`, `removed` and `moved` blocks, in file order.
    pub directives: Vec<DirectiveDeclaration>,
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

    /// A connection-settings block (`pingfederate`, `pingone`): no labels, at most one
    /// per configuration. `None` when it is not the first.
    fn settings_block(&mut self, declaration: BlockDeclaration) -> Option<BlockDeclaration> {
        let name = declaration.block.ident.to_string();
        if !self.labels_are(&declaration, 0, "no labels", &format!("{name} {{ ... }}")) {
            return None;
        }
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
                if let Some(declaration) = self.settings_block(declaration) {
                    self.declarations.pingfederate = Some(declaration);
                }
            }
            "pingone" => {
                if let Some(declaration) = self.settings_block(declaration) {
                    self.declarations.pingone = Some(declaration);
                }
            }
            "state" => {
                if let Some(declaration) = self.settings_block(declaration) {
                    self.declarations.state = Some(declaration);
                }
            }
            "variable" => self.variable(source, &declaration),
            "locals" => self.locals(source, &declaration),
            EXCLUSION_BLOCK => {
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
            other if ResourceKind::block_types().contains(&other) => {
                self.resource(declaration);
            }
            other if DirectiveKind::from_block(other).is_some() => {
                let Some(kind) = DirectiveKind::from_block(other) else {
                    return;
                };
                if self.labels_are(&declaration, 0, "no labels", kind.example()) {
                    self.declarations
                        .directives
                        .push(DirectiveDeclaration { kind, declaration });
                }
            }
            other => {
                let location = declaration.at(block.ident.span());
                let types = block_types();
                self.errors.push(ConfigError::UnknownBlock {
                    name: other.to_string(),
                    src: location.src,
                    span: location.span,
                    help: did_you_mean(other, types.iter().copied()).or_else(|| {
                        Some(format!(
                            "block types are {}",
                            list_names(types.iter().copied())
                        ))
                    }),
                });
            }
        }
    }

    fn variable(&mut self, source: &Source, declaration: &BlockDeclaration) {
        if !self.labels_are(
            declaration,
            1,
            "one label, the variable name",
            "variable \"NAME\" { ... }",
        ) || !self.name_is_valid(declaration, 0)
        {
            return;
        }
        let block = &declaration.block;
        let label = &block.labels[0];
        let name = label.as_str();
        let location = declaration.at(label.span());
        if self.is_new(
            format!("var.{name}"),
            &format!("variable `{name}`"),
            location,
            "",
        ) {
            let parsed =
                variables::parse_declaration(name, block, source, label.span(), self.errors);
            self.declarations.variables.push(parsed);
        }
    }

    fn locals(&mut self, source: &Source, declaration: &BlockDeclaration) {
        if !self.labels_are(declaration, 0, "no labels", "locals { ... }") {
            return;
        }
        let block = &declaration.block;
        for structure in block.body.iter() {
            if let Some(inner) = structure.as_block() {
                self.errors
                    .push(declaration.unexpected(inner, "`locals`", None));
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

    /// A resource block: `TYPE ["KIND"] ["NAME"]`, as its kind says.
    fn resource(&mut self, declaration: BlockDeclaration) {
        let block = &declaration.block;
        let block_type = block.ident.as_str();
        let labelled = ResourceKind::has_kind_label(block_type);
        let singleton =
            ResourceKind::from_block(block_type, None).is_some_and(ResourceKind::is_singleton);
        let (count, expected, example) = match (labelled, singleton) {
            (true, _) => {
                let first = ResourceKind::kind_labels(block_type)
                    .first()
                    .copied()
                    .unwrap_or("KIND");
                (
                    2,
                    "two labels, the kind and the name",
                    format!("{block_type} \"{first}\" \"NAME\" {{ ... }}"),
                )
            }
            (false, true) => (0, "no labels", format!("{block_type} {{ ... }}")),
            (false, false) => (
                1,
                "one label, the name",
                format!("{block_type} \"NAME\" {{ ... }}"),
            ),
        };
        if !self.labels_are(&declaration, count, expected, &example) {
            return;
        }
        let label = labelled.then(|| &block.labels[0]);
        let Some(kind) = ResourceKind::from_block(block_type, label.map(|l| l.as_str())) else {
            let label = label.map(|l| (l.as_str(), l.span())).unwrap_or_default();
            let location = declaration.at(label.1);
            let kinds = ResourceKind::kind_labels(block_type);
            let noun = ResourceKind::ALL
                .into_iter()
                .find(|kind| kind.block_type() == block_type)
                .map_or("block", |kind| kind.collection().noun());
            self.errors.push(ConfigError::UnknownBlock {
                name: format!("{block_type} \"{}\"", label.0),
                src: location.src,
                span: location.span,
                help: did_you_mean(label.0, kinds.iter().copied()).or_else(|| {
                    Some(format!(
                        "{noun} kinds are {}",
                        list_names(kinds.iter().copied())
                    ))
                }),
            });
            return;
        };
        let address = if singleton {
            Address::singleton(kind)
        } else {
            if !self.name_is_valid(&declaration, count - 1) {
                return;
            }
            Address::new(kind, block.labels[count - 1].as_str())
        };
        let header = declaration.header();
        let (what, hint) = if singleton {
            (
                format!("`{address}` block"),
                "; a configuration has at most one",
            )
        } else {
            (format!("block `{address}`"), "")
        };
        if self.is_new(address.to_string(), &what, header, hint) {
            self.declarations.resources.push(ResourceDeclaration {
                address,
                declaration,
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
    fn unknown_block_types_and_kinds_get_a_suggestion() {
        let (_, errors) = collect_text(
            "datastor \"jdbc\" \"db\" {}\ndatastore \"jbdc\" \"db\" {}\noutbound_provisioning \"x\" {}\n",
        );
        assert_eq!(
            errors,
            [
                "unknown block type `datastor`",
                "unknown block type `datastore \"jbdc\"`",
                "`outbound_provisioning` block has the wrong labels: expected no labels",
            ]
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
