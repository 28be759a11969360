//! The provisioning scope review: every change of the plan that changes who
//! PingFederate provisions to PingOne, beyond new exclusions (reviewed in
//! `exclusions`): an exclusion removed from the configuration whose account exists in
//! PingOne, a channel whose source location narrows (user filter, base DN, group DN)
//! or whose group source moves, the remove action switched from Disable to Delete, a
//! channel or a whole provisioning connection removed. Each says what PingFederate
//! will do to the users who leave the scope, how many PingOne can tell of (the users
//! of the channel's population), and which consent apply needs.
//!
//! PingFederate applies the remove action to "a previously-provisioned user [who] no
//! longer meets the condition set on the Source Location screen" (PingOne Integration
//! Kit, "Provisioning options reference"). What it does to the users of a channel or
//! connection that is deleted is not documented; the review says so, and treats a
//! deleted connection whose remove action is Delete as needing consent all the same.
//! Pure: compares the configuration, the last apply's record and the live objects.

use serde::Serialize;
use serde_json::{Map, Value};

use super::exclusions::exclusion_records;
use super::pingone::Resolved;
use super::{Action, Plan, Reason};
use crate::model::ldap_filter::{ScopeShift, enforces_clause, scope_shift};
use crate::model::{
    Address, ChannelReference, Desired, Observed, PingOneView, PreviousRun, ResourceKind,
};

/// The consent a scope change needs before apply goes ahead (a command-line flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeConsent {
    /// `--allow-exclusion-removal`.
    ExclusionRemoval,
    /// `--allow-remove-action-delete`.
    RemoveActionDelete,
}

/// What PingFederate does to a user who leaves the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoveOutcome {
    /// `remove_action = "Disable"`: the PingOne user is disabled.
    Disable,
    /// `remove_action = "Delete"`: the PingOne user is deleted.
    Delete,
    /// `remove_users = false`: the PingOne user is left as it is.
    LeftAlone,
}

impl RemoveOutcome {
    fn of(attributes: &Map<String, Value>) -> RemoveOutcome {
        if attributes.get("remove_users") == Some(&Value::Bool(false)) {
            return RemoveOutcome::LeftAlone;
        }
        match attributes.get("remove_action").and_then(Value::as_str) {
            Some("Delete") => RemoveOutcome::Delete,
            _ => RemoveOutcome::Disable,
        }
    }
}

/// What changes in the scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ScopeChangeKind {
    /// An exclusion applied at the last apply is gone from the configuration, and its
    /// account exists in PingOne: it comes back into scope.
    ExclusionRemoved {
        exclusion: String,
        pingone_username: String,
        pingone_user_id: String,
    },
    /// The user filter keeps every condition and adds some.
    FilterNarrowed {
        before: Option<String>,
        after: Option<String>,
    },
    /// The user filter replaces conditions.
    FilterChanged {
        before: Option<String>,
        after: Option<String>,
    },
    /// The base DN moves below the old one.
    BaseDnNarrowed { before: String, after: String },
    /// The base DN moves elsewhere (neither above nor below the old one).
    BaseDnChanged { before: String, after: String },
    /// Users are now selected by membership of a group, or of another group.
    GroupDnChanged {
        before: Option<String>,
        after: Option<String>,
    },
    /// The groups provisioned come from another place (`group_source_dn`,
    /// `group_source_filter`).
    GroupSourceChanged {
        field: String,
        before: Option<String>,
        after: Option<String>,
    },
    /// `remove_action` becomes Delete on a connection that exists.
    RemoveActionToDelete,
    /// A channel the last apply declared is removed from the connection.
    ChannelRemoved,
    /// The provisioning connection is removed (deleted, or its provisioning removed).
    ConnectionRemoved,
}

/// How many PingOne users the change may concern.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationUsers {
    /// `Employees (9a9a...)`, or the id alone when PingOne was not read.
    pub population: String,
    /// The population's `userCount`, when PingOne was read and said.
    pub users: Option<u64>,
}

/// One change of who gets provisioned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScopeChange {
    /// `provisioning_connection.NAME`.
    pub connection: Address,
    /// The channel, for a channel-level change.
    pub channel: Option<String>,
    #[serde(flatten)]
    pub kind: ScopeChangeKind,
    /// What PingFederate does to a user who leaves the scope.
    pub remove_outcome: RemoveOutcome,
    /// The populations the channels provision into: users who may leave the scope.
    pub populations: Vec<PopulationUsers>,
    /// The flag apply needs, if any.
    pub consent: Option<ScopeConsent>,
}

