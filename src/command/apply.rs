use std::future::Future;

use super::cli::{ApplyArgs, ConfigArgs, TargetArgs};
use super::context::{Read, Target};
use super::output::{Progress, confirm, note, print_state_warnings, stdout_styles, write_stdout};
use super::plan::read_plan_file;
use super::signals::Signals;
use super::whoami::{lock_holder, run_origin};
use crate::apply::{ApplyRun, accept_live, apply, converge};
use crate::error::{Error, Result};
use crate::plan::{Consent, SavedPlan, Selection, Stale, check_consent, drift};
use crate::render::{
    apply_cancelled, apply_question, apply_summary, convergence, drift_text, plan_text, rebound,
    refresh_only_accepted, refresh_only_cancelled, refresh_only_intent, refresh_only_nothing,
    refresh_only_question, replicated, replicating, replication_pending, review_text, server_text,
    state_backed_up, target_line,
};
use crate::state::{Approval, StateStore};

pub async fn run(args: ApplyArgs) -> Result<u8> {
    // From here on a signal stops the apply in order instead of killing the process.
    let signals = Signals::install();
    if args.config.dir.is_file() {
        return apply_saved(args, &signals).await;
    }
    if args.refresh_only {
        return refresh_only(args, &signals).await;
    }
    let target = until_signal(
        &signals,
        "while planning",
        Target::open(&args.config, &args.target),
    )
    .await??;
    // The write lock is held from planning to the last recorded change, so nobody
    // applies in between. A new state exists only in this process until the apply
    // begins: a cancelled or refused apply leaves none behind.
    let mut state = open_state(&target, &signals).await?;
    let previous = state.previous().clone();
    let selection = target.selection(&args.selection, &previous)?;
    let read = until_signal(
        &signals,
        "while planning",
        target.plan(&previous, &selection),
    )
    .await??;
    let planned = &read.planned;
    let styles = stdout_styles();
    write_stdout(|out| {
        if let Some(server) = &planned.server {
            let line = target_line(read.pingone.as_ref(), &target.state);
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
    if planned.plan.is_empty() && !planned.replicates() && !needs_rebind(&target, &state, &read) {
        return Ok(0);
    }
    check_consent(planned, consent(&args))?;
    let approval = if args.auto_approve {
        Approval::AutoApprove
    } else {
        let question = apply_question(
            planned.server.as_ref(),
            read.pingone.as_ref(),
            &target.state,
        );
        let confirmed =
            until_signal(&signals, "at the confirmation prompt", confirm(&question)).await??;
        if !confirmed {
            note(apply_cancelled());
            // Nothing was applied: an error for a script that goes on.
            return Ok(1);
        }
        Approval::Interactive
    };
    let execution = Execution {
        saved: None,
        selection: &selection,
        parallelism: args.parallelism,
        approval,
    };
    execute(&target, &read, &mut state, execution, &signals).await
}

fn consent(args: &ApplyArgs) -> Consent {
    Consent {
        delete_of_excluded: args.allow_delete_of_excluded,
        exclusion_removal: args.allow_exclusion_removal,
        remove_action_delete: args.allow_remove_action_delete,
    }
}

/// Whether an apply with nothing to change still records something: `--rebind` on a
/// state bound to other servers.
fn needs_rebind(target: &Target, state: &StateStore, read: &Read) -> bool {
    target.rebind && state.previous().bound_elsewhere(&read.binding).is_some()
}

/// `future`, unless a signal arrives first: then nothing has been changed yet, and the
/// command ends with the signal's exit code.
async fn until_signal<T>(
    signals: &Signals,
    during: &'static str,
    future: impl Future<Output = T>,
) -> Result<T> {
    tokio::select! {
        value = future => Ok(value),
        signal = signals.first() => Err(Error::StoppedBeforeChanges { signal, during }),
    }
}

/// How an approved apply runs: from a saved plan or not, how many changes at once, and
/// how it was approved.
struct Execution<'a> {
    saved: Option<&'a SavedPlan>,
    /// `--target` and `--replace`: a targeted apply converges on its targets.
    selection: &'a Selection,
    parallelism: u16,
    approval: Approval,
}

/// Runs the plan, prints progress and the summary, then checks convergence.
async fn execute(
    target: &Target,
    read: &Read,
    state: &mut StateStore,
    execution: Execution<'_>,
    signals: &Signals,
) -> Result<u8> {
    let Execution {
        saved,
        selection,
        parallelism,
        approval,
    } = execution;
    if let Some(signal) = signals.received() {
        return Err(Error::StoppedBeforeChanges {
            signal,
            during: "before the apply started",
        });
    }
    let rebinding = state.previous().bound_elsewhere(&read.binding).cloned();
    if let Some(backup) = state.begin_apply(&read.binding).await? {
        note(&state_backed_up(&backup));
    }
    if let Some(recorded) = rebinding {
        note(&rebound(&recorded, &read.binding));
    }
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
        origin: run_origin(approval),
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
        signals.first(),
        signals.second(),
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
        after_changes(signals, "the replication to the cluster")?;
        note(replicating());
        let replicated_now = tokio::select! {
            result = target.client.replicate() => result,
            signal = signals.first() => {
                return Err(Error::StoppedAfterChanges { signal, skipped: "the replication to the cluster" });
            }
        };
        replicated_now.map_err(|error| Error::Replication { error })?;
        write_stdout(|out| writeln!(out, "{}", replicated()))?;
    }
    after_changes(signals, "the convergence check")?;
    let mut still_changing = tokio::select! {
        result = converge(&target.client, &target.desired, read.pingone.as_ref(), state) => result?,
        signal = signals.first() => {
            return Err(Error::StoppedAfterChanges { signal, skipped: "the convergence check" });
        }
    };
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

/// A signal that arrived while the last changes finished ends the command now.
fn after_changes(signals: &Signals, skipped: &'static str) -> Result<()> {
    match signals.received() {
        Some(signal) => Err(Error::StoppedAfterChanges { signal, skipped }),
        None => Ok(()),
    }
}

/// `pingform apply FILE`: exactly the saved plan, without a prompt, or nothing at all
/// when anything it was based on has moved.
async fn apply_saved(args: ApplyArgs, signals: &Signals) -> Result<u8> {
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
    let target = until_signal(
        signals,
        "while planning",
        Target::open(&config, &target_args),
    )
    .await??;
    let mut state = open_state(&target, signals).await?;
    let previous = state.previous().clone();
    let selection = saved.selection.clone();
    let read = until_signal(
        signals,
        "while planning",
        target.plan(&previous, &selection),
    )
    .await??;
    let verified = saved.verify(&read.planned, &target.desired, &previous, &read.observed);
    if let Err(stale) = verified {
        return Err(match stale {
            Stale::Moved(moved) => Error::StalePlan { path: file, moved },
            Stale::Damaged(detail) => Error::PlanFileDamaged { path: file, detail },
        });
    }
    let plan = saved.plan();
    let styles = stdout_styles();
    write_stdout(|out| {
        if let Some(server) = &read.planned.server {
            let line = target_line(read.pingone.as_ref(), &target.state);
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
    check_consent(&read.planned, consent(&args))?;
    let approval = Approval::PlanFile {
        file: file.display().to_string(),
    };
    let execution = Execution {
        saved: Some(&saved),
        selection: &selection,
        parallelism: args.parallelism,
        approval,
    };
    execute(&target, &read, &mut state, execution, signals).await
}

/// `pingform apply --refresh-only`: accept the live values into state.
async fn refresh_only(args: ApplyArgs, signals: &Signals) -> Result<u8> {
    let target = until_signal(
        signals,
        "while planning",
        Target::open(&args.config, &args.target),
    )
    .await??;
    let mut state = open_state(&target, signals).await?;
    let previous = state.previous().clone();
    let (server, observed) = until_signal(
        signals,
        "while planning",
        target.read_pingfederate(&previous),
    )
    .await??;
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
    let approval = if args.auto_approve {
        Approval::AutoApprove
    } else {
        let confirmed = until_signal(
            signals,
            "at the confirmation prompt",
            confirm(&refresh_only_question(&target.state)),
        )
        .await??;
        if !confirmed {
            note(refresh_only_cancelled());
            return Ok(1);
        }
        Approval::Interactive
    };
    if let Some(signal) = signals.received() {
        return Err(Error::StoppedBeforeChanges {
            signal,
            during: "before the apply started",
        });
    }
    if let Some(backup) = state.begin_apply(&target.binding(&server)).await? {
        note(&state_backed_up(&backup));
    }
    let recorded = accept_live(&drift, &observed, &mut state, run_origin(approval)).await?;
    write_stdout(|out| writeln!(out, "{}", refresh_only_accepted(recorded)))?;
    Ok(0)
}

/// The state, opened for writing (its lock held) unless a signal comes first, with its
/// warnings printed.
async fn open_state(target: &Target, signals: &Signals) -> Result<StateStore> {
    let state = until_signal(
        signals,
        "while opening the state",
        StateStore::open_for_write(&target.state, &lock_holder("apply")),
    )
    .await??;
    print_state_warnings(state.warnings());
    Ok(state)
}
