//! `--target` and `--replace`: which objects a plan is limited to, and which it
//! replaces although nothing forces it. Targeting is for exceptional use (recovering
//! from a mistake, one object at a time): a targeted plan leaves the rest of the
//! configuration as it is, so PingFederate may not match it afterwards.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{Plan, Planned};
use crate::model::suggest::did_you_mean;
use crate::model::{Address, Desired, PreviousRun, ResourceKind};

/// What `--target` and `--replace` asked for, as addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Address>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replace: Vec<Address>,
}

/// An address `--target` or `--replace` cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectionProblem {
    pub flag: &'static str,
    pub address: String,
    pub why: String,
    pub help: Option<String>,
}

impl Selection {
    /// Parses and checks the addresses: each must name an object of the configuration
    /// (or, for `--target`, of the state: a removal can be targeted).
    pub fn new(
        targets: &[String],
        replace: &[String],
        desired: &Desired,
        previous: &PreviousRun,
    ) -> Result<Selection, SelectionProblem> {
        let known: BTreeSet<String> = desired
            .resources
            .iter()
            .map(|r| r.address.to_string())
            .chain(previous.objects.keys().map(ToString::to_string))
            .collect();
        let declared: BTreeSet<String> = desired
            .resources
            .iter()
            .map(|r| r.address.to_string())
            .collect();
        let parse = |flag: &'static str, text: &String, names: &BTreeSet<String>| {
            let problem = |why: String| SelectionProblem {
                flag,
                address: text.clone(),
                why,
                help: did_you_mean(text, names.iter().map(String::as_str)),
            };
            let address: Address = text.parse().map_err(|error| problem(format!("{error}")))?;
            if !names.contains(&address.to_string()) {
                return Err(problem(if flag == "--replace" {
                    "the configuration declares no such object".to_string()
                } else {
                    "neither the configuration nor the state has such an object".to_string()
                }));
            }
            Ok(address)
        };
        Ok(Selection {
            targets: targets
                .iter()
                .map(|text| parse("--target", text, &known))
                .collect::<Result<_, _>>()?,
            replace: replace
                .iter()
                .map(|text| parse("--replace", text, &declared))
                .collect::<Result<_, _>>()?,
        })
    }

    pub fn is_targeted(&self) -> bool {
        !self.targets.is_empty()
    }

    /// The targets and everything they depend on, transitively.
    pub fn scope(&self, desired: &Desired) -> BTreeSet<Address> {
        let mut scope: BTreeSet<Address> = BTreeSet::new();
        let mut pending: Vec<Address> = self.targets.clone();
        while let Some(address) = pending.pop() {
            if !scope.insert(address.clone()) {
                continue;
            }
            if let Some(resource) = desired.get(&address) {
                pending.extend(resource.depends_on.iter().cloned());
            }
        }
        scope
    }

    /// Limits a plan to the targets and their dependencies (nothing to do without
    /// targets). The review keeps what concerns them: scope changes of targeted
    /// connections, and the exclusion deletions when a connection is targeted.
    pub fn limit(&self, planned: &mut Planned, desired: &Desired) {
        if !self.is_targeted() {
            return;
        }
        let scope = self.scope(desired);
        planned.plan = Plan {
            changes: std::mem::take(&mut planned.plan.changes)
                .into_iter()
                .filter(|change| scope.contains(&change.address))
                .map(|mut change| {
                    change.waits_for.retain(|address| scope.contains(address));
                    change
                })
                .collect(),
        };
        planned
            .review
            .scope
            .retain(|change| scope.contains(&change.connection));
        let connection_targeted = scope
            .iter()
            .any(|address| address.kind() == ResourceKind::ProvisioningConnection);
        if !connection_targeted {
            planned.review.deletions.clear();
        }
    }
}
