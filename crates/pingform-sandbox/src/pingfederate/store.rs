//! The emulated server's configuration: every data store, the outbound provisioning
//! settings, the PingOne connections and the SP connections, and the rules that span
//! objects (id assignment, unique names and entity ids, references, delete
//! protection). The three collections are kinds of the generic collection
//! (`DataStores`, `PingOneConnections`, `SpConnections`); what they share (ids, 404s,
//! creation order, replace in place) is in `collection`.
//!
//! Owns the in-memory state and its seed. Must not know HTTP or files: the routes turn
//! results into responses, `persistence` writes the store to disk.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::api_result::{ApiError, ValidationError};
use super::datastores::{DataStore, JdbcDataStore};
use super::outbound_provisioning::OutboundProvisioning;
use super::pingone_connections::{PingOneConnection, PingOneTarget};
use super::provisioning_channels::SourceKind;
use super::sp_connections::SpConnection;
use super::write_context::WriteContext;
use crate::collection::{self, ResourceKind};
use crate::random_identifiers;

/// Id of the JDBC store a fresh PingFederate ships with.
pub const PROVISIONER_DATA_STORE_ID: &str = "ProvisionerDS";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Store {
    /// In creation order, which is the order `GET /dataStores` lists them in.
    data_stores: Vec<DataStore>,
    outbound_provisioning: OutboundProvisioning,
    /// In creation order; absent from data files written before they existed.
    #[serde(default)]
    pingone_connections: Vec<PingOneConnection>,
    #[serde(default)]
    sp_connections: Vec<SpConnection>,
}

impl Store {
    /// A fresh server: `ProvisionerDS` (HSQLDB, user `sa`, an encrypted password) and
    /// outbound provisioning pointing at it.
    pub fn seed(context: &WriteContext<'_>) -> Result<Store, ApiError> {
        let provisioner = DataStore::Jdbc(JdbcDataStore {
            id: Some(PROVISIONER_DATA_STORE_ID.to_string()),
            name: Some("ProvisionerDS (sa)".to_string()),
            driver_class: Some("org.hsqldb.jdbcDriver".to_string()),
            connection_url: Some(
                "jdbc:hsqldb:${pf.server.data.dir}${/}hypersonic${/}ProvisionerDefaultDB;hsqldb.lock_file=false"
                    .to_string(),
            ),
            user_name: Some("sa".to_string()),
            password: Some("sa-hsqldb-sandbox".to_string()),
            ..JdbcDataStore::default()
        });
        let seeding = WriteContext {
            master_key: context.master_key,
            bypass_external_validation: true,
            now: context.now.clone(),
        };
        Ok(Store {
            data_stores: vec![provisioner.normalized(&seeding)?],
            outbound_provisioning: OutboundProvisioning::seed(PROVISIONER_DATA_STORE_ID),
            pingone_connections: Vec::new(),
            sp_connections: Vec::new(),
        })
    }

    pub fn outbound_provisioning(&self) -> &OutboundProvisioning {
        &self.outbound_provisioning
    }

    fn data_store(&self, id: &str) -> Result<&DataStore, ApiError> {
        collection::find::<DataStores>(self, id)
    }

    fn source_kind(&self, data_store_id: &str) -> SourceKind {
        match self.data_store(data_store_id) {
            Err(_) => SourceKind::Missing,
            Ok(DataStore::Ldap(_)) => SourceKind::Ldap,
            Ok(other) => SourceKind::Other(other.type_name()),
        }
    }

    /// PUT `/serverSettings/outboundProvisioning`.
    pub fn replace_outbound_provisioning(
        &mut self,
        body: Value,
    ) -> Result<OutboundProvisioning, ApiError> {
        let request = OutboundProvisioning::from_request(body)?;
        let stored = request.normalized().map_err(ApiError::Validation)?;
        // Ping's documentation ("Configuring outbound provisioning settings",
        // docs.pingidentity.com) says the provisioning data store must be a relational
        // database, i.e. a JDBC data store. An empty id is accepted (the real export
        // `serverSettings.outboundProvisioning--settings.json` has `dataStoreRef.id`
        // `""`), and so is an id that names no data store: no source says PingFederate
        // refuses it.
        if let Some(data_store_id) = stored.data_store_id()
            && let Ok(other) = self.data_store(data_store_id)
            && !matches!(other, DataStore::Jdbc(_))
        {
            return Err(ApiError::validation(ValidationError::new(
                "data_store_not_jdbc",
                "dataStoreRef",
                format!(
                    "Data store '{data_store_id}' is {}; outbound provisioning needs a JDBC \
                     data store.",
                    other.type_name()
                ),
            )));
        }
        self.outbound_provisioning = stored.clone();
        Ok(stored)
    }

