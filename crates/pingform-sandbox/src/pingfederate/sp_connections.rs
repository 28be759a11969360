//! SP connections (`/idp/spConnections`, schemas `SpConnection` and
//! `OutboundProvision`): the wire struct and the rules of a write that need no other
//! SP connection.
//!
//! Owns: required `entityId` and `name`, the id pattern, `type` (`SP`), `active`
//! (false) and `loggingMode` (STANDARD) defaults, `creationDate`/`modificationDate`,
//! the `outboundProvision` shape (type `PingOne` only, target settings completed by
//! `target_settings`, channels checked by `provisioning_channels`, unique channel
//! names). Must not know other SP connections (entityId uniqueness, add/remove of
//! `outboundProvision` on PUT, delete rules are the store's job); the objects it
//! references are looked up through `References`.
//!
//! Parts of a connection the sandbox does not model (`spBrowserSso`, `attributeQuery`,
//! `wsTrust`, `credentials`, `contactInfo`, `metadataReloadSettings`,
//! `extendedProperties`, `additionalAllowedEntitiesConfiguration`,
//! `outboundProvision.customSchema`) are kept as sent and returned unchanged. Unknown
//! top-level properties are a 400, like everywhere else.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::api_result::{ApiError, ValidationError};
use super::datastores::is_valid_id;
use super::provisioning_channels::{Channel, SourceKind};
use super::target_settings::{self, ConfigField};

/// The only outbound provisioning type the sandbox emulates.
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

/// Lookups of the objects a connection references.
pub struct References<'a> {
    pub data_store_kind: &'a dyn Fn(&str) -> SourceKind,
    pub pingone_connection_exists: &'a dyn Fn(&str) -> bool,
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

    /// The PingFederate PingOne connection id named by `PINGONE_ENVIRONMENT`.
    pub fn pingone_connection_id(&self) -> Option<String> {
        self.outbound_provision
            .as_ref()
            .and_then(|provision| provision.target_settings.as_deref())
            .and_then(target_settings::environment_reference)
            .map(|reference| reference.pingone_connection_id)
    }

    /// The stored form: `id` is the final id, `creation_date` the stored creation date
    /// of the connection a PUT replaces (or `now` for a new one).
    pub fn normalized(
        &self,
        id: &str,
        creation_date: Option<&str>,
        now: &str,
        references: &References<'_>,
    ) -> Result<SpConnection, ApiError> {
        let mut errors = Vec::new();
        if !is_valid_id(id) {
            errors.push(ValidationError::new(
                "invalid_id",
                "id",
                format!("The id '{id}' may contain only letters, digits, '.', '_' and '-'."),
            ));
        }
        if self.connection_type == Some(ConnectionType::Idp) {
            errors.push(ValidationError::new(
                "invalid_connection_type",
                "type",
                "An SP connection has type SP.",
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
            .map(|provision| provision.normalized(references, &mut errors));
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        Ok(SpConnection {
            connection_type: Some(ConnectionType::Sp),
            id: Some(id.to_string()),
            entity_id: text(&self.entity_id).map(str::to_string),
            name: text(&self.name).map(str::to_string),
            modification_date: Some(now.to_string()),
            creation_date: Some(creation_date.unwrap_or(now).to_string()),
            active: Some(self.active.unwrap_or(false)),
            logging_mode: Some(self.logging_mode.unwrap_or(LoggingMode::Standard)),
            replication_status: None,
            outbound_provision,
            ..self.clone()
        })
    }

    /// The response form: `location` on every channel's `dataSource`.
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
        }
        serde_json::to_value(located).unwrap_or(Value::Null)
    }
}

impl OutboundProvision {
    fn normalized(
        &self,
        references: &References<'_>,
        errors: &mut Vec<ValidationError>,
    ) -> OutboundProvision {
        match text(&self.provisioning_type) {
            None => errors.push(ValidationError::required(
                "outboundProvision.type",
                "The outbound provisioning type",
            )),
            Some(PINGONE_PROVISIONING_TYPE) => {}
            Some(other) => errors.push(ValidationError::new(
                "unsupported_provisioning_type",
                "outboundProvision.type",
                format!(
                    "The sandbox emulates the '{PINGONE_PROVISIONING_TYPE}' provisioning \
                     connector only, not '{other}'."
                ),
            )),
        }
        let settings_path = "outboundProvision.targetSettings";
        let target_settings = target_settings::complete(
            self.target_settings.as_deref().unwrap_or_default(),
            settings_path,
            errors,
        );
        if let Some(reference) = target_settings::environment_reference(&target_settings)
            && !(references.pingone_connection_exists)(&reference.pingone_connection_id)
        {
            let index = self
                .target_settings
                .iter()
                .flatten()
                .position(|field| field.name == target_settings::PINGONE_ENVIRONMENT)
                .unwrap_or_default();
            errors.push(ValidationError::new(
                "unknown_pingone_connection",
                &format!("{settings_path}[{index}].value"),
                format!(
                    "PingOne connection '{}' does not exist (/pingOneConnections).",
                    reference.pingone_connection_id
                ),
            ));
        }
        let sent_channels = self.channels.as_deref().unwrap_or_default();
        let mut channels = Vec::with_capacity(sent_channels.len());
        for (index, channel) in sent_channels.iter().enumerate() {
            let path = format!("outboundProvision.channels[{index}]");
            if let Some(name) = channel.name()
                && sent_channels[..index]
                    .iter()
                    .any(|other| other.name() == Some(name))
            {
                errors.push(ValidationError::new(
                    "duplicate_channel_name",
                    &format!("{path}.name"),
                    format!("The channel name '{name}' is used more than once in this connection."),
                ));
            }
            channels.push(channel.normalized(&path, references.data_store_kind, errors));
        }
        OutboundProvision {
            provisioning_type: text(&self.provisioning_type).map(str::to_string),
            target_settings: Some(target_settings),
            custom_schema: self.custom_schema.clone(),
            channels: Some(channels),
        }
    }
}
