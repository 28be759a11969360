//! Every problem the configuration loader can report, worded in one place.
//!
//! Owns the `ConfigError` enum (one variant per kind of problem, each with its
//! diagnostic code, source snippet, label and hint) and the `ConfigErrors` aggregate
//! that carries all of them out of `load`. It renders nothing itself: miette does,
//! in `render` or in the binary. It must not read files or evaluate expressions.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// One configuration file's text, shared by every diagnostic that points into it.
pub type Source = NamedSource<Arc<str>>;

/// A place in a configuration file: which file, and which bytes.
#[derive(Debug, Clone)]
pub struct Location {
    pub src: Source,
    pub span: SourceSpan,
}

impl Location {
    pub fn new(source: &Source, span: Option<Range<usize>>) -> Location {
        let span = span.unwrap_or(0..0);
        Location {
            src: source.clone(),
            span: SourceSpan::from(span.start..span.end),
        }
    }

    /// The same place as model data, for errors the plan finds later.
    pub fn place(&self) -> crate::model::Place {
        crate::model::Place {
            file: self.src.name().to_string(),
            text: self.src.inner().clone(),
            span: self.span.offset()..self.span.offset() + self.span.len(),
        }
    }

    /// `main.hcl:3:5`, for hints that point at a second place (another file, maybe).
    pub fn describe(&self) -> String {
        let text = self.src.inner();
        let offset = self.span.offset().min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{}:{line}:{column}", self.src.name())
    }
}

