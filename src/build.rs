//! Build metadata for `pingform --version`: the commit the binary was built from and
//! the target it was built for. A build outside a git checkout (a source archive) says
//! `unknown`, or what `PINGFORM_COMMIT` gives.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn main() {
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=PINGFORM_TARGET={target}");
    println!("cargo:rerun-if-env-changed=PINGFORM_COMMIT");
    let commit = std::env::var("PINGFORM_COMMIT")
        .ok()
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=PINGFORM_COMMIT={commit}");
    // Built again when HEAD moves: a new commit on the branch, or another branch.
    if let Some(git_dir) = git(&["rev-parse", "--git-dir"]) {
        println!("cargo:rerun-if-changed={git_dir}/HEAD");
    }
    if let (Some(common), Some(reference)) = (
        git(&["rev-parse", "--git-common-dir"]),
        git(&["symbolic-ref", "-q", "HEAD"]),
    ) {
        println!("cargo:rerun-if-changed={common}/{reference}");
        println!("cargo:rerun-if-changed={common}/packed-refs");
    }
}
