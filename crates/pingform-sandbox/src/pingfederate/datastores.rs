//! Data stores (`/dataStores`): the wire structs of the four types and the rules that
//! turn a request body into the stored object.
//!
//! Owns: type dispatch, required fields per type, the id pattern, server-computed
//! `name` and tag lists, defaults, secrets (`password` in, `encryptedPassword` out) and
//! the simulated connection test. Must not know about other resources: uniqueness,
//! existence and references are the store's job.
//!
//! Sources of each rule are cited next to it: the spec is
//! `reference/pingfederate-admin-api/pf-swagger-12.0.0.9-unedited.yaml` (the server's
//! own, "12.0 spec" below) and `pf-swagger-12.1.0.4.yaml` ("12.1 spec"); the real
//! exports are `reference/real-objects/` and the Terraform provider's
//! `server-profiles/13.1/data.json.subst` ("13.1 export"). Where no source says how
//! PingFederate behaves, the sandbox accepts (the README lists those questions).
//!
//! Test hook, not a PingFederate rule: unless the request carries
//! `X-BypassExternalValidation: true` (spec: POST/PUT `/dataStores`, "Connection test
//! will be bypassed when set to true"), a JDBC URL, LDAP host name or CUSTOM URL value
//! containing the text `unreachable` fails the write with 422 (errorId
//! `connection_test_failed`). It stands for PingFederate's connection test failing to
//! reach the database or directory, which the sandbox cannot really attempt.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::api_result::{ApiError, ValidationError};
use super::descriptors;
use super::plugin_configuration::PluginConfiguration;
use super::resource_link::ResourceLink;
use super::write_context::WriteContext;

/// The marker that makes the simulated connection test fail (a test hook, see above).
pub const UNREACHABLE_MARKER: &str = "unreachable";

