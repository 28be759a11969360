//! The integration tests, as one test binary (one link, one parallel run).
//!
//! | Module | What it checks |
//! |---|---|
//! | `cli` | the command line: `fmt`, completions, the man page, global flags, `validate` without inputs, and the first messages a user meets, snapshotted |
//! | `e2e` | the real binary against a `pingform sandbox` process, every scenario ending with a converge step |
//! | `config` | configuration loading: valid fixtures, every diagnostic, broken folders refused by the binary |
//! | `client` | pingform's HTTP clients: request bodies against the OpenAPI spec, the PingOne client |
//! | `sandbox` | the emulator over real HTTPS, and its responses against the OpenAPI spec |
//! | `examples` | the README's commands and the CI workflow example |
//! | `state` | interrupts, unknown outcomes, damaged and missing state files, modes and backups, the environment binding, PostgreSQL on a real server |
//! | `architecture` | module boundaries and import cycles in `src/`, and this suite's own layout |
//! | `benchmark` | the planning benchmark (ignored; run with `--ignored --release`) |
//! | `support` | the harness: sandbox process, configuration folder, scenario, redaction |

mod architecture;
mod benchmark;
mod cli;
mod client;
mod config;
mod e2e;
mod examples;
mod sandbox;
mod state;
mod support;
