//! Why a change is planned, as typed data: the renderers word each reason (text and
//! the JSON plan's stable `code`), saved plans keep them as they are.

use serde::{Deserialize, Serialize};

use crate::model::{Address, ChannelReference};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// A managed object is gone from PingFederate; it is created again.
    DeletedOutside,
    /// A renamed block that kept its id.
    RenamedFrom { from: Address, id: String },
    /// An existing singleton is managed from now on.
    AdoptedSettings,
    /// An existing object whose id the configuration names is managed from now on.
    Adopted,
    /// The live object lacks the part the kind manages (an SP connection without
    /// outbound provisioning): the update adds it and keeps the rest.
    PartAdded { part: String },
    /// Removed from the configuration; the live object carries more than the kind's
    /// part (SSO), so only the part goes.
    PartRemoved { part: String },
    /// The live object is of another kind of the same collection.
    TypeChanges { from: String, to: String },
    /// A field PingFederate cannot change in place differs.
    FieldForcesReplacement,
    /// Gone from PingFederate and from the configuration: only the state changes.
    Forgotten,
    /// Removed from the configuration; a singleton gets PingFederate's defaults back.
    RemovedDefaultsReturn {
        defaults: Vec<(String, serde_json::Value)>,
    },
    /// Removed from the configuration.
    Removed,
    /// `--replace`: replaced although nothing forces it.
    ReplaceRequested,
    /// An exclusion the live user filter of a channel does not enforce.
    ExclusionNotEnforced {
        exclusion: String,
        channel: ChannelReference,
    },
}

impl Reason {
    /// The stable code, as in the JSON plan.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::DeletedOutside => "deleted_outside",
            Reason::RenamedFrom { .. } => "renamed_from",
            Reason::AdoptedSettings => "adopted_settings",
            Reason::Adopted => "adopted",
            Reason::PartAdded { .. } => "part_added",
            Reason::PartRemoved { .. } => "part_removed",
            Reason::TypeChanges { .. } => "type_changes",
            Reason::FieldForcesReplacement => "field_forces_replacement",
            Reason::Forgotten => "forgotten",
            Reason::RemovedDefaultsReturn { .. } => "removed_defaults_return",
            Reason::Removed => "removed",
            Reason::ReplaceRequested => "replace_requested",
            Reason::ExclusionNotEnforced { .. } => "exclusion_not_enforced",
        }
    }
}
