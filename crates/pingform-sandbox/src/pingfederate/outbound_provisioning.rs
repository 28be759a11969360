//! The outbound provisioning settings singleton (`/serverSettings/outboundProvisioning`,
//! schema `OutboundProvisionDatabase`): its wire struct and the shape rules of a PUT.
//!
//! Owns: required `dataStoreRef`, `synchronizationFrequency` default (60). The rule
//! that needs other objects (the store is JDBC) is checked by the store, which knows the
//! data stores.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::api_result::{ApiError, ValidationError};
use super::resource_link::ResourceLink;

pub const DEFAULT_SYNCHRONIZATION_FREQUENCY: i32 = 60;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutboundProvisioning {
    pub data_store_ref: Option<ResourceLink>,
    pub synchronization_frequency: Option<i32>,
}

impl OutboundProvisioning {
    /// A fresh server's settings: the bundled `ProvisionerDS`, every 60 seconds.
    pub fn seed(data_store_id: &str) -> Self {
        Self {
            data_store_ref: Some(ResourceLink::to(data_store_id)),
            synchronization_frequency: Some(DEFAULT_SYNCHRONIZATION_FREQUENCY),
        }
    }

    /// Reads a PUT body (400 on unknown properties or wrong JSON types).
    pub fn from_request(body: Value) -> Result<Self, ApiError> {
        serde_json::from_value(body).map_err(|error| ApiError::BadRequest {
            developer_message: error.to_string(),
        })
    }

    /// The stored form, with the rules that need nothing else checked: `dataStoreRef`
    /// is required (12.0 spec `OutboundProvisionDatabase.required`), its id may be empty
    /// (the real export `serverSettings.outboundProvisioning--settings.json` has
    /// `"id": ""`), and `synchronizationFrequency` defaults to 60 (spec: "The default
    /// value is 60"). No range is checked: no source says which values PingFederate
    /// refuses.
    pub fn normalized(&self) -> Result<Self, Vec<ValidationError>> {
        match &self.data_store_ref {
            None => Err(vec![ValidationError::required(
                "dataStoreRef",
                "The data store reference (dataStoreRef)",
            )]),
            Some(link) => Ok(Self {
                data_store_ref: Some(ResourceLink {
                    id: Some(link.id.clone().unwrap_or_default()),
                    location: None,
                }),
                synchronization_frequency: Some(
                    self.synchronization_frequency
                        .unwrap_or(DEFAULT_SYNCHRONIZATION_FREQUENCY),
                ),
            }),
        }
    }

    pub fn data_store_id(&self) -> Option<&str> {
        self.data_store_ref.as_ref().and_then(ResourceLink::target)
    }

    pub fn to_response(&self, base_url: &str) -> Value {
        let located = Self {
            data_store_ref: self
                .data_store_ref
                .as_ref()
                .map(|link| link.located_or_collection(base_url, "/dataStores")),
            synchronization_frequency: self.synchronization_frequency,
        };
        serde_json::to_value(located).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frequency_defaults_to_sixty() {
        let request =
            OutboundProvisioning::from_request(json!({"dataStoreRef": {"id": "db"}})).unwrap();
        let stored = request.normalized().unwrap();
        assert_eq!(stored.data_store_id(), Some("db"));
        assert_eq!(stored.synchronization_frequency, Some(60));
    }

    #[test]
    fn the_real_export_with_an_empty_id_is_accepted_and_located_at_the_collection() {
        let request = OutboundProvisioning::from_request(json!({
            "dataStoreRef": {"location": "https://pf:9999/pf-admin-api/v1/dataStores", "id": ""},
            "synchronizationFrequency": 60
        }))
        .unwrap();
        let stored = request.normalized().unwrap();
        assert_eq!(stored.data_store_id(), None);
        let response = stored.to_response("https://sandbox/pf-admin-api/v1");
        assert_eq!(
            response,
            json!({
                "dataStoreRef": {"id": "", "location": "https://sandbox/pf-admin-api/v1/dataStores"},
                "synchronizationFrequency": 60
            })
        );
    }

    #[test]
    fn a_missing_reference_is_reported() {
        let request =
            OutboundProvisioning::from_request(json!({"synchronizationFrequency": 0})).unwrap();
        let errors = request.normalized().unwrap_err();
        assert_eq!(errors[0].field_path.as_deref(), Some("dataStoreRef"));
    }
}
