//! The cluster endpoints of the Admin API (`GET /cluster/status`,
//! `POST /cluster/replicate`) and the replication bookkeeping behind them.
//!
//! Sources: the spec (`pf-swagger-12.1.0.4.yaml`, operations `getClusterStatus` and
//! `startReplication`, schemas `ClusterStatus`, `ClusterNode`): both answer 403 "This
//! PingFederate instance is not deployed in clustered mode" with no body; in clustered
//! mode the status is a `ClusterStatus` (`nodes`, `lastConfigUpdateTime`,
//! `lastReplicationTime`, `replicationRequired`, `mixedMode`, `currentNodeIndex`) and a
//! replication answers 200 with an `ApiResult`. The Terraform acceptance test
//! `internal/acctest/config/cluster/status/cluster_status_data_source_test.go` reads,
//! from a one-node cluster: `mixedMode` false, `replicationRequired` and
//! `lastConfigUpdateTime` set, one node with `address`, `index`, `mode`
//! `CLUSTERED_CONSOLE`, a `replicationStatus` and a `version`, no `nodeGroup`, no
//! `nodeTags`, no `adminConsoleInfo`, and `currentNodeIndex` set.
//!
//! The sandbox is that one administrative node. Every successful configuration write
//! (POST, PUT or DELETE) makes `replicationRequired` true and stamps
//! `lastConfigUpdateTime`; a replication clears it and stamps `lastReplicationTime`
//! (absent until the first one). Not shown by any source, so chosen here: the node's
//! `replicationStatus` is `OUT_OF_DATE` while a replication is required and
//! `SUCCEEDED` otherwise, and the replication's `ApiResult` is `resultId`
//! `replication_complete` with a plain message.
//!
//! Owns that state and its JSON. Must not know HTTP: the routes serve it.

use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    replication_required: bool,
    last_config_update_time: String,
    last_replication_time: Option<String>,
}

impl Cluster {
    /// A node started at `now` with nothing to replicate.
    pub fn new(now: String) -> Self {
        Self {
            replication_required: false,
            last_config_update_time: now,
            last_replication_time: None,
        }
    }

    /// A configuration write succeeded at `now`.
    pub fn record_write(&mut self, now: String) {
        self.replication_required = true;
        self.last_config_update_time = now;
    }

    /// `POST /cluster/replicate` at `now`: the `ApiResult` it answers.
    pub fn replicate(&mut self, now: String) -> Value {
        self.replication_required = false;
        self.last_replication_time = Some(now);
        json!({
            "resultId": "replication_complete",
            "message": "Configuration changes were replicated to the cluster."
        })
    }

    pub fn replication_required(&self) -> bool {
        self.replication_required
    }

    /// Forced through the control API, for tests.
    pub fn set_replication_required(&mut self, required: bool) {
        self.replication_required = required;
    }

    /// The `ClusterStatus` body; `address` is the node's `host:port`.
    pub fn status(&self, address: &str, version: &str) -> Value {
        let mut status = json!({
            "nodes": [{
                "address": address,
                "index": 0,
                "mode": "CLUSTERED_CONSOLE",
                "version": version,
                "configurationTimestamp": self.last_config_update_time,
                "replicationStatus": if self.replication_required { "OUT_OF_DATE" } else { "SUCCEEDED" },
            }],
            "lastConfigUpdateTime": self.last_config_update_time,
            "replicationRequired": self.replication_required,
            "mixedMode": false,
            "currentNodeIndex": 0,
        });
        if let (Some(object), Some(time)) = (status.as_object_mut(), &self.last_replication_time) {
            object.insert("lastReplicationTime".to_string(), json!(time));
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_require_replication_and_replicating_clears_it() {
        let mut cluster = Cluster::new("2026-01-01T00:00:00.000Z".into());
        let status = cluster.status("127.0.0.1:9999", "12.1.0.4");
        assert_eq!(status["replicationRequired"], false);
        assert!(status.get("lastReplicationTime").is_none());
        cluster.record_write("2026-01-01T00:00:01.000Z".into());
        let status = cluster.status("127.0.0.1:9999", "12.1.0.4");
        assert_eq!(status["replicationRequired"], true);
        assert_eq!(status["lastConfigUpdateTime"], "2026-01-01T00:00:01.000Z");
        assert_eq!(status["nodes"][0]["replicationStatus"], "OUT_OF_DATE");
        let result = cluster.replicate("2026-01-01T00:00:02.000Z".into());
        assert_eq!(result["resultId"], "replication_complete");
        let status = cluster.status("127.0.0.1:9999", "12.1.0.4");
        assert_eq!(status["replicationRequired"], false);
        assert_eq!(status["lastReplicationTime"], "2026-01-01T00:00:02.000Z");
        cluster.set_replication_required(true);
        assert!(cluster.replication_required());
    }
}
