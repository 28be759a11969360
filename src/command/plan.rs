use std::path::Path;

use super::cli::{PlanArgs, PlanFormat};
use super::context::{Read, Target};
use super::output::print_state_warnings;
use super::output::{note, stdout_styles, write_stdout};
use crate::error::{Error, Result};
use crate::model::Fingerprinter;
use crate::model::{PreviousRun, StateLocation};
use crate::plan::{Origin, PlanFileProblem, SAVED_PLAN_FORMAT_VERSION, SavedPlan};
use crate::render::no_state_yet;
use crate::render::{
    drift_text, plan_json, plan_markdown, plan_saved, plan_text, review_text, server_text,
    target_line,
};
use crate::state::{self, StateError};

pub async fn run(args: PlanArgs) -> Result<u8> {
    let target = Target::open(&args.config, &args.target).await?;
    // Planning only reads state, without the write lock: it never blocks an apply.
    print_state_warnings(&state::warnings(&target.state));
    let previous = match state::read(&target.state).await {
        Ok(snapshot) => snapshot.previous,
        Err(StateError::Missing { location }) => {
            note(&no_state_yet(&location));
            PreviousRun::default()
        }
        Err(error) => return Err(error.into()),
    };
    let selection = target.selection(&args.selection, &previous)?;
    let Read {
        planned,
        observed,
        pingone,
        ..
    } = target.plan(&previous, &selection).await?;

    if let Some(path) = &args.out {
        let mut key = vec![0u8; Fingerprinter::KEY_LENGTH];
        aws_lc_rs::rand::fill(&mut key).map_err(|_| Error::NoRandomNumbers {
            what: "the plan's fingerprint key",
        })?;
        // Absolute, so that `apply FILE` works from any folder.
        let absolute = |path: &Path| {
            std::path::absolute(path)
                .unwrap_or_else(|_| path.to_path_buf())
                .display()
                .to_string()
        };
        let mut saved = SavedPlan::new(
            &planned.plan,
            &target.desired,
            &previous,
            &observed,
            Origin {
                dir: absolute(&args.config.dir),
                state_path: match &target.state {
                    StateLocation::File(path) => absolute(path),
                    // Without its password.
                    postgres => postgres.to_string(),
                },
                created_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                    .to_string(),
            },
            &key,
        );
        saved.selection = selection.clone();
        write_plan_file(path, &saved)?;
        note(&plan_saved(path, &saved.inputs));
    }

    let format = if args.json {
        PlanFormat::Json
    } else {
        args.format
    };
    let plan = &planned.plan;
    match format {
        PlanFormat::Json => write_stdout(|out| {
            plan_json(
                plan,
                planned.server.as_ref(),
                Some(&planned.drift),
                Some(&planned.review),
                pingone.as_ref(),
                Some(&target.state),
                out,
            )
        })?,
        PlanFormat::Markdown => write_stdout(|out| {
            plan_markdown(
                plan,
                planned.server.as_ref(),
                &planned.drift,
                &planned.review,
                pingone.as_ref(),
                out,
            )
        })?,
        PlanFormat::Text => {
            let styles = stdout_styles();
            write_stdout(|out| {
                if let Some(server) = &planned.server {
                    let target = target_line(pingone.as_ref(), &target.state);
                    server_text(
                        server,
                        Some(plan.server_writes()),
                        Some(&target),
                        &styles,
                        out,
                    )?;
                }
                drift_text(&planned.drift, &styles, out)?;
                if !planned.drift.is_empty() {
                    writeln!(out)?;
                }
                plan_text(plan, &styles, out)?;
                review_text(&planned.review, pingone.as_ref(), &styles, out)
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
    let failed = |reason: String| Error::PlanFileWrite {
        path: path.to_path_buf(),
        reason,
    };
    let text = serde_json::to_vec_pretty(saved).map_err(|e| failed(e.to_string()))?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut temporary =
        tempfile::NamedTempFile::new_in(&folder).map_err(|e| failed(e.to_string()))?;
    std::io::Write::write_all(&mut temporary, &text).map_err(|e| failed(e.to_string()))?;
    temporary.persist(path).map_err(|e| failed(e.to_string()))?;
    Ok(())
}

/// Reads a plan file written by `plan --out`.
pub fn read_plan_file(path: &Path) -> Result<SavedPlan> {
    let bytes = std::fs::read(path).map_err(|e| Error::PlanFileRead {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    SavedPlan::from_json(&bytes).map_err(|problem| match problem {
        PlanFileProblem::Version(found) => Error::PlanFileVersion {
            path: path.to_path_buf(),
            found,
            supported: SAVED_PLAN_FORMAT_VERSION,
        },
        PlanFileProblem::NotAPlan => Error::NotAPlanFile {
            path: path.to_path_buf(),
        },
        PlanFileProblem::Damaged(detail) => Error::PlanFileDamaged {
            path: path.to_path_buf(),
            detail,
        },
    })
}
