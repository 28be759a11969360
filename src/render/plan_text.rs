use std::io::{self, Write};

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::reason::reason_text;
use super::style::{Styles, paint};
use super::value::{inline, is_long, multiline};
use crate::plan::{Action, Change, FieldChange, Plan, Reason, SecretStatus, Summary};

/// The plan in the Terraform style: `+` create, `~` update, `-/+` replace, `-` delete,
/// only the changed fields of an update, then a summary line.
pub fn plan_text(plan: &Plan, styles: &Styles, out: &mut dyn Write) -> io::Result<()> {
    let shown: Vec<&Change> = plan.effective().collect();
    if shown.is_empty() {
        writeln!(
            out,
            "{}",
            paint(
                styles.bold,
                "No changes. PingFederate matches the configuration."
            )
        )?;
        return Ok(());
    }
    let symbols = [
        (Action::Create, "+", "create", styles.create),
        (Action::Update, "~", "update in place", styles.update),
        (
            Action::Replace,
            "-/+",
            "delete, then create again",
            styles.delete,
        ),
        (Action::Delete, "-", "delete", styles.delete),
    ];
    let used: Vec<_> = symbols
        .iter()
        .filter(|(action, ..)| shown.iter().any(|c| c.action == *action))
        .collect();
    if !used.is_empty() {
        writeln!(out, "Symbols used below:")?;
        for (_, symbol, meaning, style) in used {
            writeln!(
                out,
                "  {} {meaning}",
                paint(*style, &format!("{symbol:>3}"))
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "pingform will make these changes, in this order:")?;
    for change in shown {
        writeln!(out)?;
        write_change(change, styles, out)?;
    }
    writeln!(out)?;
    writeln!(out, "{}", paint(styles.bold, &plan_summary_line(plan)))?;
    Ok(())
}

/// `Plan: 1 to create, 0 to update, 0 to replace, 1 to delete.`
pub fn plan_summary_line(plan: &Plan) -> String {
    let Summary {
        create,
        update,
        replace,
        delete,
    } = plan.summary();
    let imported = |change: &&Change| {
        change
            .reasons
            .iter()
            .any(|reason| matches!(reason, Reason::Imported { .. }))
    };
    let imports = plan.effective().filter(imported).count();
    let state_only = plan
        .effective()
        .filter(|c| c.state_only && !imported(c))
        .count();
    let mut line = if create + update + replace + delete == 0 {
        "No changes to PingFederate.".to_string()
    } else {
        format!(
            "Plan: {create} to create, {update} to update, {replace} to replace, {delete} to delete."
        )
    };
    if imports > 0 {
        line.push_str(&format!(" {imports} to import."));
    }
    if state_only > 0 {
        line.push_str(&format!(
            " {state_only} state-only change{}.",
            if state_only == 1 { "" } else { "s" }
        ));
    }
    line
}

pub(super) fn write_change(
    change: &Change,
    styles: &Styles,
    out: &mut dyn Write,
) -> io::Result<()> {
    let has = |wanted: fn(&Reason) -> bool| change.reasons.iter().any(wanted);
    let imported = has(|r| matches!(r, Reason::Imported { .. }));
    let (headline, symbol, style) = match change.action {
        Action::Create => ("will be created", "+", styles.create),
        Action::Update if imported => ("will be imported and updated in place", "~", styles.update),
        Action::Update => ("will be updated in place", "~", styles.update),
        Action::Replace if imported => ("will be imported and replaced", "-/+", styles.delete),
        Action::Replace => ("must be replaced", "-/+", styles.delete),
        Action::Delete if change.kind().is_singleton() => (
            "will be reset to PingFederate's defaults",
            "-",
            styles.delete,
        ),
        Action::Delete
            if change
                .reasons
                .iter()
                .any(|r| matches!(r, Reason::PartRemoved { .. })) =>
        {
            ("will lose its outbound provisioning", "-", styles.delete)
        }
        Action::Delete => ("will be deleted", "-", styles.delete),
        Action::NoOp if imported => ("will be imported", " ", styles.note),
        Action::NoOp if has(|r| matches!(r, Reason::RemovedBlock)) => {
            ("will be forgotten, not deleted", " ", styles.note)
        }
        Action::NoOp
            if change.moved_from.is_none()
                && has(|r| {
                    matches!(
                        r,
                        Reason::ProtectionChanged {
                            prevent_destroy: true
                        }
                    )
                }) =>
        {
            ("will be protected from destruction", " ", styles.note)
        }
        Action::NoOp
            if change.moved_from.is_none()
                && has(|r| {
                    matches!(
                        r,
                        Reason::ProtectionChanged {
                            prevent_destroy: false
                        }
                    )
                }) =>
        {
            ("is no longer protected from destruction", " ", styles.note)
        }
        Action::NoOp => match (&change.moved_from, change.after.is_some()) {
            (Some(_), _) => ("has moved", " ", styles.note),
            (None, true) => (
                "will be taken over by pingform, without changes",
                " ",
                styles.note,
            ),
            (None, false) => ("will be forgotten", " ", styles.note),
        },
    };
    let headline = match (&change.moved_from, change.action) {
        (Some(from), Action::NoOp) => format!("# {from} has moved to {}", change.address),
        (Some(from), _) => format!("# {} (moved from {from}) {headline}", change.address),
        (None, _) => format!("# {} {headline}", change.address),
    };
    writeln!(out, "  {}", paint(styles.bold, &headline))?;
    for reason in &change.reasons {
        let text = reason_text(reason);
        writeln!(out, "  {}", paint(styles.note, &format!("# ({text})")))?;
    }
    writeln!(
        out,
        "{} {} {{",
        paint(style, &format!("{symbol:>3}")),
        change.address.block_header()
    )?;
    let mut lines: Vec<(String, &'static str, String)> = Vec::new();
    let id_marker = match change.action {
        Action::Create => "+",
        Action::Delete => "-",
        _ => " ",
    };
    if !change.kind().is_singleton() {
        lines.push((
            "id".into(),
            id_marker,
            inline(&Value::String(change.id.clone())),
        ));
    }
    let mut defaults_hidden = 0;
    match change.action {
        Action::Create => {
            for (field, value) in change.after.iter().flatten() {
                if is_default(change, field, value) {
                    defaults_hidden += 1;
                    continue;
                }
                lines.push((field.clone(), "+", render_value(value, 6)));
            }
        }
        Action::Delete => {
            for (field, value) in change.before.iter().flatten() {
                if is_default(change, field, value) {
                    defaults_hidden += 1;
                    continue;
                }
                lines.push((field.clone(), "-", render_value(value, 6)));
            }
        }
        Action::Replace if change.fields.is_empty() => {
            for (field, value) in change.after.iter().flatten() {
                lines.push((field.clone(), "+", render_value(value, 6)));
            }
        }
        _ => {}
    }
    let width = lines
        .iter()
        .map(|(field, ..)| field.len())
        .chain(change.fields.iter().map(|f| f.field.len()))
        .chain(
            change
                .secrets
                .iter()
                .filter(|s| s.status.is_change())
                .map(|s| s.field.len()),
        )
        .max()
        .unwrap_or(0);
    for (field, marker, value) in &lines {
        write_line(out, styles, marker, &format!("{field:width$} = {value}"))?;
    }
    if matches!(change.action, Action::Update | Action::Replace) {
        for field in &change.fields {
            write_field_change(out, styles, field, width)?;
        }
    }
    for secret in change.secrets.iter().filter(|s| s.status.is_change()) {
        let (marker, text) = match secret.status {
            SecretStatus::Set => ("+", "(sensitive value)"),
            SecretStatus::Changed => ("~", "(sensitive value changed)"),
            SecretStatus::ChangedOutside => (
                "~",
                "(sensitive value changed outside pingform; the configured value is set again)",
            ),
            SecretStatus::Removed => ("-", "(sensitive value)"),
            SecretStatus::Unchanged | SecretStatus::Kept => continue,
        };
        write_line(
            out,
            styles,
            marker,
            &format!("{:width$} = {text}", secret.field),
        )?;
    }
    if defaults_hidden > 0 {
        writeln!(
            out,
            "        {}",
            paint(
                styles.note,
                &format!(
                    "# ({defaults_hidden} attribute{} at PingFederate's defaults hidden)",
                    if defaults_hidden == 1 { "" } else { "s" }
                )
            )
        )?;
    }
    if change.action == Action::Update {
        let unchanged = change.unchanged;
        if unchanged > 0 {
            writeln!(
                out,
                "        {}",
                paint(
                    styles.note,
                    &format!(
                        "# ({unchanged} unchanged attribute{} hidden)",
                        if unchanged == 1 { "" } else { "s" }
                    )
                )
            )?;
        }
        let kept = change.kept.len();
        if kept > 0 {
            writeln!(
                out,
                "        {}",
                paint(
                    styles.note,
                    &format!(
                        "# ({kept} field{} managed outside pingform kept)",
                        if kept == 1 { "" } else { "s" }
                    )
                )
            )?;
        }
    }
    writeln!(out, "    }}")?;
    Ok(())
}

/// Whether a created object's value is just the server default, not worth a line.
fn is_default(change: &Change, field: &str, value: &Value) -> bool {
    change
        .kind()
        .field(field)
        .and_then(|f| f.default.value())
        .is_some_and(|default| &default == value)
}

pub(super) fn write_field_change(
    out: &mut dyn Write,
    styles: &Styles,
    field: &FieldChange,
    width: usize,
) -> io::Result<()> {
    let suffix = if field.forces_replacement {
        " # forces replacement"
    } else if field.released {
        " # no longer declared: back to PingFederate's default"
    } else {
        ""
    };
    let name = format!("{:width$}", field.field);
    match (&field.before, &field.after) {
        (Some(before), Some(after)) if is_long(before) || is_long(after) => {
            write_line(out, styles, "~", &format!("{name} ={suffix}"))?;
            let old = multiline(before, 0).join("\n") + "\n";
            let new = multiline(after, 0).join("\n") + "\n";
            // Only the changed lines with three lines of context: a channel has two
            // dozen settings, and one changed filter should not bury the reader.
            let diff = TextDiff::from_lines(&old, &new);
            let total = old.lines().count();
            let groups = diff.grouped_ops(3);
            for (index, group) in groups.iter().enumerate() {
                let starts_late = group.first().is_some_and(|op| op.old_range().start > 0);
                if index > 0 || starts_late {
                    writeln!(out, "            {}", paint(styles.note, "# (...)"))?;
                    // Name the list item the change is in (a channel, a tag).
                    let start = group.first().map_or(0, |op| op.old_range().start);
                    let old_lines: Vec<&str> = old.lines().collect();
                    let named = old_lines[..start.min(old_lines.len())]
                        .iter()
                        .enumerate()
                        .rev()
                        .find(|(_, line)| {
                            line.trim_start().starts_with("name ") && line.contains(" = ")
                        });
                    if let Some((line_index, line)) = named {
                        writeln!(out, "            {line}")?;
                        if line_index + 1 < start {
                            writeln!(out, "            {}", paint(styles.note, "# (...)"))?;
                        }
                    }
                }
                for op in group {
                    for change in diff.iter_changes(op) {
                        let (marker, style) = match change.tag() {
                            ChangeTag::Delete => ("-", styles.delete),
                            ChangeTag::Insert => ("+", styles.create),
                            ChangeTag::Equal => (" ", styles.note),
                        };
                        let text = change.value().trim_end_matches('\n');
                        writeln!(out, "          {} {text}", paint(style, marker))?;
                    }
                }
                let ends_early = group.last().is_some_and(|op| op.old_range().end < total);
                if index + 1 == groups.len() && ends_early {
                    writeln!(out, "            {}", paint(styles.note, "# (...)"))?;
                }
            }
            Ok(())
        }
        (Some(before), Some(after)) => write_line(
            out,
            styles,
            "~",
            &format!("{name} = {} -> {}{suffix}", inline(before), inline(after)),
        ),
        (None, Some(after)) => write_line(
            out,
            styles,
            "+",
            &format!("{name} = {}{suffix}", render_value(after, 6)),
        ),
        (Some(before), None) if field.after_computed => write_line(
            out,
            styles,
            "~",
            &format!("{name} = {} -> (computed by PingFederate)", inline(before)),
        ),
        (Some(before), None) => write_line(
            out,
            styles,
            "-",
            &format!("{name} = {} -> null", inline(before)),
        ),
        (None, None) if field.after_computed => write_line(
            out,
            styles,
            "~",
            &format!("{name} = (computed by PingFederate)"),
        ),
        (None, None) => Ok(()),
    }
}

pub(super) fn write_line(
    out: &mut dyn Write,
    styles: &Styles,
    marker: &str,
    text: &str,
) -> io::Result<()> {
    let style = match marker {
        "+" => styles.create,
        "~" => styles.update,
        "-" => styles.delete,
        _ => anstyle::Style::new(),
    };
    writeln!(out, "      {} {text}", paint(style, marker))
}

fn render_value(value: &Value, indent: usize) -> String {
    if is_long(value) {
        multiline(value, indent).join("\n")
    } else {
        inline(value)
    }
}
