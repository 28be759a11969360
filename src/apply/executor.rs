//! Walking a plan: each change as soon as the changes it waits for have finished, up
//! to `parallelism` at a time, its provider calls, and its state record. State is
//! written here, one transaction per finished change, in the order changes finish;
//! the provider calls run concurrently.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant, SystemTime};

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::Value;

use super::{
    ApplyError, ApplyEvent, ApplyFailure, ApplyInterrupted, ApplyStopped, Failed,
    STILL_RUNNING_EVERY, Signal,
};
use crate::model::{
    Address, Attributes, DefaultContext, Desired, DesiredResource, Fingerprinter, ManagedObject,
    Observed, ObservedObject, RawJson, SecretRecord, encrypted_digest,
};
use crate::plan::{Action, Change, Plan, Resolved, SecretStatus, Summary, exclusion_records};
use crate::provider::{PingFederate, SecretValue, WriteRequest};
use crate::state::{DoneCounts, HistoryEntry, Outcome, RunOrigin, StateStore};

/// What an apply works from: the plan and what it was made from.
pub struct ApplyRun<'a> {
    pub plan: &'a Plan,
    /// The configuration the plan was made from; it supplies the secret values.
    pub desired: &'a Desired,
    /// What the plan learned from PingOne (population ids) and the live systems.
    pub resolved: &'a Resolved,
    /// The refresh the plan was made from (for a saved plan, the one that proved it
    /// still holds): updates start from these objects, and unchanged secrets go back in
    /// the encrypted forms they carry.
    pub observed: &'a Observed,
    /// How many changes run at once (1: one after another, in plan order).
    pub parallelism: usize,
    /// How the apply is recorded in the history (`apply`, `apply FILE`).
    pub command: &'a str,
    /// Who runs it, where, and how it was approved, for the history.
    pub origin: RunOrigin,
}

/// What a finished apply did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyReport {
    pub summary: Summary,
    /// Changes that ran, including state-only ones.
    pub finished: Vec<Address>,
}

/// One state transaction a change asks for: the object as it now is (`None`: gone),
/// and the address it moved from.
struct Record {
    address: Address,
    object: Option<ManagedObject>,
    moved_from: Option<Address>,
}

/// What one change's provider calls came to: the records to commit (also when a
/// later call failed: a replacement whose delete finished keeps that), and the error.
struct Ran {
    index: usize,
    records: Vec<Record>,
    error: Option<ApplyError>,
    elapsed: Duration,
}

