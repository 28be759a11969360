use std::path::PathBuf;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum StateError {
    #[error("the state file {path} is in use by another pingform process")]
    #[diagnostic(
        code(pingform::state::locked),
        help("wait for the other `pingform apply` to finish, then run this again")
    )]
    Locked { path: PathBuf },

    #[error(
        "the state file {path} was written by a newer pingform (state schema {found}, this pingform reads up to {supported})"
    )]
    #[diagnostic(code(pingform::state::too_new), help("upgrade pingform"))]
    TooNew {
        path: PathBuf,
        found: u64,
        supported: u64,
    },

    #[error("the state file {path} is damaged: {detail}")]
    #[diagnostic(code(pingform::state::corrupt))]
    Corrupt { path: PathBuf, detail: String },

    #[error("cannot use the state file {path}: {source}")]
    #[diagnostic(code(pingform::state::io))]
    Database {
        path: PathBuf,
        #[source]
        source: redb::Error,
    },
}
