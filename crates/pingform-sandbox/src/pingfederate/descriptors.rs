//! The catalogue of CUSTOM data store plugin descriptors the sandbox knows, and their
//! JSON form (`CustomDataStoreDescriptor` in the spec).
//!
//! Owns what a plugin's configuration may contain: field and table names, field types,
//! defaults, which fields are encrypted. Must not apply those rules to a request:
//! `plugin_configuration` does that.
//!
//! The one descriptor served, `com.pingidentity.pf.datastore.other.RestDataSourceDriver`,
//! is modelled on PingFederate's REST API data store (12.x): a base-URL table, request
//! headers, an attribute map, authentication fields with two encrypted secrets, and
//! connection settings with defaults.

use serde_json::{Value, json};

/// How a field is rendered and checked (`FieldDescriptor.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    CheckBox,
    Select,
}

impl FieldKind {
    fn wire_name(self) -> &'static str {
        match self {
            Self::Text => "TEXT",
            Self::CheckBox => "CHECK_BOX",
            Self::Select => "SELECT",
        }
    }
}

/// One configuration field or table column.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    pub kind: FieldKind,
    pub default_value: Option<&'static str>,
    pub required: bool,
    pub encrypted: bool,
    pub advanced: bool,
    pub options: &'static [&'static str],
}

/// One configuration table.
#[derive(Debug, Clone)]
pub struct TableSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    pub columns: Vec<FieldSpec>,
    /// The plugin refuses to save without at least one row in this table.
    pub minimum_rows: usize,
}

/// A CUSTOM data store plugin.
#[derive(Debug, Clone)]
pub struct PluginDescriptor {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub fields: Vec<FieldSpec>,
    pub tables: Vec<TableSpec>,
    pub attribute_contract: &'static [&'static str],
}

impl PluginDescriptor {
    pub fn table(&self, name: &str) -> Option<&TableSpec> {
        self.tables.iter().find(|table| table.name == name)
    }

    /// The `CustomDataStoreDescriptor` JSON body.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "className": self.id,
            "attributeContract": self.attribute_contract,
            "supportsExtendedContract": true,
            "configDescriptor": {
                "description": self.description,
                "fields": self.fields.iter().map(field_json).collect::<Vec<_>>(),
                "tables": self.tables.iter().map(|table| json!({
                    "name": table.name,
                    "description": table.description,
                    "columns": table.columns.iter().map(field_json).collect::<Vec<_>>(),
                    "label": table.label,
                    "requireDefaultRow": false,
                })).collect::<Vec<_>>(),
                "actionDescriptors": [],
            }
        })
    }
}

fn field_json(field: &FieldSpec) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("type".into(), json!(field.kind.wire_name()));
    object.insert("name".into(), json!(field.name));
    object.insert("description".into(), json!(field.description));
    if let Some(default_value) = field.default_value {
        object.insert("defaultValue".into(), json!(default_value));
    }
    object.insert("advanced".into(), json!(field.advanced));
    object.insert("required".into(), json!(field.required));
    object.insert("label".into(), json!(field.label));
    match field.kind {
        FieldKind::Text => {
            object.insert("encrypted".into(), json!(field.encrypted));
            object.insert("size".into(), json!(if field.encrypted { 30 } else { 60 }));
        }
        FieldKind::Select => {
            let options: Vec<Value> = field
                .options
                .iter()
                .map(|option| json!({"name": option, "value": option}))
                .collect();
            object.insert("optionValues".into(), Value::Array(options));
        }
        FieldKind::CheckBox => {}
    }
    Value::Object(object)
}

/// Every descriptor the sandbox serves, in list order.
pub fn catalogue() -> Vec<PluginDescriptor> {
    vec![rest_data_source()]
}

/// The descriptor with this id (the plugin class name).
pub fn find(id: &str) -> Option<PluginDescriptor> {
    catalogue()
        .into_iter()
        .find(|descriptor| descriptor.id == id)
}

const fn text(
    name: &'static str,
    label: &'static str,
    description: &'static str,
    default_value: Option<&'static str>,
) -> FieldSpec {
    FieldSpec {
        name,
        label,
        description,
        kind: FieldKind::Text,
        default_value,
        required: false,
        encrypted: false,
        advanced: false,
        options: &[],
    }
}

const fn encrypted(
    name: &'static str,
    label: &'static str,
    description: &'static str,
) -> FieldSpec {
    FieldSpec {
        encrypted: true,
        ..text(name, label, description, None)
    }
}

const fn check_box(
    name: &'static str,
    label: &'static str,
    description: &'static str,
    default_value: &'static str,
) -> FieldSpec {
    FieldSpec {
        kind: FieldKind::CheckBox,
        ..text(name, label, description, Some(default_value))
    }
}

const fn advanced(field: FieldSpec) -> FieldSpec {
    FieldSpec {
        advanced: true,
        ..field
    }
}

