//! The commands and global flags, run as a user would.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::{BINARY, Run, Workspace};

fn pingform(args: &[&str]) -> Run {
    let output = Command::new(BINARY)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run::from_output(output, Path::new(env!("CARGO_MANIFEST_DIR")))
}

#[test]
fn version_names_the_commit_and_the_target() {
    let run = pingform(&["--version"]).success();
    let line = run.stdout.trim();
    assert!(
        line.starts_with(&format!("pingform {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{line}"
    );
    // The target triple, as Cargo names it: arch-vendor-os[-env].
    let target = line.rsplit(", ").next().unwrap().trim_end_matches(')');
    assert!(target.split('-').count() >= 3, "{line}");
    let commit = line
        .split("(commit ")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    assert!(
        commit == "unknown" || commit.chars().all(|c| c.is_ascii_hexdigit()),
        "{line}"
    );
}

#[test]
fn completions_are_written_for_each_shell_from_the_command_line() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef pingform"),
        ("fish", "complete -c pingform"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = pingform(&["completions", shell]).success();
        assert!(run.stdout.contains(marker), "{shell}:\n{}", run.stdout);
        for flag in ["allow-exclusion-removal", "check-values", "chdir"] {
            assert!(run.stdout.contains(flag), "{shell} lacks --{flag}");
        }
    }
    let unknown = pingform(&["completions", "tcsh"]);
    assert_eq!(unknown.code, 1, "{}", unknown.stderr);
}

#[test]
fn the_man_page_is_generated_from_the_command_line() {
    let page = pingform(&["man"]).success().stdout;
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &page[..80.min(page.len())]
    );
    assert!(page.contains(".TH pingform 1"), "{page}");
    for subcommand in ["validate", "plan", "apply", "fmt", "completions"] {
        assert!(page.contains(subcommand), "{subcommand} missing");
    }
    let plan = pingform(&["man", "plan"]).success().stdout;
    assert!(plan.contains(".TH pingform-plan 1"), "{plan}");
    assert!(plan.contains("\\-\\-target"), "{plan}");
    let run = pingform(&["man", "plna"]).failure();
    assert!(
        run.stderr.contains("pingform has no subcommand `plna`"),
        "{}",
        run.stderr
    );
}

#[test]
fn chdir_runs_as_if_started_in_the_folder() {
    let run = pingform(&[
        "--chdir",
        env!("CARGO_MANIFEST_DIR"),
        "validate",
        "examples/quickstart",
    ])
    .success();
    assert!(
        run.stderr.contains("The configuration is valid"),
        "{}",
        run.stderr
    );
    let missing = pingform(&["--chdir", "/nonexistent-pingform-folder", "validate"]).failure();
    assert!(
        missing
            .stderr
            .contains("cannot run in /nonexistent-pingform-folder"),
        "{}",
        missing.stderr
    );
}

