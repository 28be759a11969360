//! The command line itself: `fmt`, `completions`, `man`, `--version`, `--chdir`,
//! `--no-color`, `validate` without inputs and `--json`, `sandbox --listen`, and a
//! snapshot of every message a new user meets first.

mod commands;
mod fmt;
mod messages;
