//! The state directives: `import { to, id }`, `removed { from }` and `moved { from,
//! to }` at the top level, and `lifecycle { prevent_destroy }` inside a resource block.
//!
//! Owns their attribute tables; reading an address written as a bare traversal
//! (`datastore.ldap.corp`, `outbound_provisioning`); the rules that tie them to the
//! declared blocks and to the ids the state records (an `import` names a declared block
//! and that block's id; `removed` and a move's old address name no declared block; a
//! move keeps the kind; a block without `id` keeps the id the state records for its
//! address, or for the address it moved from); and building the model's directives.
//! It must not plan: what a directive does to PingFederate and the state is decided in
//! `plan`.

use std::collections::BTreeMap;

use hcl::edit::Span;
use hcl::edit::expr::{Expression, TraversalOperator};
use serde_json::Value as Json;

use crate::model::field::setting;
use crate::model::{
    Address, DesiredResource, Field, FieldType, ImportTarget, Lifecycle, Removal, Rename,
    SINGLETON_ID,
};

use super::attribute::AttributeEvaluator;
use super::block::{BlockDeclaration, ResourceDeclaration};
use super::diagnostic::{ConfigError, Location};
use super::field_value::FieldValue;

/// The block inside a resource block that holds `prevent_destroy`.
pub const LIFECYCLE_BLOCK: &str = "lifecycle";

/// The attributes of a `lifecycle` block.
pub const LIFECYCLE_FIELDS: &[Field] = &[setting("prevent_destroy", FieldType::Bool, false)];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind {
    Import,
    Removed,
    Moved,
}

/// The top-level directive blocks, by block type.
pub const DIRECTIVE_BLOCKS: &[(&str, DirectiveKind)] = &[
    ("import", DirectiveKind::Import),
    ("removed", DirectiveKind::Removed),
    ("moved", DirectiveKind::Moved),
];

// `to` and `from` are addresses, not strings; the type here only serves the unknown
// attribute check, and `read_address` reads them.
const IMPORT_FIELDS: &[Field] = &[
    setting("to", FieldType::String, false),
    setting("id", FieldType::String, false),
];
const REMOVED_FIELDS: &[Field] = &[setting("from", FieldType::String, false)];
const MOVED_FIELDS: &[Field] = &[
    setting("from", FieldType::String, false),
    setting("to", FieldType::String, false),
];

impl DirectiveKind {
    pub fn from_block(name: &str) -> Option<DirectiveKind> {
        DIRECTIVE_BLOCKS
            .iter()
            .find(|(block, _)| *block == name)
            .map(|(_, kind)| *kind)
    }

    pub fn block(self) -> &'static str {
        DIRECTIVE_BLOCKS
            .iter()
            .find(|(_, kind)| *kind == self)
            .map_or("", |(block, _)| block)
    }

    /// How the block is written, for hints.
    pub fn example(self) -> &'static str {
        match self {
            DirectiveKind::Import => "import { to = datastore.ldap.NAME  id = \"ID\" }",
            DirectiveKind::Removed => "removed { from = datastore.ldap.NAME }",
            DirectiveKind::Moved => "moved { from = datastore.ldap.OLD  to = datastore.ldap.NEW }",
        }
    }

    pub fn fields(self) -> &'static [Field] {
        match self {
            DirectiveKind::Import => IMPORT_FIELDS,
            DirectiveKind::Removed => REMOVED_FIELDS,
            DirectiveKind::Moved => MOVED_FIELDS,
        }
    }

    /// The attributes that hold an address and must be there.
    pub fn addresses(self) -> &'static [&'static str] {
        match self {
            DirectiveKind::Import => &["to"],
            DirectiveKind::Removed => &["from"],
            DirectiveKind::Moved => &["from", "to"],
        }
    }
}

pub struct DirectiveDeclaration {
    pub kind: DirectiveKind,
    pub declaration: BlockDeclaration,
}

impl DirectiveDeclaration {
    pub fn description(&self) -> String {
        format!("the `{}` block", self.kind.block())
    }
}

/// The directives once their addresses are read and checked against the declared
/// blocks and the recorded ids; `import` ids are evaluated later, with the resources.
#[derive(Default)]
pub struct Directives<'a> {
    imports: Vec<(Address, &'a DirectiveDeclaration)>,
    pub removed: BTreeMap<Address, Removal>,
    pub moved: BTreeMap<Address, Rename>,
}

