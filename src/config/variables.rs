//! Input variables: their declarations, types, and where their values come from.
//!
//! Owns `variable "NAME" { }` blocks, the type language (`string`, `number`, `bool`,
//! `any`, `list(T)`, `map(T)`), conversion of text from the command line and the
//! environment into typed values, and the precedence default < `PINGFORM_VAR_NAME` <
//! `--var-file` < `--var`. It must not evaluate references: defaults and variable
//! files hold plain values.

use std::collections::{BTreeMap, BTreeSet};

use hcl::Value;
use hcl::edit::Span;
use hcl::edit::expr::Expression;
use hcl::edit::structure::Block;

use super::diagnostic::{ConfigError, Location, Source, did_you_mean};
use super::evaluate::describe_value;
use super::files::{display_name, parse_file, read_text};
use super::options::LoadOptions;

pub const ENVIRONMENT_PREFIX: &str = "PINGFORM_VAR_";

#[derive(Debug, Clone, PartialEq)]
pub enum VariableType {
    Any,
    String,
    Number,
    Bool,
    List(Box<VariableType>),
    Map(Box<VariableType>),
}

impl VariableType {
    /// Reads a type expression: `string`, `list(string)`, `map(number)`.
    pub fn parse(expression: &Expression) -> Result<VariableType, String> {
        match expression {
            Expression::Variable(name) => match name.as_str() {
                "string" => Ok(VariableType::String),
                "number" => Ok(VariableType::Number),
                "bool" => Ok(VariableType::Bool),
                "any" => Ok(VariableType::Any),
                other => Err(format!("unknown type `{other}`")),
            },
            Expression::FuncCall(call) if call.args.len() == 1 => {
                let element = call
                    .args
                    .iter()
                    .next()
                    .map(VariableType::parse)
                    .unwrap_or(Ok(VariableType::Any))?;
                match call.name.name.as_str() {
                    "list" => Ok(VariableType::List(Box::new(element))),
                    "map" => Ok(VariableType::Map(Box::new(element))),
                    other => Err(format!("unknown type constructor `{other}`")),
                }
            }
            _ => Err("expected a type such as `string`, `number`, `bool`, `list(string)` or `map(string)`".into()),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            VariableType::Any => "any".into(),
            VariableType::String => "string".into(),
            VariableType::Number => "number".into(),
            VariableType::Bool => "bool".into(),
            VariableType::List(element) => format!("list({})", element.describe()),
            VariableType::Map(element) => format!("map({})", element.describe()),
        }
    }

