//! The configuration's directives about state rather than about PingFederate: `import`
//! (take over an existing object), `removed` (forget one without deleting it), `moved`
//! (a new address for a managed object, which keeps its id) and a resource's
//! `lifecycle { prevent_destroy }`. Each keeps where it was declared, for the errors
//! the plan finds later.
//!
//! Plain data, built by `config` and read by `plan`.

use super::{Address, Place};

/// `import { to = ADDRESS  id = "ID" }`: the object `id` is taken over as `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportTarget {
    pub to: Address,
    /// The PingFederate id (the singleton's fixed id for `outbound_provisioning`).
    pub id: String,
    pub declared_at: Place,
}

/// `removed { from = ADDRESS }`: the state forgets the object; PingFederate keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub from: Address,
    pub declared_at: Place,
}

/// `moved { from = OLD  to = NEW }`: the object managed as `from` is managed as `to`,
/// with its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    pub from: Address,
    pub to: Address,
    pub declared_at: Place,
}

/// `lifecycle { prevent_destroy = BOOL }` in a resource block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle {
    pub prevent_destroy: bool,
    /// The `prevent_destroy` attribute.
    pub declared_at: Place,
}