/// The ids the state records, by address: a block that declares no `id` keeps the one
/// recorded for its address, or for the address a `moved` block moves it from.
pub struct KeptIds<'a> {
    recorded: &'a BTreeMap<Address, String>,
    moved: &'a BTreeMap<Address, Rename>,
}

impl<'a> KeptIds<'a> {
    pub fn new(recorded: &'a BTreeMap<Address, String>, directives: &'a Directives) -> Self {
        KeptIds {
            recorded,
            moved: &directives.moved,
        }
    }

    /// The id a block without an `id` attribute keeps, if the state records one.
    pub fn for_block(&self, address: &Address) -> Option<&'a str> {
        self.recorded
            .get(address)
            .or_else(|| {
                let rename = self.moved.get(address)?;
                self.recorded.get(&rename.from)
            })
            .map(String::as_str)
    }
}

/// Reads an address written as a bare traversal: `datastore.ldap.corp`,
/// `outbound_provisioning`.
fn read_address(expression: &Expression) -> Result<Address, (String, Option<String>)> {
    let text = match expression {
        Expression::Variable(name) => name.as_str().to_string(),
        Expression::Traversal(traversal) => {
            let Expression::Variable(root) = &traversal.expr else {
                return Err(("it does not start with a block type".into(), None));
            };
            let mut text = root.as_str().to_string();
            for operator in &traversal.operators {
                match operator.value() {
                    TraversalOperator::GetAttr(name) => {
                        text.push('.');
                        text.push_str(name.as_str());
                    }
                    _ => {
                        return Err(("only `.NAME` steps may follow the block type".into(), None));
                    }
                }
            }
            text
        }
        Expression::String(text) => {
            return Err((
                format!("\"{}\" is a string", text.value()),
                Some(format!(
                    "write the address without quotes: `{}`",
                    text.value()
                )),
            ));
        }
        _ => {
            return Err((
                "it is not a traversal like `datastore.ldap.NAME`".into(),
                None,
            ));
        }
    };
    text.parse::<Address>()
        .map_err(|error| (error.to_string(), None))
}

/// The address in `attribute` of a directive block, or an error placed on it.
fn address_in(
    directive: &DirectiveDeclaration,
    attribute: &str,
    errors: &mut Vec<ConfigError>,
) -> Option<(Address, Location)> {
    let found = directive.declaration.attribute(attribute)?;
    let location = directive.declaration.at(found.value.span());
    match read_address(&found.value) {
        Ok(address) => Some((address, location)),
        Err((problem, help)) => {
            errors.push(ConfigError::DirectiveAddress {
                block: directive.kind.block().into(),
                attribute: attribute.into(),
                problem,
                src: location.src,
                span: location.span,
                help,
            });
            None
        }
    }
}

/// Reads every directive's addresses and checks them against the declared blocks and
/// the ids the state records.
pub fn read<'a>(
    directives: &'a [DirectiveDeclaration],
    resources: &[ResourceDeclaration],
    recorded: &BTreeMap<Address, String>,
    errors: &mut Vec<ConfigError>,
) -> Directives<'a> {
    let declared = |address: &Address| resources.iter().any(|r| &r.address == address);
    let mut read = Directives::default();
    let mut first: BTreeMap<(&str, Address), Location> = BTreeMap::new();
    let mut unique = |kind: &'static str,
                      address: &Address,
                      location: &Location,
                      errors: &mut Vec<ConfigError>| {
        if let Some(earlier) = first.get(&(kind, address.clone())) {
            errors.push(ConfigError::Duplicate {
                what: format!("`{kind}` for {address}"),
                src: location.src.clone(),
                span: location.span,
                help: Some(format!("first declared at {}", earlier.describe())),
            });
            return false;
        }
        first.insert((kind, address.clone()), location.clone());
        true
    };
    for directive in directives {
        match directive.kind {
            DirectiveKind::Import => {
                let Some((to, location)) = address_in(directive, "to", errors) else {
                    continue;
                };
                if !declared(&to) {
                    errors.push(ConfigError::ImportUndeclared {
                        address: to.to_string(),
                        src: location.src,
                        span: location.span,
                        help: Some(format!(
                            "declare the `{}` block that describes the object; `pingform import` writes one from the live object",
                            to.block_header()
                        )),
                    });
                    continue;
                }
                if unique("import", &to, &location, errors) {
                    read.imports.push((to, directive));
                }
            }
            DirectiveKind::Removed => {
                let Some((from, location)) = address_in(directive, "from", errors) else {
                    continue;
                };
                if declared(&from) {
                    errors.push(ConfigError::RemovedDeclared {
                        address: from.to_string(),
                        src: location.src,
                        span: location.span,
                    });
                    continue;
                }
                if unique("removed", &from, &location, errors) {
                    read.removed.insert(
                        from.clone(),
                        Removal {
                            from,
                            declared_at: location.place(),
                        },
                    );
                }
            }
            DirectiveKind::Moved => {
                let from = address_in(directive, "from", errors);
                let to = address_in(directive, "to", errors);
                let (Some((from, from_at)), Some((to, to_at))) = (from, to) else {
                    continue;
                };
                if let Some(error) = check_move(&from, &from_at, &to, &to_at, declared, recorded) {
                    errors.push(error);
                    continue;
                }
                if unique("moved from", &from, &from_at, errors)
                    && unique("moved to", &to, &to_at, errors)
                {
                    read.moved.insert(
                        to.clone(),
                        Rename {
                            from,
                            to,
                            declared_at: directive.declaration.header().place(),
                        },
                    );
                }
            }
        }
    }
    read
}

