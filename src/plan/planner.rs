use std::collections::{BTreeMap, BTreeSet};

use super::diff::{effective_after, effective_before, field_changes};
use super::order::order_changes;
use super::{Action, Change, Plan, PlanError, SecretChange, SecretStatus};
use crate::model::{
    Address, Collection, Desired, DesiredResource, Fingerprinter, ManagedObject, Observed,
    ObservedObject, PreviousRun, ResourceKind, encrypted_digest, schema,
};

/// Computes the plan that makes the live objects match the configuration.
///
/// `desired` is the configuration, `previous` what the state remembers, `observed`
/// what a refresh just read. Objects pingform never managed are left alone unless the
/// configuration names their id.
pub fn plan(
    desired: &Desired,
    previous: &PreviousRun,
    observed: &Observed,
) -> Result<Plan, PlanError> {
    let fingerprinter = previous.fingerprint_key.as_deref().map(Fingerprinter::new);
    let desired_addresses: BTreeSet<&Address> =
        desired.resources.iter().map(|r| &r.address).collect();
    let mut changes = Vec::new();
    let mut moved_away: BTreeSet<Address> = BTreeSet::new();

    for resource in &desired.resources {
        let (managed, moved_from) = match previous.objects.get(&resource.address) {
            Some(managed) => (Some(managed), None),
            None => match previous.find_by_id(&resource.address, &resource.id) {
                Some(old) if !desired_addresses.contains(&old.address) => {
                    moved_away.insert(old.address.clone());
                    (Some(old), Some(old.address.clone()))
                }
                _ => (None, None),
            },
        };
        let collection = resource.kind().collection();
        if let Some(wire_type) = observed.foreign_type(collection, &resource.id) {
            if managed.is_none() {
                return Err(PlanError::IdTaken {
                    address: resource.address.clone(),
                    id: resource.id.clone(),
                    wire_type: wire_type.to_string(),
                });
            }
            // Ours, but PingFederate now holds it as another kind of object (an SP
            // connection whose outbound provisioning was removed in the console):
            // PingFederate cannot change that in place.
            changes.push(replace_foreign(resource, wire_type, moved_from));
            continue;
        }
        let live = observed.get(collection, &resource.id);
        let mut change = plan_desired(resource, managed, live, fingerprinter.as_ref())?;
        if let Some(old) = moved_from {
            change.reasons.insert(
                0,
                format!("renamed from {old}; the id stays `{}`", resource.id),
            );
            change.state_only = change.action == Action::NoOp;
            change.moved_from = Some(old);
        }
        changes.push(change);
    }

    for (address, managed) in &previous.objects {
        if desired_addresses.contains(address) || moved_away.contains(address) {
            continue;
        }
        let live = observed.get(address.kind().collection(), &managed.id);
        changes.push(plan_removal(address, managed, live));
    }

    check_outbound_provisioning(desired, observed, &changes)?;
    Ok(Plan {
        changes: order_changes(changes, observed)?,
    })
}

fn replace_foreign(
    resource: &DesiredResource,
    wire_type: &str,
    moved_from: Option<Address>,
) -> Change {
    Change {
        address: resource.address.clone(),
        id: resource.id.clone(),
        action: Action::Replace,
        before: None,
        after: Some(effective_after(resource.kind(), &resource.attributes)),
        fields: Vec::new(),
        secrets: resource
            .secrets
            .keys()
            .map(|field| SecretChange {
                field: field.clone(),
                status: SecretStatus::Set,
            })
            .collect(),
        reasons: vec![format!(
            "PingFederate holds `{}` as an {wire_type}; PingFederate cannot add or remove outbound provisioning on an existing connection, so it is deleted and created again",
            resource.id
        )],
        moved_from,
        state_only: false,
    }
}

