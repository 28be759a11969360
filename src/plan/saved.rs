//! Saved plans (`plan --out FILE`, `apply FILE`): the plan as data plus everything it
//! was based on, so that applying it later either does exactly what was reviewed or
//! refuses. Pure: the command reads and writes the file.
//!
//! What a saved plan pins: the state's lineage and serial, a digest of the evaluated
//! configuration (with keyed fingerprints of its secrets), and a digest of every live
//! object the refresh read. It holds no secret in plain text; the fingerprint key it
//! carries lets someone with the file test a guessed secret, as with the state file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Change, Plan, Planned};
use crate::model::{
    Collection, Desired, Fingerprinter, Observed, PreviousRun, configuration_digest, object_digest,
};

/// The saved-plan format. A reader refuses other major versions.
/// Version 2: change reasons are typed (`{"code": ...}`), no longer sentences.
pub const SAVED_PLAN_FORMAT_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    pub format_version: u32,
    pub pingform_version: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub configuration: SavedConfiguration,
    pub state: SavedState,
    /// Hex key of the secret fingerprints in `configuration`.
    pub fingerprint_key: String,
    /// Every change, in apply order (as `plan --json` lists them).
    pub changes: Vec<Change>,
    /// Every live object the refresh read, and the objects the plan creates (which
    /// must still be absent), by collection and id.
    pub live: Vec<LiveRecord>,
    /// `--target` and `--replace` of the plan: `apply FILE` plans again with them.
    #[serde(default)]
    pub selection: super::Selection,
    /// The inputs the configuration read (variables given a value, environment
    /// variables), which `apply FILE` needs again: `variable `db_password``.
    #[serde(default)]
    pub inputs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedConfiguration {
    /// The configuration folder, as given on the command line.
    pub dir: String,
    /// See [`configuration_digest`].
    pub digest: String,
    /// Per resource, the same digest over that resource alone, to say which moved.
    pub resources: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedState {
    /// The state file, as given or defaulted.
    pub path: String,
    /// `None` when the plan was made against an empty (not yet created) state.
    pub lineage: Option<String>,
    pub serial: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveRecord {
    pub collection: Collection,
    pub id: String,
    /// `None`: the object did not exist.
    pub digest: Option<String>,
}

/// Where and when a plan was made.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The configuration folder, as given.
    pub dir: String,
    /// The state file, as given or defaulted.
    pub state_path: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// Why bytes are not a plan this pingform can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanFileProblem {
    /// Another format version.
    Version(u64),
    /// No format version at all: not a plan file.
    NotAPlan,
    /// The right version, but not the right shape.
    Damaged(String),
}

impl SavedPlan {
    /// Reads a plan file's bytes, refusing other format versions.
    pub fn from_json(bytes: &[u8]) -> Result<SavedPlan, PlanFileProblem> {
        let version = serde_json::from_slice::<serde_json::Value>(bytes)
            .ok()
            .and_then(|v| v.get("format_version").and_then(serde_json::Value::as_u64));
        match version {
            Some(v) if v == u64::from(SAVED_PLAN_FORMAT_VERSION) => {}
            Some(v) => return Err(PlanFileProblem::Version(v)),
            None => return Err(PlanFileProblem::NotAPlan),
        }
        serde_json::from_slice(bytes).map_err(|e| PlanFileProblem::Damaged(e.to_string()))
    }
}

/// Why a saved plan may not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// Things it was based on moved.
    Moved(Vec<Moved>),
    /// The file holds something no plan holds.
    Damaged(String),
}

/// One thing that moved since the plan was made, worded for the person applying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub what: String,
    pub how: String,
}

impl std::fmt::Display for Moved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.what, self.how)
    }
}

/// The per-resource (and per-exclusion) digests, for naming what moved.
fn resource_digests(desired: &Desired, fingerprinter: &Fingerprinter) -> BTreeMap<String, String> {
    let resources = desired.resources.iter().map(|resource| {
        let alone = Desired {
            resources: vec![resource.clone()],
            ..Desired::default()
        };
        (
            resource.address.to_string(),
            configuration_digest(&alone, fingerprinter),
        )
    });
    let exclusions = desired.exclusions.iter().map(|exclusion| {
        let alone = Desired {
            exclusions: vec![exclusion.clone()],
            ..Desired::default()
        };
        (
            format!("exclusion.{}", exclusion.name),
            configuration_digest(&alone, fingerprinter),
        )
    });
    resources.chain(exclusions).collect()
}