/// PingFederate's REST API data store, as far as the public documentation shows it.
pub const REST_DATA_SOURCE_ID: &str = "com.pingidentity.pf.datastore.other.RestDataSourceDriver";

fn rest_data_source() -> PluginDescriptor {
    PluginDescriptor {
        id: REST_DATA_SOURCE_ID,
        name: "REST API",
        description: "Retrieves attributes from a REST API that returns JSON.",
        attribute_contract: &[],
        fields: vec![
            FieldSpec {
                kind: FieldKind::Select,
                required: true,
                options: &["None", "Basic Authentication", "OAuth 2.0 Bearer Token"],
                ..text(
                    "Authentication Method",
                    "Authentication Method",
                    "How the data store authenticates to the REST API.",
                    Some("None"),
                )
            },
            text(
                "Username",
                "Username",
                "User name for Basic authentication.",
                None,
            ),
            encrypted("Password", "Password", "Password for Basic authentication."),
            text(
                "OAuth Token Endpoint",
                "OAuth Token Endpoint",
                "Token endpoint used to obtain an OAuth 2.0 bearer token.",
                None,
            ),
            text(
                "OAuth Scope",
                "OAuth Scope",
                "Scopes requested with the bearer token (space separated).",
                None,
            ),
            text(
                "Client ID",
                "Client ID",
                "OAuth 2.0 client identifier.",
                None,
            ),
            encrypted("Client Secret", "Client Secret", "OAuth 2.0 client secret."),
            check_box(
                "Enable HTTPS Hostname Verification",
                "Enable HTTPS Hostname Verification",
                "Verify that the server certificate matches the host name.",
                "true",
            ),
            advanced(text(
                "Read Timeout (ms)",
                "Read Timeout (ms)",
                "How long to wait for a response, in milliseconds.",
                Some("10000"),
            )),
            advanced(text(
                "Connection Timeout (ms)",
                "Connection Timeout (ms)",
                "How long to wait for a connection, in milliseconds.",
                Some("10000"),
            )),
            advanced(text(
                "Max Payload Size (KB)",
                "Max Payload Size (KB)",
                "Largest response body accepted, in kilobytes.",
                Some("1024"),
            )),
            advanced(check_box(
                "Retry Request",
                "Retry Request",
                "Retry requests that fail with a retryable status.",
                "true",
            )),
            advanced(text(
                "Maximum Retries Limit",
                "Maximum Retries Limit",
                "How many times a request is retried.",
                Some("5"),
            )),
            advanced(text(
                "Retry Error Codes",
                "Retry Error Codes",
                "Comma-separated HTTP statuses that trigger a retry.",
                Some("429"),
            )),
            advanced(text(
                "Test Connection URL",
                "Test Connection URL",
                "URL requested by the connection test; the default base URL when empty.",
                None,
            )),
        ],
        tables: vec![
            TableSpec {
                name: "Base URLs and Tags",
                label: "Base URLs and Tags",
                description: "Base URLs of the REST API, optionally per node tag.",
                columns: vec![
                    FieldSpec {
                        required: true,
                        ..text("Base URL", "Base URL", "Base URL of the REST API.", None)
                    },
                    text("Tags", "Tags", "Node tags that use this base URL.", None),
                    check_box(
                        "Default Source",
                        "Default Source",
                        "Whether this row is the default base URL.",
                        "false",
                    ),
                ],
                minimum_rows: 1,
            },
            TableSpec {
                name: "HTTP Request Headers",
                label: "HTTP Request Headers",
                description: "Headers added to every request.",
                columns: vec![
                    text("Header Name", "Header Name", "Name of the header.", None),
                    text("Header Value", "Header Value", "Value of the header.", None),
                ],
                minimum_rows: 0,
            },
            TableSpec {
                name: "Attributes",
                label: "Attributes",
                description: "Local attribute names and the JSON paths they are read from.",
                columns: vec![
                    text(
                        "Local Attribute",
                        "Local Attribute",
                        "Attribute name used in PingFederate.",
                        None,
                    ),
                    text(
                        "JSON Response Attribute Path",
                        "JSON Response Attribute Path",
                        "JSON pointer into the response body, e.g. /email.",
                        None,
                    ),
                ],
                minimum_rows: 0,
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_descriptor_has_encrypted_fields_and_tables() {
        let descriptor = find(REST_DATA_SOURCE_ID).unwrap();
        assert!(
            descriptor
                .fields
                .iter()
                .any(|f| f.name == "Password" && f.encrypted)
        );
        assert!(
            descriptor
                .fields
                .iter()
                .any(|f| f.name == "Client Secret" && f.encrypted)
        );
        assert_eq!(descriptor.tables.len(), 3);
        let json = descriptor.to_json();
        assert_eq!(json["configDescriptor"]["fields"][0]["type"], "SELECT");
        assert!(find("com.example.Unknown").is_none());
    }
}
