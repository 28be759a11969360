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
    /// The part of a larger object the kind manages (`outboundProvision` of an SP
    /// connection that may also carry SSO): an object of the collection without it is
    /// of this kind with its part missing (adding it is an update); one whose part is of
    /// another type is foreign.
    pub part: Option<&'static [&'static str]>,
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
    /// The kind manages a part of a larger object: when the object carries any of these
    /// other parts (SSO), a `PUT` without the kind's part removes only it; otherwise
    /// the object goes as with `DeactivateThenDelete`.
    RemovePartOrDelete { others: &'static [&'static str] },
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
    /// Checks of one object's declared attributes on their own (validate time).
    pub check: Option<Check>,
    /// Checks against the objects it refers to: at validate time with the declared
    /// objects, at plan time with the live ones too.
    pub cross_check: Option<CrossCheck>,
}

/// A check of one object's declared attributes.
pub type Check = fn(&Attributes, &mut Vec<Finding>);

/// A check of one object's declared attributes against the objects it refers to.
pub type CrossCheck = fn(&Attributes, &dyn Lookup, &mut Vec<Finding>);

impl Hooks {
    /// A kind that needs nothing beyond its field table.
    pub const NONE: Hooks = Hooks {
        check: None,
        cross_check: None,
    };
}

/// Objects a cross check may look at, by collection and id.
pub trait Lookup {
    fn get(&self, collection: Collection, id: &str) -> Option<(ResourceKind, &Attributes)>;
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
    /// A required entry PingOne needs (username, email, a population).
    MissingPingOneField {
        channel: String,
        field: &'static str,
        help: String,
    },
    /// Two attributes that say the same thing in two ways.
    Conflicting {
        first: String,
        second: String,
        help: String,
    },
    /// Outbound provisioning keeps its state in the built-in HSQLDB store.
    HsqldbProvisioner { store: String },
    /// An Active Directory source store with several hosts (or DNS SRV discovery).
    ActiveDirectoryHosts {
        channel: String,
        store: String,
        hosts: String,
    },
    /// A binary GUID attribute the source store does not list as binary.
    GuidNotBinaryAttribute {
        channel: String,
        store: String,
        attribute: String,
    },
}

impl KindProblem {
    /// The message of a problem no generic diagnostic words (cross-object ones,
    /// which the plan also reports).
    pub fn message(&self) -> String {
        match self {
            KindProblem::InvalidFilter { message, .. } => message.clone(),
            KindProblem::MissingEntry { name, within, .. } => {
                format!("missing `{name}` in {within}")
            }
            KindProblem::UnknownMappingField { name, .. } => {
                format!("`{name}` is not a PingOne attribute mapping field that pingform knows")
            }
            KindProblem::MissingPingOneField { channel, field, .. } => format!(
                "channel `{channel}` maps no `{field}`, which PingOne requires of every user"
            ),
            KindProblem::Conflicting { first, second, .. } => {
                format!("`{first}` and `{second}` cannot both be set")
            }
            KindProblem::HsqldbProvisioner { store } => format!(
                "outbound provisioning keeps its state in `{store}`, PingFederate's built-in HSQLDB database, which Ping supports for trials only"
            ),
            KindProblem::ActiveDirectoryHosts {
                channel,
                store,
                hosts,
            } => format!(
                "channel `{channel}` reads from the Active Directory store `{store}`, which has {hosts}: PingFederate may miss changes"
            ),
            KindProblem::GuidNotBinaryAttribute {
                channel,
                store,
                attribute,
            } => format!(
                "channel `{channel}` reads `{attribute}` as a binary GUID, but the store `{store}` does not list it in `binary_attributes`"
            ),
        }
    }

    /// What to do about it.
    pub fn help(&self) -> Option<String> {
        match self {
            KindProblem::InvalidFilter { .. } => None,
            KindProblem::MissingEntry { help, .. }
            | KindProblem::UnknownMappingField { help, .. }
            | KindProblem::MissingPingOneField { help, .. }
            | KindProblem::Conflicting { help, .. } => Some(help.clone()),
            KindProblem::HsqldbProvisioner { .. } => Some(
                "point `datastore` at a JDBC store on an external database (\"Configuring outbound provisioning settings\": use HSQLDB only for trial or training environments; it breaks in a cluster)".into(),
            ),
            KindProblem::ActiveDirectoryHosts { .. } => Some(
                "Ping's \"Modifying source settings\": with Active Directory as the provisioning source, configure one host only; update sequence numbers are kept per domain controller".into(),
            ),
            KindProblem::GuidNotBinaryAttribute { attribute, .. } => Some(format!(
                "add \"{attribute}\" to the store's `binary_attributes` (\"Modifying source settings\": a binary GUID attribute must be a binary attribute of the store)"
            )),
        }
    }
}

impl KindDescriptor {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Whether the object lacks the kind's part (`outboundProvision`).
    pub fn part_missing(&self, object: &Value) -> bool {
        self.part.is_some_and(|path| {
            let mut at = object;
            for key in path {
                match at.get(*key) {
                    Some(inner) if !inner.is_null() => at = inner,
                    _ => return true,
                }
            }
            false
        })
    }

    /// For `RemovePartOrDelete`: whether a removal keeps the object and takes only the
    /// kind's part (the object carries one of the other parts).
    pub fn removal_keeps_object(&self, object: &Value) -> bool {
        match self.delete {
            DeleteStrategy::RemovePartOrDelete { others } => others
                .iter()
                .any(|key| object.get(*key).is_some_and(|part| !part.is_null())),
            _ => false,
        }
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
