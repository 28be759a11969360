use super::cli::DriftArgs;
use super::context::Target;
use super::output::{stdout_styles, write_stdout};
use crate::error::Result;
use crate::plan::drift;
use crate::render::{drift_json, drift_text, no_drift};
use crate::state::read_previous_run;

/// `pingform drift`: live objects against what the last apply recorded. Read-only: it
/// never writes state and never takes the lock, so it runs next to an apply.
/// Exit 0 no drift, 2 drift found, 1 error.
pub async fn run(args: DriftArgs) -> Result<u8> {
    let target = Target::open(&args.config, &args.target).await?;
    let previous = read_previous_run(&target.state_path)?;
    let observed = target.client.refresh().await?;
    let drift = drift(&previous, &observed);
    if args.json {
        write_stdout(|out| drift_json(&drift, out))?;
    } else if drift.is_empty() {
        write_stdout(|out| writeln!(out, "{}", no_drift(&drift, previous.objects.len())))?;
    } else {
        let styles = stdout_styles();
        write_stdout(|out| drift_text(&drift, &styles, out))?;
    }
    Ok(if drift.is_empty() { 0 } else { 2 })
}
