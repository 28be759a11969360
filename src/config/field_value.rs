//! Checking an evaluated value against a field of the model's schema tables.
//!
//! Owns the conversion from `hcl::Value` to model-space JSON (or `Secret`s) for every
//! `FieldType`, with a path to the exact element that is wrong, and the helper that
//! finds that element's span in the source expression. It must not evaluate
//! expressions or decide which fields a block has.

use std::collections::BTreeMap;
use std::ops::Range;

use hcl::Value;
use hcl::edit::Span;
use hcl::edit::expr::{Expression, ObjectKey};
use serde_json::Value as Json;

pub use crate::model::PathStep;
use crate::model::suggest::{did_you_mean, list_names};
use crate::model::{DEFAULT_ROW, Field, FieldType, Secret};

use super::evaluate::{ENCRYPTED_MARK, describe_value};

/// A field's checked value.
#[derive(Debug, PartialEq)]
pub enum FieldValue {
    Plain(Json),
    Secret(Secret),
    /// A `SecretMap`: one secret per key.
    Secrets(BTreeMap<String, Secret>),
}

#[derive(Debug, PartialEq)]
pub enum ProblemKind {
    WrongType {
        expected: String,
        found: String,
    },
    UnknownKey {
        help: Option<String>,
    },
    MissingKey {
        name: String,
    },
    NotAllowed {
        value: String,
        allowed: &'static [&'static str],
    },
    /// `encrypted()` or `secret_manager()` outside a secret field, or inside text.
    EncryptedOutsideSecret,
    /// A whole number PingFederate cannot hold (its integer fields are `int32`).
    OutOfRange {
        value: String,
    },
}

/// What is wrong, and where inside the value.
#[derive(Debug, PartialEq)]
pub struct Problem {
    pub path: Vec<PathStep>,
    pub kind: ProblemKind,
}