fn plan_desired(
    resource: &DesiredResource,
    managed: Option<&ManagedObject>,
    live: Option<&ObservedObject>,
    fingerprinter: Option<&Fingerprinter>,
) -> Result<Change, PlanError> {
    let kind = resource.kind();
    let after = effective_after(kind, &resource.attributes);
    let mut change = Change {
        address: resource.address.clone(),
        id: resource.id.clone(),
        action: Action::NoOp,
        before: None,
        after: Some(after),
        fields: Vec::new(),
        secrets: Vec::new(),
        reasons: Vec::new(),
        moved_from: None,
        state_only: false,
    };

    let Some(live) = live else {
        change.action = Action::Create;
        change.secrets = resource
            .secrets
            .keys()
            .map(|field| SecretChange {
                field: field.clone(),
                status: SecretStatus::Set,
            })
            .collect();
        if managed.is_some() {
            change
                .reasons
                .push("it was deleted outside pingform".to_string());
        }
        return Ok(change);
    };

    change.before = Some(effective_before(live.kind, &live.attributes));
    if live.kind != kind {
        if managed.is_none() {
            return Err(PlanError::IdTaken {
                address: resource.address.clone(),
                id: resource.id.clone(),
                wire_type: live.kind.wire_type().unwrap_or("other").to_string(),
            });
        }
        change.action = Action::Replace;
        change.reasons.push(format!(
            "the type changes from {} to {}, which PingFederate cannot do in place",
            live.kind.wire_type().unwrap_or("?"),
            kind.wire_type().unwrap_or("?")
        ));
        change.secrets = resource
            .secrets
            .keys()
            .map(|field| SecretChange {
                field: field.clone(),
                status: SecretStatus::Set,
            })
            .collect();
        return Ok(change);
    }

    change.fields = field_changes(
        kind,
        &resource.attributes,
        &live.attributes,
        managed.map(|m| &m.attributes),
    );
    change.secrets = secret_changes(resource, managed, live, fingerprinter);
    let replace = change.fields.iter().any(|f| f.forces_replacement);
    let secret_changed = change.secrets.iter().any(|s| s.status.is_change());
    change.action = if replace {
        Action::Replace
    } else if !change.fields.is_empty() || secret_changed {
        Action::Update
    } else {
        Action::NoOp
    };
    if replace {
        change.secrets.iter_mut().for_each(|s| {
            if s.status.sends_value() || s.status == SecretStatus::Unchanged {
                s.status = SecretStatus::Set;
            }
        });
        change
            .reasons
            .push("a field that PingFederate cannot change in place differs".to_string());
    }
    if managed.is_none() {
        let what = if kind.is_singleton() {
            "pingform will manage these settings from now on"
        } else {
            "it exists in PingFederate already; pingform will manage it from now on"
        };
        change.reasons.push(what.to_string());
        change.state_only = change.action == Action::NoOp;
    } else if change.action == Action::NoOp {
        // An object that needs nothing keeps only its address and id: with thousands
        // of up-to-date objects, two copies of each would be most of the plan's memory.
        change.before = None;
        change.after = None;
    }
    Ok(change)
}

fn secret_changes(
    resource: &DesiredResource,
    managed: Option<&ManagedObject>,
    live: &ObservedObject,
    fingerprinter: Option<&Fingerprinter>,
) -> Vec<SecretChange> {
    let mut changes = BTreeMap::new();
    for (field, secret) in &resource.secrets {
        let record = managed.and_then(|m| m.secrets.get(field));
        let live_encrypted = live.encrypted.get(field);
        let status = match (record, fingerprinter) {
            (Some(record), Some(fingerprinter)) => {
                if fingerprinter.fingerprint(field, secret) != record.fingerprint {
                    SecretStatus::Changed
                } else {
                    match (live_encrypted, &record.encrypted_digest) {
                        (None, _) => SecretStatus::ChangedOutside,
                        (Some(encrypted), Some(digest))
                            if encrypted_digest(encrypted) != *digest =>
                        {
                            SecretStatus::ChangedOutside
                        }
                        _ => SecretStatus::Unchanged,
                    }
                }
            }
            _ => SecretStatus::Set,
        };
        changes.insert(field.clone(), status);
    }
    if let Some(managed) = managed {
        for field in managed.secrets.keys() {
            if !resource.secrets.contains_key(field) && live.encrypted.contains_key(field) {
                changes.insert(field.clone(), SecretStatus::Removed);
            }
        }
    }
    for field in live.encrypted.keys() {
        changes.entry(field.clone()).or_insert(SecretStatus::Kept);
    }
    changes
        .into_iter()
        .map(|(field, status)| SecretChange { field, status })
        .collect()
}

