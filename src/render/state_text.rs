use std::io::{self, Write};

use serde_json::Value;

use super::value::inline;
use crate::model::{Attributes, ManagedObject, PreviousRun, ResourceKind};
use crate::state::{HistoryEntry, Outcome};

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

/// `history`: one line per apply, oldest first.
pub fn history_text(entries: &[HistoryEntry], out: &mut dyn Write) -> io::Result<()> {
    if entries.is_empty() {
        return writeln!(out, "No apply has been recorded in this state file.");
    }
    for entry in entries {
        let outcome = match &entry.outcome {
            Outcome::Succeeded => "succeeded".to_string(),
            Outcome::Failed { message } => format!("failed: {message}"),
        };
        writeln!(
            out,
            "{}  serial {:>4}  {:<22} {} created, {} updated, {} deleted; {} finished; {outcome}",
            entry.time,
            entry.serial,
            entry.command,
            entry.create,
            entry.update,
            entry.delete,
            entry.finished
        )?;
    }
    Ok(())
}
