use super::cli::ShowArgs;
use super::output::{note, stdout_styles, write_stdout};
use super::plan::read_plan_file;
use crate::error::Result;
use crate::render::{plan_json, plan_text, saved_plan_header};

/// `pingform show FILE`: a saved plan, as `plan` would have printed it.
pub fn run(args: ShowArgs) -> Result<u8> {
    let saved = read_plan_file(&args.file)?;
    let plan = saved.plan();
    if args.json {
        write_stdout(|out| plan_json(&plan, None, None, None, None, None, out))?;
    } else {
        note(&saved_plan_header(&args.file, &saved));
        let styles = stdout_styles();
        write_stdout(|out| plan_text(&plan, &styles, out))?;
    }
    Ok(0)
}
