//! The PingFederate Admin API: the calls pingform makes, driven by the kind
//! descriptors (collection paths, delete strategies) and the one wire codec.
//!
//! Refresh reads each collection in one request (`GET /dataStores` returns every
//! store), every collection concurrently. Writes go one object at a time.

mod codec;
mod collection;

use serde_json::Value;

use super::{Executor, ExecutorSettings, Method, ProviderError};
use crate::model::kinds::COLLECTIONS;
use crate::model::{
    Attributes, Cluster, Collection, DefaultContext, DeleteStrategy, Observed, ObservedObject,
    PingFederateSettings, PluginDescriptor, PluginField, ResourceKind, Secret, ServerIdentity,
    ServerInfo, Version,
};

pub use codec::{configuration_path, decode, encode};

/// How a secret goes into a request body.
#[derive(Debug, Clone, Copy)]
pub enum SecretValue<'a> {
    /// A new value, sent in plain text (over TLS) for the server to encrypt.
    Plain(&'a Secret),
    /// The encrypted form the server returned, sent back to keep the stored secret.
    Encrypted(&'a str),
    /// No value: the secret is cleared.
    Clear,
}

/// One object to write.
#[derive(Debug, Clone)]
pub struct WriteRequest<'a> {
    pub kind: ResourceKind,
    pub id: &'a str,
    pub attributes: &'a Attributes,
    /// By field path, as in `DesiredResource::secrets`.
    pub secrets: Vec<(String, SecretValue<'a>)>,
    /// The live object the declared fields are laid over (an update); `None` builds
    /// the object from the declared fields alone (a create).
    pub base: Option<&'a Value>,
    /// What the last apply declared: fields owned then and no longer declared go back
    /// to their defaults; fields never declared are never touched.
    pub owned_before: Option<&'a Attributes>,
    /// What defaults that depend on other objects need (a channel's directory type).
    pub context: &'a DefaultContext,
}

/// A client for one PingFederate Admin API.
#[derive(Clone)]
pub struct PingFederate {
    executor: Executor,
    /// `replicate = true` in the `pingfederate` block.
    replicate: bool,
}

/// Where PingFederate tests connections on a write (spec: the `X-BypassExternalValidation`
/// parameter of POST/PUT `/dataStores`, `/idp/spConnections`, `/pingOneConnections`).
const CONNECTION_TESTED: &[&str] = &["/dataStores", "/idp/spConnections", "/pingOneConnections"];

impl PingFederate {
    pub fn new(settings: &PingFederateSettings) -> Result<PingFederate, ProviderError> {
        let mut headers = vec![("X-XSRF-Header", "PingFederate")];
        if settings.bypass_external_validation {
            // Spec: POST/PUT /dataStores "Connection test will be bypassed when set to
            // true"; accepted on every request (the Terraform provider sends it always).
            headers.push(("X-BypassExternalValidation", "true"));
        }
        let executor = Executor::new(ExecutorSettings {
            base_url: settings.url.trim_end_matches('/').to_string(),
            auth: settings.auth.clone(),
            ca_file: settings.ca_file.clone(),
            insecure_skip_tls_verify: settings.insecure_skip_tls_verify,
            timeout: settings.request_timeout,
            headers,
            connection_tested: if settings.bypass_external_validation {
                &[]
            } else {
                CONNECTION_TESTED
            },
        })?;
        Ok(PingFederate {
            executor,
            replicate: settings.replicate,
        })
    }

    pub fn base_url(&self) -> &str {
        self.executor.base_url()
    }

    /// `GET /version` (spec: `Version { version }`). Anything but that answer means the
    /// URL does not lead to an Admin API.
    pub async fn version(&self) -> Result<Version, ProviderError> {
        let no_api = |detail: String| ProviderError::NoAdminApi {
            url: self.executor.base_url().to_string(),
            detail,
        };
        let response = match self
            .executor
            .send(Method::Get, "/version", None, &no_fields)
            .await
        {
            Ok(response) => response,
            Err(ProviderError::NotFound { url, .. }) => {
                return Err(no_api(format!("GET {url} answered 404")));
            }
            Err(ProviderError::InvalidResponse { url, .. }) => {
                return Err(no_api(format!(
                    "GET {url} answered with something other than JSON"
                )));
            }
            Err(error) => return Err(error),
        };
        let text = response.body.get("version").and_then(Value::as_str);
        match text.and_then(Version::parse) {
            Some(version) => Ok(version),
            None => Err(no_api(format!(
                "GET {} returned no PingFederate version: {}",
                self.executor.url("/version"),
                response
                    .body
                    .to_string()
                    .chars()
                    .take(200)
                    .collect::<String>()
            ))),
        }
    }

    /// `GET /cluster/status`: the cluster, or `Standalone` when the server answers 403
    /// "not deployed in clustered mode" (spec 12.0/12.1; research 10.1.3–10.1.4).
    pub async fn cluster(&self) -> Result<Cluster, ProviderError> {
        match self
            .executor
            .send(Method::Get, "/cluster/status", None, &no_fields)
            .await
        {
            Ok(response) => Ok(Cluster::Clustered {
                replication_required: response
                    .body
                    .get("replicationRequired")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                nodes: response
                    .body
                    .get("nodes")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len),
            }),
            Err(ProviderError::Forbidden { .. }) => Ok(Cluster::Standalone),
            Err(error) => Err(error),
        }
    }

    /// `GET /serverSettings`: the `federationInfo` base URL and SAML 2.0 entity id that
    /// identify the server (spec `ServerSettings`, `FederationInfo`). `None` when the
    /// server does not report both (a server not yet set up, or an account whose role
    /// may not read server settings: HTTP 403).
    pub async fn identity(&self) -> Result<Option<ServerIdentity>, ProviderError> {
        let response = match self
            .executor
            .send(Method::Get, "/serverSettings", None, &no_fields)
            .await
        {
            Ok(response) => response,
            Err(ProviderError::Forbidden { .. } | ProviderError::NotFound { .. }) => {
                return Ok(None);
            }
            Err(error) => return Err(error),
        };
        let federation = response.body.get("federationInfo");
        let text = |key: &str| {
            federation
                .and_then(|info| info.get(key))
                .and_then(Value::as_str)
                .filter(|value| !value.trim().is_empty())
                .map(str::to_string)
        };
        Ok(match (text("baseUrl"), text("saml2EntityId")) {
            (Some(base_url), Some(saml2_entity_id)) => Some(ServerIdentity {
                base_url,
                saml2_entity_id,
            }),
            _ => None,
        })
    }

    /// The version, the cluster and the server's identity, read together.
    pub async fn server(&self) -> Result<ServerInfo, ProviderError> {
        let (version, cluster, identity) =
            tokio::join!(self.version(), self.cluster(), self.identity());
        Ok(ServerInfo {
            url: self.base_url().to_string(),
            version: version?,
            identity: identity?,
            cluster: cluster?,
            replicate: self.replicate,
        })
    }

    /// `POST /cluster/replicate`: pushes the admin node's configuration to the engines.
    /// `GET /dataStores/descriptors`: every CUSTOM data store plugin the server knows
    /// (spec `CustomDataStoreDescriptors`), with its configuration fields and tables.
    pub async fn plugin_descriptors(&self) -> Result<Vec<PluginDescriptor>, ProviderError> {
        let response = self
            .executor
            .send(Method::Get, "/dataStores/descriptors", None, &no_fields)
            .await?;
        let text =
            |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        let list = |value: &Value, key: &str| -> Vec<Value> {
            value
                .get("configDescriptor")
                .and_then(|config| config.get(key))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let items = response.body.get("items").and_then(Value::as_array);
        Ok(items
            .into_iter()
            .flatten()
            .filter_map(|item| {
                Some(PluginDescriptor {
                    id: text(item, "id")?,
                    fields: list(item, "fields")
                        .iter()
                        .filter_map(|field| {
                            Some(PluginField {
                                name: text(field, "name")?,
                                // Spec `FieldDescriptor.defaultForLegacyConfig`: applied to a
                                // field missing from a POST or PUT; else `defaultValue`.
                                default: text(field, "defaultForLegacyConfig")
                                    .or_else(|| text(field, "defaultValue")),
                                encrypted: field.get("encrypted") == Some(&Value::Bool(true)),
                            })
                        })
                        .collect(),
                    tables: list(item, "tables")
                        .iter()
                        .filter_map(|table| text(table, "name"))
                        .collect(),
                })
            })
            .collect())
    }

    pub async fn replicate(&self) -> Result<(), ProviderError> {
        self.executor
            .send(Method::Post, "/cluster/replicate", None, &no_fields)
            .await
            .map(|_| ())
    }

    /// Reads every object pingform can manage: one request per collection,
    /// concurrently, whatever the number of objects.
    pub async fn refresh(&self) -> Result<Observed, ProviderError> {
        let reads = COLLECTIONS
            .iter()
            .map(|collection| self.read_collection(*collection));
        let mut observed = Observed::default();
        for result in futures_util::future::join_all(reads).await {
            observed.merge(result?);
        }
        Ok(observed)
    }

    /// One collection: a list (`{ "items": [...] }`, decoded item by item) or a
    /// singleton object.
    async fn read_collection(&self, collection: Collection) -> Result<Observed, ProviderError> {
        let path = collection.path();
        if collection.is_singleton() {
            let response = self
                .executor
                .send(Method::Get, path, None, &no_fields)
                .await?;
            let mut observed = Observed::default();
            insert_item(collection, &mut observed, response.body)
                .map_err(|detail| self.invalid(Method::Get, path, &detail))?;
            return Ok(observed);
        }
        self.executor
            .send_decoded(
                Method::Get,
                path,
                None,
                &no_fields,
                move |_: u16, bytes: &[u8]| {
                    collection::decode_items(bytes, |observed, item| {
                        insert_item(collection, observed, item)
                    })
                },
            )
            .await
    }

    /// Reads one object again; `None` when it no longer exists.
    pub async fn read(
        &self,
        kind: ResourceKind,
        id: &str,
    ) -> Result<Option<ObservedObject>, ProviderError> {
        let path = kind.collection().object_path(id);
        match self
            .executor
            .send(Method::Get, &path, None, &no_fields)
            .await
        {
            Ok(response) => self
                .decode(kind, id, &path, Method::Get, &response.body)
                .map(Some),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }

    pub async fn create(
        &self,
        request: &WriteRequest<'_>,
    ) -> Result<ObservedObject, ProviderError> {
        let body = encode(request);
        let collection = request.kind.collection();
        let (method, path) = if collection.is_singleton() {
            (Method::Put, collection.path().to_string())
        } else {
            (Method::Post, collection.path().to_string())
        };
        let names = field_names(request.kind);
        let response = self
            .executor
            .send(method, &path, Some(&body), &names)
            .await?;
        self.decode(request.kind, request.id, &path, method, &response.body)
    }

    pub async fn update(
        &self,
        request: &WriteRequest<'_>,
    ) -> Result<ObservedObject, ProviderError> {
        let body = encode(request);
        let path = request.kind.collection().object_path(request.id);
        let names = field_names(request.kind);
        let response = self
            .executor
            .send(Method::Put, &path, Some(&body), &names)
            .await?;
        self.decode(request.kind, request.id, &path, Method::Put, &response.body)
    }

    /// Removes an object the way its kind says (`DeleteStrategy`). An object that is
    /// already gone counts as deleted.
    pub async fn delete(&self, kind: ResourceKind, id: &str) -> Result<(), ProviderError> {
        let path = kind.collection().object_path(id);
        match kind.descriptor().delete {
            DeleteStrategy::Reset(_) => {
                let defaults = kind
                    .descriptor()
                    .delete
                    .reset_attributes()
                    .unwrap_or_default();
                self.update(&WriteRequest {
                    kind,
                    id,
                    attributes: &defaults,
                    secrets: Vec::new(),
                    base: None,
                    owned_before: None,
                    context: &DefaultContext::default(),
                })
                .await?;
                return Ok(());
            }
            DeleteStrategy::DeactivateThenDelete | DeleteStrategy::RemovePartOrDelete { .. } => {
                // Read raw: the object may no longer be of this kind at all (an SP
                // connection whose provisioning was removed in the console).
                let mut live = match self
                    .executor
                    .send(Method::Get, &path, None, &no_fields)
                    .await
                {
                    Ok(response) => response.body,
                    Err(error) if error.is_not_found() => return Ok(()),
                    Err(error) => return Err(error),
                };
                let names = field_names(kind);
                let descriptor = kind.descriptor();
                if descriptor.removal_keeps_object(&live) {
                    // The object carries more than this kind's part: only the part goes.
                    if let (Some(part), Value::Object(object)) = (descriptor.part, &mut live)
                        && let Some(last) = part.last()
                    {
                        let mut at = object;
                        for key in &part[..part.len() - 1] {
                            match at.get_mut(*key) {
                                Some(Value::Object(inner)) => at = inner,
                                _ => return Ok(()),
                            }
                        }
                        at.shift_remove(*last);
                    }
                    self.executor
                        .send(Method::Put, &path, Some(&live), &names)
                        .await?;
                    return Ok(());
                }
                if live.get("active") == Some(&Value::Bool(true)) {
                    live["active"] = Value::Bool(false);
                    self.executor
                        .send(Method::Put, &path, Some(&live), &names)
                        .await?;
                }
            }
            DeleteStrategy::Delete => {}
        }
        match self
            .executor
            .send(Method::Delete, &path, None, &no_fields)
            .await
        {
            Ok(_) => Ok(()),
            Err(error) if error.is_not_found() => Ok(()),
            Err(error) => Err(error),
        }
    }

    fn decode(
        &self,
        kind: ResourceKind,
        id: &str,
        path: &str,
        method: Method,
        body: &Value,
    ) -> Result<ObservedObject, ProviderError> {
        decode(kind, id, body).map_err(|detail| self.invalid(method, path, &detail))
    }

    fn invalid(&self, method: Method, path: &str, detail: &str) -> ProviderError {
        ProviderError::InvalidResponse {
            method: format!("{method:?}").to_uppercase(),
            url: self.executor.url(path),
            detail: detail.to_string(),
        }
    }
}

/// Adds one item of a collection to `observed`: an object of one of pingform's kinds,
/// or, for objects of other kinds (a PingOne LDAP gateway data store, an SP connection
/// without PingOne provisioning), its id and what it is, so that a declared id cannot
/// collide with it.
fn insert_item(collection: Collection, observed: &mut Observed, item: Value) -> Result<(), String> {
    match codec::decode_item(collection, &item)? {
        codec::Item::Known(object) => observed.insert(object),
        codec::Item::Foreign { id, what } => observed.insert_foreign(collection, id, what),
    }
    Ok(())
}

fn no_fields(_: &str) -> Option<String> {
    None
}

/// Maps a server field path (`driverClass`, `connectionUrlTags[0].connectionUrl`,
/// `configuration.fields[2].value`) to the configuration's name for it.
fn field_names(kind: ResourceKind) -> impl Fn(&str) -> Option<String> {
    move |path: &str| configuration_path(kind, path)
}
