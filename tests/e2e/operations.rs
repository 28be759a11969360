//! End-to-end: operating a real server. Concurrent apply against a slow sandbox (the
//! request log shows no write before what it depends on has finished), a failure in
//! the middle of a concurrent apply, cluster replication, the connection-test bypass,
//! OAuth 2.0 for the Admin API, the supported versions, connection errors, and Ctrl-C.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::pingone::{ADMIN_EXCLUSION, SOURCES, connection};
use crate::support::{BINARY, SandboxProcess, Scenario};

/// `count` JDBC stores `s0`, `s1`, ... that depend on nothing.
fn stores(count: usize) -> String {
    (0..count)
        .map(|index| {
            format!(
                "datastore \"jdbc\" \"s{index}\" {{\n  driver_class   = \"org.postgresql.Driver\"\n  connection_url = \"jdbc:postgresql://db{index}.example.com:5432/pf\"\n  user_name      = \"pf\"\n  password       = \"Store-Passw0rd-{index}\"\n}}\n"
            )
        })
        .collect()
}

/// The sandbox's request log entry of the first `method` request whose path starts
/// with `path` (and whose status is 2xx).
fn logged<'a>(log: &'a [Value], method: &str, path: &str) -> &'a Value {
    log.iter()
        .find(|r| {
            r["method"] == method
                && r["path"].as_str().is_some_and(|p| p.starts_with(path))
                && r["status"].as_u64().is_some_and(|s| s < 300)
        })
        .unwrap_or_else(|| panic!("no {method} {path} in {log:#?}"))
}

fn ms(entry: &Value, key: &str) -> u64 {
    entry[key].as_u64().unwrap()
}

/// Writes (POST, PUT, DELETE) in the log, without the test's own.
fn writes(log: &[Value]) -> Vec<&Value> {
    log.iter()
        .filter(|r| r["method"] != "GET" && !r["path"].as_str().unwrap_or("").starts_with("/_"))
        .collect()
}

/// The `pingfederate { }` block of the scenario with `line` added.
fn with_setting(scenario: &Scenario, line: &str) -> String {
    let block = scenario.sandbox().pingfederate_block();
    let end = block.trim_end().rfind('}').unwrap();
    format!("{}  {line}\n}}\n", &block[..end])
}

#[test]
fn a_concurrent_apply_writes_nothing_before_what_it_depends_on_has_finished() {
    let scenario = Scenario::start_with(&["--write-latency", "300ms"]).with_pingone();
    scenario.write(
        "main.hcl",
        &format!(
            "{SOURCES}{}{ADMIN_EXCLUSION}{}",
            connection("Disable", "Employees"),
            stores(6)
        ),
    );
    scenario.sandbox().clear_requests();
    let converged = scenario.converge();
    let log = scenario.sandbox().pingfederate_requests();

    // Outbound provisioning names the JDBC store; the provisioning connection names the
    // LDAP store and the PingOne connection.
    let created = |id: &str| {
        log.iter()
            .find(|r| r["method"] == "POST" && r["object_id"] == id)
            .unwrap_or_else(|| panic!("no POST of `{id}` in {log:#?}"))
    };
    let outbound = logged(&log, "PUT", "/serverSettings/outboundProvisioning");
    let connection = logged(&log, "POST", "/idp/spConnections");
    assert!(
        ms(outbound, "started_ms") >= ms(created("provisioner"), "finished_ms"),
        "outbound provisioning was written before its data store: {log:#?}"
    );
    for dependency in ["corp", "workforce"] {
        assert!(
            ms(connection, "started_ms") >= ms(created(dependency), "finished_ms"),
            "the provisioning connection was written before `{dependency}`: {log:#?}"
        );
    }
    let store_writes: Vec<&Value> = log
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"] == "/dataStores")
        .collect();
    assert_eq!(store_writes.len(), 8, "{log:#?}");
    // Concurrency: with ten at a time, the eight stores and the PingOne connection
    // start together, so they overlap instead of taking 300 ms each in turn.
    let overlapping = store_writes
        .iter()
        .filter(|r| ms(r, "started_ms") < ms(store_writes[0], "finished_ms"))
        .count();
    assert!(overlapping >= 2, "store writes did not overlap: {log:#?}");
    // 11 writes of 300 ms one after another would take 3.3 s; in two waves (the stores
    // and the PingOne connection, then what names them) the writes take about 0.6 s.
    let first_write = writes(&log)
        .iter()
        .map(|r| ms(r, "started_ms"))
        .min()
        .unwrap();
    let last_write = writes(&log)
        .iter()
        .map(|r| ms(r, "finished_ms"))
        .max()
        .unwrap();
    assert!(
        last_write - first_write < 2_000,
        "writes spanned {} ms: {log:#?}",
        last_write - first_write
    );
    assert!(
        converged
            .apply
            .stdout
            .contains("Apply complete! 10 created, 1 updated"),
        "{}",
        converged.apply.stdout
    );
}

