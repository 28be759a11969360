//! Reading plan files written by `plan --out`.

use std::path::Path;

use miette::Result;

use crate::plan::{SAVED_PLAN_FORMAT_VERSION, SavedPlan};

pub fn read_plan_file(path: &Path) -> Result<SavedPlan> {
    let text = std::fs::read(path)
        .map_err(|e| miette::miette!("cannot read the plan file {}: {e}", path.display()))?;
    let version = serde_json::from_slice::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("format_version").and_then(serde_json::Value::as_u64));
    match version {
        Some(v) if v == u64::from(SAVED_PLAN_FORMAT_VERSION) => {}
        Some(v) => {
            return Err(miette::miette!(
                code = "pingform::plan_file::version",
                help = "make the plan again with this pingform",
                "the plan file {} has format version {v}; this pingform reads version {SAVED_PLAN_FORMAT_VERSION}",
                path.display()
            ));
        }
        None => {
            return Err(miette::miette!(
                code = "pingform::plan_file::invalid",
                help = "pass a file written by `pingform plan --out FILE`",
                "{} is not a pingform plan file",
                path.display()
            ));
        }
    }
    serde_json::from_slice(&text).map_err(|e| {
        miette::miette!(
            code = "pingform::plan_file::invalid",
            "the plan file {} is damaged: {e}",
            path.display()
        )
    })
}
