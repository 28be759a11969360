//! `pingform import`: the configuration for the live objects the configuration does not
//! declare yet, as a careful engineer would write it, and what a plan of it must show.
//!
//! Owns which live objects are imported (data stores, the outbound provisioning
//! settings, PingOne connections, SP connections that provision to PingOne; not those
//! declared, forgotten by a `removed` block, or of a kind or plugin pingform cannot
//! express), their block names (the state's address when it manages the object, else
//! derived from the object's name), the blocks themselves (`blocks`), the exclusions
//! recovered from the channels' live filters (`exclusions`), and the check that a plan
//! of the result adopts every imported object without a change. Pure: no HTTP, no
//! files, no state; `command::import` reads, writes and records.

mod blocks;
pub mod document;
mod exclusions;
mod names;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::model::kinds::dn_attribute;
use crate::model::ldap_filter::ExclusionMatch;
use crate::model::{
    Address, ChannelReference, Collection, Desired, Observed, ObservedObject, PingOneView,
    PluginDescriptor, PreviousRun, ResourceKind, is_valid_id,
};
use crate::plan::{Action, Plan, default_context};

use blocks::Context;
use document::{Block, Document, Expression};
use exclusions::{Recovered, UsernameSource, recover};
use names::{Names, looks_generated, slug};

/// What an import is made from.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    /// The configuration as it is.
    pub desired: &'a Desired,
    /// The `environment_id` of the files' own `pingone` block.
    pub declared_pingone_environment: Option<&'a str>,
    pub previous: &'a PreviousRun,
    pub observed: &'a Observed,
    /// PingOne's populations and the users looked up, when PingOne was read.
    pub pingone: Option<&'a PingOneView>,
    /// The CUSTOM data store plugins PingFederate knows.
    pub plugins: &'a [PluginDescriptor],
    /// `--only` prefixes of addresses (`datastore.ldap`, `provisioning_connection.hr`);
    /// none: everything.
    pub only: &'a [String],
    /// Objects an earlier attempt found pingform cannot express, with what it found.
    pub left_out: &'a BTreeMap<(Collection, String), String>,
}

/// The configuration to write, and what it holds.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub document: Document,
    /// For each block of the document, the imported objects it stands for (one for a
    /// resource; for an exclusion, the connections whose filters it came from).
    pub origins: Vec<Vec<Address>>,
    /// The imported objects, in address order.
    pub objects: Vec<ImportedObject>,
    /// The exclusion blocks written.
    pub exclusions: Vec<ImportedExclusion>,
    /// What was not imported, and why.
    pub skipped: Vec<Skipped>,
    /// The PingOne usernames the recovered exclusions name, to look up.
    pub usernames: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedObject {
    pub address: Address,
    pub collection: Collection,
    pub id: String,
}

/// An exclusion recovered from the live filters of `channels`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedExclusion {
    pub name: String,
    pub channels: Vec<ChannelReference>,
}

/// A live object left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// What it is: its kind and name, or what PingFederate says it is ("a
    /// PING_ONE_LDAP_GATEWAY data store").
    pub what: String,
    pub id: String,
    pub why: SkipReason,
}

/// Why a live object is not imported; `render` words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// An SP connection without outbound provisioning: not provisioning configuration.
    NotProvisioning,
    /// A kind pingform does not model.
    NotModelled,
    /// A CUSTOM store whose plugin PingFederate has no descriptor for.
    UnknownPlugin { plugin: String },
    /// A channel whose name cannot be a block label.
    ChannelName { channel: String },
    /// Outbound provisioning with no store selected.
    NoProvisioningStore,
    /// An id the configuration cannot declare.
    InvalidId,
    /// A `removed` block forgets the object at this address.
    Removed { address: Address },
    /// Exclusions the configuration applies to every channel that a live filter lacks.
    ExclusionsMissing {
        exclusions: Vec<String>,
        channel: String,
    },
    /// The check of the written configuration found it inexact: a diagnostic of the
    /// written block, a plan error, or a change the plan would make.
    Inexact { detail: String },
}

