//! End-to-end safety properties: errors that name the field, nothing applied for bad
//! input, partial failures that lose nothing, the state lock, confirmation, and
//! secrets that never leak.

use serde_json::json;

use crate::support::{BINARY, Scenario};

fn store(name: &str, password_expression: &str) -> String {
    format!(
        r#"
datastore "jdbc" "{name}" {{
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/{name}"
  user_name      = "pf"
  password       = {password_expression}
}}
"#
    )
}

/// A scenario whose `main.hcl` is `body`.
fn scenario(body: &str) -> Scenario {
    let scenario = Scenario::new();
    scenario.write("main.hcl", body);
    scenario
}

#[test]
fn detailed_exit_codes_are_0_2_and_1() {
    let scenario = scenario(&store("one", "\"Passw0rd-A\""));
    assert_eq!(scenario.run(&["plan", "--detailed-exitcode"]).code, 2);
    assert_eq!(
        scenario.run(&["plan"]).code,
        0,
        "without the flag pending changes exit 0"
    );
    scenario.run(&["apply", "--auto-approve"]).success();
    assert_eq!(scenario.run(&["plan", "--detailed-exitcode"]).code, 0);
    scenario.write("broken.hcl", "datastore \"jdbc\" {\n");
    assert_eq!(scenario.run(&["plan", "--detailed-exitcode"]).code, 1);
    // Fixed again, it converges.
    scenario.remove("broken.hcl");
    scenario.converge();
}