impl ScopeChange {
    /// `provisioning_connection.NAME.channel.CHANNEL`, or the connection's address.
    pub fn subject(&self) -> String {
        match &self.channel {
            Some(channel) => ChannelReference {
                connection: self.connection.clone(),
                channel: channel.clone(),
            }
            .to_string(),
            None => self.connection.to_string(),
        }
    }
}

impl ScopeChange {
    /// One line naming the change and the users it concerns, for the refusal that
    /// lists what needs consent.
    pub fn summary(&self) -> String {
        let subject = self.subject();
        let what = match &self.kind {
            ScopeChangeKind::ExclusionRemoved {
                exclusion,
                pingone_username,
                ..
            } => {
                return format!(
                    "PingOne user `{pingone_username}` (exclusion `{exclusion}` removed from {subject})"
                );
            }
            ScopeChangeKind::FilterNarrowed { .. } => "the user filter narrows".to_string(),
            ScopeChangeKind::FilterChanged { .. } => "the user filter changes".to_string(),
            ScopeChangeKind::BaseDnNarrowed { before, after }
            | ScopeChangeKind::BaseDnChanged { before, after } => {
                format!("the base DN moves from `{before}` to `{after}`")
            }
            ScopeChangeKind::GroupDnChanged { after, .. } => format!(
                "users are selected by membership of `{}`",
                after.as_deref().unwrap_or_default()
            ),
            ScopeChangeKind::GroupSourceChanged { field, .. } => format!("`{field}` changes"),
            ScopeChangeKind::RemoveActionToDelete => {
                "remove_action changes from Disable to Delete".to_string()
            }
            ScopeChangeKind::ChannelRemoved => "the channel is removed".to_string(),
            ScopeChangeKind::ConnectionRemoved => {
                "the provisioning connection is removed".to_string()
            }
        };
        format!("{subject}: {what}{}", self.users_text())
    }

    /// ` (population Employees (id): 25 users)`, or nothing when no population is known.
    pub fn users_text(&self) -> String {
        if self.populations.is_empty() {
            return String::new();
        }
        let parts: Vec<String> = self
            .populations
            .iter()
            .map(|p| match p.users {
                Some(1) => format!("population {}: 1 user", p.population),
                Some(count) => format!("population {}: {count} users", p.population),
                None => format!("population {}", p.population),
            })
            .collect();
        format!(" ({})", parts.join("; "))
    }
}

/// The channels of a connection's attributes, by name.
fn channels(attributes: &Map<String, Value>) -> impl Iterator<Item = (&str, &Map<String, Value>)> {
    attributes
        .get("channels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|channel| {
            let object = channel.as_object()?;
            Some((object.get("name")?.as_str()?, object))
        })
}

fn text<'a>(channel: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    channel
        .get(field)
        .and_then(Value::as_str)
        .filter(|value| !value.trim().is_empty())
}

/// The population a channel provisions into, with its user count.
fn population(channel: &Map<String, Value>, view: Option<&PingOneView>) -> Option<PopulationUsers> {
    let id = text(channel, "population_id")?;
    let found = view.and_then(|view| view.population(id));
    Some(PopulationUsers {
        population: match found {
            Some(population) => format!("{} ({id})", population.name),
            None => id.to_string(),
        },
        users: found.and_then(|population| population.user_count),
    })
}

/// Whether `dn` is `base` or below it (compared ignoring case and spaces after commas).
fn is_at_or_below(dn: &str, base: &str) -> bool {
    let normal = |text: &str| {
        text.split(',')
            .map(|part| part.trim().to_ascii_lowercase())
            .collect::<Vec<_>>()
    };
    let (dn, base) = (normal(dn), normal(base));
    dn.len() >= base.len() && dn[dn.len() - base.len()..] == base[..]
}

