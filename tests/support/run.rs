//! A finished run of the real `pingform` binary: exit code and both streams, with the
//! configuration folder's path replaced by `[DIR]`.

use std::path::Path;
use std::process::Output;

/// The binary under test, built by Cargo for this test target.
pub const BINARY: &str = env!("CARGO_BIN_EXE_pingform");

/// A finished run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Collects `output`, replacing `dir` (the configuration folder) with `[DIR]`.
    pub fn from_output(output: Output, dir: &Path) -> Run {
        let clean = |bytes: &[u8]| {
            String::from_utf8_lossy(bytes).replace(&dir.display().to_string(), "[DIR]")
        };
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: clean(&output.stdout),
            stderr: clean(&output.stderr),
        }
    }

    pub fn success(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn failure(self) -> Run {
        assert_eq!(
            self.code, 1,
            "expected exit 1\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn combined(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}
