//! The command line: one file per subcommand. The only place that wires real pieces
//! (configuration, state file, HTTP clients, sandbox, terminal) together; rules live
//! in the modules it calls, and every message is worded in `render` or `crate::error`.

mod apply;
mod cli;
mod context;
mod drift;
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
/// 0 success, 1 error, 2 changes pending (`plan --detailed-exitcode`) or drift found.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    output::install_diagnostics_hook();
    output::install_logging();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            let code = error.exit_code();
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(code)
        }
    }
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
            Command::State(command) => state::run(command).await,
            Command::History(args) => state::history(args).await,
            Command::Sandbox(args) => sandbox::run(args).await,
        }
    })
}