/// A data store, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum DataStore {
    #[serde(rename = "JDBC")]
    Jdbc(JdbcDataStore),
    #[serde(rename = "LDAP")]
    Ldap(LdapDataStore),
    #[serde(rename = "CUSTOM")]
    Custom(CustomDataStore),
    #[serde(rename = "PING_ONE_LDAP_GATEWAY")]
    PingOneLdapGateway(PingOneLdapGatewayDataStore),
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JdbcDataStore {
    pub id: Option<String>,
    pub mask_attribute_values: Option<bool>,
    pub connection_url_tags: Option<Vec<JdbcTagConfig>>,
    pub connection_url: Option<String>,
    pub name: Option<String>,
    pub driver_class: Option<String>,
    pub user_name: Option<String>,
    pub password: Option<String>,
    pub encrypted_password: Option<String>,
    pub validate_connection_sql: Option<String>,
    pub allow_multi_value_attributes: Option<bool>,
    pub min_pool_size: Option<i32>,
    pub max_pool_size: Option<i32>,
    pub blocking_timeout: Option<i32>,
    pub idle_timeout: Option<i32>,
    pub last_modified: Option<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JdbcTagConfig {
    pub connection_url: Option<String>,
    pub tags: Option<String>,
    pub default_source: Option<bool>,
}

/// LDAP directory types (`ldapType`); an unknown value is a 400, like any bad enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LdapType {
    ActiveDirectory,
    OracleDirectoryServer,
    OracleUnifiedDirectory,
    UnboundidDs,
    PingDirectory,
    PingDs,
    Generic,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LdapDataStore {
    pub id: Option<String>,
    pub mask_attribute_values: Option<bool>,
    pub hostnames_tags: Option<Vec<LdapTagConfig>>,
    pub hostnames: Option<Vec<String>>,
    pub name: Option<String>,
    pub ldap_type: Option<LdapType>,
    pub bind_anonymously: Option<bool>,
    #[serde(rename = "userDN")]
    pub user_dn: Option<String>,
    pub password: Option<String>,
    pub encrypted_password: Option<String>,
    pub client_tls_certificate_ref: Option<ResourceLink>,
    pub use_ssl: Option<bool>,
    pub use_dns_srv_records: Option<bool>,
    #[serde(rename = "followLDAPReferrals")]
    pub follow_ldap_referrals: Option<bool>,
    #[serde(rename = "useStartTLS")]
    pub use_start_tls: Option<bool>,
    pub retry_failed_operations: Option<bool>,
    pub test_on_borrow: Option<bool>,
    pub test_on_return: Option<bool>,
    pub create_if_necessary: Option<bool>,
    pub verify_host: Option<bool>,
    pub min_connections: Option<i32>,
    pub max_connections: Option<i32>,
    pub max_wait: Option<i32>,
    pub time_between_evictions: Option<i32>,
    pub read_timeout: Option<i32>,
    pub connection_timeout: Option<i32>,
    pub dns_ttl: Option<i32>,
    pub ldap_dns_srv_prefix: Option<String>,
    pub ldaps_dns_srv_prefix: Option<String>,
    pub binary_attributes: Option<Vec<String>>,
    pub last_modified: Option<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LdapTagConfig {
    pub hostnames: Option<Vec<String>>,
    pub tags: Option<String>,
    pub default_source: Option<bool>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomDataStore {
    pub id: Option<String>,
    pub mask_attribute_values: Option<bool>,
    pub name: Option<String>,
    pub plugin_descriptor_ref: Option<ResourceLink>,
    // No `parentRef`: the 12.0 spec's `CustomDataStore` has no such property (the
    // Terraform provider documents it as "not supported for PingFederate versions 12.0
    // and later"), so it is an unknown property, a 400 like any other.
    pub configuration: Option<PluginConfiguration>,
    pub last_modified: Option<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PingOneLdapGatewayDataStore {
    pub id: Option<String>,
    pub mask_attribute_values: Option<bool>,
    pub name: Option<String>,
    pub ldap_type: Option<LdapType>,
    pub ping_one_connection_ref: Option<ResourceLink>,
    pub ping_one_environment_id: Option<String>,
    pub ping_one_ldap_gateway_id: Option<String>,
    pub use_ssl: Option<bool>,
    #[serde(rename = "useStartTLS")]
    pub use_start_tls: Option<bool>,
    pub binary_attributes: Option<Vec<String>>,
    pub last_modified: Option<String>,
}

const TYPES: [&str; 4] = ["JDBC", "LDAP", "CUSTOM", "PING_ONE_LDAP_GATEWAY"];

/// `true` when `id` matches `[a-zA-Z0-9._-]+` (12.0 spec `DataStore.id` and
/// `Connection.id`: "It can be any combination of [a-zA-Z0-9._-]").
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || "._-".contains(character))
}

impl DataStore {
    /// Reads a request body. A missing `type` is a 422 on `type` (12.0 spec
    /// `DataStore.required`); an unknown `type`, unknown property or wrong JSON type is
    /// a 400 (spec: "The request was improperly formatted or contained invalid
    /// fields").
    pub fn from_request(body: Value) -> Result<DataStore, ApiError> {
        match body.get("type") {
            Some(Value::String(kind)) if TYPES.contains(&kind.as_str()) => {}
            Some(Value::String(kind)) if !kind.is_empty() => {
                return Err(ApiError::BadRequest {
                    developer_message: format!(
                        "Unknown data store type '{kind}'; expected one of {}.",
                        TYPES.join(", ")
                    ),
                });
            }
            Some(Value::String(_)) | Some(Value::Null) | None => {
                return Err(ApiError::validation(ValidationError::required(
                    "type",
                    "Data store type",
                )));
            }
            Some(other) => {
                return Err(ApiError::BadRequest {
                    developer_message: format!("'type' must be a string, not {other}."),
                });
            }
        }
        serde_json::from_value(body).map_err(|error| ApiError::BadRequest {
            developer_message: error.to_string(),
        })
    }

    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Jdbc(store) => store.id.as_deref(),
            Self::Ldap(store) => store.id.as_deref(),
            Self::Custom(store) => store.id.as_deref(),
            Self::PingOneLdapGateway(store) => store.id.as_deref(),
        }
    }

    pub fn set_id(&mut self, id: String) {
        let slot = match self {
            Self::Jdbc(store) => &mut store.id,
            Self::Ldap(store) => &mut store.id,
            Self::Custom(store) => &mut store.id,
            Self::PingOneLdapGateway(store) => &mut store.id,
        };
        *slot = Some(id);
    }

    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Jdbc(store) => store.name.as_deref(),
            Self::Ldap(store) => store.name.as_deref(),
            Self::Custom(store) => store.name.as_deref(),
            Self::PingOneLdapGateway(store) => store.name.as_deref(),
        }
    }

    /// The wire value of `type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Jdbc(_) => "JDBC",
            Self::Ldap(_) => "LDAP",
            Self::Custom(_) => "CUSTOM",
            Self::PingOneLdapGateway(_) => "PING_ONE_LDAP_GATEWAY",
        }
    }

    /// The prefix of system-assigned ids: `JDBC-` and `LDAP-` followed by 40 upper-case
    /// hexadecimal digits, as in Ping's documentation example
    /// (`JDBC-123456789ABCDEF123456789ABCDEF123456A0AC`, reference §2) and the real
    /// export `dataStores--LDAP-D803C87FAB2ADFB4B0A947B64BA6F0C6093A5CA3.json`. No source
    /// shows the id PingFederate gives a CUSTOM or PingOne LDAP gateway store; the
    /// sandbox uses `CUSTOM-` and `LDAP-` (an open question in the README).
    pub fn generated_id_prefix(&self) -> &'static str {
        match self {
            Self::Jdbc(_) => "JDBC",
            Self::Ldap(_) | Self::PingOneLdapGateway(_) => "LDAP",
            Self::Custom(_) => "CUSTOM",
        }
    }

    /// The stored form: every rule of this module applied, or all the reasons why not.
    /// The id must already be settled by the caller.
    pub fn normalized(&self, context: &WriteContext<'_>) -> Result<DataStore, ApiError> {
        let mut errors = Vec::new();
        let mut stored = match self {
            Self::Jdbc(store) => Self::Jdbc(normalize_jdbc(store, context, &mut errors)),
            Self::Ldap(store) => Self::Ldap(normalize_ldap(store, context, &mut errors)),
            Self::Custom(store) => Self::Custom(normalize_custom(store, context, &mut errors)),
            Self::PingOneLdapGateway(store) => {
                Self::PingOneLdapGateway(normalize_gateway(store, context, &mut errors))
            }
        };
        if let Some(id) = self.id()
            && !is_valid_id(id)
        {
            errors.insert(0, invalid_id(id));
        }
        if errors.is_empty()
            && !context.bypass_external_validation
            && let Some(error) = stored.connection_test()
        {
            errors.push(error);
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        stored.set_last_modified(context.now.clone());
        Ok(stored)
    }

    fn set_last_modified(&mut self, timestamp: String) {
        let slot = match self {
            Self::Jdbc(store) => &mut store.last_modified,
            Self::Ldap(store) => &mut store.last_modified,
            Self::Custom(store) => &mut store.last_modified,
            Self::PingOneLdapGateway(store) => &mut store.last_modified,
        };
        *slot = Some(timestamp);
    }

    /// The simulated connection test (see the module documentation).
    fn connection_test(&self) -> Option<ValidationError> {
        let (field_path, targets): (&str, Vec<String>) = match self {
            Self::Jdbc(store) => (
                "connectionUrl",
                store
                    .connection_url_tags
                    .iter()
                    .flatten()
                    .filter_map(|tag| tag.connection_url.clone())
                    .chain(store.connection_url.clone())
                    .collect(),
            ),
            Self::Ldap(store) => (
                "hostnames",
                store
                    .hostnames_tags
                    .iter()
                    .flatten()
                    .flat_map(|tag| tag.hostnames.clone().unwrap_or_default())
                    .chain(store.hostnames.clone().unwrap_or_default())
                    .collect(),
            ),
            Self::Custom(store) => (
                "configuration",
                store
                    .configuration
                    .as_ref()
                    .map(PluginConfiguration::connection_targets)
                    .unwrap_or_default(),
            ),
            Self::PingOneLdapGateway(_) => return None,
        };
        let target = targets
            .iter()
            .find(|target| target.contains(UNREACHABLE_MARKER))?;
        Some(ValidationError::new(
            "connection_test_failed",
            field_path,
            format!(
                "Connection test failed: could not connect to '{target}'. Check the address, \
                 or send X-BypassExternalValidation: true to save without testing."
            ),
        ))
    }

    /// The response form: `location` added to every `ResourceLink`.
    pub fn to_response(&self, base_url: &str) -> Value {
        let mut located = self.clone();
        match &mut located {
            Self::Ldap(store) => {
                store.client_tls_certificate_ref = store
                    .client_tls_certificate_ref
                    .as_ref()
                    .map(|link| link.located(base_url, "/keyPairs/sslClient"));
            }
            Self::Custom(store) => {
                store.plugin_descriptor_ref = store
                    .plugin_descriptor_ref
                    .as_ref()
                    .map(|link| link.located(base_url, "/dataStores/descriptors"));
            }
            Self::PingOneLdapGateway(store) => {
                store.ping_one_connection_ref = store
                    .ping_one_connection_ref
                    .as_ref()
                    .map(|link| link.located(base_url, "/pingOneConnections"));
            }
            Self::Jdbc(_) => {}
        }
        serde_json::to_value(located).unwrap_or(Value::Null)
    }
}

