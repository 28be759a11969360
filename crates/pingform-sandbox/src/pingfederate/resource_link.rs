//! `ResourceLink`: `{id, location}` references between objects.
//!
//! Owns the wire shape and how `location` is built. `location` is read-only: it is
//! accepted and dropped on input, and rebuilt from the sandbox's base URL on output
//! (the 12.1 spec removed it from the schema, but the live server returns it).

use serde::{Deserialize, Serialize};

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceLink {
    pub id: Option<String>,
    pub location: Option<String>,
}

impl ResourceLink {
    pub fn to(id: &str) -> Self {
        Self {
            id: Some(id.to_string()),
            location: None,
        }
    }

    /// The id, if present and non-empty.
    pub fn target(&self) -> Option<&str> {
        self.id.as_deref().filter(|id| !id.is_empty())
    }

    /// Input form: `location` is read-only and never stored.
    pub fn without_location(&self) -> Self {
        Self {
            id: self.id.clone(),
            location: None,
        }
    }

    /// Output form: `location` = `<base_url><collection_path>/<id>`.
    pub fn located(&self, base_url: &str, collection_path: &str) -> Self {
        Self {
            id: self.id.clone(),
            location: self
                .target()
                .map(|id| format!("{base_url}{collection_path}/{id}")),
        }
    }

    /// Output form where an empty id is located at the collection itself, as the real
    /// export `serverSettings.outboundProvisioning--settings.json` shows it (`"id": ""`,
    /// `location` `.../pf-admin-api/v1/dataStores`).
    pub fn located_or_collection(&self, base_url: &str, collection_path: &str) -> Self {
        match self.target() {
            Some(_) => self.located(base_url, collection_path),
            None => Self {
                id: self.id.clone(),
                location: Some(format!("{base_url}{collection_path}")),
            },
        }
    }
}