#[test]
fn with_parallelism_one_no_two_writes_overlap() {
    let scenario = Scenario::start_with(&["--write-latency", "100ms"]);
    scenario.write("main.hcl", &stores(4));
    scenario.sandbox().clear_requests();
    scenario.converge_with(&["--parallelism", "1"]);
    let log = scenario.sandbox().pingfederate_requests();
    let writes = writes(&log);
    assert_eq!(writes.len(), 4, "{log:#?}");
    for pair in writes.windows(2) {
        assert!(
            ms(pair[1], "started_ms") >= ms(pair[0], "finished_ms"),
            "{log:#?}"
        );
    }
}

#[test]
fn a_failure_in_a_concurrent_apply_lets_those_in_flight_finish_and_starts_nothing_new() {
    let scenario = Scenario::start_with(&["--write-latency", "300ms"]);
    scenario.write("main.hcl", &stores(6));
    // The first store write fails; the other one running beside it finishes.
    scenario.sandbox().inject_fault(json!({
        "method": "POST", "path": "/dataStores", "status": 500, "count": 1
    }));
    scenario.sandbox().clear_requests();
    let run = scenario.apply_with(&["--parallelism", "2"]).failure();
    let log = scenario.sandbox().pingfederate_requests();
    let posts: Vec<&Value> = log
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"] == "/dataStores")
        .collect();
    assert_eq!(posts.len(), 2, "only the two first changes ran: {log:#?}");
    assert!(run.stderr.contains("failed"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("finished and recorded in state: datastore.jdbc.s"),
        "{}",
        run.stderr
    );
    let not_started = run
        .stderr
        .lines()
        .find(|line| line.contains("not started:"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert_eq!(
        not_started.matches("datastore.jdbc.s").count(),
        4,
        "{not_started}"
    );
    let listed = scenario.run(&["state", "list"]).success();
    assert_eq!(listed.stdout.lines().count(), 1, "{}", listed.stdout);
    // The next apply creates the rest, once.
    scenario.converge();
    let (_, all) = scenario.sandbox().request("GET", "/dataStores", None);
    let ids: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|item| item["id"].as_str())
        .filter(|id| id.starts_with('s'))
        .collect();
    assert_eq!(ids.len(), 6, "{ids:?}");
}

#[test]
fn replication_runs_once_after_a_successful_apply_and_never_after_a_failure() {
    let scenario = Scenario::start_with(&["--cluster"]);
    scenario.write(
        "pingfederate.hcl",
        &with_setting(&scenario, "replicate = true"),
    );
    scenario.write("main.hcl", &stores(2));
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout.contains("administrative node of a cluster"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("Apply replicates the configuration"),
        "{}",
        plan.stdout
    );
    let json = scenario.run(&["plan", "--json"]).success();
    let document: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(document["server"]["will_replicate"], true);

    scenario.sandbox().clear_requests();
    let converged = scenario.converge();
    let log = scenario.sandbox().pingfederate_requests();
    let replications: Vec<&Value> = log
        .iter()
        .filter(|r| r["path"] == "/cluster/replicate")
        .collect();
    assert_eq!(replications.len(), 1, "{log:#?}");
    let last_write = writes(&log)
        .iter()
        .filter(|r| r["path"] != "/cluster/replicate")
        .map(|r| ms(r, "finished_ms"))
        .max()
        .unwrap();
    assert!(ms(replications[0], "started_ms") >= last_write);
    assert!(
        converged
            .apply
            .stdout
            .contains("Replicated the configuration to the cluster's engine nodes."),
        "{}",
        converged.apply.stdout
    );
    let (_, cluster) = scenario
        .sandbox()
        .request("GET", "/_sandbox/admin/cluster", None);
    assert_eq!(cluster["replicationRequired"], false);

    // A failed apply leaves replication pending and says so.
    scenario.write("main.hcl", &stores(3));
    scenario.sandbox().inject_fault(json!({
        "method": "POST", "path": "/dataStores", "status": 500, "count": 1
    }));
    scenario.sandbox().clear_requests();
    let failed = scenario.apply_with(&[]).failure();
    assert!(
        failed.stderr.contains("Replication is pending"),
        "{}",
        failed.stderr
    );
    let log = scenario.sandbox().pingfederate_requests();
    assert!(
        !log.iter().any(|r| r["path"] == "/cluster/replicate"),
        "{log:#?}"
    );
    scenario.converge();

    // Someone else's change leaves the cluster needing replication: plan and drift say
    // so, and an apply with nothing to change still replicates.
    let (status, _) = scenario.sandbox().request(
        "PUT",
        "/_sandbox/admin/cluster",
        Some(json!({"replicationRequired": true})),
    );
    assert_eq!(status, 200);
    let plan = scenario.assert_plan_is_empty();
    assert!(
        plan.stdout.contains("not yet replicated"),
        "{}",
        plan.stdout
    );
    let drift = scenario.run(&["drift"]).success();
    assert!(
        drift.stdout.contains("not yet replicated"),
        "{}",
        drift.stdout
    );
    let drift_json = scenario.run(&["drift", "--json"]).success();
    let report: Value = serde_json::from_str(&drift_json.stdout).unwrap();
    assert_eq!(report["server"]["replication_required"], true);
    scenario.sandbox().clear_requests();
    scenario.converge();
    let log = scenario.sandbox().pingfederate_requests();
    assert_eq!(
        log.iter()
            .filter(|r| r["path"] == "/cluster/replicate")
            .count(),
        1,
        "{log:#?}"
    );
}

#[test]
fn replicate_on_a_standalone_server_is_a_plan_error() {
    let scenario = Scenario::new();
    scenario.write(
        "pingfederate.hcl",
        &with_setting(&scenario, "replicate = true"),
    );
    scenario.write("main.hcl", &stores(1));
    let run = scenario.run(&["plan"]).failure();
    assert!(
        run.stderr.contains("is not deployed in clustered mode"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("remove `replicate`"), "{}", run.stderr);
    scenario.write("pingfederate.hcl", &scenario.sandbox().pingfederate_block());
    scenario.converge();
}

#[test]
fn the_connection_test_bypass_saves_a_store_whose_directory_is_not_there_yet() {
    let scenario = Scenario::new();
    // The sandbox's test hook: a host named `unreachable` fails the connection test.
    let store = r#"
datastore "ldap" "staging" {
  ldap_type = "PING_DIRECTORY"
  hostnames = ["ldap.unreachable.example.com:636"]
  use_ssl   = true
}
"#;
    scenario.write("main.hcl", store);
    let refused = scenario.apply_with(&[]).failure();
    assert!(refused.stderr.contains("HTTP 422"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("bypass_external_validation = true"),
        "{}",
        refused.stderr
    );
    assert!(
        !refused.stderr.contains("X-BypassExternalValidation"),
        "the message names the option, not the header: {}",
        refused.stderr
    );
    // The flag saves it.
    let applied = scenario
        .apply_with(&["--bypass-external-validation"])
        .success();
    assert!(applied.stdout.contains("1 created"), "{}", applied.stdout);
    // So does the setting, for every later write.
    scenario.write(
        "pingfederate.hcl",
        &with_setting(&scenario, "bypass_external_validation = true"),
    );
    scenario.write(
        "main.hcl",
        &store.replace("use_ssl   = true", "use_ssl   = false"),
    );
    scenario.converge();
}

/// Runs `pingform apply --auto-approve --parallelism 1` on the scenario in the
/// background; `during` runs once the first write has been logged.
fn apply_in_background(scenario: &Scenario, during: impl FnOnce()) -> std::process::Output {
    let child = Command::new(BINARY)
        .args(["apply", "--auto-approve", "--parallelism", "1", "--state"])
        .arg(scenario.state_file())
        .arg(scenario.dir())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !scenario
        .sandbox()
        .pingfederate_requests()
        .iter()
        .any(|r| r["method"] == "POST" && r["path"] == "/dataStores")
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    during();
    let output = child.wait_with_output().unwrap();
    scenario.note_change();
    output
}

fn token_requests(log: &[Value]) -> Vec<&Value> {
    log.iter()
        .filter(|r| r["path"] == "/as/token.oauth2")
        .collect()
}

#[test]
fn oauth_tokens_are_reused_renewed_before_they_expire_and_after_a_refusal() {
    let scenario = Scenario::start_with(&["--admin-auth", "oauth", "--write-latency", "400ms"]);
    assert!(
        std::fs::read_to_string(scenario.dir().join("pingfederate.hcl"))
            .unwrap()
            .contains("oauth {"),
    );
    scenario.write("main.hcl", &stores(2));
    scenario.sandbox().clear_requests();
    scenario.converge();
    let log = scenario.sandbox().pingfederate_requests();
    // One token per process, for all its concurrent reads and writes: the apply's,
    // and the converge check's plan.
    assert_eq!(token_requests(&log).len(), 2, "{log:#?}");
    assert!(log.iter().all(|r| r["status"] != 401), "{log:#?}");

    // Revoked while an apply runs: the refused request gets a new token and goes on.
    scenario.write("main.hcl", &stores(4));
    scenario.sandbox().clear_requests();
    let output = apply_in_background(&scenario, || {
        let (status, _) = scenario
            .sandbox()
            .request("POST", "/_sandbox/admin/expire-tokens", None);
        assert_eq!(status, 200);
    });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let log = scenario.sandbox().pingfederate_requests();
    let refused = log.iter().filter(|r| r["status"] == 401).count();
    assert!(
        refused >= 1,
        "the revoked token was never refused: {log:#?}"
    );
    assert_eq!(token_requests(&log).len(), 2, "{log:#?}");
    scenario.converge();

    // Tokens that live 2 s: pingform renews before the end of a token's life, so a
    // longer apply sees no refusal.
    let (status, _) = scenario.sandbox().request(
        "PUT",
        "/_sandbox/admin/token-lifetime",
        Some(json!({"seconds": 2})),
    );
    assert_eq!(status, 200);
    scenario.write("main.hcl", &stores(8));
    scenario.sandbox().clear_requests();
    let output = apply_in_background(&scenario, || {});
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let log = scenario.sandbox().pingfederate_requests();
    assert!(log.iter().all(|r| r["status"] != 401), "{log:#?}");
    assert!(token_requests(&log).len() >= 2, "{log:#?}");
    scenario.converge();

    // A wrong secret is an error that names the client and never shows the secret.
    let block = std::fs::read_to_string(scenario.dir().join("pingfederate.hcl")).unwrap();
    let (_, _, secret) = scenario.sandbox().oauth.clone().unwrap();
    scenario.write(
        "pingfederate.hcl",
        &block.replace(&secret, "Wrong-Client-Secret"),
    );
    let refused = scenario.run(&["plan"]).failure();
    assert!(
        refused
            .stderr
            .contains("did not issue an access token to OAuth client `pingform-admin`"),
        "{}",
        refused.stderr
    );
    assert!(
        !refused.stderr.contains("Wrong-Client-Secret"),
        "{}",
        refused.stderr
    );
    scenario.write("pingfederate.hcl", &block);
    scenario.converge();
}

#[test]
fn a_version_outside_the_supported_range_is_refused_before_anything_is_written() {
    // No converge step is possible on a server pingform refuses: a bare sandbox process
    // and folder instead of a scenario.
    let sandbox = SandboxProcess::start_with(&["--pingfederate-version", "11.3.7.2"]);
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("pingfederate.hcl"),
        sandbox.pingfederate_block(),
    )
    .unwrap();
    std::fs::write(folder.path().join("main.hcl"), stores(1)).unwrap();
    let state = folder.path().join("state.redb");
    for command in [&["plan"][..], &["apply", "--auto-approve"][..]] {
        let output = Command::new(BINARY)
            .args(command)
            .arg("--state")
            .arg(&state)
            .arg(folder.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("PingFederate 11.3.7.2 at https://127.0.0.1:"),
            "{stderr}"
        );
        assert!(
            stderr.contains("is not a version pingform supports (12.0 through 13.1)"),
            "{stderr}"
        );
    }
    assert_eq!(writes(&sandbox.pingfederate_requests()).len(), 0);
}

#[test]
fn fields_newer_than_the_server_are_named_in_the_plan() {
    let older = Scenario::start_with(&["--pingfederate-version", "12.0.0.9"]);
    older.write(
        "main.hcl",
        r#"
datastore "ldap" "ds" {
  ldap_type     = "PING_DS"
  hostnames     = ["ds.example.com:636"]
  use_start_tls = true
}
"#,
    );
    let run = older.run(&["plan"]).failure();
    assert!(
        run.stderr
            .contains("PingFederate 12.0.0.9 does not have what the configuration declares"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("datastore.ldap.ds: `ldap_type = \"PING_DS\"` (PingFederate 12.1)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("datastore.ldap.ds: `use_start_tls` (PingFederate 12.1)"),
        "{}",
        run.stderr
    );
    older.write(
        "main.hcl",
        "datastore \"ldap\" \"ds\" {\n  ldap_type = \"PING_DIRECTORY\"\n  hostnames = [\"ds.example.com:636\"]\n}\n",
    );
    let converged = older.converge();
    assert!(
        converged.plan.stdout.contains("PingFederate 12.0.0.9 at"),
        "{}",
        converged.plan.stdout
    );
}

/// One line of a failed run's diagnostics that holds `text`, and how often it appears.
fn once(stderr: &str, text: &str) {
    assert_eq!(
        stderr.matches(text).count(),
        1,
        "expected `{text}` exactly once:\n{stderr}"
    );
}

#[test]
fn connection_errors_name_the_cause_once() {
    let scenario = Scenario::new();
    scenario.write("main.hcl", &stores(1));
    let sandbox = scenario.sandbox();
    let block = sandbox.pingfederate_block();

    // The CA file left out: the sandbox's certificate is not trusted.
    let without_ca: String = block
        .lines()
        .filter(|line| !line.contains("ca_file"))
        .map(|line| format!("{line}\n"))
        .collect();
    scenario.write("pingfederate.hcl", &without_ca);
    let run = scenario.run(&["plan"]).failure();
    once(
        &run.stderr,
        "the server's TLS certificate is not trusted (UnknownIssuer)",
    );
    assert!(run.stderr.contains("set `ca_file`"), "{}", run.stderr);
    assert!(!run.stderr.contains("ERROR"), "{}", run.stderr);

    // http:// to the TLS port.
    let plain_url = block.replace("https://", "http://");
    scenario.write("pingfederate.hcl", &plain_url);
    let run = scenario.run(&["plan"]).failure();
    once(
        &run.stderr,
        "the server speaks TLS, but the URL says http://",
    );

    // A URL that is not the Admin API's.
    scenario.write(
        "pingfederate.hcl",
        &block.replace("/pf-admin-api/v1", "/pf-admin-api"),
    );
    let run = scenario.run(&["plan"]).failure();
    once(&run.stderr, "no PingFederate Admin API at");
    assert!(
        run.stderr.contains("ends in /pf-admin-api/v1"),
        "{}",
        run.stderr
    );

    // Refused credentials.
    scenario.write(
        "pingfederate.hcl",
        &block.replace(&sandbox.password, "Wrong-Passw0rd"),
    );
    let run = scenario.run(&["plan"]).failure();
    once(
        &run.stderr,
        "refused the credentials of `Administrator` (HTTP 401)",
    );
    assert!(!run.stderr.contains("Wrong-Passw0rd"), "{}", run.stderr);

    scenario.write("pingfederate.hcl", &block);
    scenario.converge();
}

#[test]
fn plain_http_on_an_https_url_is_named_and_loopback_http_is_not_warned_about() {
    let scenario = Scenario::start_with(&["--plain-http"]);
    scenario.write("main.hcl", &stores(1));
    let block = scenario.sandbox().pingfederate_block();
    scenario.write("pingfederate.hcl", &block.replace("http://", "https://"));
    let run = scenario.run(&["plan"]).failure();
    once(
        &run.stderr,
        "the server answered in plain HTTP, but the URL says https://",
    );
    scenario.write("pingfederate.hcl", &block);
    // On loopback, plain HTTP is not worth a warning.
    let converged = scenario.converge();
    assert!(
        !converged
            .plan
            .stderr
            .contains("plain HTTP to another machine"),
        "{}",
        converged.plan.stderr
    );
}

#[test]
fn ctrl_c_stops_new_changes_and_records_those_in_flight() {
    let scenario = Scenario::start_with(&["--write-latency", "1s"]);
    scenario.write("main.hcl", &stores(5));
    let child = Command::new(BINARY)
        .args(["apply", "--auto-approve", "--parallelism", "1", "--state"])
        .arg(scenario.state_file())
        .arg(scenario.dir())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the first write is under way, then interrupt.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let log = scenario.sandbox().pingfederate_requests();
        if log.iter().any(|r| r["method"] == "POST") || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // The first POST finished; the second is in flight for a second.
    std::thread::sleep(Duration::from_millis(300));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    scenario.note_change();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("Interrupted:"), "{stderr}");
    assert!(stderr.contains("apply was interrupted"), "{stderr}");
    let listed = scenario.run(&["state", "list"]).success();
    let recorded = listed.stdout.lines().count();
    assert!((1..5).contains(&recorded), "{}", listed.stdout);
    let (_, all) = scenario.sandbox().request("GET", "/dataStores", None);
    let created = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["id"].as_str().is_some_and(|id| id.starts_with('s')))
        .count();
    assert_eq!(created, recorded, "every finished change is in state");
    scenario.converge();
}

#[test]
fn a_passing_500_on_a_read_is_retried_and_a_write_is_not() {
    let scenario = Scenario::new();
    scenario.write("main.hcl", &stores(1));
    scenario.sandbox().inject_fault(json!({
        "method": "GET", "path": "/dataStores", "status": 500, "count": 1
    }));
    scenario.sandbox().clear_requests();
    let plan = scenario.plan_with_changes();
    assert!(
        plan.stdout.contains("datastore.jdbc.s0 will be created"),
        "{}",
        plan.stdout
    );
    let statuses: Vec<u64> = scenario
        .sandbox()
        .pingfederate_requests()
        .iter()
        .filter(|r| r["method"] == "GET" && r["path"] == "/dataStores")
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [500, 200]);
    // A write that fails with 500 may have landed: it is not sent again.
    scenario.sandbox().inject_fault(json!({
        "method": "POST", "path": "/dataStores", "status": 500, "count": 1
    }));
    scenario.sandbox().clear_requests();
    scenario.apply_with(&[]).failure();
    let posts = scenario
        .sandbox()
        .pingfederate_requests()
        .iter()
        .filter(|r| r["method"] == "POST")
        .count();
    assert_eq!(posts, 1);
    scenario.converge();
}

#[test]
fn pingone_reads_take_one_token_then_one_round_trip_however_many_exclusions() {
    let scenario = Scenario::new().with_pingone();
    let mut body = format!("{SOURCES}{}", connection("Disable", "Employees"));
    for index in 0..1_000 {
        body.push_str(&format!(
            "exclusion \"service_{index:04}\" {{\n  pingone_username = \"service-{index:04}@example.com\"\n  source_attribute = \"uid\"\n  source_value     = \"service-{index:04}\"\n  reason           = \"service account\"\n}}\n"
        ));
    }
    scenario.write("main.hcl", &body);
    // Every PingOne API read takes 300 ms: in turn they would take seconds.
    scenario.sandbox().inject_fault(json!({
        "path": "pingone:/environments/*", "delay_ms": 300, "count": 1000
    }));
    scenario.sandbox().clear_requests();
    let run = scenario.run(&["plan"]);
    assert_eq!(run.code, 0, "{}", run.combined());
    let log = scenario.sandbox().pingone_requests();
    let token = log
        .iter()
        .find(|r| r["path"].as_str().unwrap_or("").contains("/as/token"))
        .unwrap_or_else(|| panic!("no token request: {log:#?}"));
    let reads: Vec<&Value> = log
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .unwrap_or("")
                .starts_with("pingone:/environments")
        })
        .collect();
    assert!(reads.len() >= 3, "{log:#?}");
    let first_answer = reads.iter().map(|r| ms(r, "finished_ms")).min().unwrap();
    for read in &reads {
        assert!(
            ms(read, "started_ms") >= ms(token, "finished_ms"),
            "a read started before the token came: {log:#?}"
        );
        assert!(
            ms(read, "started_ms") < first_answer,
            "a read waited for another: {read} in {log:#?}"
        );
    }
    println!(
        "PingOne: 1 token, then {} reads at once ({} ms from the first to the last answer)",
        reads.len(),
        reads.iter().map(|r| ms(r, "finished_ms")).max().unwrap() - first_answer
    );
    scenario.converge();
}