    /// Puts back settings a failed write replaced.
    pub fn restore_outbound_provisioning(&mut self, settings: OutboundProvisioning) {
        self.outbound_provisioning = settings;
    }

    /// Applies one journal entry, replayed at start: the write it records already passed
    /// every check, so it is applied as it is (a put replaces the item with the same id
    /// in place, or adds it at the end; a delete removes it).
    pub fn apply(&mut self, entry: JournalEntry) -> Result<(), serde_json::Error> {
        match entry {
            JournalEntry::Put { collection, item } => match collection {
                CollectionName::DataStores => {
                    put::<DataStores>(self, serde_json::from_value(item)?);
                }
                CollectionName::PingOneConnections => {
                    put::<PingOneConnections>(self, serde_json::from_value(item)?);
                }
                CollectionName::SpConnections => {
                    put::<SpConnections>(self, serde_json::from_value(item)?);
                }
            },
            JournalEntry::Delete { collection, id } => match collection {
                CollectionName::DataStores => remove::<DataStores>(self, &id),
                CollectionName::PingOneConnections => remove::<PingOneConnections>(self, &id),
                CollectionName::SpConnections => remove::<SpConnections>(self, &id),
            },
            JournalEntry::OutboundProvisioning { settings } => {
                self.outbound_provisioning = serde_json::from_value(settings)?;
            }
        }
        Ok(())
    }
}

/// The collections a journal entry can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CollectionName {
    DataStores,
    PingOneConnections,
    SpConnections,
}

/// One write as the data file's journal records it: the stored result, not the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum JournalEntry {
    Put {
        collection: CollectionName,
        item: Value,
    },
    Delete {
        collection: CollectionName,
        id: String,
    },
    OutboundProvisioning {
        settings: Value,
    },
}

/// Puts `item` in its collection: in place of the item with the same id, or last.
pub fn put<K: AdminCollection + Named>(store: &mut Store, item: K::Item) {
    let items = K::items_mut(store);
    let id = K::id(&item).map(str::to_string);
    match items
        .iter_mut()
        .find(|existing| K::id(existing) == id.as_deref())
    {
        Some(slot) => *slot = item,
        None => items.push(item),
    }
}

/// Removes the item with this id, if any.
pub fn remove<K: AdminCollection + Named>(store: &mut Store, id: &str) {
    K::items_mut(store).retain(|item| K::id(item) != Some(id));
}

/// How a collection kind appears in the journal: its name and its items' JSON.
pub trait Named: AdminCollection {
    const COLLECTION: CollectionName;
    fn journal_item(item: &Self::Item) -> Result<Value, serde_json::Error>;
}

impl Named for DataStores {
    const COLLECTION: CollectionName = CollectionName::DataStores;
    fn journal_item(item: &DataStore) -> Result<Value, serde_json::Error> {
        serde_json::to_value(item)
    }
}

impl Named for PingOneConnections {
    const COLLECTION: CollectionName = CollectionName::PingOneConnections;
    fn journal_item(item: &PingOneConnection) -> Result<Value, serde_json::Error> {
        serde_json::to_value(item)
    }
}

impl Named for SpConnections {
    const COLLECTION: CollectionName = CollectionName::SpConnections;
    fn journal_item(item: &SpConnection) -> Result<Value, serde_json::Error> {
        serde_json::to_value(item)
    }
}

/// What a write to a collection needs besides its body and the store.
pub struct CollectionWrite<'a> {
    pub context: WriteContext<'a>,
    /// What PingOne connections point at: the sandbox's PingOne side.
    pub pingone: &'a PingOneTarget,
}

/// The Admin API's collections: kinds of this store, written with a `CollectionWrite`,
/// failing with an `ApiError`.
pub trait AdminCollection:
    for<'a> ResourceKind<Store = Store, Context<'a> = CollectionWrite<'a>, Error = ApiError>
{
}

impl<K> AdminCollection for K where
    K: for<'a> ResourceKind<Store = Store, Context<'a> = CollectionWrite<'a>, Error = ApiError>
{
}

/// `/dataStores`: in creation order, which is the order `GET /dataStores` lists them in.
pub struct DataStores;

