//! Digests that let a saved plan prove that nothing it was based on has moved: one of
//! the evaluated configuration, and one per live object. SHA-256 over a canonical JSON
//! form; secrets enter only as keyed fingerprints.

use aws_lc_rs::digest;
use serde_json::{Value, json};

use super::{Desired, Fingerprinter, ObservedObject};

fn sha256_hex(bytes: &[u8]) -> String {
    let hash = digest::digest(&digest::SHA256, bytes);
    let hex: String = hash.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The configuration as evaluated: every resource's address, id, attributes,
/// dependencies and secret fingerprints, and where PingFederate is. Formatting and
/// comments do not count; a changed value, variable or secret does.
pub fn configuration_digest(desired: &Desired, fingerprinter: &Fingerprinter) -> String {
    let resources: Vec<Value> = desired
        .resources
        .iter()
        .map(|resource| {
            let secrets: Vec<Value> = resource
                .secrets
                .iter()
                .map(|(field, secret)| json!([field, fingerprinter.fingerprint(field, secret)]))
                .collect();
            json!({
                "address": resource.address,
                "id": resource.id,
                "attributes": resource.attributes,
                "depends_on": resource.depends_on,
                "secrets": secrets,
            })
        })
        .collect();
    let target = desired.pingfederate.as_ref().map(|settings| {
        let principal = settings.auth.principal();
        json!({
            "url": settings.url,
            "principal": principal,
            "credential": fingerprinter.fingerprint("pingfederate.credential", settings.auth.secret()),
            "replicate": settings.replicate,
        })
    });
    // Exclusions reach PingFederate through the channels' effective filters, which
    // the plan composes: they count as configuration of their own.
    let exclusions: Vec<Value> = desired
        .exclusions
        .iter()
        .map(|exclusion| {
            json!({
                "name": exclusion.name,
                "pingone_username": exclusion.pingone_username,
                "source": format!("{:?}", exclusion.source),
                "channels": exclusion.channels.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "reason": exclusion.reason,
            })
        })
        .collect();
    let mut document = json!({
        "resources": resources,
        "exclusions": exclusions,
        "pingfederate": target,
    });
    // The state directives count too; left out when there are none, so that the
    // digest of a configuration without them is what it always was.
    let directives = json!({
        "imports": desired.imports.values().map(|i| json!([i.to, i.id])).collect::<Vec<_>>(),
        "removed": desired.removed.keys().collect::<Vec<_>>(),
        "moved": desired.moved.values().map(|m| json!([m.from, m.to])).collect::<Vec<_>>(),
        "lifecycle": desired.lifecycle.iter().map(|(a, l)| json!([a, l.prevent_destroy])).collect::<Vec<_>>(),
    });
    if directives.as_object().is_some_and(|all| {
        all.values()
            .any(|list| list.as_array().is_some_and(|l| !l.is_empty()))
    }) {
        document["directives"] = directives;
    }
    sha256_hex(document.to_string().as_bytes())
}

/// One live object as read: its kind, id, attributes and encrypted secrets. Any edit
/// in the admin console changes it (a `lastModified` alone does not).
pub fn object_digest(object: &ObservedObject) -> String {
    let encrypted: Vec<Value> = object
        .encrypted
        .iter()
        .map(|(field, value)| json!([field, value]))
        .collect();
    let document = json!({
        "kind": format!("{:?}", object.kind),
        "id": object.id,
        "attributes": object.attributes,
        "encrypted": encrypted,
    });
    sha256_hex(document.to_string().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Address, DesiredResource, ResourceKind, Secret};

    fn desired(password: &str, pool: i64) -> Desired {
        Desired {
            resources: vec![DesiredResource {
                address: Address::new(ResourceKind::DatastoreJdbc, "prov"),
                id: "prov".into(),
                attributes: json!({"driver_class": "d", "max_pool_size": pool})
                    .as_object()
                    .unwrap()
                    .clone(),
                secrets: [("password".to_string(), Secret::new(password))]
                    .into_iter()
                    .collect(),
                depends_on: Default::default(),
            }],
            ..Desired::default()
        }
    }

    #[test]
    fn the_configuration_digest_follows_values_and_secrets_but_never_holds_them() {
        let key = Fingerprinter::new(&[3; 32]);
        let base = configuration_digest(&desired("pw", 10), &key);
        assert_eq!(base, configuration_digest(&desired("pw", 10), &key));
        assert_ne!(base, configuration_digest(&desired("pw", 11), &key));
        assert_ne!(base, configuration_digest(&desired("other", 10), &key));
        assert!(!base.contains("pw"));
    }

    #[test]
    fn object_digests_change_with_any_field_or_secret() {
        let object = ObservedObject {
            kind: ResourceKind::DatastoreJdbc,
            id: "prov".into(),
            attributes: json!({"max_pool_size": 10}).as_object().unwrap().clone(),
            encrypted: [("password".to_string(), "enc-1".to_string())]
                .into_iter()
                .collect(),
            raw: None,
            part_missing: false,
        };
        let mut edited = object.clone();
        edited.attributes.insert("max_pool_size".into(), json!(11));
        let mut rotated = object.clone();
        rotated.encrypted.insert("password".into(), "enc-2".into());
        assert_ne!(object_digest(&object), object_digest(&edited));
        assert_ne!(object_digest(&object), object_digest(&rotated));
        assert_eq!(object_digest(&object), object_digest(&object.clone()));
    }
}
