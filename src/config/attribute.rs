//! Evaluating one attribute of a block into a checked field value.
//!
//! Owns the steps every typed attribute goes through: the sensitive-variable rule
//! (a `sensitive = true` variable may flow only into secret fields), evaluation, and
//! the type check against the field, with problems placed on the exact element. It
//! must not decide which attributes a block has; `declarations` did that.

use std::collections::{BTreeMap, BTreeSet};

use hcl::edit::structure::Attribute;

use crate::model::Field;

use super::diagnostic::{ConfigError, Location, Source, did_you_mean, list_names};
use super::evaluate::Scope;
use super::field_value::{FieldValue, Problem, ProblemKind, convert, locate};
use super::references::{self, Target};

pub struct AttributeEvaluator<'a> {
    pub scope: &'a Scope<'a>,
    pub sensitive: &'a BTreeSet<String>,
    /// For each local, every variable it reads, directly or through other locals.
    pub local_variables: &'a BTreeMap<String, BTreeSet<String>>,
}

impl AttributeEvaluator<'_> {
    /// The sensitive variables `attribute` reads, with the span of the reference.
    fn sensitive_reads(
        &self,
        attribute: &Attribute,
    ) -> Option<(String, Option<std::ops::Range<usize>>)> {
        for reference in references::collect(&attribute.value).found {
            let variables: Vec<String> = match &reference.target {
                Target::Variable(name) => vec![name.clone()],
                Target::Local(name) => self
                    .local_variables
                    .get(name)
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect(),
                Target::Resource(_) => Vec::new(),
            };
            if let Some(variable) = variables.into_iter().find(|v| self.sensitive.contains(v)) {
                return Some((variable, reference.span));
            }
        }
        None
    }

    pub fn evaluate(
        &self,
        source: &Source,
        attribute: &Attribute,
        field: &Field,
        errors: &mut Vec<ConfigError>,
    ) -> Option<FieldValue> {
        if !field.is_secret()
            && let Some((variable, span)) = self.sensitive_reads(attribute)
        {
            let location = Location::new(source, span);
            errors.push(ConfigError::SensitiveInPlainField {
                variable: variable.clone(),
                attribute: field.name.to_string(),
                src: location.src,
                span: location.span,
                help: Some(format!(
                    "`{}` would be shown in plans and kept in state; use `var.{variable}` only in secret fields such as `password`, or declare the variable without `sensitive = true`",
                    field.name
                )),
            });
            return None;
        }
        let value = self
            .scope
            .evaluate(&attribute.value, source, field.name, errors)?;
        if value.is_null() {
            return None;
        }
        // Built from an input that was not given: nothing to check.
        if super::evaluate::is_unknown(&value) {
            return None;
        }
        match convert(field, &value) {
            Ok(converted) => Some(converted),
            Err(problems) => {
                for problem in problems {
                    errors.push(problem_error(source, attribute, field, problem));
                }
                None
            }
        }
    }
}

fn problem_error(
    source: &Source,
    attribute: &Attribute,
    field: &Field,
    problem: Problem,
) -> ConfigError {
    let path = problem.describe_path(field.name);
    let at_key = matches!(problem.kind, ProblemKind::UnknownKey { .. });
    let location = Location::new(source, locate(&attribute.value, &problem.path, at_key));
    match problem.kind {
        ProblemKind::WrongType { expected, found } => ConfigError::WrongType {
            attribute: path,
            expected,
            found,
            src: location.src,
            span: location.span,
            help: None,
        },
        ProblemKind::UnknownKey { help } => {
            let (parent, name) = path.rsplit_once('.').unwrap_or((field.name, path.as_str()));
            ConfigError::UnknownAttribute {
                name: name.to_string(),
                block: format!("`{parent}`"),
                src: location.src,
                span: location.span,
                help,
            }
        }
        ProblemKind::MissingKey { name } => ConfigError::MissingAttribute {
            name,
            block: format!("`{path}`"),
            src: location.src,
            span: location.span,
            help: None,
        },
        ProblemKind::EncryptedOutsideSecret => ConfigError::InvalidValue {
            attribute: path,
            message: "`encrypted()` and `secret_manager()` give the encrypted form of a secret, and go only as the whole value of a secret field".into(),
            src: location.src,
            span: location.span,
            help: Some("use them for `password`, `credential` or a `sensitive_configuration` entry".into()),
        },
        ProblemKind::OutOfRange { value } => ConfigError::InvalidValue {
            attribute: path,
            message: format!(
                "{value} is out of range: PingFederate stores this field as a 32-bit integer ({} to {})",
                i32::MIN,
                i32::MAX
            ),
            src: location.src,
            span: location.span,
            help: None,
        },
        ProblemKind::NotAllowed { value, allowed } => {
            let suggestion = did_you_mean(&value, allowed.iter().copied());
            let listing = format!("allowed values are {}", list_names(allowed.iter().copied()));
            ConfigError::InvalidValue {
                attribute: path,
                message: format!("`{value}` is not an allowed value"),
                src: location.src,
                span: location.span,
                help: Some(match suggestion {
                    Some(suggestion) => format!("{suggestion} {listing}"),
                    None => listing,
                }),
            }
        }
    }
}
