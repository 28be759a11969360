//! PingOne connections (`/pingOneConnections`, schema `PingOneConnection`): the
//! credential PingFederate uses to reach a PingOne organization, its wire struct and the
//! rules of a write.
//!
//! Owns: required `name` (12.0 spec `PingOneConnection.required`, the only required
//! property), `active` default true (spec: "Defaults to true"; `description` absent
//! unless sent, as the Terraform acceptance test `pingone_connection_resource_gen_test.go`
//! checks), the write-only `credential` (spec: returned only as `encryptedCredential`,
//! kept when that is sent back unchanged, replaced when a plain value is sent), and the
//! read-only fields PingFederate derives from the credential (spec: `credentialId`,
//! `pingOneConnectionId`, `environmentId`, `creationDate`, `organizationName`, `region`,
//! `pingOneManagementApiEndpoint`, `pingOneAuthenticationApiEndpoint`, all "read only").
//! A connection without a credential is accepted: the spec does not require one and no
//! source says PingFederate refuses it. Must not know other objects.
//!
//! The real credential is a base64 blob minted by PingOne that carries the environment,
//! region and endpoints; the sandbox accepts any string and fills the read-only fields
//! from the sandbox's own PingOne side (`PingOneTarget`): its first environment, its
//! organization, the region's name and the endpoints. The Terraform acceptance test
//! reads back `region` "North America" and the endpoints `https://api.pingone.com` and
//! `https://auth.pingone.com` (the hosts, without the API's `/v1`); the sandbox's are
//! `{server}/pingone` and `{server}/pingone-auth`. Region names other than North
//! America's are not shown by any source: the sandbox returns the region code for
//! them. `credentialId` and `pingOneConnectionId` are random UUIDs assigned at creation
//! and kept afterwards (their form is an open question).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::api_result::{ApiError, ValidationError};
use super::datastores::is_valid_id;
use super::write_context::WriteContext;
use crate::random_identifiers;

/// What the sandbox's PingOne side looks like to PingFederate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PingOneTarget {
    pub environment_id: String,
    /// The region code (`NA`, `EU`, ...).
    pub region: String,
    pub organization_name: String,
    /// The Management API's host, without `/v1`.
    pub management_api_endpoint: String,
    pub authentication_api_url: String,
}

