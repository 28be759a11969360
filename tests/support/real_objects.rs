//! The real PingFederate objects (`crates/pingform-sandbox/tests/data/real-objects/`,
//! exported from a real PingFederate 12.0, see its NOTE.md) loaded into a sandbox
//! process as an administrator would have made them, with their `${...}`
//! placeholders filled in.

use std::path::PathBuf;

use serde_json::Value;

use super::SandboxProcess;

/// What every password placeholder of the exports becomes: a value distinctive enough
/// to scan output and files for.
pub const REAL_OBJECT_PASSWORD: &str = "Real-Export-Passw0rd-7c1e";

/// The files, in the order they are loaded: data stores before the settings that
/// name them.
pub const REAL_OBJECT_FILES: &[&str] = &[
    "dataStores--LDAP-D803C87FAB2ADFB4B0A947B64BA6F0C6093A5CA3.json",
    "dataStores--ProvisionerDS.json",
    "serverSettings.outboundProvisioning--settings.json",
    "idp.spConnections--gpFvXmhDHSRUSHWLZLZ_XBIU_YK.json",
    "idp.spConnections--IENFjGICXt3YsBKNxHSzkN28LWg.json",
];

fn placeholder_value(name: &str) -> String {
    match name {
        "PD_ENGINE_PRIVATE_HOSTNAME" => "pingdirectory".to_string(),
        "PD_ENGINE_PRIVATE_PORT_LDAP" => "1389".to_string(),
        "PF_ENGINE_BASE_URL" => "pingfederate.example.com".to_string(),
        "PF_ENGINE_PRIVATE_HOSTNAME" => "pingfederate".to_string(),
        "PF_ENGINE_PRIVATE_PORT_HTTPS" => "9031".to_string(),
        "PF_ADMIN_PUBLIC_HOSTNAME" => "pingfederate-admin.example.com".to_string(),
        "PF_ADMIN_PUBLIC_PORT_HTTPS" => "9999".to_string(),
        // PingFederate's own run-time variables inside the HSQLDB URL: kept as they are.
        "pf.server.data.dir" | "/" => format!("${{{name}}}"),
        name if name.ends_with("_password") => REAL_OBJECT_PASSWORD.to_string(),
        other => panic!("no value for the placeholder ${{{other}}}"),
    }
}

/// The object in `file`, placeholders replaced.
pub fn real_object(file: &str) -> Value {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "crates",
        "pingform-sandbox",
        "tests",
        "data",
        "real-objects",
        file,
    ]
    .iter()
    .collect();
    let text = std::fs::read_to_string(&path).expect("the real object is readable");
    let mut output = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find("${") {
        output.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').expect("a placeholder ends with }");
        output.push_str(&placeholder_value(&after[..end]));
        rest = &after[end + 1..];
    }
    output.push_str(rest);
    serde_json::from_str(&output).expect("the real object is JSON")
}

/// Loads every real object into the sandbox: data stores by POST (the built-in
/// `ProvisionerDS` by PUT, the sandbox starts with one), the outbound provisioning
/// settings by PUT, the SP connections by POST.
pub fn load_real_objects(sandbox: &SandboxProcess) {
    for file in REAL_OBJECT_FILES {
        let body = real_object(file);
        let (method, path) = match *file {
            "dataStores--ProvisionerDS.json" => ("PUT", "/dataStores/ProvisionerDS".to_string()),
            "serverSettings.outboundProvisioning--settings.json" => {
                ("PUT", "/serverSettings/outboundProvisioning".to_string())
            }
            name if name.starts_with("dataStores--") => ("POST", "/dataStores".to_string()),
            _ => ("POST", "/idp/spConnections".to_string()),
        };
        let (status, reply) = sandbox.request(method, &path, Some(body));
        assert!(status < 300, "{method} {path} ({file}): {status} {reply}");
    }
}
