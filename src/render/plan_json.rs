use std::io::{self, Write};

use serde_json::{Value, json};

use super::reason::reason_text;
use super::scope_text::{consent_flag, scope_change_lines};
use super::server::server_json;
use crate::model::{PingOneView, ServerInfo};
use crate::plan::{Drift, ExclusionReview, Plan, ScopeChange};

/// The JSON plan's format version. Within one major version, fields are only added,
/// never renamed or removed; consumers must ignore fields they do not know.
/// 1.1 added `reason_details` (a stable `code` next to each reason's text),
/// `unmanaged_kept` (the parts of a live object an update leaves alone) and
/// `changed_fields[].released`. 1.2 added `server` (version, cluster, replication).
/// 1.3 added `scope_changes` (who leaves or re-enters provisioning, and the consent
/// apply needs), `channels[].restored`, and `target` (PingOne environment, state file).
pub const PLAN_FORMAT_VERSION: &str = "1.3";

/// The plan as one JSON document (`plan --json`). Secrets appear only as a field name
/// and a status, never as a value. `drift` lists what changed outside pingform since
/// the last apply (empty when not known, as for a saved plan).
///
/// Written as a stream, one change at a time, so a plan over ten thousand objects is
/// never one JSON tree in memory.
pub fn plan_json(
    plan: &Plan,
    server: Option<&ServerInfo>,
    drift: Option<&Drift>,
    review: Option<&ExclusionReview>,
    pingone: Option<&PingOneView>,
    state: Option<&crate::model::StateLocation>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let summary = plan.summary();
    writeln!(out, "{{")?;
    field(out, "format_version", &json!(PLAN_FORMAT_VERSION))?;
    field(out, "pingform_version", &json!(env!("CARGO_PKG_VERSION")))?;
    field(
        out,
        "server",
        &json!(server.map(|server| server_json(server, Some(plan.server_writes())))),
    )?;
    field(
        out,
        "target",
        &json!(state.map(|state| json!({
            "pingone_environment_id": pingone.map(|view| &view.environment_id),
            "pingone_environment_name": pingone.map(|view| &view.environment_name),
            "state": state.to_string(),
        }))),
    )?;
    write!(out, "  \"changes\": [")?;
    for (index, change) in plan.changes.iter().enumerate() {
        let document = json!({
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
        });
        write!(out, "{}\n    ", if index == 0 { "" } else { "," })?;
        indented(out, &document, 4)?;
    }
    writeln!(
        out,
        "{}],",
        if plan.changes.is_empty() { "" } else { "\n  " }
    )?;
    field(
        out,
        "drift",
        &json!(drift.map(|d| d.items.as_slice()).unwrap_or_default()),
    )?;
    field(
        out,
        "pingone",
        &json!(pingone.map(|view| json!({
            "environment_id": view.environment_id,
            "environment_name": view.environment_name,
            "populations": view.populations.iter().map(|p| json!({"id": p.id, "name": p.name})).collect::<Vec<_>>(),
        }))),
    )?;
    field(
        out,
        "channels",
        &json!(review.map(|r| r.channels.as_slice()).unwrap_or_default()),
    )?;
    field(
        out,
        "excluded_accounts",
        &json!(review.map(|r| r.accounts.as_slice()).unwrap_or_default()),
    )?;
    field(
        out,
        "warnings",
        &json!(review.map(|r| r.warnings.as_slice()).unwrap_or_default()),
    )?;
    field(
        out,
        "scope_changes",
        &json!(
            review
                .map(|r| r.scope.iter().map(scope_change_json).collect::<Vec<_>>())
                .unwrap_or_default()
        ),
    )?;
    write!(out, "  \"summary\": ")?;
    indented(
        out,
        &json!({
            "create": summary.create,
            "update": summary.update,
            "replace": summary.replace,
            "delete": summary.delete,
            "state_only": plan.effective().filter(|c| c.state_only).count(),
        }),
        2,
    )?;
    writeln!(out, "\n}}")
}

/// One scope change: its data, with the flag it needs and its text.
fn scope_change_json(change: &ScopeChange) -> Value {
    let mut value = json!(change);
    value["subject"] = json!(change.subject());
    value["consent_flag"] = json!(change.consent.map(consent_flag));
    value["text"] = json!(scope_change_lines(change));
    value
}

/// One `"key": value,` line of the top-level object.
fn field(out: &mut dyn Write, key: &str, value: &Value) -> io::Result<()> {
    write!(out, "  {}: ", json!(key))?;
    indented(out, value, 2)?;
    writeln!(out, ",")
}

/// A value pretty-printed, its following lines indented by `indent` spaces.
fn indented(out: &mut dyn Write, value: &Value, indent: usize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    let pad = " ".repeat(indent);
    for (index, line) in text.lines().enumerate() {
        if index > 0 {
            write!(out, "\n{pad}")?;
        }
        write!(out, "{line}")?;
    }
    Ok(())
}
