//! The end-to-end scenario: a `pingform sandbox` process (or the built-in sandbox), a
//! configuration folder, and runs of the real binary, ending with [`Scenario::converge`].
//!
//! The design's convergence rule, "every end-to-end scenario ends with a second plan
//! that must be empty", is enforced here rather than remembered in each test: a
//! scenario that changed the configuration, PingFederate or the state since its last
//! converge step fails the test when it is dropped.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::redact::{Ids, redact};
use super::run::Run;
use super::sandbox_process::SandboxProcess;
use super::spawned::Spawned;
use super::workspace::Workspace;

/// A sandbox, a configuration folder and the options every plan and apply gets.
pub struct Scenario {
    sandbox: Option<SandboxProcess>,
    workspace: Workspace,
    /// The configuration folder: the workspace, or a folder of the repository.
    config_dir: PathBuf,
    /// `--sandbox --sandbox-data FILE --state FILE` on the built-in sandbox.
    target_args: Vec<String>,
    /// `--var NAME=VALUE` for plan and apply, by name (a later value replaces).
    vars: RefCell<Vec<(String, String)>>,
    /// `--var-file FILE` for plan and apply.
    var_files: Vec<String>,
    env: RefCell<Vec<(String, String)>>,
    /// Bumped by everything that may leave work for an apply: a configuration edit,
    /// any `apply`, a new variable value.
    changes: Cell<u64>,
    /// [`Scenario::generation`] at the last successful converge step.
    converged_at: Cell<Option<u64>>,
}

/// The two runs of a converge step.
pub struct Convergence {
    pub apply: Run,
    pub plan: Run,
}

impl Scenario {
    /// A sandbox process and a folder holding a `pingfederate.hcl` that points at it.
    pub fn new() -> Scenario {
        Scenario::with_sandbox(SandboxProcess::start())
    }

    /// As [`Scenario::new`], with extra arguments for `pingform sandbox`.
    pub fn start_with(sandbox_args: &[&str]) -> Scenario {
        Scenario::with_sandbox(SandboxProcess::start_with(sandbox_args))
    }

    fn with_sandbox(sandbox: SandboxProcess) -> Scenario {
        let workspace = Workspace::new();
        workspace.write("pingfederate.hcl", &sandbox.pingfederate_block());
        let config_dir = workspace.dir().to_path_buf();
        Scenario {
            sandbox: Some(sandbox),
            workspace,
            config_dir,
            target_args: Vec::new(),
            vars: RefCell::new(Vec::new()),
            var_files: Vec::new(),
            env: RefCell::new(Vec::new()),
            changes: Cell::new(0),
            converged_at: Cell::new(None),
        }
    }

    /// Adds a `pingone.hcl` that points at the sandbox's PingOne side.
    pub fn with_pingone(self) -> Scenario {
        self.workspace
            .write("pingone.hcl", &self.sandbox().pingone_block());
        self
    }

    /// A folder of the repository (such as `examples/quickstart`) on the built-in
    /// sandbox, whose data and state are kept in a temporary folder between runs so
    /// that a second plan can see what the apply did. `var_files` are relative to the
    /// repository too.
    pub fn builtin_sandbox(folder: &str, var_files: &[&str]) -> Scenario {
        let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
        let workspace = Workspace::new();
        let target_args = vec![
            "--sandbox".to_string(),
            "--sandbox-data".to_string(),
            workspace.dir().join("sandbox.json").display().to_string(),
            "--state".to_string(),
            workspace.state_file().display().to_string(),
        ];
        Scenario {
            sandbox: None,
            config_dir: repository.join(folder),
            workspace,
            target_args,
            vars: RefCell::new(Vec::new()),
            var_files: var_files
                .iter()
                .map(|file| repository.join(file).display().to_string())
                .collect(),
            env: RefCell::new(Vec::new()),
            changes: Cell::new(0),
            converged_at: Cell::new(None),
        }
    }

    /// The sandbox process (every scenario but [`Scenario::builtin_sandbox`] has one).
    pub fn sandbox(&self) -> &SandboxProcess {
        self.sandbox
            .as_ref()
            .expect("this scenario runs on the built-in sandbox, not a sandbox process")
    }

    pub fn dir(&self) -> &Path {
        &self.config_dir
    }

    pub fn state_file(&self) -> PathBuf {
        self.workspace.state_file()
    }

