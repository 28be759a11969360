//! The examples the README points at: its commands run as written, and the CI
//! workflow only uses subcommands and flags that exist.

mod ci_workflow;
mod readme_attributes;
mod readme_commands;
