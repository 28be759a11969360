//! What `pingform fmt` prints: a unified diff of a file it would change, and the
//! summary of `--check`.

use std::io::{self, Write};
use std::path::Path;

/// The change to one file as a unified diff, `a/FILE` to `b/FILE`.
pub fn fmt_diff(path: &Path, before: &str, after: &str, out: &mut dyn Write) -> io::Result<()> {
    let name = path.display().to_string();
    let diff = similar::TextDiff::from_lines(before, after);
    write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(&format!("a/{name}"), &format!("b/{name}"))
    )
}

/// `fmt --check` found files to format.
pub fn fmt_summary(changed: usize, checked: usize) -> String {
    let files = |count: usize| {
        if count == 1 {
            "1 file".to_string()
        } else {
            format!("{count} files")
        }
    };
    format!(
        "{} of {} not formatted; run `pingform fmt` to format them.",
        files(changed),
        files(checked)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diff_names_the_file_and_the_changed_lines() {
        let mut out = Vec::new();
        fmt_diff(Path::new("main.hcl"), "a=1\n", "a = 1\n", &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("--- a/main.hcl\n+++ b/main.hcl\n"),
            "{text}"
        );
        assert!(text.contains("-a=1\n+a = 1\n"), "{text}");
        assert_eq!(
            fmt_summary(1, 3),
            "1 file of 3 files not formatted; run `pingform fmt` to format them."
        );
    }
}
