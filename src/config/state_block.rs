//! The `state { url = "..." }` block: where the configuration's state lives, a
//! PostgreSQL URL or a file path (relative to the folder). Like Terraform's backend
//! block, it is read before anything is evaluated, so `url` is a plain string: no
//! variables, references or functions, and no password (set `PGPASSWORD`, or pass
//! `--state URL` from a secret).

use std::path::Path;

use hcl::edit::Span;
use hcl::edit::expr::Expression;

use crate::model::StateLocation;

use super::block::BlockDeclaration;
use super::diagnostic::{ConfigError, ConfigErrors};

/// Whether a file of the folder can hold a `state` block. In HCL a block's type and its
/// `{` share a line, and a top-level structure starts its line, so where no line
/// starts with the word `state` there is none, and the files need not be parsed twice
/// (the configuration's load parses them again; 10,000 blocks take a third of a
/// second). A file that cannot be read, or a folder that cannot be listed, says yes:
/// the full read reports it.
fn may_declare_state(dir: &Path) -> bool {
    let mut errors = Vec::new();
    let paths = super::files::find_configuration_files(dir, &mut errors);
    if errors
        .iter()
        .any(|error| !matches!(error, ConfigError::NoConfigurationFiles { .. }))
    {
        return true;
    }
    paths
        .iter()
        .any(|path| match super::files::read_text(path) {
            Ok(text) => text.lines().any(starts_with_state),
            Err(_) => true,
        })
}

fn starts_with_state(line: &str) -> bool {
    // A byte order mark may open a file; say yes rather than miss a block after one.
    let line = line.trim_start_matches('\u{feff}');
    line.trim_start().strip_prefix("state").is_some_and(|rest| {
        !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-')
    })
}

/// The state location the `state` block of the folder's files names, if one does,
/// without evaluating anything else (the `state`, `history` and `plan` commands need
/// it before, or without, the rest of the configuration).
pub fn state_setting(dir: &Path) -> Result<Option<StateLocation>, ConfigErrors> {
    if !may_declare_state(dir) {
        return Ok(None);
    }
    let mut errors = Vec::new();
    let files = super::files::read_configuration(dir, &[], false, &mut errors);
    let mut found = None;
    for file in files {
        for structure in file.body {
            let Ok(block) = structure.into_block() else {
                continue;
            };
            if block.ident.as_str() != "state" {
                continue;
            }
            let declaration = BlockDeclaration {
                source: file.source.clone(),
                block,
            };
            if found.is_none() {
                found = evaluate(&declaration, dir, &mut errors);
            }
        }
    }
    // Without any file a folder still has a state; other problems are the load's to
    // report, with the rest of the configuration.
    errors.retain(|error| !matches!(error, ConfigError::NoConfigurationFiles { .. }));
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(ConfigErrors::new(errors))
    }
}

/// Checks the block and returns the location it names.
pub fn evaluate(
    declaration: &BlockDeclaration,
    dir: &Path,
    errors: &mut Vec<ConfigError>,
) -> Option<StateLocation> {
    // A password in the file: that alone is reported, without a source snippet, so
    // that no line of this block is shown.
    if let Some(attribute) = declaration.attribute("url")
        && let Expression::String(text) = &attribute.value
        && let Ok(StateLocation::Postgres(url)) = StateLocation::parse(text.value())
        && url.password.is_some()
    {
        errors.push(ConfigError::StatePasswordInFile {
            location: location_text(declaration, &attribute.value),
        });
        return None;
    }
    for inner in declaration.block.body.blocks() {
        errors.push(declaration.unexpected(inner, "`state`", None));
    }
    for attribute in declaration.attributes() {
        if attribute.key.as_str() != "url" {
            let location = declaration.at(attribute.key.span());
            errors.push(ConfigError::UnknownAttribute {
                name: attribute.key.to_string(),
                block: "`state`".to_string(),
                src: location.src,
                span: location.span,
                help: Some("the `state` block has one attribute, `url`".into()),
            });
        }
    }
    let Some(attribute) = declaration.attribute("url") else {
        let location = declaration.header();
        errors.push(ConfigError::MissingAttribute {
            name: "url".into(),
            block: "`state`".into(),
            src: location.src,
            span: location.span,
            help: Some(
                "write `url = \"postgres://USER@HOST:PORT/DB\"` or a file path such as `url = \"prod.redb\"`"
                    .into(),
            ),
        });
        return None;
    };
    let location = declaration.at(attribute.value.span());
    let invalid = |message: String, help: &str| ConfigError::InvalidValue {
        attribute: "url".into(),
        message,
        src: location.src.clone(),
        span: location.span,
        help: Some(help.to_string()),
    };
    let text = match &attribute.value {
        Expression::String(text) => text.value().to_string(),
        _ => {
            errors.push(invalid(
                "the state URL must be a plain string: the state is found before variables, references and functions are evaluated".into(),
                "write the URL as a literal string; to pick the state per run, pass --state URL (or set PINGFORM_STATE) instead",
            ));
            return None;
        }
    };
    match StateLocation::parse(&text) {
        Ok(StateLocation::File(path)) if path.as_os_str().is_empty() => {
            errors.push(invalid(
                "the state URL is empty".into(),
                "write `url = \"postgres://USER@HOST:PORT/DB\"` or a file path",
            ));
            None
        }
        Ok(StateLocation::File(path)) => Some(StateLocation::File(dir.join(path))),
        Ok(postgres) => Some(postgres),
        Err(error) => {
            errors.push(invalid(
                error.message,
                "write it as postgres://USER@HOST:PORT/DB[?sslmode=verify-full]",
            ));
            None
        }
    }
}

/// `main.hcl:2:9`, where the value starts.
fn location_text(declaration: &BlockDeclaration, value: &Expression) -> String {
    declaration.at(value.span()).describe()
}

#[cfg(test)]
mod tests {
    use super::starts_with_state;

    #[test]
    fn only_a_line_that_starts_with_the_word_state_can_open_the_block() {
        for line in [
            "state {",
            "  state{",
            "state \"x\" {",
            "\tstate",
            "\u{feff}state {",
        ] {
            assert!(starts_with_state(line), "{line}");
        }
        for line in [
            "states {",
            "state_file = 1",
            "state-x {",
            "# state {",
            "  url = \"state\"",
        ] {
            assert!(!starts_with_state(line), "{line}");
        }
    }
}