impl Problem {
    /// `connection_url_tags[0].tags`
    pub fn describe_path(&self, field: &str) -> String {
        let mut text = field.to_string();
        for step in &self.path {
            match step {
                PathStep::Index(index) => text.push_str(&format!("[{index}]")),
                PathStep::Key(key) if is_identifier(key) => text.push_str(&format!(".{key}")),
                PathStep::Key(key) => text.push_str(&format!("[{key:?}]")),
            }
        }
        text
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

pub fn convert(field: &Field, value: &Value) -> Result<FieldValue, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut path = Vec::new();
    let result = match field.ty {
        FieldType::SecretMap => {
            secret_map(value, &mut path, &mut problems).map(FieldValue::Secrets)
        }
        _ if field.is_secret() => secret_text(value, &path, &mut problems).map(FieldValue::Secret),
        field_type => plain(field_type, value, &mut path, &mut problems).map(FieldValue::Plain),
    };
    match result {
        Some(converted) if problems.is_empty() => Ok(converted),
        _ => Err(problems),
    }
}

/// A secret: plain text, or (from `encrypted()` and `secret_manager()`) the encrypted
/// form PingFederate holds.
fn secret_text(value: &Value, path: &[PathStep], problems: &mut Vec<Problem>) -> Option<Secret> {
    let Value::String(text) = value else {
        wrong("string", value, path, problems);
        return None;
    };
    match text.strip_prefix(ENCRYPTED_MARK) {
        Some(encrypted) if !encrypted.contains(ENCRYPTED_MARK) => {
            Some(Secret::encrypted(encrypted))
        }
        Some(_) => {
            encrypted_misplaced(path, problems);
            None
        }
        None if text.contains(ENCRYPTED_MARK) => {
            encrypted_misplaced(path, problems);
            None
        }
        None => Some(Secret::new(text.clone())),
    }
}

fn secret_map(
    value: &Value,
    path: &mut Vec<PathStep>,
    problems: &mut Vec<Problem>,
) -> Option<BTreeMap<String, Secret>> {
    let Value::Object(entries) = value else {
        wrong("map of strings", value, path, problems);
        return None;
    };
    let mut secrets = BTreeMap::new();
    for (key, entry) in entries {
        path.push(PathStep::Key(key.clone()));
        if let Some(secret) = secret_text(entry, path, problems) {
            secrets.insert(key.clone(), secret);
        }
        path.pop();
    }
    Some(secrets)
}

/// An encrypted value must be a secret field's whole value.
fn encrypted_misplaced(path: &[PathStep], problems: &mut Vec<Problem>) {
    problems.push(Problem {
        path: path.to_vec(),
        kind: ProblemKind::EncryptedOutsideSecret,
    });
}

fn wrong(expected: &str, value: &Value, path: &[PathStep], problems: &mut Vec<Problem>) {
    problems.push(Problem {
        path: path.to_vec(),
        kind: ProblemKind::WrongType {
            expected: expected.to_string(),
            found: describe_value(value),
        },
    });
}

fn string(value: &Value, path: &[PathStep], problems: &mut Vec<Problem>) -> Option<String> {
    match value {
        Value::String(text) if text.contains(ENCRYPTED_MARK) => {
            encrypted_misplaced(path, problems);
            None
        }
        Value::String(text) => Some(text.clone()),
        other => {
            wrong("string", other, path, problems);
            None
        }
    }
}

/// Plugin configuration values are strings on the wire; numbers and bools written
/// without quotes are taken as their text.
fn scalar_text(value: &Value, path: &[PathStep], problems: &mut Vec<Problem>) -> Option<String> {
    match value {
        Value::String(text) if text.contains(ENCRYPTED_MARK) => {
            encrypted_misplaced(path, problems);
            None
        }
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        other => {
            wrong("string", other, path, problems);
            None
        }
    }
}

fn string_map(
    value: &Value,
    path: &mut Vec<PathStep>,
    problems: &mut Vec<Problem>,
) -> Option<Vec<(String, String)>> {
    let Value::Object(entries) = value else {
        wrong("map of strings", value, path, problems);
        return None;
    };
    let mut result = Vec::new();
    for (key, item) in entries {
        path.push(PathStep::Key(key.clone()));
        if let Some(text) = scalar_text(item, path, problems) {
            result.push((key.clone(), text));
        }
        path.pop();
    }
    Some(result)
}

fn plain(
    field_type: FieldType,
    value: &Value,
    path: &mut Vec<PathStep>,
    problems: &mut Vec<Problem>,
) -> Option<Json> {
    match (field_type, value) {
        (FieldType::String | FieldType::Reference(_), Value::String(text)) => {
            Some(Json::String(text.clone()))
        }
        (FieldType::Enum(allowed), Value::String(text)) => {
            if allowed.contains(&text.as_str()) {
                Some(Json::String(text.clone()))
            } else {
                problems.push(Problem {
                    path: path.clone(),
                    kind: ProblemKind::NotAllowed {
                        value: text.clone(),
                        allowed,
                    },
                });
                None
            }
        }
        (FieldType::Bool, Value::Bool(flag)) => Some(Json::Bool(*flag)),
        (FieldType::Integer, Value::Number(number)) => match number.as_i64() {
            // Every integer field of the objects pingform writes is `format: int32` in
            // PingFederate's spec (12.0, 12.1).
            Some(integer) if i32::try_from(integer).is_ok() => Some(Json::from(integer)),
            Some(integer) => {
                problems.push(Problem {
                    path: path.clone(),
                    kind: ProblemKind::OutOfRange {
                        value: integer.to_string(),
                    },
                });
                None
            }
            None if number.as_f64().is_some_and(|f| f.fract() == 0.0) => {
                problems.push(Problem {
                    path: path.clone(),
                    kind: ProblemKind::OutOfRange {
                        value: number.to_string(),
                    },
                });
                None
            }
            None => {
                wrong("whole number", value, path, problems);
                None
            }
        },
        (FieldType::StringList, Value::Array(items)) => {
            let mut result = Vec::new();
            for (index, item) in items.iter().enumerate() {
                path.push(PathStep::Index(index));
                if let Some(text) = string(item, path, problems) {
                    result.push(Json::String(text));
                }
                path.pop();
            }
            Some(Json::Array(result))
        }
        (FieldType::ObjectList(fields), Value::Array(items)) => {
            let mut result = Vec::new();
            for (index, item) in items.iter().enumerate() {
                path.push(PathStep::Index(index));
                if let Some(object) = nested_object(fields, item, path, problems) {
                    result.push(object);
                }
                path.pop();
            }
            Some(Json::Array(result))
        }
        (FieldType::StringMap, _) => string_map(value, path, problems).map(|entries| {
            Json::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, Json::String(v)))
                    .collect(),
            )
        }),
        (FieldType::Mapping(fields), Value::Object(entries)) => {
            let mut result = serde_json::Map::new();
            for (key, entry) in entries {
                path.push(PathStep::Key(key.clone()));
                let converted = match entry {
                    // The short form: the one source attribute.
                    Value::String(attribute) => Some(Json::String(attribute.clone())),
                    Value::Object(_) => nested_object(fields, entry, path, problems),
                    other => {
                        wrong("attribute name or mapping object", other, path, problems);
                        None
                    }
                };
                if let Some(converted) = converted {
                    result.insert(key.clone(), converted);
                }
                path.pop();
            }
            Some(Json::Object(result))
        }
        (FieldType::TableMap, Value::Object(tables)) => {
            let mut result = serde_json::Map::new();
            for (table, rows) in tables {
                path.push(PathStep::Key(table.clone()));
                let Value::Array(rows) = rows else {
                    wrong("list of rows", rows, path, problems);
                    path.pop();
                    continue;
                };
                let mut converted = Vec::new();
                for (index, row) in rows.iter().enumerate() {
                    path.push(PathStep::Index(index));
                    if let Some(converted_row) = table_row(row, path, problems) {
                        converted.push(converted_row);
                    }
                    path.pop();
                }
                result.insert(table.clone(), Json::Array(converted));
                path.pop();
            }
            Some(Json::Object(result))
        }
        (field_type, other) => {
            wrong(field_type.describe(), other, path, problems);
            None
        }
    }
}

