//! The planning benchmark (not part of the default test run):
//!
//! ```text
//! cargo test --release --test main benchmark:: -- --ignored --nocapture
//! ```
//!
//! For 10, 100, 1,000 and 10,000 JDBC data stores that are already up to date, it runs
//! `pingform plan` against a `pingform sandbox` process and reports the requests the
//! plan sent, pingform's own CPU time (user + system, from `wait4`) and its peak
//! memory (max RSS). Targets: requests do not grow with the count; CPU time grows no
//! worse than linearly and stays under 1 s at 1,000; peak memory under 100 MB at 10,000.
//! `PINGFORM_BENCH_SIZES=10,100` picks other sizes.
//!
//! The latency benchmark (`benchmark::apply_at_network_speed`) runs the sandbox with
//! `--read-latency 50ms --write-latency 300ms` (a CI runner far from its admin node)
//! and measures, for 100 and 1,000 new JDBC stores (`PINGFORM_BENCH_APPLY_SIZES`),
//! the wall time of `apply` at the default parallelism (10) and at 1, of `apply FILE`,
//! and of the no-change plan that follows, beside the bounds: N × 300 ms one at a
//! time, N × 300 ms / 10 ten at a time, plus one read round trip to plan. The
//! one-at-a-time apply is measured at 100 stores only (1,000 would take five minutes).

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::support::{BINARY, SandboxProcess, Workspace};

struct Measured {
    cpu_seconds: f64,
    max_rss_mb: f64,
    wall_seconds: f64,
    code: i32,
}

/// Runs the binary and measures it with `wait4`, which reports the child's own CPU
/// time and peak resident memory. `wait4` reaps the child, so `Child::wait` is not
/// called (clippy cannot see that).
#[allow(clippy::zombie_processes)]
fn measure(args: &[&str]) -> Measured {
    let started = Instant::now();
    let child = Command::new(BINARY)
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, which nothing else waits for.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Measured {
        cpu_seconds: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        max_rss_mb: usage.ru_maxrss as f64 / 1024.0,
        wall_seconds: started.elapsed().as_secs_f64(),
        code: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
    }
}

fn configuration(count: usize) -> String {
    let mut text = String::with_capacity(count * 300);
    for index in 0..count {
        writeln!(
            text,
            "datastore \"jdbc\" \"store_{index:05}\" {{\n  driver_class   = \"org.postgresql.Driver\"\n  connection_url = \"jdbc:postgresql://db{index}.example.com:5432/pf\"\n  user_name      = \"pf_{index}\"\n  password       = \"Bench-Passw0rd-{index}\"\n  max_pool_size  = {}\n}}\n",
            20 + index % 50
        )
        .unwrap();
    }
    text.push_str("outbound_provisioning {\n  datastore = datastore.jdbc.store_00000\n}\n");
    text
}

#[test]
#[ignore = "benchmark: run with --ignored, preferably with --release"]
fn plan_scales_with_the_number_of_data_stores() {
    let sizes: Vec<usize> = std::env::var("PINGFORM_BENCH_SIZES")
        .unwrap_or_else(|_| "10,100,1000,10000".into())
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect();
    println!(
        "| data stores | requests | CPU time | CPU per store | peak memory | wall time | apply (setup) | plan --json peak memory |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for count in sizes {
        let sandbox = SandboxProcess::start();
        let workspace = Workspace::new();
        workspace.write("pingfederate.hcl", &sandbox.pingfederate_block());
        workspace.write("main.hcl", &configuration(count));
        let dir = workspace.dir().to_str().unwrap().to_string();
        let setup = measure(&["apply", "--auto-approve", &dir]);
        assert_eq!(setup.code, 0, "apply of {count} stores failed");
        sandbox.clear_requests();
        let plan = measure(&["plan", "--detailed-exitcode", &dir]);
        assert_eq!(
            plan.code, 0,
            "the plan of {count} up-to-date stores is not empty"
        );
        let requests = sandbox.requests().len();
        let json = measure(&["plan", "--json", &dir]);
        assert_eq!(json.code, 0);
        println!(
            "| {count} | {requests} | {:.3} s | {:.1} µs | {:.1} MB | {:.2} s | {:.1} s | {:.1} MB |",
            plan.cpu_seconds,
            plan.cpu_seconds / count as f64 * 1e6,
            plan.max_rss_mb,
            plan.wall_seconds,
            setup.wall_seconds,
            json.max_rss_mb,
        );
    }
}

fn seconds(wall: f64) -> String {
    format!("{wall:.2} s")
}

#[test]
#[ignore = "benchmark: run with --ignored, preferably with --release"]
fn apply_at_network_speed() {
    let sizes: Vec<usize> = std::env::var("PINGFORM_BENCH_APPLY_SIZES")
        .unwrap_or_else(|_| "100,1000".into())
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect();
    let latency = ["--read-latency", "50ms", "--write-latency", "300ms"];
    println!("| run | stores | wall time | one at a time (bound) | ten at a time (bound) |");
    println!("|---|---:|---:|---:|---:|");
    let bound =
        |count: usize, at_once: usize| seconds(0.05 + (count.div_ceil(at_once)) as f64 * 0.3);
    for count in sizes {
        let mut runs = vec![("apply", vec!["--parallelism", "10"])];
        if count <= 100 {
            runs.push(("apply --parallelism 1", vec!["--parallelism", "1"]));
        }
        for (name, extra) in runs {
            let sandbox = SandboxProcess::start_with(&latency);
            let workspace = Workspace::new();
            workspace.write("pingfederate.hcl", &sandbox.pingfederate_block());
            // Without outbound provisioning: N independent stores.
            let text = configuration(count);
            let text = text
                .split("outbound_provisioning")
                .next()
                .unwrap()
                .to_string();
            workspace.write("main.hcl", &text);
            let dir = workspace.dir().to_str().unwrap().to_string();
            let mut args = vec!["apply", "--auto-approve"];
            args.extend(extra.iter().copied());
            args.push(&dir);
            let applied = measure(&args);
            assert_eq!(applied.code, 0, "{name} of {count} stores failed");
            println!(
                "| {name} | {count} | {} | {} | {} |",
                seconds(applied.wall_seconds),
                bound(count, 1),
                bound(count, 10)
            );
            if name == "apply" {
                let plan = measure(&["plan", "--detailed-exitcode", &dir]);
                assert_eq!(plan.code, 0);
                println!(
                    "| plan, up to date | {count} | {} | 0.05 s (one read round trip) | |",
                    seconds(plan.wall_seconds)
                );
            }
        }
        // A saved plan: verified with one read per collection, then applied.
        let sandbox = SandboxProcess::start_with(&latency);
        let workspace = Workspace::new();
        workspace.write("pingfederate.hcl", &sandbox.pingfederate_block());
        let text = configuration(count);
        workspace.write(
            "main.hcl",
            text.split("outbound_provisioning").next().unwrap(),
        );
        let dir = workspace.dir().to_str().unwrap().to_string();
        let plan_file = workspace.dir().join("bench.plan");
        let plan_file = plan_file.to_str().unwrap();
        assert_eq!(measure(&["plan", "--out", plan_file, &dir]).code, 0);
        let applied = measure(&["apply", plan_file]);
        assert_eq!(applied.code, 0, "apply FILE of {count} stores failed");
        println!(
            "| apply FILE | {count} | {} | {} | {} |",
            seconds(applied.wall_seconds),
            bound(count, 1),
            bound(count, 10)
        );
    }
}
