//! The `pingone { }` block: how to reach the PingOne Management API.
//!
//! Owns the block's field table and its checks: a region code (mapped to host names by
//! `model::region_urls`) or both explicit URLs, never both ways at once; the worker
//! app's credentials; the CA file and request timeout, read like the `pingfederate`
//! block's. It must not connect to anything: the PingOne provider does, with the
//! `PingOneSettings` built here.

use hcl::edit::Span;

use crate::model::field::{setting, setting_secret};
use crate::model::{Field, FieldType, PingFederateSettings, PingOneSettings, REGIONS, Secret};

use super::attribute::AttributeEvaluator;
use super::block::BlockDeclaration;
use super::diagnostic::{ConfigError, did_you_mean, list_names};
use super::field_value::FieldValue;
use super::pingfederate_block::{ca_file, request_timeout};

/// The block's attributes (not a PingFederate object: no wire location).
pub const PINGONE_FIELDS: &[Field] = &[
    setting("region", FieldType::String, false),
    setting("api_url", FieldType::String, false),
    setting("auth_url", FieldType::String, false),
    setting("environment_id", FieldType::String, true),
    setting("client_id", FieldType::String, true),
    setting_secret("client_secret", true),
    setting("ca_file", FieldType::String, false),
    setting("request_timeout", FieldType::String, false),
];

const BLOCK: &str = "the `pingone` block";

/// Where the API lives is given one way: a region, or both URLs.
fn check_endpoints(declaration: &BlockDeclaration, errors: &mut Vec<ConfigError>) -> bool {
    let region = declaration.attribute("region");
    let api_url = declaration.attribute("api_url");
    let auth_url = declaration.attribute("auth_url");
    let before = errors.len();
    if let Some(region) = region {
        for url in [api_url, auth_url].into_iter().flatten() {
            let location = declaration.at(url.key.span());
            errors.push(ConfigError::ConflictingAttributes {
                first: "region".into(),
                second: url.key.to_string(),
                block: BLOCK.into(),
                src: location.src,
                span: location.span,
                help: Some(format!(
                    "`region` (declared at {}) already sets both URLs; remove `{}`, or remove `region` and set both `api_url` and `auth_url`",
                    declaration.at(region.key.span()).describe(),
                    url.key
                )),
            });
        }
        return errors.len() == before;
    }
    let missing = match (api_url, auth_url) {
        (Some(_), Some(_)) => return true,
        (Some(_), None) => "auth_url",
        (None, Some(_)) => "api_url",
        (None, None) => "region",
    };
    let location = declaration.header();
    errors.push(ConfigError::MissingAttribute {
        name: missing.into(),
        block: BLOCK.into(),
        src: location.src,
        span: location.span,
        help: Some(if missing == "region" {
            format!(
                "add `region = \"NA\"` (one of {}), or both `api_url` and `auth_url`",
                list_names(REGIONS)
            )
        } else {
            "explicit URLs come in pairs: set both `api_url` and `auth_url`, or use `region` instead".into()
        }),
    });
    false
}

pub fn evaluate(
    declaration: &BlockDeclaration,
    evaluator: &AttributeEvaluator,
    errors: &mut Vec<ConfigError>,
) -> Option<PingOneSettings> {
    let before = errors.len();
    check_endpoints(declaration, errors);
    let mut settings = PingOneSettings {
        api_url: String::new(),
        auth_url: String::new(),
        environment_id: String::new(),
        client_id: String::new(),
        client_secret: Secret::new(""),
        ca_file: None,
        request_timeout: PingFederateSettings::DEFAULT_TIMEOUT,
    };
    for field in PINGONE_FIELDS {
        let Some(attribute) = declaration.attribute(field.name) else {
            continue;
        };
        if evaluator.scope.ignore_server_credentials
            && super::pingfederate_block::CREDENTIALS.contains(&field.name)
        {
            continue;
        }
        let Some(value) = evaluator.evaluate(&declaration.source, attribute, field, errors) else {
            continue;
        };
        let location = declaration.at(attribute.value.span());
        let invalid = |message: String, help: String| ConfigError::InvalidValue {
            attribute: field.name.to_string(),
            message,
            src: location.src.clone(),
            span: location.span,
            help: Some(help),
        };
        let text = match value {
            FieldValue::Plain(serde_json::Value::String(text)) => text,
            FieldValue::Secret(secret) => secret.expose().to_string(),
            _ => String::new(),
        };
        match field.name {
            "region" => match crate::model::region_urls(&text) {
                Some((api_url, auth_url)) => {
                    settings.api_url = api_url;
                    settings.auth_url = auth_url;
                }
                None => {
                    let listing = format!("regions are {}", list_names(REGIONS));
                    let help = match did_you_mean(&text.to_ascii_uppercase(), REGIONS) {
                        Some(suggestion) => format!("{suggestion} {listing}"),
                        None => listing,
                    };
                    errors.push(invalid(format!("`{text}` is not a PingOne region"), help));
                }
            },
            "api_url" | "auth_url" => {
                if text.starts_with("https://") || text.starts_with("http://") {
                    let url = text.trim_end_matches('/').to_string();
                    if field.name == "api_url" {
                        settings.api_url = url;
                    } else {
                        settings.auth_url = url;
                    }
                } else {
                    errors.push(invalid(
                        format!("`{text}` is not an http(s) URL"),
                        "e.g. \"https://api.pingone.eu/v1\" and \"https://auth.pingone.eu\"".into(),
                    ));
                }
            }
            "environment_id" => settings.environment_id = text,
            "client_id" => settings.client_id = text,
            "client_secret" => settings.client_secret = Secret::new(text),
            "ca_file" => match ca_file(evaluator.scope.dir, &text) {
                Ok(path) => settings.ca_file = Some(path),
                Err(_) if evaluator.scope.unknown_inputs => {
                    evaluator.scope.unknown(format!("CA file `{text}`"));
                }
                Err((message, help)) => errors.push(invalid(message, help.into())),
            },
            "request_timeout" => match request_timeout(&text) {
                Ok(duration) => settings.request_timeout = duration,
                Err((message, help)) => errors.push(invalid(message, help.into())),
            },
            _ => {}
        }
    }
    (errors.len() == before).then_some(settings)
}