    /// Writes a file into the configuration folder.
    pub fn write(&self, name: &str, text: &str) {
        self.workspace.write(name, text);
        self.changed();
    }

    pub fn remove(&self, name: &str) {
        self.workspace.remove(name);
        self.changed();
    }

    /// Passes `--var NAME=VALUE` to every plan and apply of [`Scenario::plan`],
    /// [`Scenario::apply`] and [`Scenario::converge`].
    pub fn set_var(&self, name: &str, value: &str) {
        let mut vars = self.vars.borrow_mut();
        vars.retain(|(known, _)| known != name);
        vars.push((name.to_string(), value.to_string()));
        self.changed();
    }

    /// Sets an environment variable for every run.
    pub fn set_env(&self, name: &str, value: &str) {
        let mut env = self.env.borrow_mut();
        env.retain(|(known, _)| known != name);
        env.push((name.to_string(), value.to_string()));
        self.changed();
    }

    /// Runs `pingform ARGS... DIR` exactly as given (no variables added).
    pub fn run(&self, args: &[&str]) -> Run {
        let mut command = self.command(args);
        command.arg(&self.config_dir);
        self.finish(args, command)
    }

    /// Runs `pingform ARGS...` without the folder argument, for `apply FILE` and
    /// `show FILE`.
    pub fn run_without_folder(&self, args: &[&str]) -> Run {
        let command = self.command(args);
        self.finish(args, command)
    }

    /// Runs `pingform ARGS... .` inside the configuration folder, so file names in
    /// the output are relative (`./main.hcl`) and do not depend on the machine.
    pub fn run_in_folder(&self, args: &[&str]) -> Run {
        let mut command = self.command(args);
        command.arg(".").current_dir(&self.config_dir);
        self.finish(args, command)
    }

    /// `plan --detailed-exitcode` with the scenario's options; the plan must not fail.
    pub fn plan(&self) -> Run {
        let run = self.run_with_options(&["plan", "--detailed-exitcode"]);
        assert_ne!(run.code, 1, "plan failed:\n{}", run.combined());
        run
    }

    /// [`Scenario::plan`] that must find changes (exit 2).
    pub fn plan_with_changes(&self) -> Run {
        let run = self.plan();
        assert_eq!(run.code, 2, "expected pending changes:\n{}", run.stdout);
        run
    }

    /// `apply --auto-approve EXTRA...` with the scenario's options; the caller checks
    /// the outcome.
    pub fn apply_with(&self, extra: &[&str]) -> Run {
        let mut args = vec!["apply", "--auto-approve"];
        args.extend_from_slice(extra);
        self.run_with_options(&args)
    }

    /// The converge step: apply, then `plan --detailed-exitcode` must exit 0 with an
    /// empty plan; otherwise the test fails with the plan text.
    pub fn converge(&self) -> Convergence {
        self.converge_with(&[])
    }

    /// [`Scenario::converge`] with more options for the apply (`--parallelism 1`).
    pub fn converge_with(&self, extra: &[&str]) -> Convergence {
        let apply = self.apply_with(extra);
        assert_eq!(
            apply.code, 0,
            "converge: the apply failed\nstdout:\n{}\nstderr:\n{}",
            apply.stdout, apply.stderr
        );
        let applied_something = !apply.stdout.contains("No changes.");
        assert!(
            !applied_something
                || apply
                    .stdout
                    .contains("Checked: a fresh plan finds no changes."),
            "converge: the apply's own convergence check did not pass:\n{}{}",
            apply.stdout,
            apply.stderr
        );
        let plan = self.assert_plan_is_empty();
        self.converged_at.set(Some(self.generation()));
        Convergence { apply, plan }
    }

    /// `plan --detailed-exitcode` must exit 0 and say so; fails with the plan text.
    pub fn assert_plan_is_empty(&self) -> Run {
        let plan = self.run_with_options(&["plan", "--detailed-exitcode"]);
        assert!(
            plan.code == 0 && plan.stdout.contains("No changes."),
            "the plan after the apply is not empty (exit {}):\n{}{}",
            plan.code,
            plan.stdout,
            plan.stderr
        );
        plan
    }

    /// The output with the sandbox's port and elapsed times redacted (the folder is
    /// already `[DIR]` in every [`Run`]).
    pub fn redact(&self, text: &str) -> String {
        match &self.sandbox {
            Some(sandbox) => redact(text, sandbox),
            None => super::redact::redact_durations(text),
        }
    }

