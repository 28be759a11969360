//! The `pingfederate { }` block: how to reach the PingFederate Admin API.
//!
//! Owns the block's field table and its checks (URL scheme, duration text, CA file
//! path resolved against the configuration folder). It must not connect to anything:
//! the provider does, with the `PingFederateSettings` built here.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::model::field::{setting, setting_secret};
use crate::model::{Field, FieldType, PingFederateSettings, Secret};

use super::attribute::AttributeEvaluator;
use super::block::BlockDeclaration;
use super::diagnostic::ConfigError;
use super::field_value::FieldValue;

/// The block's attributes (not a PingFederate object: no wire location).
pub const PINGFEDERATE_FIELDS: &[Field] = &[
    setting("url", FieldType::String, true),
    setting("username", FieldType::String, true),
    setting_secret("password", true),
    setting("ca_file", FieldType::String, false),
    setting("insecure_skip_tls_verify", FieldType::Bool, false),
    setting("request_timeout", FieldType::String, false),
];

pub fn evaluate(
    declaration: &BlockDeclaration,
    evaluator: &AttributeEvaluator,
    errors: &mut Vec<ConfigError>,
) -> Option<PingFederateSettings> {
    let before = errors.len();
    let mut settings = PingFederateSettings {
        url: String::new(),
        username: String::new(),
        password: Secret::new(""),
        ca_file: None,
        insecure_skip_tls_verify: false,
        request_timeout: PingFederateSettings::DEFAULT_TIMEOUT,
    };
    for field in PINGFEDERATE_FIELDS {
        let Some(attribute) = declaration.attribute(field.name) else {
            continue;
        };
        let Some(value) = evaluator.evaluate(&declaration.source, attribute, field, errors) else {
            continue;
        };
        let location = declaration.at(hcl::edit::Span::span(&attribute.value));
        let invalid = |message: String, help: &str| ConfigError::InvalidValue {
            attribute: field.name.to_string(),
            message,
            src: location.src.clone(),
            span: location.span,
            help: Some(help.to_string()),
        };
        let text = match &value {
            FieldValue::Plain(serde_json::Value::String(text)) => text.clone(),
            FieldValue::Secret(secret) => secret.expose().to_string(),
            _ => String::new(),
        };
        match field.name {
            "url" => {
                if text.starts_with("https://") || text.starts_with("http://") {
                    settings.url = text.trim_end_matches('/').to_string();
                } else {
                    errors.push(invalid(
                        format!("`{text}` is not an http(s) URL"),
                        "write the Admin API base URL, e.g. \"https://pf.example.com:9999/pf-admin-api/v1\"",
                    ));
                }
            }
            "username" => settings.username = text,
            "password" => settings.password = Secret::new(text),
            "ca_file" => match ca_file(evaluator.scope.dir, &text) {
                Ok(path) => settings.ca_file = Some(path),
                Err((message, help)) => errors.push(invalid(message, help)),
            },
            "insecure_skip_tls_verify" => {
                settings.insecure_skip_tls_verify =
                    matches!(value, FieldValue::Plain(serde_json::Value::Bool(true)));
            }
            "request_timeout" => match request_timeout(&text) {
                Ok(duration) => settings.request_timeout = duration,
                Err((message, help)) => errors.push(invalid(message, help)),
            },
            _ => {}
        }
    }
    (errors.len() == before).then_some(settings)
}

/// A `ca_file` setting: the path relative to the configuration folder, which must be
/// a file. The error is a message and a hint.
pub fn ca_file(dir: &Path, text: &str) -> Result<PathBuf, (String, &'static str)> {
    let path = dir.join(text);
    if path.is_file() {
        Ok(path)
    } else {
        Err((
            format!("CA file `{}` does not exist", path.display()),
            "paths are relative to the configuration folder",
        ))
    }
}

/// A `request_timeout` setting: a duration text longer than zero. The error is a
/// message and a hint.
pub fn request_timeout(text: &str) -> Result<Duration, (String, &'static str)> {
    match humantime::parse_duration(text) {
        Ok(duration) if duration > Duration::ZERO => Ok(duration),
        Ok(_) => Err((
            "the timeout must be longer than zero".into(),
            "e.g. \"30s\"",
        )),
        Err(error) => Err((
            format!("`{text}` is not a duration: {error}"),
            "write a duration such as \"30s\", \"2m\" or \"500ms\"",
        )),
    }
}
