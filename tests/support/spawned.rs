//! A run of the real binary that the test watches while it runs and can signal: for
//! Ctrl-C, SIGTERM and kill -9 in the middle of an apply.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::run::Run;

/// A running process whose output is collected as it comes.
pub struct Spawned {
    child: Child,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<std::thread::JoinHandle<()>>,
    dir: PathBuf,
}

fn collect(
    mut stream: impl Read + Send + 'static,
    into: Arc<Mutex<Vec<u8>>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => return,
                Ok(count) => into.lock().unwrap().extend_from_slice(&buffer[..count]),
            }
        }
    })
}

impl Spawned {
    /// Starts `command` with stdout and stderr collected; `dir` is replaced by `[DIR]`
    /// in the finished [`Run`].
    pub fn start(mut command: Command, dir: PathBuf) -> Spawned {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the binary");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let readers = vec![
            collect(child.stdout.take().unwrap(), stdout.clone()),
            collect(child.stderr.take().unwrap(), stderr.clone()),
        ];
        Spawned {
            child,
            stdout,
            stderr,
            readers,
            dir,
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Everything written to stdout and stderr so far.
    pub fn output_so_far(&self) -> String {
        format!(
            "{}{}",
            String::from_utf8_lossy(&self.stdout.lock().unwrap()),
            String::from_utf8_lossy(&self.stderr.lock().unwrap())
        )
    }

    /// Waits until the output holds `text` `count` times; fails after 60 s.
    pub fn wait_for(&self, text: &str, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let output = self.output_so_far();
            if output.matches(text).count() >= count {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "`{text}` did not appear {count} time(s) within 60 s:\n{output}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends `signal` (libc's number) to the process.
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill with the pid of a child this test started.
        let result = unsafe { libc::kill(self.pid(), signal) };
        assert_eq!(result, 0, "kill({}, {signal})", self.pid());
    }

    /// Waits for the process to end and returns the run; a process ended by a signal
    /// has code -1.
    pub fn finish(mut self) -> Run {
        let status = self.child.wait().unwrap();
        for reader in self.readers.drain(..) {
            reader.join().unwrap();
        }
        let clean = |bytes: &[u8]| {
            String::from_utf8_lossy(bytes).replace(&self.dir.display().to_string(), "[DIR]")
        };
        let stdout = clean(&self.stdout.lock().unwrap());
        let stderr = clean(&self.stderr.lock().unwrap());
        Run {
            code: status.code().unwrap_or(-1),
            stdout,
            stderr,
        }
    }
}
