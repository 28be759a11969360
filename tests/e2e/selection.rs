//! End-to-end: `--target` and `--replace` on plan and apply, and saved plans applied
//! from another folder.

use crate::support::Scenario;

const STORES: &str = r#"
datastore "jdbc" "audit" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/audit"
  password       = "Audit-Passw0rd"
}

datastore "jdbc" "provisioner" {
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/provisioner"
  password       = "Provisioner-Passw0rd"
}

outbound_provisioning {
  datastore = datastore.jdbc.provisioner
}
"#;

#[test]
fn a_target_limits_the_plan_to_it_and_its_dependencies_with_a_warning() {
    let scenario = Scenario::new();
    scenario.write("main.hcl", STORES);
    let plan = scenario
        .run(&["plan", "--target", "outbound_provisioning"])
        .success();
    assert!(
        plan.stderr.contains(
            "warning: --target limits this plan to outbound_provisioning and what it depends on"
        ),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stdout
            .contains("datastore.jdbc.provisioner will be created"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("outbound_provisioning will be updated"),
        "{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains("datastore.jdbc.audit"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("Plan: 1 to create, 1 to update"),
        "{}",
        plan.stdout
    );

    let apply = scenario
        .apply_with(&["--target", "outbound_provisioning"])
        .success();
    assert!(
        apply
            .stdout
            .contains("Checked: a fresh plan finds no changes."),
        "a targeted apply checks convergence on its targets:\n{}{}",
        apply.stdout,
        apply.stderr
    );
    let (status, _) = scenario.sandbox().request("GET", "/dataStores/audit", None);
    assert_eq!(status, 404, "an object outside the target was created");
    let (status, _) = scenario
        .sandbox()
        .request("GET", "/dataStores/provisioner", None);
    assert_eq!(status, 200);
    // The untargeted rest is still pending.
    let rest = scenario.plan_with_changes();
    assert!(
        rest.stdout.contains("datastore.jdbc.audit will be created"),
        "{}",
        rest.stdout
    );
    scenario.converge();
}

#[test]
fn replace_deletes_and_creates_an_object_nothing_forces_to_change() {
    let scenario = Scenario::new();
    scenario.write("main.hcl", STORES);
    scenario.converge();
    let plan = scenario
        .run(&["plan", "--replace", "datastore.jdbc.audit"])
        .success();
    assert!(
        plan.stdout
            .contains("datastore.jdbc.audit must be replaced"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("replacement requested with --replace"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("Plan: 0 to create, 0 to update, 1 to replace"),
        "{}",
        plan.stdout
    );

    let sandbox = scenario.sandbox();
    sandbox.clear_requests();
    scenario
        .apply_with(&["--replace", "datastore.jdbc.audit"])
        .success();
    let writes: Vec<(String, String)> = sandbox
        .pingfederate_requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .map(|r| {
            (
                r["method"].as_str().unwrap_or_default().to_string(),
                r["path"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        writes,
        [
            ("DELETE".to_string(), "/dataStores/audit".to_string()),
            ("POST".to_string(), "/dataStores".to_string()),
        ]
    );
    scenario.converge();
}

#[test]
fn replace_and_target_refuse_what_they_cannot_do() {
    let scenario = Scenario::new();
    scenario.write("main.hcl", STORES);
    scenario.converge();
    let singleton = scenario
        .run(&["plan", "--replace", "outbound_provisioning"])
        .failure();
    assert!(
        singleton
            .stderr
            .contains("--replace outbound_provisioning: it cannot be replaced: it is a singleton"),
        "{}",
        singleton.stderr
    );
    let unknown = scenario
        .run(&["plan", "--target", "datastore.jdbc.audti"])
        .failure();
    assert!(
        unknown.stderr.contains("--target datastore.jdbc.audti: neither the configuration nor the state has such an object"),
        "{}",
        unknown.stderr
    );
    assert!(
        unknown
            .stderr
            .contains("did you mean `datastore.jdbc.audit`?"),
        "{}",
        unknown.stderr
    );
    let malformed = scenario
        .run(&["apply", "--auto-approve", "--replace", "audit"])
        .failure();
    assert!(
        malformed.stderr.contains("--replace audit:"),
        "{}",
        malformed.stderr
    );
    // The refused apply changed nothing (the drop check asks for a converge step
    // after any apply run).
    scenario.converge();
}

#[test]
fn a_saved_plan_applies_from_another_folder_and_names_what_it_needs() {
    let scenario = Scenario::new();
    scenario.write(
        "main.hcl",
        &STORES.replace("\"Audit-Passw0rd\"", "var.audit_password"),
    );
    scenario.write(
        "variables.hcl",
        "variable \"audit_password\" {\n  type      = string\n  sensitive = true\n}\n",
    );
    let file = scenario.dir().join("saved.plan").display().to_string();
    // Made with the folder given as `.`, from inside it.
    let saved = scenario.run_in_folder(&[
        "plan",
        "--out",
        &file,
        "--var",
        "audit_password=Audit-Passw0rd",
        "--target",
        "datastore.jdbc.audit",
    ]);
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    assert!(
        saved
            .stderr
            .contains("It needs the same variable `audit_password` as this plan had."),
        "{}",
        saved.stderr
    );
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        document["configuration"]["dir"],
        scenario.dir().display().to_string(),
        "the folder is saved absolute"
    );
    assert_eq!(
        document["state"]["path"],
        scenario.dir().join("pingform.redb").display().to_string()
    );
    assert_eq!(
        document["inputs"],
        serde_json::json!(["variable `audit_password`"])
    );
    assert_eq!(
        document["selection"]["targets"],
        serde_json::json!(["datastore.jdbc.audit"])
    );

    let shown = scenario.run_without_folder(&["show", &file]).success();
    assert!(
        shown.stderr.contains(
            "Applying it needs the same variable `audit_password`. Targeted: datastore.jdbc.audit."
        ),
        "{}",
        shown.stderr
    );
    // Applied from the test's own folder, not the configuration's.
    let applied =
        scenario.run_without_folder(&["apply", &file, "--var", "audit_password=Audit-Passw0rd"]);
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    assert!(
        applied.stdout.contains("Apply complete! 1 created"),
        "{}",
        applied.stdout
    );
    scenario.set_var("audit_password", "Audit-Passw0rd");
    scenario.converge();
}
