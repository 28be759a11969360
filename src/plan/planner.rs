//! The changes: for every declared object and every object the state remembers, what
//! must happen so that PingFederate matches the configuration, in apply order.

use std::collections::{BTreeMap, BTreeSet};

use super::diff::{after_update, effective_after, effective_before, field_changes, owned_fields};
use super::error::ImportMissing;
use super::order::order_changes;
use super::ownership::unmanaged_paths;
use super::pingone::Resolved;
use super::{
    Action, Change, Plan, PlanError, Reason, SecretChange, SecretStatus, protection, referents,
};
use crate::model::suggest::with_article;
use crate::model::{
    Address, Attributes, DefaultContext, DeleteStrategy, Desired, DesiredResource, Fingerprinter,
    ManagedObject, Observed, ObservedObject, PreviousRun, encrypted_digest,
};

/// Computes the changes that make the live objects match the configuration.
///
/// `desired` is the configuration (with what `resolved` learned from PingOne),
/// `previous` what the state remembers, `observed` what a refresh just read. Objects
/// pingform never managed are left alone unless the configuration names their id.
pub fn changes(
    desired: &Desired,
    resolved: &Resolved,
    previous: &PreviousRun,
    observed: &Observed,
    replace: &[Address],
) -> Result<Plan, PlanError> {
    let fingerprinter = previous.fingerprint_key.as_deref().map(Fingerprinter::new);
    let desired_addresses: BTreeSet<&Address> =
        desired.resources.iter().map(|r| &r.address).collect();
    // One change per desired object and per object left in state: sized once, as a
    // plan of ten thousand objects is most of a plan's memory.
    let orphans = previous
        .objects
        .keys()
        .filter(|address| !desired_addresses.contains(address))
        .count();
    let mut changes = Vec::with_capacity(desired.resources.len() + orphans);
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
        let attributes = resolved.attributes(resource);
        // PingFederate holds the id as an object of a kind pingform does not manage
        // (a data store of a type it does not know, an SP connection provisioning to
        // another target): pingform does not take it over, and does not delete it.
        if let Some(what) = observed.foreign(collection, &resource.id) {
            return Err(PlanError::IdTaken {
                address: resource.address.clone(),
                id: resource.id.clone(),
                what: what.to_string(),
            });
        }
        let live = observed.get(collection, &resource.id);
        let import = desired
            .imports
            .get(&resource.address)
            .filter(|_| managed.is_none());
        if let (Some(import), None) = (import, live) {
            return Err(PlanError::ImportMissing(Box::new(ImportMissing {
                address: resource.address.clone(),
                id: import.id.clone(),
                span: import.declared_at.source_span(),
                declared_in: import.declared_at.clone(),
            })));
        }
        let mut change = plan_desired(
            resource,
            &attributes,
            managed,
            live,
            fingerprinter.as_ref(),
            &resolved.context,
        )?;
        if replace.contains(&resource.address) {
            force_replacement(&mut change, resource, &attributes, live, &resolved.context)?;
        }
        if let Some(import) = import {
            for reason in change.reasons.iter_mut() {
                if matches!(reason, Reason::Adopted | Reason::AdoptedSettings) {
                    *reason = Reason::Imported {
                        id: import.id.clone(),
                    };
                }
            }
        }
        if let Some(old) = moved_from {
            change.reasons.insert(
                0,
                Reason::RenamedFrom {
                    from: old.clone(),
                    id: resource.id.clone(),
                },
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
        if desired.removed.contains_key(address) {
            changes.push(forget(address, managed, live));
            continue;
        }
        changes.push(plan_removal(address, managed, live));
    }
    protection::record_changes(desired, previous, &mut changes);
    protection::check(desired, previous, &changes)?;

    let depends_on: BTreeMap<&Address, &BTreeSet<Address>> = desired
        .resources
        .iter()
        .map(|r| (&r.address, &r.depends_on))
        .collect();
    referents::check(desired, resolved, observed, &changes)?;
    check_secrets_to_create(desired, &changes)?;
    Ok(Plan {
        changes: order_changes(changes, observed, &depends_on)?,
    })
}

/// `--replace ADDRESS`: an object that exists is deleted and created again, although
/// nothing forces it. Not for a singleton (it cannot be deleted), nor for an SP
/// connection that also carries SSO (deleting it would delete the SSO).
fn force_replacement(
    change: &mut Change,
    resource: &DesiredResource,
    attributes: &Attributes,
    live: Option<&ObservedObject>,
    context: &DefaultContext,
) -> Result<(), PlanError> {
    let kind = resource.kind();
    let refuse = |why: &str| PlanError::CannotReplace {
        address: resource.address.clone(),
        why: why.to_string(),
    };
    if kind.is_singleton() {
        return Err(refuse(
            "it is a singleton: PingFederate has one, which cannot be deleted",
        ));
    }
    let Some(live) = live else {
        // Created anyway.
        return Ok(());
    };
    if let DeleteStrategy::RemovePartOrDelete { others } = kind.descriptor().delete
        && let Some(raw) = live.raw_value()
        && let Some(part) = others
            .iter()
            .find(|part| raw.get(**part).is_some_and(|v| !v.is_null()))
    {
        return Err(refuse(&format!(
            "the SP connection also holds `{part}`, which deleting it would delete"
        )));
    }
    if change.action == Action::Replace {
        return Ok(());
    }
    change.action = Action::Replace;
    change.state_only = false;
    change.kept.clear();
    change.unchanged = 0;
    change.before = Some(effective_before(live.kind, &live.attributes));
    change.after = Some(effective_after(kind, attributes, context));
    change.secrets = resource
        .secrets
        .keys()
        .map(|field| SecretChange {
            field: field.clone(),
            status: SecretStatus::Set,
        })
        .collect();
    change.reasons.push(Reason::ReplaceRequested);
    Ok(())
}

/// A secret PingFederate requires (a PingOne connection's credential) may be left out
/// of an object that exists, not of one that is created.
fn check_secrets_to_create(desired: &Desired, changes: &[Change]) -> Result<(), PlanError> {
    for change in changes
        .iter()
        .filter(|c| matches!(c.action, Action::Create | Action::Replace))
    {
        let Some(resource) = desired.get(&change.address) else {
            continue;
        };
        for field in resource.kind().fields() {
            if field.required && field.is_secret() && !resource.secrets.contains_key(field.name) {
                return Err(PlanError::SecretNeeded {
                    address: change.address.clone(),
                    field: field.name,
                });
            }
        }
    }
    Ok(())
}

fn plan_desired(
    resource: &DesiredResource,
    attributes: &Attributes,
    managed: Option<&ManagedObject>,
    live: Option<&ObservedObject>,
    fingerprinter: Option<&Fingerprinter>,
    context: &DefaultContext,
) -> Result<Change, PlanError> {
    let kind = resource.kind();
    let after = effective_after(kind, attributes, context);
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
        kept: Vec::new(),
        waits_for: Vec::new(),
        unchanged: 0,
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
            change.reasons.push(Reason::DeletedOutside);
        }
        return Ok(change);
    };

    change.before = Some(effective_before(live.kind, &live.attributes));
    if live.kind != kind {
        if managed.is_none() {
            return Err(PlanError::IdTaken {
                address: resource.address.clone(),
                id: resource.id.clone(),
                what: with_article(live.kind.describe()),
            });
        }
        change.action = Action::Replace;
        change.reasons.push(Reason::TypeChanges {
            from: live
                .kind
                .wire_type()
                .unwrap_or(live.kind.describe())
                .to_string(),
            to: kind.wire_type().unwrap_or(kind.describe()).to_string(),
        });
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
        attributes,
        &live.attributes,
        managed.map(|m| &m.attributes),
        context,
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
        change.reasons.push(Reason::FieldForcesReplacement);
    }
    if change.action == Action::Update {
        if let Some(raw) = live.raw_value() {
            change.kept = unmanaged_paths(
                kind,
                &raw,
                attributes,
                &resource.secrets,
                managed.map(|m| &m.attributes),
            );
        }
        if let Some(before) = &change.before {
            change.after = Some(after_update(before, &change.fields));
        }
        change.unchanged = owned_fields(kind, attributes, managed.map(|m| &m.attributes))
            .filter(|name| !change.fields.iter().any(|f| f.field == *name))
            .count();
    }
    if live.part_missing
        && let Some(part) = kind.descriptor().part
    {
        change.reasons.push(Reason::PartAdded {
            part: part.join("."),
        });
    }
    if managed.is_none() {
        change.reasons.push(if kind.is_singleton() {
            Reason::AdoptedSettings
        } else {
            Reason::Adopted
        });
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

/// A `removed` block: the state forgets the object; PingFederate keeps it as it is.
fn forget(address: &Address, managed: &ManagedObject, live: Option<&ObservedObject>) -> Change {
    Change {
        address: address.clone(),
        id: managed.id.clone(),
        action: Action::NoOp,
        before: live.map(|l| effective_before(l.kind, &l.attributes)),
        after: None,
        fields: Vec::new(),
        secrets: Vec::new(),
        reasons: vec![Reason::RemovedBlock],
        moved_from: None,
        state_only: true,
        kept: Vec::new(),
        waits_for: Vec::new(),
        unchanged: 0,
    }
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
        kept: Vec::new(),
        waits_for: Vec::new(),
        unchanged: 0,
    };
    match (live, address.kind().descriptor().delete) {
        (None, _) => {
            change.action = Action::NoOp;
            change.state_only = true;
            change.reasons.push(Reason::Forgotten);
        }
        (Some(_), DeleteStrategy::Reset(values)) => {
            change.reasons.push(Reason::RemovedDefaultsReturn {
                defaults: values
                    .iter()
                    .filter_map(|(name, default)| Some((name.to_string(), default.value()?)))
                    .collect(),
            });
        }
        (Some(live), _) => {
            let descriptor = address.kind().descriptor();
            let keeps_object = live
                .raw_value()
                .is_some_and(|raw| descriptor.removal_keeps_object(&raw));
            match descriptor.part {
                Some(part) if keeps_object => change.reasons.push(Reason::PartRemoved {
                    part: part.join("."),
                }),
                _ => change.reasons.push(Reason::Removed),
            }
        }
    }
    change
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kinds::DATA_STORES;
    use crate::model::{ResourceKind, SINGLETON_ID, Secret, SecretRecord};
    use serde_json::{Value, json};

    fn plan(
        desired: &Desired,
        previous: &PreviousRun,
        observed: &Observed,
    ) -> Result<Plan, PlanError> {
        changes(desired, &Resolved::default(), previous, observed, &[])
    }

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
            raw: None,
            part_missing: false,
        }
    }

    fn live_settings(datastore: &str) -> ObservedObject {
        ObservedObject {
            kind: ResourceKind::OutboundProvisioning,
            id: SINGLETON_ID.into(),
            attributes: map(json!({"datastore": datastore, "synchronization_frequency": 60})),
            encrypted: Default::default(),
            raw: None,
            part_missing: false,
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
            exclusions: Vec::new(),
            prevent_destroy: false,
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
        assert_eq!(plan.changes[1].reasons, [Reason::AdoptedSettings]);
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
            binding: None,
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
            Err(PlanError::UnknownReferent {
                address: Address::singleton(ResourceKind::OutboundProvisioning),
                field: "datastore",
                what: "JDBC data store".into(),
                id: "nowhere".into()
            })
        );
        observed.insert_foreign(
            DATA_STORES,
            "gw".into(),
            "a PING_ONE_LDAP_GATEWAY data store".into(),
        );
        let config = desired(vec![settings("gw", &store.address)]);
        let refused = plan(&config, &PreviousRun::default(), &observed).unwrap_err();
        assert!(matches!(refused, PlanError::ReferentWrongKind { .. }));
        assert_eq!(
            refused.to_string(),
            "outbound_provisioning: `datastore` names `gw`, which is a PING_ONE_LDAP_GATEWAY data store; it must be a JDBC data store"
        );
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

    #[test]
    fn an_id_taken_by_an_object_pingform_does_not_manage_is_named_for_what_it_is() {
        let connection = DesiredResource {
            address: Address::new(ResourceKind::ProvisioningConnection, "hr"),
            id: "hr".into(),
            attributes: map(json!({"entity_id": "hr", "name": "hr", "channels": []})),
            secrets: Default::default(),
            depends_on: Default::default(),
        };
        let mut observed = Observed::default();
        observed.insert_foreign(
            crate::model::kinds::SP_CONNECTIONS,
            "hr".into(),
            "an SP connection that provisions to another target than PingOne".into(),
        );
        let error = plan(
            &desired(vec![connection]),
            &PreviousRun::default(),
            &observed,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "provisioning_connection.hr: the id `hr` is already used by an SP connection that provisions to another target than PingOne that pingform does not manage"
        );
    }

    fn place() -> crate::model::Place {
        crate::model::Place {
            file: "main.hcl".into(),
            text: std::sync::Arc::from("lifecycle {\n  prevent_destroy = true\n}\n"),
            span: 14..36,
        }
    }

    fn protect(config: &mut Desired, address: &Address, prevent_destroy: bool) {
        config.lifecycle.insert(
            address.clone(),
            crate::model::Lifecycle {
                prevent_destroy,
                declared_at: place(),
            },
        );
    }

    #[test]
    fn an_import_block_adopts_the_live_object_or_refuses_a_missing_one() {
        let store = jdbc("prov", "prov");
        let mut config = desired(vec![store.clone()]);
        config.imports.insert(
            store.address.clone(),
            crate::model::ImportTarget {
                to: store.address.clone(),
                id: "prov".into(),
                declared_at: place(),
            },
        );
        let mut observed = Observed::default();
        observed.insert(live(&store, "enc"));
        let plan = plan(&config, &PreviousRun::default(), &observed).unwrap();
        // The configured password is new to pingform: the import is also an update.
        assert_eq!(actions(&plan), [("datastore.jdbc.prov".into(), "update")]);
        assert_eq!(
            plan.changes[0].reasons,
            [Reason::Imported { id: "prov".into() }]
        );
        let refused = super::changes(
            &config,
            &Resolved::default(),
            &PreviousRun::default(),
            &Observed::default(),
            &[],
        )
        .unwrap_err();
        assert!(
            matches!(refused, PlanError::ImportMissing { .. }),
            "{refused:?}"
        );
    }

    #[test]
    fn a_removed_block_forgets_instead_of_deleting() {
        let gone = jdbc("gone", "gone");
        let mut observed = Observed::default();
        observed.insert(live(&gone, "enc"));
        let previous = PreviousRun {
            objects: [(gone.address.clone(), managed(&gone, &KEY, "enc"))].into(),
            fingerprint_key: Some(KEY.to_vec()),
            ..Default::default()
        };
        let mut config = desired(vec![]);
        config.removed.insert(
            gone.address.clone(),
            crate::model::Removal {
                from: gone.address.clone(),
                declared_at: place(),
            },
        );
        let plan = plan(&config, &previous, &observed).unwrap();
        assert_eq!(actions(&plan), [("datastore.jdbc.gone".into(), "no-op")]);
        assert!(plan.changes[0].state_only);
        assert_eq!(plan.changes[0].reasons, [Reason::RemovedBlock]);
    }

    #[test]
    fn prevent_destroy_refuses_a_replacement_and_the_state_remembers_it_for_a_deleted_block() {
        let store = jdbc("prov", "prov");
        let mut as_ldap = live(&store, "enc");
        as_ldap.kind = ResourceKind::DatastoreLdap;
        let mut observed = Observed::default();
        observed.insert(as_ldap);
        let mut recorded = managed(&store, &KEY, "enc");
        let previous = PreviousRun {
            objects: [(store.address.clone(), recorded.clone())].into(),
            fingerprint_key: Some(KEY.to_vec()),
            ..Default::default()
        };
        let mut config = desired(vec![store.clone()]);
        protect(&mut config, &store.address, true);
        let refused = plan(&config, &previous, &observed).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "nothing was changed: the plan would destroy an object that `prevent_destroy` protects:\n  - datastore.jdbc.prov must be replaced: `prevent_destroy = true` at main.hcl:2:3"
        );

        // The block is gone: what the last apply recorded decides.
        let mut observed = Observed::default();
        observed.insert(live(&store, "enc"));
        recorded.prevent_destroy = true;
        let previous = PreviousRun {
            objects: [(store.address.clone(), recorded)].into(),
            fingerprint_key: Some(KEY.to_vec()),
            ..Default::default()
        };
        let refused = plan(&desired(vec![]), &previous, &observed).unwrap_err();
        assert!(
            refused.to_string().ends_with("datastore.jdbc.prov would be deleted (its block is gone): the last apply recorded `prevent_destroy = true` for it"),
            "{refused}"
        );
        // Switching it off is a state-only change; once applied, the delete may go.
        let mut config = desired(vec![store.clone()]);
        protect(&mut config, &store.address, false);
        let plan = plan(&config, &previous, &observed).unwrap();
        assert!(plan.changes[0].state_only, "{:?}", plan.changes[0]);
        assert_eq!(
            plan.changes[0].reasons,
            [Reason::ProtectionChanged {
                prevent_destroy: false
            }]
        );
    }
}