impl SavedPlan {
    /// Captures `plan` with what it was based on. `key` is a fresh random key for the
    /// secret fingerprints.
    pub fn new(
        plan: &Plan,
        desired: &Desired,
        previous: &PreviousRun,
        observed: &Observed,
        origin: Origin,
        key: &[u8],
    ) -> SavedPlan {
        let Origin {
            dir,
            state_path,
            created_at,
        } = origin;
        let fingerprinter = Fingerprinter::new(key);
        let mut live: Vec<LiveRecord> = observed
            .objects()
            .map(|object| LiveRecord {
                collection: object.kind.collection(),
                id: object.id.clone(),
                digest: Some(object_digest(object)),
            })
            .collect();
        for change in &plan.changes {
            let collection = change.kind().collection();
            if observed.get(collection, &change.id).is_none()
                && !live
                    .iter()
                    .any(|r| r.collection == collection && r.id == change.id)
            {
                live.push(LiveRecord {
                    collection,
                    id: change.id.clone(),
                    digest: None,
                });
            }
        }
        SavedPlan {
            format_version: SAVED_PLAN_FORMAT_VERSION,
            pingform_version: env!("CARGO_PKG_VERSION").to_string(),
            created_at,
            configuration: SavedConfiguration {
                dir,
                digest: configuration_digest(desired, &fingerprinter),
                resources: resource_digests(desired, &fingerprinter),
            },
            state: SavedState {
                path: state_path,
                lineage: previous.lineage.clone(),
                serial: previous.serial,
            },
            fingerprint_key: key.iter().map(|b| format!("{b:02x}")).collect(),
            changes: plan.changes.clone(),
            live,
            selection: super::Selection::default(),
            inputs: desired.inputs.clone(),
        }
    }

    pub fn plan(&self) -> Plan {
        Plan {
            changes: self.changes.clone(),
        }
    }

    pub fn fingerprinter(&self) -> Result<Fingerprinter, String> {
        let damaged = || "the fingerprint key is damaged".to_string();
        let key = self.fingerprint_key.as_bytes();
        if !key.len().is_multiple_of(2) {
            return Err(damaged());
        }
        // Byte pairs, not string slices: a damaged key may hold any character.
        let bytes: Option<Vec<u8>> = key
            .chunks(2)
            .map(|pair| {
                let text = std::str::from_utf8(pair).ok()?;
                u8::from_str_radix(text, 16).ok()
            })
            .collect();
        bytes.map(|b| Fingerprinter::new(&b)).ok_or_else(damaged)
    }

    /// Whether the plan may be applied now: nothing it was based on moved, and
    /// planning again (`fresh`) gives the very same changes.
    pub fn verify(
        &self,
        fresh: &Planned,
        desired: &Desired,
        previous: &PreviousRun,
        observed: &Observed,
    ) -> Result<(), Stale> {
        let mut moved = self
            .check(desired, previous, observed)
            .map_err(Stale::Damaged)?;
        // Everything it was based on is as it was, so planning again must give the
        // same plan; if not, something this check does not see has moved.
        if moved.is_empty() && fresh.plan.changes != self.changes {
            moved.push(Moved {
                what: "plan".into(),
                how: "planning again gives another plan".into(),
            });
        }
        if moved.is_empty() {
            Ok(())
        } else {
            Err(Stale::Moved(moved))
        }
    }

    /// The recorded digest of one live object; `None` inside when it was absent,
    /// `None` outside when the plan did not read it.
    pub fn recorded(&self, collection: Collection, id: &str) -> Option<Option<&str>> {
        self.live
            .iter()
            .find(|r| r.collection == collection && r.id == id)
            .map(|r| r.digest.as_deref())
    }

