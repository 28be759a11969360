//! What the plan requires of the PingFederate it runs against: a supported version,
//! every declared field known to that version, and a cluster when the configuration
//! asks for replication.

use crate::model::field::newer_than;
use crate::model::{Cluster, Desired, NEWEST_SUPPORTED, OLDEST_SUPPORTED, ServerInfo};

use super::PlanError;

/// Checks `server` against the configuration; the first problem is the error.
pub fn check(server: &ServerInfo, desired: &Desired) -> Result<(), PlanError> {
    if !server.version.is_supported() {
        return Err(PlanError::UnsupportedVersion {
            url: server.url.clone(),
            version: server.version.text.clone(),
            oldest: OLDEST_SUPPORTED.to_string(),
            newest: NEWEST_SUPPORTED.to_string(),
        });
    }
    if server.replicate && server.cluster == Cluster::Standalone {
        return Err(PlanError::NotClustered {
            url: server.url.clone(),
        });
    }
    let mut newer = Vec::new();
    for resource in &desired.resources {
        for (field, since) in newer_than(
            resource.kind().fields(),
            &resource.attributes,
            server.version.release,
        ) {
            newer.push(format!(
                "{}: `{field}` (PingFederate {since})",
                resource.address
            ));
        }
    }
    if !newer.is_empty() {
        return Err(PlanError::NewerThanServer {
            version: server.version.text.clone(),
            fields: newer,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Address, DesiredResource, Version};
    use serde_json::json;

    fn server(version: &str, replicate: bool, cluster: Cluster) -> ServerInfo {
        ServerInfo {
            identity: None,
            url: "https://pf:9999/pf-admin-api/v1".into(),
            version: Version::parse(version).unwrap(),
            cluster,
            replicate,
        }
    }

    fn ldap(attributes: serde_json::Value) -> Desired {
        let address: Address = "datastore.ldap.corp".parse().unwrap();
        Desired {
            resources: vec![DesiredResource {
                address,
                id: "corp".into(),
                attributes: attributes.as_object().unwrap().clone(),
                secrets: Default::default(),
                depends_on: Default::default(),
            }],
            ..Desired::default()
        }
    }

    #[test]
    fn versions_outside_the_supported_range_are_refused() {
        let error = check(
            &server("11.3.7", false, Cluster::Standalone),
            &Desired::default(),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "PingFederate 11.3.7 at https://pf:9999/pf-admin-api/v1 is not a version pingform supports (12.0 through 13.1)"
        );
        assert!(
            check(
                &server("13.2.0", false, Cluster::Standalone),
                &Desired::default()
            )
            .is_err()
        );
        assert!(
            check(
                &server("13.1.1", false, Cluster::Standalone),
                &Desired::default()
            )
            .is_ok()
        );
    }

    #[test]
    fn replication_needs_a_cluster() {
        let error = check(
            &server("12.1.0", true, Cluster::Standalone),
            &Desired::default(),
        )
        .unwrap_err();
        assert!(matches!(error, PlanError::NotClustered { .. }));
        let cluster = Cluster::Clustered {
            replication_required: false,
            nodes: 3,
        };
        assert!(check(&server("12.1.0", true, cluster), &Desired::default()).is_ok());
    }

    #[test]
    fn fields_a_server_does_not_know_are_named() {
        let desired = ldap(json!({"ldap_type": "PING_DS", "use_start_tls": true}));
        let error = check(&server("12.0.0.9", false, Cluster::Standalone), &desired).unwrap_err();
        assert_eq!(
            error.to_string(),
            "PingFederate 12.0.0.9 does not have what the configuration declares:\n  \
             - datastore.ldap.corp: `ldap_type = \"PING_DS\"` (PingFederate 12.1)\n  \
             - datastore.ldap.corp: `use_start_tls` (PingFederate 12.1)"
        );
        assert!(check(&server("12.1.0.4", false, Cluster::Standalone), &desired).is_ok());
    }
}
