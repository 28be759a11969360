use std::io::{self, Write};

use super::plan_text::{write_field_change, write_line};
use super::style::{Styles, paint};
use crate::plan::{Drift, DriftStatus};

/// The drift section: objects changed or deleted outside pingform since the last
/// apply, field by field. Writes nothing when there is no drift.
pub fn drift_text(drift: &Drift, styles: &Styles, out: &mut dyn Write) -> io::Result<()> {
    if drift.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        paint(
            styles.bold,
            "Changed outside pingform since the last apply:"
        )
    )?;
    for item in &drift.items {
        writeln!(out)?;
        let (headline, symbol, style) = match item.status {
            DriftStatus::Changed => ("was changed outside pingform", "~", styles.update),
            DriftStatus::Deleted => ("was deleted outside pingform", "-", styles.delete),
        };
        writeln!(
            out,
            "  {}",
            paint(styles.bold, &format!("# {} {headline}", item.address))
        )?;
        writeln!(
            out,
            "{} {} {{",
            paint(style, &format!("{symbol:>3}")),
            item.address.block_header()
        )?;
        let width = item
            .fields
            .iter()
            .map(|f| f.field.len())
            .chain(item.secrets_changed.iter().map(String::len))
            .chain(std::iter::once(2))
            .max()
            .unwrap_or(2);
        writeln!(out, "        {:width$} = {:?}", "id", item.id)?;
        for field in &item.fields {
            write_field_change(out, styles, field, width)?;
        }
        for secret in &item.secrets_changed {
            write_line(
                out,
                styles,
                "~",
                &format!("{secret:width$} = (sensitive value changed outside pingform)"),
            )?;
        }
        writeln!(out, "    }}")?;
        for lost in &item.exclusions_not_enforced {
            writeln!(
                out,
                "    {}",
                paint(
                    styles.delete,
                    &format!(
                        "! exclusion `{}` is no longer enforced by the live user filter of {}: PingOne user `{}` is in provisioning scope again",
                        lost.exclusion, lost.channel, lost.pingone_username
                    )
                )
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", paint(styles.bold, &drift_summary_line(drift)))?;
    Ok(())
}

/// `Drift: 1 changed, 1 deleted outside pingform.`
pub fn drift_summary_line(drift: &Drift) -> String {
    let changed = drift
        .items
        .iter()
        .filter(|i| i.status == DriftStatus::Changed)
        .count();
    let deleted = drift.items.len() - changed;
    if drift.is_empty() {
        "No drift: every managed object is as the last apply left it.".to_string()
    } else {
        format!("Drift: {changed} changed, {deleted} deleted outside pingform.")
    }
}
