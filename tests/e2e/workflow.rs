//! End-to-end: the CI workflow. Saved plans that refuse to go stale, the read-only
//! drift command, refresh-only applies, state inspection, and the markdown summary.

use serde_json::json;

use crate::support::{Run, Scenario};

fn store(name: &str, pool: u32) -> String {
    format!(
        r#"
datastore "jdbc" "{name}" {{
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/{name}"
  user_name      = "pf"
  password       = var.db_password
  max_pool_size  = {pool}
}}
"#
    )
}

const VARIABLES: &str = r#"
variable "db_password" {
  type      = string
  sensitive = true
}
"#;

const LDAP: &str = r#"
datastore "ldap" "corp" {
  ldap_type = "PING_DIRECTORY"
  hostnames = ["ldap1.example.com:636"]
  user_dn   = "cn=reader"
  password  = "Ldap-Passw0rd"
}
"#;

const VAR: &str = "db_password=Workflow-Db-Passw0rd";

/// A scenario with `main.hcl` = `body`; explicit runs pass `--var VAR` themselves, the
/// converge step gets the same value.
fn setup(body: &str) -> Scenario {
    let scenario = Scenario::new();
    scenario.write("variables.hcl", VARIABLES);
    scenario.write("main.hcl", body);
    scenario.set_var("db_password", "Workflow-Db-Passw0rd");
    scenario
}

fn plan_file(setup: &Scenario) -> String {
    setup.dir().join("change.plan").display().to_string()
}

fn save_plan(setup: &Scenario) -> Run {
    let out = plan_file(setup);
    setup.run(&["plan", "--var", VAR, "--out", &out]).success()
}

/// `pingform apply FILE` (no folder argument: the plan file names it).
fn apply_plan(setup: &Scenario, var: &str) -> Run {
    setup.run_without_folder(&["apply", &plan_file(setup), "--var", var])
}

fn apply(setup: &Scenario) {
    setup
        .run(&["apply", "--auto-approve", "--var", VAR])
        .success();
}

fn writes(setup: &Scenario) -> usize {
    setup
        .sandbox()
        .requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .count()
}

fn history_of(setup: &Scenario) -> String {
    setup.run(&["history"]).stdout
}

#[test]
fn an_unchanged_saved_plan_applies_once_and_only_once() {
    let setup = setup(&store("prov", 20));
    save_plan(&setup);
    let text = std::fs::read_to_string(plan_file(&setup)).unwrap();
    assert!(
        !text.contains("Workflow-Db-Passw0rd"),
        "the plan file holds a secret"
    );
    let show = setup.run_without_folder(&["show", &plan_file(&setup)]);
    assert!(show.stdout.contains("datastore.jdbc.prov will be created"));

    let first = apply_plan(&setup, VAR);
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    assert!(
        first.stdout.contains("Apply complete! 1 created"),
        "{}",
        first.stdout
    );

    setup.sandbox().clear_requests();
    let second = apply_plan(&setup, VAR);
    assert_eq!(second.code, 1, "{}{}", second.stdout, second.stderr);
    assert!(
        second.stderr.contains("is stale; nothing was changed"),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains("a plan applies once"),
        "{}",
        second.stderr
    );
    assert_eq!(writes(&setup), 0);
    setup.converge();
}

#[test]
fn a_saved_plan_refuses_after_a_console_edit_and_names_the_object() {
    let setup = setup(&format!("{}{LDAP}", store("prov", 20)));
    apply(&setup);
    setup.write(
        "main.hcl",
        &format!(
            "{}{}",
            store("prov", 30),
            LDAP.replace("cn=reader", "cn=reader2")
        ),
    );
    save_plan(&setup);
    let (_, mut live) = setup.sandbox().request("GET", "/dataStores/corp", None);
    live["maxConnections"] = json!(7);
    assert_eq!(
        setup
            .sandbox()
            .request("PUT", "/dataStores/corp", Some(live))
            .0,
        200
    );
    setup.sandbox().clear_requests();
    let run = apply_plan(&setup, VAR);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "datastore.ldap.corp (id `corp`): changed in PingFederate since the plan was made"
        ),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("datastore.jdbc.prov (id"),
        "{}",
        run.stderr
    );
    assert_eq!(writes(&setup), 0, "a stale plan must write nothing");
    setup.converge();
}

#[test]
fn a_saved_plan_refuses_after_another_apply() {
    let setup = setup(&store("prov", 20));
    apply(&setup);
    setup.write("main.hcl", &store("prov", 30));
    save_plan(&setup);
    setup.write("main.hcl", &store("prov", 40));
    apply(&setup);
    setup.write("main.hcl", &store("prov", 30));
    let run = apply_plan(&setup, VAR);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("serial is 2, the plan was made at serial 1"),
        "{}",
        run.stderr
    );
    setup.converge();
}

#[test]
fn a_saved_plan_refuses_after_a_configuration_edit_or_another_secret() {
    let setup = setup(&store("prov", 20));
    apply(&setup);
    setup.write("main.hcl", &store("prov", 30));
    save_plan(&setup);
    setup.write("main.hcl", &store("prov", 31));
    let run = apply_plan(&setup, VAR);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("datastore.jdbc.prov: its configuration"),
        "{}",
        run.stderr
    );

    setup.write("main.hcl", &store("prov", 30));
    let run = apply_plan(&setup, "db_password=Another-Secret");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("datastore.jdbc.prov: its configuration"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Another-Secret"), "{}", run.stderr);

    let run = apply_plan(&setup, VAR);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        setup.sandbox().request("GET", "/dataStores/prov", None).1["maxPoolSize"],
        30
    );
    setup.converge();
}

