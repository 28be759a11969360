use std::io::{self, Write};

use serde_json::Value;

use super::value::inline;
use crate::model::{Attributes, ManagedObject, PreviousRun, ResourceKind};
use crate::state::{Approval, HistoryEntry, Outcome};

/// `state list`: one line per managed object, address and PingFederate id.
pub fn state_list_text(previous: &PreviousRun, out: &mut dyn Write) -> io::Result<()> {
    if previous.objects.is_empty() {
        return writeln!(out, "The state holds no objects.");
    }
    let width = previous
        .objects
        .keys()
        .map(|a| a.to_string().len())
        .max()
        .unwrap_or(0);
    for (address, object) in &previous.objects {
        writeln!(out, "{:width$}  id={}", address.to_string(), object.id)?;
    }
    Ok(())
}

/// `state show ADDRESS`: what the last apply declared, nested blocks (channels) as
/// blocks, what PingFederate returned, and the exclusions the apply put in the
/// channels' user filters.
pub fn state_show_text(object: &ManagedObject, out: &mut dyn Write) -> io::Result<()> {
    let kind = object.address.kind();
    writeln!(out, "# {}", object.address)?;
    writeln!(out, "{} {{", object.address.block_header())?;
    let mut attributes: Vec<(String, Value)> = vec![("id".into(), object.id.clone().into())];
    attributes.extend(
        object
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    let secrets: Vec<(String, String)> = object
        .secrets
        .iter()
        .map(|(field, _)| {
            (
                field.clone(),
                "(sensitive value; only a fingerprint is kept)".to_string(),
            )
        })
        .collect();
    write_body(out, kind, &attributes, &secrets, "  ")?;
    if object.prevent_destroy {
        writeln!(out, "  lifecycle {{")?;
        writeln!(out, "    prevent_destroy = true")?;
        writeln!(out, "  }}")?;
    }
    writeln!(out, "}}")?;
    if !object.exclusions.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "# Exclusions the last apply put in its channels' user filters:"
        )?;
        let width = object
            .exclusions
            .iter()
            .map(|e| e.name.len())
            .max()
            .unwrap_or(0);
        for record in &object.exclusions {
            writeln!(
                out,
                "#   {:width$}  {}  channel {}  {}",
                record.name, record.pingone_username, record.channel, record.clause
            )?;
        }
    }
    if let Some(observed) = object
        .observed
        .as_ref()
        .and_then(|raw| raw.parse::<Attributes>().ok())
    {
        writeln!(out)?;
        writeln!(
            out,
            "# As PingFederate returned it after the last change (values at their defaults left out):"
        )?;
        let attributes: Vec<(String, Value)> = observed
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut text = Vec::new();
        write_body(&mut text, kind, &attributes, &[], "  ")?;
        for line in String::from_utf8_lossy(&text).lines() {
            if line.is_empty() {
                writeln!(out, "#")?;
            } else {
                writeln!(out, "# {line}")?;
            }
        }
    }
    Ok(())
}

/// Attributes as `name = value` lines, aligned, then each nested block (a channel)
/// as a block of its own; `secrets` are shown by name with a fixed text.
fn write_body(
    out: &mut dyn Write,
    kind: ResourceKind,
    attributes: &[(String, Value)],
    secrets: &[(String, String)],
    indent: &str,
) -> io::Result<()> {
    let nested: Vec<(&str, &str, &str)> = kind
        .descriptor()
        .nested_blocks()
        .map(|(field, blocks)| (field.name, blocks.block, blocks.key))
        .collect();
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut blocks: Vec<(&str, &str, &Vec<Value>)> = Vec::new();
    for (name, value) in attributes {
        match (nested.iter().find(|(field, _, _)| field == name), value) {
            (Some((_, block, key)), Value::Array(entries)) => blocks.push((block, key, entries)),
            _ => lines.push((name.clone(), inline(value))),
        }
    }
    lines.extend(secrets.iter().cloned());
    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (key, value) in &lines {
        writeln!(out, "{indent}{key:width$} = {value}")?;
    }
    for (block, key, entries) in blocks {
        for entry in entries {
            let Some(fields) = entry.as_object() else {
                continue;
            };
            let label = fields.get(key).and_then(Value::as_str).unwrap_or_default();
            writeln!(out)?;
            writeln!(out, "{indent}{block} {label:?} {{")?;
            let inner: Vec<(String, String)> = fields
                .iter()
                .filter(|(name, _)| name.as_str() != key)
                .map(|(name, value)| (name.clone(), inline(value)))
                .collect();
            let width = inner.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (name, value) in &inner {
                writeln!(out, "{indent}  {name:width$} = {value}")?;
            }
            writeln!(out, "{indent}}}")?;
        }
    }
    Ok(())
}

/// `state rm`: what was forgotten, and that PingFederate still holds it.
pub fn state_removed_text(forgotten: &[ManagedObject], out: &mut dyn Write) -> io::Result<()> {
    for object in forgotten {
        let id = if object.address.kind().is_singleton() {
            String::new()
        } else {
            format!(" (id `{}`)", object.id)
        };
        writeln!(
            out,
            "Removed {}{id} from the state; PingFederate still holds it, unchanged.",
            object.address
        )?;
    }
    writeln!(
        out,
        "pingform no longer manages {}. A block that still declares {} takes {} over again at the next apply.",
        if forgotten.len() == 1 { "it" } else { "them" },
        if forgotten.len() == 1 { "it" } else { "one" },
        if forgotten.len() == 1 {
            "it"
        } else {
            "that one"
        },
    )
}

