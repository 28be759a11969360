use std::time::SystemTime;

use miette::Result;

use super::cli::{ApplyArgs, ConfigArgs, TargetArgs};
use super::context::{Planned, Target, load_configuration, refresh_and_plan};
use super::output::{confirm, write_stdout};
use super::saved_plan::read_plan_file;
use crate::apply::{accept_live, apply};
use crate::model::Desired;
use crate::plan::{ExclusionReview, Plan, SavedPlan, drift};
use crate::render::{Styles, apply_event_line, apply_summary, drift_text, plan_text, review_text};
use crate::state::{HistoryEntry, Outcome, StateFile};

pub async fn run(args: ApplyArgs) -> Result<u8> {
    if args.config.dir.is_file() {
        return apply_saved(args).await;
    }
    if args.refresh_only {
        return refresh_only(args).await;
    }
    let mut desired = load_configuration(&args.config)?;
    let target = Target::connect(&args.config, &args.target, &mut desired).await?;
    // The write lock is held from planning to the last recorded change, so nobody
    // applies in between.
    let mut state = StateFile::open_for_write(&target.state_path)?;
    let previous = state.previous().clone();
    let Planned {
        plan,
        review,
        pingone,
        observed,
        ..
    } = refresh_and_plan(&target, &mut desired, &previous).await?;
    let out_styles = Styles::detect_stdout();
    write_stdout(|out| {
        plan_text(&plan, &out_styles, out)?;
        review_text(&review, pingone.as_ref(), &out_styles, out)
    })?;
    if plan.is_empty() {
        return Ok(0);
    }
    refuse_deletions(&review, args.allow_delete_of_excluded)?;
    if !args.auto_approve && !confirm("Do you want to make these changes?")? {
        eprintln!("Apply cancelled; nothing was changed.");
        return Ok(1);
    }
    execute(&plan, &desired, &observed, &target, &mut state, None).await
}

/// A new exclusion whose account PingFederate would delete needs an explicit yes.
fn refuse_deletions(review: &ExclusionReview, allowed: bool) -> Result<()> {
    if review.deletions.is_empty() || allowed {
        return Ok(());
    }
    let lines: Vec<String> = review
        .deletions
        .iter()
        .map(|d| format!("  - {d}"))
        .collect();
    Err(miette::miette!(
        code = "pingform::apply::delete_of_excluded",
        help = "if deleting these PingOne accounts is intended, run again with --allow-delete-of-excluded; otherwise set remove_action = \"Disable\" or remove_users = false first",
        "nothing was changed: with the remove action Delete, this apply would make PingFederate delete accounts it must now leave alone:\n{}",
        lines.join("\n")
    ))
}

/// Runs the plan, prints progress and the summary, then checks convergence.
async fn execute(
    plan: &Plan,
    desired: &Desired,
    observed: &crate::model::Observed,
    target: &Target,
    state: &mut StateFile,
    saved: Option<&SavedPlan>,
) -> Result<u8> {
    let out_styles = Styles::detect_stdout();
    let err_styles = Styles::detect_stderr();
    eprintln!();
    let report = apply(
        plan,
        desired,
        observed,
        &target.client,
        state,
        saved,
        &mut |event| {
            eprintln!("{}", apply_event_line(&event, &err_styles));
        },
    )
    .await?;
    write_stdout(|out| {
        writeln!(out)?;
        writeln!(out, "{}", apply_summary(&report, &out_styles))
    })?;

    // The convergence rule, checked on every apply: a fresh plan must be empty.
    let observed = target.client.refresh().await?;
    let again = crate::plan::plan(desired, state.previous(), &observed)?;
    if again.is_empty() {
        write_stdout(|out| writeln!(out, "Checked: a fresh plan finds no changes."))?;
    } else {
        let addresses: Vec<String> = again.effective().map(|c| c.address.to_string()).collect();
        eprintln!(
            "warning: after the apply, a fresh plan still finds changes in {}; PingFederate may have normalised a value. Run `pingform plan` to see them.",
            addresses.join(", ")
        );
    }
    Ok(0)
}

