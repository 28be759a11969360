use miette::Result;

use super::cli::ApplyArgs;
use super::context::{Target, load_configuration};
use super::output::{confirm, write_stdout};
use crate::apply::apply;
use crate::render::{Styles, apply_event_line, apply_summary, plan_text};
use crate::state::StateFile;

pub async fn run(args: ApplyArgs) -> Result<u8> {
    let mut desired = load_configuration(&args.config)?;
    let target = Target::connect(&args.config, &args.target, &mut desired).await?;
    // The write lock is held from planning to the last recorded change, so nobody
    // applies in between.
    let mut state = StateFile::open_for_write(&target.state_path)?;
    let observed = target.client.refresh().await?;
    let plan = crate::plan::plan(&desired, state.previous(), &observed)?;
    let out_styles = Styles::detect_stdout();
    write_stdout(|out| plan_text(&plan, &out_styles, out))?;
    if plan.is_empty() {
        return Ok(0);
    }
    if !args.auto_approve && !confirm("Do you want to make these changes?")? {
        eprintln!("Apply cancelled; nothing was changed.");
        return Ok(1);
    }
    let err_styles = Styles::detect_stderr();
    eprintln!();
    let report = apply(
        &plan,
        &desired,
        &observed,
        &target.client,
        &mut state,
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
    let again = crate::plan::plan(&desired, state.previous(), &observed)?;
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
