//! Terminal plumbing shared by the subcommands: the diagnostics hook, logging, colour
//! detection, writing to stdout safely when it is a closed pipe, and the confirmation
//! prompt.

use std::io::{self, BufRead, IsTerminal, Write};

use crate::apply::ApplyEvent;
use crate::error::{Error, Result};
use crate::render::{Styles, apply_event_line, confirmation_prompt, state_warning};
use crate::state::StateWarning;

pub fn install_diagnostics_hook() {
    // Wrap long messages on a terminal only: in CI logs and captured output a message
    // stays on one line, where it can be searched.
    let wrap = io::stderr().is_terminal();
    let plain = anstream::AutoStream::choice(&io::stderr()) == anstream::ColorChoice::Never;
    let _ = miette::set_hook(Box::new(move |_| {
        let options = miette::MietteHandlerOpts::new()
            .terminal_links(false)
            .wrap_lines(wrap);
        // Off only when asked (--no-color, NO_COLOR, not a terminal): miette decides
        // the rest as it always did.
        let options = if plain { options.color(false) } else { options };
        Box::new(options.build())
    }));
}

/// `PINGFORM_LOG=debug` shows each HTTP request (method, URL, status, time; never a
/// body) on stderr. Warnings (such as disabled TLS verification) show by default.
///
/// A bare level (`PINGFORM_LOG=debug`) applies to pingform's own events only; a full
/// filter (`PINGFORM_LOG=debug,h2=trace`) is passed through as written.
pub fn install_logging() {
    // The HTTP and TLS libraries log each failed connection themselves (rustls: "failed
    // to verify TLS certificate", once per request and retry); pingform reports the
    // failure once, with its likely cause, so their own lines stay off by default.
    const LIBRARIES: &str = "rustls=off,hyper=off,hyper_util=off,reqwest=off,h2=off";
    let directives = match std::env::var("PINGFORM_LOG") {
        Ok(value) if value.parse::<tracing::Level>().is_ok() => {
            format!("warn,{LIBRARIES},pingform={value}")
        }
        Ok(value) if !value.trim().is_empty() => value,
        _ => format!("warn,{LIBRARIES}"),
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(anstream::AutoStream::choice(&io::stderr()) != anstream::ColorChoice::Never)
        .without_time()
        .with_target(false)
        .try_init();
}

/// Colour on stdout when it is a terminal and `NO_COLOR` is unset (anstream's
/// detection, which also honours `CLICOLOR_FORCE`).
pub fn stdout_styles() -> Styles {
    Styles::new(anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never)
}

/// The same for stderr.
pub fn stderr_styles() -> Styles {
    Styles::new(anstream::AutoStream::choice(&io::stderr()) != anstream::ColorChoice::Never)
}

/// Writes to stdout through one buffered, locked handle.
pub fn write_stdout(render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    render(&mut out)?;
    out.flush()?;
    Ok(())
}

/// One line on stderr.
pub fn note(text: &str) {
    eprintln!("{text}");
}

/// Asks on the terminal; only `yes` confirms. Refuses when stdin is not a terminal.
/// The answer is read on a thread of its own, so that a signal can end the wait (the
/// thread is left blocked on the terminal, and ends with the process).
pub async fn confirm(question: &str) -> Result<bool> {
    if !io::stdin().is_terminal() {
        return Err(Error::NeedsConfirmation);
    }
    let mut stderr = io::stderr();
    write!(stderr, "{}", confirmation_prompt(question))?;
    stderr.flush()?;
    let (sender, answer) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut answer = String::new();
        let read = io::stdin().lock().read_line(&mut answer).map(|_| answer);
        let _ = sender.send(read);
    });
    let answer = answer
        .await
        .map_err(|_| io::Error::other("the terminal reader stopped"))??;
    Ok(answer.trim() == "yes")
}

/// Warnings about the state (a file other users may read), one per line on stderr.
pub fn print_state_warnings(warnings: &[StateWarning]) {
    for warning in warnings {
        eprintln!("{}", state_warning(warning));
    }
}

/// Apply progress on stderr: one line per event, and on a terminal one live status
/// line under them (`37 of 120 changes, 3 in flight`), redrawn as the apply goes.
pub struct Progress {
    styles: Styles,
    live: bool,
    status: Option<String>,
}

impl Progress {
    pub fn new() -> Progress {
        Progress {
            styles: stderr_styles(),
            live: io::stderr().is_terminal(),
            status: None,
        }
    }

    pub fn show(&mut self, event: &ApplyEvent<'_>) {
        let line = apply_event_line(event, &self.styles);
        let mut stderr = io::stderr().lock();
        if let ApplyEvent::Progress { .. } = event {
            if self.live {
                let _ = write!(stderr, "\r\x1b[2K{line}");
                let _ = stderr.flush();
                self.status = Some(line);
            }
            return;
        }
        if self.live && self.status.is_some() {
            let _ = write!(stderr, "\r\x1b[2K");
        }
        let _ = writeln!(stderr, "{line}");
        if let Some(status) = self.status.as_ref().filter(|_| self.live) {
            let _ = write!(stderr, "{status}");
            let _ = stderr.flush();
        }
    }

    /// Takes the live line away at the end.
    pub fn finish(&mut self) {
        if self.live && self.status.take().is_some() {
            let _ = write!(io::stderr(), "\r\x1b[2K");
        }
    }
}

/// An error whose cause chain is left out when the message already says all of it
/// (`cannot use the state file X: I/O error: ...` followed by `╰─▶ I/O error: ...`).
/// Everything else is the error's own.
#[derive(Debug)]
pub struct WithoutRepeatedCauses(pub Error);

impl WithoutRepeatedCauses {
    fn causes_repeat_the_message(&self) -> bool {
        let message = self.0.to_string();
        let mut cause = std::error::Error::source(&self.0);
        let mut any = false;
        while let Some(error) = cause {
            if !message.contains(&error.to_string()) {
                return false;
            }
            any = true;
            cause = error.source();
        }
        any
    }
}

impl std::fmt::Display for WithoutRepeatedCauses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for WithoutRepeatedCauses {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        if self.causes_repeat_the_message() {
            None
        } else {
            std::error::Error::source(&self.0)
        }
    }
}

impl miette::Diagnostic for WithoutRepeatedCauses {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.0.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.help()
    }
    fn url<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.url()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0.source_code()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.0.labels()
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        self.0.related()
    }
    fn diagnostic_source(&self) -> Option<&dyn miette::Diagnostic> {
        self.0.diagnostic_source()
    }
}
