//! Planning: what must change so that PingFederate matches the configuration.
//!
//! One diff engine for every kind, driven by the field tables in `model::schema`:
//! server-computed fields and defaults the configuration did not declare are
//! normalised away before comparing, so an apply followed by a plan is always empty.
//! Also owns the order changes run in (referents created before their referrers,
//! referrers re-pointed before their old referents are deleted). Pure: no HTTP, no
//! redb, no files, no terminal.

mod change;
mod diff;
mod drift;
mod error;
mod exclusions;
mod order;
mod pingone;
mod planner;
mod saved;

pub use change::{Action, Change, FieldChange, Plan, SecretChange, SecretStatus, Summary};
pub use drift::{Drift, DriftItem, DriftStatus, drift};
pub use error::PlanError;
pub use exclusions::{ChannelFilter, ExcludedAccount, ExclusionReview, annotate, review};
pub use pingone::resolve_populations;
pub use planner::plan;
pub use saved::{
    LiveRecord, Moved, Origin, SAVED_PLAN_FORMAT_VERSION, SavedConfiguration, SavedPlan, SavedState,
};