fn plan_removal(
    address: &Address,
    managed: &ManagedObject,
    live: Option<&ObservedObject>,
) -> Change {
    let mut change = Change {
        address: address.clone(),
        id: managed.id.clone(),
        action: Action::Delete,
        before: live.map(|l| effective_before(l.kind, &l.attributes)),
        after: None,
        fields: Vec::new(),
        secrets: Vec::new(),
        reasons: Vec::new(),
        moved_from: None,
        state_only: false,
    };
    match live {
        None => {
            change.action = Action::NoOp;
            change.state_only = true;
            change
                .reasons
                .push("it is gone from PingFederate and from the configuration; pingform forgets it".into());
        }
        Some(_) if address.kind().is_singleton() => change.reasons.push(format!(
            "removed from the configuration: PingFederate's defaults come back (datastore `{}`, synchronization_frequency {})",
            schema::DEFAULT_PROVISIONING_DATASTORE_ID,
            schema::DEFAULT_SYNCHRONIZATION_FREQUENCY
        )),
        Some(_) => change.reasons.push("removed from the configuration".into()),
    }
    change
}

/// The outbound provisioning settings must end up on an existing JDBC store that this
/// plan does not delete.
fn check_outbound_provisioning(
    desired: &Desired,
    observed: &Observed,
    changes: &[Change],
) -> Result<(), PlanError> {
    let Some(settings) = desired.get(&Address::singleton(ResourceKind::OutboundProvisioning))
    else {
        return Ok(());
    };
    let Some(id) = settings
        .attributes
        .get("datastore")
        .and_then(|v| v.as_str())
    else {
        return Ok(());
    };
    let change_for = |id: &str| {
        changes.iter().find(|c| {
            c.kind().collection() == Collection::DataStores
                && c.id == id
                && c.action != Action::Delete
        })
    };
    if let Some(change) = change_for(id) {
        return match change.kind() {
            ResourceKind::DatastoreJdbc
                if change.action == Action::Replace && change.before.is_some() =>
            {
                Err(PlanError::ReplaceInUse {
                    address: change.address.clone(),
                })
            }
            ResourceKind::DatastoreJdbc => Ok(()),
            other => Err(PlanError::NotJdbc {
                id: id.to_string(),
                wire_type: other.wire_type().unwrap_or("?").to_string(),
            }),
        };
    }
    if changes
        .iter()
        .any(|c| c.action == Action::Delete && c.kind().is_datastore() && c.id == id)
    {
        return Err(PlanError::DatastoreInUse { id: id.to_string() });
    }
    match observed.get(Collection::DataStores, id) {
        Some(live) if live.kind == ResourceKind::DatastoreJdbc => Ok(()),
        Some(live) => Err(PlanError::NotJdbc {
            id: id.to_string(),
            wire_type: live.kind.wire_type().unwrap_or("?").to_string(),
        }),
        None => match observed.foreign_type(Collection::DataStores, id) {
            Some(wire_type) => Err(PlanError::NotJdbc {
                id: id.to_string(),
                wire_type: wire_type.to_string(),
            }),
            None => Err(PlanError::UnknownDatastore { id: id.to_string() }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Attributes, SINGLETON_ID, Secret, SecretRecord};
    use serde_json::{Value, json};

    fn map(value: Value) -> Attributes {
        value.as_object().unwrap().clone()
    }

    fn jdbc(name: &str, id: &str) -> DesiredResource {
        DesiredResource {
            address: Address::new(ResourceKind::DatastoreJdbc, name),
            id: id.into(),
            attributes: map(
                json!({"driver_class": "org.postgresql.Driver", "connection_url": format!("jdbc:postgresql://db/{id}")}),
            ),
            secrets: [("password".to_string(), Secret::new("pw"))]
                .into_iter()
                .collect(),
            depends_on: Default::default(),
        }
    }

    fn settings(datastore: &str, depends_on: &Address) -> DesiredResource {
        DesiredResource {
            address: Address::singleton(ResourceKind::OutboundProvisioning),
            id: SINGLETON_ID.into(),
            attributes: map(json!({"datastore": datastore, "synchronization_frequency": 60})),
            secrets: Default::default(),
            depends_on: [depends_on.clone()].into(),
        }
    }

    fn live(resource: &DesiredResource, encrypted: &str) -> ObservedObject {
        let mut attributes = resource.attributes.clone();
        attributes.insert("name".into(), json!("computed"));
        ObservedObject {
            kind: resource.kind(),
            id: resource.id.clone(),
            attributes,
            encrypted: if resource.secrets.is_empty() {
                Default::default()
            } else {
                [("password".to_string(), encrypted.to_string())]
                    .into_iter()
                    .collect()
            },
        }
    }

    fn live_settings(datastore: &str) -> ObservedObject {
        ObservedObject {
            kind: ResourceKind::OutboundProvisioning,
            id: SINGLETON_ID.into(),
            attributes: map(json!({"datastore": datastore, "synchronization_frequency": 60})),
            encrypted: Default::default(),
        }
    }

    fn managed(resource: &DesiredResource, key: &[u8], encrypted: &str) -> ManagedObject {
        let fingerprinter = Fingerprinter::new(key);
        ManagedObject {
            address: resource.address.clone(),
            id: resource.id.clone(),
            attributes: resource.attributes.clone(),
            secrets: resource
                .secrets
                .iter()
                .map(|(field, secret)| {
                    (
                        field.clone(),
                        SecretRecord {
                            fingerprint: fingerprinter.fingerprint(field, secret),
                            encrypted_digest: Some(encrypted_digest(encrypted)),
                        },
                    )
                })
                .collect(),
            observed: Default::default(),
        }
    }

    fn desired(mut resources: Vec<DesiredResource>) -> Desired {
        resources.sort_by(|a, b| a.address.cmp(&b.address));
        Desired {
            resources,
            ..Desired::default()
        }
    }

    fn actions(plan: &Plan) -> Vec<(String, &'static str)> {
        plan.changes
            .iter()
            .map(|c| (c.address.to_string(), c.action.as_str()))
            .collect()
    }

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn from_empty_the_store_is_created_before_the_settings_point_at_it() {
        let store = jdbc("prov", "prov");
        let config = desired(vec![settings("prov", &store.address), store]);
        let mut observed = Observed::default();
        observed.insert(live_settings("ProvisionerDS"));
        let plan = plan(&config, &PreviousRun::default(), &observed).unwrap();
        assert_eq!(
            actions(&plan),
            [
                ("datastore.jdbc.prov".into(), "create"),
                ("outbound_provisioning".into(), "update")
            ]
        );
        assert_eq!(plan.changes[0].secrets[0].status, SecretStatus::Set);
        assert!(plan.changes[1].reasons[0].contains("manage these settings"));
    }

    #[test]
    fn an_applied_configuration_plans_nothing() {
        let store = jdbc("prov", "prov");
        let config = desired(vec![settings("prov", &store.address), store.clone()]);
        let mut observed = Observed::default();
        observed.insert(live(&store, "enc-1"));
        observed.insert(live_settings("prov"));
        let previous = PreviousRun {
            lineage: Some("l".into()),
            serial: 2,
            objects: [
                (store.address.clone(), managed(&store, &KEY, "enc-1")),
                (
                    Address::singleton(ResourceKind::OutboundProvisioning),
                    managed(&settings("prov", &store.address), &KEY, ""),
                ),
            ]
            .into(),
            fingerprint_key: Some(KEY.to_vec()),
        };
        let plan = plan(&config, &previous, &observed).unwrap();
        assert!(plan.is_empty(), "{:#?}", plan.changes);
        assert_eq!(plan.summary().total(), 0);
    }

    #[test]
    fn secrets_changed_in_configuration_or_outside_are_noticed() {
        let store = jdbc("prov", "prov");
        let previous = PreviousRun {
            objects: [(store.address.clone(), managed(&store, &KEY, "enc-1"))].into(),
            fingerprint_key: Some(KEY.to_vec()),
            ..Default::default()
        };
        let mut rotated = store.clone();
        rotated
            .secrets
            .insert("password".into(), Secret::new("new"));
        let mut observed = Observed::default();
        observed.insert(live(&store, "enc-1"));
        let changed = plan(&desired(vec![rotated]), &previous, &observed).unwrap();
        assert_eq!(changed.changes[0].action, Action::Update);
        assert_eq!(changed.changes[0].secrets[0].status, SecretStatus::Changed);

        let mut observed = Observed::default();
        observed.insert(live(&store, "enc-2"));
        let outside = plan(&desired(vec![store.clone()]), &previous, &observed).unwrap();
        assert_eq!(
            outside.changes[0].secrets[0].status,
            SecretStatus::ChangedOutside
        );
    }

    #[test]
    fn repointing_and_dropping_the_old_store_runs_update_before_delete() {
        let old = jdbc("old", "old");
        let new = jdbc("new", "new");
        let config = desired(vec![settings("new", &new.address), new.clone()]);
        let mut observed = Observed::default();
        observed.insert(live(&old, "enc"));
        observed.insert(live_settings("old"));
        let previous = PreviousRun {
            objects: [
                (old.address.clone(), managed(&old, &KEY, "enc")),
                (
                    Address::singleton(ResourceKind::OutboundProvisioning),
                    managed(&settings("old", &old.address), &KEY, ""),
                ),
            ]
            .into(),
            fingerprint_key: Some(KEY.to_vec()),
            ..Default::default()
        };
        let plan = plan(&config, &previous, &observed).unwrap();
        assert_eq!(
            actions(&plan),
            [
                ("datastore.jdbc.new".into(), "create"),
                ("outbound_provisioning".into(), "update"),
                ("datastore.jdbc.old".into(), "delete"),
            ]
        );
    }

    #[test]
    fn a_store_replaced_under_a_new_name_is_deleted_before_its_successor_is_created() {
        // PingFederate wants data store names unique; the successor computes the same name.
        let old = jdbc("corp", "corp");
        let new = jdbc("corporate", "corporate");
        let mut observed = Observed::default();
        observed.insert(live(&old, "enc"));
        let previous = PreviousRun {
            objects: [(old.address.clone(), managed(&old, &KEY, "enc"))].into(),
            fingerprint_key: Some(KEY.to_vec()),
            ..Default::default()
        };
        let plan = plan(&desired(vec![new]), &previous, &observed).unwrap();
        assert_eq!(
            actions(&plan),
            [
                ("datastore.jdbc.corp".into(), "delete"),
                ("datastore.jdbc.corporate".into(), "create"),
            ]
        );
    }

    #[test]
    fn a_renamed_block_with_the_same_id_only_moves_in_state() {
        let old = jdbc("old_name", "shared");
        let renamed = jdbc("new_name", "shared");
        let mut observed = Observed::default();
        observed.insert(live(&old, "enc"));
        let previous = PreviousRun {
            objects: [(old.address.clone(), managed(&old, &KEY, "enc"))].into(),
            fingerprint_key: Some(KEY.to_vec()),
            ..Default::default()
        };
        let plan = plan(&desired(vec![renamed]), &previous, &observed).unwrap();
        assert_eq!(plan.changes.len(), 1);
        let change = &plan.changes[0];
        assert_eq!(change.action, Action::NoOp);
        assert!(change.state_only);
        assert_eq!(
            change
                .moved_from
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("datastore.jdbc.old_name")
        );
    }

    #[test]
    fn unmanaged_objects_are_left_alone_and_managed_ones_gone_live_are_forgotten() {
        let unmanaged = jdbc("someone_elses", "theirs");
        let gone = jdbc("gone", "gone");
        let mut observed = Observed::default();
        observed.insert(live(&unmanaged, "enc"));
        let previous = PreviousRun {
            objects: [(gone.address.clone(), managed(&gone, &KEY, "enc"))].into(),
            fingerprint_key: Some(KEY.to_vec()),
            ..Default::default()
        };
        let plan = plan(&desired(vec![]), &previous, &observed).unwrap();
        assert_eq!(actions(&plan), [("datastore.jdbc.gone".into(), "no-op")]);
        assert!(plan.changes[0].state_only);
        assert_eq!(plan.summary().total(), 0);
    }

    #[test]
    fn settings_pointing_at_a_missing_or_non_jdbc_store_are_refused() {
        let store = jdbc("prov", "prov");
        let config = desired(vec![settings("nowhere", &store.address)]);
        let mut observed = Observed::default();
        observed.insert(live_settings("ProvisionerDS"));
        assert_eq!(
            plan(&config, &PreviousRun::default(), &observed),
            Err(PlanError::UnknownDatastore {
                id: "nowhere".into()
            })
        );
        observed.insert_foreign(
            Collection::DataStores,
            "gw".into(),
            "PING_ONE_LDAP_GATEWAY".into(),
        );
        let config = desired(vec![settings("gw", &store.address)]);
        assert!(matches!(
            plan(&config, &PreviousRun::default(), &observed),
            Err(PlanError::NotJdbc { .. })
        ));
    }

    #[test]
    fn a_store_of_another_type_with_the_same_id_is_replaced_only_when_managed() {
        let store = jdbc("prov", "prov");
        let mut as_ldap = live(&store, "enc");
        as_ldap.kind = ResourceKind::DatastoreLdap;
        let mut observed = Observed::default();
        observed.insert(as_ldap);
        assert!(matches!(
            plan(
                &desired(vec![store.clone()]),
                &PreviousRun::default(),
                &observed
            ),
            Err(PlanError::IdTaken { .. })
        ));
    }
}
