use super::cli::{ApplyArgs, ConfigArgs, TargetArgs};
use super::context::{Read, Target};
use super::output::{Progress, confirm, note, stdout_styles, write_stdout};
use super::plan::read_plan_file;
use crate::apply::{ApplyRun, accept_live, apply, converge};
use crate::error::{Error, Result};
use crate::plan::{Consent, SavedPlan, Selection, Stale, check_consent, drift};
use crate::render::{
    apply_cancelled, apply_question, apply_summary, convergence, drift_text, plan_text,
    refresh_only_accepted, refresh_only_cancelled, refresh_only_intent, refresh_only_nothing,
    refresh_only_question, replicated, replicating, replication_pending, review_text, server_text,
    target_line,
};
use crate::state::StateFile;

pub async fn run(args: ApplyArgs) -> Result<u8> {
    if args.config.dir.is_file() {
        return apply_saved(args).await;
    }
    if args.refresh_only {
        return refresh_only(args).await;
    }
    let target = Target::open(&args.config, &args.target).await?;
    // The write lock is held from planning to the last recorded change, so nobody
    // applies in between.
    let mut state = StateFile::open_for_write(&target.state_path)?;
    let previous = state.previous().clone();
    let selection = match target.selection(&args.selection, &previous) {
        Ok(selection) => selection,
        Err(error) => {
            state.abandon();
            return Err(error);
        }
    };
    let read = target.plan(&previous, &selection).await?;
    let planned = &read.planned;
    let styles = stdout_styles();
    write_stdout(|out| {
        if let Some(server) = &planned.server {
            let line = target_line(read.pingone.as_ref(), &target.state_path);
            server_text(
                server,
                Some(planned.plan.server_writes()),
                Some(&line),
                &styles,
                out,
            )?;
        }
        drift_text(&planned.drift, &styles, out)?;
        if !planned.drift.is_empty() {
            writeln!(out)?;
        }
        plan_text(&planned.plan, &styles, out)?;
        review_text(&planned.review, read.pingone.as_ref(), &styles, out)
    })?;
    if planned.plan.is_empty() && !planned.replicates() {
        return Ok(0);
    }
    if let Err(refused) = check_consent(planned, consent(&args)) {
        state.abandon();
        return Err(refused.into());
    }
    let question = apply_question(
        planned.server.as_ref(),
        read.pingone.as_ref(),
        &target.state_path,
    );
    if !args.auto_approve && !confirm(&question)? {
        state.abandon();
        note(apply_cancelled());
        // Nothing was applied: an error for a script that goes on.
        return Ok(1);
    }
    execute(
        &target,
        &read,
        &mut state,
        None,
        &selection,
        args.parallelism,
    )
    .await
}

fn consent(args: &ApplyArgs) -> Consent {
    Consent {
        delete_of_excluded: args.allow_delete_of_excluded,
        exclusion_removal: args.allow_exclusion_removal,
        remove_action_delete: args.allow_remove_action_delete,
    }
}

