//! The real PingFederate objects of `tests/data/real-objects/` with their `${...}`
//! placeholders replaced by plausible values (passwords by `password`), and the spec.

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

use super::openapi::Spec;

fn data_path(parts: &[&str]) -> PathBuf {
    let mut path = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for part in parts {
        path.push(part);
    }
    path
}

/// The value a `${NAME}` placeholder stands for.
fn placeholder_value(name: &str) -> String {
    match name {
        "PD_ENGINE_PRIVATE_HOSTNAME" => "pingdirectory".to_string(),
        "PD_ENGINE_PRIVATE_PORT_LDAP" => "1389".to_string(),
        "PF_ENGINE_BASE_URL" => "pingfederate.example.com".to_string(),
        "PF_ENGINE_PRIVATE_HOSTNAME" => "pingfederate".to_string(),
        "PF_ENGINE_PRIVATE_PORT_HTTPS" => "9031".to_string(),
        "PF_ADMIN_PUBLIC_HOSTNAME" => "pingfederate-admin.example.com".to_string(),
        "PF_ADMIN_PUBLIC_PORT_HTTPS" => "9999".to_string(),
        // `${pf.server.data.dir}` and `${/}` are PingFederate's own run-time variables
        // inside the HSQLDB URL: real values, kept as they are.
        "pf.server.data.dir" | "/" => format!("${{{name}}}"),
        name if name.ends_with("_password") => "password".to_string(),
        other => panic!("no value for the placeholder ${{{other}}}"),
    }
}

fn substituted(text: &str) -> String {
    let mut output = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        output.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').expect("a placeholder ends with }");
        output.push_str(&placeholder_value(&after[..end]));
        rest = &after[end + 1..];
    }
    output.push_str(rest);
    output
}

/// The object in `tests/data/real-objects/{file}`, placeholders replaced.
pub fn real_object(file: &str) -> Value {
    let text = std::fs::read_to_string(data_path(&["tests", "data", "real-objects", file]))
        .expect("the real object is readable");
    serde_json::from_str(&substituted(&text)).expect("the real object is JSON")
}

/// The 12.1.0.4 spec, with `ResourceLink.location` declared (the live server returns
/// it; the 12.1 file dropped it) and the secrets marked write-only.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = data_path(&[
            "..",
            "..",
            "tests",
            "data",
            "pingfederate-admin-api",
            "pf-swagger-12.1.0.4.yaml",
        ]);
        let mut spec = Spec::load(&path)
            .expect("the spec loads")
            .with_resource_link_location()
            .expect("the spec has ResourceLink");
        spec.mark_write_only("JdbcDataStore", "password")
            .expect("JdbcDataStore");
        spec.mark_write_only("LdapDataStore", "password")
            .expect("LdapDataStore");
        spec.mark_write_only("PingOneConnection", "credential")
            .expect("PingOneConnection");
        spec
    })
}

/// Where a real export itself departs from the spec, so that a body holding it as sent
/// does too: the WS-Trust connection's `TOKEN_SUBJECT` core attribute has no
/// `namespace`, which both specs' `SpWsTrustAttribute` require.
pub const REAL_EXPORT_DEPARTURES: &[&str] =
    &["$.wsTrust.attributeContract.coreAttributes[0]: missing required property 'namespace'"];

/// Asserts that `body` is what the spec declares for `path`/`method`/`status`, but for
/// the departures of the real exports.
pub fn assert_conforms(path: &str, method: &str, status: &str, body: &Value) {
    let schema = spec()
        .response_schema_name(path, method, status)
        .unwrap_or_else(|| panic!("the spec declares no {status} body for {method} {path}"));
    let prefix = if path.ends_with("{id}") || method != "get" {
        "$"
    } else {
        "$.items[*]"
    };
    let errors: Vec<String> = super::openapi::schema_errors(spec(), &schema, body)
        .into_iter()
        .filter(|error| {
            !REAL_EXPORT_DEPARTURES.iter().any(|departure| {
                let relative = departure.trim_start_matches('$');
                match prefix {
                    "$" => error == departure,
                    _ => error.starts_with("$.items[") && error.ends_with(relative),
                }
            })
        })
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status} does not conform to {schema}:\n{}\nbody: {body:#}",
        errors.join("\n")
    );
}
