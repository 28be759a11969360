//! Terminal plumbing shared by the subcommands: the diagnostics hook, logging, writing
//! to stdout safely when it is a closed pipe, and the confirmation prompt.

use std::io::{self, BufRead, IsTerminal, Write};

use miette::{IntoDiagnostic, Result};

pub fn install_diagnostics_hook() {
    // Wrap long messages on a terminal only: in CI logs and captured output a message
    // stays on one line, where it can be searched.
    let wrap = io::stderr().is_terminal();
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .terminal_links(false)
                .wrap_lines(wrap)
                .build(),
        )
    }));
}

/// `PINGFORM_LOG=debug` shows each HTTP request (method, URL, status, time; never a
/// body) on stderr. Warnings (such as disabled TLS verification) show by default.
///
/// A bare level (`PINGFORM_LOG=debug`) applies to pingform's own events only; a full
/// filter (`PINGFORM_LOG=debug,h2=trace`) is passed through as written.
pub fn install_logging() {
    let directives = match std::env::var("PINGFORM_LOG") {
        Ok(value) if value.parse::<tracing::Level>().is_ok() => format!("warn,pingform={value}"),
        Ok(value) if !value.trim().is_empty() => value,
        _ => "warn".to_string(),
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .without_time()
        .with_target(false)
        .try_init();
}

/// Writes to stdout through one buffered, locked handle.
pub fn write_stdout(render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    render(&mut out).into_diagnostic()?;
    out.flush().into_diagnostic()
}

/// A reader that closed stdout early (`pingform plan | head`) is not an error.
pub fn is_broken_pipe(report: &miette::Report) -> bool {
    report
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

/// Asks on the terminal; only `yes` confirms. Refuses when stdin is not a terminal.
pub fn confirm(question: &str) -> Result<bool> {
    if !io::stdin().is_terminal() {
        return Err(miette::miette!(
            code = "pingform::apply::needs_confirmation",
            help = "run it in a terminal to answer the prompt, or pass --auto-approve (for example in CI)",
            "apply needs confirmation, but standard input is not a terminal"
        ));
    }
    let mut stderr = io::stderr();
    write!(
        stderr,
        "\n{question}\n  Only 'yes' will be accepted.\n\n  Enter a value: "
    )
    .into_diagnostic()?;
    stderr.flush().into_diagnostic()?;
    let mut answer = String::new();
    io::stdin()
        .lock()
        .read_line(&mut answer)
        .into_diagnostic()?;
    Ok(answer.trim() == "yes")
}
