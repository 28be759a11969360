//! The `pingfederate { }` block: how to reach the PingFederate Admin API and how to
//! operate it (replication, connection tests).
//!
//! Owns the block's field table, its `oauth` block and its checks (one way to
//! authenticate, URL scheme, duration text, CA file path resolved against the
//! configuration folder). It must not connect to anything:
//! the provider does, with the `PingFederateSettings` built here.

use std::path::{Path, PathBuf};
use std::time::Duration;

use hcl::edit::Span;

use crate::model::field::{setting, setting_secret};
use crate::model::{AdminAuth, Field, FieldType, OAuthClient, PingFederateSettings, Secret};

use super::attribute::AttributeEvaluator;
use super::block::BlockDeclaration;
use super::diagnostic::ConfigError;
use super::field_value::FieldValue;

/// The block's attributes (not a PingFederate object: no wire location). Either
/// `username` and `password`, or an `oauth` block.
pub const PINGFEDERATE_FIELDS: &[Field] = &[
    setting("url", FieldType::String, true),
    setting("username", FieldType::String, false),
    setting_secret("password", false),
    setting("ca_file", FieldType::String, false),
    setting("insecure_skip_tls_verify", FieldType::Bool, false),
    setting("request_timeout", FieldType::String, false),
    setting("replicate", FieldType::Bool, false),
    setting("bypass_external_validation", FieldType::Bool, false),
];

/// The nested `oauth { }` block: a client-credentials grant for the Admin API.
pub const OAUTH_BLOCK: &str = "oauth";
pub const OAUTH_FIELDS: &[Field] = &[
    setting("token_url", FieldType::String, true),
    setting("client_id", FieldType::String, true),
    setting_secret("client_secret", true),
    setting("scopes", FieldType::StringList, false),
];

const BLOCK: &str = "the `pingfederate` block";
pub const OAUTH_DESCRIPTION: &str = "the `oauth` block of the `pingfederate` block";

/// The block's shape beyond its attribute tables (which `shape` checks): at most one
/// unlabelled `oauth` block, and exactly one way to authenticate.
pub fn check_shape(declaration: &BlockDeclaration, errors: &mut Vec<ConfigError>) {
    let oauth = declaration.nested(OAUTH_BLOCK);
    for (index, block) in oauth.iter().enumerate() {
        if !block.block.labels.is_empty() {
            let location = block.header();
            errors.push(ConfigError::BlockLabels {
                block: OAUTH_BLOCK.into(),
                expected: "no labels".into(),
                src: location.src,
                span: location.span,
                help: Some(
                    "write `oauth { token_url = ..., client_id = ..., client_secret = ... }`"
                        .into(),
                ),
            });
        }
        if index > 0 {
            let location = block.header();
            errors.push(ConfigError::Duplicate {
                what: format!("`oauth` block in {BLOCK}"),
                src: location.src,
                span: location.span,
                help: Some(
                    "the Admin API takes one way to authenticate: keep one `oauth` block".into(),
                ),
            });
        }
    }
    let basic: Vec<_> = ["username", "password"]
        .into_iter()
        .filter_map(|name| declaration.attribute(name))
        .collect();
    if let Some(oauth) = oauth.first() {
        for attribute in basic {
            let location = declaration.at(attribute.key.span());
            errors.push(ConfigError::ConflictingAttributes {
                first: OAUTH_BLOCK.into(),
                second: attribute.key.to_string(),
                block: BLOCK.into(),
                src: location.src,
                span: location.span,
                help: Some(format!(
                    "the `oauth` block (declared at {}) authenticates with bearer tokens; remove `{}`, or remove the `oauth` block to use Basic authentication",
                    oauth.header().describe(),
                    attribute.key
                )),
            });
        }
        return;
    }
    for name in ["username", "password"] {
        if declaration.attribute(name).is_none() {
            let location = declaration.header();
            errors.push(ConfigError::MissingAttribute {
                name: name.into(),
                block: BLOCK.into(),
                src: location.src,
                span: location.span,
                help: Some(format!(
                    "add `{name} = ...` for Basic authentication, or an `oauth {{ token_url, client_id, client_secret }}` block for OAuth 2.0 bearer tokens"
                )),
            });
        }
    }
}