/// One table row: cells of text, and `default_row`, whether it is the table's
/// default row.
fn table_row(value: &Value, path: &mut Vec<PathStep>, problems: &mut Vec<Problem>) -> Option<Json> {
    let Value::Object(cells) = value else {
        wrong("map of strings", value, path, problems);
        return None;
    };
    let mut row = serde_json::Map::new();
    for (key, cell) in cells {
        path.push(PathStep::Key(key.clone()));
        if key == DEFAULT_ROW {
            match cell {
                Value::Bool(flag) => {
                    row.insert(key.clone(), Json::Bool(*flag));
                }
                other => wrong("bool", other, path, problems),
            }
        } else if let Some(text) = scalar_text(cell, path, problems) {
            row.insert(key.clone(), Json::String(text));
        }
        path.pop();
    }
    Some(Json::Object(row))
}

fn nested_object(
    fields: &'static [Field],
    value: &Value,
    path: &mut Vec<PathStep>,
    problems: &mut Vec<Problem>,
) -> Option<Json> {
    let Value::Object(entries) = value else {
        wrong("object", value, path, problems);
        return None;
    };
    for key in entries.keys() {
        if !fields.iter().any(|f| f.name == key) {
            path.push(PathStep::Key(key.clone()));
            let help = did_you_mean(key, fields.iter().map(|f| f.name)).or_else(|| {
                Some(format!(
                    "allowed are {}",
                    list_names(fields.iter().map(|f| f.name))
                ))
            });
            problems.push(Problem {
                path: path.clone(),
                kind: ProblemKind::UnknownKey { help },
            });
            path.pop();
        }
    }
    let mut result = serde_json::Map::new();
    for field in fields {
        match entries.get(field.name) {
            Some(Value::Null) | None => {
                if field.required {
                    problems.push(Problem {
                        path: path.clone(),
                        kind: ProblemKind::MissingKey {
                            name: field.name.to_string(),
                        },
                    });
                }
            }
            Some(item) => {
                path.push(PathStep::Key(field.name.to_string()));
                if let Some(converted) = plain(field.ty, item, path, problems) {
                    result.insert(field.name.to_string(), converted);
                }
                path.pop();
            }
        }
    }
    Some(Json::Object(result))
}