#[test]
fn a_configuration_that_replicates_still_plans_on_the_built_in_sandbox() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("main.hcl"),
        format!(
            "pingfederate {{\n  url       = \"https://pf.example.com:9999/pf-admin-api/v1\"\n  username  = \"Administrator\"\n  password  = \"unused\"\n  replicate = true\n}}\n{}",
            stores(1)
        ),
    )
    .unwrap();
    let output = Command::new(BINARY)
        .args(["plan", "--sandbox"])
        .arg(folder.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains(", standalone"), "{stdout}");
    assert!(
        stdout.contains("datastore.jdbc.s0 will be created"),
        "{stdout}"
    );
}

#[test]
fn a_change_still_running_after_ten_seconds_says_so() {
    let scenario = Scenario::start_with(&["--write-latency", "10500ms"]);
    scenario.write("main.hcl", &stores(1));
    let converged = scenario.converge();
    let stderr = &converged.apply.stderr;
    assert_eq!(
        stderr
            .matches("datastore.jdbc.s0: Still creating... [10s elapsed]")
            .count(),
        1,
        "{stderr}"
    );
    let creation = stderr
        .lines()
        .find(|line| line.contains("Creation complete after"))
        .unwrap();
    assert!(
        creation.contains("after 10."),
        "the summary keeps durations: {creation}"
    );
}
