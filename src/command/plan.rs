use miette::Result;

use super::cli::PlanArgs;
use super::context::{Target, load_configuration};
use super::output::write_stdout;
use crate::render::{Styles, plan_json, plan_text};
use crate::state::read_previous_run;

pub async fn run(args: PlanArgs) -> Result<u8> {
    let mut desired = load_configuration(&args.config)?;
    let target = Target::connect(&args.config, &args.target, &mut desired).await?;
    // Planning only reads state, without the write lock: it never blocks an apply.
    let previous = read_previous_run(&target.state_path)?;
    let observed = target.client.refresh().await?;
    let plan = crate::plan::plan(&desired, &previous, &observed)?;
    if args.json {
        write_stdout(|out| plan_json(&plan, out))?;
    } else {
        let styles = Styles::detect_stdout();
        write_stdout(|out| plan_text(&plan, &styles, out))?;
    }
    Ok(if args.detailed_exitcode && !plan.is_empty() {
        2
    } else {
        0
    })
}
