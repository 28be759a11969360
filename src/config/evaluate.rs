//! Evaluating one expression: the context, the functions, and the values only the
//! loader knows.
//!
//! Owns the `hcl::eval` context (`var`, `local`: only the values an expression reads,
//! so that evaluating thousands of chained locals stays linear), the functions
//! (`env`, `file`, `lower`, `upper`, `trimspace`), and the rewriting of `env(...)`,
//! `file(...)` and references to blocks into literal strings before evaluation: a
//! resource reference (`datastore.KIND.NAME[.id]`, `pingone_connection.NAME[.id]`)
//! becomes the resource's id, and a nested block reference
//! (`provisioning_connection.NAME.channel.CHANNEL`) the text `NAME.CHANNEL`. hcl-rs
//! functions are plain fn pointers that cannot see the environment or the
//! configuration folder, so those two are resolved here, where errors can still point
//! at the exact call. It must not check values against field types.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hcl::Value;
use hcl::edit::expr::{Expression, TraversalOperator};
use hcl::edit::visit_mut::{VisitMut, visit_expr_mut};
use hcl::edit::{Decorated, Span};
use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};

use crate::model::Address;

use super::diagnostic::{ConfigError, Location, Source};
use super::references::{self, Target, resource_path};

/// A short description of a value for "found ..." messages.
pub fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(flag) => format!("bool `{flag}`"),
        Value::Number(number) => format!("number `{number}`"),
        Value::String(text) if text.chars().count() > 40 => "a string".into(),
        Value::String(text) => format!("string {text:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Everything an expression may refer to, as far as it is known so far.
pub struct Scope<'a> {
    pub dir: &'a Path,
    pub environment: &'a BTreeMap<String, String>,
    pub variables: hcl::Map<String, Value>,
    pub locals: hcl::Map<String, Value>,
    /// The PingFederate id of every resource evaluated so far.
    pub ids: BTreeMap<Address, String>,
    /// Inputs that are not given are unknown rather than errors (see
    /// `LoadOptions::unknown_inputs`).
    pub unknown_inputs: bool,
    /// The `pingfederate` and `pingone` blocks' credentials and CA files are not
    /// read: a built-in sandbox replaces them.
    pub ignore_server_credentials: bool,
    /// What was unknown, for the note `validate` prints: `environment variable
    /// `PF_ADMIN_PASSWORD``.
    pub unknowns: RefCell<BTreeSet<String>>,
    /// The environment variables `env()` read, for saved plans to list.
    pub environment_read: RefCell<BTreeSet<String>>,
}

/// The value of an input that was not given, in `unknown_inputs` mode: a string that
/// survives templates and functions, so anything built from it is recognised as
/// unknown and left unchecked.
pub const UNKNOWN_MARK: &str = "\u{1}pingform:unknown\u{1}";

/// Whether `value` is, or is built from, an unknown input.
pub fn is_unknown(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains(UNKNOWN_MARK),
        Value::Array(items) => items.iter().any(is_unknown),
        Value::Object(entries) => entries.values().any(is_unknown),
        _ => false,
    }
}

impl Scope<'_> {
    /// Records an unknown input and returns its value.
    pub fn unknown(&self, what: String) -> String {
        self.unknowns.borrow_mut().insert(what);
        UNKNOWN_MARK.to_string()
    }
}

impl Scope<'_> {
    /// The evaluation context for an expression that reads `references`: only those
    /// variables and locals are copied in.
    fn context(&self, references: &references::References) -> Context<'static> {
        let mut variables = hcl::Map::new();
        let mut locals = hcl::Map::new();
        for reference in &references.found {
            match &reference.target {
                Target::Variable(name) => {
                    if let Some(value) = self.variables.get(name) {
                        variables.insert(name.clone(), value.clone());
                    }
                }
                Target::Local(name) => {
                    if let Some(value) = self.locals.get(name) {
                        locals.insert(name.clone(), value.clone());
                    }
                }
                Target::Resource(_) => {}
            }
        }
        let mut context = Context::new();
        context.declare_var("var", Value::Object(variables));
        context.declare_var("local", Value::Object(locals));
        let string_function =
            |function| FuncDef::builder().param(ParamType::String).build(function);
        context.declare_func("lower", string_function(lower));
        context.declare_func("upper", string_function(upper));
        context.declare_func("trimspace", string_function(trimspace));
        // Only reached when the call was not rewritten (wrong number of arguments is
        // reported by hcl-rs itself against the declared parameter list).
        context.declare_func("env", string_function(unresolved));
        context.declare_func("file", string_function(unresolved));
        context.declare_func("encrypted", string_function(unresolved));
        context.declare_func(
            "secret_manager",
            FuncDef::builder()
                .param(ParamType::String)
                .param(ParamType::String)
                .build(unresolved),
        );
        context
    }

    /// Whether every reference has a value. When one does not, the reason
    /// (undeclared, in a cycle, failed itself) was reported where it lies, so the
    /// expression is skipped without a second, confusing error.
    fn can_evaluate_references(&self, references: &references::References) -> bool {
        references.malformed.is_empty()
            && references
                .found
                .iter()
                .all(|reference| match &reference.target {
                    Target::Variable(name) => self.variables.contains_key(name),
                    Target::Local(name) => self.locals.contains_key(name),
                    Target::Resource(address) => self.ids.contains_key(address),
                })
    }

    /// Evaluates `expression`; problems become diagnostics naming `attribute`.
    /// Returns `None` without a diagnostic when `can_evaluate` is false.
    pub fn evaluate(
        &self,
        expression: &Expression,
        source: &Source,
        attribute: &str,
        errors: &mut Vec<ConfigError>,
    ) -> Option<Value> {
        let references = references::collect(expression);
        if !self.can_evaluate_references(&references) {
            return None;
        }
        let context = self.context(&references);
        let mut rewriter = Rewriter {
            scope: self,
            context: &context,
            source,
            attribute,
            errors: Vec::new(),
        };
        let mut expression = expression.clone();
        rewriter.visit_expr_mut(&mut expression);
        if !rewriter.errors.is_empty() {
            errors.append(&mut rewriter.errors);
            return None;
        }
        let span = expression.span();
        let converted: hcl::Expression = expression.into();
        match converted.evaluate(&context) {
            Ok(value) => Some(value),
            Err(error) => {
                let location = Location::new(source, span);
                errors.push(ConfigError::Evaluation {
                    attribute: attribute.to_string(),
                    message: error.kind().to_string(),
                    src: location.src,
                    span: location.span,
                    help: None,
                });
                None
            }
        }
    }
}