impl SkipReason {
    /// Whether pingform should have been able to import it (a warning), rather than
    /// the object not being provisioning configuration at all or being forgotten on
    /// purpose (a note).
    pub fn is_warning(&self) -> bool {
        !matches!(
            self,
            SkipReason::NotProvisioning | SkipReason::Removed { .. }
        )
    }
}

impl Imported {
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

/// The first lines of every file `pingform import` writes.
const HEADER: &[&str] = &[
    "Written by `pingform import` from the live PingFederate: the objects the",
    "configuration did not declare yet. Secrets are not written; PingFederate keeps them,",
    "and each block says how to take one over.",
];

/// What the imported configuration is: see the module notes.
pub fn generate(inputs: Inputs<'_>) -> Imported {
    let desired = inputs.desired;
    let mut imported = Imported::default();
    let declared: BTreeSet<(Collection, &str)> = desired
        .resources
        .iter()
        .map(|r| (r.kind().collection(), r.id.as_str()))
        .collect();
    // Objects the state manages under an address the configuration no longer declares
    // keep that address; those a `removed` block forgets stay forgotten.
    let mut state_addresses: BTreeMap<(Collection, &str), &Address> = BTreeMap::new();
    let mut forgotten: BTreeSet<(Collection, &str)> = BTreeSet::new();
    for (address, managed) in &inputs.previous.objects {
        let key = (address.kind().collection(), managed.id.as_str());
        if desired.removed.contains_key(address) {
            forgotten.insert(key);
        } else if desired.get(address).is_none() {
            state_addresses.insert(key, address);
        }
    }

    // Which live objects to import, and why the others are not.
    let mut candidates: Vec<&ObservedObject> = Vec::new();
    let mut objects: Vec<&ObservedObject> = inputs.observed.objects().collect();
    objects.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    for object in objects {
        let key = (object.kind.collection(), object.id.as_str());
        if declared.contains(&key) || forgotten.contains(&key) {
            continue;
        }
        let skip = |why: SkipReason| Skipped {
            what: describe(object),
            id: object.id.clone(),
            why,
        };
        if let Some(detail) = inputs.left_out.get(&(key.0, object.id.clone())) {
            imported.skipped.push(skip(SkipReason::Inexact {
                detail: detail.clone(),
            }));
            continue;
        }
        match cannot_express(object, inputs.plugins) {
            Some(why) => imported.skipped.push(skip(why)),
            None => candidates.push(object),
        }
    }
    for (collection, id, what) in inputs.observed.foreign_objects() {
        let wanted = inputs.only.is_empty()
            || ResourceKind::in_collection(collection)
                .any(|kind| inputs.only.iter().any(|prefix| selects_kind(prefix, kind)));
        if wanted && !declared.contains(&(collection, id)) {
            imported.skipped.push(Skipped {
                what: what.to_string(),
                id: id.to_string(),
                why: SkipReason::NotModelled,
            });
        }
    }

    // Addresses: the state's, else derived from the object's name, in a stable order.
    let mut names: NameSpaces = BTreeMap::new();
    for resource in &desired.resources {
        names_of(&mut names, resource.kind()).keep(resource.address.name().unwrap_or_default());
    }
    for address in inputs.previous.objects.keys() {
        names_of(&mut names, address.kind()).keep(address.name().unwrap_or_default());
    }
    let mut wanted: Vec<(&ObservedObject, String)> = candidates
        .iter()
        .map(|object| (*object, base_name(object)))
        .collect();
    wanted.sort_by(|a, b| (a.0.kind, &a.1, &a.0.id).cmp(&(b.0.kind, &b.1, &b.0.id)));
    for address in desired.removed.keys() {
        names_of(&mut names, address.kind()).keep(address.name().unwrap_or_default());
    }
    let mut chosen: Vec<(&ObservedObject, Address)> = Vec::new();
    for (object, base) in wanted {
        let key = (object.kind.collection(), object.id.as_str());
        // Once a `removed` block is applied the state no longer says which object it
        // forgot; the object whose block it was would get that address again.
        let forgotten = Address::new(object.kind, base.clone());
        if !state_addresses.contains_key(&key) && desired.removed.contains_key(&forgotten) {
            imported.skipped.push(Skipped {
                what: describe(object),
                id: object.id.clone(),
                why: SkipReason::Removed { address: forgotten },
            });
            continue;
        }
        let address = match state_addresses.get(&key) {
            Some(address) if address.kind() == object.kind => (*address).clone(),
            _ if object.kind.is_singleton() => Address::singleton(object.kind),
            _ => Address::new(object.kind, names_of(&mut names, object.kind).claim(&base)),
        };
        if selected(&address, inputs.only) {
            chosen.push((object, address));
        }
    }
    chosen.sort_by(|a, b| a.1.cmp(&b.1));

    // References point at declared and imported objects.
    let mut references: BTreeMap<(Collection, String), Address> = desired
        .resources
        .iter()
        .map(|r| ((r.kind().collection(), r.id.clone()), r.address.clone()))
        .collect();
    for (object, address) in &chosen {
        references.insert(
            (object.kind.collection(), object.id.clone()),
            address.clone(),
        );
    }
    let directories = default_context(Some(desired), inputs.observed).directories;
    let context = Context {
        references: &references,
        directories: &directories,
        pingone_environment: inputs.declared_pingone_environment,
        pingone: inputs.pingone,
        plugins: inputs.plugins,
    };

    // Every channel's live filter read back; a connection whose filters lack an
    // exclusion the configuration applies everywhere cannot be imported as it is.
    let every_channel: Vec<(String, ExclusionMatch)> = desired
        .exclusions
        .iter()
        .filter(|exclusion| exclusion.every_channel)
        .map(|exclusion| (exclusion.name.clone(), exclusion.source.clone()))
        .collect();
    let mut recovered: BTreeMap<Address, BTreeMap<String, Recovered>> = BTreeMap::new();
    chosen.retain(|(object, address)| {
        if object.kind != ResourceKind::ProvisioningConnection {
            return true;
        }
        let mut channels = BTreeMap::new();
        for channel in channels_of(object) {
            let Some(name) = channel.get("name").and_then(Value::as_str) else {
                continue;
            };
            let directory = channel
                .get("datastore")
                .and_then(Value::as_str)
                .and_then(|id| directories.get(id))
                .map(String::as_str);
            let source = UsernameSource::from_mapping(
                channel
                    .get("attribute_mapping")
                    .and_then(|mapping| mapping.get("username")),
            );
            let selects_by_group = channel
                .get("group_dn")
                .and_then(Value::as_str)
                .is_some_and(|dn| !dn.is_empty());
            let result = recover(
                channel.get("user_filter").and_then(Value::as_str),
                dn_attribute(directory),
                &source,
                &every_channel,
                selects_by_group,
            );
            if !result.missing.is_empty() {
                imported.skipped.push(Skipped {
                    what: address.to_string(),
                    id: object.id.clone(),
                    why: SkipReason::ExclusionsMissing {
                        exclusions: result.missing.clone(),
                        channel: name.to_string(),
                    },
                });
                return false;
            }
            channels.insert(name.to_string(), result);
        }
        recovered.insert(address.clone(), channels);
        true
    });

    imported.document.header = HEADER.iter().map(|line| line.to_string()).collect();
    for (object, address) in &chosen {
        let channels = recovered.get(address).cloned().unwrap_or_default();
        imported
            .document
            .blocks
            .push(blocks::resource_block(object, address, &context, &channels));
        imported.origins.push(vec![address.clone()]);
        imported.objects.push(ImportedObject {
            address: address.clone(),
            collection: object.kind.collection(),
            id: object.id.clone(),
        });
    }
    exclusion_blocks(&mut imported, desired, &recovered, inputs.pingone);
    imported
}

/// Why pingform cannot write `object` as a block, if it cannot.
fn cannot_express(object: &ObservedObject, plugins: &[PluginDescriptor]) -> Option<SkipReason> {
    match object.kind {
        ResourceKind::ProvisioningConnection if object.part_missing => {
            Some(SkipReason::NotProvisioning)
        }
        ResourceKind::ProvisioningConnection => channels_of(object)
            .iter()
            .filter_map(|channel| channel.get("name").and_then(Value::as_str))
            .find(|name| !crate::config::is_valid_name(name))
            .map(|name| SkipReason::ChannelName {
                channel: name.to_string(),
            }),
        ResourceKind::OutboundProvisioning => {
            let store = object.attributes.get("datastore").and_then(Value::as_str);
            store
                .is_none_or(str::is_empty)
                .then_some(SkipReason::NoProvisioningStore)
        }
        ResourceKind::DatastoreCustom => {
            let plugin = object
                .attributes
                .get("plugin_descriptor_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            (!plugins.iter().any(|p| p.id == plugin)).then(|| SkipReason::UnknownPlugin {
                plugin: plugin.to_string(),
            })
        }
        _ if !object.kind.is_singleton() && !is_valid_id(&object.id) => Some(SkipReason::InvalidId),
        _ => None,
    }
}