    /// Converts a value to this type the way a user expects: `"5"` is a fine number,
    /// `5` a fine string; `"yes"` is not a bool.
    pub fn convert(&self, value: Value) -> Result<Value, String> {
        let mismatch = |value: &Value| {
            format!(
                "expected {}, found {}",
                self.describe(),
                describe_value(value)
            )
        };
        match (self, value) {
            (VariableType::Any, value) => Ok(value),
            (VariableType::String, Value::String(text)) => Ok(Value::String(text)),
            (VariableType::String, Value::Number(number)) => Ok(Value::String(number.to_string())),
            (VariableType::String, Value::Bool(flag)) => Ok(Value::String(flag.to_string())),
            (VariableType::Number, Value::Number(number)) => Ok(Value::Number(number)),
            (VariableType::Number, Value::String(text)) => {
                parse_number(&text).ok_or_else(|| mismatch(&Value::String(text)))
            }
            (VariableType::Bool, Value::Bool(flag)) => Ok(Value::Bool(flag)),
            (VariableType::Bool, Value::String(text)) if text == "true" || text == "false" => {
                Ok(Value::Bool(text == "true"))
            }
            (VariableType::List(element), Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(index, item)| {
                    element
                        .convert(item)
                        .map_err(|e| format!("element {index}: {e}"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            (VariableType::Map(element), Value::Object(entries)) => entries
                .into_iter()
                .map(|(key, item)| {
                    element
                        .convert(item)
                        .map(|item| (key.clone(), item))
                        .map_err(|e| format!("key `{key}`: {e}"))
                })
                .collect::<Result<hcl::Map<_, _>, _>>()
                .map(Value::Object),
            (_, value) => Err(mismatch(&value)),
        }
    }

    /// Converts text from `--var` or the environment. Strings are taken as they are;
    /// lists and maps are written as HCL (`["a", "b"]`, `{ a = "b" }`).
    pub fn parse_text(&self, text: &str) -> Result<Value, String> {
        match self {
            VariableType::String | VariableType::Any => Ok(Value::String(text.to_string())),
            VariableType::Number | VariableType::Bool => {
                self.convert(Value::String(text.trim().to_string()))
            }
            VariableType::List(_) | VariableType::Map(_) => {
                let expression: hcl::Expression = hcl::edit::parser::parse_expr(text)
                    .map_err(|error| {
                        format!(
                            "cannot parse `{text}` as {}: {}",
                            self.describe(),
                            error.message()
                        )
                    })?
                    .into();
                let value = hcl::eval::Evaluate::evaluate(&expression, &hcl::eval::Context::new())
                    .map_err(|error| format!("cannot evaluate `{text}`: {error}"))?;
                self.convert(value)
            }
        }
    }
}

fn parse_number(text: &str) -> Option<Value> {
    if let Ok(integer) = text.parse::<i64>() {
        return Some(Value::from(integer));
    }
    text.parse::<f64>()
        .ok()
        .and_then(hcl::Number::from_f64)
        .map(Value::Number)
}

/// A checked `variable "NAME" { }` block.
pub struct VariableDeclaration {
    pub name: String,
    pub variable_type: VariableType,
    pub default: Option<Value>,
    pub sensitive: bool,
    pub location: Location,
}

const VARIABLE_ATTRIBUTES: [&str; 4] = ["type", "default", "sensitive", "description"];

/// Reads a variable block whose labels were already checked.
pub fn parse_declaration(
    name: &str,
    block: &Block,
    source: &Source,
    label_span: Option<std::ops::Range<usize>>,
    errors: &mut Vec<ConfigError>,
) -> VariableDeclaration {
    let at = |span| Location::new(source, span);
    let mut declaration = VariableDeclaration {
        name: name.to_string(),
        variable_type: VariableType::Any,
        default: None,
        sensitive: false,
        location: at(label_span),
    };
    let context = hcl::eval::Context::new();
    let block_name = format!("variable \"{name}\"");
    for structure in block.body.iter() {
        let Some(attribute) = structure.as_attribute() else {
            if let Some(inner) = structure.as_block() {
                let location = at(inner.ident.span());
                errors.push(ConfigError::UnexpectedBlock {
                    name: inner.ident.to_string(),
                    block: block_name.clone(),
                    src: location.src,
                    span: location.span,
                    help: None,
                });
            }
            continue;
        };
        let key = attribute.key.as_str();
        let value_location = at(attribute.value.span());
        let evaluate = || {
            let expression: hcl::Expression = attribute.value.clone().into();
            hcl::eval::Evaluate::evaluate(&expression, &context).map_err(|error| error.to_string())
        };
        let invalid = |message: String| ConfigError::InvalidValue {
            attribute: format!("{block_name}.{key}"),
            message,
            src: value_location.src.clone(),
            span: value_location.span,
            help: None,
        };
        match key {
            "type" => match VariableType::parse(&attribute.value) {
                Ok(variable_type) => declaration.variable_type = variable_type,
                Err(message) => errors.push(invalid(message)),
            },
            "default" => match evaluate() {
                Ok(value) => declaration.default = Some(value),
                Err(message) => errors.push(invalid(format!(
                    "{message} (defaults must be plain values without references)"
                ))),
            },
            "sensitive" => match evaluate() {
                Ok(Value::Bool(flag)) => declaration.sensitive = flag,
                Ok(other) => errors.push(invalid(format!(
                    "expected bool, found {}",
                    describe_value(&other)
                ))),
                Err(message) => errors.push(invalid(message)),
            },
            "description" => {}
            unknown => {
                let location = at(attribute.key.span());
                errors.push(ConfigError::UnknownAttribute {
                    name: unknown.to_string(),
                    block: block_name.clone(),
                    src: location.src,
                    span: location.span,
                    help: did_you_mean(unknown, VARIABLE_ATTRIBUTES),
                });
            }
        }
    }
    if let Some(default) = declaration.default.take() {
        match declaration.variable_type.convert(default) {
            Ok(value) => declaration.default = Some(value),
            Err(message) => {
                let span = block
                    .body
                    .get_attribute("default")
                    .and_then(|a| a.value.span());
                let location = at(span);
                let message = if declaration.sensitive {
                    sensitive_mismatch(&declaration.variable_type)
                } else {
                    message
                };
                errors.push(ConfigError::InvalidValue {
                    attribute: format!("{block_name}.default"),
                    message,
                    src: location.src,
                    span: location.span,
                    help: None,
                });
            }
        }
    }
    declaration
}

/// The type error of a sensitive variable, which names the type and never the value.
fn sensitive_mismatch(variable_type: &VariableType) -> String {
    format!(
        "expected {}, found a value that is not one (not shown: the variable is sensitive)",
        variable_type.describe()
    )
}

/// The value of every variable, and which of them are sensitive.
#[derive(Default)]
pub struct VariableValues {
    pub values: hcl::Map<String, Value>,
    pub sensitive: BTreeSet<String>,
    /// The variables given a value (`--var`, a var file, `PINGFORM_VAR_NAME`), not
    /// left at their default.
    pub given: Vec<String>,
}

/// Where a candidate value came from, for messages and spans.
struct Candidate {
    value: Result<Value, String>,
    origin: String,
    location: Option<Location>,
}

/// Picks every variable's value by precedence and converts it to the declared type.
/// In `unknown_inputs` mode a variable without a value is unknown (its name goes to
/// `unknown`) rather than an error; so is one in `needless` (read only by what a
/// built-in sandbox replaces).
pub fn resolve(
    declarations: &[VariableDeclaration],
    options: &LoadOptions,
    needless: &BTreeSet<String>,
    unknown: &mut Vec<String>,
    errors: &mut Vec<ConfigError>,
) -> VariableValues {
    let declared: BTreeMap<&str, &VariableDeclaration> =
        declarations.iter().map(|d| (d.name.as_str(), d)).collect();
    let names: Vec<&str> = declared.keys().copied().collect();
    let mut chosen: BTreeMap<String, Candidate> = BTreeMap::new();

    for declaration in declarations {
        let key = format!("{ENVIRONMENT_PREFIX}{}", declaration.name);
        if let Some(text) = options.environment.get(&key) {
            chosen.insert(
                declaration.name.clone(),
                Candidate {
                    value: declaration.variable_type.parse_text(text),
                    origin: format!("environment variable `{key}`"),
                    location: None,
                },
            );
        }
    }

    for path in &options.var_files {
        let name = display_name(path);
        let text = match read_text(path) {
            Ok(text) => text,
            Err(error) => {
                errors.push(match *error {
                    ConfigError::UnreadableFile { reason, .. } => {
                        ConfigError::VarFileUnreadable { path: name, reason }
                    }
                    other => other,
                });
                continue;
            }
        };
        let Some(file) = parse_file(&name, &text, errors) else {
            continue;
        };
        for attribute in file.body.attributes() {
            let variable = attribute.key.as_str();
            let Some(declaration) = declared.get(variable) else {
                let location = Location::new(&file.source, attribute.key.span());
                errors.push(ConfigError::UndeclaredVariable {
                    name: variable.to_string(),
                    origin: format!("variable file `{name}`"),
                    src: Some(location.src),
                    span: Some(location.span),
                    help: did_you_mean(variable, names.iter().copied()),
                });
                continue;
            };
            let expression: hcl::Expression = attribute.value.clone().into();
            let value = hcl::eval::Evaluate::evaluate(&expression, &hcl::eval::Context::new())
                .map_err(|error| error.to_string())
                .and_then(|value| declaration.variable_type.convert(value));
            chosen.insert(
                variable.to_string(),
                Candidate {
                    value,
                    origin: format!("variable file `{name}`"),
                    location: Some(Location::new(&file.source, attribute.value.span())),
                },
            );
        }
    }

    for (variable, text) in &options.vars {
        let Some(declaration) = declared.get(variable.as_str()) else {
            errors.push(ConfigError::UndeclaredVariable {
                name: variable.clone(),
                origin: "--var".to_string(),
                src: None,
                span: None,
                help: did_you_mean(variable, names.iter().copied()).or_else(|| {
                    Some(format!(
                        "declare it with `variable \"{variable}\" {{ type = string }}`"
                    ))
                }),
            });
            continue;
        };
        chosen.insert(
            variable.clone(),
            Candidate {
                value: declaration.variable_type.parse_text(text),
                origin: "--var".to_string(),
                location: None,
            },
        );
    }

    let mut result = VariableValues::default();
    for declaration in declarations {
        if declaration.sensitive {
            result.sensitive.insert(declaration.name.clone());
        }
        let value = match chosen.remove(&declaration.name) {
            Some(Candidate {
                value: Ok(value), ..
            }) => {
                result.given.push(declaration.name.clone());
                value
            }
            Some(Candidate {
                value: Err(message),
                origin,
                location,
            }) => {
                // A sensitive value is never shown: not in the message, not in a
                // source snippet (a variable file's line holds it).
                let (origin, message, location) = if declaration.sensitive {
                    let origin = match &location {
                        Some(location) => format!("{origin} ({})", location.describe()),
                        None => origin,
                    };
                    (origin, sensitive_mismatch(&declaration.variable_type), None)
                } else {
                    (origin, message, location)
                };
                errors.push(ConfigError::VariableValue {
                    name: declaration.name.clone(),
                    origin,
                    message,
                    src: location.as_ref().map(|l| l.src.clone()),
                    span: location.map(|l| l.span),
                    help: Some(format!(
                        "`{}` is declared as {}",
                        declaration.name,
                        declaration.variable_type.describe()
                    )),
                });
                continue;
            }
            None => match &declaration.default {
                Some(default) => default.clone(),
                None if options.unknown_inputs || needless.contains(&declaration.name) => {
                    unknown.push(declaration.name.clone());
                    Value::String(super::evaluate::UNKNOWN_MARK.to_string())
                }
                None => {
                    let location = declaration.location.clone();
                    errors.push(ConfigError::VariableWithoutValue {
                        name: declaration.name.clone(),
                        src: location.src,
                        span: location.span,
                        help: Some(format!(
                            "pass `--var {name}=VALUE`, set it in a `--var-file`, set the environment variable `{ENVIRONMENT_PREFIX}{name}`, or give it a `default`",
                            name = declaration.name
                        )),
                    });
                    continue;
                }
            },
        };
        result.values.insert(declaration.name.clone(), value);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::files::named_source;

    fn declaration(
        name: &str,
        variable_type: VariableType,
        default: Option<Value>,
    ) -> VariableDeclaration {
        VariableDeclaration {
            name: name.to_string(),
            variable_type,
            default,
            sensitive: false,
            location: Location::new(&named_source("main.hcl", ""), None),
        }
    }

    #[test]
    fn text_converts_to_the_declared_type() {
        assert_eq!(VariableType::Number.parse_text("60"), Ok(Value::from(60)));
        assert_eq!(VariableType::Bool.parse_text("true"), Ok(Value::Bool(true)));
        assert!(VariableType::Bool.parse_text("yes").is_err());
        assert!(VariableType::Number.parse_text("sixty").is_err());
        assert_eq!(
            VariableType::List(Box::new(VariableType::String)).parse_text(r#"["a", "b"]"#),
            Ok(Value::Array(vec!["a".into(), "b".into()]))
        );
        assert!(
            VariableType::Map(Box::new(VariableType::String))
                .parse_text("[1]")
                .is_err()
        );
        assert_eq!(VariableType::String.parse_text("5"), Ok(Value::from("5")));
    }

    #[test]
    fn type_expressions_parse() {
        let parse = |text: &str| VariableType::parse(&hcl::edit::parser::parse_expr(text).unwrap());
        assert_eq!(
            parse("list(string)"),
            Ok(VariableType::List(Box::new(VariableType::String)))
        );
        assert_eq!(
            parse("map(number)"),
            Ok(VariableType::Map(Box::new(VariableType::Number)))
        );
        assert!(parse("strin").is_err());
    }

    #[test]
    fn precedence_is_default_then_environment_then_var_file_then_command_line() {
        let dir = tempfile::tempdir().unwrap();
        let var_file = dir.path().join("values.hcl");
        std::fs::write(&var_file, "b = \"file\"\nc = \"file\"\n").unwrap();
        let declarations: Vec<VariableDeclaration> = ["a", "b", "c", "d"]
            .iter()
            .map(|n| declaration(n, VariableType::String, Some("default".into())))
            .collect();
        let options = LoadOptions {
            dir: dir.path().to_path_buf(),
            vars: vec![("c".into(), "flag".into())],
            var_files: vec![var_file],
            retarget: None,
            unknown_inputs: false,
            environment: [
                ("PINGFORM_VAR_a", "env"),
                ("PINGFORM_VAR_b", "env"),
                ("PINGFORM_VAR_c", "env"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        };
        let mut errors = Vec::new();
        let values = resolve(
            &declarations,
            &options,
            &BTreeSet::new(),
            &mut Vec::new(),
            &mut errors,
        );
        assert!(errors.is_empty());
        let value = |n: &str| values.values[n].as_str().unwrap().to_string();
        assert_eq!(
            [value("a"), value("b"), value("c"), value("d")],
            ["env", "file", "flag", "default"]
        );
    }

    #[test]
    fn missing_values_and_bad_conversions_name_the_variable() {
        let declarations = vec![
            declaration("needed", VariableType::String, None),
            declaration("count", VariableType::Number, None),
        ];
        let options = LoadOptions {
            dir: ".".into(),
            vars: vec![("count".into(), "many".into())],
            var_files: vec![],
            environment: BTreeMap::new(),
            retarget: None,
            unknown_inputs: false,
        };
        let mut errors = Vec::new();
        resolve(
            &declarations,
            &options,
            &BTreeSet::new(),
            &mut Vec::new(),
            &mut errors,
        );
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "variable `needed` has no value",
                "invalid value for variable `count` from --var: expected number, found string \"many\"",
            ]
        );
    }
}
