use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Reason;
use crate::model::{Address, Attributes, ResourceKind};

/// What happens to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Create,
    Update,
    /// Delete, then create with the same id (a change PingFederate cannot make in place).
    Replace,
    Delete,
    NoOp,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
            Action::NoOp => "no-op",
        }
    }
}

/// One changed non-secret field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    /// The live value; `None` when absent.
    pub before: Option<Value>,
    /// The value the apply asks for; `None` when the field is left out of the request.
    pub after: Option<Value>,
    /// Left out so that PingFederate computes it again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub after_computed: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forces_replacement: bool,
    /// pingform declared the field at the last apply and no longer does: it goes back
    /// to PingFederate's default.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub released: bool,
}

/// What happens to one secret. Never holds the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretStatus {
    /// The object is new, or the secret was never applied by pingform.
    Set,
    /// The configured value differs from the one last applied.
    Changed,
    /// PingFederate holds a different value than pingform last applied.
    ChangedOutside,
    /// The configuration no longer declares it; it will be cleared.
    Removed,
    /// Same as last applied; the encrypted form is sent back.
    Unchanged,
    /// Not declared and never managed: whatever PingFederate holds is kept.
    Kept,
}

impl SecretStatus {
    /// Whether the apply sends the configured plain value.
    pub fn sends_value(self) -> bool {
        matches!(
            self,
            SecretStatus::Set | SecretStatus::Changed | SecretStatus::ChangedOutside
        )
    }

    /// Whether this is a change a person should see.
    pub fn is_change(self) -> bool {
        !matches!(self, SecretStatus::Unchanged | SecretStatus::Kept)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretChange {
    pub field: String,
    pub status: SecretStatus,
}

/// One planned change. Plan and apply share it: what was shown is what runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub address: Address,
    /// The PingFederate id.
    pub id: String,
    pub action: Action,
    /// The live object (non-secret attributes), absent for a create and for a change
    /// with no effect.
    pub before: Option<Attributes>,
    /// What the object will hold (declared attributes plus fixed defaults), absent for a
    /// delete and for a change with no effect.
    pub after: Option<Attributes>,
    /// The fields that differ, for updates and replacements.
    pub fields: Vec<FieldChange>,
    pub secrets: Vec<SecretChange>,
    /// Why: deleted outside pingform, renamed, taken over, ...
    pub reasons: Vec<Reason>,
    /// A renamed block that kept its id: state moves from this address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<Address>,
    /// No API call, only a state update (a rename, taking over an existing object,
    /// forgetting an object that is gone).
    pub state_only: bool,
    /// For an update: the parts of the live object pingform does not own, which the
    /// write sends back as they are (`spBrowserSso`, `outboundProvision.channels[x].timeout`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<String>,
    /// The changes that must finish before this one starts (what it refers to is
    /// created first, what it stops using is deleted after it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waits_for: Vec<Address>,
    /// For an update: how many fields pingform owns and leaves as they are.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unchanged: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

impl Change {
    pub fn kind(&self) -> ResourceKind {
        self.address.kind()
    }

    /// Whether this change touches PingFederate or state at all.
    pub fn has_effect(&self) -> bool {
        self.action != Action::NoOp || self.state_only
    }
}

/// Counts for the summary line, in the API sense: state-only changes are not counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub delete: usize,
}

impl Summary {
    pub fn total(&self) -> usize {
        self.create + self.update + self.replace + self.delete
    }
}

/// Every change, in the order the apply runs them. No-ops are kept (the JSON plan
/// lists them); renderers skip them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub changes: Vec<Change>,
}

impl Plan {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for change in &self.changes {
            match change.action {
                Action::Create => summary.create += 1,
                Action::Update => summary.update += 1,
                Action::Replace => summary.replace += 1,
                Action::Delete => summary.delete += 1,
                Action::NoOp => {}
            }
        }
        summary
    }

    /// True when applying would do nothing at all, not even update state.
    pub fn is_empty(&self) -> bool {
        !self.changes.iter().any(Change::has_effect)
    }

    pub fn effective(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.has_effect())
    }

    /// How many changes write to PingFederate (state-only changes do not).
    pub fn server_writes(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.action != Action::NoOp)
            .count()
    }
}
