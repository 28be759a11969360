//! A configuration folder in a fresh temporary directory, and runs of the binary on
//! it with a clean environment for colour and logging.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::run::{BINARY, Run};

/// A configuration folder with its own state file.
pub struct Workspace {
    folder: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace {
            folder: tempfile::tempdir().unwrap(),
        }
    }

    pub fn dir(&self) -> &Path {
        self.folder.path()
    }

    pub fn state_file(&self) -> PathBuf {
        self.dir().join("pingform.redb")
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.dir().join(name), text).unwrap();
    }

    pub fn remove(&self, name: &str) {
        std::fs::remove_file(self.dir().join(name)).unwrap();
    }

    /// Copies every file under `from` (recursively) into the folder.
    pub fn copy_from(&self, from: &Path) {
        for entry in files_under(from) {
            let relative = entry.strip_prefix(from).unwrap();
            let target = self.dir().join(relative);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &target).unwrap();
        }
    }

    /// Runs `pingform ARGS... DIR`.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_env(args, &[])
    }

    /// Runs `pingform ARGS... DIR` with extra environment variables.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = self.command(args);
        command.arg(self.dir());
        for (key, value) in env {
            command.env(key, value);
        }
        Run::from_output(command.output().unwrap(), self.dir())
    }

    /// `pingform ARGS...` (no folder argument yet) with colour and logging off.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BINARY);
        command
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("PINGFORM_LOG")
            // The state is the test's to choose, never the developer's shell's.
            .env_remove("PINGFORM_STATE")
            .env_remove("PGPASSWORD")
            .stdin(Stdio::null());
        command
    }
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}
