//! The short notices commands print around their main output: a valid configuration,
//! a saved plan, a cancelled apply, the convergence check, the sandbox in use. Worded
//! here once; the commands only choose which to print.

use std::path::Path;

use crate::model::{Address, Binding, StateLocation};
use crate::plan::{Drift, SavedPlan};
use crate::state::{Migrated, StateWarning};

use super::drift_text::drift_summary_line;

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// `validate` on a valid configuration.
pub fn configuration_valid(objects: usize) -> String {
    format!(
        "The configuration is valid: {} declared.",
        plural(objects, "object")
    )
}

/// `validate` left inputs unknown (not given, so not checked).
pub fn unknown_inputs(unknowns: &[String]) -> String {
    format!(
        "Not checked, because not given (unknown until plan): {}. `pingform validate --check-values` requires them.",
        unknowns.join(", ")
    )
}

/// `--target`: the plan is limited, which is for exceptional use.
pub fn targeting_in_effect(targets: &[Address]) -> String {
    let names: Vec<String> = targets.iter().map(ToString::to_string).collect();
    format!(
        "warning: --target limits this plan to {} and what {} depends on; the rest of the configuration is left as it is, so PingFederate may not match it afterwards. Targeting is for exceptional use, such as recovering from a mistake; run a plan without --target afterwards.",
        names.join(", "),
        if targets.len() == 1 { "it" } else { "they" }
    )
}

/// `drift` when nothing moved.
pub fn no_drift(drift: &Drift, checked: usize) -> String {
    format!(
        "{} ({} checked)",
        drift_summary_line(drift),
        plural(checked, "managed object")
    )
}

/// `plan --out FILE`, with the inputs `apply FILE` needs again.
pub fn plan_saved(path: &Path, inputs: &[String]) -> String {
    let needs = if inputs.is_empty() {
        String::new()
    } else {
        format!(" It needs the same {} as this plan had.", inputs.join(", "))
    };
    format!(
        "Saved the plan to {}. Apply exactly this plan, from any folder, with: pingform apply {}{needs}",
        path.display(),
        path.display()
    )
}

/// What `show FILE` says of the plan before printing it.
pub fn saved_plan_header(path: &Path, saved: &SavedPlan) -> String {
    let mut header = format!(
        "Saved plan {}: made {} from {}, against state {} serial {}{}.",
        path.display(),
        saved.created_at,
        saved.configuration.dir,
        saved.state.path,
        saved.state.serial,
        match &saved.state.lineage {
            Some(lineage) => format!(" (lineage {lineage})"),
            None => " (empty state)".to_string(),
        }
    );
    if !saved.inputs.is_empty() {
        header.push_str(&format!(
            " Applying it needs the same {}.",
            saved.inputs.join(", ")
        ));
    }
    if !saved.selection.targets.is_empty() {
        let targets: Vec<String> = saved
            .selection
            .targets
            .iter()
            .map(ToString::to_string)
            .collect();
        header.push_str(&format!(" Targeted: {}.", targets.join(", ")));
    }
    if !saved.selection.replace.is_empty() {
        let replace: Vec<String> = saved
            .selection
            .replace
            .iter()
            .map(ToString::to_string)
            .collect();
        header.push_str(&format!(" Replacing: {}.", replace.join(", ")));
    }
    header
}

/// The confirmation question of `apply --refresh-only`, naming the state file.
pub fn refresh_only_question(state: &StateLocation) -> String {
    format!("Do you want to accept these values into the state {state}?")
}

/// The prompt around a confirmation question.
pub fn confirmation_prompt(question: &str) -> String {
    format!("\n{question}\n  Only 'yes' will be accepted.\n\n  Enter a value: ")
}

/// `apply` answered with anything but `yes`.
pub fn apply_cancelled() -> &'static str {
    "Apply cancelled; nothing was changed."
}

/// `apply --refresh-only` answered with anything but `yes`.
pub fn refresh_only_cancelled() -> &'static str {
    "Cancelled; the state was not changed."
}

/// `apply --refresh-only` with nothing to accept.
pub fn refresh_only_nothing() -> &'static str {
    "No drift: the state already matches PingFederate."
}

/// What `apply --refresh-only` will do, after the drift it shows.
pub fn refresh_only_intent() -> &'static str {
    "pingform will accept these live values into its state; PingFederate is not changed."
}

