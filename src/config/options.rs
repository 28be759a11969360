//! What to load, and the inputs that are not in the files.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::model::{PingFederateSettings, PingOneSettings};

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The configuration folder; diagnostics name files relative to it as given.
    pub dir: PathBuf,
    /// `--var NAME=VALUE`, in command-line order (later wins).
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE`, in command-line order (later wins).
    pub var_files: Vec<PathBuf>,
    /// The process environment, for `env()` and `PINGFORM_VAR_NAME`.
    pub environment: BTreeMap<String, String>,
    /// Point the configuration at other servers than its own blocks name (the
    /// built-in sandbox).
    pub retarget: Option<Retarget>,
    /// `validate` without `--check-values`: an unset environment variable, a variable
    /// without a value and a missing `file()` or CA file are unknown instead of
    /// errors, and whatever depends on them is not checked. Everything else is.
    pub unknown_inputs: bool,
}

/// Servers that replace the configuration's own: the `pingfederate` and `pingone`
/// blocks, and the PingOne environment of every object that names one.
#[derive(Debug, Clone)]
pub struct Retarget {
    pub pingfederate: PingFederateSettings,
    pub pingone: PingOneSettings,
}