    /// [`Scenario::redact`], then every UUID numbered (the PingOne environment id by
    /// name), for snapshots that must not depend on the sandbox's seed.
    pub fn id_redactor(&self) -> Ids {
        let environment = self
            .sandbox
            .as_ref()
            .map(|sandbox| sandbox.pingone_environment.clone())
            .unwrap_or_default();
        Ids::new(&[(environment.as_str(), "ENVIRONMENT_ID")])
    }

    /// For changes the scenario cannot see: a run it did not start (an apply on a
    /// pseudo-terminal), so the drop check still asks for a converge step after it.
    pub fn note_change(&self) {
        self.changed();
    }

    /// The data file of a [`Scenario::builtin_sandbox`] scenario's sandbox.
    pub fn builtin_sandbox_data(&self) -> PathBuf {
        self.workspace.dir().join("sandbox.json")
    }

    /// Starts `pingform ARGS... DIR` with the scenario's options (as [`Scenario::apply_with`]
    /// and [`Scenario::plan`] pass them) without waiting for it.
    pub fn spawn(&self, args: &[&str]) -> Spawned {
        if args.first() == Some(&"apply") {
            self.changed();
        }
        let all = self.with_options(args);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let mut command = self.command(&all);
        command.arg(&self.config_dir);
        Spawned::start(command, self.workspace.dir().to_path_buf())
    }

    /// Runs `pingform ARGS... DIR` with the scenario's options.
    pub fn run_with_options(&self, args: &[&str]) -> Run {
        let all = self.with_options(args);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        self.run(&all)
    }

    fn with_options(&self, args: &[&str]) -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        all.extend(self.target_args.iter().cloned());
        for (name, value) in self.vars.borrow().iter() {
            all.push("--var".into());
            all.push(format!("{name}={value}"));
        }
        for file in &self.var_files {
            all.push("--var-file".into());
            all.push(file.clone());
        }
        all
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = self.workspace.command(args);
        for (name, value) in self.env.borrow().iter() {
            command.env(name, value);
        }
        command
    }

    fn finish(&self, args: &[&str], mut command: Command) -> Run {
        // Runs that may leave work for an apply: an apply itself, an import (a new file
        // and state records), forgetting objects.
        if matches!(args.first(), Some(&"apply") | Some(&"import"))
            || args.starts_with(&["state", "rm"])
        {
            self.changed();
        }
        let output = command.output().unwrap();
        Run::from_output(output, self.workspace.dir())
    }

    fn changed(&self) {
        self.changes.set(self.changes.get() + 1);
    }

    /// Everything that may have moved: the scenario's own changes and the writes
    /// made to the sandbox (console edits, injected faults).
    fn generation(&self) -> u64 {
        self.changes.get() + self.sandbox.as_ref().map_or(0, SandboxProcess::writes)
    }
}

impl Drop for Scenario {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let generation = self.generation();
        if generation > 0 && self.converged_at.get() != Some(generation) {
            panic!(
                "the scenario ended without a final converge step: the configuration, \
                 PingFederate or the state changed after its last `converge()` (or it \
                 never converged); end every end-to-end scenario with `scenario.converge()`"
            );
        }
    }
}

mod tests {
    use super::Scenario;

    const STORE: &str = r#"
datastore "jdbc" "guard" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/guard"
  password       = "Guard-Passw0rd"
}
"#;

    #[test]
    #[should_panic(expected = "ended without a final converge step")]
    fn a_scenario_that_never_converges_fails() {
        let scenario = Scenario::new();
        scenario.write("main.hcl", STORE);
        scenario.plan_with_changes();
    }

    #[test]
    #[should_panic(expected = "ended without a final converge step")]
    fn a_console_edit_after_the_converge_step_fails() {
        let scenario = Scenario::new();
        scenario.write("main.hcl", STORE);
        scenario.converge();
        let (status, _) = scenario
            .sandbox()
            .request("DELETE", "/dataStores/guard", None);
        assert_eq!(status, 204);
    }

    #[test]
    #[should_panic(expected = "datastore.jdbc.guard will be created")]
    fn a_pending_plan_fails_the_empty_plan_check_with_its_text() {
        let scenario = Scenario::new();
        scenario.write("main.hcl", STORE);
        scenario.assert_plan_is_empty();
    }
}