/// `apply --refresh-only` done.
pub fn refresh_only_accepted(count: usize) -> String {
    format!("Accepted {count} object(s) into the state.")
}

/// The convergence check after an apply: empty, or which objects still change.
pub fn convergence(still_changing: &[Address]) -> String {
    if still_changing.is_empty() {
        return "Checked: a fresh plan finds no changes.".to_string();
    }
    let addresses: Vec<String> = still_changing.iter().map(ToString::to_string).collect();
    format!(
        "warning: after the apply, a fresh plan still finds changes in {}; PingFederate may have normalised a value. Run `pingform plan` to see them.",
        addresses.join(", ")
    )
}

/// `--sandbox`: where the run goes.
pub fn sandbox_in_use(
    url: &str,
    data_file: Option<&Path>,
    state: Option<&StateLocation>,
) -> String {
    format!(
        "Using a built-in sandbox at {url} ({}; state {}).",
        match data_file {
            Some(path) => format!("data kept in {}", path.display()),
            None => "its data is discarded at exit".to_string(),
        },
        match state {
            Some(location) => format!("in {location}"),
            None => "is temporary".to_string(),
        }
    )
}

/// Apply, before `POST /cluster/replicate`.
pub fn replicating() -> &'static str {
    "Replicating the configuration to the cluster's engine nodes..."
}

/// Apply, after `POST /cluster/replicate` succeeded.
pub fn replicated() -> &'static str {
    "Replicated the configuration to the cluster's engine nodes."
}

/// Apply stopped (a failure or an interrupt) with `replicate = true`: nothing was
/// replicated, and what finished is on the administrative node only.
pub fn replication_pending(finished: usize) -> String {
    format!(
        "Replication is pending: {} on the administrative node only, not replicated because the apply did not finish. Run `pingform apply` again once the cause is fixed (it replicates when every change has succeeded), or replicate now with Replicate Configuration in the admin console (POST /cluster/replicate).",
        match finished {
            0 => "nothing new is".to_string(),
            1 => "1 change is".to_string(),
            n => format!("{n} changes are"),
        }
    )
}

/// A state with a problem worth a warning.
pub fn state_warning(warning: &StateWarning) -> String {
    match warning {
        StateWarning::ReadableByOthers { path, mode } => format!(
            "warning: the state file {} can be read by other users (mode {mode:04o}); it holds the key of the secret fingerprints: run `chmod 600 {}`",
            path.display(),
            path.display()
        ),
    }
}

/// `plan` (and `apply`) on a state that does not exist yet.
pub fn no_state_yet(location: &StateLocation) -> String {
    format!(
        "note: there is no state at {location} yet, so this plan starts from nothing (`pingform apply` creates it); if a state should be there, check --state or the `state` block."
    )
}

/// Where the state from before this apply was kept.
pub fn state_backed_up(path: &Path) -> String {
    format!(
        "The state from before this apply is kept in {}.",
        path.display()
    )
}

/// `--rebind` recorded other servers.
pub fn rebound(recorded: &Binding, current: &Binding) -> String {
    format!(
        "The state is now bound to the PingFederate at {}{} (it was bound to {}).",
        current.pingfederate,
        current
            .pingone_environment
            .as_ref()
            .map(|environment| format!(" and PingOne environment {environment}"))
            .unwrap_or_default(),
        recorded.pingfederate
    )
}

/// `state migrate` finished.
pub fn state_migrated(from: &StateLocation, to: &StateLocation, migrated: &Migrated) -> String {
    format!(
        "Copied the state from {from} to {to}: lineage {}, serial {}, {} managed objects, {} history rows.\nPoint --state (or the `state` block) at {to} from now on; {from} was left as it was: archive it, so that nobody applies with it again.",
        migrated.lineage, migrated.serial, migrated.objects, migrated.history
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_naturally() {
        assert_eq!(
            configuration_valid(1),
            "The configuration is valid: 1 object declared."
        );
        assert_eq!(
            no_drift(&Drift::default(), 3),
            "No drift: every managed object is as the last apply left it. (3 managed objects checked)"
        );
        assert_eq!(convergence(&[]), "Checked: a fresh plan finds no changes.");
    }
}
