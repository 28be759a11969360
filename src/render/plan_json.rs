use std::io::{self, Write};

use serde_json::{Value, json};

use super::reason::reason_text;
use crate::model::PingOneView;
use crate::plan::{Drift, ExclusionReview, Plan};

/// The JSON plan's format version. Within one major version, fields are only added,
/// never renamed or removed; consumers must ignore fields they do not know.
/// 1.1 added `reason_details` (a stable `code` next to each reason's text),
/// `unmanaged_kept` (the parts of a live object an update leaves alone) and
/// `changed_fields[].released`.
pub const PLAN_FORMAT_VERSION: &str = "1.1";

/// The plan as one JSON document (`plan --json`). Secrets appear only as a field name
/// and a status, never as a value. `drift` lists what changed outside pingform since
/// the last apply (empty when not known, as for a saved plan).
pub fn plan_json(
    plan: &Plan,
    drift: Option<&Drift>,
    review: Option<&ExclusionReview>,
    pingone: Option<&PingOneView>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let summary = plan.summary();
    let changes: Vec<Value> = plan
        .changes
        .iter()
        .map(|change| {
            json!({
                "address": change.address,
                "type": change.address.kind().block_type(),
                "kind": change.address.kind().kind_label(),
                "name": change.address.name(),
                "id": change.id,
                "action": change.action,
                "state_only": change.state_only,
                "moved_from": change.moved_from,
                "before": change.before,
                "after": change.after,
                "changed_fields": change.fields,
                "secrets": change.secrets,
                "reasons": change.reasons.iter().map(reason_text).collect::<Vec<_>>(),
                "unmanaged_kept": change.kept,
                "reason_details": change.reasons.iter().map(|reason| json!({
                    "code": reason.code(),
                    "text": reason_text(reason),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let document = json!({
        "format_version": PLAN_FORMAT_VERSION,
        "pingform_version": env!("CARGO_PKG_VERSION"),
        "changes": changes,
        "drift": drift.map(|d| d.items.as_slice()).unwrap_or_default(),
        "pingone": pingone.map(|view| json!({
            "environment_id": view.environment_id,
            "environment_name": view.environment_name,
            "populations": view.populations.iter().map(|p| json!({"id": p.id, "name": p.name})).collect::<Vec<_>>(),
        })),
        "channels": review.map(|r| r.channels.as_slice()).unwrap_or_default(),
        "excluded_accounts": review.map(|r| r.accounts.as_slice()).unwrap_or_default(),
        "warnings": review.map(|r| r.warnings.as_slice()).unwrap_or_default(),
        "summary": {
            "create": summary.create,
            "update": summary.update,
            "replace": summary.replace,
            "delete": summary.delete,
            "state_only": plan.effective().filter(|c| c.state_only).count(),
        },
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