#[test]
fn drift_reports_edits_deletions_and_rotations_and_never_writes() {
    let setup = setup(&format!(
        "{}{}{LDAP}",
        store("prov", 20),
        store("other", 20)
    ));
    apply(&setup);
    let clean = setup.run(&["drift", "--var", VAR]);
    assert_eq!(clean.code, 0, "{}", clean.combined());
    assert!(clean.stdout.contains("No drift"), "{}", clean.stdout);

    // Behind pingform's back: an edit, a deletion and a password rotation.
    let (_, mut prov) = setup.sandbox().request("GET", "/dataStores/prov", None);
    prov["maxPoolSize"] = json!(17);
    assert_eq!(
        setup
            .sandbox()
            .request("PUT", "/dataStores/prov", Some(prov))
            .0,
        200
    );
    assert_eq!(
        setup
            .sandbox()
            .request("DELETE", "/dataStores/other", None)
            .0,
        204
    );
    let (_, mut corp) = setup.sandbox().request("GET", "/dataStores/corp", None);
    corp.as_object_mut().unwrap().remove("encryptedPassword");
    corp["password"] = json!("Rotated-In-The-Console");
    let (status, body) = setup
        .sandbox()
        .request("PUT", "/dataStores/corp", Some(corp));
    assert_eq!(status, 200, "{body}");

    // While an apply holds the state, drift still runs, and writes nothing.
    let held = crate::support::state::hold_file(&setup.state_file());
    let state_before = std::fs::read(setup.state_file()).unwrap();
    setup.sandbox().clear_requests();
    let run = setup.run(&["drift", "--var", VAR]);
    assert_eq!(run.code, 2, "{}", run.combined());
    insta::assert_snapshot!("drift_text", setup.redact(&run.stdout));
    assert_eq!(writes(&setup), 0);
    let json_run = setup.run(&["drift", "--json", "--var", VAR]);
    assert_eq!(json_run.code, 2);
    let report: serde_json::Value = serde_json::from_str(&json_run.stdout).unwrap();
    assert_eq!(report["format_version"], "1.2");
    assert_eq!(report["server"]["replication_required"], false);
    assert_eq!(report["summary"], json!({"changed": 2, "deleted": 1}));
    assert!(!json_run.stdout.contains("Rotated-In-The-Console"));
    assert!(
        std::fs::read(setup.state_file()).unwrap() == state_before,
        "drift changed the state file"
    );
    drop(held);

    // A normal plan shows the drift in its own section, then the changes back.
    let plan = setup.run(&["plan", "--var", VAR]).success();
    let drift_at = plan
        .stdout
        .find("Changed outside pingform since the last apply:")
        .unwrap();
    let changes_at = plan
        .stdout
        .find("pingform will make these changes")
        .unwrap();
    assert!(drift_at < changes_at, "{}", plan.stdout);

    // Accepting the drift: state follows PingFederate, and drift is quiet again.
    let accepted = setup
        .run(&["apply", "--refresh-only", "--auto-approve", "--var", VAR])
        .success();
    assert!(
        accepted.stdout.contains("Accepted 3 object(s)"),
        "{}",
        accepted.stdout
    );
    assert_eq!(setup.run(&["drift", "--var", VAR]).code, 0);
    let history = history_of(&setup);
    assert!(history.contains("apply --refresh-only"), "{history}");
    // The configuration was not changed, so the converge step puts PingFederate back.
    let converged = setup.converge();
    for change in [
        "datastore.jdbc.other will be created",
        "datastore.jdbc.prov will be updated in place",
    ] {
        assert!(
            converged.apply.stdout.contains(change),
            "{change}:\n{}",
            converged.apply.stdout
        );
    }
}

#[test]
fn state_list_show_and_history_read_the_state() {
    let setup = setup(&format!("{}{LDAP}", store("prov", 20)));
    apply(&setup);
    let list = setup.run(&["state", "list"]).stdout;
    assert!(
        list.contains("datastore.jdbc.prov") && list.contains("datastore.ldap.corp"),
        "{list}"
    );
    let show = setup.run(&["state", "show", "datastore.jdbc.prov"]).stdout;
    assert!(
        show.lines()
            .any(|l| l.contains("max_pool_size") && l.ends_with("= 20")),
        "{show}"
    );
    assert!(
        show.contains("= (sensitive value; only a fingerprint is kept)"),
        "{show}"
    );
    assert!(!show.contains("Workflow-Db-Passw0rd"));
    let history = history_of(&setup);
    assert!(
        history.contains("apply") && history.contains("2 created"),
        "{history}"
    );
    setup.converge();
}

#[test]
fn the_markdown_summary_reads_well_in_a_pull_request() {
    let setup = setup(&format!("{}{LDAP}", store("prov", 20)));
    apply(&setup);
    setup.write(
        "main.hcl",
        &format!("{}{}", store("prov", 30), store("next", 10)),
    );
    let run = setup
        .run(&["plan", "--format", "markdown", "--var", VAR])
        .success();
    insta::assert_snapshot!("plan_markdown", setup.redact(&run.stdout));
    setup.converge();
}