fn first_string(arguments: &FuncArgs) -> &str {
    arguments
        .first()
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn lower(arguments: FuncArgs) -> Result<Value, String> {
    Ok(first_string(&arguments).to_lowercase().into())
}

fn upper(arguments: FuncArgs) -> Result<Value, String> {
    Ok(first_string(&arguments).to_uppercase().into())
}

fn trimspace(arguments: FuncArgs) -> Result<Value, String> {
    Ok(first_string(&arguments).trim().into())
}

fn unresolved(_: FuncArgs) -> Result<Value, String> {
    Err("this call could not be resolved".into())
}

/// Replaces `env(..)`, `file(..)` and block references with string literals.
struct Rewriter<'a> {
    scope: &'a Scope<'a>,
    context: &'a Context<'static>,
    source: &'a Source,
    attribute: &'a str,
    errors: Vec<ConfigError>,
}

impl Rewriter<'_> {
    fn reference_value(&self, expression: &Expression) -> Option<String> {
        let Expression::Traversal(traversal) = expression else {
            return None;
        };
        let Expression::Variable(root) = &traversal.expr else {
            return None;
        };
        let names: Vec<&str> = traversal
            .operators
            .iter()
            .map(|operator| match operator.value() {
                TraversalOperator::GetAttr(name) => Some(name.as_str()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        let names: Vec<String> = names.into_iter().map(str::to_string).collect();
        let path = resource_path(root.as_str(), &names).ok()?;
        let id: &String = self.scope.ids.get(&path.address)?;
        match path.nested {
            None => Some(id.clone()),
            Some((_, label)) => Some(format!("{}.{label}", path.address.name()?)),
        }
    }

    fn call(&mut self, expression: &Expression) -> Option<String> {
        let Expression::FuncCall(call) = expression else {
            return None;
        };
        let function = call.name.name.as_str();
        let arity = match function {
            "env" | "file" | "encrypted" => 1,
            "secret_manager" => 2,
            _ => return None,
        };
        // A wrong number of arguments is reported by hcl-rs against the declared
        // parameter list.
        if call.name.is_namespaced() || call.args.len() != arity {
            return None;
        }
        let location = Location::new(self.source, call.span());
        let mut texts = Vec::new();
        for argument in call.args.iter() {
            let converted: hcl::Expression = argument.clone().into();
            match converted.evaluate(self.context) {
                Ok(Value::String(text)) => texts.push(text),
                Ok(other) => {
                    self.errors.push(ConfigError::Evaluation {
                        attribute: self.attribute.to_string(),
                        message: format!(
                            "`{function}` takes strings, found {}",
                            super::evaluate::describe_value(&other)
                        ),
                        src: location.src.clone(),
                        span: location.span,
                        help: None,
                    });
                    return Some(String::new());
                }
                Err(error) => {
                    self.errors.push(ConfigError::Evaluation {
                        attribute: self.attribute.to_string(),
                        message: error.kind().to_string(),
                        src: location.src.clone(),
                        span: location.span,
                        help: None,
                    });
                    return Some(String::new());
                }
            }
        }
        let text = texts[0].clone();
        match function {
            "env" => match self.scope.environment.get(&text) {
                Some(value) => {
                    self.scope
                        .environment_read
                        .borrow_mut()
                        .insert(text.clone());
                    Some(value.clone())
                }
                None if self.scope.unknown_inputs => {
                    Some(self.scope.unknown(format!("environment variable `{text}`")))
                }
                None => {
                    self.errors.push(ConfigError::EnvironmentVariableUnset {
                        help: Some(format!("set `{text}` in the environment pingform runs in")),
                        name: text,
                        src: location.src,
                        span: location.span,
                    });
                    Some(String::new())
                }
            },
            "file" => match std::fs::read_to_string(self.scope.dir.join(&text)) {
                Ok(contents) => Some(contents),
                Err(_) if self.scope.unknown_inputs => {
                    Some(self.scope.unknown(format!("file `{text}`")))
                }
                Err(error) => {
                    self.errors.push(ConfigError::FileUnreadable {
                        path: text,
                        reason: error.to_string(),
                        src: location.src,
                        span: location.span,
                    });
                    Some(String::new())
                }
            },
            // PingFederate keeps both as the encrypted form of a secret: an encrypted
            // value from an export, or a reference to a secret manager's secret
            // (`OBF:MGR:{secretManagerId}:{secretId}`, spec `LdapDataStore.encryptedPassword`).
            "encrypted" => Some(encrypted_text(&text)),
            _ => {
                let secret = &texts[1];
                let valid = |part: &str| !part.is_empty() && !part.contains(':');
                if !valid(&text) || !valid(secret) {
                    self.errors.push(ConfigError::Evaluation {
                        attribute: self.attribute.to_string(),
                        message: "a secret manager id and a secret id are non-empty and contain no `:`".into(),
                        src: location.src,
                        span: location.span,
                        help: Some("write `secret_manager(\"MANAGER_ID\", \"SECRET_ID\")`, the ids as PingFederate's secret manager knows them".into()),
                    });
                    return Some(String::new());
                }
                Some(encrypted_text(&format!("OBF:MGR:{text}:{secret}")))
            }
        }
    }
}

/// Marks text as the encrypted form of a secret: the mark survives evaluation (it is
/// a string), and only secret fields accept a value that carries it.
pub const ENCRYPTED_MARK: &str = "\u{1}pingform:encrypted\u{1}";

fn encrypted_text(text: &str) -> String {
    format!("{ENCRYPTED_MARK}{text}")
}

impl VisitMut for Rewriter<'_> {
    fn visit_expr_mut(&mut self, expression: &mut Expression) {
        if let Some(id) = self.reference_value(expression) {
            *expression = Expression::String(Decorated::new(id));
            return;
        }
        visit_expr_mut(self, expression);
        if let Some(text) = self.call(expression) {
            *expression = Expression::String(Decorated::new(text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::files::named_source;

    fn evaluate(scope: &Scope, text: &str) -> Result<Value, Vec<String>> {
        let expression = hcl::edit::parser::parse_expr(text).unwrap();
        let mut errors = Vec::new();
        scope
            .evaluate(
                &expression,
                &named_source("main.hcl", text),
                "test",
                &mut errors,
            )
            .ok_or_else(|| errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn env_and_file_read_the_injected_environment_and_the_configuration_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), "PEM").unwrap();
        let environment = BTreeMap::from([("HOME_DIR".to_string(), "/home/pf".to_string())]);
        let mut scope = Scope {
            dir: dir.path(),
            environment: &environment,
            variables: hcl::Map::new(),
            locals: hcl::Map::new(),
            ids: BTreeMap::new(),
            unknown_inputs: false,
            ignore_server_credentials: false,
            unknowns: Default::default(),
            environment_read: Default::default(),
        };
        scope.variables.insert("name".into(), "HOME".into());
        assert_eq!(
            evaluate(&scope, r#"env("${var.name}_DIR")"#),
            Ok("/home/pf".into())
        );
        assert_eq!(
            evaluate(&scope, r#"lower(file("ca.pem"))"#),
            Ok("pem".into())
        );
        assert_eq!(
            evaluate(&scope, r#"env("NOPE")"#),
            Err(vec!["environment variable `NOPE` is not set".to_string()])
        );
        let missing = evaluate(&scope, r#"file("missing.pem")"#).unwrap_err();
        assert!(
            missing[0].starts_with("cannot read file `missing.pem`"),
            "{missing:?}"
        );
    }

    #[test]
    fn data_store_references_become_their_ids() {
        let environment = BTreeMap::new();
        let mut scope = Scope {
            dir: Path::new("."),
            environment: &environment,
            variables: hcl::Map::new(),
            locals: hcl::Map::new(),
            ids: BTreeMap::new(),
            unknown_inputs: false,
            ignore_server_credentials: false,
            unknowns: Default::default(),
            environment_read: Default::default(),
        };
        scope
            .ids
            .insert("datastore.jdbc.db".parse().unwrap(), "db-id".into());
        assert_eq!(evaluate(&scope, "datastore.jdbc.db"), Ok("db-id".into()));
        assert_eq!(
            evaluate(&scope, r#"upper("${datastore.jdbc.db.id}")"#),
            Ok("DB-ID".into())
        );
        assert_eq!(evaluate(&scope, r#"trimspace("  x ")"#), Ok("x".into()));
    }
}
