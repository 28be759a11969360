//! The command line: one file per subcommand. The only place that wires real pieces
//! (configuration, state file, HTTP clients, sandbox, terminal) together; rules live
//! in the modules it calls, and every message is worded in `render` or `crate::error`.

mod apply;
mod cli;
mod completions;
mod context;
mod drift;
mod fmt;
mod import;
mod output;
mod plan;
mod sandbox;
mod show;
mod signals;
mod state;
mod validate;
mod whoami;

use std::process::ExitCode;

use clap::Parser;

pub use cli::Cli;
use cli::Command;

use crate::error::{Error, Result};

/// Runs pingform with the process's arguments and returns its exit code:
/// 0 success, 1 error (a usage error too), 2 changes pending (`plan
/// --detailed-exitcode`) or drift found, 3 `fmt --check` found files to format.
pub fn main() -> ExitCode {
    let arguments: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(error) = single_dash_option(&arguments) {
        output::install_diagnostics_hook();
        return report(error);
    }
    let cli = match Cli::try_parse_from(&arguments) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return match error.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                // 2 means "changes pending" or "drift found": a mistyped flag in CI
                // must not read as either.
                _ => ExitCode::from(1),
            };
        }
    };
    if cli.no_color {
        anstream::ColorChoice::Never.write_global();
    }
    output::install_diagnostics_hook();
    output::install_logging();
    if let Some(dir) = &cli.chdir
        && let Err(error) = std::env::set_current_dir(dir)
    {
        return report(Error::Chdir {
            path: dir.clone(),
            reason: error.to_string(),
        });
    }
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => report(error),
    }
}

fn report(error: Error) -> ExitCode {
    let code = error.exit_code();
    eprintln!(
        "{:?}",
        miette::Report::new(output::WithoutRepeatedCauses(error))
    );
    ExitCode::from(code)
}

/// A long option written with one dash, as Terraform spells them (`-auto-approve`,
/// `-var=x`): clap would read it as a cluster of short flags and answer with a
/// puzzling error, so it is named with its two-dash spelling instead.
fn single_dash_option(arguments: &[std::ffi::OsString]) -> Option<Error> {
    use clap::CommandFactory;
    fn long_names(command: &clap::Command, names: &mut Vec<String>) {
        for argument in command.get_arguments() {
            if let Some(long) = argument.get_long() {
                names.push(long.to_string());
            }
        }
        for subcommand in command.get_subcommands() {
            long_names(subcommand, names);
        }
    }
    let mut names = vec!["help".to_string(), "version".to_string()];
    long_names(&Cli::command(), &mut names);
    for argument in arguments.iter().skip(1) {
        let text = argument.to_string_lossy();
        if text == "--" {
            return None;
        }
        let Some(rest) = text.strip_prefix('-') else {
            continue;
        };
        if rest.starts_with('-') || rest.chars().count() < 2 {
            continue;
        }
        let name = rest.split('=').next().unwrap_or(rest);
        if names.iter().any(|known| known == name) {
            return Some(Error::SingleDashOption {
                text: text.to_string(),
                suggestion: format!("--{rest}"),
            });
        }
    }
    None
}

fn run(cli: Cli) -> Result<u8> {
    // One thread is plenty: pingform waits on the network, and concurrent requests
    // need no second thread. It also keeps memory in one allocator arena.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    runtime.block_on(async {
        match cli.command {
            Command::Validate(args) => validate::run(args),
            Command::Plan(args) => plan::run(args).await,
            Command::Apply(args) => apply::run(args).await,
            Command::Drift(args) => drift::run(args).await,
            Command::Show(args) => show::run(args),
            Command::Import(args) => import::run(args).await,
            Command::State(command) => state::run(command).await,
            Command::History(args) => state::history(args).await,
            Command::Sandbox(args) => sandbox::run(args).await,
            Command::Fmt(args) => fmt::run(args),
            Command::Completions(args) => completions::run(args),
            Command::Man(args) => completions::man(args),
        }
    })
}