/// Reviews the scope changes of `plan`.
pub fn review(
    desired: &Desired,
    resolved: &Resolved,
    previous: &PreviousRun,
    observed: &Observed,
    view: Option<&PingOneView>,
    plan: &Plan,
) -> Vec<ScopeChange> {
    let mut changes = Vec::new();
    for resource in desired
        .resources
        .iter()
        .filter(|r| r.kind() == ResourceKind::ProvisioningConnection)
    {
        let Some(live) = observed.get(resource.kind().collection(), &resource.id) else {
            // A new connection has provisioned nobody yet.
            continue;
        };
        let attributes = resolved.attributes(resource);
        let outcome = RemoveOutcome::of(&attributes);
        let recorded = previous
            .objects
            .get(&resource.address)
            .map(|managed| managed.exclusions.as_slice())
            .unwrap_or_default();
        let current = exclusion_records(desired, resolved, resource);
        let change = |channel: Option<&str>, kind, populations: Vec<PopulationUsers>| {
            let consent = match (&kind, outcome) {
                (ScopeChangeKind::ExclusionRemoved { .. }, _) => {
                    Some(ScopeConsent::ExclusionRemoval)
                }
                (_, RemoveOutcome::Delete) => Some(ScopeConsent::RemoveActionDelete),
                _ => None,
            };
            ScopeChange {
                connection: resource.address.clone(),
                channel: channel.map(str::to_string),
                kind,
                remove_outcome: outcome,
                populations,
                consent,
            }
        };

        if outcome == RemoveOutcome::Delete
            && RemoveOutcome::of(&live.attributes) == RemoveOutcome::Disable
        {
            let populations = channels(&attributes)
                .filter_map(|(_, channel)| population(channel, view))
                .collect();
            changes.push(change(
                None,
                ScopeChangeKind::RemoveActionToDelete,
                populations,
            ));
        }

        let live_channels: Vec<(&str, &Map<String, Value>)> = channels(&live.attributes).collect();
        for (name, channel) in channels(&attributes) {
            let Some((_, live_channel)) = live_channels.iter().find(|(n, _)| *n == name) else {
                continue;
            };
            let populations: Vec<PopulationUsers> = population(channel, view)
                .or_else(|| population(live_channel, view))
                .into_iter()
                .collect();
            let effective = text(channel, "user_filter");
            for record in recorded.iter().filter(|r| r.channel == name) {
                let still_applied =
                    effective.is_some_and(|filter| enforces_clause(filter, &record.clause));
                if still_applied {
                    continue;
                }
                if let Some(user) = view.and_then(|view| view.user(&record.pingone_username)) {
                    changes.push(change(
                        Some(name),
                        ScopeChangeKind::ExclusionRemoved {
                            exclusion: record.name.clone(),
                            pingone_username: user.username.clone(),
                            pingone_user_id: user.id.clone(),
                        },
                        populations.clone(),
                    ));
                }
            }
            let clauses: Vec<String> = recorded
                .iter()
                .chain(current.iter())
                .filter(|r| r.channel == name)
                .map(|r| r.clause.clone())
                .collect();
            for kind in source_changes(channel, live_channel, &clauses) {
                changes.push(change(Some(name), kind, populations.clone()));
            }
        }

        // Channels the last apply declared that the configuration no longer does: the
        // write removes them (channels pingform never declared are left alone).
        if let Some(managed) = previous.objects.get(&resource.address) {
            let declared: Vec<&str> = channels(&attributes).map(|(name, _)| name).collect();
            for (name, _) in channels(&managed.attributes) {
                if declared.contains(&name) {
                    continue;
                }
                if let Some((_, live_channel)) = live_channels.iter().find(|(n, _)| *n == name) {
                    let live_outcome = RemoveOutcome::of(&live.attributes);
                    let populations = population(live_channel, view).into_iter().collect();
                    let mut removed =
                        change(Some(name), ScopeChangeKind::ChannelRemoved, populations);
                    // What the live connection would do, or the new setting if stricter.
                    if live_outcome == RemoveOutcome::Delete {
                        removed.remove_outcome = RemoveOutcome::Delete;
                        removed.consent = Some(ScopeConsent::RemoveActionDelete);
                    }
                    changes.push(removed);
                }
            }
        }
    }

    for planned in plan.changes.iter().filter(|c| {
        c.address.kind() == ResourceKind::ProvisioningConnection
            && (c.action == Action::Delete
                || c.reasons
                    .iter()
                    .any(|r| matches!(r, Reason::PartRemoved { .. })))
    }) {
        let Some(live) = observed.get(planned.address.kind().collection(), &planned.id) else {
            continue;
        };
        let outcome = RemoveOutcome::of(&live.attributes);
        changes.push(ScopeChange {
            connection: planned.address.clone(),
            channel: None,
            kind: ScopeChangeKind::ConnectionRemoved,
            remove_outcome: outcome,
            populations: channels(&live.attributes)
                .filter_map(|(_, channel)| population(channel, view))
                .collect(),
            consent: (outcome == RemoveOutcome::Delete).then_some(ScopeConsent::RemoveActionDelete),
        });
    }
    changes
}

