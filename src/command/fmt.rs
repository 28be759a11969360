//! `pingform fmt`: finds the files, asks `config` for their canonical layout, and
//! writes, checks or diffs them. The layout itself is `config::format_file`'s.

use std::path::{Path, PathBuf};

use super::cli::FmtArgs;
use super::output::write_stdout;
use crate::config::{ConfigErrors, format_file, read_configuration_file};
use crate::error::{Error, Result};
use crate::render::{fmt_diff, fmt_summary};

/// The exit code of `fmt --check` when a file is not formatted.
pub const NOT_FORMATTED: u8 = 3;

/// `pingform fmt`: rewrites files in the canonical layout (`--check`: only reports;
/// `--diff`: prints what changes). Every file is checked before any is written, so a
/// file that does not parse leaves them all as they were.
pub fn run(args: FmtArgs) -> Result<u8> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for path in &paths {
        files.extend(files_of(path)?);
    }
    let mut changed = Vec::new();
    for file in &files {
        // Read as the loader reads: a file that is not UTF-8 is located.
        let text = read_configuration_file(file)
            .map_err(|error| Error::Config(ConfigErrors::new(vec![*error])))?;
        let formatted = format_file(&text).map_err(|error| Error::FormatParse {
            path: file.clone(),
            reason: error.0,
        })?;
        if formatted != text {
            changed.push((file.clone(), text, formatted));
        }
    }
    write_stdout(|out| {
        for (file, text, formatted) in &changed {
            if args.diff {
                fmt_diff(file, text, formatted, out)?;
            } else {
                writeln!(out, "{}", file.display())?;
            }
        }
        Ok(())
    })?;
    if args.check {
        if !changed.is_empty() {
            super::output::note(&fmt_summary(changed.len(), files.len()));
            return Ok(NOT_FORMATTED);
        }
        return Ok(0);
    }
    for (file, _, formatted) in &changed {
        std::fs::write(file, formatted).map_err(|error| Error::FormatWrite {
            path: file.clone(),
            reason: error.to_string(),
        })?;
    }
    Ok(0)
}

/// A file as given, or every `*.hcl` directly in a folder, sorted.
fn files_of(path: &Path) -> Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|error| Error::FormatRead {
        path: path.to_path_buf(),
        reason: error.to_string(),
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "hcl"))
        .collect();
    files.sort();
    Ok(files)
}
