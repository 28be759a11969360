//! The shape of a kind descriptor: everything pingform knows about one kind of object,
//! as data plus optional hooks, the way Terraform's plugin framework pairs a schema with
//! `ValidateConfig` / `ModifyPlan` hooks. Each kind fills one in, in a file of its own
//! under `kinds/`; configuration, the wire codec, the plan and the renderers read it.
//!
//! Pure data and pure functions: no I/O.

use serde_json::Value;

use super::field::{Field, FieldDefault, FieldType};
use super::{Attributes, Collection, ResourceKind};

/// How a kind is written, read, stored and shown.
#[derive(Debug)]
pub struct KindDescriptor {
    pub kind: ResourceKind,
    /// The HCL block type: `datastore`, `outbound_provisioning`.
    pub block_type: &'static str,
    /// The first label of block types several kinds share: `jdbc` in
    /// `datastore "jdbc" "NAME"`.
    pub label: Option<&'static str>,
    /// A short human name: "JDBC data store".
    pub describe: &'static str,
    /// The API collection its objects live in, which is also their id space.
    pub collection: Collection,
    /// JSON paths and values that identify the kind within its collection (`type =
    /// JDBC`); an object of the collection that matches no kind is foreign. Written on
    /// every create.
    pub identity: &'static [(&'static [&'static str], &'static str)],
    /// Further constant values written on create (`connectionTargetType = STANDARD`).
    pub constants: &'static [(&'static [&'static str], &'static str)],
    /// `name` defaults to the block name (else the server computes it, or the kind
    /// requires it).
    pub name_from_block: bool,
    pub fields: &'static [Field],
    /// Groups of fields of which at least one must be declared.
    pub one_of: &'static [(&'static str, &'static str)],
    /// Writes carry every field's fixed default when the field is not declared (the
    /// PingOne connector wants every target setting and every channel setting).
    pub send_defaults: bool,
    pub delete: DeleteStrategy,
    pub hooks: Hooks,
}

/// How an object of the kind goes away.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DeleteStrategy {
    /// `DELETE` on the object.
    Delete,
    /// PingFederate deletes only inactive objects: a `PUT` with `active = false`
    /// first when it is active.
    DeactivateThenDelete,
    /// A singleton cannot be deleted: a `PUT` puts these values back.
    Reset(&'static [(&'static str, FieldDefault)]),
}

impl DeleteStrategy {
    /// The attributes a `Reset` puts back.
    pub fn reset_attributes(self) -> Option<Attributes> {
        let DeleteStrategy::Reset(values) = self else {
            return None;
        };
        Some(
            values
                .iter()
                .filter_map(|(name, default)| Some((name.to_string(), default.value()?)))
                .collect(),
        )
    }
}

/// Checks a kind adds to the generic ones its field table implies.
#[derive(Debug, Default)]
pub struct Hooks {
    /// Configuration checks on the evaluated, declared attributes of one object.
    pub check: Option<fn(&Attributes, &mut Vec<Finding>)>,
}

/// Where in a block a finding points: an attribute of the block or of one of its
/// nested blocks, and a path inside the attribute's value.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingPath {
    /// A nested block, by block type and label (`channel "employees"`).
    pub block: Option<(&'static str, String)>,
    pub attribute: String,
    /// Keys and indices inside the value.
    pub inside: Vec<PathStep>,
    /// For a string value, the character (0-based) the problem is at.
    pub character: Option<usize>,
}

/// One step into a nested value.
#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    Index(usize),
    Key(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A problem a kind's own check found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    pub path: FindingPath,
    pub problem: KindProblem,
}

/// The problems kinds' checks report, as data: configuration words them (with the
/// diagnostics of the generic checks) and places them in the source.
#[derive(Debug, Clone, PartialEq)]
pub enum KindProblem {
    /// A value that must be an RFC 4515 filter is not one.
    InvalidFilter {
        /// The parser's message.
        message: String,
        /// What it expected and found at the character the path names.
        expected_found: String,
    },
    /// A required entry is missing from a value (`username` in an attribute mapping).
    MissingEntry {
        name: String,
        /// Where, in words: "the `attribute_mapping` of channel `employees`".
        within: String,
        help: String,
    },
    /// A key of a map that the kind does not know; a warning, since PingOne
    /// environments can have custom attributes.
    UnknownMappingField { name: String, help: String },
}

impl KindDescriptor {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Whether a wire object belongs to this kind (its identity values match).
    pub fn identifies(&self, object: &Value) -> bool {
        self.identity.iter().all(|(path, value)| {
            let mut at = object;
            for key in *path {
                match at.get(*key) {
                    Some(inner) => at = inner,
                    None => return false,
                }
            }
            at.as_str() == Some(*value)
        })
    }

    /// The nested blocks of this kind (`channel` of a provisioning connection).
    pub fn nested_blocks(
        &self,
    ) -> impl Iterator<Item = (&'static Field, &'static super::NestedBlocks)> {
        self.fields.iter().filter_map(|field| match field.ty {
            FieldType::Blocks(nested) => Some((field, nested)),
            _ => None,
        })
    }
}
