//! One field of a block: its HCL name, its type, what the server does when it is left
//! out, and where it lives in PingFederate's JSON (a typed wire path).
//!
//! Configuration checks (unknown attribute, wrong type, missing required), the wire
//! codec in the provider and the normalisation in the plan all read these rows, so a
//! field is described exactly once. Pure data: no I/O.

use super::{Attributes, Collection, Release, ResourceKind};

/// What PingFederate does with a field the request leaves out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldDefault {
    /// Nothing: the field stays empty. Left out of the configuration means "empty".
    None,
    /// The server stores this value. Left out of the configuration means this value.
    Bool(bool),
    Integer(i64),
    Str(&'static str),
    EmptyList,
    /// The server computes a value (a name, tag lists). Left out of the configuration
    /// means "whatever the server computes", which never shows as a change.
    Computed,
    /// Left out of the configuration means the `pingone` block's `environment_id`;
    /// the configuration fills it in, so a loaded object always has it.
    PingOneEnvironment,
    /// Depends on the type of the directory a nested block reads from (a channel's
    /// source store `ldap_type`): the first entry listing the type, else the entry
    /// listing none.
    Directory(&'static [(&'static [&'static str], FieldDefault)]),
}

impl FieldDefault {
    /// The stored value for fields with a fixed default (for a directory-dependent
    /// one, its value when the directory type is not known).
    pub fn value(self) -> Option<serde_json::Value> {
        self.value_in(None)
    }

    /// The stored value for a directory of this type (`ACTIVE_DIRECTORY`).
    pub fn value_in(self, directory: Option<&str>) -> Option<serde_json::Value> {
        match self {
            FieldDefault::Directory(choices) => {
                let chosen = directory
                    .and_then(|kind| choices.iter().find(|(types, _)| types.contains(&kind)))
                    .or_else(|| choices.iter().find(|(types, _)| types.is_empty()));
                chosen.and_then(|(_, default)| default.value_in(None))
            }
            fixed => fixed.fixed_value(),
        }
    }

    fn fixed_value(self) -> Option<serde_json::Value> {
        match self {
            FieldDefault::Bool(b) => Some(b.into()),
            FieldDefault::Integer(i) => Some(i.into()),
            FieldDefault::Str(s) => Some(s.into()),
            FieldDefault::EmptyList => Some(serde_json::Value::Array(Vec::new())),
            FieldDefault::None
            | FieldDefault::Computed
            | FieldDefault::PingOneEnvironment
            | FieldDefault::Directory(_) => None,
        }
    }
}

/// What a reference field may point at: objects of one collection, of the listed kinds
/// (any kind of the collection when the list is empty). `None`: a collection pingform
/// does not read (key pairs), whose ids are sent as they are and checked by nobody but
/// PingFederate.
#[derive(Debug, PartialEq, Eq)]
pub struct ReferenceTarget {
    pub collection: Option<Collection>,
    pub kinds: &'static [ResourceKind],
}

impl ReferenceTarget {
    pub fn accepts(&self, kind: ResourceKind) -> bool {
        Some(kind.collection()) == self.collection
            && (self.kinds.is_empty() || self.kinds.contains(&kind))
    }

    /// The kinds it may point at, in words: "JDBC data store".
    pub fn describe(&self) -> String {
        match (self.kinds, self.collection) {
            ([kind], _) => kind.describe().to_string(),
            (_, Some(collection)) => collection.noun().to_string(),
            (_, None) => "object".to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldType {
    String,
    /// A string restricted to the listed values.
    Enum(&'static [&'static str]),
    Bool,
    Integer,
    StringList,
    /// A list of objects with the given fields (tag configurations).
    ObjectList(&'static [Field]),
    /// Nested labelled blocks in HCL (`channel "NAME" { ... }`): on the wire a list of
    /// objects, each identified by its `key` field, which is the block's label.
    Blocks(&'static NestedBlocks),
    /// A map of string to string (custom plugin fields).
    StringMap,
    /// A map of secret strings (sensitive custom plugin fields); each value is a secret.
    SecretMap,
    /// A map of table name to rows, each row a map of string to string.
    TableMap,
    /// A provisioning channel's attribute mapping: PingOne field name to an entry,
    /// written as the source attribute or as an object of these fields (their wire
    /// keys relative to the entry's `saasFieldInfo`).
    Mapping(&'static [Field]),
    /// The id of another object, sent as a ResourceLink `{ "id": ... }`.
    Reference(&'static ReferenceTarget),
}

/// The shape of nested blocks: the block type, the field that is its label, and the
/// fields of one block.
#[derive(Debug, PartialEq)]
pub struct NestedBlocks {
    pub block: &'static str,
    pub key: &'static str,
    pub fields: &'static [Field],
    /// Pairs of fields a block may not both declare, with what the first one does.
    pub exclusive: &'static [(&'static str, &'static str, &'static str)],
    /// The hint when a required list of blocks is empty.
    pub missing_help: &'static str,
    /// The reference field whose target's `ldap_type` decides the blocks'
    /// directory-dependent defaults (a channel's `datastore`).
    pub directory: Option<&'static str>,
}

/// What defaults that depend on other objects need: the directory type
/// (`ldap_type`) of each LDAP data store, by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DefaultContext {
    pub directories: std::collections::BTreeMap<String, String>,
}

impl DefaultContext {
    /// The directory type a nested block reads from, when the kind says which field
    /// names its source and that source is known.
    pub fn directory_of(
        &self,
        nested: &NestedBlocks,
        block: &serde_json::Map<String, serde_json::Value>,
    ) -> Option<&str> {
        let id = block.get(nested.directory?)?.as_str()?;
        self.directories.get(id).map(String::as_str)
    }
}

impl FieldType {
    /// How the type is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            FieldType::String | FieldType::Enum(_) | FieldType::Reference(_) => "string",
            FieldType::Bool => "bool",
            FieldType::Integer => "number",
            FieldType::StringList => "list of strings",
            FieldType::ObjectList(_) => "list of objects",
            FieldType::Blocks(_) => "nested blocks",
            FieldType::StringMap | FieldType::SecretMap => "map of strings",
            FieldType::Mapping(_) => "map of attribute names or mapping objects",
            FieldType::TableMap => "map of lists of objects",
        }
    }
}

/// Where a field lives in PingFederate's JSON, relative to the object (or, for the
/// fields of nested blocks, to the nested object).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Wire {
    /// Not on the wire: configuration only (a name resolved during plan), or a block
    /// that is not a PingFederate object.
    None,
    /// A key of the object: `driverClass`.
    Key(&'static str),
    /// A key inside nested objects: `channelSource.changeDetectionSettings.userObjectClass`.
    Path(&'static [&'static str]),
    /// The text value of the entry called `name` in a list of `{ "name", "value" }`
    /// objects at `list` (the PingOne connector's target settings). With `part`, the
    /// value is several fields joined by the separator, and this field is the
    /// `part.1`-th piece.
    Setting {
        list: &'static [&'static str],
        name: &'static str,
        part: Option<(char, usize)>,
    },
    /// The value at `value` inside the entry of the list at `list` whose `key_name`
    /// property is `key` (the `populationID` entry of an attribute mapping).
    Entry {
        list: &'static [&'static str],
        key_name: &'static str,
        key: &'static str,
        value: &'static [&'static str],
    },
    /// A list of `{ "name", "value" | "encryptedValue" }` objects at this path, as a
    /// map by name (plugin configuration fields).
    Entries(&'static [&'static str]),
    /// A list of `{ "name", "rows": [{ "fields": [...], "defaultRow" }] }` tables at
    /// this path (plugin configuration tables).
    Tables(&'static [&'static str]),
}

