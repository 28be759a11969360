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
        "| data stores | requests | CPU time | CPU per store | peak memory | wall time | apply (setup) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
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
        println!(
            "| {count} | {requests} | {:.3} s | {:.1} µs | {:.1} MB | {:.2} s | {:.1} s |",
            plan.cpu_seconds,
            plan.cpu_seconds / count as f64 * 1e6,
            plan.max_rss_mb,
            plan.wall_seconds,
            setup.wall_seconds,
        );
    }
}
