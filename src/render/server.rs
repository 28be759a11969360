//! The lines about the PingFederate a plan runs against: its version and URL, whether
//! it is a cluster, a replication someone left pending, and what apply will do about
//! replication. Shown above plans and drift reports, in text, Markdown and JSON.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::style::{Styles, paint};
use crate::model::{Cluster, PingOneView, ServerInfo, StateLocation};

/// The header line and, when there is something to say about replication, the notes.
/// `writes` is how many changes the plan writes to PingFederate (`None` for drift,
/// which plans nothing).
pub fn server_lines(server: &ServerInfo, writes: Option<usize>) -> (String, Vec<String>) {
    let shape = match server.cluster {
        Cluster::Standalone => "standalone".to_string(),
        Cluster::Clustered { nodes, .. } => {
            format!("administrative node of a cluster ({nodes} nodes)")
        }
    };
    let header = format!("PingFederate {} at {}, {shape}", server.version, server.url);
    let mut notes = Vec::new();
    if let Cluster::Clustered {
        replication_required,
        ..
    } = server.cluster
    {
        if replication_required {
            notes.push(
                "The cluster has configuration changes not yet replicated to its engine nodes (replicationRequired), made before this run."
                    .to_string(),
            );
        }
        match writes {
            Some(writes) if server.replicates_after(writes) => notes.push(
                "Apply replicates the configuration to the cluster once every change has succeeded (replicate = true)."
                    .to_string(),
            ),
            Some(writes) if writes > 0 && !server.replicate => notes.push(
                "These changes reach the engine nodes only after replication: set `replicate = true` in the pingfederate block, or use Replicate Configuration in the admin console after apply."
                    .to_string(),
            ),
            _ => {}
        }
    }
    (header, notes)
}

/// Where else a run goes besides PingFederate: the PingOne environment it reads (when
/// it reads one) and the state file. `PingOne environment "Workforce" (8f3c...); state
/// ./pingform.redb`.
pub fn target_line(pingone: Option<&PingOneView>, state: &StateLocation) -> String {
    match pingone {
        Some(view) => format!(
            "PingOne environment \"{}\" ({}); state {}",
            view.environment_name, view.environment_id, state
        ),
        None => format!("State {state}"),
    }
}

/// The question `apply` asks, naming what it changes.
pub fn apply_question(
    server: Option<&ServerInfo>,
    pingone: Option<&PingOneView>,
    state: &StateLocation,
) -> String {
    let target = match server {
        Some(server) => format!("PingFederate {} at {}", server.version, server.url),
        None => "PingFederate".to_string(),
    };
    let pingone = match pingone {
        Some(view) => format!(
            ", provisioning to PingOne environment \"{}\" ({})",
            view.environment_name, view.environment_id
        ),
        None => String::new(),
    };
    format!("Do you want to make these changes to {target}{pingone}, recording them in {state}?")
}

/// The lines as text, followed by a blank line: the server, the PingOne environment
/// and state file (`target`, when given), and the replication notes.
pub fn server_text(
    server: &ServerInfo,
    writes: Option<usize>,
    target: Option<&str>,
    styles: &Styles,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (header, notes) = server_lines(server, writes);
    writeln!(out, "{}", paint(styles.note, &header))?;
    if let Some(target) = target {
        writeln!(out, "{}", paint(styles.note, target))?;
    }
    for note in notes {
        writeln!(out, "{} {note}", paint(styles.update, "!"))?;
    }
    writeln!(out)
}

/// The `server` member of the JSON plan and drift report.
pub fn server_json(server: &ServerInfo, writes: Option<usize>) -> Value {
    let (clustered, nodes, replication_required) = match server.cluster {
        Cluster::Standalone => (false, 1, false),
        Cluster::Clustered {
            replication_required,
            nodes,
        } => (true, nodes, replication_required),
    };
    json!({
        "url": server.url,
        "version": server.version.text,
        "clustered": clustered,
        "nodes": nodes,
        "replication_required": replication_required,
        "replicate": server.replicate,
        "will_replicate": writes.is_some_and(|writes| server.replicates_after(writes)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Version;

    fn server(replicate: bool, cluster: Cluster) -> ServerInfo {
        ServerInfo {
            identity: None,
            url: "https://pf:9999/pf-admin-api/v1".into(),
            version: Version::parse("12.1.0.4").unwrap(),
            cluster,
            replicate,
        }
    }

    #[test]
    fn a_standalone_server_is_one_line() {
        let (header, notes) = server_lines(&server(false, Cluster::Standalone), Some(3));
        assert_eq!(
            header,
            "PingFederate 12.1.0.4 at https://pf:9999/pf-admin-api/v1, standalone"
        );
        assert!(notes.is_empty());
    }

    #[test]
    fn a_cluster_says_what_apply_does_about_replication() {
        let pending = Cluster::Clustered {
            replication_required: true,
            nodes: 3,
        };
        let (header, notes) = server_lines(&server(true, pending), Some(2));
        assert!(header.ends_with("administrative node of a cluster (3 nodes)"));
        assert_eq!(notes.len(), 2);
        assert!(notes[0].contains("not yet replicated"));
        assert!(notes[1].starts_with("Apply replicates"));
        let clean = Cluster::Clustered {
            replication_required: false,
            nodes: 2,
        };
        let (_, notes) = server_lines(&server(false, clean), Some(2));
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("set `replicate = true`"));
        let (_, notes) = server_lines(&server(false, clean), None);
        assert!(notes.is_empty());
        let json = server_json(&server(true, pending), Some(0));
        assert_eq!(json["will_replicate"], true);
        assert_eq!(json["replication_required"], true);
    }
}