impl Wire {
    /// The first key of the path, where PingFederate's error `fieldPath` starts.
    pub fn head(self) -> Option<&'static str> {
        match self {
            Wire::None => None,
            Wire::Key(key) => Some(key),
            Wire::Path(path) | Wire::Entries(path) | Wire::Tables(path) => path.first().copied(),
            Wire::Setting { list, .. } | Wire::Entry { list, .. } => list.first().copied(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// HCL and model name (snake_case).
    pub name: &'static str,
    pub wire: Wire,
    pub ty: FieldType,
    pub required: bool,
    pub default: FieldDefault,
    /// Write-only secret: where the server returns its encrypted form instead
    /// (`encryptedPassword`, a sibling of `wire`). Configuration-only secrets (the
    /// admin password) set it to `Wire::None`.
    pub encrypted: Option<Wire>,
    /// Changing it means delete and create, not an update.
    pub forces_replacement: bool,
    /// The PingFederate release that added the field (`None`: every supported one).
    /// Declaring it for an older server is a plan error.
    pub since: Option<Release>,
    /// Values of an `Enum` field that arrived later than the field itself.
    pub values_since: &'static [(&'static str, Release)],
}

impl Field {
    pub fn is_secret(&self) -> bool {
        self.encrypted.is_some() || self.ty == FieldType::SecretMap
    }
}