/// What is wrong with moving `from` to `to`, if anything.
fn check_move(
    from: &Address,
    from_at: &Location,
    to: &Address,
    to_at: &Location,
    declared: impl Fn(&Address) -> bool,
    recorded: &BTreeMap<Address, String>,
) -> Option<ConfigError> {
    let error = |at: &Location, problem: String, label: &str, help: Option<String>| {
        Some(ConfigError::Moved {
            problem,
            src: at.src.clone(),
            span: at.span,
            label: label.into(),
            help,
        })
    };
    if from.kind() != to.kind() {
        return error(
            to_at,
            format!(
                "cannot change the kind of an object: {from} is {}, {to} is {}",
                crate::model::suggest::with_article(from.kind().describe()),
                crate::model::suggest::with_article(to.kind().describe())
            ),
            "another kind",
            Some("PingFederate cannot change an object's kind; declare the new block and let pingform replace the object".into()),
        );
    }
    if from == to {
        return error(
            to_at,
            format!("moves {from} to itself"),
            "the same address",
            None,
        );
    }
    if declared(from) {
        return error(
            from_at,
            format!("moves {from}, which the configuration still declares"),
            "still declared",
            Some(format!(
                "rename the block of {from} to the new address instead of keeping both"
            )),
        );
    }
    if !declared(to) {
        return error(
            to_at,
            format!("moves to {to}, which the configuration does not declare"),
            "no such block",
            Some(format!(
                "rename the block of {from} to `{}`",
                to.block_header()
            )),
        );
    }
    if recorded.contains_key(from) && recorded.contains_key(to) {
        return error(
            to_at,
            format!("moves {from} to {to}, but the state manages both"),
            "already managed",
            Some(format!(
                "forget one of them first (`pingform state rm {from}`), or drop this `moved` block"
            )),
        );
    }
    None
}

