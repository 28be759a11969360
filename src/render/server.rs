//! The lines about the PingFederate a plan runs against: its version and URL, whether
//! it is a cluster, a replication someone left pending, and what apply will do about
//! replication. Shown above plans and drift reports, in text, Markdown and JSON.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::style::{Styles, paint};
use crate::model::{Cluster, ServerInfo};

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

/// The lines as text, followed by a blank line.
pub fn server_text(
    server: &ServerInfo,
    writes: Option<usize>,
    styles: &Styles,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (header, notes) = server_lines(server, writes);
    writeln!(out, "{}", paint(styles.note, &header))?;
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
