use super::cli::ValidateArgs;
use super::context::load;
use super::output::{note, write_stdout};
use crate::error::{Error, Result};
use crate::render::{configuration_valid, diagnostic_json, unknown_inputs, validate_json};

/// `pingform validate`: the configuration alone, no server. Inputs that are not
/// given (environment variables, variable values, files, CA files) are unknown unless
/// `--check-values`.
pub fn run(args: ValidateArgs) -> Result<u8> {
    let loaded = load(&args.config, None, !args.check_values);
    if args.json {
        return json(loaded);
    }
    let loaded = loaded?;
    for warning in &loaded.warnings {
        eprintln!("{warning:?}");
    }
    if !loaded.unknowns.is_empty() {
        note(&unknown_inputs(&loaded.unknowns));
    }
    note(&configuration_valid(loaded.desired.resources.len()));
    Ok(0)
}

/// `validate --json`: the document on stdout; exit 1 when the configuration has errors.
fn json(loaded: Result<crate::config::Loaded>) -> Result<u8> {
    match loaded {
        Ok(loaded) => {
            let diagnostics: Vec<_> = loaded
                .warnings
                .iter()
                .map(|warning| diagnostic_json(warning.as_ref(), "warning"))
                .collect();
            write_stdout(|out| {
                validate_json(
                    Some(loaded.desired.resources.len()),
                    &diagnostics,
                    &loaded.unknowns,
                    out,
                )
            })?;
            Ok(0)
        }
        Err(Error::Config(errors)) => {
            let diagnostics: Vec<_> = errors
                .iter()
                .map(|error| diagnostic_json(error, "error"))
                .collect();
            write_stdout(|out| validate_json(None, &diagnostics, &[], out))?;
            Ok(1)
        }
        // Not the configuration's own problem (an invalid --var): still one document.
        Err(other) => {
            let code = other.exit_code();
            let diagnostics = vec![diagnostic_json(&other, "error")];
            write_stdout(|out| validate_json(None, &diagnostics, &[], out))?;
            Ok(code)
        }
    }
}
