//! Walking a plan: each change in order, its provider calls, and its state record.

use std::time::{Instant, SystemTime};

use serde_json::Value;

use super::{ApplyError, ApplyEvent, ApplyFailure};
use crate::model::{
    Address, Attributes, DefaultContext, Desired, DesiredResource, Fingerprinter, ManagedObject,
    Observed, ObservedObject, RawJson, SecretRecord, encrypted_digest, object_digest,
};
use crate::plan::{Action, Change, Plan, Resolved, SavedPlan, SecretStatus, Summary};
use crate::provider::{PingFederate, SecretValue, WriteRequest};
use crate::state::{HistoryEntry, Outcome, StateFile};

/// What an apply works from: the plan and what it was made from.
pub struct ApplyRun<'a> {
    pub plan: &'a Plan,
    /// The configuration the plan was made from; it supplies the secret values.
    pub desired: &'a Desired,
    /// What the plan learned from PingOne (population ids).
    pub resolved: &'a Resolved,
    /// The refresh the plan was made from; it supplies the encrypted forms sent back
    /// to keep unchanged secrets.
    pub observed: &'a Observed,
    /// With a saved plan, every object is read again just before it is written and
    /// must still be as the saved plan recorded it; otherwise the apply stops there.
    pub saved: Option<&'a SavedPlan>,
}

/// What a finished apply did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyReport {
    pub summary: Summary,
    /// Changes that ran, including state-only ones.
    pub finished: Vec<Address>,
}