    /// Everything that moved since the plan was made: the state, the configuration,
    /// and the live objects the plan touches. Empty means it may be applied.
    pub fn check(
        &self,
        desired: &Desired,
        previous: &PreviousRun,
        observed: &Observed,
    ) -> Result<Vec<Moved>, String> {
        let mut moved = Vec::new();
        match (&self.state.lineage, &previous.lineage) {
            (Some(planned), Some(now)) if planned != now => moved.push(Moved {
                what: "state".into(),
                how: format!("the state is another one (lineage {now}, the plan was made against {planned})"),
            }),
            (Some(planned), None) => moved.push(Moved {
                what: "state".into(),
                how: format!("the state is empty, the plan was made against lineage {planned}"),
            }),
            (None, Some(_)) if previous.serial > 0 || !previous.objects.is_empty() => moved.push(Moved {
                what: "state".into(),
                how: format!(
                    "the plan was made against an empty state, which has since been applied to (serial {}); a plan applies once",
                    previous.serial
                ),
            }),
            _ => {}
        }
        if self.state.lineage.is_some() && previous.serial != self.state.serial {
            moved.push(Moved {
                what: "state".into(),
                how: format!(
                    "serial is {}, the plan was made at serial {}: another apply ran since (or this plan was applied already)",
                    previous.serial, self.state.serial
                ),
            });
        }

        let fingerprinter = self.fingerprinter()?;
        if configuration_digest(desired, &fingerprinter) != self.configuration.digest {
            let now = resource_digests(desired, &fingerprinter);
            let mut named = false;
            for (address, digest) in &now {
                match self.configuration.resources.get(address) {
                    None => moved.push(Moved {
                        what: address.clone(),
                        how: "added to the configuration since the plan was made".into(),
                    }),
                    Some(planned) if planned != digest => moved.push(Moved {
                        what: address.clone(),
                        how: "its configuration (a value, variable or secret) changed since the plan was made".into(),
                    }),
                    Some(_) => continue,
                }
                named = true;
            }
            for address in self.configuration.resources.keys() {
                if !now.contains_key(address) {
                    named = true;
                    moved.push(Moved {
                        what: address.clone(),
                        how: "removed from the configuration since the plan was made".into(),
                    });
                }
            }
            if !named {
                moved.push(Moved {
                    what: "configuration".into(),
                    how: "the pingfederate block (url, username or password) changed since the plan was made".into(),
                });
            }
        }

        for change in self.changes.iter().filter(|c| c.has_effect()) {
            let collection = change.kind().collection();
            let Some(recorded) = self.recorded(collection, &change.id) else {
                continue;
            };
            let now = observed.get(collection, &change.id);
            let how = match (recorded, now) {
                (None, None) => continue,
                (Some(planned), Some(object)) if object_digest(object) == planned => continue,
                (Some(_), Some(_)) => "changed in PingFederate since the plan was made",
                (Some(_), None) => "deleted in PingFederate since the plan was made",
                (None, Some(_)) => "created in PingFederate since the plan was made",
            };
            moved.push(Moved {
                what: format!("{} (id `{}`)", change.address, change.id),
                how: how.into(),
            });
        }
        Ok(moved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved_with_key(key: &str) -> SavedPlan {
        let mut saved = SavedPlan::new(
            &Plan::default(),
            &Desired::default(),
            &PreviousRun::default(),
            &Observed::default(),
            Origin {
                dir: ".".into(),
                state_path: "pingform.redb".into(),
                created_at: "2026-12-02T00:00:00Z".into(),
            },
            &[1, 2],
        );
        saved.fingerprint_key = key.to_string();
        saved
    }

    #[test]
    fn the_key_round_trips_through_hex() {
        assert_eq!(saved_with_key("0102").fingerprint_key, "0102");
        assert!(saved_with_key("0a1B").fingerprinter().is_ok());
    }

    #[test]
    fn a_damaged_fingerprint_key_is_an_error_not_a_panic() {
        // Two bytes of UTF-8 each: slicing the text at byte 2 would split a character.
        for key in ["zz", "é0", "0é", "abc", "üü", "\u{1F600}"] {
            assert_eq!(
                saved_with_key(key).fingerprinter().err().as_deref(),
                Some("the fingerprint key is damaged"),
                "{key:?}"
            );
        }
    }
}
