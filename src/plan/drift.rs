//! Drift: what changed on the live systems since the last apply, comparing the live
//! objects with what the state recorded right after it, not with the configuration.

use serde::Serialize;

use super::FieldChange;
use super::context::default_context;
use super::diff::observed_changes;
use crate::model::ldap_filter::enforces_clause;
use crate::model::{
    Address, Attributes, ChannelReference, ManagedObject, Observed, ObservedObject, PreviousRun,
    encrypted_digest,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftStatus {
    /// The object is there, with other values than pingform left.
    Changed,
    /// The object is gone.
    Deleted,
}

/// One managed object that moved behind pingform's back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftItem {
    pub address: Address,
    pub id: String,
    pub status: DriftStatus,
    /// Field by field: `before` as pingform left it, `after` as it is now.
    pub fields: Vec<FieldChange>,
    /// Secrets whose encrypted value PingFederate now holds differs from the one it
    /// returned after the last apply: changed (or cleared) outside pingform.
    pub secrets_changed: Vec<String>,
    /// Exclusions the last apply compiled into a channel's user filter that the live
    /// filter no longer enforces (a provisioning connection edited outside pingform).
    pub exclusions_not_enforced: Vec<ExclusionNotEnforced>,
}

/// One exclusion a live channel filter lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExclusionNotEnforced {
    pub exclusion: String,
    pub channel: ChannelReference,
    pub pingone_username: String,
}

/// Every drifted object, in address order. Empty when nothing moved.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Drift {
    pub items: Vec<DriftItem>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Compares each managed object with what the last apply recorded.
pub fn drift(previous: &PreviousRun, observed: &Observed) -> Drift {
    let context = default_context(None, observed);
    let mut items = Vec::new();
    for (address, managed) in &previous.objects {
        let Some(live) = observed.get(address.kind().collection(), &managed.id) else {
            items.push(DriftItem {
                address: address.clone(),
                id: managed.id.clone(),
                status: DriftStatus::Deleted,
                fields: Vec::new(),
                secrets_changed: Vec::new(),
                exclusions_not_enforced: Vec::new(),
            });
            continue;
        };
        // Parsed one object at a time: the recorded objects stay text otherwise.
        let recorded: Option<Attributes> =
            managed.observed.as_ref().and_then(|raw| raw.parse().ok());
        let fields = match &recorded {
            Some(recorded) => observed_changes(
                address.kind(),
                recorded,
                &live.attributes,
                &managed.attributes,
                &context,
            ),
            None => Vec::new(),
        };
        let secrets_changed: Vec<String> = managed
            .secrets
            .iter()
            .filter_map(|(field, record)| {
                let recorded = record.encrypted_digest.as_ref()?;
                match live.encrypted.get(field) {
                    Some(now) if encrypted_digest(now) == *recorded => None,
                    _ => Some(field.clone()),
                }
            })
            .collect();
        let exclusions_not_enforced = lost_exclusions(managed, live);
        if !fields.is_empty() || !secrets_changed.is_empty() || !exclusions_not_enforced.is_empty()
        {
            items.push(DriftItem {
                address: address.clone(),
                id: managed.id.clone(),
                status: DriftStatus::Changed,
                fields,
                secrets_changed,
                exclusions_not_enforced,
            });
        }
    }
    Drift { items }
}

/// The recorded exclusions whose clause the live channel's user filter lacks (a
/// channel that is gone altogether shows in the field changes instead).
fn lost_exclusions(managed: &ManagedObject, live: &ObservedObject) -> Vec<ExclusionNotEnforced> {
    let live_channels = live
        .attributes
        .get("channels")
        .and_then(serde_json::Value::as_array);
    managed
        .exclusions
        .iter()
        .filter_map(|record| {
            let channel = live_channels?.iter().find(|c| {
                c.get("name").and_then(serde_json::Value::as_str) == Some(record.channel.as_str())
            })?;
            let filter = channel
                .get("user_filter")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("");
            if enforces_clause(filter, &record.clause) {
                return None;
            }
            Some(ExclusionNotEnforced {
                exclusion: record.name.clone(),
                channel: ChannelReference {
                    connection: managed.address.clone(),
                    channel: record.channel.clone(),
                },
                pingone_username: record.pingone_username.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ManagedObject, ObservedObject, RawJson, ResourceKind, SecretRecord};
    use serde_json::json;

    fn managed(pool: i64, encrypted: &str) -> ManagedObject {
        ManagedObject {
            address: "datastore.jdbc.prov".parse().unwrap(),
            id: "prov".into(),
            // What the last apply declared: pingform owns these fields.
            attributes: json!({"driver_class": "d", "max_pool_size": pool, "min_pool_size": 10})
                .as_object()
                .unwrap()
                .clone(),
            secrets: [(
                "password".to_string(),
                SecretRecord {
                    fingerprint: "hmac-sha256:00".into(),
                    encrypted_digest: Some(encrypted_digest(encrypted)),
                },
            )]
            .into_iter()
            .collect(),
            observed: RawJson::new(&json!({"driver_class": "d", "max_pool_size": pool})).ok(),
            exclusions: Vec::new(),
        }
    }

    fn live(pool: i64, encrypted: &str) -> ObservedObject {
        ObservedObject {
            kind: ResourceKind::DatastoreJdbc,
            id: "prov".into(),
            attributes: json!({"driver_class": "d", "max_pool_size": pool})
                .as_object()
                .unwrap()
                .clone(),
            encrypted: [("password".to_string(), encrypted.to_string())]
                .into_iter()
                .collect(),
            raw: None,
            part_missing: false,
        }
    }

    fn previous(object: ManagedObject) -> PreviousRun {
        PreviousRun {
            objects: [(object.address.clone(), object)].into(),
            ..Default::default()
        }
    }

    #[test]
    fn nothing_moved_is_no_drift() {
        let mut observed = Observed::default();
        observed.insert(live(20, "enc"));
        assert!(drift(&previous(managed(20, "enc")), &observed).is_empty());
    }

    #[test]
    fn edits_rotations_and_deletions_are_reported() {
        let mut observed = Observed::default();
        observed.insert(live(7, "enc-rotated"));
        let report = drift(&previous(managed(20, "enc")), &observed);
        let item = &report.items[0];
        assert_eq!(item.status, DriftStatus::Changed);
        assert_eq!(item.fields[0].field, "max_pool_size");
        assert_eq!(item.fields[0].before, Some(json!(20)));
        assert_eq!(item.fields[0].after, Some(json!(7)));
        assert_eq!(item.secrets_changed, ["password"]);

        let gone = drift(&previous(managed(20, "enc")), &Observed::default());
        assert_eq!(gone.items[0].status, DriftStatus::Deleted);
    }

    #[test]
    fn a_default_reset_in_the_console_is_drift() {
        // Recorded without the default (left out when equal), live with another value.
        let mut observed = Observed::default();
        let mut object = live(20, "enc");
        object.attributes.insert("min_pool_size".into(), json!(3));
        observed.insert(object);
        let report = drift(&previous(managed(20, "enc")), &observed);
        assert_eq!(report.items[0].fields[0].field, "min_pool_size");
        assert_eq!(report.items[0].fields[0].before, Some(json!(10)));
    }

    #[test]
    fn a_field_pingform_does_not_own_may_change_freely() {
        let mut observed = Observed::default();
        let mut object = live(20, "enc");
        object.attributes.insert("idle_timeout".into(), json!(30));
        observed.insert(object);
        assert!(drift(&previous(managed(20, "enc")), &observed).is_empty());
    }
}
