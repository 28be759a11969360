use super::cli::{HistoryArgs, StateCommand};
use super::output::write_stdout;
use crate::error::{Error, Result};
use crate::model::Address;
use crate::render::{history_text, state_list_text, state_show_text};
use crate::state::{read_history_file, read_previous_run};

/// `pingform state list` and `pingform state show ADDRESS`: read-only.
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
    }
    Ok(0)
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