impl ResourceKind for DataStores {
    type Store = Store;
    type Context<'a> = CollectionWrite<'a>;
    type Item = DataStore;
    type Error = ApiError;
    const NOUN: &'static str = "data store";
    const NOUN_WITH_ARTICLE: &'static str = "A data store";

    fn items(store: &Store) -> &[DataStore] {
        &store.data_stores
    }

    fn items_mut(store: &mut Store) -> &mut Vec<DataStore> {
        &mut store.data_stores
    }

    fn id(item: &DataStore) -> Option<&str> {
        item.id()
    }

    fn from_request(body: Value) -> Result<DataStore, ApiError> {
        DataStore::from_request(body)
    }

    /// An empty id counts as sent (and is then refused as invalid).
    fn requested_id(request: &DataStore) -> Option<&str> {
        request.id()
    }

    /// `JDBC-`, `LDAP-` or `CUSTOM-` and 40 hexadecimal digits.
    fn new_id(request: &DataStore) -> Result<String, ApiError> {
        Ok(format!(
            "{}-{}",
            request.generated_id_prefix(),
            random_identifiers::upper_hex::<20>()?
        ))
    }

    // A PUT may change the type: no source says PingFederate refuses it (the Terraform
    // provider replaces the store instead, which says nothing of the server).

    fn validated(
        store: &Store,
        request: &DataStore,
        id: &str,
        _existing: Option<&DataStore>,
        write: &CollectionWrite<'_>,
    ) -> Result<DataStore, ApiError> {
        let mut request = request.clone();
        request.set_id(id.to_string());
        let stored = request.normalized(&write.context)?;
        check_unique_data_store_name(store, &stored)?;
        Ok(stored)
    }

    /// Refused (422) while anything references the store: the spec's DELETE
    /// `/dataStores/{id}` says "Only unused data stores can be deleted" (422 "Resource is
    /// in use and cannot be deleted"); the outbound provisioning settings and the
    /// provisioning channels are the users the sandbox knows.
    fn check_delete(store: &Store, id: &str, _item: &DataStore) -> Result<(), ApiError> {
        if store.outbound_provisioning.data_store_id() == Some(id) {
            return Err(ApiError::validation(ValidationError::without_field(
                "data_store_in_use",
                format!(
                    "Data store '{id}' cannot be deleted: it is in use by the outbound \
                     provisioning settings (/serverSettings/outboundProvisioning). Point them \
                     at another JDBC data store first."
                ),
            )));
        }
        if let Some(connection) = store
            .sp_connections
            .iter()
            .find(|connection| connection.channel_data_store_ids().any(|used| used == id))
        {
            return Err(ApiError::validation(ValidationError::without_field(
                "data_store_in_use",
                format!(
                    "Data store '{id}' cannot be deleted: it is the source of a provisioning \
                     channel of SP connection '{}' (/idp/spConnections). Change or remove the \
                     channel first.",
                    connection.id().unwrap_or_default()
                ),
            )));
        }
        Ok(())
    }

    fn to_response(item: &DataStore, base_url: &str) -> Value {
        item.to_response(base_url)
    }
}

/// 12.0 spec `JdbcDataStore.name` / `LdapDataStore.name`: "The data store name with a
/// unique value across all data sources". Compared exactly: whether PingFederate ignores
/// case is an open question.
fn check_unique_data_store_name(store: &Store, stored: &DataStore) -> Result<(), ApiError> {
    let Some(name) = stored.name() else {
        return Ok(());
    };
    match store
        .data_stores
        .iter()
        .find(|other| other.id() != stored.id() && other.name() == Some(name))
    {
        Some(other) => Err(ApiError::validation(ValidationError::new(
            "duplicate_name",
            "name",
            format!(
                "The name '{name}' is already used by data store '{}'; data store names \
                 must be unique.",
                other.id().unwrap_or_default()
            ),
        ))),
        None => Ok(()),
    }
}

/// `/pingOneConnections`, in creation order.
pub struct PingOneConnections;

impl ResourceKind for PingOneConnections {
    type Store = Store;
    type Context<'a> = CollectionWrite<'a>;
    type Item = PingOneConnection;
    type Error = ApiError;
    const NOUN: &'static str = "PingOne connection";
    const NOUN_WITH_ARTICLE: &'static str = "A PingOne connection";

    fn items(store: &Store) -> &[PingOneConnection] {
        &store.pingone_connections
    }

    fn items_mut(store: &mut Store) -> &mut Vec<PingOneConnection> {
        &mut store.pingone_connections
    }

    fn id(item: &PingOneConnection) -> Option<&str> {
        item.id()
    }

