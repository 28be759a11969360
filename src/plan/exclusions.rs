//! The exclusion review: for every channel, its effective user filter and the
//! exclusions in it; for every excluded account, what PingOne knows of it; and the
//! warnings a careful reviewer needs (an exclusion the live filter does not enforce, an
//! account that will now get the remove action, a channel that targets nobody).

use serde::Serialize;
use serde_json::Value;

use super::pingone::{Resolved, channel_dn_attribute};
use super::scope::ScopeChange;
use super::{Plan, Reason};
use crate::model::ldap_filter::Filter;
use crate::model::{
    ChannelReference, Desired, DesiredResource, Exclusion, ExclusionRecord, Observed, PingOneView,
    PreviousRun, ResourceKind, ldap_filter,
};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExclusionReview {
    pub channels: Vec<ChannelFilter>,
    pub accounts: Vec<ExcludedAccount>,
    pub warnings: Vec<String>,
    /// Accounts that will get the `Delete` remove action: apply refuses these unless
    /// told otherwise.
    pub deletions: Vec<String>,
    /// Every other change of who gets provisioned (`scope`).
    pub scope: Vec<ScopeChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelFilter {
    pub channel: ChannelReference,
    /// The effective user filter (declared AND NOT each exclusion).
    pub filter: Option<String>,
    pub exclusions: Vec<String>,
    /// Exclusions the live filter in PingFederate does not enforce.
    pub not_enforced_live: Vec<String>,
    /// Those of `not_enforced_live` the last apply had put in the filter: dropped
    /// outside pingform since, and restored by this plan (the others are new).
    pub restored: Vec<String>,
    /// The population the channel provisions into, by name when PingOne was read.
    pub population: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExcludedAccount {
    pub exclusion: String,
    pub pingone_username: String,
    /// The PingOne user id, when the account exists.
    pub pingone_user_id: Option<String>,
    pub reason: String,
}

fn applies_to(exclusion: &Exclusion, channel: &ChannelReference) -> bool {
    exclusion.channels.contains(channel)
}

/// The exclusions compiled into the channels of `resource` (a provisioning
/// connection), as the state records them after an apply.
pub fn exclusion_records(
    desired: &Desired,
    resolved: &Resolved,
    resource: &DesiredResource,
) -> Vec<ExclusionRecord> {
    if resource.kind() != ResourceKind::ProvisioningConnection {
        return Vec::new();
    }
    let attributes = resolved.attributes(resource);
    let mut records = Vec::new();
    for channel in attributes
        .get("channels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        let Some(name) = channel.get("name").and_then(Value::as_str) else {
            continue;
        };
        let reference = ChannelReference {
            connection: resource.address.clone(),
            channel: name.to_string(),
        };
        let dn_attribute = channel_dn_attribute(&resolved.context, channel);
        for exclusion in desired
            .exclusions
            .iter()
            .filter(|e| applies_to(e, &reference))
        {
            records.push(ExclusionRecord {
                name: exclusion.name.clone(),
                channel: name.to_string(),
                pingone_username: exclusion.pingone_username.clone(),
                clause: exclusion.source.clause_with_dn_attribute(dn_attribute),
            });
        }
    }
    records
}

/// Reviews the exclusions of `desired` against the live channels, what the last apply
/// recorded, and PingOne.
pub fn review(
    desired: &Desired,
    resolved: &Resolved,
    previous: &PreviousRun,
    observed: &Observed,
    view: Option<&PingOneView>,
) -> ExclusionReview {
    let mut review = ExclusionReview::default();
    for resource in desired
        .resources
        .iter()
        .filter(|r| r.kind() == ResourceKind::ProvisioningConnection)
    {
        let attributes = resolved.attributes(resource);
        let remove_action = attributes
            .get("remove_action")
            .and_then(Value::as_str)
            .unwrap_or("Disable");
        let removes = attributes.get("remove_users") != Some(&Value::Bool(false));
        let live = observed.get(resource.kind().collection(), &resource.id);
        for channel in attributes
            .get("channels")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = channel
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let reference = ChannelReference {
                connection: resource.address.clone(),
                channel: name.to_string(),
            };
            let exclusions: Vec<&Exclusion> = desired
                .exclusions
                .iter()
                .filter(|e| applies_to(e, &reference))
                .collect();
            let filter = channel
                .get("user_filter")
                .and_then(Value::as_str)
                .map(str::to_string);
            let live_channel = live.and_then(|live| {
                live.attributes
                    .get("channels")
                    .and_then(Value::as_array)?
                    .iter()
                    .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
                    .cloned()
            });
            let mut not_enforced = Vec::new();
            let mut restored = Vec::new();
            let recorded = previous
                .objects
                .get(&resource.address)
                .map(|managed| managed.exclusions.as_slice())
                .unwrap_or_default();
            let live_group = live_channel
                .as_ref()
                .and_then(|c| c.get("group_dn"))
                .and_then(Value::as_str)
                .filter(|dn| !dn.is_empty());
            if let Some(group_dn) = live_group
                && channel.get("group_dn").is_none()
                && !exclusions.is_empty()
            {
                // Set outside pingform, which leaves it alone; PingFederate does not
                // document whether the user filter narrows the group's members.
                review.warnings.push(format!(
                    "{reference} selects users by the group `{group_dn}` (set outside pingform): PingFederate does not document whether its user filter, where the exclusions go, narrows a group's members, so {} might not be enforced",
                    exclusions
                        .iter()
                        .map(|e| format!("`{}`", e.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if let Some(live_channel) = &live_channel {
                let live_filter = live_channel
                    .get("user_filter")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let matches: Vec<_> = exclusions.iter().map(|e| e.source.clone()).collect();
                let dn_attribute = channel.as_object().map_or("entryDN", |object| {
                    channel_dn_attribute(&resolved.context, object)
                });
                let missing = if live_filter.is_empty() {
                    (0..matches.len()).collect()
                } else {
                    ldap_filter::missing_exclusions_with_dn_attribute(
                        live_filter,
                        &matches,
                        dn_attribute,
                    )
                };
                for index in missing {
                    let exclusion = exclusions[index];
                    not_enforced.push(exclusion.name.clone());
                    let clause = exclusion.source.clause_with_dn_attribute(dn_attribute);
                    let was_applied = recorded
                        .iter()
                        .any(|r| r.channel == name && r.clause == clause);
                    if was_applied {
                        restored.push(exclusion.name.clone());
                    }
                    if let Some(user) = view.and_then(|v| v.user(&exclusion.pingone_username)) {
                        let consequence = if !removes {
                            "remove_users is false, so PingFederate leaves it alone".to_string()
                        } else if was_applied {
                            format!(
                                "PingFederate may have linked and updated it from the directory meanwhile, and will now apply the remove action ({remove_action}) to it"
                            )
                        } else {
                            format!(
                                "if PingFederate provisioned it before, PingFederate will now apply the remove action ({remove_action}) to it"
                            )
                        };
                        let what = if was_applied {
                            format!(
                                "was dropped from the live user filter of {reference} since the last apply (edited outside pingform), and this plan restores it"
                            )
                        } else {
                            format!("is new on {reference}")
                        };
                        review.warnings.push(format!(
                            "exclusion `{}` {what}: PingOne user `{}` exists; {consequence}",
                            exclusion.name, user.username
                        ));
                        if removes && remove_action == "Delete" {
                            review.deletions.push(format!(
                                "PingOne user `{}` (exclusion `{}`, {reference})",
                                user.username, exclusion.name
                            ));
                        }
                    }
                }
            }
            if let Some(contradiction) = filter
                .as_deref()
                .and_then(|f| contradiction(f, &exclusions))
            {
                review.warnings.push(format!(
                    "{reference} targets no users: its filter requires {contradiction}, which an exclusion removes"
                ));
            }
            let population = channel
                .get("population_id")
                .and_then(Value::as_str)
                .map(|id| match view.and_then(|v| v.population(id)) {
                    Some(population) => format!("{} ({id})", population.name),
                    None => id.to_string(),
                });
            review.channels.push(ChannelFilter {
                channel: reference.clone(),
                filter,
                exclusions: exclusions.iter().map(|e| e.name.clone()).collect(),
                not_enforced_live: not_enforced,
                restored,
                population,
            });
        }
    }
    for exclusion in &desired.exclusions {
        let user = view.and_then(|v| v.user(&exclusion.pingone_username));
        if view.is_some() && user.is_none() {
            review.warnings.push(format!(
                "exclusion `{}`: PingOne has no user `{}` (not provisioned yet, or a misspelt username)",
                exclusion.name, exclusion.pingone_username
            ));
        }
        review.accounts.push(ExcludedAccount {
            exclusion: exclusion.name.clone(),
            pingone_username: exclusion.pingone_username.clone(),
            pingone_user_id: user.map(|u| u.id.clone()),
            reason: exclusion.reason.clone(),
        });
    }
    review
}

/// `attribute=value` when the filter's top-level AND requires an equality that one of
/// the exclusions negates: such a channel can match no entry at all.
fn contradiction(filter: &str, exclusions: &[&Exclusion]) -> Option<String> {
    let parsed = ldap_filter::parse(filter).ok()?;
    let children = match &parsed {
        Filter::And(children) => children.clone(),
        other => vec![other.clone()],
    };
    for child in &children {
        let Filter::Equality { attribute, value } = child else {
            continue;
        };
        let negated = children.iter().any(|other| match other {
            Filter::Not(inner) => {
                matches!(inner.as_ref(), Filter::Equality { attribute: a, value: v }
                if a.eq_ignore_ascii_case(attribute) && v == value)
            }
            _ => false,
        });
        if negated && !exclusions.is_empty() {
            return Some(format!("{attribute}={}", String::from_utf8_lossy(value)));
        }
    }
    None
}

/// Adds the review's findings to the changes they explain.
pub fn annotate(plan: &mut Plan, review: &ExclusionReview) {
    for filter in review
        .channels
        .iter()
        .filter(|c| !c.not_enforced_live.is_empty())
    {
        if let Some(change) = plan
            .changes
            .iter_mut()
            .find(|c| c.address == filter.channel.connection)
        {
            for name in &filter.not_enforced_live {
                change.reasons.push(Reason::ExclusionNotEnforced {
                    exclusion: name.clone(),
                    channel: filter.channel.clone(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ldap_filter::ExclusionMatch;
    use crate::model::{Address, DesiredResource, ObservedObject, PingOneUser};
    use serde_json::json;

    fn connection(filter: &str, remove_action: &str) -> DesiredResource {
        DesiredResource {
            address: Address::new(ResourceKind::ProvisioningConnection, "pingone"),
            id: "pingone".into(),
            attributes: json!({
                "remove_action": remove_action,
                "channels": [{"name": "employees", "user_filter": filter, "population_id": "pop-1"}]
            })
            .as_object()
            .unwrap()
            .clone(),
            secrets: Default::default(),
            depends_on: Default::default(),
        }
    }

    fn exclusion() -> Exclusion {
        Exclusion {
            name: "admin".into(),
            pingone_username: "admin@example.com".into(),
            source: ExclusionMatch::Attribute {
                name: "uid".into(),
                value: "admin".into(),
            },
            channels: vec![ChannelReference {
                connection: Address::new(ResourceKind::ProvisioningConnection, "pingone"),
                channel: "employees".into(),
            }],
            reason: "administers PingOne".into(),
        }
    }

    fn live(filter: &str) -> Observed {
        let mut observed = Observed::default();
        observed.insert(ObservedObject {
            kind: ResourceKind::ProvisioningConnection,
            id: "pingone".into(),
            attributes: json!({"channels": [{"name": "employees", "user_filter": filter}]})
                .as_object()
                .unwrap()
                .clone(),
            encrypted: Default::default(),
            raw: None,
            part_missing: false,
        });
        observed
    }

    fn view(with_admin: bool) -> PingOneView {
        PingOneView {
            environment_id: "env".into(),
            environment_name: "Workforce".into(),
            populations: vec![crate::model::PingOnePopulation {
                id: "pop-1".into(),
                name: "Employees".into(),
                user_count: Some(12),
            }],
            users: if with_admin {
                vec![PingOneUser {
                    id: "u1".into(),
                    username: "admin@example.com".into(),
                    population_id: None,
                    enabled: true,
                }]
            } else {
                Vec::new()
            },
        }
    }

    fn desired(filter: &str, remove_action: &str) -> Desired {
        Desired {
            resources: vec![connection(filter, remove_action)],
            exclusions: vec![exclusion()],
            ..Desired::default()
        }
    }

    const COMPOSED: &str = "(&(objectClass=person)(!(uid=admin)))";

    #[test]
    fn an_enforced_exclusion_raises_nothing() {
        let review = review(
            &desired(COMPOSED, "Disable"),
            &Resolved::default(),
            &PreviousRun::default(),
            &live(COMPOSED),
            Some(&view(true)),
        );
        assert!(review.warnings.is_empty(), "{:?}", review.warnings);
        assert_eq!(review.channels[0].exclusions, ["admin"]);
        assert_eq!(
            review.channels[0].population.as_deref(),
            Some("Employees (pop-1)")
        );
        assert_eq!(review.accounts[0].pingone_user_id.as_deref(), Some("u1"));
    }

    #[test]
    fn a_new_exclusion_on_an_existing_account_warns_and_delete_blocks() {
        let review = review(
            &desired(COMPOSED, "Delete"),
            &Resolved::default(),
            &PreviousRun::default(),
            &live("(objectClass=person)"),
            Some(&view(true)),
        );
        assert_eq!(review.channels[0].not_enforced_live, ["admin"]);
        assert!(
            review.warnings[0].contains("remove action (Delete)"),
            "{:?}",
            review.warnings
        );
        assert_eq!(review.deletions.len(), 1);
        let disable = super::review(
            &desired(COMPOSED, "Disable"),
            &Resolved::default(),
            &PreviousRun::default(),
            &live("(objectClass=person)"),
            Some(&view(true)),
        );
        assert!(disable.deletions.is_empty());
        assert!(disable.warnings[0].contains("remove action (Disable)"));
    }

    #[test]
    fn a_missing_account_and_a_channel_targeting_nobody_warn() {
        let filter = "(&(uid=admin)(!(uid=admin)))";
        let review = review(
            &desired(filter, "Disable"),
            &Resolved::default(),
            &PreviousRun::default(),
            &Observed::default(),
            Some(&view(false)),
        );
        assert!(
            review
                .warnings
                .iter()
                .any(|w| w.contains("targets no users")),
            "{:?}",
            review.warnings
        );
        assert!(
            review
                .warnings
                .iter()
                .any(|w| w.contains("PingOne has no user")),
            "{:?}",
            review.warnings
        );
    }
}