#[test]
fn apply_without_a_terminal_or_auto_approve_refuses_and_changes_nothing() {
    let scenario = scenario(&store("one", "\"Passw0rd-A\""));
    let run = scenario.run(&["apply"]).failure();
    assert!(
        run.stderr.contains("standard input is not a terminal"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--auto-approve"), "{}", run.stderr);
    assert_eq!(
        scenario.sandbox().request("GET", "/dataStores/one", None).0,
        404
    );
    // With --auto-approve, as the message says, it applies and converges.
    scenario.converge();
    assert_eq!(
        scenario.sandbox().request("GET", "/dataStores/one", None).0,
        200
    );
}

#[test]
fn a_configuration_without_a_pingfederate_block_needs_sandbox() {
    let scenario = scenario(&store("one", "\"Passw0rd-A\""));
    scenario.remove("pingfederate.hcl");
    let run = scenario.run(&["plan"]).failure();
    assert!(
        run.stderr.contains("has no pingfederate block"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--sandbox"), "{}", run.stderr);
    // With the block back, it converges.
    scenario.write("pingfederate.hcl", &scenario.sandbox().pingfederate_block());
    scenario.converge();
}

#[test]
fn a_rejected_write_names_the_object_and_the_field() {
    // The spec's LdapDataStore.bindAnonymously: "If true, no other authentication
    // fields should be provided."
    let body = r#"
datastore "ldap" "corp" {
  ldap_type        = "PING_DIRECTORY"
  hostnames        = ["ldap.example.com:389"]
  bind_anonymously = true
  user_dn          = "cn=reader"
}
"#;
    let scenario = scenario(body);
    let run = scenario.run(&["apply", "--auto-approve"]).failure();
    let text = run.stderr;
    assert!(
        text.contains("create of datastore.ldap.corp failed"),
        "{text}"
    );
    assert!(
        text.contains("bind_anonymously (bindAnonymously)"),
        "{text}"
    );
    assert!(text.contains("HTTP 422"), "{text}");
    // With a plugin PingFederate has, the same store is created and converges.
    scenario.write("main.hcl", REST_DATA_STORE);
    scenario.converge();
    assert_eq!(
        scenario.sandbox().request("GET", "/dataStores/crm", None).0,
        200
    );
}

const REST_DATA_STORE: &str = r#"
datastore "custom" "crm" {
  name                 = "CRM"
  plugin_descriptor_id = "com.pingidentity.pf.datastore.other.RestDataSourceDriver"
  configuration = {
    "Authentication Method" = "Basic Authentication"
    "Username"              = "pingform"
  }
  configuration_tables = {
    "Base URLs and Tags" = [{ "Base URL" = "https://crm.example.com", "Default Source" = "true" }]
  }
  sensitive_configuration = { "Password" = "Crm-Passw0rd" }
}
"#;

#[test]
fn a_failure_halfway_keeps_what_finished_and_the_next_plan_converges() {
    let body = format!(
        "{}{}",
        store("a_first", "\"Passw0rd-A\""),
        store("b_second", "\"Passw0rd-B\"")
    );
    let scenario = scenario(&body);
    // The first create goes through, the second gets a server error.
    scenario.sandbox().inject_fault(
        json!({"method": "POST", "path": "/dataStores", "status": 500, "count": 1, "skip": 1}),
    );
    let run = scenario.run(&["apply", "--auto-approve"]).failure();
    assert!(
        run.stderr
            .contains("create of datastore.jdbc.b_second failed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("finished and recorded in state: datastore.jdbc.a_first"),
        "{}",
        run.stderr
    );
    let plan = scenario.run(&["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 2);
    assert!(
        plan.stdout
            .contains("datastore.jdbc.b_second will be created"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("a_first"), "{}", plan.stdout);
    scenario.converge();
}

#[test]
fn a_second_writer_gets_a_clear_error_naming_the_state_file_and_the_holder() {
    let scenario = scenario(&store("one", "\"Passw0rd-A\""));
    scenario.converge();
    scenario.write("two.hcl", &store("two", "\"Passw0rd-B\""));
    let held = crate::support::state::hold_file(&scenario.state_file());
    let run = scenario.run(&["apply", "--auto-approve"]).failure();
    assert!(
        run.stderr.contains("is in use by another pingform process"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("pingform.redb"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`pingform apply` run by holder-in-test on test-host"),
        "{}",
        run.stderr
    );
    // Planning reads without the lock and still works.
    scenario.run(&["plan"]).success();
    drop(held);
    let converged = scenario.converge();
    assert!(
        converged.apply.stdout.contains("Apply complete! 1 created"),
        "{}",
        converged.apply.stdout
    );
}

#[test]
fn secrets_never_appear_in_output_logs_state_or_json_plans() {
    const DB: &str = "Leak-Canary-Db-7f3a91";
    const DB_ROTATED: &str = "Leak-Canary-Db-Rotated-2b8c";
    const LDAP: &str = "Leak-Canary-Ldap-c41d07";
    const PLUGIN: &str = "Leak-Canary-Plugin-9e2f55";
    const CREDENTIAL: &str = "Leak-Canary-PingOne-Credential-41aa";
    let body = format!(
        r#"
variable "db_password" {{
  type      = string
  sensitive = true
}}
{}
datastore "ldap" "corp" {{
  ldap_type = "GENERIC"
  hostnames = ["ldap.example.com:389"]
  user_dn   = "cn=reader"
  password  = env("LDAP_PASSWORD")
}}
datastore "custom" "crm" {{
  name                 = "CRM"
  plugin_descriptor_id = "com.pingidentity.pf.datastore.other.RestDataSourceDriver"
  configuration = {{
    "Authentication Method" = "Basic Authentication"
    "Username"              = "pingform"
  }}
  configuration_tables = {{
    "Base URLs and Tags" = [{{ "Base URL" = "https://crm.example.com", "Default Source" = "true" }}]
  }}
  sensitive_configuration = {{ "Password" = "{PLUGIN}" }}
}}
outbound_provisioning {{
  datastore = datastore.jdbc.prov
}}
pingone_connection "workforce" {{
  credential = "{CREDENTIAL}"
}}
"#,
        store("prov", "var.db_password")
    );
    let scenario = scenario(&body).with_pingone();
    scenario.set_env("LDAP_PASSWORD", LDAP);
    scenario.set_env("PINGFORM_LOG", "debug");
    let mut transcripts = Vec::new();
    for db in [DB, DB_ROTATED] {
        let var = format!("db_password={db}");
        for args in [
            vec!["plan", "--var", &var],
            vec!["plan", "--json", "--var", &var],
            vec!["apply", "--auto-approve", "--var", &var],
            vec!["plan", "--json", "--var", &var],
        ] {
            let run = scenario.run(&args);
            assert!(run.code == 0, "{args:?} failed:\n{}", run.combined());
            transcripts.push(run.combined());
        }
    }
    // The converge step's output is scanned too.
    scenario.set_var("db_password", DB_ROTATED);
    let converged = scenario.converge();
    transcripts.push(converged.apply.combined());
    transcripts.push(converged.plan.combined());
    let json_plan = &transcripts[1];
    assert!(json_plan.contains("\"status\": \"set\""), "{json_plan}");
    assert!(
        transcripts[4].contains("sensitive value changed"),
        "{}",
        transcripts[4]
    );
    let state = std::fs::read(scenario.state_file()).unwrap();
    for secret in [
        DB,
        DB_ROTATED,
        LDAP,
        PLUGIN,
        CREDENTIAL,
        scenario.sandbox().pingone_client_secret.as_str(),
    ] {
        for transcript in &transcripts {
            assert!(
                !transcript.contains(secret),
                "{secret} leaked into output:\n{transcript}"
            );
        }
        assert!(
            !state.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} leaked into the state file"
        );
    }
    // The secrets did reach the server: its stored ciphertexts changed with the rotation.
    let (_, live) = scenario.sandbox().request("GET", "/dataStores/crm", None);
    assert!(live.to_string().contains("encryptedValue"), "{live}");
}

/// Runs `pingform apply` on a pseudo-terminal (util-linux `script`) and answers the
/// prompt with `answer`; the output and the exit code (`script -e` passes it on).
fn apply_on_a_terminal(scenario: &Scenario, answer: &str) -> (String, Option<i32>) {
    scenario.note_change();
    let command = format!("{BINARY} apply {}", scenario.dir().display());
    let mut child = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs the apply on a pseudo-terminal");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{answer}\n").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&output.stdout).replace('\r', ""),
        output.status.code(),
    )
}

#[test]
fn apply_on_a_terminal_asks_and_only_yes_goes_ahead() {
    let scenario = scenario(&store("one", "\"Passw0rd-A\""));
    let (refused, code) = apply_on_a_terminal(&scenario, "y");
    // The question names what the apply changes: the server and the state file.
    let question = format!(
        "Do you want to make these changes to PingFederate 12.1.0.4 at {}, recording them in {}?",
        scenario.sandbox().url,
        scenario.dir().join("pingform.redb").display()
    );
    assert!(refused.contains(&question), "{refused}");
    assert!(
        refused.contains("Apply cancelled; nothing was changed."),
        "{refused}"
    );
    assert_eq!(code, Some(1), "a cancelled apply is an error:\n{refused}");
    assert_eq!(
        scenario.sandbox().request("GET", "/dataStores/one", None).0,
        404
    );
    let (accepted, code) = apply_on_a_terminal(&scenario, "yes");
    assert!(accepted.contains("Apply complete! 1 created"), "{accepted}");
    assert_eq!(code, Some(0), "{accepted}");
    assert_eq!(
        scenario.sandbox().request("GET", "/dataStores/one", None).0,
        200
    );
    scenario.converge();
}

#[test]
fn plain_http_works_when_the_url_says_so() {
    let scenario = Scenario::start_with(&["--plain-http"]);
    let sandbox = scenario.sandbox();
    assert!(
        sandbox.url.starts_with("http://127.0.0.1:"),
        "{}",
        sandbox.url
    );
    scenario.write(
        "pingfederate.hcl",
        &format!(
            "pingfederate {{\n  url      = \"{}\"\n  username = \"Administrator\"\n  password = \"2FederateM0re\"\n}}\n",
            sandbox.url
        ),
    );
    scenario.write("main.hcl", &store("one", "\"Passw0rd-A\""));
    scenario.converge();
    assert_eq!(
        sandbox.request("GET", "/dataStores/one", None).0,
        200,
        "the store reached the plain-HTTP sandbox"
    );
}