fn invalid_id(id: &str) -> ValidationError {
    ValidationError::new(
        "invalid_id",
        "id",
        format!("The id '{id}' is not valid: use only letters, digits, '.', '_' and '-'."),
    )
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|value| !value.trim().is_empty())
}

fn normalize_jdbc(
    store: &JdbcDataStore,
    context: &WriteContext<'_>,
    errors: &mut Vec<ValidationError>,
) -> JdbcDataStore {
    // 12.0 spec `JdbcDataStore.required`: `driverClass`.
    if non_empty(&store.driver_class).is_none() {
        errors.push(ValidationError::required("driverClass", "Driver class"));
    }
    let mut tags = store.connection_url_tags.clone();
    if let Some(tags) = &mut tags {
        for (index, tag) in tags.iter_mut().enumerate() {
            // 12.0 spec `JdbcTagConfig.required`: `connectionUrl`.
            if non_empty(&tag.connection_url).is_none() {
                errors.push(ValidationError::required(
                    &format!("connectionUrlTags[{index}].connectionUrl"),
                    "Connection URL",
                ));
            }
            // Every tag of the real exports carries `defaultSource`; the 12.0 spec's
            // `JdbcTagConfig.defaultSource` says "The default value is false".
            tag.default_source = Some(tag.default_source.unwrap_or(false));
        }
    }
    let default_tag_url = tags.as_ref().and_then(|tags| {
        tags.iter()
            .find(|tag| tag.default_source == Some(true))
            .and_then(|tag| tag.connection_url.clone())
    });
    // 12.0 spec: `connectionUrl` "is required if no mapping for JDBC database location
    // and tags is specified", `connectionUrlTags` "is required if 'connectionUrl' is not
    // provided". PingFederate returns both (real `ProvisionerDS` export): a URL alone
    // gets one default tag (Terraform acceptance test
    // `jdbc_data_store_resource_gen_test.go`), tags alone give the default tag's URL.
    let connection_url = match (non_empty(&store.connection_url), &tags) {
        (Some(url), None) => {
            tags = Some(vec![JdbcTagConfig {
                connection_url: Some(url.to_string()),
                tags: None,
                default_source: Some(true),
            }]);
            Some(url.to_string())
        }
        (Some(url), Some(_)) => Some(url.to_string()),
        (None, Some(tag_list)) if !tag_list.is_empty() => default_tag_url,
        (None, _) => {
            errors.push(ValidationError::required("connectionUrl", "Connection URL"));
            None
        }
    };
    // 12.0 spec `JdbcDataStore.name`: "Omitting this attribute will set the value to a
    // combination of the connection url and the username"; the form `URL (user)`, and
    // `(null)` without a user, is from the Terraform acceptance test.
    let name = non_empty(&store.name).map(str::to_string).or_else(|| {
        connection_url
            .as_ref()
            .map(|url| format!("{url} ({})", store.user_name.as_deref().unwrap_or("null")))
    });
    let encrypted_password = context.resolve_secret(
        store.password.as_deref(),
        store.encrypted_password.as_deref(),
        "encryptedPassword",
        errors,
    );
    // No range check on the pool sizes: no source says which values PingFederate
    // refuses. The defaults (12.0 spec: "Omitting this attribute will set the value to
    // the connection pool default") are the values of the real `ProvisionerDS` export
    // (`real-objects/dataStores--ProvisionerDS.json`): 10, 100, 5000 ms, 5 minutes;
    // `maskAttributeValues` and `allowMultiValueAttributes` false as in that export.
    JdbcDataStore {
        id: store.id.clone(),
        mask_attribute_values: Some(store.mask_attribute_values.unwrap_or(false)),
        connection_url_tags: tags,
        connection_url,
        name,
        driver_class: store.driver_class.clone(),
        user_name: store.user_name.clone(),
        password: None,
        encrypted_password,
        validate_connection_sql: store.validate_connection_sql.clone(),
        allow_multi_value_attributes: Some(store.allow_multi_value_attributes.unwrap_or(false)),
        min_pool_size: Some(store.min_pool_size.unwrap_or(10)),
        max_pool_size: Some(store.max_pool_size.unwrap_or(100)),
        blocking_timeout: Some(store.blocking_timeout.unwrap_or(5000)),
        idle_timeout: Some(store.idle_timeout.unwrap_or(5)),
        last_modified: None,
    }
}

