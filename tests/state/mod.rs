//! The state under stress: interrupted applies (Ctrl-C at the prompt, SIGINT, SIGTERM,
//! a second signal, kill -9), writes whose outcome is unknown, damaged and missing
//! state files, file modes and backups, the binding to one environment, and the
//! PostgreSQL backend on a real server.

mod binding;
mod damage;
mod files;
mod interrupts;
mod postgres;
mod unknown_outcome;
