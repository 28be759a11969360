//! The sandbox's operating options through the CLI: `pingform sandbox --admin-auth
//! oauth --cluster --pingfederate-version ... --saml2-entity-id ... --federation-base-url ...
//! --read-latency ... --write-latency ...`
//! prints what a client needs and serves accordingly; `plan --sandbox` takes the
//! latency flags, which need `--sandbox`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::BINARY;

/// Kills the sandbox when the test ends, whatever its outcome.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn pingform_sandbox_takes_the_operating_options_and_prints_the_oauth_client() {
    let mut child = Command::new(BINARY)
        .args([
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--plain-http",
            "--admin-auth",
            "oauth",
            "--cluster",
            "--pingfederate-version",
            "13.1.0.5",
            "--saml2-entity-id",
            "staging.example.com",
            "--federation-base-url",
            "https://sso-staging.example.com",
            "--read-latency",
            "200ms",
            "--write-latency",
            "1s",
        ])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("pingform sandbox starts");
    let stdout = child.stdout.take().expect("stdout");
    let _running = Running(child);
    let mut banner = std::collections::BTreeMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        if let Some((key, value)) = line.trim().split_once(": ") {
            banner.insert(key.trim().to_string(), value.trim().to_string());
        }
        if line.starts_with("Press Ctrl-C") {
            break;
        }
    }
    let value = |key: &str| {
        banner
            .get(key)
            .cloned()
            .unwrap_or_else(|| panic!("{key} in {banner:?}"))
    };
    assert_eq!(value("PingFederate version"), "13.1.0.5");
    assert_eq!(value("Cluster"), "administrative node");
    let url = value("PingFederate Admin API");
    let token_url = value("Token URL");
    assert!(token_url.ends_with("/as/token.oauth2"), "{token_url}");

    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let token: serde_json::Value = client
        .post(&token_url)
        .basic_auth(value("Client id"), Some(value("Client secret")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().expect("a token").to_string();
    let started = Instant::now();
    let version: serde_json::Value = client
        .get(format!("{url}/version"))
        .bearer_auth(&token)
        .header("X-XSRF-Header", "PingFederate")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(version["version"], "13.1.0.5");
    assert_eq!(
        value("Server identity"),
        "staging.example.com (https://sso-staging.example.com)"
    );
    let settings: serde_json::Value = client
        .get(format!("{url}/serverSettings"))
        .bearer_auth(&token)
        .header("X-XSRF-Header", "PingFederate")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        settings,
        serde_json::json!({"federationInfo": {
            "baseUrl": "https://sso-staging.example.com",
            "saml2EntityId": "staging.example.com"
        }})
    );
    let started = Instant::now();
    let replicate = client
        .post(format!("{url}/cluster/replicate"))
        .bearer_auth(&token)
        .header("X-XSRF-Header", "PingFederate")
        .send()
        .await
        .unwrap();
    assert_eq!(replicate.status(), reqwest::StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_secs(1));
    let basic = client
        .get(format!("{url}/version"))
        .basic_auth("Administrator", Some("2FederateM0re"))
        .header("X-XSRF-Header", "PingFederate")
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), reqwest::StatusCode::UNAUTHORIZED);
    // The banner offers the Basic account only for what takes it: the control API.
    assert!(!banner.contains_key("Username"), "{banner:?}");
    assert_eq!(
        value("Sandbox control"),
        "Administrator / 2FederateM0re (Basic, /_sandbox/ only)"
    );
    let base = url.trim_end_matches("/pf-admin-api/v1");
    let control = client
        .get(format!("{base}/_sandbox/requests"))
        .basic_auth("Administrator", Some("2FederateM0re"))
        .send()
        .await
        .unwrap();
    assert_eq!(control.status(), reqwest::StatusCode::OK);
}

#[test]
fn plan_takes_the_latency_flags_with_sandbox_only() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/quickstart");
    let without = Command::new(BINARY)
        .args(["plan", "--read-latency", "5ms", examples])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    // A usage error is an error (1): 2 would read as "changes pending".
    assert_eq!(without.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&without.stderr);
    assert!(stderr.contains("--sandbox"), "{stderr}");

    let started = Instant::now();
    let with = Command::new(BINARY)
        .args([
            "plan",
            "--sandbox",
            "--read-latency",
            "300ms",
            "--write-latency",
            "10ms",
            examples,
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        with.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&with.stderr)
    );
    // A plan reads the Admin API at least once, after the version check.
    assert!(started.elapsed() >= Duration::from_millis(300));
}