/// What a built-in sandbox (`--sandbox`) replaces, so they are not read at all: an
/// unset `env()` or a missing CA file there is no error then.
pub const CREDENTIALS: &[&str] = &[
    "username",
    "password",
    "ca_file",
    "client_id",
    "client_secret",
];

pub fn evaluate(
    declaration: &BlockDeclaration,
    evaluator: &AttributeEvaluator,
    errors: &mut Vec<ConfigError>,
) -> Option<PingFederateSettings> {
    let before = errors.len();
    let mut settings = PingFederateSettings {
        url: String::new(),
        auth: AdminAuth::Basic {
            username: String::new(),
            password: Secret::new(""),
        },
        ca_file: None,
        insecure_skip_tls_verify: false,
        request_timeout: PingFederateSettings::DEFAULT_TIMEOUT,
        replicate: false,
        bypass_external_validation: false,
    };
    let mut username = String::new();
    let mut password = Secret::new("");
    for (field, value, invalid) in values(declaration, PINGFEDERATE_FIELDS, evaluator, errors) {
        match field.name {
            "url" => match http_url(&text(&value)) {
                Ok(url) => settings.url = url,
                Err(message) => errors.push(invalid(
                    message,
                    "write the Admin API base URL, e.g. \"https://pf.example.com:9999/pf-admin-api/v1\"",
                )),
            },
            "username" => username = text(&value),
            "password" => password = Secret::new(text(&value)),
            "ca_file" => match ca_file(evaluator.scope.dir, &text(&value)) {
                Ok(path) => settings.ca_file = Some(path),
                Err(_) if evaluator.scope.unknown_inputs => {
                    evaluator
                        .scope
                        .unknown(format!("CA file `{}`", text(&value)));
                }
                Err((message, help)) => errors.push(invalid(message, help)),
            },
            "insecure_skip_tls_verify" => settings.insecure_skip_tls_verify = is_true(&value),
            "replicate" => settings.replicate = is_true(&value),
            "bypass_external_validation" => settings.bypass_external_validation = is_true(&value),
            "request_timeout" => match request_timeout(&text(&value)) {
                Ok(duration) => settings.request_timeout = duration,
                Err((message, help)) => errors.push(invalid(message, help)),
            },
            _ => {}
        }
    }
    settings.auth = AdminAuth::Basic { username, password };
    if let Some(oauth) = declaration
        .nested(OAUTH_BLOCK)
        .first()
        .filter(|_| !evaluator.scope.ignore_server_credentials)
    {
        let mut client = OAuthClient {
            token_url: String::new(),
            client_id: String::new(),
            client_secret: Secret::new(""),
            scopes: Vec::new(),
        };
        for (field, value, invalid) in values(oauth, OAUTH_FIELDS, evaluator, errors) {
            match field.name {
                "token_url" => match http_url(&text(&value)) {
                    Ok(url) => client.token_url = url,
                    Err(message) => errors.push(invalid(
                        message,
                        "write the token endpoint, e.g. \"https://pf.example.com:9031/as/token.oauth2\"",
                    )),
                },
                "client_id" => client.client_id = text(&value),
                "client_secret" => client.client_secret = Secret::new(text(&value)),
                "scopes" => {
                    if let FieldValue::Plain(serde_json::Value::Array(items)) = &value {
                        client.scopes = items
                            .iter()
                            .filter_map(|item| item.as_str().map(str::to_string))
                            .collect();
                    }
                }
                _ => {}
            }
        }
        settings.auth = AdminAuth::OAuth(client);
    }
    (errors.len() == before).then_some(settings)
}

/// An invalid value's error, from a message and a hint.
type Invalid = Box<dyn Fn(String, &str) -> ConfigError>;