pub use crate::model::suggest::{did_you_mean, list_names, with_article};

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ConfigError {
    #[error(
        "TLS certificate verification is switched off for PingFederate (`insecure_skip_tls_verify = true`)"
    )]
    #[diagnostic(
        code(pingform::config::insecure_tls),
        severity(Warning),
        help("use `ca_file` to trust a private certificate authority instead")
    )]
    InsecureTls,

    #[error("cannot read the configuration folder `{dir}`: {reason}")]
    #[diagnostic(code(pingform::config::unreadable_folder))]
    UnreadableFolder { dir: String, reason: String },

    #[error("no configuration files (`*.hcl`) in `{dir}`")]
    #[diagnostic(code(pingform::config::no_configuration_files))]
    NoConfigurationFiles {
        dir: String,
        #[help]
        help: Option<String>,
    },

    #[error("`{path}` is a file; pingform reads a configuration folder (every `*.hcl` file in it)")]
    #[diagnostic(
        code(pingform::config::not_a_folder),
        help("pass the folder that holds it: `{folder}`")
    )]
    NotAFolder { path: String, folder: String },

    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(pingform::config::unreadable_file))]
    UnreadableFile { path: String, reason: String },

    #[error(
        "`{path}` is not UTF-8 text: the byte at line {line}, column {column} is not valid UTF-8"
    )]
    #[diagnostic(
        code(pingform::config::not_utf8),
        help("save the file as UTF-8 (configuration files are UTF-8, as HCL requires)")
    )]
    NotUtf8 {
        path: String,
        line: usize,
        column: usize,
        #[source_code]
        src: Source,
        #[label("here")]
        span: SourceSpan,
    },

    #[error("syntax error: {message}")]
    #[diagnostic(code(pingform::config::syntax))]
    Syntax {
        message: String,
        #[source_code]
        src: Source,
        #[label("here")]
        span: SourceSpan,
    },

    #[error("unknown block type `{name}`")]
    #[diagnostic(code(pingform::config::unknown_block))]
    UnknownBlock {
        name: String,
        #[source_code]
        src: Source,
        #[label("not a pingform block")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("`{block}` block has the wrong labels: expected {expected}")]
    #[diagnostic(code(pingform::config::block_labels))]
    BlockLabels {
        block: String,
        expected: String,
        #[source_code]
        src: Source,
        #[label("this block")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("`{name}` is not a valid name")]
    #[diagnostic(
        code(pingform::config::invalid_name),
        help("names start with a letter or `_` and contain only letters, digits, `_` and `-`")
    )]
    InvalidName {
        name: String,
        #[source_code]
        src: Source,
        #[label("invalid name")]
        span: SourceSpan,
    },

    #[error("duplicate {what}")]
    #[diagnostic(code(pingform::config::duplicate))]
    Duplicate {
        what: String,
        #[source_code]
        src: Source,
        #[label("declared again here")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("duplicate {what} id `{id}`: `{address}` and `{other}` would both be `{id}`")]
    #[diagnostic(code(pingform::config::duplicate_id))]
    DuplicateId {
        /// "data store", "PingOne connection": the kinds that share one id space.
        what: String,
        id: String,
        address: String,
        other: String,
        #[source_code]
        src: Source,
        #[label("second use of this id")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("invalid {what} id `{id}`")]
    #[diagnostic(
        code(pingform::config::invalid_id),
        help("PingFederate ids contain only letters, digits, `.`, `_` and `-`")
    )]
    InvalidId {
        what: String,
        id: String,
        #[source_code]
        src: Source,
        #[label("not a valid id")]
        span: SourceSpan,
    },

    #[error("unknown attribute `{name}` in {block}")]
    #[diagnostic(code(pingform::config::unknown_attribute))]
    UnknownAttribute {
        name: String,
        block: String,
        #[source_code]
        src: Source,
        #[label("unknown attribute")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("unexpected block `{name}` in {block}")]
    #[diagnostic(code(pingform::config::unexpected_block))]
    UnexpectedBlock {
        name: String,
        block: String,
        #[source_code]
        src: Source,
        #[label("blocks are not allowed here")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("missing required attribute `{name}` in {block}")]
    #[diagnostic(code(pingform::config::missing_attribute))]
    MissingAttribute {
        name: String,
        block: String,
        #[source_code]
        src: Source,
        #[label("`{name}` is required here")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("wrong type for `{attribute}`: expected {expected}, found {found}")]
    #[diagnostic(code(pingform::config::wrong_type))]
    WrongType {
        attribute: String,
        expected: String,
        found: String,
        #[source_code]
        src: Source,
        #[label("expected {expected}")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("invalid value for `{attribute}`: {message}")]
    #[diagnostic(code(pingform::config::invalid_value))]
    InvalidValue {
        attribute: String,
        message: String,
        #[source_code]
        src: Source,
        #[label("invalid value")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("`{attribute}` in the `{block}` block is not a resource address: {problem}")]
    #[diagnostic(code(pingform::config::directive_address))]
    DirectiveAddress {
        block: String,
        attribute: String,
        problem: String,
        #[source_code]
        src: Source,
        #[label("expected an address such as `datastore.ldap.corp`")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("`import` names {address}, which the configuration does not declare")]
    #[diagnostic(code(pingform::config::import_undeclared))]
    ImportUndeclared {
        address: String,
        #[source_code]
        src: Source,
        #[label("no such block")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error(
        "`import` into {address} names the id `{import_id}`, but the block's id is `{block_id}`"
    )]
    #[diagnostic(code(pingform::config::import_id))]
    ImportIdMismatch {
        address: String,
        import_id: String,
        block_id: String,
        #[source_code]
        src: Source,
        #[label("this id")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("{address} is declared, and a `removed` block forgets it")]
    #[diagnostic(
        code(pingform::config::removed_declared),
        help(
            "remove the block of {address} too (pingform then forgets the object and leaves it in PingFederate), or drop the `removed` block"
        )
    )]
    RemovedDeclared {
        address: String,
        #[source_code]
        src: Source,
        #[label("still declared")]
        span: SourceSpan,
    },

    #[error("`moved` {problem}")]
    #[diagnostic(code(pingform::config::moved))]
    Moved {
        problem: String,
        #[source_code]
        src: Source,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("reference to undeclared {what} `{name}`")]
    #[diagnostic(code(pingform::config::unknown_reference))]
    UnknownReference {
        what: String,
        name: String,
        #[source_code]
        src: Source,
        #[label("not declared")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("reference cycle: {cycle}")]
    #[diagnostic(
        code(pingform::config::reference_cycle),
        help("break the cycle: one of these values must not depend on the others")
    )]
    ReferenceCycle {
        cycle: String,
        #[source_code]
        src: Source,
        #[label("this reference closes the cycle")]
        span: SourceSpan,
    },

    #[error("cannot evaluate `{attribute}`: {message}")]
    #[diagnostic(code(pingform::config::evaluation))]
    Evaluation {
        attribute: String,
        message: String,
        #[source_code]
        src: Source,
        #[label("in this expression")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("environment variable `{name}` is not set")]
    #[diagnostic(code(pingform::config::env_unset))]
    EnvironmentVariableUnset {
        name: String,
        #[source_code]
        src: Source,
        #[label("read here")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("cannot read file `{path}`: {reason}")]
    #[diagnostic(
        code(pingform::config::file_unreadable),
        help("paths are relative to the configuration folder")
    )]
    FileUnreadable {
        path: String,
        reason: String,
        #[source_code]
        src: Source,
        #[label("read here")]
        span: SourceSpan,
    },

    #[error("variable `{name}` has no value")]
    #[diagnostic(code(pingform::config::variable_without_value))]
    VariableWithoutValue {
        name: String,
        #[source_code]
        src: Source,
        #[label("declared here without a default")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("invalid value for variable `{name}` from {origin}: {message}")]
    #[diagnostic(code(pingform::config::variable_value))]
    VariableValue {
        name: String,
        origin: String,
        message: String,
        #[source_code]
        src: Option<Source>,
        #[label("this value")]
        span: Option<SourceSpan>,
        #[help]
        help: Option<String>,
    },

    #[error("value for undeclared variable `{name}` from {origin}")]
    #[diagnostic(code(pingform::config::undeclared_variable))]
    UndeclaredVariable {
        name: String,
        origin: String,
        #[source_code]
        src: Option<Source>,
        #[label("no `variable \"{name}\"` block")]
        span: Option<SourceSpan>,
        #[help]
        help: Option<String>,
    },

    /// No source snippet: the line would show the password.
    #[error(
        "the state URL at {location} holds a password, which would be kept in the configuration files"
    )]
    #[diagnostic(
        code(pingform::config::state_password),
        help(
            "remove the password from the URL and set PGPASSWORD where pingform runs (or pass the whole URL with --state or PINGFORM_STATE from a secret)"
        )
    )]
    StatePasswordInFile { location: String },

    #[error("cannot read variable file `{path}`: {reason}")]
    #[diagnostic(code(pingform::config::var_file))]
    VarFileUnreadable { path: String, reason: String },

    #[error(
        "sensitive variable `{variable}` is used in `{attribute}`, which is not a secret field"
    )]
    #[diagnostic(code(pingform::config::sensitive_value))]
    SensitiveInPlainField {
        variable: String,
        attribute: String,
        #[source_code]
        src: Source,
        #[label("sensitive value flows in here")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("{referrer}: `{attribute}` must name {wanted}, not `{address}`")]
    #[diagnostic(code(pingform::config::reference_kind))]
    ReferenceKind {
        referrer: String,
        attribute: String,
        wanted: String,
        address: String,
        #[source_code]
        src: Source,
        #[label("this is {kind}")]
        span: SourceSpan,
        kind: String,
        #[help]
        help: Option<String>,
    },

    #[error("missing `{name}` block in {block}")]
    #[diagnostic(code(pingform::config::missing_block))]
    MissingBlock {
        name: String,
        block: String,
        #[source_code]
        src: Source,
        #[label("needs at least one `{name}` block")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("`{first}` and `{second}` cannot both be set in {block}")]
    #[diagnostic(code(pingform::config::conflicting_attributes))]
    ConflictingAttributes {
        first: String,
        second: String,
        block: String,
        #[source_code]
        src: Source,
        #[label("conflicts with `{first}`")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("invalid LDAP filter in `{attribute}`: {message}")]
    #[diagnostic(
        code(pingform::config::ldap_filter),
        help(
            "write an RFC 4515 filter such as \"(&(objectClass=inetOrgPerson)(ou=Staff))\"; escape `*`, `(`, `)` and `\\` in values as `\\2a`, `\\28`, `\\29` and `\\5c`"
        )
    )]
    InvalidFilter {
        attribute: String,
        message: String,
        #[source_code]
        src: Source,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
    },

    #[error("exclusion `{exclusion}` names channel `{channel}`, which is not declared")]
    #[diagnostic(code(pingform::config::unknown_channel))]
    UnknownChannel {
        exclusion: String,
        channel: String,
        #[source_code]
        src: Source,
        #[label("no such channel")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error(
        "{channel} selects users by `group_dn`, and exclusions {exclusions} apply to it: PingFederate does not document whether a channel's user filter (where exclusions go) narrows a group's members, so they might not be enforced"
    )]
    #[diagnostic(
        code(pingform::config::exclusion_on_group_channel),
        help(
            "select the members with the filter instead, e.g. `user_filter = \"(memberOf=cn=staff,ou=groups,dc=example,dc=com)\"` (Active Directory; `isMemberOf` on PingDirectory), or name other channels in the exclusions' `channels`"
        )
    )]
    ExclusionOnGroupChannel {
        channel: String,
        exclusions: String,
        #[source_code]
        src: Source,
        #[label("a group DN here")]
        span: SourceSpan,
    },

    #[error("{message}")]
    #[diagnostic(code(pingform::config::kind_rule))]
    KindRule {
        message: String,
        #[source_code]
        src: Source,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error(
        "exclusion `{exclusion}` names channel `{channel}`, which more than one provisioning connection declares"
    )]
    #[diagnostic(code(pingform::config::ambiguous_channel))]
    AmbiguousChannel {
        exclusion: String,
        channel: String,
        #[source_code]
        src: Source,
        #[label("which connection's?")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("exclusion `{exclusion}` applies to no channel, so it protects nothing")]
    #[diagnostic(code(pingform::config::exclusion_on_no_channel), severity(Warning))]
    ExclusionOnNoChannel {
        exclusion: String,
        #[source_code]
        src: Source,
        #[label("on no channel")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(pingform::config::kind_warning), severity(Warning))]
    KindWarning {
        message: String,
        #[source_code]
        src: Source,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("`{name}` is not a PingOne attribute mapping field that pingform knows")]
    #[diagnostic(code(pingform::config::unknown_mapping_field), severity(Warning))]
    UnknownMappingField {
        name: String,
        #[source_code]
        src: Source,
        #[label("not in the reference list")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },
}

/// Orders diagnostics as a reader meets them: problems without a place first (the
/// folder, variable values from the command line), then by file and position.
pub fn sort_by_location(errors: &mut [ConfigError]) {
    errors.sort_by_cached_key(|error| {
        let place = error
            .source_code()
            .zip(error.labels().and_then(|mut labels| labels.next()));
        match place {
            Some((source, label)) => {
                let name = source
                    .read_span(label.inner(), 0, 0)
                    .ok()
                    .and_then(|contents| contents.name().map(str::to_string))
                    .unwrap_or_default();
                (1, name, label.offset())
            }
            None => (0, String::new(), 0),
        }
    });
}

/// Every problem found in one run; `load` returns this instead of the first error.
#[derive(Debug)]
pub struct ConfigErrors {
    errors: Vec<ConfigError>,
}

impl ConfigErrors {
    pub fn new(errors: Vec<ConfigError>) -> ConfigErrors {
        ConfigErrors { errors }
    }

    pub fn len(&self) -> usize {
        self.errors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &ConfigError> {
        self.errors.iter()
    }

    pub fn into_vec(self) -> Vec<ConfigError> {
        self.errors
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.errors.len();
        let noun = if count == 1 { "error" } else { "errors" };
        write!(f, "configuration has {count} {noun}")
    }
}

impl std::error::Error for ConfigErrors {}

impl Diagnostic for ConfigErrors {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("pingform::config::invalid"))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.errors.iter().map(|e| e as &dyn Diagnostic)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_suggests_close_names_only() {
        let names = ["connection_url", "driver_class", "user_name"];
        assert_eq!(
            did_you_mean("conection_url", names).as_deref(),
            Some("did you mean `connection_url`?")
        );
        assert_eq!(did_you_mean("zzz", names), None);
    }

    #[test]
    fn locations_describe_line_and_column() {
        let source = NamedSource::new("main.hcl", Arc::<str>::from("a = 1\n  b = 2\n"));
        assert_eq!(
            Location::new(&source, Some(8..9)).describe(),
            "main.hcl:2:3"
        );
    }

    #[test]
    fn the_aggregate_counts_its_errors() {
        let errors = ConfigErrors::new(vec![
            ConfigError::NoConfigurationFiles {
                dir: "a".into(),
                help: None,
            },
            ConfigError::NoConfigurationFiles {
                dir: "b".into(),
                help: None,
            },
        ]);
        assert_eq!(errors.to_string(), "configuration has 2 errors");
        assert_eq!(errors.related().map(Iterator::count), Some(2));
    }
}
