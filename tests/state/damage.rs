//! Damaged copies of a real state file (written by real applies): flipped bytes in
//! every page's header, zeroed pages, truncations. Reading or opening any of them never
//! panics (redb's own checks would otherwise take the process down, exit 101); each is
//! either read correctly or refused with an error that names the file, and the error
//! says how to restore the backup kept next to it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use pingform::model::StateLocation;
use pingform::state::{self, StateError, StateStore};

use crate::support::Scenario;
use crate::support::state::lock_holder;

const PAGE: usize = 4096;

/// A state file with objects and two history rows, and its backup.
fn real_state() -> (Vec<u8>, Vec<u8>) {
    let scenario = Scenario::new();
    let stores = |suffix: &str| -> String {
        (1..=8)
            .map(|n| format!(
                "datastore \"jdbc\" \"damage_{n}\" {{\n  driver_class   = \"org.postgresql.Driver\"\n  connection_url = \"jdbc:postgresql://db.example.com:5432/d{n}{suffix}\"\n  password       = \"Damage-{n}\"\n}}\n"
            ))
            .collect()
    };
    scenario.write("main.hcl", &stores(""));
    scenario.converge();
    scenario.write("main.hcl", &stores("_v2"));
    scenario.converge();
    let bytes = std::fs::read(scenario.state_file()).unwrap();
    let backup = std::fs::read(scenario.dir().join("pingform.redb.backup")).unwrap();
    (bytes, backup)
}

/// Deterministic damage: a byte flipped at the start of every page and in the middle
/// of it, every page zeroed, and truncations.
fn damaged_copies(original: &[u8]) -> Vec<(String, Vec<u8>)> {
    let pages = original.len().div_ceil(PAGE);
    let mut copies = Vec::new();
    for page in 0..pages {
        for offset in [0usize, 1, 8, 17, 64, PAGE / 2] {
            let at = page * PAGE + offset;
            if at < original.len() {
                let mut copy = original.to_vec();
                copy[at] ^= 0xA5;
                copies.push((format!("page {page}: byte {offset} flipped"), copy));
            }
        }
        let mut zeroed = original.to_vec();
        let end = ((page + 1) * PAGE).min(original.len());
        zeroed[page * PAGE..end].fill(0);
        copies.push((format!("page {page} zeroed"), zeroed));
    }
    for length in [
        0,
        5,
        100,
        PAGE,
        PAGE + 1,
        original.len() / 2,
        original.len() - 1,
    ] {
        copies.push((
            format!("truncated to {length} bytes"),
            original[..length].to_vec(),
        ));
    }
    copies
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// What reading and opening one copy came to.
enum Outcome {
    Read(state::Snapshot),
    Refused(String),
}

fn try_copy(path: &Path) -> Result<Outcome, String> {
    let location = StateLocation::File(path.to_path_buf());
    let runtime = runtime();
    let read = catch_unwind(AssertUnwindSafe(|| {
        runtime.block_on(state::read(&location))
    }))
    .map_err(|_| "state::read panicked".to_string())?;
    let open = catch_unwind(AssertUnwindSafe(|| {
        runtime
            .block_on(StateStore::open_existing(&location, &lock_holder()))
            .map(drop)
    }))
    .map_err(|_| "StateStore::open_existing panicked".to_string())?;
    match (read, open) {
        (Ok(snapshot), Ok(())) => Ok(Outcome::Read(snapshot)),
        (Err(error), _) | (_, Err(error)) => Ok(Outcome::Refused(error_text(&error))),
    }
}

fn error_text(error: &StateError) -> String {
    use miette::Diagnostic;
    format!(
        "{error} {}",
        error
            .help()
            .map(|help| help.to_string())
            .unwrap_or_default()
    )
}

#[test]
fn no_damaged_copy_of_a_real_state_file_panics_and_each_refusal_names_the_file() {
    let (original, backup) = real_state();
    let folder = tempfile::tempdir().unwrap();
    let pristine = folder.path().join("pristine.redb");
    std::fs::write(&pristine, &original).unwrap();
    let expected = match try_copy(&pristine) {
        Ok(Outcome::Read(snapshot)) => snapshot,
        _ => panic!("the undamaged file does not read"),
    };
    let copies = damaged_copies(&original);
    assert!(copies.len() >= 100, "only {} damaged copies", copies.len());
    let (mut read, mut refused) = (0, 0);
    let (mut restore_hints, mut panics_caught) = (0, 0);
    for (index, (what, bytes)) in copies.iter().enumerate() {
        let dir = folder.path().join(format!("copy-{index}"));
        std::fs::create_dir(&dir).unwrap();
        let path: PathBuf = dir.join("pingform.redb");
        std::fs::write(&path, bytes).unwrap();
        std::fs::write(dir.join("pingform.redb.backup"), &backup).unwrap();
        // The binary: never exit 101, and an error names the file.
        let run = crate::support::Workspace::new().run(&[
            "state",
            "list",
            "--state",
            path.to_str().unwrap(),
        ]);
        assert!(
            run.code == 0 || run.code == 1,
            "{what}: `state list` exited {}: {}",
            run.code,
            run.stderr
        );
        if run.code == 1 {
            assert!(
                run.stderr.contains(&path.display().to_string()),
                "{what}: {}",
                run.stderr
            );
        }
        match try_copy(&path) {
            Err(panic) => panic!("{what}: {panic}"),
            Ok(Outcome::Read(snapshot)) => {
                // Damage the reader did not notice must have hit space the state does
                // not use: what it read is the state as it was.
                assert_eq!(
                    snapshot.previous.lineage, expected.previous.lineage,
                    "{what}"
                );
                assert_eq!(snapshot.previous.serial, expected.previous.serial, "{what}");
                assert_eq!(
                    snapshot.previous.objects, expected.previous.objects,
                    "{what}"
                );
                assert_eq!(
                    snapshot.previous.binding, expected.previous.binding,
                    "{what}"
                );
                assert_eq!(snapshot.history, expected.history, "{what}");
                read += 1;
            }
            Ok(Outcome::Refused(text)) => {
                refused += 1;
                assert!(
                    text.contains(&path.display().to_string()),
                    "{what}: the error does not name the file: {text}"
                );
                if text.contains("pingform.redb.backup (serial") {
                    restore_hints += 1;
                }
                if std::env::var_os("PINGFORM_SHOW_DAMAGE").is_some() {
                    println!("{what}: {text}");
                }
                if text.contains("the storage library stopped reading it") {
                    panics_caught += 1;
                }
            }
        }
    }
    println!(
        "{} damaged copies: {read} read exactly as before (the damage hit unused space), {refused} refused with an error naming the file ({panics_caught} of them panics inside redb turned into errors), {restore_hints} with the backup's restore command",
        copies.len()
    );
    assert!(refused > 0 && restore_hints > 0);
}
