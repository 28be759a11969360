//! The emulated server's configuration: every data store and the outbound provisioning
//! settings, and the rules that span objects (id assignment and uniqueness, unique
//! names, references, delete protection).
//!
//! Owns the in-memory state and its seed. Must not know HTTP or files: the server turns
//! results into responses, `persistence` writes the store to disk.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::api_result::{ApiError, ValidationError};
use super::datastores::{DataStore, JdbcDataStore};
use super::outbound_provisioning::OutboundProvisioning;
use super::write_context::WriteContext;

/// Id of the JDBC store a fresh PingFederate ships with.
pub const PROVISIONER_DATA_STORE_ID: &str = "ProvisionerDS";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Store {
    /// In creation order, which is the order `GET /dataStores` lists them in.
    data_stores: Vec<DataStore>,
    outbound_provisioning: OutboundProvisioning,
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
        self.data_stores.retain(|store| store.id() != Some(id));
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

fn data_store_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Resource not found: no data store with id '{id}'."))
}
