//! `pingform completions` and `pingform man`: both generated from the clap command
//! definition at run time (`clap_complete`, `clap_mangen`), so they list exactly the
//! subcommands and options this binary has.

use clap::CommandFactory;
use clap_complete::Shell;

use super::cli::{Cli, CompletionShell, CompletionsArgs, ManArgs};
use super::output::write_stdout;
use crate::error::{Error, Result};

/// `pingform completions SHELL`: the completion script on stdout, generated from the
/// command line itself.
pub fn run(args: CompletionsArgs) -> Result<u8> {
    let shell = match args.shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
        CompletionShell::Powershell => Shell::PowerShell,
    };
    let mut command = Cli::command();
    write_stdout(|out| {
        clap_complete::generate(shell, &mut command, "pingform", out);
        Ok(())
    })?;
    Ok(0)
}

/// `pingform man [SUBCOMMAND]`: the man page (roff) on stdout, generated from the
/// command line at run time, so it always describes the binary that prints it:
/// pingform(1), or pingform-SUBCOMMAND(1) with every option of that subcommand.
pub fn man(args: ManArgs) -> Result<u8> {
    let command = Cli::command();
    let page = match &args.subcommand {
        None => command,
        Some(name) => {
            let found = command
                .get_subcommands()
                .find(|sub| sub.get_name() == name)
                .cloned()
                .ok_or_else(|| Error::UnknownSubcommand {
                    name: name.clone(),
                    known: command
                        .get_subcommands()
                        .map(|sub| sub.get_name().to_string())
                        .collect(),
                })?;
            found
                .name(format!("pingform-{name}"))
                .version(super::cli::VERSION)
        }
    };
    write_stdout(|out| clap_mangen::Man::new(page).render(out))?;
    Ok(0)
}
