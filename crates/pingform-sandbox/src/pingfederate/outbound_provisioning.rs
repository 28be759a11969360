//! The outbound provisioning settings singleton (`/serverSettings/outboundProvisioning`,
//! schema `OutboundProvisionDatabase`): its wire struct and the shape rules of a PUT.
//!
//! Owns: required `dataStoreRef`, `synchronizationFrequency` default (60) and range.
//! The rules that need other objects (the store exists, and is JDBC) are checked by the
//! store, which knows the data stores.

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

    /// The stored form, with the rules that need nothing else checked. Returns the
    /// referenced data store id with it.
    pub fn normalized(&self) -> Result<(Self, String), Vec<ValidationError>> {
        let mut errors = Vec::new();
        let data_store_id = self
            .data_store_ref
            .as_ref()
            .and_then(ResourceLink::target)
            .map(str::to_string);
        if data_store_id.is_none() {
            errors.push(ValidationError::required(
                "dataStoreRef",
                "The data store reference (dataStoreRef.id)",
            ));
        }
        let frequency = self
            .synchronization_frequency
            .unwrap_or(DEFAULT_SYNCHRONIZATION_FREQUENCY);
        if frequency <= 0 {
            errors.push(ValidationError::new(
                "invalid_synchronization_frequency",
                "synchronizationFrequency",
                format!("The synchronization frequency must be a positive number of seconds, not {frequency}."),
            ));
        }
        match data_store_id {
            Some(id) if errors.is_empty() => Ok((
                Self {
                    data_store_ref: Some(ResourceLink::to(&id)),
                    synchronization_frequency: Some(frequency),
                },
                id,
            )),
            _ => Err(errors),
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
                .map(|link| link.located(base_url, "/dataStores")),
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
        let (stored, id) = request.normalized().unwrap();
        assert_eq!(id, "db");
        assert_eq!(stored.synchronization_frequency, Some(60));
    }

    #[test]
    fn missing_reference_and_bad_frequency_are_both_reported() {
        let request =
            OutboundProvisioning::from_request(json!({"synchronizationFrequency": 0})).unwrap();
        let errors = request.normalized().unwrap_err();
        let paths: Vec<_> = errors
            .iter()
            .map(|e| e.field_path.clone().unwrap())
            .collect();
        assert_eq!(paths, ["dataStoreRef", "synchronizationFrequency"]);
    }
}
