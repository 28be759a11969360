//! The PingFederate Admin API: endpoints as data, and the calls pingform makes.
//!
//! Refresh reads each collection in one request (`GET /dataStores` returns every
//! store), the four collections concurrently. Writes go one object at a time.

mod collection;
mod sp_connection;
mod wire;

use serde_json::Value;

use super::{Executor, ExecutorSettings, Method, ProviderError};
use crate::model::{
    Attributes, Collection, Observed, ObservedObject, PingFederateSettings, ResourceKind,
    SINGLETON_ID, Secret, schema,
};

pub use wire::{from_wire, to_wire};

const DATASTORES: &str = "/dataStores";
const OUTBOUND_PROVISIONING: &str = "/serverSettings/outboundProvisioning";
const PINGONE_CONNECTIONS: &str = "/pingOneConnections";
const SP_CONNECTIONS: &str = "/idp/spConnections";

/// How a secret goes into a request body.
#[derive(Debug, Clone, Copy)]
pub enum SecretValue<'a> {
    /// A new value, sent in plain text (over TLS) for the server to encrypt.
    Plain(&'a Secret),
    /// The encrypted form the server returned, sent back to keep the stored secret.
    Encrypted(&'a str),
}

/// One object to write.
#[derive(Debug, Clone)]
pub struct WriteRequest<'a> {
    pub kind: ResourceKind,
    pub id: &'a str,
    pub attributes: &'a Attributes,
    /// By field path, as in `DesiredResource::secrets`.
    pub secrets: Vec<(String, SecretValue<'a>)>,
}

/// A client for one PingFederate Admin API.
#[derive(Clone)]
pub struct PingFederate {
    executor: Executor,
}

impl PingFederate {
    pub fn new(settings: &PingFederateSettings) -> Result<PingFederate, ProviderError> {
        let executor = Executor::new(ExecutorSettings {
            base_url: settings.url.trim_end_matches('/').to_string(),
            username: settings.username.clone(),
            password: settings.password.clone(),
            ca_file: settings.ca_file.clone(),
            insecure_skip_tls_verify: settings.insecure_skip_tls_verify,
            timeout: settings.request_timeout,
            headers: vec![("X-XSRF-Header", "PingFederate")],
        })?;
        Ok(PingFederate { executor })
    }

    pub fn base_url(&self) -> &str {
        self.executor.base_url()
    }

    /// `GET /version`.
    pub async fn version(&self) -> Result<String, ProviderError> {
        let response = self
            .executor
            .send(Method::Get, "/version", None, &no_fields)
            .await?;
        Ok(response
            .body
            .get("version")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string())
    }

    /// Reads every object pingform can manage: one request per collection (four),
    /// concurrently, whatever the number of objects.
    pub async fn refresh(&self) -> Result<Observed, ProviderError> {
        let decode = |insert: fn(&mut Observed, Value) -> Result<(), String>| {
            move |_: u16, bytes: &[u8]| collection::decode_items(bytes, insert)
        };
        let (datastores, outbound, pingone_connections, sp_connections) = tokio::join!(
            self.executor.send_decoded(
                Method::Get,
                DATASTORES,
                None,
                &no_fields,
                decode(insert_datastore)
            ),
            self.executor
                .send(Method::Get, OUTBOUND_PROVISIONING, None, &no_fields),
            self.executor.send_decoded(
                Method::Get,
                PINGONE_CONNECTIONS,
                None,
                &no_fields,
                decode(insert_pingone_connection)
            ),
            self.executor.send_decoded(
                Method::Get,
                SP_CONNECTIONS,
                None,
                &no_fields,
                decode(insert_sp_connection)
            ),
        );
        let mut observed = datastores?;
        observed.merge(pingone_connections?);
        observed.merge(sp_connections?);
        let outbound = outbound?;
        let settings = from_wire(
            ResourceKind::OutboundProvisioning,
            SINGLETON_ID,
            &outbound.body,
        )
        .map_err(|detail| self.invalid(Method::Get, OUTBOUND_PROVISIONING, &detail))?;
        observed.insert(settings);
        Ok(observed)
    }

    /// Reads one object again; `None` when it no longer exists.
    pub async fn read(
        &self,
        kind: ResourceKind,
        id: &str,
    ) -> Result<Option<ObservedObject>, ProviderError> {
        let path = object_path(kind, id);
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
        let body = to_wire(request);
        let path = collection_path(request.kind.collection()).to_string();
        let method = if request.kind.is_singleton() {
            Method::Put
        } else {
            Method::Post
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
        let body = to_wire(request);
        let path = object_path(request.kind, request.id);
        let names = field_names(request.kind);
        let response = self
            .executor
            .send(Method::Put, &path, Some(&body), &names)
            .await?;
        self.decode(request.kind, request.id, &path, Method::Put, &response.body)
    }

    /// Deletes a data store. The outbound provisioning settings cannot be deleted:
    /// "removing" them puts PingFederate's defaults back (`ProvisionerDS`, 60 s).
    /// An object that is already gone counts as deleted.
    pub async fn delete(&self, kind: ResourceKind, id: &str) -> Result<(), ProviderError> {
        if kind.is_singleton() {
            let defaults = default_outbound_provisioning();
            self.update(&WriteRequest {
                kind,
                id,
                attributes: &defaults,
                secrets: Vec::new(),
            })
            .await?;
            return Ok(());
        }
        if kind == ResourceKind::ProvisioningConnection {
            // PingFederate deletes only inactive connections. Read raw: the connection
            // may no longer be a PingOne provisioning connection at all.
            let path = object_path(kind, id);
            let mut live = match self
                .executor
                .send(Method::Get, &path, None, &no_fields)
                .await
            {
                Ok(response) => response.body,
                Err(error) if error.is_not_found() => return Ok(()),
                Err(error) => return Err(error),
            };
            if live.get("active") == Some(&Value::Bool(true)) {
                live["active"] = Value::Bool(false);
                let names = field_names(kind);
                self.executor
                    .send(Method::Put, &path, Some(&live), &names)
                    .await?;
            }
        }
        let path = object_path(kind, id);
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
        from_wire(kind, id, body).map_err(|detail| self.invalid(method, path, &detail))
    }

    fn invalid(&self, method: Method, path: &str, detail: &str) -> ProviderError {
        ProviderError::InvalidResponse {
            method: format!("{method:?}").to_uppercase(),
            url: self.executor.url(path),
            detail: detail.to_string(),
        }
    }
}

/// Adds one item of `GET /dataStores` to `observed`. Data store types pingform does
/// not manage are remembered by id only, so that a declared id cannot collide with them.
fn insert_datastore(observed: &mut Observed, item: Value) -> Result<(), String> {
    let id = item
        .get("id")
        .and_then(Value::as_str)
        .ok_or("a data store without an id")?;
    let wire_type = item.get("type").and_then(Value::as_str).unwrap_or_default();
    match ResourceKind::from_wire_type(wire_type) {
        Some(kind) => observed.insert(from_wire(kind, id, &item)?),
        None => observed.insert_foreign(
            Collection::DataStores,
            id.to_string(),
            wire_type.to_string(),
        ),
    }
    Ok(())
}

/// Adds one item of `GET /pingOneConnections`.
fn insert_pingone_connection(observed: &mut Observed, item: Value) -> Result<(), String> {
    let id = item
        .get("id")
        .and_then(Value::as_str)
        .ok_or("a PingOne connection without an id")?;
    observed.insert(from_wire(ResourceKind::PingOneConnection, id, &item)?);
    Ok(())
}

/// Adds one item of `GET /idp/spConnections`. Connections without PingOne outbound
/// provisioning (browser SSO, other SaaS targets) are remembered by id only.
fn insert_sp_connection(observed: &mut Observed, item: Value) -> Result<(), String> {
    let id = item
        .get("id")
        .and_then(Value::as_str)
        .ok_or("an SP connection without an id")?;
    match from_wire(ResourceKind::ProvisioningConnection, id, &item) {
        Ok(object) => observed.insert(object),
        Err(_) => observed.insert_foreign(
            Collection::SpConnections,
            id.to_string(),
            "SP connection without PingOne provisioning".to_string(),
        ),
    }
    Ok(())
}

fn collection_path(collection: Collection) -> &'static str {
    match collection {
        Collection::DataStores => DATASTORES,
        Collection::OutboundProvisioning => OUTBOUND_PROVISIONING,
        Collection::PingOneConnections => PINGONE_CONNECTIONS,
        Collection::SpConnections => SP_CONNECTIONS,
    }
}

fn object_path(kind: ResourceKind, id: &str) -> String {
    match kind.collection() {
        Collection::OutboundProvisioning => OUTBOUND_PROVISIONING.to_string(),
        collection => format!(
            "{}/{}",
            collection_path(collection),
            encode_path_segment(id)
        ),
    }
}

/// Ids are `[a-zA-Z0-9._-]`, so this only matters for ids PingFederate itself made up.
fn encode_path_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'_' | b'-' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn default_outbound_provisioning() -> Attributes {
    let mut attributes = Attributes::new();
    attributes.insert(
        "datastore".into(),
        schema::DEFAULT_PROVISIONING_DATASTORE_ID.into(),
    );
    attributes.insert(
        "synchronization_frequency".into(),
        schema::DEFAULT_SYNCHRONIZATION_FREQUENCY.into(),
    );
    attributes
}

fn no_fields(_: &str) -> Option<String> {
    None
}

/// Maps a server field path (`driverClass`, `connectionUrlTags[0].connectionUrl`,
/// `configuration.fields[2].value`) to the configuration's name for it.
fn field_names(kind: ResourceKind) -> impl Fn(&str) -> Option<String> {
    move |path: &str| wire::configuration_path(kind, path)
}
