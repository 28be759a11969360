//! SP connections (`/idp/spConnections`, schemas `SpConnection` and
//! `OutboundProvision`): the wire struct and the rules of a write that need no other
//! SP connection.
//!
//! Owns: required `entityId` and `name` (12.0 spec `Connection.required`), the id
//! pattern (spec `Connection.id`), the defaults PingFederate fills (`active` false and
//! `loggingMode` STANDARD, as the spec says; `type` SP, `connectionTargetType`
//! STANDARD and `virtualEntityIds` `[]`, as every real export returns them and the
//! Terraform acceptance test `idp_sp_connection_outbound_provision_test.go` reads them
//! back from a connection created without them), `creationDate`/`modificationDate`
//! (read only, spec), and the `outboundProvision` shape: the PingOne connector's target
//! settings completed by `target_settings`, channels normalised by
//! `provisioning_channels`. Must not know other SP connections (entity ID uniqueness and
//! delete rules are the store's job); the kinds of referenced data stores are asked of
//! the caller.
//!
//! Parts of a connection the sandbox does not emulate (`spBrowserSso`,
//! `attributeQuery`, `wsTrust`, `credentials`, `contactInfo`, `metadataReloadSettings`,
//! `extendedProperties`, `additionalAllowedEntitiesConfiguration`,
//! `outboundProvision.customSchema`, and the target settings of connectors other than
//! PingOne) are kept as sent and returned unchanged, except their `ResourceLink`s'
//! `location`: PingFederate ignores it on input and returns its own (reference §2), so
//! a `location` under `/pf-admin-api/v1` is kept relative to the API and returned under
//! the sandbox's base URL, and any other is dropped. Property names the spec's
//! `SpConnection` does not have are a 400, like everywhere else.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::api_result::{ApiError, ValidationError};
use super::datastores::is_valid_id;
use super::provisioning_channels::{Channel, SourceKind};
use super::routes::BASE_PATH;
use super::target_settings::{self, ConfigField};

