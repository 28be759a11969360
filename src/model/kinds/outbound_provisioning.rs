//! `outbound_provisioning { }`: the singleton outbound provisioning settings
//! (`OutboundProvisionDatabase`, reference §5): the JDBC store PingFederate keeps
//! synchronization state in, and how often it polls the source.

use crate::model::Attributes;
use crate::model::ResourceKind;
use crate::model::field::{
    FieldDefault as D, FieldType as T, ReferenceTarget, Wire, field, required,
};
use crate::model::kind::{
    DeleteStrategy, Finding, FindingPath, Hooks, KindDescriptor, KindProblem, Lookup, Severity,
};

use super::{DATA_STORES, OUTBOUND_PROVISIONING};

/// The settings PingFederate falls back to when outbound provisioning is "removed".
pub const DEFAULT_PROVISIONING_DATASTORE_ID: &str = "ProvisionerDS";
pub const DEFAULT_SYNCHRONIZATION_FREQUENCY: i64 = 60;

/// The store must be relational (reference §5: "a JDBC data store").
static PROVISIONER_STORE: ReferenceTarget = ReferenceTarget {
    collection: Some(DATA_STORES),
    kinds: &[ResourceKind::DatastoreJdbc],
};

pub static DESCRIPTOR: KindDescriptor = KindDescriptor {
    kind: ResourceKind::OutboundProvisioning,
    block_type: "outbound_provisioning",
    label: None,
    describe: "outbound provisioning settings",
    collection: OUTBOUND_PROVISIONING,
    identity: &[],
    constants: &[],
    part: None,
    name_from_block: false,
    fields: &[
        required(
            "datastore",
            Wire::Key("dataStoreRef"),
            T::Reference(&PROVISIONER_STORE),
        ),
        field(
            "synchronization_frequency",
            Wire::Key("synchronizationFrequency"),
            T::Integer,
            D::Integer(DEFAULT_SYNCHRONIZATION_FREQUENCY),
        ),
    ],
    one_of: &[],
    send_defaults: false,
    delete: DeleteStrategy::Reset(&[
        ("datastore", D::Str(DEFAULT_PROVISIONING_DATASTORE_ID)),
        (
            "synchronization_frequency",
            D::Integer(DEFAULT_SYNCHRONIZATION_FREQUENCY),
        ),
    ]),
    hooks: Hooks {
        check: None,
        cross_check: Some(cross_check),
    },
};

/// PingFederate's built-in HSQLDB store is for trials only ("Configuring outbound
/// provisioning settings": "Use the built-in HSQLDB only for trial or training
/// environments ... for proper functioning in a clustered environment"): the built-in
/// store's id, or any store whose URL is `jdbc:hsqldb:`.
fn cross_check(attributes: &Attributes, lookup: &dyn Lookup, findings: &mut Vec<Finding>) {
    let Some(id) = attributes.get("datastore").and_then(|v| v.as_str()) else {
        return;
    };
    let url = lookup
        .get(DATA_STORES, id)
        .and_then(|(_, store)| store.get("connection_url")?.as_str().map(str::to_string));
    let hsqldb = match &url {
        Some(url) => url.starts_with("jdbc:hsqldb:"),
        None => id == DEFAULT_PROVISIONING_DATASTORE_ID,
    };
    if hsqldb {
        findings.push(Finding {
            severity: Severity::Warning,
            path: FindingPath {
                block: None,
                attribute: "datastore".into(),
                inside: Vec::new(),
                character: None,
            },
            problem: KindProblem::HsqldbProvisioner {
                store: id.to_string(),
            },
        });
    }
}
