//! SIGINT (Ctrl-C) and SIGTERM (a cancelled CI job, `kill`, a container stop) while a
//! command may change things: the first asks the apply to stop starting changes, a
//! second to stop at once. Without a handler the process would die mid-request,
//! recording nothing.

use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

use crate::apply::Signal;

/// How long a second signal waits for the apply to record what it knows before the
/// process ends anyway.
const SECOND_SIGNAL_GRACE: Duration = Duration::from_secs(3);

/// The signals received so far.
pub struct Signals {
    received: watch::Receiver<Vec<Signal>>,
}

impl Signals {
    /// Handles SIGINT and SIGTERM from now on. When handlers cannot be installed, no
    /// signal is ever reported and the default behaviour (the process ends) stays.
    pub fn install() -> Signals {
        let (sender, received) = watch::channel(Vec::new());
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        if let (Ok(mut interrupt), Ok(mut terminate)) = (interrupt, terminate) {
            tokio::spawn(async move {
                loop {
                    let signal = tokio::select! {
                        Some(()) = interrupt.recv() => Signal::Interrupt,
                        Some(()) = terminate.recv() => Signal::Terminate,
                        else => return,
                    };
                    let mut count = 0;
                    sender.send_modify(|received| {
                        received.push(signal);
                        count = received.len();
                    });
                    if count >= 2 {
                        // The apply records what it knows and returns; should anything
                        // hold it up, the process ends anyway.
                        tokio::spawn(async move {
                            tokio::time::sleep(SECOND_SIGNAL_GRACE).await;
                            std::process::exit(i32::from(crate::error::signal_exit_code(signal)));
                        });
                    }
                }
            });
        }
        Signals { received }
    }

    /// The first signal, once it has arrived (at once if it already has).
    pub async fn first(&self) -> Signal {
        self.nth(1).await
    }

    /// The second signal, once it has arrived.
    pub async fn second(&self) -> Signal {
        self.nth(2).await
    }

    /// The first signal received so far, if any.
    pub fn received(&self) -> Option<Signal> {
        self.received.borrow().first().copied()
    }

    async fn nth(&self, count: usize) -> Signal {
        let mut receiver = self.received.clone();
        match receiver.wait_for(|received| received.len() >= count).await {
            Ok(received) => received[count - 1],
            Err(_) => std::future::pending().await,
        }
    }
}