fn normalize_ldap(
    store: &LdapDataStore,
    context: &WriteContext<'_>,
    errors: &mut Vec<ValidationError>,
) -> LdapDataStore {
    // 12.0 spec `LdapDataStore.required`: `ldapType`.
    if store.ldap_type.is_none() {
        errors.push(ValidationError::required("ldapType", "LDAP type"));
    }
    let mut tags = store.hostnames_tags.clone();
    if let Some(tags) = &mut tags {
        for (index, tag) in tags.iter_mut().enumerate() {
            // 12.0 spec `LdapTagConfig.required`: `hostnames`.
            if tag.hostnames.as_ref().is_none_or(Vec::is_empty) {
                errors.push(ValidationError::required(
                    &format!("hostnamesTags[{index}].hostnames"),
                    "Host names",
                ));
            }
            // As for JDBC tags: real exports always carry it, default false.
            tag.default_source = Some(tag.default_source.unwrap_or(false));
        }
    }
    let default_tag_hostnames = tags.as_ref().and_then(|tags| {
        tags.iter()
            .find(|tag| tag.default_source == Some(true))
            .and_then(|tag| tag.hostnames.clone())
    });
    let sent_hostnames = store
        .hostnames
        .clone()
        .filter(|hostnames| !hostnames.is_empty());
    // 12.0 spec: `hostnames` "is required if no mapping for host names and tags is
    // specified", `hostnamesTags` "is required if 'hostnames' is not provided"; both are
    // returned (real LDAP export), derived from each other as for JDBC.
    let hostnames = match (sent_hostnames, &tags) {
        (Some(hostnames), None) => {
            tags = Some(vec![LdapTagConfig {
                hostnames: Some(hostnames.clone()),
                tags: None,
                default_source: Some(true),
            }]);
            Some(hostnames)
        }
        (Some(hostnames), Some(_)) => Some(hostnames),
        (None, Some(tag_list)) if !tag_list.is_empty() => default_tag_hostnames,
        (None, _) => {
            errors.push(ValidationError::required("hostnames", "Host names"));
            None
        }
    };
    // Host names are not checked for form: no source says what PingFederate refuses.
    // 12.0 spec `LdapDataStore.bindAnonymously`: "If true, no other authentication
    // fields should be provided. The default value is false."
    let bind_anonymously = store.bind_anonymously.unwrap_or(false);
    if bind_anonymously
        && (store.user_dn.is_some()
            || store.password.is_some()
            || store.encrypted_password.is_some())
    {
        errors.push(ValidationError::new(
            "conflicting_credentials",
            "bindAnonymously",
            "A data store that binds anonymously takes no userDN or password.",
        ));
    }
    // 12.0 spec `LdapDataStore.name`: "Omitting this attribute will set the value to a
    // combination of the hostname(s) and the principal"; the form `host host (userDN)`
    // is from the Terraform acceptance test.
    let name = non_empty(&store.name).map(str::to_string).or_else(|| {
        hostnames.as_ref().map(|hostnames| {
            format!(
                "{} ({})",
                hostnames.join(" "),
                store.user_dn.as_deref().unwrap_or("null")
            )
        })
    });
    let encrypted_password = context.resolve_secret(
        store.password.as_deref(),
        store.encrypted_password.as_deref(),
        "encryptedPassword",
        errors,
    );
    // Defaults: the 12.0 spec states `bindAnonymously`, `useSsl`, `useDnsSrvRecords`,
    // `followLDAPReferrals`, `retryFailedOperations` false, `verifyHost` true and
    // `maxWait` -1 when omitted; the other values are those the real exports return
    // when nothing else was set (13.1 export store `LDAP-PingDirectory`: 10/100
    // connections, 0 ms timeouts, evictions and DNS TTL, the `_ldap._tcp` /
    // `_ldaps._tcp` prefixes, `binaryAttributes` `[]`, `testOnBorrow`/`testOnReturn`
    // false). `createIfNecessary` is false unless sent, which no source settles (the
    // exports show true, the Terraform provider sends false).
    LdapDataStore {
        id: store.id.clone(),
        mask_attribute_values: Some(store.mask_attribute_values.unwrap_or(false)),
        hostnames_tags: tags,
        hostnames,
        name,
        ldap_type: store.ldap_type,
        bind_anonymously: Some(bind_anonymously),
        user_dn: store.user_dn.clone(),
        password: None,
        encrypted_password,
        client_tls_certificate_ref: store
            .client_tls_certificate_ref
            .as_ref()
            .map(ResourceLink::without_location),
        use_ssl: Some(store.use_ssl.unwrap_or(false)),
        use_dns_srv_records: Some(store.use_dns_srv_records.unwrap_or(false)),
        follow_ldap_referrals: Some(store.follow_ldap_referrals.unwrap_or(false)),
        use_start_tls: Some(store.use_start_tls.unwrap_or(false)),
        retry_failed_operations: Some(store.retry_failed_operations.unwrap_or(false)),
        test_on_borrow: Some(store.test_on_borrow.unwrap_or(false)),
        test_on_return: Some(store.test_on_return.unwrap_or(false)),
        create_if_necessary: Some(store.create_if_necessary.unwrap_or(false)),
        verify_host: Some(store.verify_host.unwrap_or(true)),
        min_connections: Some(store.min_connections.unwrap_or(10)),
        max_connections: Some(store.max_connections.unwrap_or(100)),
        max_wait: Some(store.max_wait.unwrap_or(-1)),
        time_between_evictions: Some(store.time_between_evictions.unwrap_or(0)),
        read_timeout: Some(store.read_timeout.unwrap_or(0)),
        connection_timeout: Some(store.connection_timeout.unwrap_or(0)),
        dns_ttl: Some(store.dns_ttl.unwrap_or(0)),
        ldap_dns_srv_prefix: Some(
            store
                .ldap_dns_srv_prefix
                .clone()
                .unwrap_or_else(|| "_ldap._tcp".to_string()),
        ),
        ldaps_dns_srv_prefix: Some(
            store
                .ldaps_dns_srv_prefix
                .clone()
                .unwrap_or_else(|| "_ldaps._tcp".to_string()),
        ),
        binary_attributes: Some(store.binary_attributes.clone().unwrap_or_default()),
        last_modified: None,
    }
}

