use super::cli::DriftArgs;
use super::context::Target;
use super::output::print_state_warnings;
use super::output::{stdout_styles, write_stdout};
use crate::error::Result;
use crate::plan::drift;
use crate::render::{drift_json, drift_text, no_drift, server_text, target_line};
use crate::state;

/// `pingform drift`: live objects against what the last apply recorded. Read-only: it
/// never writes state and never takes the lock, so it runs next to an apply.
/// Exit 0 no drift, 2 drift found, 1 error.
pub async fn run(args: DriftArgs) -> Result<u8> {
    let target = Target::open(&args.config, &args.target).await?;
    // A drift check against no state would find nothing and pass: a missing state
    // (a mistyped --state) is an error here.
    print_state_warnings(&state::warnings(&target.state));
    let previous = state::read(&target.state).await?.previous;
    let (server, observed) = target.read_pingfederate(&previous).await?;
    let drift = drift(&previous, &observed);
    if args.json {
        write_stdout(|out| drift_json(&drift, &server, out))?;
    } else {
        let styles = stdout_styles();
        write_stdout(|out| {
            server_text(
                &server,
                None,
                Some(&target_line(None, &target.state)),
                &styles,
                out,
            )?;
            if drift.is_empty() {
                writeln!(out, "{}", no_drift(&drift, previous.objects.len()))
            } else {
                drift_text(&drift, &styles, out)
            }
        })?;
    }
    Ok(if drift.is_empty() { 0 } else { 2 })
}