/// Runs every change of the plan, each once the changes it waits for have finished,
/// records each finished change in state at once, and appends a history row. On a
/// failure, or once `interrupt` completes (the first signal), no new change starts;
/// those in flight finish and are recorded. Once `abort` completes (a second signal)
/// the apply stops at once: the changes still in flight are reported with an unknown
/// outcome, and the next plan reads them back.
pub async fn apply(
    run: &ApplyRun<'_>,
    client: &PingFederate,
    state: &mut StateStore,
    on_event: &mut dyn FnMut(ApplyEvent<'_>),
    interrupt: impl std::future::Future<Output = Signal>,
    abort: impl std::future::Future<Output = Signal>,
) -> Result<ApplyReport, ApplyStopped> {
    tokio::pin!(interrupt);
    tokio::pin!(abort);
    let mut interrupted: Option<Signal> = None;
    let mut aborted = false;
    let mut done_counts = DoneCounts::default();
    let plan = run.plan;
    let changes: Vec<&Change> = plan.effective().collect();
    let position: BTreeMap<&Address, usize> = changes
        .iter()
        .enumerate()
        .map(|(index, change)| (&change.address, index))
        .collect();
    let fingerprinter = state.fingerprinter();
    // What the last apply declared, per object: read before anything runs (each
    // object's record is written only by its own change).
    let owned_before: Vec<Option<Attributes>> = changes
        .iter()
        .map(|change| {
            let address = change.moved_from.as_ref().unwrap_or(&change.address);
            state
                .previous()
                .objects
                .get(address)
                .map(|managed| managed.attributes.clone())
        })
        .collect();
    let parallelism = run.parallelism.max(1);

    let mut done: BTreeSet<usize> = BTreeSet::new();
    let mut started: BTreeSet<usize> = BTreeSet::new();
    let mut finished = Vec::new();
    let mut failures: Vec<Failed> = Vec::new();
    let mut in_flight = FuturesUnordered::new();
    // Running changes: when each started, and how many ten-second marks were reported.
    let mut running: BTreeMap<usize, (Instant, u32)> = BTreeMap::new();
    loop {
        if failures.is_empty() && interrupted.is_none() {
            for index in 0..changes.len() {
                if in_flight.len() >= parallelism {
                    break;
                }
                if started.contains(&index) {
                    continue;
                }
                let ready = changes[index].waits_for.iter().all(|address| {
                    position
                        .get(address)
                        .is_none_or(|other| done.contains(other))
                });
                if !ready {
                    continue;
                }
                // In plan order with one at a time: nothing overtakes a change that
                // is not ready yet.
                if parallelism == 1 && (0..index).any(|earlier| !started.contains(&earlier)) {
                    break;
                }
                started.insert(index);
                running.insert(index, (Instant::now(), 1));
                let change = changes[index];
                on_event(ApplyEvent::Started { change });
                let owned = owned_before[index].as_ref();
                let fingerprinter = &fingerprinter;
                in_flight.push(async move {
                    let clock = Instant::now();
                    let mut records = Vec::new();
                    let error = run_change(change, run, client, owned, fingerprinter, &mut records)
                        .await
                        .err();
                    Ran {
                        index,
                        records,
                        error,
                        elapsed: clock.elapsed(),
                    }
                });
            }
        }
        on_event(ApplyEvent::Progress {
            done: done.len(),
            total: changes.len(),
            in_flight: in_flight.len(),
        });
        // The next change to finish; meanwhile, every ten seconds, what still runs.
        let ran = loop {
            let next_report = running
                .values()
                .map(|(since, reported)| *since + STILL_RUNNING_EVERY * *reported)
                .min();
            let tick = async {
                match next_report {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                ran = in_flight.next() => break ran,
                signal = &mut interrupt, if interrupted.is_none() => {
                    interrupted = Some(signal);
                    on_event(ApplyEvent::Interrupted { in_flight: in_flight.len() });
                    if in_flight.is_empty() {
                        break None;
                    }
                }
                _ = &mut abort, if interrupted.is_some() => {
                    aborted = true;
                    break None;
                }
                () = tick => {
                    let now = Instant::now();
                    for (&index, (since, reported)) in running.iter_mut() {
                        if *since + STILL_RUNNING_EVERY * *reported <= now {
                            *reported += 1;
                            on_event(ApplyEvent::StillRunning {
                                change: changes[index],
                                elapsed: now - *since,
                            });
                        }
                    }
                }
            }
        };
        let Some(ran) = ran else {
            break;
        };
        running.remove(&ran.index);
        let change = changes[ran.index];
        let mut error = ran.error;
        for record in ran.records {
            if let Err(failed) = state
                .record(
                    &record.address,
                    record.object.as_ref(),
                    record.moved_from.as_ref(),
                )
                .await
            {
                error.get_or_insert(ApplyError::State(failed));
                break;
            }
        }
        done.insert(ran.index);
        match error {
            None => {
                count_done(&mut done_counts, change);
                finished.push(change.address.clone());
                on_event(ApplyEvent::Finished {
                    change,
                    elapsed: ran.elapsed,
                });
            }
            Some(error) => {
                on_event(ApplyEvent::Failed { change });
                failures.push(Failed {
                    address: change.address.clone(),
                    action: change.action.as_str(),
                    error,
                });
            }
        }
    }

    let summary = plan.summary();
    let not_started: Vec<Address> = (0..changes.len())
        .filter(|index| !started.contains(index))
        .map(|index| changes[index].address.clone())
        .collect();
    // Writes that may have landed: those a second signal left running, and those
    // whose request timed out or lost its connection.
    let mut unknown: Vec<Address> = running
        .keys()
        .filter(|_| aborted)
        .map(|&index| changes[index].address.clone())
        .collect();
    unknown.extend(
        failures
            .iter()
            .filter(|failed| failed.error.outcome_unknown())
            .map(|failed| failed.address.clone()),
    );
    let outcome = if let Some(signal) =
        interrupted.filter(|_| aborted || started.len() < changes.len() || !failures.is_empty())
    {
        let failed = failures
            .iter()
            .filter(|failed| !failed.error.outcome_unknown())
            .map(|failed| failed.address.clone())
            .collect();
        Err(ApplyStopped::Interrupted(Box::new(ApplyInterrupted {
            signal,
            at_once: aborted,
            finished: finished.clone(),
            failed,
            unknown: unknown.clone(),
            not_started: not_started.clone(),
        })))
    } else if !failures.is_empty() {
        let first = failures.remove(0);
        Err(ApplyStopped::Failed(Box::new(ApplyFailure {
            address: first.address,
            action: first.action,
            error: first.error,
            others: failures,
            finished: finished.clone(),
            unknown: unknown.clone(),
            not_started: not_started.clone(),
        })))
    } else {
        Ok(())
    };
    let history = HistoryEntry {
        time: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        command: run.command.to_string(),
        origin: Some(run.origin.clone()),
        create: summary.create,
        update: summary.update,
        delete: summary.delete,
        replace: summary.replace,
        finished: finished.len(),
        done: done_counts,
        unknown: unknown.len(),
        not_started: not_started.len(),
        outcome: match &outcome {
            Ok(()) => Outcome::Succeeded,
            Err(ApplyStopped::Failed(failure)) => Outcome::Failed {
                message: failure.summary(),
            },
            Err(ApplyStopped::Interrupted(interrupted)) => Outcome::Interrupted {
                signal: interrupted.signal.name().to_string(),
                at_once: interrupted.at_once,
            },
        },
        serial: state.previous().serial,
    };
    let recorded = state.append_history(&history).await;
    outcome?;
    if let Err(error) = recorded {
        // Every change is in state; only the history row is missing.
        tracing::warn!("could not record the apply history: {error}");
    }
    Ok(ApplyReport { summary, finished })
}

/// Counts a finished change by what it did.
fn count_done(counts: &mut DoneCounts, change: &Change) {
    match change.action {
        Action::Create => counts.created += 1,
        Action::Update => counts.updated += 1,
        Action::Replace => counts.replaced += 1,
        Action::Delete => counts.deleted += 1,
        Action::NoOp if change.moved_from.is_some() => counts.moved += 1,
        Action::NoOp => counts.recorded += 1,
    }
}

/// One change's provider calls; what finished goes to `records` as it finishes.
async fn run_change(
    change: &Change,
    run: &ApplyRun<'_>,
    client: &PingFederate,
    owned_before: Option<&Attributes>,
    fingerprinter: &Fingerprinter,
    records: &mut Vec<Record>,
) -> Result<(), ApplyError> {
    let kind = change.kind();
    let observed = run.observed;
    let live = observed.get(kind.collection(), &change.id);
    let context = &run.resolved.context;
    let resource = || {
        run.desired.get(&change.address).ok_or_else(|| {
            ApplyError::Inconsistent(format!(
                "{} is in the plan but not in the configuration",
                change.address
            ))
        })
    };
    let record = |object: Option<ManagedObject>, moved_from: Option<Address>| Record {
        address: change.address.clone(),
        object,
        moved_from,
    };
    match change.action {
        Action::Delete => {
            client.delete(kind, &change.id).await?;
            records.push(record(None, None));
        }
        Action::NoOp => {
            // State only: a rename, taking over an existing object, or forgetting one.
            let object = match (run.desired.get(&change.address), live) {
                (Some(resource), Some(live)) => Some(managed_object(
                    run,
                    resource,
                    &run.resolved.attributes(resource),
                    live,
                    fingerprinter,
                )),
                _ => None,
            };
            records.push(record(object, change.moved_from.clone()));
        }
        Action::Create => {
            let resource = resource()?;
            let attributes = run.resolved.attributes(resource);
            let request = write_request(resource, &attributes, change, None, None, None, context);
            let written = client.create(&request).await?;
            let object = managed_object(run, resource, &attributes, &written, fingerprinter);
            records.push(record(Some(object), change.moved_from.clone()));
        }
        Action::Update => {
            let resource = resource()?;
            let attributes = run.resolved.attributes(resource);
            // Laid over the live object as read, with what the last apply declared.
            let base = live.and_then(ObservedObject::raw_value);
            let request = write_request(
                resource,
                &attributes,
                change,
                live,
                base.as_ref(),
                owned_before,
                context,
            );
            let written = client.update(&request).await?;
            let object = managed_object(run, resource, &attributes, &written, fingerprinter);
            records.push(record(Some(object), change.moved_from.clone()));
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
                records.push(Record {
                    address: old_address.clone(),
                    object: None,
                    moved_from: None,
                });
            }
            let request = write_request(resource, &attributes, change, None, None, None, context);
            let written = client.create(&request).await?;
            let object = managed_object(run, resource, &attributes, &written, fingerprinter);
            records.push(record(Some(object), None));
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
/// secrets, what the server returned, the exclusions compiled into its channels, and
/// whether the configuration protects it.
fn managed_object(
    run: &ApplyRun<'_>,
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
        exclusions: exclusion_records(run.desired, run.resolved, resource),
        prevent_destroy: run
            .desired
            .lifecycle
            .get(&resource.address)
            .is_some_and(|lifecycle| lifecycle.prevent_destroy),
    }
}