fn normalize_custom(
    store: &CustomDataStore,
    context: &WriteContext<'_>,
    errors: &mut Vec<ValidationError>,
) -> CustomDataStore {
    // 12.0 spec `CustomDataStore.required`: `name`, `pluginDescriptorRef`,
    // `configuration`.
    if non_empty(&store.name).is_none() {
        errors.push(ValidationError::required("name", "Name"));
    }
    let plugin_id = store
        .plugin_descriptor_ref
        .as_ref()
        .and_then(ResourceLink::target);
    if plugin_id.is_none() {
        errors.push(ValidationError::required(
            "pluginDescriptorRef",
            "Plugin descriptor reference",
        ));
    }
    // A plugin the sandbox has no descriptor for is accepted and its configuration kept
    // as sent: no source says how PingFederate answers an unknown plugin class.
    let descriptor = plugin_id.and_then(descriptors::find);
    let configuration = match (&store.configuration, &descriptor) {
        (None, _) => {
            errors.push(ValidationError::required("configuration", "Configuration"));
            None
        }
        (Some(configuration), Some(descriptor)) => {
            Some(configuration.normalized(descriptor, context, errors))
        }
        (Some(configuration), None) => Some(configuration.clone()),
    };
    CustomDataStore {
        id: store.id.clone(),
        mask_attribute_values: Some(store.mask_attribute_values.unwrap_or(false)),
        name: store.name.clone(),
        plugin_descriptor_ref: store
            .plugin_descriptor_ref
            .as_ref()
            .map(ResourceLink::without_location),
        configuration,
        last_modified: None,
    }
}