/// The evaluated attributes of `declaration` that `fields` name, each with a function
/// that makes the error for an invalid value of it.
fn values(
    declaration: &BlockDeclaration,
    fields: &'static [Field],
    evaluator: &AttributeEvaluator,
    errors: &mut Vec<ConfigError>,
) -> Vec<(&'static Field, FieldValue, Invalid)> {
    let mut found = Vec::new();
    for field in fields {
        let Some(attribute) = declaration.attribute(field.name) else {
            continue;
        };
        if evaluator.scope.ignore_server_credentials && CREDENTIALS.contains(&field.name) {
            continue;
        }
        let Some(value) = evaluator.evaluate(&declaration.source, attribute, field, errors) else {
            continue;
        };
        let location = declaration.at(attribute.value.span());
        let invalid: Invalid =
            Box::new(
                move |message: String, help: &str| ConfigError::InvalidValue {
                    attribute: field.name.to_string(),
                    message,
                    src: location.src.clone(),
                    span: location.span,
                    help: Some(help.to_string()),
                },
            );
        found.push((field, value, invalid));
    }
    found
}

fn text(value: &FieldValue) -> String {
    match value {
        FieldValue::Plain(serde_json::Value::String(text)) => text.clone(),
        FieldValue::Secret(secret) => secret.expose().to_string(),
        _ => String::new(),
    }
}

fn is_true(value: &FieldValue) -> bool {
    matches!(value, FieldValue::Plain(serde_json::Value::Bool(true)))
}

/// An http(s) URL without its trailing slash.
fn http_url(text: &str) -> Result<String, String> {
    if text.starts_with("https://") || text.starts_with("http://") {
        Ok(text.trim_end_matches('/').to_string())
    } else {
        Err(format!("`{text}` is not an http(s) URL"))
    }
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

/// With a built-in sandbox, the variables that only the ignored credentials read
/// (directly or through locals): they need no value then. A variable that anything
/// else reads still does.
pub fn credential_only_variables(
    declarations: &super::declarations::Declarations,
    local_variables: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> std::collections::BTreeSet<String> {
    use hcl::edit::structure::{Body, Structure};
    use std::collections::BTreeSet;

    use super::references::{Target, collect};

    // Every variable an expression reads, locals expanded.
    let reads = |expression: &hcl::edit::expr::Expression, into: &mut BTreeSet<String>| {
        for reference in collect(expression).found {
            match reference.target {
                Target::Variable(name) => {
                    into.insert(name);
                }
                Target::Local(name) => {
                    into.extend(local_variables.get(&name).into_iter().flatten().cloned());
                }
                Target::Resource(_) => {}
            }
        }
    };
    fn walk(
        body: &Body,
        ignored: &dyn Fn(&str) -> bool,
        reads: &dyn Fn(&hcl::edit::expr::Expression, &mut BTreeSet<String>),
        credentials: &mut BTreeSet<String>,
        others: &mut BTreeSet<String>,
    ) {
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attribute) => {
                    let into = if ignored(attribute.key.as_str()) {
                        &mut *credentials
                    } else {
                        &mut *others
                    };
                    reads(&attribute.value, into);
                }
                Structure::Block(block) => {
                    // Everything in `oauth { }` is a credential.
                    let all = |_: &str| true;
                    let inner: &dyn Fn(&str) -> bool =
                        if block.ident.as_str() == OAUTH_BLOCK && ignored("password") {
                            &all
                        } else {
                            &|_: &str| false
                        };
                    walk(&block.body, inner, reads, credentials, others);
                }
            }
        }
    }
    let mut credentials = BTreeSet::new();
    let mut others = BTreeSet::new();
    let is_credential = |name: &str| CREDENTIALS.contains(&name);
    let not_credential = |_: &str| false;
    for server in [&declarations.pingfederate, &declarations.pingone]
        .into_iter()
        .flatten()
    {
        walk(
            &server.block.body,
            &is_credential,
            &reads,
            &mut credentials,
            &mut others,
        );
    }
    for resource in &declarations.resources {
        walk(
            &resource.declaration.block.body,
            &not_credential,
            &reads,
            &mut credentials,
            &mut others,
        );
    }
    for exclusion in &declarations.exclusions {
        walk(
            &exclusion.declaration.block.body,
            &not_credential,
            &reads,
            &mut credentials,
            &mut others,
        );
    }
    credentials.difference(&others).cloned().collect()
}
