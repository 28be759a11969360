//! Measures what a write costs with a data file: starts a sandbox in-process on
//! 127.0.0.1 (plain HTTP) keeping its data in a fresh temporary file, sends N data store
//! creates one after the other over loopback, and prints the time they took.
//!
//! ```sh
//! cargo run --release -p pingform-sandbox --example data_file_writes -- 10000
//! cargo run --release -p pingform-sandbox --example data_file_writes -- 10000 --in-memory
//! ```

use std::time::Instant;

use pingform_sandbox::{Sandbox, SandboxOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let count: usize = match arguments.first() {
        Some(text) => text.parse()?,
        None => 1000,
    };
    let in_memory = arguments.iter().any(|argument| argument == "--in-memory");
    let folder = tempfile::tempdir()?;
    let data_file = folder.path().join("sandbox-data.json");
    let sandbox = Sandbox::start(SandboxOptions {
        tls: false,
        data_file: (!in_memory).then(|| data_file.clone()),
        ..SandboxOptions::default()
    })
    .await?;
    let client = reqwest::Client::builder().no_proxy().build()?;
    let url = format!("{}/dataStores", sandbox.pingfederate_url());
    let started = Instant::now();
    for index in 0..count {
        let response = client
            .post(&url)
            .basic_auth(sandbox.username(), Some(sandbox.password()))
            .header("X-XSRF-Header", "PingFederate")
            .json(&serde_json::json!({
                "type": "JDBC",
                "id": format!("store{index}"),
                "driverClass": "org.postgresql.Driver",
                "connectionUrl": format!("jdbc:postgresql://db{index}.example.com/pf"),
                "userName": "pf",
                "password": "Passw0rd",
            }))
            .send()
            .await?;
        if response.status() != reqwest::StatusCode::CREATED {
            return Err(format!("create {index}: HTTP {}", response.status()).into());
        }
    }
    let elapsed = started.elapsed();
    let size = std::fs::metadata(&data_file).map(|m| m.len()).unwrap_or(0);
    println!(
        "{count} creates, {}: {:.2} s ({:.0} µs each); data file {} bytes",
        if in_memory {
            "in memory"
        } else {
            "with a data file"
        },
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / count as f64,
        size
    );
    let started = Instant::now();
    sandbox.shutdown().await;
    if !in_memory {
        println!(
            "shutdown with compaction: {:.2} s; data file {} bytes",
            started.elapsed().as_secs_f64(),
            std::fs::metadata(&data_file)?.len()
        );
    }
    Ok(())
}