fn normalize_gateway(
    store: &PingOneLdapGatewayDataStore,
    _context: &WriteContext<'_>,
    errors: &mut Vec<ValidationError>,
) -> PingOneLdapGatewayDataStore {
    // 12.0 spec `PingOneLdapGatewayDataStore.required`: `ldapType`,
    // `pingOneConnectionRef`, `pingOneEnvironmentId`, `pingOneLdapGatewayId`; the default
    // name `connection:environment:gateway` is from the Terraform acceptance test.
    if store.ldap_type.is_none() {
        errors.push(ValidationError::required("ldapType", "LDAP type"));
    }
    let connection_id = store
        .ping_one_connection_ref
        .as_ref()
        .and_then(ResourceLink::target);
    if connection_id.is_none() {
        errors.push(ValidationError::required(
            "pingOneConnectionRef",
            "PingOne connection reference",
        ));
    }
    let environment_id = non_empty(&store.ping_one_environment_id);
    if environment_id.is_none() {
        errors.push(ValidationError::required(
            "pingOneEnvironmentId",
            "PingOne environment id",
        ));
    }
    let gateway_id = non_empty(&store.ping_one_ldap_gateway_id);
    if gateway_id.is_none() {
        errors.push(ValidationError::required(
            "pingOneLdapGatewayId",
            "PingOne LDAP gateway id",
        ));
    }
    let name = non_empty(&store.name).map(str::to_string).or_else(|| {
        Some(format!(
            "{}:{}:{}",
            connection_id.unwrap_or_default(),
            environment_id.unwrap_or_default(),
            gateway_id.unwrap_or_default()
        ))
    });
    PingOneLdapGatewayDataStore {
        id: store.id.clone(),
        mask_attribute_values: Some(store.mask_attribute_values.unwrap_or(false)),
        name,
        ldap_type: store.ldap_type,
        ping_one_connection_ref: store
            .ping_one_connection_ref
            .as_ref()
            .map(ResourceLink::without_location),
        ping_one_environment_id: store.ping_one_environment_id.clone(),
        ping_one_ldap_gateway_id: store.ping_one_ldap_gateway_id.clone(),
        use_ssl: Some(store.use_ssl.unwrap_or(false)),
        use_start_tls: Some(store.use_start_tls.unwrap_or(false)),
        binary_attributes: store.binary_attributes.clone(),
        last_modified: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MasterKey;
    use serde_json::json;

    fn context(key: &MasterKey) -> WriteContext<'_> {
        WriteContext {
            master_key: key,
            bypass_external_validation: false,
            now: "2026-01-01T00:00:00.000Z".to_string(),
        }
    }

    #[test]
    fn unknown_property_is_a_bad_request() {
        let error =
            DataStore::from_request(json!({"type": "JDBC", "driverclass": "x"})).unwrap_err();
        assert!(matches!(error, ApiError::BadRequest { .. }), "{error:?}");
    }

    #[test]
    fn missing_type_is_a_validation_error() {
        let error = DataStore::from_request(json!({"driverClass": "x"})).unwrap_err();
        assert!(matches!(error, ApiError::Validation(_)), "{error:?}");
    }

    #[test]
    fn jdbc_name_uses_null_without_user_name() {
        let key = MasterKey::generate("12.1.0.4").unwrap();
        let store = DataStore::from_request(json!({
            "type": "JDBC", "driverClass": "org.h2.Driver", "connectionUrl": "jdbc:h2:mem:x"
        }))
        .unwrap()
        .normalized(&context(&key))
        .unwrap();
        let json = store.to_response("https://x/pf-admin-api/v1");
        assert_eq!(json["name"], "jdbc:h2:mem:x (null)");
        assert!(json.get("userName").is_none());
        assert!(json.get("validateConnectionSql").is_none());
    }

    #[test]
    fn id_pattern() {
        assert!(is_valid_id("a.B_c-9"));
        assert!(!is_valid_id("has space"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("slash/"));
    }
}
