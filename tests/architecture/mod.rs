//! Architecture checks that read the source: `model`, `plan` and `render` do no I/O,
//! the files of `src/config/` import each other without cycles, and this suite stays
//! one binary in which every file is compiled.

mod config_cycles;
mod io_boundaries;
mod rust_source;
mod test_layout;
