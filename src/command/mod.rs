//! The command line: one file per subcommand. The only place that wires real pieces
//! (configuration, state file, HTTP clients, sandbox, terminal) together; business
//! rules live in the modules it calls.

mod apply;
mod cli;
mod context;
mod drift;
mod output;
mod plan;
mod sandbox;
mod saved_plan;
mod show;
mod state;
mod validate;

use std::process::ExitCode;

use clap::Parser;

pub use cli::Cli;
use cli::Command;

/// Runs pingform with the process's arguments and returns its exit code:
/// 0 success, 1 error, 2 changes pending (`plan --detailed-exitcode`).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    output::install_diagnostics_hook();
    output::install_logging();
    // One thread is plenty: pingform waits on the network, and concurrent requests
    // need no second thread. It also keeps memory in one allocator arena.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Validate(args) => validate::run(args),
            Command::Plan(args) => plan::run(args).await,
            Command::Apply(args) => apply::run(args).await,
            Command::Drift(args) => drift::run(args).await,
            Command::Show(args) => show::run(args),
            Command::State(command) => state::run(command),
            Command::History(args) => state::history(args),
            Command::Sandbox(args) => sandbox::run(args).await,
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(report) => {
            if output::is_broken_pipe(&report) {
                return ExitCode::SUCCESS;
            }
            eprintln!("{report:?}");
            ExitCode::from(1)
        }
    }
}
