use crate::model::Address;

/// Problems only the live systems reveal: the configuration is valid, but it cannot be
/// applied to what is there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum PlanError {
    #[error(
        "{address}: the id `{id}` is already used by a {wire_type} data store that pingform does not manage"
    )]
    #[diagnostic(
        code(pingform::plan::id_taken),
        help("set a different `id` in the block, or delete the other data store first")
    )]
    IdTaken {
        address: Address,
        id: String,
        wire_type: String,
    },

    #[error(
        "outbound_provisioning: data store `{id}` does not exist in PingFederate and is not in the configuration"
    )]
    #[diagnostic(
        code(pingform::plan::unknown_datastore),
        help(
            "declare it with `datastore \"jdbc\" ...`, or point `datastore` at an existing JDBC data store"
        )
    )]
    UnknownDatastore { id: String },

    #[error(
        "outbound_provisioning: data store `{id}` is a {wire_type} data store; outbound provisioning needs a JDBC data store"
    )]
    #[diagnostic(code(pingform::plan::not_jdbc))]
    NotJdbc { id: String, wire_type: String },

    #[error(
        "outbound_provisioning: data store `{id}` would be deleted by this plan while outbound provisioning still uses it"
    )]
    #[diagnostic(
        code(pingform::plan::datastore_in_use),
        help("point outbound_provisioning at another JDBC data store in the same change")
    )]
    DatastoreInUse { id: String },

    #[error("{address} must be replaced, but outbound provisioning uses it")]
    #[diagnostic(
        code(pingform::plan::replace_in_use),
        help(
            "point outbound_provisioning at another JDBC data store first, apply, then make this change"
        )
    )]
    ReplaceInUse { address: Address },

    #[error("{channel}: PingOne has no population named `{name}` in environment {environment}")]
    #[diagnostic(
        code(pingform::plan::unknown_population),
        help("the populations there are: {}", existing.join(", "))
    )]
    UnknownPopulation {
        channel: String,
        name: String,
        environment: String,
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

    #[error("the changes depend on each other in a cycle: {}", addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(" -> "))]
    #[diagnostic(code(pingform::plan::cycle))]
    Cycle { addresses: Vec<Address> },
}