/// An optional field.
pub const fn field(name: &'static str, wire: Wire, ty: FieldType, default: FieldDefault) -> Field {
    Field {
        name,
        wire,
        ty,
        required: false,
        default,
        encrypted: None,
        forces_replacement: false,
        since: None,
        values_since: &[],
    }
}

/// An optional boolean at a top-level key, with its default.
pub const fn flag(name: &'static str, key: &'static str, default: bool) -> Field {
    field(
        name,
        Wire::Key(key),
        FieldType::Bool,
        FieldDefault::Bool(default),
    )
}

/// An optional whole number at a top-level key, with its default.
pub const fn integer(name: &'static str, key: &'static str, default: i64) -> Field {
    field(
        name,
        Wire::Key(key),
        FieldType::Integer,
        FieldDefault::Integer(default),
    )
}

/// An optional string at a top-level key, without a default.
pub const fn text(name: &'static str, key: &'static str) -> Field {
    field(name, Wire::Key(key), FieldType::String, FieldDefault::None)
}

/// A field PingFederate added in `release`.
pub const fn since(release: Release, field: Field) -> Field {
    Field {
        since: Some(release),
        ..field
    }
}

/// A required field.
pub const fn required(name: &'static str, wire: Wire, ty: FieldType) -> Field {
    Field {
        required: true,
        ..field(name, wire, ty, FieldDefault::None)
    }
}

/// A write-only secret string returned encrypted under `encrypted`.
pub const fn secret(name: &'static str, wire: Wire, encrypted: Wire) -> Field {
    Field {
        encrypted: Some(encrypted),
        ..field(name, wire, FieldType::String, FieldDefault::None)
    }
}

/// A field of a block that is not a PingFederate object (`pingfederate { }`,
/// `exclusion`): no wire location.
pub const fn setting(name: &'static str, ty: FieldType, required: bool) -> Field {
    Field {
        required,
        ..field(name, Wire::None, ty, FieldDefault::None)
    }
}

/// A secret of such a block (the admin password, the worker's client secret).
pub const fn setting_secret(name: &'static str, required: bool) -> Field {
    Field {
        encrypted: Some(Wire::None),
        ..setting(name, FieldType::String, required)
    }
}

/// The key of a plugin configuration table row that says whether it is the table's
/// default row (`defaultRow` on the wire); every other key of a row is a column.
pub const DEFAULT_ROW: &str = "default_row";

/// What the declared `attributes` use that arrived after `release`: the field path
/// (`use_start_tls`, `channel.staff.x`, `ldap_type = "PING_DS"`) and the release it
/// needs, in field order.
pub fn newer_than(
    fields: &'static [Field],
    attributes: &Attributes,
    release: Release,
) -> Vec<(String, Release)> {
    let mut found = Vec::new();
    for field in fields {
        let Some(value) = attributes.get(field.name).filter(|v| !v.is_null()) else {
            continue;
        };
        if let Some(since) = field.since.filter(|since| *since > release) {
            found.push((field.name.to_string(), since));
            continue;
        }
        if let Some(text) = value.as_str()
            && let Some((_, since)) = field
                .values_since
                .iter()
                .find(|(value, since)| *value == text && *since > release)
        {
            found.push((format!("{} = \"{text}\"", field.name), *since));
        }
        let (nested, label, prefix) = match field.ty {
            FieldType::ObjectList(nested) => (nested, None, field.name),
            FieldType::Blocks(blocks) => (blocks.fields, Some(blocks.key), blocks.block),
            _ => continue,
        };
        for (index, item) in value.as_array().into_iter().flatten().enumerate() {
            let Some(item) = item.as_object() else {
                continue;
            };
            let name = label
                .and_then(|key| item.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| index.to_string());
            for (path, since) in newer_than(nested, item, release) {
                found.push((format!("{prefix}.{name}.{path}"), since));
            }
        }
    }
    found
}

/// Looks a field up by name.
pub fn find(fields: &'static [Field], name: &str) -> Option<&'static Field> {
    fields.iter().find(|field| field.name == name)
}
