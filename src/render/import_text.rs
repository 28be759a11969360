//! What `pingform import` tells: the objects it wrote and now manages, the exclusions
//! it recovered, and the live objects it left out, with why.

use std::io::{self, Write};
use std::path::Path;

use crate::import::{Imported, SkipReason, Skipped};
use crate::model::kinds::CHANNEL_BLOCK;

/// After writing (or, with `dry_run`, instead of writing) the file.
pub fn import_summary(
    imported: &Imported,
    file: &Path,
    dry_run: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let objects = imported.objects.len();
    let exclusions = imported.exclusions.len();
    let counted = format!(
        "{objects} object{}{}",
        plural(objects),
        match exclusions {
            0 => String::new(),
            n => format!(" and {n} exclusion{}", plural(n)),
        }
    );
    if dry_run {
        writeln!(
            out,
            "Dry run: {counted} would be imported into {}; nothing was written or recorded.",
            file.display()
        )?;
    } else {
        writeln!(
            out,
            "Imported {counted} into {}; pingform manages {} from now on.",
            file.display(),
            if objects == 1 { "it" } else { "them" }
        )?;
        writeln!(out, "Nothing was changed in PingFederate or PingOne.")?;
    }
    writeln!(out)?;
    let width = imported
        .objects
        .iter()
        .map(|o| o.address.to_string().len())
        .chain(
            imported
                .exclusions
                .iter()
                .map(|e| "exclusion.".len() + e.name.len()),
        )
        .max()
        .unwrap_or(0);
    for object in &imported.objects {
        if object.address.kind().is_singleton() {
            writeln!(out, "  {}", object.address)?;
        } else {
            writeln!(
                out,
                "  {:width$}  id={}",
                object.address.to_string(),
                object.id
            )?;
        }
    }
    for exclusion in &imported.exclusions {
        let channels: Vec<String> = exclusion.channels.iter().map(ToString::to_string).collect();
        writeln!(
            out,
            "  {:width$}  from the live filter of {}",
            format!("exclusion.{}", exclusion.name),
            channels.join(", ")
        )?;
    }
    skipped_text(&imported.skipped, out)
}

/// When every object is declared already.
pub fn nothing_to_import(imported: &Imported, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "Nothing to import: the configuration declares every live object pingform can manage. Nothing was written."
    )?;
    skipped_text(&imported.skipped, out)
}

fn skipped_text(skipped: &[Skipped], out: &mut dyn Write) -> io::Result<()> {
    if skipped.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "Not imported:")?;
    for item in skipped {
        let marker = if item.why.is_warning() { "!" } else { "-" };
        let why = skip_reason_text(&item.why);
        if item.id.is_empty() || item.id == crate::model::SINGLETON_ID {
            writeln!(out, "  {marker} {}: {why}", item.what)?;
        } else {
            writeln!(out, "  {marker} {} (id `{}`): {why}", item.what, item.id)?;
        }
    }
    Ok(())
}

/// Why an object was not imported, in words.
pub fn skip_reason_text(reason: &SkipReason) -> String {
    match reason {
        SkipReason::NotProvisioning => {
            "an SP connection without outbound provisioning is not provisioning configuration"
                .into()
        }
        SkipReason::NotModelled => "pingform does not model it".into(),
        SkipReason::UnknownPlugin { plugin } => format!(
            "its plugin `{plugin}` has no descriptor in PingFederate, so pingform cannot tell its settings from their defaults"
        ),
        SkipReason::ChannelName { channel } => format!(
            "its channel `{channel}` has a name that cannot be a `{CHANNEL_BLOCK}` block label (letters, digits, `_` and `-`, not starting with a digit); rename the channel in PingFederate first"
        ),
        SkipReason::NoProvisioningStore => {
            "no data store is selected for outbound provisioning, and the `outbound_provisioning` block needs one".into()
        }
        SkipReason::InvalidId => "its id is not one pingform can declare".into(),
        SkipReason::Removed { address } => {
            format!("a `removed` block forgets {address}; delete that block to import it again")
        }
        SkipReason::ExclusionsMissing {
            exclusions,
            channel,
        } => format!(
            "the configuration applies {} to every channel, and the live user filter of channel `{channel}` does not enforce {} where pingform writes exclusions; declare the connection yourself, or give the exclusion a `channels` list",
            exclusions
                .iter()
                .map(|name| format!("exclusion `{name}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if exclusions.len() == 1 { "it" } else { "them" }
        ),
        SkipReason::Inexact { detail } => {
            format!("pingform cannot write it exactly: {detail}")
        }
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
