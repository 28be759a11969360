//! The provisioning scope section of a plan: each change of who PingFederate
//! provisions, what PingFederate will do to the users who leave the scope, how many
//! PingOne says the channel's population holds, and the flag apply needs.

use std::io::{self, Write};

use super::style::{Styles, paint};
use crate::plan::{RemoveOutcome, ScopeChange, ScopeChangeKind, ScopeConsent};

/// The flag that gives a consent.
pub fn consent_flag(consent: ScopeConsent) -> &'static str {
    match consent {
        ScopeConsent::ExclusionRemoval => "--allow-exclusion-removal",
        ScopeConsent::RemoveActionDelete => "--allow-remove-action-delete",
    }
}

/// What PingFederate does to the users who leave the scope.
fn outcome_text(outcome: RemoveOutcome) -> &'static str {
    match outcome {
        RemoveOutcome::Disable => {
            "PingFederate will disable in PingOne the users it provisioned who leave the scope (remove action Disable)"
        }
        RemoveOutcome::Delete => {
            "PingFederate will delete from PingOne the users it provisioned who leave the scope (remove action Delete)"
        }
        RemoveOutcome::LeftAlone => {
            "remove_users is false: PingFederate leaves the users who leave the scope as they are in PingOne"
        }
    }
}

fn shown(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("(none)")
}

/// The lines of one change: what changes, then what it does to users.
pub fn scope_change_lines(change: &ScopeChange) -> Vec<String> {
    let subject = change.subject();
    let mut lines = Vec::new();
    match &change.kind {
        ScopeChangeKind::ExclusionRemoved {
            exclusion,
            pingone_username,
            pingone_user_id,
        } => {
            lines.push(format!(
                "exclusion `{exclusion}` is removed from {subject}: PingOne user `{pingone_username}` ({pingone_user_id}) exists"
            ));
            lines.push(
                "it comes back into provisioning scope: PingFederate will match it by username and start updating it from the directory"
                    .to_string(),
            );
        }
        ScopeChangeKind::FilterNarrowed { before, after } => {
            lines.push(format!("{subject}: the user filter narrows"));
            lines.push(format!("{} -> {}", shown(before), shown(after)));
            lines.push(outcome_text(change.remove_outcome).to_string());
        }
        ScopeChangeKind::FilterChanged { before, after } => {
            lines.push(format!(
                "{subject}: the user filter changes, and may no longer match users it matched"
            ));
            lines.push(format!("{} -> {}", shown(before), shown(after)));
            lines.push(outcome_text(change.remove_outcome).to_string());
        }
        ScopeChangeKind::BaseDnNarrowed { before, after } => {
            lines.push(format!(
                "{subject}: the base DN narrows from `{before}` to `{after}`"
            ));
            lines.push(outcome_text(change.remove_outcome).to_string());
        }
        ScopeChangeKind::BaseDnChanged { before, after } => {
            lines.push(format!(
                "{subject}: the base DN moves from `{before}` to `{after}`: users under the old one leave the scope"
            ));
            lines.push(outcome_text(change.remove_outcome).to_string());
        }
        ScopeChangeKind::GroupDnChanged { before, after } => {
            lines.push(format!(
                "{subject}: users are selected by membership of a group: {} -> {}",
                shown(before),
                shown(after)
            ));
            lines.push(outcome_text(change.remove_outcome).to_string());
        }
        ScopeChangeKind::GroupSourceChanged {
            field,
            before,
            after,
        } => {
            lines.push(format!(
                "{subject}: `{field}` changes, so other groups are provisioned: {} -> {}",
                shown(before),
                shown(after)
            ));
            lines.push(
                "groups outside the new group source are no longer provisioned to PingOne"
                    .to_string(),
            );
        }
        ScopeChangeKind::RemoveActionToDelete => {
            lines.push(format!(
                "{subject}: remove_action changes from Disable to Delete"
            ));
            lines.push(
                "from now on PingFederate deletes from PingOne, instead of disabling, every user it provisioned who leaves a channel's scope or is disabled or deleted in the directory"
                    .to_string(),
            );
        }
        ScopeChangeKind::ChannelRemoved | ScopeChangeKind::ConnectionRemoved => {
            let what = if change.kind == ScopeChangeKind::ChannelRemoved {
                "the channel is removed"
            } else {
                "the provisioning connection is removed"
            };
            lines.push(format!("{subject}: {what}"));
            lines.push(format!(
                "PingFederate stops provisioning its users; Ping's documentation does not say whether it also applies the remove action ({}) to the users it provisioned",
                match change.remove_outcome {
                    RemoveOutcome::Delete => "Delete",
                    RemoveOutcome::Disable => "Disable",
                    RemoveOutcome::LeftAlone => "none: remove_users is false",
                }
            ));
        }
    }
    if !matches!(change.kind, ScopeChangeKind::ExclusionRemoved { .. }) {
        for population in &change.populations {
            lines.push(match population.users {
                Some(count) => format!(
                    "PingOne: population {} holds {count} user{}, the most this can concern",
                    population.population,
                    if count == 1 { "" } else { "s" }
                ),
                None => format!(
                    "PingOne: how many users population {} holds is not known (PingOne not read)",
                    population.population
                ),
            });
        }
    }
    if let Some(consent) = change.consent {
        lines.push(format!("apply needs {}", consent_flag(consent)));
    }
    lines
}

/// The section, nothing when the plan changes no scope.
pub fn scope_text(changes: &[ScopeChange], styles: &Styles, out: &mut dyn Write) -> io::Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", paint(styles.bold, "Provisioning scope changes:"))?;
    for change in changes {
        let lines = scope_change_lines(change);
        let style = if change.consent.is_some() {
            styles.delete
        } else {
            styles.update
        };
        let mut lines = lines.iter();
        if let Some(first) = lines.next() {
            writeln!(out, "  {} {first}", paint(style, "!"))?;
        }
        for line in lines {
            writeln!(out, "      {line}")?;
        }
    }
    Ok(())
}
