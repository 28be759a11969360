use std::path::PathBuf;

use super::cli::{HistoryArgs, MigrateArgs, StateCommand, StateFileArgs, StateRmArgs};
use super::context::default_state;
use super::output::{note, print_state_warnings, write_stdout};
use super::whoami::{lock_holder, run_origin};
use crate::error::{Error, Result};
use crate::model::{Address, StateLocation};
use crate::render::{
    history_text, state_list_text, state_migrated, state_removed_text, state_show_text,
};
use crate::state::{self, Approval, HistoryEntry, StateError, StateStore};

/// `pingform state list`, `state show ADDRESS` (read-only), `state migrate` and `state
/// rm ADDRESS... [DIR]`.
pub async fn run(command: StateCommand) -> Result<u8> {
    match command {
        StateCommand::List(args) => {
            let snapshot = read(&args.file).await?;
            write_stdout(|out| state_list_text(&snapshot.previous, out))?;
        }
        StateCommand::Show(args) => {
            let address: Address = args.address.parse()?;
            let location = location(&args.file)?;
            let snapshot = read_at(&location).await?;
            let object = snapshot
                .previous
                .objects
                .get(&address)
                .ok_or(Error::NotInState { address, location })?;
            write_stdout(|out| state_show_text(object, out))?;
        }
        StateCommand::Migrate(args) => return migrate(args).await,
        StateCommand::Rm(args) => remove(args).await?,
    }
    Ok(0)
}

/// `pingform state rm ADDRESS... [DIR]`: forgets the objects, each in its own
/// transaction, after checking that the state holds every one of them. PingFederate
/// is not contacted.
async fn remove(args: StateRmArgs) -> Result<()> {
    let (addresses, dir) = addresses_and_folder(&args.items)?;
    let location = match &args.state {
        Some(path) => StateLocation::from_path(path).map_err(StateError::from)?,
        None => default_state(&dir)?,
    };
    print_state_warnings(&state::warnings(&location));
    let mut store = StateStore::open_existing(&location, &lock_holder("state rm")).await?;
    if let Some(absent) = addresses
        .iter()
        .find(|address| !store.previous().objects.contains_key(address))
    {
        return Err(Error::NotInState {
            address: absent.clone(),
            location,
        });
    }
    let mut forgotten = Vec::new();
    for address in &addresses {
        let Some(object) = store.previous().objects.get(address).cloned() else {
            continue;
        };
        store.record(address, None, None).await?;
        forgotten.push(object);
    }
    store
        .append_history(&HistoryEntry::state_only(
            "state rm",
            run_origin(Approval::Command),
            forgotten.len(),
            store.previous().serial,
        ))
        .await?;
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
pub async fn history(args: HistoryArgs) -> Result<u8> {
    let entries = read(&args.file).await?.history;
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

/// `pingform state migrate --state FROM --to TO`.
async fn migrate(args: MigrateArgs) -> Result<u8> {
    let from = location(&args.from)?;
    let to = StateLocation::from_path(&args.to).map_err(StateError::from)?;
    print_state_warnings(&state::warnings(&from));
    let migrated = state::migrate(&from, &to, &lock_holder("state migrate")).await?;
    note(&state_migrated(&from, &to, &migrated));
    Ok(0)
}

/// The state the arguments name: `--state`, else the folder's.
fn location(args: &StateFileArgs) -> Result<StateLocation> {
    match &args.state {
        Some(path) => Ok(StateLocation::from_path(path).map_err(StateError::from)?),
        None => default_state(&args.dir),
    }
}

async fn read(args: &StateFileArgs) -> Result<state::Snapshot> {
    read_at(&location(args)?).await
}

async fn read_at(location: &StateLocation) -> Result<state::Snapshot> {
    print_state_warnings(&state::warnings(location));
    Ok(state::read(location).await?)
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
