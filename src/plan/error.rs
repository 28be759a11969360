use crate::model::suggest::did_you_mean;
use crate::model::suggest::with_article;
use crate::model::{Address, ReferenceTarget};

/// "did you mean `Employees`? the populations there are: ..." (`existing` quoted).
pub fn population_help(name: &str, existing: &[String]) -> String {
    let listing = format!("the populations there are: {}", existing.join(", "));
    match did_you_mean(name, existing.iter().map(|quoted| quoted.trim_matches('`'))) {
        Some(suggestion) => format!("{suggestion} {listing}"),
        None => listing,
    }
}

/// Problems only the live systems reveal: the configuration is valid, but it cannot be
/// applied to what is there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum PlanError {
    #[error("{address}: the id `{id}` is already used by {what} that pingform does not manage")]
    #[diagnostic(
        code(pingform::plan::id_taken),
        help("set a different `id` in the block, or delete the other object first")
    )]
    IdTaken {
        address: Address,
        id: String,
        what: String,
    },

    #[error(
        "{address}: `{field}` names {what} `{id}`, which does not exist in PingFederate and is not in the configuration"
    )]
    #[diagnostic(
        code(pingform::plan::unknown_referent),
        help("declare it in the configuration, or point `{field}` at an existing {what}")
    )]
    UnknownReferent {
        address: Address,
        field: &'static str,
        what: String,
        id: String,
    },

    #[error("{address}: `{field}` names `{id}`, which is {found}; it must be {}", with_article(&target.describe()))]
    #[diagnostic(code(pingform::plan::referent_kind))]
    ReferentWrongKind {
        address: Address,
        field: &'static str,
        id: String,
        found: String,
        target: &'static ReferenceTarget,
    },

    #[error("{address}: `{field}` names `{id}`, which this plan deletes ({referent})")]
    #[diagnostic(
        code(pingform::plan::referent_deleted),
        help("point `{field}` at another object in the same change, or keep {referent}")
    )]
    ReferentDeleted {
        address: Address,
        field: &'static str,
        id: String,
        referent: Address,
    },

    #[error("{referent} must be replaced, but {address} uses it")]
    #[diagnostic(
        code(pingform::plan::referent_replaced),
        help("point {address} at another object first, apply, then make this change")
    )]
    ReferentReplaced { address: Address, referent: Address },

    #[error("{channel}: PingOne has no population named `{name}` in environment {environment}")]
    #[diagnostic(
        code(pingform::plan::unknown_population),
        help("{}", population_help(name, existing))
    )]
    UnknownPopulation {
        channel: String,
        name: String,
        environment: String,
        /// The names PingOne has, quoted: "`Employees`".
        existing: Vec<String>,
    },

    #[error(
        "{channel}: `population = \"{name}\"` is looked up in PingOne, but the configuration has no `pingone` block"
    )]
    #[diagnostic(
        code(pingform::plan::population_needs_pingone),
        help(
            "add a `pingone {{ region, environment_id, client_id, client_secret }}` block, or set `population_id` instead"
        )
    )]
    PopulationNeedsPingOne { channel: String, name: String },

    #[error(
        "nothing was changed: with the remove action Delete, this apply would make PingFederate delete accounts it must now leave alone:\n{}",
        accounts.iter().map(|a| format!("  - {a}")).collect::<Vec<_>>().join("\n")
    )]
    #[diagnostic(
        code(pingform::apply::delete_of_excluded),
        help(
            "if deleting these PingOne accounts is intended, run again with --allow-delete-of-excluded; otherwise set remove_action = \"Disable\" or remove_users = false first"
        )
    )]
    DeleteOfExcluded { accounts: Vec<String> },

    #[error(
        "nothing was changed: this apply removes exclusions whose accounts exist in PingOne, so PingFederate would start updating them from the directory again:\n{}",
        accounts.iter().map(|a| format!("  - {a}")).collect::<Vec<_>>().join("\n")
    )]
    #[diagnostic(
        code(pingform::apply::exclusion_removal),
        help(
            "if these accounts are to be provisioned again, run again with --allow-exclusion-removal; otherwise keep the exclusion blocks"
        )
    )]
    ExclusionRemoval { accounts: Vec<String> },

    #[error(
        "nothing was changed: with the remove action Delete, PingFederate would delete from PingOne the users who leave the scope of these changes:\n{}",
        changes.iter().map(|c| format!("  - {c}")).collect::<Vec<_>>().join("\n")
    )]
    #[diagnostic(
        code(pingform::apply::remove_action_delete),
        help(
            "if deleting these PingOne users is intended, run again with --allow-remove-action-delete; otherwise set remove_action = \"Disable\" (or remove_users = false) and apply that first"
        )
    )]
    RemoveActionDelete { changes: Vec<String> },

    #[error("{address} must be created, and PingFederate needs `{field}` to create it")]
    #[diagnostic(
        code(pingform::plan::secret_needed),
        help(
            "declare `{field}`; once the object exists it may be left out, and PingFederate keeps the one it holds"
        )
    )]
    SecretNeeded {
        address: Address,
        field: &'static str,
    },

    #[error(
        "PingFederate {version} at {url} is not a version pingform supports ({oldest} through {newest})"
    )]
    #[diagnostic(
        code(pingform::plan::unsupported_version),
        help(
            "pingform knows the Admin API of PingFederate {oldest} through {newest} (README: Operating real servers); nothing was changed"
        )
    )]
    UnsupportedVersion {
        url: String,
        version: String,
        oldest: String,
        newest: String,
    },

    #[error("`replicate = true`, but PingFederate at {url} is not deployed in clustered mode")]
    #[diagnostic(
        code(pingform::plan::not_clustered),
        help(
            "GET /cluster/status answered 403: a standalone server has no engine nodes to replicate to; remove `replicate` from the pingfederate block"
        )
    )]
    NotClustered { url: String },

    #[error(
        "PingFederate {version} does not have what the configuration declares:\n{}",
        fields.iter().map(|f| format!("  - {f}")).collect::<Vec<_>>().join("\n")
    )]
    #[diagnostic(
        code(pingform::plan::newer_than_server),
        help("remove these from the configuration, or upgrade PingFederate to the release named")
    )]
    NewerThanServer {
        version: String,
        fields: Vec<String>,
    },

    #[error("--replace {address}: it cannot be replaced: {why}")]
    #[diagnostic(code(pingform::plan::cannot_replace))]
    CannotReplace { address: Address, why: String },

    #[error("the changes depend on each other in a cycle: {}", addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(" -> "))]
    #[diagnostic(code(pingform::plan::cycle))]
    Cycle { addresses: Vec<Address> },
}
