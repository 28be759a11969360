use std::io::{self, Write};

use serde_json::json;

use super::server::server_json;
use crate::model::ServerInfo;
use crate::plan::{Drift, DriftStatus};

/// The drift report's format version; the same compatibility rule as the JSON plan.
/// 1.1 added `server` (version, cluster, pending replication). 1.2 added
/// `drift[].exclusions_not_enforced` (`exclusion`, `channel`, `pingone_username`).
pub const DRIFT_FORMAT_VERSION: &str = "1.2";

/// `drift --json`: one document. Secrets appear by field name only.
pub fn drift_json(drift: &Drift, server: &ServerInfo, out: &mut dyn Write) -> io::Result<()> {
    let changed = drift
        .items
        .iter()
        .filter(|i| i.status == DriftStatus::Changed)
        .count();
    let document = json!({
        "format_version": DRIFT_FORMAT_VERSION,
        "pingform_version": env!("CARGO_PKG_VERSION"),
        "server": server_json(server, None),
        "drift": drift.items,
        "summary": {
            "changed": changed,
            "deleted": drift.items.len() - changed,
        },
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
