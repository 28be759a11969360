use std::io::{self, Write};

use super::drift_text::{drift_summary_line, drift_text};
use super::plan_text::{self, plan_summary_line};
use super::review_text::review_text;
use super::scope_text::scope_change_lines;
use super::server::server_lines;
use super::style::Styles;
use crate::model::{PingOneView, ServerInfo};
use crate::plan::{Action, Change, Drift, ExclusionReview, Plan, Summary};

/// A summary fit for a pull-request comment: the counts, one line per change with
/// its details folded, and drift in its own section.
pub fn plan_markdown(
    plan: &Plan,
    server: Option<&ServerInfo>,
    drift: &Drift,
    review: &ExclusionReview,
    pingone: Option<&PingOneView>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let Summary {
        create,
        update,
        replace,
        delete,
    } = plan.summary();
    writeln!(out, "### pingform plan")?;
    writeln!(out)?;
    if let Some(server) = server {
        let (header, notes) = server_lines(server, Some(plan.server_writes()));
        writeln!(out, "{header}.")?;
        for note in notes {
            writeln!(out, "> {note}")?;
        }
        writeln!(out)?;
    }
    if plan.is_empty() {
        writeln!(
            out,
            "**No changes.** PingFederate matches the configuration."
        )?;
    } else {
        writeln!(
            out,
            "**{create} to create, {update} to update, {replace} to replace, {delete} to delete.**"
        )?;
        writeln!(out)?;
        for change in plan.effective() {
            write_folded_change(change, out)?;
        }
    }
    if !drift.is_empty() {
        writeln!(out)?;
        writeln!(out, "#### Drift")?;
        writeln!(out)?;
        writeln!(
            out,
            "<details><summary>{}</summary>",
            drift_summary_line(drift)
        )?;
        writeln!(out)?;
        writeln!(out, "```diff")?;
        drift_text(drift, &Styles::plain(), out)?;
        writeln!(out, "```")?;
        writeln!(out)?;
        writeln!(out, "</details>")?;
    }
    if !review.warnings.is_empty() || !review.deletions.is_empty() || !review.scope.is_empty() {
        writeln!(out)?;
        writeln!(out, "#### Warnings")?;
        writeln!(out)?;
        for warning in &review.warnings {
            writeln!(out, "- :warning: {warning}")?;
        }
        for deletion in &review.deletions {
            writeln!(
                out,
                "- :no_entry: remove action Delete would delete {deletion}"
            )?;
        }
        for change in &review.scope {
            let icon = if change.consent.is_some() {
                ":no_entry:"
            } else {
                ":warning:"
            };
            writeln!(out, "- {icon} {}", scope_change_lines(change).join("; "))?;
        }
    }
    if !review.channels.is_empty() || pingone.is_some() {
        writeln!(out)?;
        writeln!(out, "<details><summary>PingOne and exclusions</summary>")?;
        writeln!(out)?;
        writeln!(out, "```")?;
        let mut text = Vec::new();
        review_text(review, pingone, &Styles::plain(), &mut text)?;
        writeln!(out, "{}", String::from_utf8_lossy(&text).trim())?;
        writeln!(out, "```")?;
        writeln!(out)?;
        writeln!(out, "</details>")?;
    }
    writeln!(out)?;
    writeln!(out, "<sub>{}</sub>", plan_summary_line(plan))?;
    Ok(())
}

fn write_folded_change(change: &Change, out: &mut dyn Write) -> io::Result<()> {
    let (symbol, verb) = match (change.action, change.state_only) {
        (Action::NoOp, _) | (_, true) => ("·", "state only"),
        (Action::Create, _) => ("+", "create"),
        (Action::Update, _) => ("~", "update"),
        (Action::Replace, _) => ("-/+", "replace"),
        (Action::Delete, _) => ("-", "delete"),
    };
    let mut detail: Vec<String> = change.fields.iter().map(|f| f.field.clone()).collect();
    detail.extend(
        change
            .secrets
            .iter()
            .filter(|s| s.status.is_change())
            .map(|s| format!("{} (sensitive)", s.field)),
    );
    let fields = if detail.is_empty() || change.action == Action::Create {
        String::new()
    } else {
        format!(": {}", detail.join(", "))
    };
    writeln!(
        out,
        "<details><summary><code>{symbol} {}</code> {verb}{fields}</summary>",
        change.address
    )?;
    writeln!(out)?;
    writeln!(out, "```diff")?;
    plan_text::write_change(change, &Styles::plain(), out)?;
    writeln!(out, "```")?;
    writeln!(out)?;
    writeln!(out, "</details>")?;
    Ok(())
}
