//! The bodies pingform's client sends validate against the official PingFederate
//! 12.1.0.4 OpenAPI spec: every data store kind (with new and with kept secrets), and
//! the outbound provisioning settings, built from the configurations in `fixtures/`
//! and `examples/`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::support::openapi::{Spec, request_schema_errors};
use pingform::config::{LoadOptions, load};
use pingform::model::{DefaultContext, Desired, ResourceKind};
use pingform::provider::pingfederate::encode;
use pingform::provider::{SecretValue, WriteRequest};
use serde_json::Value;

fn spec() -> Spec {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/pingfederate-admin-api/pf-swagger-12.1.0.4.yaml");
    Spec::load(&path).unwrap()
}

fn load_folder(dir: &str, vars: &[(&str, &str)], environment: &[(&str, &str)]) -> Desired {
    let options = LoadOptions {
        dir: PathBuf::from(dir),
        vars: vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        var_files: Vec::new(),
        environment: environment
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        retarget: None,
        unknown_inputs: false,
    };
    load(&options)
        .unwrap_or_else(|errors| panic!("{dir}: {:?}", miette::Report::new(errors)))
        .desired
}

fn configurations() -> Vec<Desired> {
    vec![
        load_folder(
            "fixtures/valid/full",
            &[
                ("environment", "dev"),
                ("crm_base_url", "https://crm.example.com"),
            ],
            &[
                ("PF_ADMIN_PASSWORD", "x"),
                ("LDAP_BIND_PASSWORD", "y"),
                ("PINGFORM_VAR_provisioner_db_password", "z"),
            ],
        ),
        load_folder("examples/quickstart", &[], &[]),
        load_folder(
            "fixtures/valid/real_setups",
            &[("ad_password", "a"), ("pingone_credential", "c")],
            &[("PINGONE_CLIENT_SECRET", "s")],
        ),
        load_folder(
            "fixtures/valid/provisioning",
            &[("pingone_credential", "credential-blob")],
            &[("PINGONE_CLIENT_SECRET", "s"), ("LDAP_BIND_PASSWORD", "p")],
        ),
    ]
}

/// Every body the client would send for these configurations, with the operation's
/// request schema name.
fn bodies(spec: &Spec, desired: &Desired, keep_secrets: bool) -> Vec<(String, String, Value)> {
    // Channel defaults follow the directory type of each declared LDAP store, as in a
    // plan.
    let context = DefaultContext {
        directories: desired
            .resources
            .iter()
            .filter(|r| r.kind() == ResourceKind::DatastoreLdap)
            .filter_map(|r| {
                Some((
                    r.id.clone(),
                    r.attributes.get("ldap_type")?.as_str()?.to_string(),
                ))
            })
            .collect(),
    };
    let mut bodies = Vec::new();
    for resource in &desired.resources {
        let secrets = resource
            .secrets
            .iter()
            .map(|(field, secret)| {
                let value = if keep_secrets {
                    SecretValue::Encrypted(
                        "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y2lwaGVy.dGFn",
                    )
                } else {
                    SecretValue::Plain(secret)
                };
                (field.clone(), value)
            })
            .collect();
        let body = encode(&WriteRequest {
            kind: resource.kind(),
            id: &resource.id,
            attributes: &resource.attributes,
            secrets,
            base: None,
            owned_before: None,
            context: &context,
        });
        let operations: &[(&str, &str)] = match resource.kind() {
            ResourceKind::OutboundProvisioning => {
                &[("/serverSettings/outboundProvisioning", "put")]
            }
            ResourceKind::PingOneConnection => &[
                ("/pingOneConnections", "post"),
                ("/pingOneConnections/{id}", "put"),
            ],
            ResourceKind::ProvisioningConnection => &[
                ("/idp/spConnections", "post"),
                ("/idp/spConnections/{id}", "put"),
            ],
            _ => &[("/dataStores", "post"), ("/dataStores/{id}", "put")],
        };
        for (path, method) in operations {
            let schema = spec
                .request_schema_name(path, method)
                .unwrap_or_else(|| panic!("the spec has no request schema for {method} {path}"));
            bodies.push((
                format!("{} ({method} {path})", resource.address),
                schema,
                body.clone(),
            ));
        }
    }
    bodies
}

/// `JDBC`, `LDAP`, `CUSTOM`, `SP`, `PingOneConnection` (no `type`, but a credential),
/// or `None` for the outbound provisioning settings.
fn resource_kind(body: &Value) -> Option<String> {
    match body.get("type").and_then(Value::as_str) {
        Some(kind) => Some(kind.to_string()),
        None if body.get("credential").is_some() || body.get("encryptedCredential").is_some() => {
            Some("PingOneConnection".to_string())
        }
        None => None,
    }
}

#[test]
fn every_request_body_validates_against_the_spec() {
    let spec = spec();
    let mut checked = BTreeMap::new();
    for desired in configurations() {
        for keep_secrets in [false, true] {
            for (what, schema, body) in bodies(&spec, &desired, keep_secrets) {
                let errors = request_schema_errors(&spec, &schema, &body);
                assert!(
                    errors.is_empty(),
                    "{what} does not match {schema}:\n{}\n{body:#}",
                    errors.join("\n")
                );
                let kind = resource_kind(&body).unwrap_or_else(|| "settings".to_string());
                *checked.entry(kind).or_insert(0) += 1;
            }
        }
    }
    for kind in [
        "JDBC",
        "LDAP",
        "CUSTOM",
        "settings",
        "SP",
        "PingOneConnection",
    ] {
        assert!(
            checked.contains_key(kind),
            "no {kind} body was checked: {checked:?}"
        );
    }
}

#[test]
fn the_validator_rejects_a_body_with_a_misspelt_field() {
    let spec = spec();
    let desired = load_folder("examples/quickstart", &[], &[]);
    let (what, schema, mut body) = bodies(&spec, &desired, false).remove(0);
    let object = body.as_object_mut().unwrap();
    let value = object.remove("driverClass").unwrap();
    object.insert("driverClassName".into(), value);
    assert!(
        !request_schema_errors(&spec, &schema, &body).is_empty(),
        "{what}: a misspelt field passed"
    );
}
