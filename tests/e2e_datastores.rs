//! End-to-end: the real binary against a `pingform sandbox` process over HTTPS with
//! its CA. Every step ends with a plan that must be empty.

mod support;

use serde_json::json;
use support::{SandboxProcess, Workspace, redact};

const LDAP: &str = r#"
datastore "ldap" "corp" {
  ldap_type = "PING_DIRECTORY"
  hostnames = ["ldap1.example.com:636"]
  use_ssl   = true
  user_dn   = "cn=pf-reader,ou=services,dc=example,dc=com"
  password  = "Ldap-Bind-Passw0rd"
}
"#;

fn jdbc(name: &str, pool: u32) -> String {
    format!(
        r#"
datastore "jdbc" "{name}" {{
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/{name}"
  user_name      = "pf_provisioner"
  password       = var.db_password
  max_pool_size  = {pool}
}}
"#
    )
}

fn outbound(name: &str) -> String {
    format!(
        "\noutbound_provisioning {{\n  datastore                 = datastore.jdbc.{name}\n  synchronization_frequency = 90\n}}\n"
    )
}

const VARIABLES: &str = r#"
variable "db_password" {
  type      = string
  sensitive = true
}
"#;

struct Scenario {
    sandbox: SandboxProcess,
    workspace: Workspace,
    password: String,
}

impl Scenario {
    fn new() -> Scenario {
        let sandbox = SandboxProcess::start();
        let workspace = Workspace::new();
        workspace.write("pingfederate.hcl", &sandbox.pingfederate_block());
        workspace.write("variables.hcl", VARIABLES);
        Scenario {
            sandbox,
            workspace,
            password: "Db-Passw0rd-One".into(),
        }
    }

    fn config(&self, body: &str) {
        self.workspace.write("main.hcl", body);
    }

    fn var(&self) -> String {
        format!("db_password={}", self.password)
    }

    /// `plan --detailed-exitcode`: returns the exit code and the redacted output.
    fn plan(&self) -> (i32, String) {
        let var = self.var();
        let run = self
            .workspace
            .run(&["plan", "--detailed-exitcode", "--var", &var]);
        assert_ne!(run.code, 1, "plan failed:\n{}", run.combined());
        (run.code, redact(&run.stdout, &self.sandbox))
    }

    fn apply(&self) -> String {
        let var = self.var();
        let run = self
            .workspace
            .run(&["apply", "--auto-approve", "--var", &var])
            .success();
        assert!(
            run.stdout
                .contains("Checked: a fresh plan finds no changes."),
            "{}",
            run.stdout
        );
        redact(&run.combined(), &self.sandbox)
    }

    /// Plans (changes expected), applies, and checks that the next plan is empty.
    fn converge(&self) -> String {
        let (code, plan) = self.plan();
        assert_eq!(code, 2, "expected pending changes:\n{plan}");
        self.apply();
        let (code, after) = self.plan();
        assert_eq!(code, 0, "plan after apply is not empty:\n{after}");
        assert!(after.contains("No changes."), "{after}");
        plan
    }
}

