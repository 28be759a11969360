use std::io::{self, Write};

use super::scope_text::scope_text;
use super::style::{Styles, paint};
use crate::model::PingOneView;
use crate::plan::ExclusionReview;

/// What the plan found in PingOne, every channel's effective user filter with its
/// exclusions, the excluded accounts, and the warnings. Nothing when the configuration
/// has neither PingOne nor provisioning connections.
pub fn review_text(
    review: &ExclusionReview,
    pingone: Option<&PingOneView>,
    styles: &Styles,
    out: &mut dyn Write,
) -> io::Result<()> {
    if let Some(view) = pingone {
        writeln!(out)?;
        let found = review
            .accounts
            .iter()
            .filter(|a| a.pingone_user_id.is_some())
            .count();
        writeln!(
            out,
            "{} environment \"{}\" ({}): {} population{}; {found} of {} excluded account{} found.",
            paint(styles.bold, "PingOne"),
            view.environment_name,
            view.environment_id,
            view.populations.len(),
            if view.populations.len() == 1 { "" } else { "s" },
            review.accounts.len(),
            if review.accounts.len() == 1 { "" } else { "s" },
        )?;
    }
    if !review.channels.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", paint(styles.bold, "Effective user filters:"))?;
        for channel in &review.channels {
            let population = channel
                .population
                .as_deref()
                .map(|p| format!(" -> population {p}"))
                .unwrap_or_default();
            writeln!(out, "  {}{population}", channel.channel)?;
            writeln!(
                out,
                "      {}",
                channel
                    .filter
                    .as_deref()
                    .unwrap_or("(no user filter: the group DN decides)")
            )?;
            if !channel.exclusions.is_empty() {
                writeln!(out, "      excludes: {}", channel.exclusions.join(", "))?;
            }
            for name in &channel.not_enforced_live {
                let text = if channel.restored.contains(name) {
                    format!(
                        "the live filter lost exclusion `{name}` since the last apply: this plan restores it"
                    )
                } else {
                    format!(
                        "the live filter does not enforce exclusion `{name}`: this plan adds it"
                    )
                };
                writeln!(out, "      {}", paint(styles.update, &text))?;
            }
        }
    }
    if !review.accounts.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", paint(styles.bold, "Excluded accounts:"))?;
        let width = review
            .accounts
            .iter()
            .map(|a| a.exclusion.len())
            .max()
            .unwrap_or(0);
        for account in &review.accounts {
            let status = match (&account.pingone_user_id, pingone) {
                (Some(id), _) => format!("found in PingOne (user {id})"),
                (None, Some(_)) => "not in PingOne".to_string(),
                (None, None) => "PingOne not read".to_string(),
            };
            writeln!(
                out,
                "  {:width$}  {}  {status}  # {}",
                account.exclusion, account.pingone_username, account.reason
            )?;
        }
    }
    scope_text(&review.scope, styles, out)?;
    if !review.warnings.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", paint(styles.bold, "Warnings:"))?;
        for warning in &review.warnings {
            writeln!(out, "  {} {warning}", paint(styles.update, "!"))?;
        }
    }
    if !review.deletions.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            paint(
                styles.delete,
                "The remove action is Delete: apply refuses to go ahead without --allow-delete-of-excluded, because PingFederate would delete:"
            )
        )?;
        for deletion in &review.deletions {
            writeln!(out, "  - {deletion}")?;
        }
    }
    Ok(())
}
