//! Finding and parsing the configuration files of one folder.
//!
//! Owns the rule "every `*.hcl` file directly in the folder, in file-name order" and
//! the conversion of hcl-edit syntax errors into diagnostics. It reads files and
//! nothing else: no evaluation, no checks on what the blocks mean.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl::edit::structure::Body;
use miette::{NamedSource, SourceSpan};

use super::diagnostic::{ConfigError, Source};

/// One parsed configuration file.
pub struct SourceFile {
    pub source: Source,
    pub body: Body,
}

/// The name diagnostics show for a file: the folder as the user gave it, joined with
/// the file name, so a relative folder gives relative (machine-independent) names.
pub fn display_name(path: &Path) -> String {
    path.display().to_string()
}

pub fn named_source(name: &str, text: &str) -> Source {
    NamedSource::new(name, Arc::<str>::from(text)).with_language("hcl")
}

/// Lists `*.hcl` files directly inside `dir`, sorted by file name; none is an error.
pub fn find_configuration_files(dir: &Path, errors: &mut Vec<ConfigError>) -> Vec<PathBuf> {
    if dir.is_file() {
        let folder = match dir.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => display_name(parent),
            _ => ".".to_string(),
        };
        errors.push(ConfigError::NotAFolder {
            path: display_name(dir),
            folder,
        });
        return Vec::new();
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            errors.push(ConfigError::UnreadableFolder {
                dir: display_name(dir),
                reason: error.to_string(),
            });
            return Vec::new();
        }
    };
    let all: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    let with = |extension: &str| -> Vec<PathBuf> {
        all.iter()
            .filter(|path| path.extension().is_some_and(|ext| ext == extension))
            .cloned()
            .collect()
    };
    let mut paths = with("hcl");
    paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    if paths.is_empty() {
        let terraform = with("tf").len();
        let help = if terraform > 0 {
            format!(
                "the folder has {terraform} Terraform file{} (`*.tf`); pingform reads only `*.hcl` files, so write pingform's configuration as `*.hcl` (rename a `.tf` file only if it holds pingform blocks)",
                if terraform == 1 { "" } else { "s" }
            )
        } else {
            "pass the folder that holds your `*.hcl` files, or create one such as `main.hcl`"
                .to_string()
        };
        errors.push(ConfigError::NoConfigurationFiles {
            dir: display_name(dir),
            help: Some(help),
        });
    }
    paths
}

/// Reads and parses every file; syntax errors go to `errors` and the file is skipped.
pub fn read_configuration(dir: &Path, errors: &mut Vec<ConfigError>) -> Vec<SourceFile> {
    let paths = find_configuration_files(dir, errors);
    let mut files = Vec::new();
    for path in paths {
        match read_text(&path) {
            Ok(text) => {
                if let Some(file) = parse_file(&display_name(&path), &text, errors) {
                    files.push(file);
                }
            }
            Err(error) => errors.push(*error),
        }
    }
    files
}

/// A configuration or variable file as text; a file that is not UTF-8 is an error
/// that points at the first byte that is not.
pub fn read_text(path: &Path) -> Result<String, Box<ConfigError>> {
    let bytes = std::fs::read(path).map_err(|error| {
        Box::new(ConfigError::UnreadableFile {
            path: display_name(path),
            reason: error.to_string(),
        })
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(error) => {
            let bytes = error.into_bytes();
            let valid = std::str::from_utf8(&bytes)
                .map_err(|e| e.valid_up_to())
                .err()
                .unwrap_or(bytes.len());
            let before = String::from_utf8_lossy(&bytes[..valid]);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            let shown = String::from_utf8_lossy(&bytes).into_owned();
            let name = display_name(path);
            Err(Box::new(ConfigError::NotUtf8 {
                src: named_source(&name, &shown),
                path: name,
                line,
                column,
                span: (valid, char::REPLACEMENT_CHARACTER.len_utf8()).into(),
            }))
        }
    }
}

pub fn parse_file(name: &str, text: &str, errors: &mut Vec<ConfigError>) -> Option<SourceFile> {
    let source = named_source(name, text);
    match hcl::edit::parser::parse_body(text) {
        Ok(body) => Some(SourceFile { source, body }),
        Err(error) => {
            let offset = error.location().offset().min(text.len());
            errors.push(ConfigError::Syntax {
                message: error.message().to_string(),
                src: source,
                span: SourceSpan::from(offset..offset),
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hcl_files_directly_in_the_folder_are_read_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.hcl", "a.hcl", "notes.txt"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        std::fs::create_dir(dir.path().join("nested.hcl")).unwrap();
        let mut errors = Vec::new();
        let names: Vec<String> = find_configuration_files(dir.path(), &mut errors)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.hcl", "b.hcl"]);
        assert!(errors.is_empty());
    }

    #[test]
    fn an_empty_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut errors = Vec::new();
        assert!(find_configuration_files(dir.path(), &mut errors).is_empty());
        assert!(matches!(
            errors.as_slice(),
            [ConfigError::NoConfigurationFiles { .. }]
        ));
    }
}
