use miette::Result;

use super::cli::ShowArgs;
use super::output::write_stdout;
use super::saved_plan::read_plan_file;
use crate::render::{Styles, plan_json, plan_text};

/// `pingform show FILE`: a saved plan, as `plan` would have printed it.
pub fn run(args: ShowArgs) -> Result<u8> {
    let saved = read_plan_file(&args.file)?;
    let plan = saved.plan();
    if args.json {
        write_stdout(|out| plan_json(&plan, None, None, None, out))?;
    } else {
        eprintln!(
            "Saved plan {}: made {} from {}, against state serial {}{}.",
            args.file.display(),
            saved.created_at,
            saved.configuration.dir,
            saved.state.serial,
            match &saved.state.lineage {
                Some(lineage) => format!(" (lineage {lineage})"),
                None => " (empty state)".to_string(),
            }
        );
        let styles = Styles::detect_stdout();
        write_stdout(|out| plan_text(&plan, &styles, out))?;
    }
    Ok(0)
}