/// Runs every change of the plan in order, records each finished change in state at
/// once, and appends a history row.
pub async fn apply(
    run: &ApplyRun<'_>,
    client: &PingFederate,
    state: &mut StateFile,
    on_event: &mut dyn FnMut(ApplyEvent<'_>),
) -> Result<ApplyReport, ApplyFailure> {
    let plan = run.plan;
    let changes: Vec<&Change> = plan.effective().collect();
    let mut finished = Vec::new();
    let mut outcome = Ok(());
    for (index, change) in changes.iter().enumerate() {
        on_event(ApplyEvent::Started { change });
        let started = Instant::now();
        let verified = match run.saved {
            Some(saved) if !change.state_only => verify_unchanged(change, saved, client).await,
            _ => Ok(()),
        };
        let result = match verified {
            Ok(()) => apply_change(change, run, client, state).await,
            Err(error) => Err(error),
        };
        match result {
            Ok(()) => {
                finished.push(change.address.clone());
                on_event(ApplyEvent::Finished {
                    change,
                    elapsed: started.elapsed(),
                });
            }
            Err(error) => {
                on_event(ApplyEvent::Failed { change });
                outcome = Err(ApplyFailure {
                    address: change.address.clone(),
                    action: change.action.as_str(),
                    error,
                    finished: finished.clone(),
                    not_started: changes[index + 1..]
                        .iter()
                        .map(|c| c.address.clone())
                        .collect(),
                });
                break;
            }
        }
    }
    let summary = plan.summary();
    let history = HistoryEntry {
        time: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        command: "apply".into(),
        create: summary.create,
        update: summary.update + summary.replace,
        delete: summary.delete,
        finished: finished.len(),
        outcome: match &outcome {
            Ok(()) => Outcome::Succeeded,
            Err(failure) => Outcome::Failed {
                message: format!("{failure}: {}", failure.error),
            },
        },
        serial: state.previous().serial,
    };
    let recorded = state.append_history(&history);
    outcome?;
    if let Err(error) = recorded {
        // Every change is in state; only the history row is missing.
        tracing::warn!("could not record the apply history: {error}");
    }
    Ok(ApplyReport { summary, finished })
}

/// Reads the object again and compares it with what the saved plan recorded.
async fn verify_unchanged(
    change: &Change,
    saved: &SavedPlan,
    client: &PingFederate,
) -> Result<(), ApplyError> {
    let collection = change.kind().collection();
    let Some(recorded) = saved.recorded(collection, &change.id) else {
        return Ok(());
    };
    let now = client.read(change.kind(), &change.id).await?;
    let how = match (recorded, &now) {
        (None, None) => return Ok(()),
        (Some(planned), Some(object)) if object_digest(object) == planned => return Ok(()),
        (Some(_), Some(_)) => "changed in PingFederate since the plan was made",
        (Some(_), None) => "deleted in PingFederate since the plan was made",
        (None, Some(_)) => "created in PingFederate since the plan was made",
    };
    Err(ApplyError::Moved(format!(
        "{} (id `{}`) was {how}",
        change.address, change.id
    )))
}

async fn apply_change(
    change: &Change,
    run: &ApplyRun<'_>,
    client: &PingFederate,
    state: &mut StateFile,
) -> Result<(), ApplyError> {
    let kind = change.kind();
    let observed = run.observed;
    let live = observed.get(kind.collection(), &change.id);
    let fingerprinter = state.fingerprinter();
    let resource = || {
        run.desired.get(&change.address).ok_or_else(|| {
            ApplyError::Inconsistent(format!(
                "{} is in the plan but not in the configuration",
                change.address
            ))
        })
    };
    match change.action {
        Action::Delete => {
            client.delete(kind, &change.id).await?;
            state.record(&change.address, None, None)?;
        }
        Action::NoOp => {
            // State only: a rename, taking over an existing object, or forgetting one.
            let record = match (run.desired.get(&change.address), live) {
                (Some(resource), Some(live)) => Some(managed_object(
                    resource,
                    &run.resolved.attributes(resource),
                    live,
                    &fingerprinter,
                )),
                _ => None,
            };
            state.record(&change.address, record.as_ref(), change.moved_from.as_ref())?;
        }
        Action::Create => {
            let resource = resource()?;
            let attributes = run.resolved.attributes(resource);
            let written = client
                .create(&write_request(
                    resource,
                    &attributes,
                    change,
                    None,
                    None,
                    None,
                    &run.resolved.context,
                ))
                .await?;
            let record = managed_object(resource, &attributes, &written, &fingerprinter);
            state.record(&change.address, Some(&record), change.moved_from.as_ref())?;
        }
        Action::Update => {
            let resource = resource()?;
            let attributes = run.resolved.attributes(resource);
            // Laid over the live object as read, with what the last apply declared.
            let base = live.and_then(ObservedObject::raw_value);
            let owned_before = state
                .previous()
                .objects
                .get(change.moved_from.as_ref().unwrap_or(&change.address))
                .map(|managed| managed.attributes.clone());
            let written = client
                .update(&write_request(
                    resource,
                    &attributes,
                    change,
                    live,
                    base.as_ref(),
                    owned_before.as_ref(),
                    &run.resolved.context,
                ))
                .await?;
            let record = managed_object(resource, &attributes, &written, &fingerprinter);
            state.record(&change.address, Some(&record), change.moved_from.as_ref())?;
        }
        Action::Replace => {
            let resource = resource()?;
            let attributes = run.resolved.attributes(resource);
            let foreign = observed.foreign(kind.collection(), &change.id).is_some();
            if live.is_some() || foreign {
                client
                    .delete(live.map_or(kind, |l| l.kind), &change.id)
                    .await?;
                let old_address = change.moved_from.as_ref().unwrap_or(&change.address);
                state.record(old_address, None, None)?;
            }
            let written = client
                .create(&write_request(
                    resource,
                    &attributes,
                    change,
                    None,
                    None,
                    None,
                    &run.resolved.context,
                ))
                .await?;
            let record = managed_object(resource, &attributes, &written, &fingerprinter);
            state.record(&change.address, Some(&record), None)?;
        }
    }
    Ok(())
}

/// The body to send: declared attributes, new secrets in plain text, kept secrets in
/// the encrypted form the server gave.
fn write_request<'a>(
    resource: &'a DesiredResource,
    attributes: &'a Attributes,
    change: &Change,
    live: Option<&'a ObservedObject>,
    base: Option<&'a Value>,
    owned_before: Option<&'a Attributes>,
    context: &'a DefaultContext,
) -> WriteRequest<'a> {
    let mut secrets = Vec::new();
    for secret in &change.secrets {
        let value = if secret.status.sends_value() {
            resource.secrets.get(&secret.field).map(|configured| {
                if configured.is_encrypted() {
                    SecretValue::Encrypted(configured.expose())
                } else {
                    SecretValue::Plain(configured)
                }
            })
        } else if matches!(secret.status, SecretStatus::Unchanged | SecretStatus::Kept) {
            live.and_then(|l| l.encrypted.get(&secret.field))
                .map(|e| SecretValue::Encrypted(e.as_str()))
        } else if secret.status == SecretStatus::Removed {
            Some(SecretValue::Clear)
        } else {
            None
        };
        if let Some(value) = value {
            secrets.push((secret.field.clone(), value));
        }
    }
    WriteRequest {
        kind: resource.kind(),
        id: &resource.id,
        attributes,
        secrets,
        base,
        owned_before,
        context,
    }
}

/// What state keeps after a change: the declared attributes, fingerprints of the
/// secrets, and what the server returned.
fn managed_object(
    resource: &DesiredResource,
    attributes: &Attributes,
    written: &ObservedObject,
    fingerprinter: &Fingerprinter,
) -> ManagedObject {
    ManagedObject {
        address: resource.address.clone(),
        id: resource.id.clone(),
        attributes: attributes.clone(),
        secrets: resource
            .secrets
            .iter()
            .map(|(field, secret)| {
                (
                    field.clone(),
                    SecretRecord {
                        fingerprint: fingerprinter.fingerprint(field, secret),
                        encrypted_digest: written.encrypted.get(field).map(|e| encrypted_digest(e)),
                    },
                )
            })
            .collect(),
        observed: RawJson::new(&written.attributes).ok(),
    }
}
