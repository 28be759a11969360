use miette::Result;

use super::cli::DriftArgs;
use super::context::{Target, load_configuration};
use super::output::write_stdout;
use crate::plan::drift;
use crate::render::{Styles, drift_json, drift_summary_line, drift_text};
use crate::state::read_previous_run;

/// `pingform drift`: live objects against what the last apply recorded. Read-only: it
/// never writes state and never takes the lock, so it runs next to an apply.
/// Exit 0 no drift, 2 drift found, 1 error.
pub async fn run(args: DriftArgs) -> Result<u8> {
    let mut desired = load_configuration(&args.config)?;
    let target = Target::connect(&args.config, &args.target, &mut desired).await?;
    let previous = read_previous_run(&target.state_path)?;
    let observed = target.client.refresh().await?;
    let drift = drift(&previous, &observed);
    if args.json {
        write_stdout(|out| drift_json(&drift, out))?;
    } else {
        let styles = Styles::detect_stdout();
        write_stdout(|out| {
            if drift.is_empty() {
                let count = previous.objects.len();
                writeln!(
                    out,
                    "{} ({count} managed object{} checked)",
                    drift_summary_line(&drift),
                    if count == 1 { "" } else { "s" }
                )
            } else {
                drift_text(&drift, &styles, out)
            }
        })?;
    }
    Ok(if drift.is_empty() { 0 } else { 2 })
}
