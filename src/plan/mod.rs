//! Planning: what must change so that PingFederate matches the configuration.
//!
//! [`plan`] is the one entry point: it takes the configuration, the previous run, the
//! live objects and the PingOne view, and returns everything a command shows (the
//! changes, drift, the exclusion review) and what apply needs besides the
//! configuration (population ids learned from PingOne). One diff engine for every
//! kind, driven by the kind descriptors: server-computed fields and defaults the
//! configuration did not declare are normalised away before comparing, so an apply
//! followed by a plan is always empty. Also owns the order changes run in, the checks
//! that need the live systems (references, guards) and saved plans. Pure: no HTTP, no
//! redb, no files, no terminal.

mod change;
mod checks;
mod context;
mod diff;
mod drift;
mod error;
mod exclusions;
mod guard;
mod order;
mod ownership;
mod pingone;
mod planner;
mod reason;
mod referents;
mod saved;
mod scope;
mod select;
mod server;

pub use change::{Action, Change, FieldChange, Plan, SecretChange, SecretStatus, Summary};
pub use drift::{Drift, DriftItem, DriftStatus, ExclusionNotEnforced, drift};
pub use error::{PlanError, population_help};
pub use exclusions::{ChannelFilter, ExcludedAccount, ExclusionReview, exclusion_records};
pub use guard::{Consent, check as check_consent};
pub use pingone::Resolved;
pub use reason::Reason;
pub use saved::{
    LiveRecord, Moved, Origin, PlanFileProblem, SAVED_PLAN_FORMAT_VERSION, SavedConfiguration,
    SavedPlan, SavedState, Stale,
};
pub use scope::{PopulationUsers, RemoveOutcome, ScopeChange, ScopeChangeKind, ScopeConsent};
pub use select::{Selection, SelectionProblem};
pub use server::check as check_server;

use crate::model::{Address, Desired, Observed, PingOneView, PreviousRun, ServerInfo};

/// What a plan is made from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub desired: &'a Desired,
    pub previous: &'a PreviousRun,
    pub observed: &'a Observed,
    /// What PingOne holds, when the configuration reads PingOne.
    pub pingone: Option<&'a PingOneView>,
    /// The PingFederate read (version, cluster); `None` in tests that plan without one.
    pub server: Option<&'a ServerInfo>,
    /// Objects to replace although nothing forces it (`--replace`).
    pub replace: &'a [Address],
}

/// A plan with everything a person needs to review it.
#[derive(Debug, Clone)]
pub struct Planned {
    pub plan: Plan,
    /// Managed objects changed outside pingform since the last apply.
    pub drift: Drift,
    pub review: ExclusionReview,
    /// What the plan learned from PingOne, which apply writes.
    pub resolved: Resolved,
    /// The PingFederate the plan was made against.
    pub server: Option<ServerInfo>,
}

impl Planned {
    /// Whether apply replicates to the cluster once every change succeeded.
    pub fn replicates(&self) -> bool {
        self.server
            .as_ref()
            .is_some_and(|server| server.replicates_after(self.plan.server_writes()))
    }
}

/// Plans: resolves what the configuration names in PingOne, computes the changes,
/// reviews the exclusions (and notes on each change what the review found), and
/// compares the previous run with the live objects (drift).
pub fn plan(inputs: Inputs<'_>) -> Result<Planned, PlanError> {
    if let Some(server) = inputs.server {
        server::check(server, inputs.desired)?;
    }
    let context = context::default_context(Some(inputs.desired), inputs.observed);
    let resolved = pingone::resolve(inputs.desired, inputs.pingone, context)?;
    let mut plan = planner::changes(
        inputs.desired,
        &resolved,
        inputs.previous,
        inputs.observed,
        inputs.replace,
    )?;
    let mut review = exclusions::review(
        inputs.desired,
        &resolved,
        inputs.previous,
        inputs.observed,
        inputs.pingone,
    );
    review.scope = scope::review(
        inputs.desired,
        &resolved,
        inputs.previous,
        inputs.observed,
        inputs.pingone,
        &plan,
    );
    review
        .warnings
        .extend(checks::live_findings(inputs.desired, inputs.observed));
    exclusions::annotate(&mut plan, &review);
    let drift = drift(inputs.previous, inputs.observed);
    Ok(Planned {
        plan,
        drift,
        review,
        resolved,
        server: inputs.server.cloned(),
    })
}
