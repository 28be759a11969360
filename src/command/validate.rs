use super::cli::ValidateArgs;
use super::context::load_configuration;
use super::output::note;
use crate::error::Result;
use crate::render::configuration_valid;

/// `pingform validate`: the configuration alone, no server.
pub fn run(args: ValidateArgs) -> Result<u8> {
    let desired = load_configuration(&args.config, None)?;
    note(&configuration_valid(desired.resources.len()));
    Ok(0)
}
