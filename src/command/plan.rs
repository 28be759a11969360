use std::path::Path;

use miette::{IntoDiagnostic, Result};

use super::cli::{PlanArgs, PlanFormat};
use super::context::{Planned, Target, load_configuration, refresh_and_plan};
use super::output::write_stdout;
use crate::model::Fingerprinter;
use crate::plan::{Origin, SavedPlan};
use crate::render::{Styles, drift_text, plan_json, plan_markdown, plan_text, review_text};
use crate::state::read_previous_run;

pub async fn run(args: PlanArgs) -> Result<u8> {
    let mut desired = load_configuration(&args.config)?;
    let target = Target::connect(&args.config, &args.target, &mut desired).await?;
    // Planning only reads state, without the write lock: it never blocks an apply.
    let previous = read_previous_run(&target.state_path)?;
    let Planned {
        plan,
        drift,
        review,
        pingone,
        observed,
    } = refresh_and_plan(&target, &mut desired, &previous).await?;

    if let Some(path) = &args.out {
        let mut key = vec![0u8; Fingerprinter::KEY_LENGTH];
        aws_lc_rs::rand::fill(&mut key)
            .map_err(|_| miette::miette!("no random numbers for the plan's fingerprint key"))?;
        let saved = SavedPlan::new(
            &plan,
            &desired,
            &previous,
            &observed,
            Origin {
                dir: args.config.dir.display().to_string(),
                state_path: target.state_path.display().to_string(),
                created_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                    .to_string(),
            },
            &key,
        );
        write_plan_file(path, &saved)?;
        eprintln!(
            "Saved the plan to {}. Apply exactly this plan with: pingform apply {}",
            path.display(),
            path.display()
        );
    }

    let format = if args.json {
        PlanFormat::Json
    } else {
        args.format
    };
    match format {
        PlanFormat::Json => write_stdout(|out| {
            plan_json(&plan, Some(&drift), Some(&review), pingone.as_ref(), out)
        })?,
        PlanFormat::Markdown => {
            write_stdout(|out| plan_markdown(&plan, &drift, &review, pingone.as_ref(), out))?
        }
        PlanFormat::Text => {
            let styles = Styles::detect_stdout();
            write_stdout(|out| {
                drift_text(&drift, &styles, out)?;
                if !drift.is_empty() {
                    writeln!(out)?;
                }
                plan_text(&plan, &styles, out)?;
                review_text(&review, pingone.as_ref(), &styles, out)
            })?;
        }
    }
    Ok(if args.detailed_exitcode && !plan.is_empty() {
        2
    } else {
        0
    })
}

/// Writes the plan file whole or not at all (a temporary file, then a rename).
fn write_plan_file(path: &Path, saved: &SavedPlan) -> Result<()> {
    let text = serde_json::to_vec_pretty(saved).into_diagnostic()?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut temporary = tempfile::NamedTempFile::new_in(&folder)
        .map_err(|e| miette::miette!("cannot write the plan file {}: {e}", path.display()))?;
    std::io::Write::write_all(&mut temporary, &text).into_diagnostic()?;
    temporary
        .persist(path)
        .map_err(|e| miette::miette!("cannot write the plan file {}: {e}", path.display()))?;
    Ok(())
}