/// How a channel's source location changes, set against the live channel: only what
/// the configuration declares is compared (pingform leaves the rest as it is), and
/// only narrowing or moving (a wider scope makes nobody leave).
fn source_changes(
    channel: &Map<String, Value>,
    live: &Map<String, Value>,
    exclusion_clauses: &[String],
) -> Vec<ScopeChangeKind> {
    let mut changes = Vec::new();
    let owned = |field: &str| channel.contains_key(field);
    let string = |object: &Map<String, Value>, field: &str| text(object, field).map(str::to_string);

    if let (Some(before), Some(after)) = (text(live, "base_dn"), text(channel, "base_dn"))
        && !before.eq_ignore_ascii_case(after)
    {
        if is_at_or_below(after, before) {
            changes.push(ScopeChangeKind::BaseDnNarrowed {
                before: before.to_string(),
                after: after.to_string(),
            });
        } else if !is_at_or_below(before, after) {
            changes.push(ScopeChangeKind::BaseDnChanged {
                before: before.to_string(),
                after: after.to_string(),
            });
        }
    }

    if owned("user_filter") {
        // Exclusion clauses, new and recorded, are reviewed on their own.
        let (before, after) = (string(live, "user_filter"), string(channel, "user_filter"));
        match scope_shift(before.as_deref(), after.as_deref(), exclusion_clauses) {
            ScopeShift::Narrowed => changes.push(ScopeChangeKind::FilterNarrowed { before, after }),
            ScopeShift::Changed => changes.push(ScopeChangeKind::FilterChanged { before, after }),
            ScopeShift::Same | ScopeShift::Widened => {}
        }
    }

    if owned("group_dn") {
        let (before, after) = (string(live, "group_dn"), string(channel, "group_dn"));
        let differs = match (&before, &after) {
            (Some(before), Some(after)) => !before.eq_ignore_ascii_case(after),
            (None, Some(_)) => true,
            _ => false,
        };
        if differs {
            changes.push(ScopeChangeKind::GroupDnChanged { before, after });
        }
    }

    for field in ["group_source_dn", "group_source_filter"] {
        if !owned(field) {
            continue;
        }
        let (before, after) = (string(live, field), string(channel, field));
        if before.is_some() && before != after {
            changes.push(ScopeChangeKind::GroupSourceChanged {
                field: field.to_string(),
                before,
                after,
            });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        DesiredResource, ExclusionRecord, ManagedObject, ObservedObject, PingOnePopulation,
        PingOneUser,
    };
    use serde_json::json;

    fn address() -> Address {
        Address::new(ResourceKind::ProvisioningConnection, "pingone")
    }

    fn attributes(remove_action: &str, channel: Value) -> Map<String, Value> {
        json!({"remove_action": remove_action, "channels": [channel]})
            .as_object()
            .unwrap()
            .clone()
    }

    fn channel(base_dn: &str, filter: &str) -> Value {
        json!({"name": "staff", "base_dn": base_dn, "user_filter": filter, "population_id": "pop-1"})
    }

    fn desired(attributes: Map<String, Value>) -> Desired {
        Desired {
            resources: vec![DesiredResource {
                address: address(),
                id: "pingone".into(),
                attributes,
                secrets: Default::default(),
                depends_on: Default::default(),
            }],
            ..Desired::default()
        }
    }

    fn observed(attributes: Map<String, Value>) -> Observed {
        let mut observed = Observed::default();
        observed.insert(ObservedObject {
            kind: ResourceKind::ProvisioningConnection,
            id: "pingone".into(),
            attributes,
            encrypted: Default::default(),
            raw: None,
            part_missing: false,
        });
        observed
    }

    fn view() -> PingOneView {
        PingOneView {
            environment_id: "env".into(),
            environment_name: "Workforce".into(),
            populations: vec![PingOnePopulation {
                id: "pop-1".into(),
                name: "Employees".into(),
                user_count: Some(40),
            }],
            users: vec![PingOneUser {
                id: "u1".into(),
                username: "admin@example.com".into(),
                population_id: None,
                enabled: true,
            }],
        }
    }

    fn previous(attributes: Map<String, Value>, exclusions: Vec<ExclusionRecord>) -> PreviousRun {
        let object = ManagedObject {
            address: address(),
            id: "pingone".into(),
            attributes,
            secrets: Default::default(),
            observed: None,
            exclusions,
        };
        PreviousRun {
            objects: [(address(), object)].into(),
            ..Default::default()
        }
    }

    fn run(
        desired_attributes: Map<String, Value>,
        live: Map<String, Value>,
        previous: &PreviousRun,
    ) -> Vec<ScopeChange> {
        review(
            &desired(desired_attributes),
            &Resolved::default(),
            previous,
            &observed(live),
            Some(&view()),
            &Plan::default(),
        )
    }

    const BASE: &str = "ou=people,dc=example";

    #[test]
    fn an_unchanged_channel_has_no_scope_change() {
        let same = attributes("Disable", channel(BASE, "(objectClass=person)"));
        assert!(run(same.clone(), same, &PreviousRun::default()).is_empty());
    }

    #[test]
    fn a_narrowed_filter_counts_the_users_of_the_population() {
        let live = attributes("Disable", channel(BASE, "(objectClass=person)"));
        let narrowed = attributes(
            "Disable",
            channel(BASE, "(&(objectClass=person)(departmentNumber=7))"),
        );
        let changes = run(narrowed, live, &PreviousRun::default());
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert!(matches!(
            changes[0].kind,
            ScopeChangeKind::FilterNarrowed { .. }
        ));
        assert_eq!(changes[0].remove_outcome, RemoveOutcome::Disable);
        assert_eq!(changes[0].populations[0].users, Some(40));
        assert_eq!(changes[0].consent, None);
    }

    #[test]
    fn a_base_dn_below_the_old_one_narrows_and_above_it_widens() {
        let live = attributes("Delete", channel(BASE, "(objectClass=person)"));
        let below = attributes(
            "Delete",
            channel("ou=staff,ou=people,dc=example", "(objectClass=person)"),
        );
        let changes = run(below, live.clone(), &PreviousRun::default());
        assert!(matches!(
            changes[0].kind,
            ScopeChangeKind::BaseDnNarrowed { .. }
        ));
        assert_eq!(changes[0].consent, Some(ScopeConsent::RemoveActionDelete));
        let above = attributes("Delete", channel("dc=example", "(objectClass=person)"));
        assert!(run(above, live, &PreviousRun::default()).is_empty());
    }

    #[test]
    fn switching_to_delete_needs_consent() {
        let live = attributes("Disable", channel(BASE, "(objectClass=person)"));
        let delete = attributes("Delete", channel(BASE, "(objectClass=person)"));
        let changes = run(delete, live, &PreviousRun::default());
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].kind, ScopeChangeKind::RemoveActionToDelete);
        assert_eq!(changes[0].consent, Some(ScopeConsent::RemoveActionDelete));
    }

    #[test]
    fn a_removed_exclusion_whose_account_exists_needs_consent_and_a_kept_one_does_not() {
        let record = ExclusionRecord {
            name: "admin".into(),
            channel: "staff".into(),
            pingone_username: "admin@example.com".into(),
            clause: "(!(uid=admin))".into(),
        };
        let with = attributes(
            "Disable",
            channel(BASE, "(&(objectClass=person)(!(uid=admin)))"),
        );
        let without = attributes("Disable", channel(BASE, "(objectClass=person)"));
        let previous = previous(with.clone(), vec![record]);
        let changes = run(without, with.clone(), &previous);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(
            changes[0].kind,
            ScopeChangeKind::ExclusionRemoved {
                exclusion: "admin".into(),
                pingone_username: "admin@example.com".into(),
                pingone_user_id: "u1".into(),
            }
        );
        assert_eq!(changes[0].consent, Some(ScopeConsent::ExclusionRemoval));
        assert!(run(with.clone(), with, &previous).is_empty());
    }

    #[test]
    fn a_channel_the_last_apply_declared_is_removed() {
        let live = attributes("Delete", channel(BASE, "(objectClass=person)"));
        let mut none = live.clone();
        none.insert("channels".into(), json!([]));
        let changes = run(none, live.clone(), &previous(live, Vec::new()));
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].kind, ScopeChangeKind::ChannelRemoved);
        assert_eq!(changes[0].consent, Some(ScopeConsent::RemoveActionDelete));
    }
}
