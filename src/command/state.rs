use super::cli::{HistoryArgs, MigrateArgs, StateCommand, StateFileArgs};
use super::context::default_state;
use super::output::{note, print_state_warnings, write_stdout};
use super::whoami::lock_holder;
use crate::error::{Error, Result};
use crate::model::{Address, StateLocation};
use crate::render::{history_text, state_list_text, state_migrated, state_show_text};
use crate::state::{self, StateError};

/// `pingform state list`, `state show ADDRESS` (read-only) and `state migrate`.
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
    }
    Ok(0)
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
