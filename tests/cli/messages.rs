//! The messages a new user meets first, each snapshotted as printed (stderr, no
//! colour): what to do is in the message, not in a search engine.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::e2e::{PINGONE_SOURCES, connection};
use crate::support::{BINARY, Run, Scenario, Workspace};

fn pingform_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(BINARY)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PINGFORM_LOG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run::from_output(output, dir)
}

#[test]
fn a_folder_holding_only_terraform_files() {
    let workspace = Workspace::new();
    workspace.write("main.tf", "resource \"null_resource\" \"x\" {}\n");
    let run = pingform_in(workspace.dir(), &["validate", "."]).failure();
    insta::assert_snapshot!("only_tf_files", run.stderr);
}

#[test]
fn a_file_given_instead_of_a_folder() {
    let workspace = Workspace::new();
    workspace.write("main.hcl", "locals {}\n");
    let run = pingform_in(workspace.dir(), &["plan", "main.hcl"]).failure();
    insta::assert_snapshot!("file_instead_of_folder", run.stderr);
}

#[test]
fn a_long_option_with_one_dash() {
    let workspace = Workspace::new();
    let run = pingform_in(workspace.dir(), &["apply", "-auto-approve"]).failure();
    insta::assert_snapshot!("single_dash_auto_approve", run.stderr);
    let run = pingform_in(workspace.dir(), &["plan", "-var=x=1"]).failure();
    assert!(run.stderr.contains("use --var=x=1"), "{}", run.stderr);
}

#[test]
fn an_unknown_population_points_at_the_configuration_and_suggests_a_name() {
    let scenario = Scenario::new().with_pingone();
    scenario.write(
        "main.hcl",
        &format!("{PINGONE_SOURCES}{}", connection("Disable", "Employes")),
    );
    let run = scenario.run_in_folder(&["plan"]).failure();
    let text = scenario.id_redactor().text(&scenario.redact(&run.stderr));
    insta::assert_snapshot!("unknown_population", text);
    scenario.write(
        "main.hcl",
        &format!("{PINGONE_SOURCES}{}", connection("Disable", "Employees")),
    );
    scenario.converge();
}

#[test]
fn help_texts_with_braces_print_single_braces() {
    // `pingfederate { ... }` in the help of a configuration without the block.
    let workspace = Workspace::new();
    workspace.write("main.hcl", "locals {}\n");
    let run = pingform_in(workspace.dir(), &["plan", "."]).failure();
    insta::assert_snapshot!("no_pingfederate_block", run.stderr);
    assert!(!run.stderr.contains("{{"), "{}", run.stderr);

    // `pingone { ... }` in the help of a population looked up without PingOne.
    let scenario = Scenario::new();
    scenario.write(
        "main.hcl",
        &format!("{PINGONE_SOURCES}{}", connection("Disable", "Employees")).replace(
            "  remove_action      = \"Disable\"\n",
            "  remove_action      = \"Disable\"\n  environment_id     = \"0a1b2c3d-0000-4000-8000-000000000001\"\n",
        ),
    );
    let run = scenario.run_in_folder(&["plan"]).failure();
    insta::assert_snapshot!("population_needs_pingone", scenario.redact(&run.stderr));
    assert!(!run.stderr.contains("{{"), "{}", run.stderr);
    scenario.remove("main.hcl");
    scenario.converge();
}

#[test]
fn a_cause_that_repeats_the_message_is_not_printed_twice() {
    let workspace = Workspace::new();
    workspace.write(
        "main.hcl",
        "datastore \"jdbc\" \"a\" {\n  driver_class   = \"org.h2.Driver\"\n  connection_url = \"jdbc:h2:mem:a\"\n}\n",
    );
    let run = pingform_in(
        workspace.dir(),
        &[
            "apply",
            "--sandbox",
            "--auto-approve",
            "--state",
            "no-such-folder/state.redb",
            ".",
        ],
    )
    .failure();
    let error = &run.stderr[run.stderr.find("pingform::state").unwrap()..];
    insta::assert_snapshot!("state_file_in_a_missing_folder", error);
    assert_eq!(error.matches("does not exist").count(), 1, "{error}");
}

#[test]
fn a_configuration_without_pingone_gets_no_pingone_review() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/quickstart");
    let run = pingform_in(Path::new(examples), &["plan", "--sandbox", "."]).success();
    assert!(!run.stdout.contains("PingOne"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("Effective user filters"),
        "{}",
        run.stdout
    );
}

#[test]
fn validate_and_drift_describe_their_folder_and_apply_its_plan_file() {
    let workspace = Workspace::new();
    for command in ["validate", "drift", "plan"] {
        let run = pingform_in(workspace.dir(), &[command, "--help"]).success();
        assert!(
            !run.stdout.contains("plan file"),
            "{command}:\n{}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains("The configuration folder: every *.hcl file directly in it"),
            "{command}:\n{}",
            run.stdout
        );
    }
    let apply = pingform_in(workspace.dir(), &["apply", "--help"]).success();
    insta::assert_snapshot!("apply_help", apply.stdout);
}

const CHANNELS: &str = r#"
datastore "ldap" "corp" {
  ldap_type = "PING_DIRECTORY"
  hostnames = ["ldap:389"]
}

provisioning_connection "pingone" {
  entity_id          = "pingone"
  pingone_connection = "workforce"
  environment_id     = "env"

  channel "staff" {
    datastore         = datastore.ldap.corp
    base_dn           = "dc=example"
    population_id     = "pop"
    attribute_mapping = { username = "uid", email = "mail" }
  }
}
"#;

fn exclusion(channels: &str) -> String {
    format!(
        "\nexclusion \"admin\" {{\n  pingone_username = \"admin@example.com\"\n  source_attribute = \"uid\"\n  source_value     = \"admin\"\n  channels         = {channels}\n  reason           = \"administers PingOne\"\n}}\n"
    )
}

#[test]
fn a_bare_channel_name_is_accepted_when_unique_and_explained_otherwise() {
    let workspace = Workspace::new();
    workspace.write(
        "main.hcl",
        &format!("{CHANNELS}{}", exclusion("[\"staff\"]")),
    );
    pingform_in(workspace.dir(), &["validate", "."]).success();

    // The same channel name on a second connection: ambiguous.
    let second = CHANNELS
        .replace("provisioning_connection \"pingone\"", "provisioning_connection \"second\"")
        .replace("entity_id          = \"pingone\"", "entity_id          = \"second\"")
        .replace("datastore \"ldap\" \"corp\" {\n  ldap_type = \"PING_DIRECTORY\"\n  hostnames = [\"ldap:389\"]\n}\n", "");
    workspace.write("second.hcl", &second);
    let run = pingform_in(workspace.dir(), &["validate", "."]).failure();
    insta::assert_snapshot!("ambiguous_bare_channel", run.stderr);
    workspace.remove("second.hcl");

    workspace.write(
        "main.hcl",
        &format!("{CHANNELS}{}", exclusion("[\"contractors\"]")),
    );
    let run = pingform_in(workspace.dir(), &["validate", "."]).failure();
    assert!(
        run.stderr
            .contains("exclusion `admin` names channel `contractors`, which is not declared"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(".channel.`"), "{}", run.stderr);
}

#[test]
fn an_exclusion_on_no_channel_is_a_warning() {
    let workspace = Workspace::new();
    workspace.write("main.hcl", &format!("{CHANNELS}{}", exclusion("[]")));
    let run = pingform_in(workspace.dir(), &["validate", "."]).success();
    insta::assert_snapshot!("exclusion_on_no_channel", run.stderr);
}