/// The `import` blocks with their ids evaluated and checked against the blocks' ids,
/// and the `lifecycle` of every resource that declares one.
pub fn finish(
    directives: &Directives,
    declarations: &[ResourceDeclaration],
    resources: &[DesiredResource],
    recorded: &BTreeMap<Address, String>,
    evaluator: &AttributeEvaluator,
    errors: &mut Vec<ConfigError>,
) -> (
    BTreeMap<Address, ImportTarget>,
    BTreeMap<Address, Lifecycle>,
) {
    let mut imports = BTreeMap::new();
    for (to, directive) in &directives.imports {
        let Some(resource) = resources.iter().find(|r| &r.address == to) else {
            // The block did not evaluate: its own errors say why.
            continue;
        };
        let declaration = &directive.declaration;
        let id = match declaration.attribute("id") {
            Some(attribute) => {
                let location = declaration.at(attribute.value.span());
                if to.kind().is_singleton() {
                    errors.push(ConfigError::InvalidValue {
                        attribute: "id".into(),
                        message: format!("{to} is a single object without an id"),
                        src: location.src,
                        span: location.span,
                        help: Some(format!("write `import {{ to = {to} }}`")),
                    });
                    continue;
                }
                let field = &IMPORT_FIELDS[1];
                match evaluator.evaluate(&declaration.source, attribute, field, errors) {
                    Some(FieldValue::Plain(Json::String(id))) => (id, location),
                    _ => continue,
                }
            }
            None if to.kind().is_singleton() => (SINGLETON_ID.to_string(), declaration.header()),
            None => {
                let location = declaration.header();
                errors.push(ConfigError::MissingAttribute {
                    name: "id".into(),
                    block: "the `import` block".into(),
                    src: location.src,
                    span: location.span,
                    help: Some(format!(
                        "write the PingFederate id of the object to import into {to}: `id = \"{}\"`",
                        resource.id
                    )),
                });
                continue;
            }
        };
        let (id, location) = id;
        if id != resource.id {
            let block = declarations.iter().find(|d| &d.address == to);
            let explicit = block.is_some_and(|d| d.declaration.attribute("id").is_some());
            let help = if explicit {
                format!(
                    "the block declares `id = \"{}\"`; make the two the same",
                    resource.id
                )
            } else {
                format!(
                    "add `id = \"{id}\"` to the `{}` block: without it, the block's id is its name",
                    to.block_header()
                )
            };
            errors.push(ConfigError::ImportIdMismatch {
                address: to.to_string(),
                import_id: id,
                block_id: resource.id.clone(),
                src: location.src,
                span: location.span,
                help: Some(help),
            });
            continue;
        }
        imports.insert(
            to.clone(),
            ImportTarget {
                to: to.clone(),
                id,
                declared_at: declaration.header().place(),
            },
        );
    }
    // A moved object keeps its id: a block that declares another one names another
    // object.
    for rename in directives.moved.values() {
        let (Some(old), Some(resource)) = (
            recorded.get(&rename.from),
            resources.iter().find(|r| r.address == rename.to),
        ) else {
            continue;
        };
        if resource.id == *old {
            continue;
        }
        let declared = declarations
            .iter()
            .find(|d| d.address == rename.to)
            .and_then(|d| {
                d.declaration
                    .attribute("id")
                    .map(|a| d.declaration.at(a.value.span()))
            });
        if let Some(location) = declared {
            errors.push(ConfigError::Moved {
                problem: format!(
                    "moves {} (id `{old}`) to {}, whose block declares the id `{}`",
                    rename.from, rename.to, resource.id
                ),
                src: location.src,
                span: location.span,
                label: "another id".into(),
                help: Some(format!(
                    "a moved object keeps its id: remove `id` from the block, or set it to \"{old}\""
                )),
            });
        }
    }
    let mut lifecycle = BTreeMap::new();
    for declaration in declarations {
        let Some(block) = declaration
            .declaration
            .nested(LIFECYCLE_BLOCK)
            .into_iter()
            .next()
        else {
            continue;
        };
        let Some(attribute) = block.attribute("prevent_destroy") else {
            continue;
        };
        let field = &LIFECYCLE_FIELDS[0];
        if let Some(FieldValue::Plain(Json::Bool(prevent_destroy))) =
            evaluator.evaluate(&block.source, attribute, field, errors)
        {
            lifecycle.insert(
                declaration.address.clone(),
                Lifecycle {
                    prevent_destroy,
                    declared_at: block.at(attribute.span()).place(),
                },
            );
        }
    }
    (imports, lifecycle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> Result<String, String> {
        let expression = hcl::edit::parser::parse_expr(text).unwrap();
        read_address(&expression)
            .map(|a| a.to_string())
            .map_err(|(problem, _)| problem)
    }

    #[test]
    fn addresses_are_bare_traversals() {
        assert_eq!(
            address("datastore.ldap.corp").as_deref(),
            Ok("datastore.ldap.corp")
        );
        assert_eq!(
            address("outbound_provisioning").as_deref(),
            Ok("outbound_provisioning")
        );
        assert_eq!(
            address("provisioning_connection.hr").as_deref(),
            Ok("provisioning_connection.hr")
        );
        assert_eq!(
            address("\"datastore.ldap.corp\""),
            Err("\"datastore.ldap.corp\" is a string".into())
        );
        assert!(address("datastore.ldap").is_err());
        assert!(address("datastore.ldap.corp[0]").is_err());
    }
}