/// The provisioning connector whose target settings the sandbox completes (the
/// Terraform acceptance test names it `PingOne`).
pub const PINGONE_PROVISIONING_TYPE: &str = "PingOne";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConnectionType {
    Idp,
    Sp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LoggingMode {
    None,
    Standard,
    Enhanced,
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConnectionTargetType {
    Standard,
    Salesforce,
    SalesforceCp,
    SalesforcePp,
    #[serde(rename = "PINGONE_SCIM11")]
    PingoneScim11,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpConnection {
    #[serde(rename = "type")]
    pub connection_type: Option<ConnectionType>,
    pub id: Option<String>,
    pub entity_id: Option<String>,
    pub name: Option<String>,
    pub modification_date: Option<String>,
    pub creation_date: Option<String>,
    pub active: Option<bool>,
    pub base_url: Option<String>,
    pub default_virtual_entity_id: Option<String>,
    pub virtual_entity_ids: Option<Vec<String>>,
    pub metadata_reload_settings: Option<Value>,
    pub credentials: Option<Value>,
    pub contact_info: Option<Value>,
    pub license_connection_group: Option<String>,
    pub logging_mode: Option<LoggingMode>,
    pub additional_allowed_entities_configuration: Option<Value>,
    pub extended_properties: Option<Value>,
    pub replication_status: Option<String>,
    pub sp_browser_sso: Option<Value>,
    pub attribute_query: Option<Value>,
    pub ws_trust: Option<Value>,
    pub application_name: Option<String>,
    pub application_icon_url: Option<String>,
    pub outbound_provision: Option<OutboundProvision>,
    pub connection_target_type: Option<ConnectionTargetType>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutboundProvision {
    #[serde(rename = "type")]
    pub provisioning_type: Option<String>,
    pub target_settings: Option<Vec<ConfigField>>,
    pub custom_schema: Option<Value>,
    pub channels: Option<Vec<Channel>>,
}

fn text(value: &Option<String>) -> Option<&str> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

impl SpConnection {
    /// Reads a request body (400 on unknown properties, wrong JSON types, bad enums).
    pub fn from_request(body: Value) -> Result<Self, ApiError> {
        serde_json::from_value(body).map_err(|error| ApiError::BadRequest {
            developer_message: error.to_string(),
        })
    }

    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    pub fn entity_id(&self) -> Option<&str> {
        self.entity_id.as_deref()
    }

    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    pub fn is_active(&self) -> bool {
        self.active == Some(true)
    }

    /// Data store ids read by this connection's channels.
    pub fn channel_data_store_ids(&self) -> impl Iterator<Item = &str> {
        self.outbound_provision
            .iter()
            .flat_map(|provision| provision.channels.iter().flatten())
            .filter_map(Channel::data_source_id)
    }

    /// The stored form: `id` is the final id, `creation_date` the stored creation date
    /// of the connection a PUT replaces (or `now` for a new one), `data_store_kind`
    /// tells what a channel's data store is.
    pub fn normalized(
        &self,
        id: &str,
        creation_date: Option<&str>,
        now: &str,
        data_store_kind: &dyn Fn(&str) -> SourceKind,
    ) -> Result<SpConnection, ApiError> {
        let mut errors = Vec::new();
        if !is_valid_id(id) {
            errors.push(ValidationError::new(
                "invalid_id",
                "id",
                format!("The id '{id}' may contain only letters, digits, '.', '_' and '-'."),
            ));
        }
        if text(&self.entity_id).is_none() {
            errors.push(ValidationError::required(
                "entityId",
                "The partner's entity ID",
            ));
        }
        if text(&self.name).is_none() {
            errors.push(ValidationError::required("name", "The connection name"));
        }
        let outbound_provision = self
            .outbound_provision
            .as_ref()
            .map(|provision| provision.normalized(data_store_kind, &mut errors));
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let relative = |part: &Option<Value>| part.clone().map(links_relative);
        Ok(SpConnection {
            connection_type: Some(self.connection_type.unwrap_or(ConnectionType::Sp)),
            id: Some(id.to_string()),
            entity_id: self.entity_id.clone(),
            name: self.name.clone(),
            modification_date: Some(now.to_string()),
            creation_date: Some(creation_date.unwrap_or(now).to_string()),
            active: Some(self.active.unwrap_or(false)),
            virtual_entity_ids: Some(self.virtual_entity_ids.clone().unwrap_or_default()),
            metadata_reload_settings: relative(&self.metadata_reload_settings),
            credentials: relative(&self.credentials),
            contact_info: relative(&self.contact_info),
            logging_mode: Some(self.logging_mode.unwrap_or(LoggingMode::Standard)),
            additional_allowed_entities_configuration: relative(
                &self.additional_allowed_entities_configuration,
            ),
            extended_properties: relative(&self.extended_properties),
            replication_status: None,
            sp_browser_sso: relative(&self.sp_browser_sso),
            attribute_query: relative(&self.attribute_query),
            ws_trust: relative(&self.ws_trust),
            outbound_provision,
            connection_target_type: Some(
                self.connection_target_type
                    .unwrap_or(ConnectionTargetType::Standard),
            ),
            ..self.clone()
        })
    }

    /// The response form: `location` on every channel's `dataSource` and on the links
    /// of the parts kept as sent.
    pub fn to_response(&self, base_url: &str) -> Value {
        let mut located = self.clone();
        if let Some(provision) = &mut located.outbound_provision {
            for channel in provision.channels.iter_mut().flatten() {
                if let Some(source) = &mut channel.channel_source {
                    source.data_source = source
                        .data_source
                        .as_ref()
                        .map(|link| link.located(base_url, "/dataStores"));
                }
            }
            provision.custom_schema = provision
                .custom_schema
                .take()
                .map(|part| links_located(part, base_url));
        }
        for part in [
            &mut located.metadata_reload_settings,
            &mut located.credentials,
            &mut located.contact_info,
            &mut located.additional_allowed_entities_configuration,
            &mut located.extended_properties,
            &mut located.sp_browser_sso,
            &mut located.attribute_query,
            &mut located.ws_trust,
        ] {
            *part = part.take().map(|value| links_located(value, base_url));
        }
        serde_json::to_value(located).unwrap_or(Value::Null)
    }
}

/// Whether `object` is a `ResourceLink` (`{id, location}`, maybe with nothing else).
fn is_link(object: &serde_json::Map<String, Value>) -> bool {
    object.contains_key("id")
        && object.contains_key("location")
        && object.keys().all(|key| key == "id" || key == "location")
}

/// Input form of a part kept as sent: each link's `location` relative to the Admin
/// API's base path, or dropped when it is not under one.
fn links_relative(value: Value) -> Value {
    match value {
        Value::Object(mut object) => {
            if is_link(&object) {
                let relative = object
                    .get("location")
                    .and_then(Value::as_str)
                    .and_then(|location| location.split_once(BASE_PATH))
                    .map(|(_, path)| path.to_string())
                    .filter(|path| path.starts_with('/'));
                match relative {
                    Some(path) => {
                        object.insert("location".to_string(), Value::String(path));
                    }
                    None => {
                        object.remove("location");
                    }
                }
                return Value::Object(object);
            }
            Value::Object(
                object
                    .into_iter()
                    .map(|(key, value)| (key, links_relative(value)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(links_relative).collect()),
        other => other,
    }
}

/// Output form of a part kept as sent: each relative link `location` under `base_url`.
fn links_located(value: Value, base_url: &str) -> Value {
    match value {
        Value::Object(mut object) => {
            if is_link(&object) {
                if let Some(Value::String(path)) = object.get("location").cloned() {
                    object.insert(
                        "location".to_string(),
                        Value::String(format!("{base_url}{path}")),
                    );
                }
                return Value::Object(object);
            }
            Value::Object(
                object
                    .into_iter()
                    .map(|(key, value)| (key, links_located(value, base_url)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| links_located(item, base_url))
                .collect(),
        ),
        other => other,
    }
}

impl OutboundProvision {
    /// `type`, `targetSettings` and `channels` are required (12.0 spec
    /// `OutboundProvision.required`); the PingOne connector's settings are completed to
    /// the nine PingFederate returns; any other connector's are kept as sent.
    fn normalized(
        &self,
        data_store_kind: &dyn Fn(&str) -> SourceKind,
        errors: &mut Vec<ValidationError>,
    ) -> OutboundProvision {
        let provisioning_type = text(&self.provisioning_type);
        if provisioning_type.is_none() {
            errors.push(ValidationError::required(
                "outboundProvision.type",
                "The outbound provisioning type",
            ));
        }
        let settings_path = "outboundProvision.targetSettings";
        let target_settings = match (&self.target_settings, provisioning_type) {
            (None, _) => {
                errors.push(ValidationError::required(
                    settings_path,
                    "The target settings",
                ));
                Vec::new()
            }
            (Some(sent), Some(PINGONE_PROVISIONING_TYPE)) => target_settings::complete(sent),
            (Some(sent), _) => sent.clone(),
        };
        let channels = match &self.channels {
            None => {
                errors.push(ValidationError::required(
                    "outboundProvision.channels",
                    "The channels",
                ));
                Vec::new()
            }
            Some(sent) => sent
                .iter()
                .enumerate()
                .map(|(index, channel)| {
                    let path = format!("outboundProvision.channels[{index}]");
                    channel.normalized(&path, data_store_kind, errors)
                })
                .collect(),
        };
        OutboundProvision {
            provisioning_type: self.provisioning_type.clone(),
            target_settings: Some(target_settings),
            custom_schema: self.custom_schema.clone().map(links_relative),
            channels: Some(channels),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn links_in_kept_parts_are_relocated_and_foreign_locations_dropped() {
        let sent = json!({
            "signingSettings": {
                "signingKeyPairRef": {
                    "location": "https://pf.example:9999/pf-admin-api/v1/keyPairs/signing/k1",
                    "id": "k1"
                },
                "other": {"id": "x", "location": "https://elsewhere/x"}
            },
            "certs": []
        });
        let stored = links_relative(sent);
        assert_eq!(
            stored["signingSettings"]["signingKeyPairRef"]["location"],
            "/keyPairs/signing/k1"
        );
        assert!(stored["signingSettings"]["other"].get("location").is_none());
        let returned = links_located(stored, "https://127.0.0.1:1/pf-admin-api/v1");
        assert_eq!(
            returned["signingSettings"]["signingKeyPairRef"]["location"],
            "https://127.0.0.1:1/pf-admin-api/v1/keyPairs/signing/k1"
        );
        assert_eq!(returned["certs"], json!([]));
    }
}