/// A plan of the quick start on the built-in sandbox, colour forced by the terminal
/// environment, with extra flags.
fn coloured_plan(extra: &[&str]) -> String {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/quickstart");
    let output = Command::new(BINARY)
        .args(["plan", "--sandbox"])
        .args(extra)
        .arg(examples)
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn no_color_turns_colour_off_and_every_coloured_line_resets_before_it_ends() {
    let coloured = coloured_plan(&[]);
    assert!(
        coloured.contains("\u{1b}["),
        "colour was not forced:\n{coloured}"
    );
    // No style runs past its line (the bold of `Plan:` into what follows): the last
    // escape of every line is a reset.
    for line in coloured.lines().filter(|line| line.contains("\u{1b}[")) {
        let last = &line[line.rfind("\u{1b}[").unwrap()..];
        assert!(
            last.starts_with("\u{1b}[0m"),
            "{line:?} does not reset its style"
        );
    }
    let plan_line = coloured.lines().find(|l| l.contains("Plan:")).unwrap();
    assert_eq!(
        plan_line,
        "\u{1b}[1mPlan: 2 to create, 1 to update, 0 to replace, 0 to delete.\u{1b}[0m"
    );
    let plain = coloured_plan(&["--no-color"]);
    assert!(!plain.contains('\u{1b}'), "{plain}");
}

#[test]
fn validate_needs_no_secret_inputs_unless_check_values() {
    // examples/production reads every secret from the environment.
    let production = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/production");
    let run = pingform(&["validate", production]).success();
    assert!(
        run.stderr.contains("Not checked, because not given (unknown until plan): environment variable `LDAP_BIND_PASSWORD`, environment variable `PF_ADMIN_PASSWORD`, variable `provisioner_db_password`."),
        "{}",
        run.stderr
    );
    let strict = pingform(&["validate", "--check-values", production]).failure();
    assert!(
        strict.stderr.contains("configuration has 3 errors"),
        "{}",
        strict.stderr
    );
    assert!(
        strict.stderr.contains("PF_ADMIN_PASSWORD"),
        "{}",
        strict.stderr
    );
}

#[test]
fn validate_still_checks_everything_an_unknown_input_does_not_reach() {
    let workspace = Workspace::new();
    workspace.write(
        "main.hcl",
        "pingfederate {\n  url      = \"https://pf.example.com:9999/pf-admin-api/v1\"\n  username = \"pingform\"\n  password = env(\"PINGFORM_TEST_UNSET_PASSWORD\")\n  ca_file  = \"missing-ca.pem\"\n}\n\ndatastore \"jdbc\" \"a\" {\n  driver_class   = \"d\"\n  connection_url = \"jdbc:h2:${var.db}\"\n  max_pool_size  = \"many\"\n}\n\nvariable \"db\" {\n  type = string\n}\n",
    );
    let run = workspace.run(&["validate"]).failure();
    assert!(
        run.stderr.contains("configuration has 1 error"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("wrong type for `max_pool_size`"),
        "{}",
        run.stderr
    );
    let strict = workspace.run(&["validate", "--check-values"]).failure();
    assert!(
        strict.stderr.contains("configuration has 4 errors"),
        "{}",
        strict.stderr
    );
    assert!(
        strict.stderr.contains("missing-ca.pem"),
        "{}",
        strict.stderr
    );
}

#[test]
fn validate_json_lists_each_diagnostic_with_its_place() {
    let workspace = Workspace::new();
    workspace.write(
        "main.hcl",
        "datastore \"ldap\" \"directory\" {\n  ldap_type    = \"GENERIC\"\n  hostnames    = [\"ldap:389\"]\n  bind_as_anon = true\n}\n",
    );
    let run = workspace.run(&["validate", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(document["valid"], false);
    assert_eq!(
        document["diagnostics"][0],
        serde_json::json!({
            "severity": "error",
            "code": "pingform::config::unknown_attribute",
            "message": "unknown attribute `bind_as_anon` in `datastore \"ldap\" \"directory\"`",
            "file": "[DIR]/main.hcl",
            "line": 4,
            "column": 3,
            "help": "did you mean `bind_anonymously`?",
        })
    );
    workspace.write(
        "main.hcl",
        "datastore \"jdbc\" \"a\" {\n  driver_class   = \"d\"\n  connection_url = \"u\"\n}\n",
    );
    let valid = workspace.run(&["validate", "--json"]).success();
    let document: serde_json::Value = serde_json::from_str(&valid.stdout).unwrap();
    assert_eq!(document["valid"], true);
    assert_eq!(document["objects"], 1);
    assert_eq!(document["diagnostics"], serde_json::json!([]));
    // A problem outside the files is a document too.
    let var = workspace.run(&["validate", "--json", "--var", "novalue"]);
    assert_eq!(var.code, 1);
    let document: serde_json::Value = serde_json::from_str(&var.stdout).unwrap();
    assert_eq!(document["diagnostics"][0]["code"], "pingform::cli::var");
    assert_eq!(document["diagnostics"][0]["file"], serde_json::Value::Null);
}

#[test]
fn plan_on_the_sandbox_ignores_the_pingfederate_blocks_credentials_and_ca_file() {
    let workspace = Workspace::new();
    workspace.write(
        "main.hcl",
        "variable \"admin\" {\n  type = string\n}\n\nvariable \"db_user\" {\n  type = string\n}\n\npingfederate {\n  url      = \"https://pf.example.com:9999/pf-admin-api/v1\"\n  username = var.admin\n  password = env(\"PINGFORM_TEST_UNSET_PASSWORD\")\n  ca_file  = \"missing-ca.pem\"\n}\n\ndatastore \"jdbc\" \"a\" {\n  driver_class   = \"org.h2.Driver\"\n  connection_url = \"jdbc:h2:mem:a\"\n  user_name      = var.db_user\n}\n",
    );
    // A variable only the credentials read needs no value; one a data store reads does.
    let run = workspace.run(&["plan", "--sandbox"]).failure();
    assert!(
        run.stderr.contains("variable `db_user` has no value"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("`admin`"), "{}", run.stderr);
    let run = workspace.run(&["plan", "--sandbox", "--var", "db_user=reader"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("datastore.jdbc.a will be created"),
        "{}",
        run.stdout
    );
    // Without the sandbox, all are needed.
    let real = workspace
        .run(&["plan", "--var", "db_user=reader"])
        .failure();
    assert!(
        real.stderr.contains("variable `admin` has no value"),
        "{}",
        real.stderr
    );
    assert!(
        real.stderr.contains("PINGFORM_TEST_UNSET_PASSWORD"),
        "{}",
        real.stderr
    );
    assert!(real.stderr.contains("missing-ca.pem"), "{}", real.stderr);
}

#[test]
fn a_built_in_sandbox_whose_data_is_kept_keeps_its_state_beside_the_data() {
    let workspace = Workspace::new();
    workspace.write(
        "main.hcl",
        "datastore \"jdbc\" \"a\" {\n  driver_class   = \"org.h2.Driver\"\n  connection_url = \"jdbc:h2:mem:a\"\n  user_name      = \"reader\"\n  password       = \"Kept-Secret-1\"\n}\n",
    );
    let data = workspace.dir().join("sandbox.json");
    let data = data.to_str().unwrap();
    let apply = workspace
        .run(&[
            "apply",
            "--sandbox",
            "--sandbox-data",
            data,
            "--auto-approve",
        ])
        .success();
    let kept = workspace.dir().join("sandbox.pingform.redb");
    assert!(
        apply
            .stderr
            .contains("data kept in [DIR]/sandbox.json; state in [DIR]/sandbox.pingform.redb"),
        "{}",
        apply.stderr
    );
    assert!(kept.exists());
    // The next run finds the store it created, password included: nothing to do.
    let plan = workspace.run(&[
        "plan",
        "--sandbox",
        "--sandbox-data",
        data,
        "--detailed-exitcode",
    ]);
    assert_eq!(plan.code, 0, "{}{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
    let listed = workspace
        .run(&["state", "list", "--state", kept.to_str().unwrap()])
        .success();
    assert_eq!(listed.stdout.trim(), "datastore.jdbc.a  id=a");
    // The folder's own state, which belongs to the real server, was never touched.
    assert!(!workspace.dir().join("pingform.redb").exists());
}

/// Starts `pingform sandbox --listen LISTEN --plain-http` and returns its URL line.
fn sandbox_url(listen: &str) -> String {
    let mut child = Command::new(BINARY)
        .args(["sandbox", "--plain-http", "--listen", listen])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let url = BufReader::new(stdout)
        .lines()
        .map(Result::unwrap)
        .find_map(|line| {
            line.trim()
                .strip_prefix("PingFederate Admin API:")
                .map(|url| url.trim().to_string())
        });
    child.kill().unwrap();
    child.wait().unwrap();
    url.expect("the sandbox printed its URL")
}

#[test]
fn sandbox_listen_takes_a_bare_port_and_localhost() {
    for listen in ["0", "localhost:0"] {
        let url = sandbox_url(listen);
        assert!(url.starts_with("http://127.0.0.1:"), "{listen}: {url}");
        assert!(!url.starts_with("http://127.0.0.1:0/"), "{listen}: {url}");
    }
    let bad = pingform(&["sandbox", "--listen", "somewhere"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("localhost:PORT"), "{}", bad.stderr);
}

#[test]
fn fmt_takes_files_as_well_as_folders() {
    let workspace = Workspace::new();
    workspace.write("one.hcl", "locals {\na=1\n}\n");
    let file = workspace.dir().join("one.hcl");
    let output = Command::new(BINARY)
        .args(["fmt"])
        .arg(&file)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "locals {\n  a = 1\n}\n"
    );
}
