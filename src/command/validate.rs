use miette::Result;

use super::cli::ValidateArgs;
use super::context::load_configuration;

pub fn run(args: ValidateArgs) -> Result<u8> {
    let desired = load_configuration(&args.config)?;
    let count = desired.resources.len();
    eprintln!(
        "The configuration is valid: {count} object{} declared.",
        if count == 1 { "" } else { "s" }
    );
    Ok(0)
}
