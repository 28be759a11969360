use std::path::PathBuf;
use std::time::SystemTime;

use super::cli::{HistoryArgs, StateCommand, StateRmArgs};
use super::output::write_stdout;
use crate::error::{Error, Result};
use crate::model::Address;
use crate::render::{history_text, state_list_text, state_removed_text, state_show_text};
use crate::state::{HistoryEntry, Outcome, StateFile, read_history_file, read_previous_run};

/// `pingform state list` and `pingform state show ADDRESS` (read-only), `pingform state
/// rm ADDRESS... [DIR]`.
pub fn run(command: StateCommand) -> Result<u8> {
    match command {
        StateCommand::List(args) => {
            let previous = read_previous_run(&args.file.path())?;
            write_stdout(|out| state_list_text(&previous, out))?;
        }
        StateCommand::Show(args) => {
            let address: Address = args.address.parse()?;
            let path = args.file.path();
            let previous = read_previous_run(&path)?;
            let object = previous
                .objects
                .get(&address)
                .ok_or(Error::NotInState { address, path })?;
            write_stdout(|out| state_show_text(object, out))?;
        }
        StateCommand::Rm(args) => remove(args)?,
    }
    Ok(0)
}

/// `pingform state rm ADDRESS... [DIR]`: forgets the objects, each in its own
/// transaction, after checking that the state holds every one of them. PingFederate
/// is not contacted.
fn remove(args: StateRmArgs) -> Result<()> {
    let (addresses, dir) = addresses_and_folder(&args.items)?;
    let path = args.state.unwrap_or_else(|| dir.join("pingform.redb"));
    let missing = |address: &Address| Error::NotInState {
        address: address.clone(),
        path: path.clone(),
    };
    if !path.exists() {
        return Err(missing(&addresses[0]));
    }
    let mut state = StateFile::open_for_write(&path)?;
    if let Some(absent) = addresses
        .iter()
        .find(|address| !state.previous().objects.contains_key(address))
    {
        let error = missing(absent);
        state.abandon();
        return Err(error);
    }
    let mut forgotten = Vec::new();
    for address in &addresses {
        let Some(object) = state.previous().objects.get(address).cloned() else {
            continue;
        };
        state.record(address, None, None)?;
        forgotten.push(object);
    }
    state.append_history(&HistoryEntry {
        time: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        command: "state rm".into(),
        create: 0,
        update: 0,
        delete: 0,
        finished: forgotten.len(),
        outcome: Outcome::Succeeded,
        serial: state.previous().serial,
    })?;
    write_stdout(|out| state_removed_text(&forgotten, out))?;
    Ok(())
}

/// `ADDRESS... [DIR]`: every argument is an address, but the last may be the folder.
fn addresses_and_folder(items: &[String]) -> Result<(Vec<Address>, PathBuf)> {
    let mut addresses = Vec::new();
    let mut dir = PathBuf::from(".");
    for (index, item) in items.iter().enumerate() {
        match item.parse::<Address>() {
            Ok(address) => {
                if !addresses.contains(&address) {
                    addresses.push(address);
                }
            }
            Err(_) if index + 1 == items.len() && index > 0 => dir = PathBuf::from(item),
            Err(error) => return Err(error.into()),
        }
    }
    Ok((addresses, dir))
}

/// `pingform history`: one line per apply.
pub fn history(args: HistoryArgs) -> Result<u8> {
    let entries = read_history_file(&args.file.path())?;
    if args.json {
        write_stdout(|out| {
            serde_json::to_writer_pretty(&mut *out, &entries)?;
            writeln!(out)
        })?;
    } else {
        write_stdout(|out| history_text(&entries, out))?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(items: &[&str]) -> Result<(Vec<String>, String)> {
        let items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        addresses_and_folder(&items).map(|(addresses, dir)| {
            (
                addresses.iter().map(ToString::to_string).collect(),
                dir.display().to_string(),
            )
        })
    }

    #[test]
    fn the_last_argument_may_be_the_folder() {
        assert_eq!(
            split(&["datastore.jdbc.a", "outbound_provisioning", "prod"]).unwrap(),
            (
                vec![
                    "datastore.jdbc.a".to_string(),
                    "outbound_provisioning".to_string()
                ],
                "prod".to_string()
            )
        );
        assert_eq!(
            split(&["datastore.jdbc.a", "datastore.jdbc.a"]).unwrap(),
            (vec!["datastore.jdbc.a".to_string()], ".".to_string())
        );
        // Only the last, and only after an address.
        assert!(split(&["prod"]).is_err());
        assert!(split(&["prod", "datastore.jdbc.a"]).is_err());
    }
}
