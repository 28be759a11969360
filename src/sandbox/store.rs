//! The emulated server's configuration: every data store, the outbound provisioning
//! settings, the PingOne connections and the SP connections, and the rules that span
//! objects (id assignment and uniqueness, unique names and entity ids, references,
//! delete protection).
//!
//! Owns the in-memory state and its seed. Must not know HTTP or files: the server turns
//! results into responses, `persistence` writes the store to disk.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::api_result::{ApiError, ValidationError};
use super::datastores::{DataStore, JdbcDataStore};
use super::outbound_provisioning::OutboundProvisioning;
use super::pingone_connections::{PingOneConnection, PingOneTarget};
use super::provisioning_channels::SourceKind;
use super::random_identifiers;
use super::sp_connections::{References, SpConnection};
use super::write_context::WriteContext;

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

    pub fn data_stores(&self) -> &[DataStore] {
        &self.data_stores
    }

    pub fn data_store(&self, id: &str) -> Result<&DataStore, ApiError> {
        self.data_stores
            .iter()
            .find(|store| store.id() == Some(id))
            .ok_or_else(|| data_store_not_found(id))
    }

    pub fn outbound_provisioning(&self) -> &OutboundProvisioning {
        &self.outbound_provisioning
    }

    /// POST `/dataStores`.
    pub fn create_data_store(
        &mut self,
        body: Value,
        context: &WriteContext<'_>,
    ) -> Result<DataStore, ApiError> {
        let mut request = DataStore::from_request(body)?;
        match request.id().map(str::to_string) {
            Some(id) if self.data_store(&id).is_ok() => {
                return Err(ApiError::validation(ValidationError::new(
                    "duplicate_id",
                    "id",
                    format!("A data store with id '{id}' already exists."),
                )));
            }
            Some(_) => {}
            None => {
                let id = self.generate_id(request.generated_id_prefix())?;
                request.set_id(id);
            }
        }
        let stored = request.normalized(context)?;
        self.check_unique_name(&stored)?;
        self.data_stores.push(stored.clone());
        Ok(stored)
    }

    /// PUT `/dataStores/{id}`.
    pub fn replace_data_store(
        &mut self,
        id: &str,
        body: Value,
        context: &WriteContext<'_>,
    ) -> Result<DataStore, ApiError> {
        let existing_type = self.data_store(id)?.type_name();
        let mut request = DataStore::from_request(body)?;
        match request.id() {
            None => request.set_id(id.to_string()),
            Some(body_id) if body_id != id => {
                return Err(ApiError::validation(ValidationError::new(
                    "id_mismatch",
                    "id",
                    format!(
                        "The id in the body ('{body_id}') differs from the id in the path ('{id}'); \
                         a data store's id cannot change."
                    ),
                )));
            }
            Some(_) => {}
        }
        if request.type_name() != existing_type {
            return Err(ApiError::validation(ValidationError::new(
                "type_change_not_allowed",
                "type",
                format!(
                    "Data store '{id}' is {existing_type}; its type cannot change to {}. \
                     Delete it and create a new one.",
                    request.type_name()
                ),
            )));
        }
        let stored = request.normalized(context)?;
        self.check_unique_name(&stored)?;
        if let Some(slot) = self
            .data_stores
            .iter_mut()
            .find(|store| store.id() == Some(id))
        {
            *slot = stored.clone();
        }
        Ok(stored)
    }

    /// DELETE `/dataStores/{id}`: refused (422) while anything references the store.
    pub fn delete_data_store(&mut self, id: &str) -> Result<(), ApiError> {
        self.data_store(id)?;
        if self.outbound_provisioning.data_store_id() == Some(id) {
            return Err(ApiError::validation(ValidationError::without_field(
                "data_store_in_use",
                format!(
                    "Data store '{id}' cannot be deleted: it is in use by the outbound \
                     provisioning settings (/serverSettings/outboundProvisioning). Point them \
                     at another JDBC data store first."
                ),
            )));
        }
        if let Some(connection) = self
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
        self.data_stores.retain(|store| store.id() != Some(id));
        Ok(())
    }

    pub fn pingone_connections(&self) -> &[PingOneConnection] {
        &self.pingone_connections
    }

    pub fn pingone_connection(&self, id: &str) -> Result<&PingOneConnection, ApiError> {
        self.pingone_connections
            .iter()
            .find(|connection| connection.id() == Some(id))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "Resource not found: no PingOne connection with id '{id}'."
                ))
            })
    }

    /// POST `/pingOneConnections`.
    pub fn create_pingone_connection(
        &mut self,
        body: Value,
        target: &PingOneTarget,
        context: &WriteContext<'_>,
    ) -> Result<PingOneConnection, ApiError> {
        let request = PingOneConnection::from_request(body)?;
        let id = match request.id().filter(|id| !id.is_empty()) {
            Some(id) if self.pingone_connection(id).is_ok() => {
                return Err(ApiError::validation(ValidationError::new(
                    "duplicate_id",
                    "id",
                    format!("A PingOne connection with id '{id}' already exists."),
                )));
            }
            Some(id) => id.to_string(),
            None => random_identifiers::alphanumeric(22)?,
        };
        let stored = request.normalized(&id, None, target, context)?;
        self.check_unique_pingone_connection_name(&stored)?;
        self.pingone_connections.push(stored.clone());
        Ok(stored)
    }

    /// PUT `/pingOneConnections/{id}`.
    pub fn replace_pingone_connection(
        &mut self,
        id: &str,
        body: Value,
        target: &PingOneTarget,
        context: &WriteContext<'_>,
    ) -> Result<PingOneConnection, ApiError> {
        let existing = self.pingone_connection(id)?.clone();
        let request = PingOneConnection::from_request(body)?;
        check_body_id(request.id(), id, "PingOne connection")?;
        let stored = request.normalized(id, Some(&existing), target, context)?;
        self.check_unique_pingone_connection_name(&stored)?;
        if let Some(slot) = self
            .pingone_connections
            .iter_mut()
            .find(|connection| connection.id() == Some(id))
        {
            *slot = stored.clone();
        }
        Ok(stored)
    }

    /// DELETE `/pingOneConnections/{id}`: refused while an SP connection's
    /// `PINGONE_ENVIRONMENT` target setting names it.
    pub fn delete_pingone_connection(&mut self, id: &str) -> Result<(), ApiError> {
        self.pingone_connection(id)?;
        if let Some(connection) = self
            .sp_connections
            .iter()
            .find(|connection| connection.pingone_connection_id().as_deref() == Some(id))
        {
            return Err(ApiError::validation(ValidationError::without_field(
                "pingone_connection_in_use",
                format!(
                    "PingOne connection '{id}' cannot be deleted: SP connection '{}' provisions \
                     through it (target setting PINGONE_ENVIRONMENT).",
                    connection.id().unwrap_or_default()
                ),
            )));
        }
        self.pingone_connections
            .retain(|connection| connection.id() != Some(id));
        Ok(())
    }

    fn check_unique_pingone_connection_name(
        &self,
        stored: &PingOneConnection,
    ) -> Result<(), ApiError> {
        match self.pingone_connections.iter().find(|other| {
            other.id() != stored.id()
                && other.name().map(str::to_lowercase) == stored.name().map(str::to_lowercase)
        }) {
            Some(other) => Err(ApiError::validation(ValidationError::new(
                "duplicate_name",
                "name",
                format!(
                    "The name '{}' is already used by PingOne connection '{}'.",
                    stored.name().unwrap_or_default(),
                    other.id().unwrap_or_default()
                ),
            ))),
            None => Ok(()),
        }
    }

    pub fn sp_connections(&self) -> &[SpConnection] {
        &self.sp_connections
    }

    pub fn sp_connection(&self, id: &str) -> Result<&SpConnection, ApiError> {
        self.sp_connections
            .iter()
            .find(|connection| connection.id() == Some(id))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "Resource not found: no SP connection with id '{id}'."
                ))
            })
    }

    fn source_kind(&self, data_store_id: &str) -> SourceKind {
        match self.data_store(data_store_id) {
            Err(_) => SourceKind::Missing,
            Ok(DataStore::Ldap(_)) => SourceKind::Ldap,
            Ok(other) => SourceKind::Other(other.type_name()),
        }
    }

    fn normalized_sp_connection(
        &self,
        request: &SpConnection,
        id: &str,
        creation_date: Option<&str>,
        now: &str,
    ) -> Result<SpConnection, ApiError> {
        let data_store_kind = |data_store_id: &str| self.source_kind(data_store_id);
        let pingone_connection_exists =
            |connection_id: &str| self.pingone_connection(connection_id).is_ok();
        let references = References {
            data_store_kind: &data_store_kind,
            pingone_connection_exists: &pingone_connection_exists,
        };
        let stored = request.normalized(id, creation_date, now, &references)?;
        if let Some(entity_id) = stored.entity_id()
            && let Some(other) = self
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

    /// POST `/idp/spConnections`.
    pub fn create_sp_connection(
        &mut self,
        body: Value,
        context: &WriteContext<'_>,
    ) -> Result<SpConnection, ApiError> {
        let request = SpConnection::from_request(body)?;
        let id = match request.id().filter(|id| !id.is_empty()) {
            Some(id) if self.sp_connection(id).is_ok() => {
                return Err(ApiError::validation(ValidationError::new(
                    "duplicate_id",
                    "id",
                    format!("An SP connection with id '{id}' already exists."),
                )));
            }
            Some(id) => id.to_string(),
            None => random_identifiers::alphanumeric(22)?,
        };
        let stored = self.normalized_sp_connection(&request, &id, None, &context.now)?;
        self.sp_connections.push(stored.clone());
        Ok(stored)
    }

    /// PUT `/idp/spConnections/{id}`. PingFederate cannot add outbound provisioning to
    /// a connection or take it away: such a PUT is a 422 (the client replaces the
    /// connection instead).
    pub fn replace_sp_connection(
        &mut self,
        id: &str,
        body: Value,
        context: &WriteContext<'_>,
    ) -> Result<SpConnection, ApiError> {
        let existing = self.sp_connection(id)?.clone();
        let request = SpConnection::from_request(body)?;
        check_body_id(request.id(), id, "SP connection")?;
        match (
            existing.outbound_provision.is_some(),
            request.outbound_provision.is_some(),
        ) {
            (false, true) => {
                return Err(ApiError::validation(ValidationError::new(
                    "outbound_provision_cannot_be_added",
                    "outboundProvision",
                    format!(
                        "SP connection '{id}' was created without outbound provisioning; it \
                         cannot be added by an update. Delete the connection and create it \
                         again with outboundProvision."
                    ),
                )));
            }
            (true, false) => {
                return Err(ApiError::validation(ValidationError::new(
                    "outbound_provision_cannot_be_removed",
                    "outboundProvision",
                    format!(
                        "SP connection '{id}' has outbound provisioning; it cannot be removed \
                         by an update. Delete the connection and create it again."
                    ),
                )));
            }
            _ => {}
        }
        let stored = self.normalized_sp_connection(
            &request,
            id,
            existing.creation_date.as_deref(),
            &context.now,
        )?;
        if let Some(slot) = self
            .sp_connections
            .iter_mut()
            .find(|connection| connection.id() == Some(id))
        {
            *slot = stored.clone();
        }
        Ok(stored)
    }

    /// DELETE `/idp/spConnections/{id}`: only an inactive connection can be deleted.
    pub fn delete_sp_connection(&mut self, id: &str) -> Result<(), ApiError> {
        if self.sp_connection(id)?.is_active() {
            return Err(ApiError::validation(ValidationError::new(
                "connection_active",
                "active",
                format!(
                    "SP connection '{id}' is active; only an inactive connection can be \
                     deleted. Deactivate it (active: false) first."
                ),
            )));
        }
        self.sp_connections
            .retain(|connection| connection.id() != Some(id));
        Ok(())
    }

    /// PUT `/serverSettings/outboundProvisioning`.
    pub fn replace_outbound_provisioning(
        &mut self,
        body: Value,
    ) -> Result<OutboundProvisioning, ApiError> {
        let request = OutboundProvisioning::from_request(body)?;
        let (stored, data_store_id) = request.normalized().map_err(ApiError::Validation)?;
        match self.data_store(&data_store_id) {
            Err(_) => {
                return Err(ApiError::validation(ValidationError::new(
                    "unknown_data_store",
                    "dataStoreRef",
                    format!("Data store '{data_store_id}' does not exist."),
                )));
            }
            Ok(DataStore::Jdbc(_)) => {}
            Ok(other) => {
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
        }
        self.outbound_provisioning = stored.clone();
        Ok(stored)
    }

    fn check_unique_name(&self, stored: &DataStore) -> Result<(), ApiError> {
        let Some(name) = stored.name() else {
            return Ok(());
        };
        match self
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

    fn generate_id(&self, prefix: &str) -> Result<String, ApiError> {
        let mut random = [0_u8; 20];
        aws_lc_rs::rand::fill(&mut random).map_err(|_| ApiError::Internal {
            message: "The system random number generator failed.".to_string(),
        })?;
        let hex: String = random.iter().map(|byte| format!("{byte:02X}")).collect();
        Ok(format!("{prefix}-{hex}"))
    }
}

/// A PUT body may omit the id, or repeat the path's.
fn check_body_id(body_id: Option<&str>, id: &str, kind: &str) -> Result<(), ApiError> {
    match body_id.filter(|body_id| !body_id.is_empty()) {
        Some(body_id) if body_id != id => Err(ApiError::validation(ValidationError::new(
            "id_mismatch",
            "id",
            format!(
                "The id in the body ('{body_id}') differs from the id in the path ('{id}'); \
                 a {kind}'s id cannot change."
            ),
        ))),
        _ => Ok(()),
    }
}

fn data_store_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Resource not found: no data store with id '{id}'."))
}