/// An object in words: "SP connection \"docker\"", "LDAP data store \"corp\"".
fn describe(object: &ObservedObject) -> String {
    let what = if object.part_missing {
        "SP connection"
    } else {
        object.kind.describe()
    };
    let name = object.attributes.get("name").and_then(Value::as_str);
    match name {
        Some(name)
            if blocks::computed_name(object.kind, &object.attributes).as_deref() != Some(name) =>
        {
            format!("{what} \"{name}\"")
        }
        _ => what.to_string(),
    }
}

fn channels_of(object: &ObservedObject) -> Vec<&serde_json::Map<String, Value>> {
    object
        .attributes
        .get("channels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .collect()
}

/// The names of one block type and kind.
type NameSpaces = BTreeMap<(&'static str, Option<&'static str>), Names>;

fn names_of(names: &mut NameSpaces, kind: ResourceKind) -> &mut Names {
    names
        .entry((kind.block_type(), kind.kind_label()))
        .or_default()
}

/// What a person calls the object: its name unless PingFederate made it up from the
/// object's settings, else its id unless that looks made up too.
fn base_name(object: &ObservedObject) -> String {
    let fallback = object.kind.kind_label().unwrap_or(object.kind.block_type());
    let name = object.attributes.get("name").and_then(Value::as_str);
    let made_up =
        name.is_some() && blocks::computed_name(object.kind, &object.attributes).as_deref() == name;
    let chosen = match name {
        Some(name) if !made_up => name,
        _ if !looks_generated(&object.id) => object.id.as_str(),
        Some(name) => name,
        None => object.id.as_str(),
    };
    slug(chosen, fallback)
}

/// Whether `--only` selects `address`: no prefixes, or one whose dotted parts begin
/// the address's.
fn selected(address: &Address, only: &[String]) -> bool {
    let text = address.to_string();
    let parts: Vec<&str> = text.split('.').collect();
    only.is_empty()
        || only.iter().any(|prefix| {
            let wanted: Vec<&str> = prefix.split('.').collect();
            wanted.len() <= parts.len() && parts[..wanted.len()] == wanted[..]
        })
}

/// Whether a `--only` prefix may select anything pingform imports.
pub fn selects_anything(prefix: &str) -> bool {
    ResourceKind::ALL
        .into_iter()
        .any(|kind| selects_kind(prefix, kind))
}

/// Whether a `--only` prefix may select objects of `kind`.
fn selects_kind(prefix: &str, kind: ResourceKind) -> bool {
    let mut head = vec![kind.block_type()];
    head.extend(kind.kind_label());
    let wanted: Vec<&str> = prefix.split('.').collect();
    wanted
        .iter()
        .zip(head.iter())
        .all(|(wanted, part)| wanted == part)
}

/// Every declared channel, for telling exclusions that apply everywhere.
fn declared_channels(desired: &Desired) -> BTreeSet<ChannelReference> {
    desired.channels().map(|(channel, _)| channel).collect()
}

/// One `exclusion` block per account and clause, with the channels it came from.
fn exclusion_blocks(
    imported: &mut Imported,
    desired: &Desired,
    recovered: &BTreeMap<Address, BTreeMap<String, Recovered>>,
    pingone: Option<&PingOneView>,
) {
    // The clause and username of each exclusion, and its channels.
    let mut groups: BTreeMap<(String, String), (ExclusionMatch, Vec<ChannelReference>)> =
        BTreeMap::new();
    for (connection, channels) in recovered {
        for (channel, result) in channels {
            for (exclusion, username) in &result.exclusions {
                let key = (format!("{exclusion:?}"), username.clone());
                groups
                    .entry(key)
                    .or_insert_with(|| (exclusion.clone(), Vec::new()))
                    .1
                    .push(ChannelReference {
                        connection: connection.clone(),
                        channel: channel.clone(),
                    });
            }
        }
    }
    if groups.is_empty() {
        return;
    }
    let mut every: BTreeSet<ChannelReference> = declared_channels(desired);
    every.extend(recovered.iter().flat_map(|(connection, channels)| {
        channels.keys().map(|channel| ChannelReference {
            connection: connection.clone(),
            channel: channel.clone(),
        })
    }));
    let mut names = Names::new(desired.exclusions.iter().map(|e| e.name.clone()));
    let mut ordered: Vec<(String, ExclusionMatch, String, Vec<ChannelReference>)> = groups
        .into_iter()
        .map(|((_, username), (exclusion, channels))| {
            let value = match &exclusion {
                // An e-mail address is named after its local part.
                ExclusionMatch::Attribute { value, .. } => {
                    value.split('@').next().unwrap_or(value).to_string()
                }
                ExclusionMatch::DistinguishedName(dn) => dn
                    .split(',')
                    .next()
                    .and_then(|rdn| rdn.split_once('='))
                    .map_or(dn.clone(), |(_, value)| value.to_string()),
            };
            (slug(&value, "account"), exclusion, username, channels)
        })
        .collect();
    ordered.sort_by(|a, b| (&a.0, &a.2).cmp(&(&b.0, &b.2)));
    for (base, exclusion, username, mut channels) in ordered {
        channels.sort();
        let name = names.claim(&base);
        let found = pingone.and_then(|view| view.user(&username));
        let mut block = Block::new("exclusion", vec![name.clone()]);
        let from: Vec<String> = channels.iter().map(ToString::to_string).collect();
        block.comments.push(format!(
            "Taken from the live user filter of {}.",
            from.join(", ")
        ));
        let pingone_username = match found {
            Some(user) => user.username.clone(),
            None => {
                block.comments.push(match pingone {
                    Some(_) => format!(
                        "PingOne has no user `{username}` yet: it is the username the channel's mapping gives the entry."
                    ),
                    None => format!(
                        "PingOne was not read (no `pingone` block): `{username}` is the username the channel's mapping gives the entry."
                    ),
                });
                username.clone()
            }
        };
        imported.usernames.push(username);
        block.attribute("pingone_username", Expression::string(pingone_username));
        match &exclusion {
            ExclusionMatch::Attribute { name, value } => {
                block.attribute("source_attribute", Expression::string(name));
                block.attribute("source_value", Expression::string(value));
            }
            ExclusionMatch::DistinguishedName(dn) => {
                block.attribute("source_dn", Expression::string(dn));
            }
        }
        if channels.iter().cloned().collect::<BTreeSet<_>>() != every {
            block.attribute(
                "channels",
                Expression::List(
                    channels
                        .iter()
                        .map(|c| Expression::Reference(c.to_string()))
                        .collect(),
                ),
            );
        }
        block.attribute(
            "reason",
            Expression::string(
                "kept out of provisioning in PingFederate before pingform managed it",
            ),
        );
        let mut origins: Vec<Address> = channels.iter().map(|c| c.connection.clone()).collect();
        origins.dedup();
        imported.document.blocks.push(block);
        imported.origins.push(origins);
        imported
            .exclusions
            .push(ImportedExclusion { name, channels });
    }
    imported.usernames.sort();
    imported.usernames.dedup();
}

/// The imported objects a plan of the written configuration would not just adopt,
/// with what it would do instead.
pub fn inexact(imported: &Imported, plan: &Plan) -> Vec<(Address, String)> {
    let addresses: BTreeSet<&Address> = imported.objects.iter().map(|o| &o.address).collect();
    plan.changes
        .iter()
        .filter(|change| addresses.contains(&change.address) && change.action != Action::NoOp)
        .map(|change| {
            let mut what: Vec<String> = change.fields.iter().map(|f| f.field.clone()).collect();
            what.extend(
                change
                    .secrets
                    .iter()
                    .filter(|s| s.status.is_change())
                    .map(|s| s.field.clone()),
            );
            (
                change.address.clone(),
                format!(
                    "a plan of the written block would {} it{}",
                    change.action.as_str(),
                    if what.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", what.join(", "))
                    }
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_selects_whole_address_parts() {
        let address: Address = "provisioning_connection.hr".parse().unwrap();
        assert!(selected(&address, &[]));
        assert!(selected(&address, &["provisioning_connection".into()]));
        assert!(selected(&address, &["provisioning_connection.hr".into()]));
        assert!(!selected(&address, &["provisioning_connection.h".into()]));
        assert!(!selected(&address, &["datastore".into()]));
        let store: Address = "datastore.ldap.corp".parse().unwrap();
        assert!(selected(&store, &["datastore.ldap".into()]));
        assert!(!selected(&store, &["datastore.jdbc".into()]));
        assert!(selects_kind("datastore.ldap", ResourceKind::DatastoreLdap));
        assert!(selects_kind("datastore", ResourceKind::DatastoreJdbc));
        assert!(!selects_kind("datastore.ldap", ResourceKind::DatastoreJdbc));
    }

    fn live(kind: ResourceKind, id: &str, attributes: Value) -> ObservedObject {
        ObservedObject::new(
            kind,
            id,
            attributes.as_object().unwrap().clone(),
            Default::default(),
        )
    }

    fn channel(name: &str, filter: &str) -> Value {
        serde_json::json!({
            "name": name, "datastore": "LDAP-1", "base_dn": "dc=x", "user_filter": filter,
            "population_id": "pop-1",
            "attribute_mapping": {"username": "uid", "email": "mail"}
        })
    }

    fn generated(observed: &Observed, desired: &Desired) -> Imported {
        generate(Inputs {
            desired,
            declared_pingone_environment: Some("env"),
            previous: &PreviousRun::default(),
            observed,
            pingone: None,
            plugins: &[],
            only: &[],
            left_out: &BTreeMap::new(),
        })
    }

    #[test]
    fn an_exclusion_on_every_channel_names_no_channels_and_names_are_stable() {
        let mut observed = Observed::default();
        observed.insert(live(
            ResourceKind::DatastoreLdap,
            "LDAP-1",
            serde_json::json!({"name": "Corp Directory", "ldap_type": "PING_DIRECTORY", "hostnames": ["ldap:636"]}),
        ));
        observed.insert(live(
            ResourceKind::ProvisioningConnection,
            "hr",
            serde_json::json!({
                "entity_id": "urn:hr", "name": "HR", "pingone_connection": "p1", "environment_id": "env",
                "channels": [
                    channel("staff", "(&(objectClass=person)(!(uid=admin)))"),
                    channel("interns", "(!(uid=admin))")
                ]
            }),
        ));
        let imported = generated(&observed, &Desired::default());
        let addresses: Vec<String> = imported
            .objects
            .iter()
            .map(|o| o.address.to_string())
            .collect();
        assert_eq!(
            addresses,
            [
                "datastore.ldap.corp_directory",
                "provisioning_connection.hr"
            ]
        );
        assert_eq!(imported.exclusions.len(), 1);
        assert_eq!(imported.exclusions[0].name, "admin");
        assert_eq!(imported.exclusions[0].channels.len(), 2);
        let exclusion = imported.document.blocks.last().unwrap();
        assert!(exclusion.get("channels").is_none(), "{exclusion:?}");
        assert_eq!(
            exclusion.get("source_value"),
            Some(&Expression::string("admin"))
        );
        assert_eq!(imported.origins.last().unwrap().len(), 1);
        // The channel without a filter of its own has none left.
        let connection = &imported.document.blocks[1];
        let interns = connection
            .body
            .iter()
            .find_map(|item| match item {
                document::Item::Block(block) if block.labels == ["interns"] => Some(block),
                _ => None,
            })
            .unwrap();
        assert!(interns.get("user_filter").is_none());
        assert_eq!(
            interns.get("datastore"),
            Some(&Expression::Reference(
                "datastore.ldap.corp_directory".into()
            ))
        );
        // Run again: the same names.
        let again = generated(&observed, &Desired::default());
        assert_eq!(again.document, imported.document);
    }

    #[test]
    fn an_exclusion_the_configuration_applies_everywhere_is_taken_out_or_keeps_the_connection_out()
    {
        let connection = |filter: &str| {
            live(
                ResourceKind::ProvisioningConnection,
                "hr",
                serde_json::json!({
                    "entity_id": "urn:hr", "name": "HR", "pingone_connection": "p1",
                    "environment_id": "env", "channels": [channel("staff", filter)]
                }),
            )
        };
        let desired = Desired {
            exclusions: vec![crate::model::Exclusion {
                name: "admin".into(),
                pingone_username: "admin@example.com".into(),
                source: ExclusionMatch::Attribute {
                    name: "uid".into(),
                    value: "admin".into(),
                },
                channels: Vec::new(),
                reason: "r".into(),
                every_channel: true,
            }],
            ..Desired::default()
        };
        let mut observed = Observed::default();
        observed.insert(connection("(&(objectClass=person)(!(uid=admin)))"));
        let imported = generated(&observed, &desired);
        assert!(imported.exclusions.is_empty());
        let channel = match &imported.document.blocks[0].body.last() {
            Some(document::Item::Block(block)) => block.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            channel.get("user_filter"),
            Some(&Expression::string("(objectClass=person)"))
        );

        let mut observed = Observed::default();
        observed.insert(connection("(objectClass=person)"));
        let imported = generated(&observed, &desired);
        assert!(imported.objects.is_empty());
        assert_eq!(
            imported.skipped[0].why,
            SkipReason::ExclusionsMissing {
                exclusions: vec!["admin".into()],
                channel: "staff".into()
            }
        );
    }

    #[test]
    fn a_plan_that_would_change_an_imported_object_names_it() {
        use crate::plan::{Change, FieldChange};
        let address: Address = "datastore.jdbc.db".parse().unwrap();
        let imported = Imported {
            objects: vec![ImportedObject {
                address: address.clone(),
                collection: crate::model::kinds::DATA_STORES,
                id: "db".into(),
            }],
            ..Imported::default()
        };
        let change = |action: Action, fields: Vec<FieldChange>| Change {
            address: address.clone(),
            id: "db".into(),
            action,
            before: None,
            after: None,
            fields,
            secrets: Vec::new(),
            reasons: Vec::new(),
            moved_from: None,
            state_only: action == Action::NoOp,
            kept: Vec::new(),
            waits_for: Vec::new(),
            unchanged: 0,
        };
        let adopted = Plan {
            changes: vec![change(Action::NoOp, Vec::new())],
        };
        assert!(inexact(&imported, &adopted).is_empty());
        let updated = Plan {
            changes: vec![change(
                Action::Update,
                vec![FieldChange {
                    field: "max_pool_size".into(),
                    before: Some(serde_json::json!(50)),
                    after: Some(serde_json::json!(100)),
                    after_computed: false,
                    forces_replacement: false,
                    released: false,
                }],
            )],
        };
        assert_eq!(
            inexact(&imported, &updated),
            [(
                address.clone(),
                "a plan of the written block would update it (max_pool_size)".to_string()
            )]
        );
    }
}