/// The span of the element at `path` inside a literal expression, when the source
/// spells it out (a list or object literal); otherwise the span of `expression`.
/// With `at_key`, a last step that is an object key points at the key, not its value.
pub fn locate(expression: &Expression, path: &[PathStep], at_key: bool) -> Option<Range<usize>> {
    let Some((step, rest)) = path.split_first() else {
        return expression.span();
    };
    let inner = match (expression, step) {
        (Expression::Array(array), PathStep::Index(index)) => array.iter().nth(*index),
        (Expression::Object(object), PathStep::Key(key)) => {
            let found = object
                .iter()
                .find(|(object_key, _)| object_key_text(object_key).as_deref() == Some(key));
            match found {
                // An unknown key is best shown at the key itself.
                Some((object_key, _)) if rest.is_empty() && at_key => {
                    return object_key_span(object_key).or_else(|| expression.span());
                }
                Some((_, value)) => Some(value.expr()),
                None => None,
            }
        }
        _ => None,
    };
    match inner {
        Some(inner) => locate(inner, rest, at_key).or_else(|| expression.span()),
        None => expression.span(),
    }
}

fn object_key_text(key: &ObjectKey) -> Option<String> {
    match key {
        ObjectKey::Ident(ident) => Some(ident.to_string()),
        ObjectKey::Expression(Expression::String(text)) => Some(text.to_string()),
        ObjectKey::Expression(_) => None,
    }
}

fn object_key_span(key: &ObjectKey) -> Option<Range<usize>> {
    match key {
        ObjectKey::Ident(ident) => ident.span(),
        ObjectKey::Expression(expression) => expression.span(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResourceKind;

    fn field(kind: ResourceKind, name: &str) -> &'static Field {
        kind.field(name).unwrap()
    }

    fn value(text: &str) -> Value {
        let expression: hcl::Expression = hcl::edit::parser::parse_expr(text).unwrap().into();
        hcl::eval::Evaluate::evaluate(&expression, &hcl::eval::Context::new()).unwrap()
    }

    #[test]
    fn scalars_convert_to_json() {
        let pool = field(ResourceKind::DatastoreJdbc, "min_pool_size");
        assert_eq!(
            convert(pool, &value("5")),
            Ok(FieldValue::Plain(Json::from(5)))
        );
        let problems = convert(pool, &value(r#""five""#)).unwrap_err();
        assert_eq!(
            problems[0].kind,
            ProblemKind::WrongType {
                expected: "number".into(),
                found: "string \"five\"".into()
            }
        );
        assert!(convert(pool, &value("5.5")).is_err());
    }

    #[test]
    fn secrets_never_become_plain_json() {
        let password = field(ResourceKind::DatastoreJdbc, "password");
        assert_eq!(
            convert(password, &value(r#""hunter2""#)),
            Ok(FieldValue::Secret(Secret::new("hunter2")))
        );
        let sensitive = field(ResourceKind::DatastoreCustom, "sensitive_configuration");
        let Ok(FieldValue::Secrets(secrets)) = convert(sensitive, &value(r#"{ "API Key" = "k" }"#))
        else {
            panic!("a secret map converts to secrets");
        };
        assert_eq!(secrets["API Key"].expose(), "k");
    }

    #[test]
    fn enums_list_what_is_allowed() {
        let ldap_type = field(ResourceKind::DatastoreLdap, "ldap_type");
        let problems = convert(ldap_type, &value(r#""OPENLDAP""#)).unwrap_err();
        assert!(
            matches!(&problems[0].kind, ProblemKind::NotAllowed { value, .. } if value == "OPENLDAP")
        );
    }

    #[test]
    fn object_lists_check_nested_fields_in_schema_order() {
        let tags = field(ResourceKind::DatastoreJdbc, "connection_url_tags");
        let converted = convert(
            tags,
            &value(r#"[{ default_source = true, connection_url = "jdbc:x" }]"#),
        );
        assert_eq!(
            converted,
            Ok(FieldValue::Plain(
                serde_json::json!([{ "connection_url": "jdbc:x", "default_source": true }])
            ))
        );
        let problems = convert(tags, &value(r#"[{ conection_url = "jdbc:x" }]"#)).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert_eq!(
            problems[0].describe_path("connection_url_tags"),
            "connection_url_tags[0].conection_url"
        );
        assert!(
            matches!(&problems[1].kind, ProblemKind::MissingKey { name } if name == "connection_url")
        );
    }

    #[test]
    fn problems_are_located_inside_literal_values() {
        let text = r#"[{ a = 1 }, { b = "x" }]"#;
        let expression = hcl::edit::parser::parse_expr(text).unwrap();
        let span = locate(
            &expression,
            &[PathStep::Index(1), PathStep::Key("b".into())],
            true,
        )
        .unwrap();
        assert_eq!(&text[span], "b");
    }
}