    fn from_request(body: Value) -> Result<PingOneConnection, ApiError> {
        PingOneConnection::from_request(body)
    }

    /// An empty id counts as absent.
    fn requested_id(request: &PingOneConnection) -> Option<&str> {
        request.id().filter(|id| !id.is_empty())
    }

    /// No source shows the form of a system-assigned PingOne connection id; 22 letters
    /// and digits (an open question in the README).
    fn new_id(_request: &PingOneConnection) -> Result<String, ApiError> {
        Ok(random_identifiers::alphanumeric(22)?)
    }

    /// Names are not checked for uniqueness and a connection that an SP connection's
    /// `PINGONE_ENVIRONMENT` names can still be deleted: no source says PingFederate
    /// refuses either (the spec's DELETE answers 422 "Validation error(s) occurred"
    /// without saying when).
    fn validated(
        _store: &Store,
        request: &PingOneConnection,
        id: &str,
        existing: Option<&PingOneConnection>,
        write: &CollectionWrite<'_>,
    ) -> Result<PingOneConnection, ApiError> {
        request.normalized(id, existing, write.pingone, &write.context)
    }

    fn to_response(item: &PingOneConnection, _base_url: &str) -> Value {
        item.to_response()
    }
}

/// `/idp/spConnections`, in creation order.
pub struct SpConnections;

impl ResourceKind for SpConnections {
    type Store = Store;
    type Context<'a> = CollectionWrite<'a>;
    type Item = SpConnection;
    type Error = ApiError;
    const NOUN: &'static str = "SP connection";
    const NOUN_WITH_ARTICLE: &'static str = "An SP connection";

    fn items(store: &Store) -> &[SpConnection] {
        &store.sp_connections
    }

    fn items_mut(store: &mut Store) -> &mut Vec<SpConnection> {
        &mut store.sp_connections
    }

    fn id(item: &SpConnection) -> Option<&str> {
        item.id()
    }

    fn from_request(body: Value) -> Result<SpConnection, ApiError> {
        SpConnection::from_request(body)
    }

    /// An empty id counts as absent.
    fn requested_id(request: &SpConnection) -> Option<&str> {
        request.id().filter(|id| !id.is_empty())
    }

    fn new_id(_request: &SpConnection) -> Result<String, ApiError> {
        Ok(random_identifiers::connection_id()?)
    }

    // No `check_replacement`: a PUT may add or remove `outboundProvision`. Ping's
    // documentation ("Choosing an SP connection type", docs.pingidentity.com): "You can
    // add STS, OAuth, and outbound provisioning support to any existing SSO connection,
    // or vice versa, at any time."

    /// The connection's own rules, the kinds of the data stores its channels read, and a
    /// unique entity ID: the 12.0 spec calls `entityId` "The partner's entity ID
    /// (connection ID)", and "Choosing an SP connection type" says "Each connection must
    /// use a unique (partner) connection ID."
    fn validated(
        store: &Store,
        request: &SpConnection,
        id: &str,
        existing: Option<&SpConnection>,
        write: &CollectionWrite<'_>,
    ) -> Result<SpConnection, ApiError> {
        let data_store_kind = |data_store_id: &str| store.source_kind(data_store_id);
        let creation_date = existing.and_then(|stored| stored.creation_date.as_deref());
        let stored = request.normalized(id, creation_date, &write.context.now, &data_store_kind)?;
        if let Some(entity_id) = stored.entity_id()
            && let Some(other) = store
                .sp_connections
                .iter()
                .find(|other| other.id() != Some(id) && other.entity_id() == Some(entity_id))
        {
            return Err(ApiError::validation(ValidationError::new(
                "duplicate_entity_id",
                "entityId",
                format!(
                    "The entity ID '{entity_id}' is already used by SP connection '{}'.",
                    other.id().unwrap_or_default()
                ),
            )));
        }
        Ok(stored)
    }

    /// Only an inactive connection can be deleted: the spec's DELETE
    /// `/idp/spConnections/{id}` says "Only inactive connections can be deleted".
    fn check_delete(_store: &Store, id: &str, item: &SpConnection) -> Result<(), ApiError> {
        if item.is_active() {
            return Err(ApiError::validation(ValidationError::new(
                "connection_active",
                "active",
                format!(
                    "SP connection '{id}' is active; only an inactive connection can be \
                     deleted. Deactivate it (active: false) first."
                ),
            )));
        }
        Ok(())
    }

    fn to_response(item: &SpConnection, base_url: &str) -> Value {
        item.to_response(base_url)
    }
}