/// `history`: one line per apply, oldest first: when, the serial it left, what ran,
/// how it ended, what its finished changes did, and who ran it where and how.
pub fn history_text(entries: &[HistoryEntry], out: &mut dyn Write) -> io::Result<()> {
    if entries.is_empty() {
        return writeln!(out, "No apply has been recorded in this state.");
    }
    let command_width = entries.iter().map(|e| e.command.len()).max().unwrap_or(0);
    let outcomes: Vec<String> = entries.iter().map(outcome_word).collect();
    let outcome_width = outcomes.iter().map(String::len).max().unwrap_or(0);
    for (entry, outcome) in entries.iter().zip(&outcomes) {
        let mut line = format!(
            "{}  serial {:>4}  {:<command_width$}  {:<outcome_width$}  {}",
            entry.time,
            entry.serial,
            entry.command,
            outcome,
            done_text(entry),
        );
        if let Some(origin) = &entry.origin {
            line.push_str(&format!(
                "; by {}@{}, {}",
                origin.user,
                origin.host,
                approval_text(&origin.approval)
            ));
        }
        if let Outcome::Failed { message } = &entry.outcome {
            line.push_str(&format!("; {message}"));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn outcome_word(entry: &HistoryEntry) -> String {
    match &entry.outcome {
        Outcome::Succeeded => "succeeded".to_string(),
        Outcome::Failed { .. } => "failed".to_string(),
        Outcome::Interrupted { signal, at_once } => {
            format!(
                "interrupted ({signal}{})",
                if *at_once { ", at once" } else { "" }
            )
        }
    }
}

/// `3 finished: 2 created, 1 moved; 1 outcome unknown, 2 not started`.
fn done_text(entry: &HistoryEntry) -> String {
    let done = &entry.done;
    let parts: Vec<String> = [
        (done.created, "created"),
        (done.updated, "updated"),
        (done.replaced, "replaced"),
        (done.deleted, "deleted"),
        (done.moved, "moved"),
        (done.recorded, "recorded in state only"),
    ]
    .iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, what)| format!("{count} {what}"))
    .collect();
    let mut text = if entry.finished == 0 {
        "nothing finished".to_string()
    } else if parts.is_empty() {
        // A row from before the history counted changes by kind.
        format!("{} finished", entry.finished)
    } else {
        format!("{} finished: {}", entry.finished, parts.join(", "))
    };
    let mut left = Vec::new();
    if entry.unknown > 0 {
        left.push(format!("{} outcome unknown", entry.unknown));
    }
    if entry.not_started > 0 {
        left.push(format!("{} not started", entry.not_started));
    }
    if !left.is_empty() {
        text.push_str(&format!("; {}", left.join(", ")));
    }
    text
}

fn approval_text(approval: &Approval) -> String {
    match approval {
        Approval::Interactive => "confirmed at the prompt".to_string(),
        Approval::AutoApprove => "--auto-approve".to_string(),
        Approval::PlanFile { file } => format!("plan file {file}"),
        Approval::Command => "no question asked".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{DoneCounts, RunOrigin};

    fn entry(outcome: Outcome, done: DoneCounts, finished: usize) -> HistoryEntry {
        HistoryEntry {
            time: "2026-12-02T10:00:00Z".into(),
            command: "apply".into(),
            origin: Some(RunOrigin {
                user: "alice".into(),
                host: "runner-7".into(),
                approval: Approval::AutoApprove,
            }),
            create: 3,
            update: 1,
            delete: 0,
            replace: 1,
            finished,
            done,
            unknown: 0,
            not_started: 0,
            outcome,
            serial: 5,
        }
    }

    #[test]
    fn one_line_per_apply_says_what_finished_who_and_how_it_ended() {
        let mut interrupted = entry(
            Outcome::Interrupted {
                signal: "SIGTERM".into(),
                at_once: false,
            },
            DoneCounts {
                created: 1,
                ..DoneCounts::default()
            },
            1,
        );
        interrupted.unknown = 1;
        interrupted.not_started = 3;
        interrupted.origin.as_mut().unwrap().approval = Approval::PlanFile {
            file: "prod.plan".into(),
        };
        let old = HistoryEntry {
            origin: None,
            ..entry(
                Outcome::Failed {
                    message: "create of datastore.jdbc.a failed: HTTP 422".into(),
                },
                DoneCounts::default(),
                2,
            )
        };
        let entries = [
            entry(
                Outcome::Succeeded,
                DoneCounts {
                    created: 3,
                    updated: 1,
                    replaced: 1,
                    moved: 1,
                    ..DoneCounts::default()
                },
                6,
            ),
            interrupted,
            old,
        ];
        let mut out = Vec::new();
        history_text(&entries, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "2026-12-02T10:00:00Z  serial    5  apply  succeeded              6 finished: 3 created, 1 updated, 1 replaced, 1 moved; by alice@runner-7, --auto-approve\n\
             2026-12-02T10:00:00Z  serial    5  apply  interrupted (SIGTERM)  1 finished: 1 created; 1 outcome unknown, 3 not started; by alice@runner-7, plan file prod.plan\n\
             2026-12-02T10:00:00Z  serial    5  apply  failed                 2 finished; create of datastore.jdbc.a failed: HTTP 422\n"
        );
    }
}