#[test]
fn datastore_lifecycle_converges_at_every_step() {
    let mut scenario = Scenario::new();

    // 1. Create from empty.
    scenario.config(&format!(
        "{LDAP}{}{}",
        jdbc("provisioner", 20),
        outbound("provisioner")
    ));
    let plan = scenario.converge();
    insta::assert_snapshot!("lifecycle_1_create", plan);
    let (status, live) = scenario
        .sandbox
        .request("GET", "/dataStores/provisioner", None);
    assert_eq!(status, 200);
    assert_eq!(live["maxPoolSize"], 20);
    let first_encrypted = live["encryptedPassword"].as_str().unwrap().to_string();
    let (_, settings) =
        scenario
            .sandbox
            .request("GET", "/serverSettings/outboundProvisioning", None);
    assert_eq!(settings["dataStoreRef"]["id"], "provisioner");
    assert_eq!(settings["synchronizationFrequency"], 90);

    // 2. Change a field.
    scenario.config(&format!(
        "{LDAP}{}{}",
        jdbc("provisioner", 30),
        outbound("provisioner")
    ));
    let plan = scenario.converge();
    insta::assert_snapshot!("lifecycle_2_change_field", plan);
    let (_, live) = scenario
        .sandbox
        .request("GET", "/dataStores/provisioner", None);
    assert_eq!(live["maxPoolSize"], 30);

    // 3. Change a password.
    scenario.password = "Db-Passw0rd-Two".into();
    let plan = scenario.converge();
    insta::assert_snapshot!("lifecycle_3_change_password", plan);
    let (_, live) = scenario
        .sandbox
        .request("GET", "/dataStores/provisioner", None);
    assert_ne!(live["encryptedPassword"].as_str().unwrap(), first_encrypted);

    // 4. Rename a block. Without an explicit id the id follows the name: replaced.
    scenario.config(&format!(
        "{}{}{}",
        LDAP.replace("\"corp\"", "\"corporate\""),
        jdbc("provisioner", 30),
        outbound("provisioner")
    ));
    let plan = scenario.converge();
    insta::assert_snapshot!("lifecycle_4_rename_block", plan);
    assert_eq!(
        scenario.sandbox.request("GET", "/dataStores/corp", None).0,
        404
    );
    assert_eq!(
        scenario
            .sandbox
            .request("GET", "/dataStores/corporate", None)
            .0,
        200
    );

    // 4b. Rename again, keeping the id: only the state moves.
    scenario.config(&format!(
        "{}{}{}",
        LDAP.replace("\"corp\" {", "\"directory\" {\n  id = \"corporate\""),
        jdbc("provisioner", 30),
        outbound("provisioner")
    ));
    scenario.sandbox.clear_requests();
    let plan = scenario.converge();
    insta::assert_snapshot!("lifecycle_4b_rename_keeping_id", plan);
    let writes: Vec<_> = scenario
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .collect();
    assert!(
        writes.is_empty(),
        "a rename that keeps the id must not write: {writes:?}"
    );

    // 5. Remove a block.
    scenario.config(&format!(
        "{}{}",
        jdbc("provisioner", 30),
        outbound("provisioner")
    ));
    let plan = scenario.converge();
    insta::assert_snapshot!("lifecycle_5_remove_block", plan);
    assert_eq!(
        scenario
            .sandbox
            .request("GET", "/dataStores/corporate", None)
            .0,
        404
    );

    // 6. Re-point outbound provisioning to a new JDBC store and drop the old one, in one apply.
    scenario.config(&format!(
        "{}{}",
        jdbc("provisioner_v2", 30),
        outbound("provisioner_v2")
    ));
    let plan = scenario.converge();
    insta::assert_snapshot!("lifecycle_6_repoint_and_drop", plan);
    let order: Vec<usize> = [
        "+ datastore \"jdbc\" \"provisioner_v2\"",
        "~ outbound_provisioning",
        "- datastore \"jdbc\" \"provisioner\"",
    ]
    .iter()
    .map(|needle| {
        plan.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing from\n{plan}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "wrong order:\n{plan}"
    );
    let (_, settings) =
        scenario
            .sandbox
            .request("GET", "/serverSettings/outboundProvisioning", None);
    assert_eq!(settings["dataStoreRef"]["id"], "provisioner_v2");
    assert_eq!(
        scenario
            .sandbox
            .request("GET", "/dataStores/provisioner", None)
            .0,
        404
    );
}

#[test]
fn objects_deleted_outside_pingform_are_created_again() {
    let scenario = Scenario::new();
    scenario.config(&jdbc("provisioner", 20));
    scenario.converge();
    let (status, _) = scenario
        .sandbox
        .request("DELETE", "/dataStores/provisioner", None);
    assert_eq!(status, 204);
    let (code, plan) = scenario.plan();
    assert_eq!(code, 2);
    assert!(plan.contains("it was deleted outside pingform"), "{plan}");
    scenario.apply();
    assert_eq!(scenario.plan().0, 0);
}

#[test]
fn a_console_edit_of_a_default_shows_and_is_reverted() {
    let scenario = Scenario::new();
    scenario.config(LDAP);
    scenario.converge();
    let (_, mut live) = scenario.sandbox.request("GET", "/dataStores/corp", None);
    live["maxConnections"] = json!(7);
    let (status, _) = scenario
        .sandbox
        .request("PUT", "/dataStores/corp", Some(live));
    assert_eq!(status, 200);
    let (code, plan) = scenario.plan();
    assert_eq!(code, 2);
    assert!(plan.contains("~ max_connections = 7 -> 100"), "{plan}");
    scenario.apply();
    assert_eq!(scenario.plan().0, 0);
}