/// `pingform apply FILE`: exactly the saved plan, without a prompt, or nothing at all
/// when anything it was based on has moved.
async fn apply_saved(args: ApplyArgs) -> Result<u8> {
    let file = args.config.dir.clone();
    let saved = read_plan_file(&file)?;
    let config = ConfigArgs {
        dir: saved.configuration.dir.clone().into(),
        vars: args.config.vars.clone(),
        var_files: args.config.var_files.clone(),
    };
    let target_args = TargetArgs {
        state: Some(
            args.target
                .state
                .clone()
                .unwrap_or_else(|| saved.state.path.clone().into()),
        ),
        ..args.target.clone()
    };
    let mut desired = load_configuration(&config)?;
    let target = Target::connect(&config, &target_args, &mut desired).await?;
    let existed = target.state_path.exists();
    let mut state = StateFile::open_for_write(&target.state_path)?;
    let previous = state.previous().clone();
    let Planned {
        plan: again,
        review,
        observed,
        ..
    } = refresh_and_plan(&target, &mut desired, &previous).await?;
    let mut moved = saved
        .check(&desired, state.previous(), &observed)
        .map_err(|detail| {
            miette::miette!("the plan file {} is damaged: {detail}", file.display())
        })?;
    if moved.is_empty() {
        // Everything it was based on is as it was, so planning again must give the
        // same plan; if not, something this check does not see has moved.
        if again.changes != saved.changes {
            moved.push(crate::plan::Moved {
                what: "plan".into(),
                how: "planning again gives another plan".into(),
            });
        }
    }
    if !moved.is_empty() {
        drop(state);
        if !existed {
            let _ = std::fs::remove_file(&target.state_path);
        }
        let lines: Vec<String> = moved.iter().map(|m| format!("  - {m}")).collect();
        return Err(miette::miette!(
            code = "pingform::apply::stale_plan",
            help = "make a new plan with `pingform plan --out FILE`, review it, and apply that",
            "the saved plan {} is stale; nothing was changed:\n{}",
            file.display(),
            lines.join("\n")
        ));
    }
    let plan = saved.plan();
    let styles = Styles::detect_stdout();
    write_stdout(|out| plan_text(&plan, &styles, out))?;
    if plan.is_empty() {
        return Ok(0);
    }
    refuse_deletions(&review, args.allow_delete_of_excluded)?;
    execute(
        &plan,
        &desired,
        &observed,
        &target,
        &mut state,
        Some(&saved),
    )
    .await
}

/// `pingform apply --refresh-only`: accept the live values into state.
async fn refresh_only(args: ApplyArgs) -> Result<u8> {
    let mut desired = load_configuration(&args.config)?;
    let target = Target::connect(&args.config, &args.target, &mut desired).await?;
    let mut state = StateFile::open_for_write(&target.state_path)?;
    let observed = target.client.refresh().await?;
    let drift = drift(state.previous(), &observed);
    let styles = Styles::detect_stdout();
    if drift.is_empty() {
        write_stdout(|out| writeln!(out, "No drift: the state already matches PingFederate."))?;
        return Ok(0);
    }
    write_stdout(|out| {
        drift_text(&drift, &styles, out)?;
        writeln!(out)?;
        writeln!(
            out,
            "pingform will accept these live values into its state; PingFederate is not changed."
        )
    })?;
    if !args.auto_approve && !confirm("Do you want to accept these values into the state?")? {
        eprintln!("Cancelled; the state was not changed.");
        return Ok(1);
    }
    let recorded = accept_live(&drift, &observed, &mut state)?;
    state.append_history(&HistoryEntry {
        time: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        command: "apply --refresh-only".into(),
        create: 0,
        update: 0,
        delete: 0,
        finished: recorded,
        outcome: Outcome::Succeeded,
        serial: state.previous().serial,
    })?;
    write_stdout(|out| writeln!(out, "Accepted {recorded} object(s) into the state."))?;
    Ok(0)
}
