//! The README's configuration language documents every attribute of every block, and
//! the Active Directory value of every channel default that depends on the directory.

use pingform::model::{FieldDefault, FieldType, ResourceKind};

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The README's section on the configuration language.
fn language_section(readme: &str) -> &str {
    let start = readme.find("## The configuration language").unwrap();
    let end = start + readme[start..].find("\n## What a plan shows").unwrap();
    &readme[start..end]
}

#[test]
fn every_attribute_of_every_block_is_documented() {
    let readme = readme();
    let section = language_section(&readme);
    let mut missing = Vec::new();
    for kind in ResourceKind::ALL {
        for field in kind.fields() {
            let name = format!("`{}`", field.name);
            if !section.contains(&name) {
                missing.push(format!("{}: {}", kind.describe(), field.name));
            }
            if let FieldType::Blocks(nested) = field.ty {
                for inner in nested.fields {
                    if !section.contains(&format!("`{}`", inner.name)) {
                        missing.push(format!(
                            "{} {}: {}",
                            kind.describe(),
                            nested.block,
                            inner.name
                        ));
                    }
                }
            }
        }
    }
    for (block, attributes) in pingform::config::settings_blocks() {
        for attribute in attributes {
            if !section.contains(&format!("`{attribute}`")) {
                missing.push(format!("{block}: {attribute}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the README does not document: {missing:#?}"
    );
}

#[test]
fn the_active_directory_value_of_every_channel_default_is_documented() {
    let readme = readme();
    let section = language_section(&readme);
    let channel_fields = ResourceKind::ProvisioningConnection
        .fields()
        .iter()
        .find_map(|field| match field.ty {
            FieldType::Blocks(nested) => Some(nested.fields),
            _ => None,
        })
        .unwrap();
    let mut checked = 0;
    for field in channel_fields {
        let FieldDefault::Directory(_) = field.default else {
            continue;
        };
        let expected = match field.default.value_in(Some("ACTIVE_DIRECTORY")) {
            None => "none".to_string(),
            Some(serde_json::Value::String(text)) => format!("`{text}`"),
            Some(other) => format!("`{other}`"),
        };
        let row = section
            .lines()
            .find(|line| {
                line.starts_with("| ")
                    && line
                        .split('|')
                        .nth(1)
                        .is_some_and(|cell| cell.contains(&format!("`{}`", field.name)))
                    && line.split('|').count() > 6
            })
            .unwrap_or_else(|| {
                panic!(
                    "no row for `{}` in the directory defaults table",
                    field.name
                )
            });
        let active_directory = row.split('|').nth(2).unwrap().trim();
        assert_eq!(active_directory, expected, "`{}`: {row}", field.name);
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} directory defaults found");
}
