//! Every text pingform shows: the plan as a diff, the JSON plan, apply progress and
//! summaries, and the configuration `pingform import` writes. Writes to a `Write` it is given and decides nothing: no HTTP, no redb.
//! Colour is an explicit choice of the caller (on only for a terminal without
//! `NO_COLOR`), so snapshots are plain text.

mod apply_progress;
mod drift_json;
mod drift_text;
mod fmt_text;
mod hcl_text;
mod import_text;
mod notices;
mod plan_json;
mod plan_markdown;
mod plan_text;
mod reason;
mod review_text;
mod sandbox_banner;
mod scope_text;
mod server;
mod state_text;
mod style;
mod validate_json;
mod value;

pub use apply_progress::{apply_event_line, apply_summary};
pub use drift_json::{DRIFT_FORMAT_VERSION, drift_json};
pub use drift_text::{drift_summary_line, drift_text};
pub use fmt_text::{fmt_diff, fmt_summary};
pub use hcl_text::{HclText, hcl_text};
pub use import_text::{import_summary, nothing_to_import};
pub use notices::{
    apply_cancelled, configuration_valid, confirmation_prompt, convergence, no_drift, plan_saved,
    refresh_only_accepted, refresh_only_cancelled, refresh_only_intent, refresh_only_nothing,
    refresh_only_question, replicated, replicating, replication_pending, sandbox_in_use,
    saved_plan_header, targeting_in_effect, unknown_inputs,
};
pub use notices::{no_state_yet, rebound, state_backed_up, state_migrated, state_warning};
pub use plan_json::{PLAN_FORMAT_VERSION, plan_json};
pub use plan_markdown::plan_markdown;
pub use plan_text::{plan_summary_line, plan_text};
pub use reason::reason_text;
pub use review_text::review_text;
pub use sandbox_banner::{SandboxBanner, sandbox_banner};
pub use scope_text::{consent_flag, scope_change_lines, scope_text};
pub use server::{apply_question, server_json, server_lines, server_text, target_line};
pub use state_text::{history_text, state_list_text, state_removed_text, state_show_text};
pub use style::Styles;
pub use validate_json::{VALIDATE_FORMAT_VERSION, diagnostic_json, validate_json};
