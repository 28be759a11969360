use std::io::{self, Write};

use super::value::inline;
use crate::model::{Attributes, ManagedObject, PreviousRun};
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

/// `state show ADDRESS`: what the last apply declared and what PingFederate returned.
pub fn state_show_text(object: &ManagedObject, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# {}", object.address)?;
    writeln!(out, "{} {{", object.address.block_header())?;
    let mut lines: Vec<(String, String)> = vec![("id".into(), inline(&object.id.clone().into()))];
    lines.extend(
        object
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), inline(v))),
    );
    lines.extend(object.secrets.iter().map(|(field, _)| {
        (
            field.clone(),
            "(sensitive value; only a fingerprint is kept)".to_string(),
        )
    }));
    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (key, value) in &lines {
        writeln!(out, "  {key:width$} = {value}")?;
    }
    if object.prevent_destroy {
        writeln!(out, "  lifecycle {{")?;
        writeln!(out, "    prevent_destroy = true")?;
        writeln!(out, "  }}")?;
    }
    writeln!(out, "}}")?;
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
        let width = observed.keys().map(String::len).max().unwrap_or(0);
        for (key, value) in &observed {
            writeln!(out, "#   {key:width$} = {}", inline(value))?;
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
