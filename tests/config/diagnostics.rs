//! Every broken configuration in `fixtures/invalid/` is rejected with diagnostics
//! that a person can act on; the rendered text is snapshotted.
//!
//! A fixture without a snapshot fails (insta refuses a missing snapshot unless told
//! to accept it), and so does a snapshot whose fixture was removed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use miette::{GraphicalReportHandler, GraphicalTheme};
use pingform::config::{LoadOptions, load};

const INVALID: &str = "fixtures/invalid";
/// Where insta keeps this module's snapshots, and the prefix it gives their names
/// (the module path `main::config::diagnostics`).
const SNAPSHOTS: &str = "tests/config/snapshots";
const SNAPSHOT_PREFIX: &str = "main__config__diagnostics__";

fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(INVALID)
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn render(case: &str) -> String {
    let options = LoadOptions {
        dir: Path::new(INVALID).join(case),
        vars: Vec::new(),
        var_files: Vec::new(),
        environment: BTreeMap::from([("HOME".to_string(), "/home/tester".to_string())]),
        retarget: None,
        unknown_inputs: false,
    };
    let errors = match load(&options) {
        Ok(_) => panic!("fixture `{case}` loaded without errors"),
        Err(errors) => errors,
    };
    let mut rendered = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut rendered, &errors)
        .unwrap();
    rendered
}

#[test]
fn every_invalid_fixture_renders_its_diagnostics() {
    for case in cases() {
        insta::assert_snapshot!(case.clone(), render(&case));
    }
}

#[test]
fn there_are_enough_invalid_fixtures_and_no_orphan_snapshots() {
    let cases = cases();
    assert!(cases.len() >= 18, "only {} invalid fixtures", cases.len());
    let snapshots: Vec<PathBuf> = std::fs::read_dir(SNAPSHOTS)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    let mut matched = 0;
    for snapshot in snapshots {
        let name = snapshot.file_name().unwrap().to_string_lossy().into_owned();
        let Some(case) = name
            .strip_prefix(SNAPSHOT_PREFIX)
            .and_then(|rest| rest.strip_suffix(".snap"))
        else {
            continue;
        };
        assert!(
            cases.iter().any(|c| c == case),
            "snapshot {name} has no fixture"
        );
        matched += 1;
    }
    // Also fails when the snapshots move or are renamed and the loop above sees none.
    assert_eq!(
        matched,
        cases.len(),
        "expected one {SNAPSHOTS}/{SNAPSHOT_PREFIX}*.snap per fixture"
    );
}

#[test]
fn the_multi_error_fixture_reports_every_problem() {
    let options = LoadOptions {
        dir: Path::new(INVALID).join("multiple_errors"),
        ..LoadOptions::default()
    };
    let errors = load(&options).unwrap_err();
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), messages.len());
    assert!(errors.len() >= 6, "{messages:#?}");
    assert!(
        errors
            .to_string()
            .starts_with(&format!("configuration has {} errors", errors.len()))
    );
}