/// The region as `PingOneConnection.region` shows it (see the module documentation).
pub fn region_name(code: &str) -> String {
    match code {
        "NA" => "North America".to_string(),
        other => other.to_string(),
    }
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PingOneConnection {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub active: Option<bool>,
    pub credential: Option<String>,
    pub encrypted_credential: Option<String>,
    pub credential_id: Option<String>,
    pub ping_one_connection_id: Option<String>,
    pub environment_id: Option<String>,
    pub creation_date: Option<String>,
    pub organization_name: Option<String>,
    pub region: Option<String>,
    pub ping_one_management_api_endpoint: Option<String>,
    pub ping_one_authentication_api_endpoint: Option<String>,
}

impl PingOneConnection {
    /// Reads a request body (400 on unknown properties or wrong JSON types).
    pub fn from_request(body: Value) -> Result<Self, ApiError> {
        serde_json::from_value(body).map_err(|error| ApiError::BadRequest {
            developer_message: error.to_string(),
        })
    }

    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The stored form of a request. `existing` is the stored connection a PUT replaces
    /// (its server-assigned ids and creation date survive); `id` is the final id.
    pub fn normalized(
        &self,
        id: &str,
        existing: Option<&PingOneConnection>,
        target: &PingOneTarget,
        context: &WriteContext<'_>,
    ) -> Result<PingOneConnection, ApiError> {
        let mut errors = Vec::new();
        if !is_valid_id(id) {
            errors.push(ValidationError::new(
                "invalid_id",
                "id",
                format!("The id '{id}' may contain only letters, digits, '.', '_' and '-'."),
            ));
        }
        let name = self
            .name
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty());
        if name.is_none() {
            errors.push(ValidationError::required("name", "The connection name"));
        }
        let encrypted_credential = context.resolve_secret(
            self.credential.as_deref(),
            self.encrypted_credential.as_deref(),
            "encryptedCredential",
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let assigned = |current: Option<&Option<String>>| -> Result<String, ApiError> {
            match current.and_then(Option::as_ref) {
                Some(value) => Ok(value.clone()),
                None => Ok(random_identifiers::uuid()?),
            }
        };
        Ok(PingOneConnection {
            id: Some(id.to_string()),
            name: name.map(str::to_string),
            description: self
                .description
                .clone()
                .filter(|description| !description.is_empty()),
            active: Some(self.active.unwrap_or(true)),
            credential: None,
            encrypted_credential,
            credential_id: Some(assigned(existing.map(|stored| &stored.credential_id))?),
            ping_one_connection_id: Some(assigned(
                existing.map(|stored| &stored.ping_one_connection_id),
            )?),
            environment_id: Some(target.environment_id.clone()),
            creation_date: Some(
                existing
                    .and_then(|stored| stored.creation_date.clone())
                    .unwrap_or_else(|| context.now.clone()),
            ),
            organization_name: Some(target.organization_name.clone()),
            region: Some(region_name(&target.region)),
            ping_one_management_api_endpoint: Some(target.management_api_endpoint.clone()),
            ping_one_authentication_api_endpoint: Some(target.authentication_api_url.clone()),
        })
    }

    pub fn to_response(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MasterKey;
    use serde_json::json;

    fn target() -> PingOneTarget {
        PingOneTarget {
            environment_id: "env".into(),
            region: "NA".into(),
            organization_name: "Org".into(),
            management_api_endpoint: "https://x/pingone".into(),
            authentication_api_url: "https://x/pingone-auth".into(),
        }
    }

    #[test]
    fn the_credential_is_stored_encrypted_and_server_fields_are_filled() {
        let key = MasterKey::generate("12.1.0.4").unwrap();
        let context = WriteContext {
            master_key: &key,
            bypass_external_validation: false,
            now: "2026-01-01T00:00:00.000Z".into(),
        };
        let request =
            PingOneConnection::from_request(json!({"name": "p1", "credential": "blob"})).unwrap();
        let stored = request.normalized("p1", None, &target(), &context).unwrap();
        assert_eq!(stored.credential, None);
        let encrypted = stored.encrypted_credential.clone().unwrap();
        assert_eq!(key.decrypt(&encrypted).as_deref(), Some("blob"));
        assert_eq!(stored.active, Some(true));
        assert_eq!(stored.environment_id.as_deref(), Some("env"));
        assert_eq!(stored.region.as_deref(), Some("North America"));
        let again = PingOneConnection::from_request(stored.to_response())
            .unwrap()
            .normalized("p1", Some(&stored), &target(), &context)
            .unwrap();
        assert_eq!(again, stored);
    }

    #[test]
    fn a_name_is_required_and_a_credential_is_not() {
        let key = MasterKey::generate("12.1.0.4").unwrap();
        let context = WriteContext {
            master_key: &key,
            bypass_external_validation: false,
            now: "2026-01-01T00:00:00.000Z".into(),
        };
        let request = PingOneConnection::from_request(json!({})).unwrap();
        let Err(ApiError::Validation(errors)) = request.normalized("x", None, &target(), &context)
        else {
            panic!("expected a validation error");
        };
        let paths: Vec<_> = errors
            .iter()
            .map(|e| e.field_path.clone().unwrap())
            .collect();
        assert_eq!(paths, ["name"]);
        let request = PingOneConnection::from_request(json!({"name": "p1"})).unwrap();
        let stored = request.normalized("x", None, &target(), &context).unwrap();
        assert_eq!(stored.encrypted_credential, None);
    }
}