/// Runs the plan, prints progress and the summary, then checks convergence.
async fn execute(
    target: &Target,
    read: &Read,
    state: &mut StateFile,
    saved: Option<&SavedPlan>,
    selection: &Selection,
    parallelism: u16,
) -> Result<u8> {
    let saved_plan = saved.map(SavedPlan::plan);
    let run = ApplyRun {
        plan: saved_plan.as_ref().unwrap_or(&read.planned.plan),
        desired: &target.desired,
        resolved: &read.planned.resolved,
        observed: &read.observed,
        parallelism: usize::from(parallelism),
        command: if saved.is_some() {
            "apply FILE"
        } else {
            "apply"
        },
    };
    let replicate = read
        .planned
        .server
        .as_ref()
        .is_some_and(|server| server.replicates_after(run.plan.server_writes()));
    eprintln!();
    let mut progress = Progress::new();
    let report = apply(
        &run,
        &target.client,
        state,
        &mut |event| progress.show(&event),
        interrupt(),
    )
    .await;
    progress.finish();
    let report = match report {
        Ok(report) => report,
        Err(stopped) => {
            if replicate {
                note(&replication_pending(stopped.finished().len()));
            }
            return Err(stopped.into());
        }
    };
    let out_styles = stdout_styles();
    write_stdout(|out| {
        writeln!(out)?;
        writeln!(out, "{}", apply_summary(&report, &out_styles))
    })?;
    if replicate {
        note(replicating());
        target
            .client
            .replicate()
            .await
            .map_err(|error| Error::Replication { error })?;
        write_stdout(|out| writeln!(out, "{}", replicated()))?;
    }
    let mut still_changing = converge(
        &target.client,
        &target.desired,
        read.pingone.as_ref(),
        state,
    )
    .await?;
    // A targeted apply converges on its targets; the rest was left as it was.
    if selection.is_targeted() {
        let scope = selection.scope(&target.desired);
        still_changing.retain(|address| scope.contains(address));
    }
    let line = convergence(&still_changing);
    if still_changing.is_empty() {
        write_stdout(|out| writeln!(out, "{line}"))?;
    } else {
        note(&line);
    }
    Ok(0)
}

/// Completes at the first Ctrl-C; a second one ends the process at once (the changes
/// still in flight are then not recorded, and the next plan reads them back).
async fn interrupt() {
    if tokio::signal::ctrl_c().await.is_err() {
        // No signal handling here: never interrupt.
        return std::future::pending().await;
    }
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(130);
        }
    });
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
    let target = Target::open(&config, &target_args).await?;
    let mut state = StateFile::open_for_write(&target.state_path)?;
    let previous = state.previous().clone();
    let selection = saved.selection.clone();
    let read = target.plan(&previous, &selection).await?;
    let verified = saved.verify(&read.planned, &target.desired, &previous, &read.observed);
    if let Err(stale) = verified {
        state.abandon();
        return Err(match stale {
            Stale::Moved(moved) => Error::StalePlan { path: file, moved },
            Stale::Damaged(detail) => Error::PlanFileDamaged { path: file, detail },
        });
    }
    let plan = saved.plan();
    let styles = stdout_styles();
    write_stdout(|out| {
        if let Some(server) = &read.planned.server {
            let line = target_line(read.pingone.as_ref(), &target.state_path);
            server_text(
                server,
                Some(plan.server_writes()),
                Some(&line),
                &styles,
                out,
            )?;
        }
        plan_text(&plan, &styles, out)
    })?;
    let replicates = read
        .planned
        .server
        .as_ref()
        .is_some_and(|server| server.replicates_after(plan.server_writes()));
    if plan.is_empty() && !replicates {
        return Ok(0);
    }
    if let Err(refused) = check_consent(&read.planned, consent(&args)) {
        state.abandon();
        return Err(refused.into());
    }
    execute(
        &target,
        &read,
        &mut state,
        Some(&saved),
        &selection,
        args.parallelism,
    )
    .await
}

/// `pingform apply --refresh-only`: accept the live values into state.
async fn refresh_only(args: ApplyArgs) -> Result<u8> {
    let target = Target::open(&args.config, &args.target).await?;
    let mut state = StateFile::open_for_write(&target.state_path)?;
    let (_, observed) = target.read_pingfederate().await?;
    let drift = drift(state.previous(), &observed);
    let styles = stdout_styles();
    if drift.is_empty() {
        write_stdout(|out| writeln!(out, "{}", refresh_only_nothing()))?;
        return Ok(0);
    }
    write_stdout(|out| {
        drift_text(&drift, &styles, out)?;
        writeln!(out)?;
        writeln!(out, "{}", refresh_only_intent())
    })?;
    if !args.auto_approve && !confirm(&refresh_only_question(&target.state_path))? {
        note(refresh_only_cancelled());
        return Ok(1);
    }
    let recorded = accept_live(&drift, &observed, &mut state)?;
    write_stdout(|out| writeln!(out, "{}", refresh_only_accepted(recorded)))?;
    Ok(0)
}
