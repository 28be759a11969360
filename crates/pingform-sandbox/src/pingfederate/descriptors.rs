//! The catalogue of CUSTOM data store plugin descriptors the sandbox knows, and their
//! JSON form (`CustomDataStoreDescriptor` in the spec).
//!
//! Owns what a plugin's configuration holds: field and table names, which fields are
//! encrypted, and the values the sandbox fills in for fields a request leaves out
//! (PingFederate "fills in defaults": GET returns every field and table the descriptor
//! defines, reference §4.6). Must not apply them to a request: `plugin_configuration`
//! does that.
//!
//! Sources, both from the Terraform provider (`pingidentity/terraform-provider-pingfederate`
//! at `59f3c410`):
//! - `com.pingidentity.pf.datastore.other.RestDataSourceDriver`: the acceptance test
//!   `internal/acctest/config/datastore/custom_data_store_resource_gen_test.go` expects
//!   22 fields before PingFederate 13.1 (30 from 13.1) and 3 tables, and its complete
//!   model names the 22: the 20 below plus the encrypted `Password` and `Client Secret`
//!   (its `sensitive_fields`). The tables and columns are those of the same test and of
//!   the export `server-profiles/13.1/data.json.subst` (store `customDataStore`). The
//!   sandbox reports 12.1.0.4 by default, so it serves the 22-field set; the names of
//!   the 8 fields 13.1 adds are not in any source read, so a sandbox claiming 13.1 serves
//!   the same 22 (an open question in the README). The values filled in are the ones
//!   the export and the test's complete model both show (`10000`, `1024`, `5`, `429`,
//!   `true`, `GET`, `None`), `""` where the export shows an empty value, and none where
//!   no source shows one; that they are PingFederate's own defaults is an open question.
//!   Fields are listed in the export's order.
//! - `com.pingidentity.plugins.datastore.p14c.PingOneForCustomersDataStore` (the PingOne
//!   directory store): the provider's example
//!   `examples/resources/pingfederate_data_store/resource-ping-one-data-store.tf` (also
//!   in `docs/resources/data_store.md`): the fields `PingOne Environment` (value
//!   `<PingOne connection id>|<environment id>`), `Connection Timeout`, `Retry Request`,
//!   `Maximum Retries Limit`, `Retry Error Codes`, `Proxy Settings`, `Custom Proxy Host`,
//!   `Custom Proxy Port`, with the example's values, and the table `Custom Attributes
//!   Details` (`Local Attribute`, `PingOne for Customers Attribute`). Whether the real
//!   plugin has more fields is an open question.
//!
//! Field types in the descriptor JSON: `CHECK_BOX` for the fields whose values are
//! `true`/`false`, `TEXT` for the rest; the sandbox does not check values against them.

use serde_json::{Value, json};

/// How a field is rendered (`FieldDescriptor.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    CheckBox,
}

impl FieldKind {
    fn wire_name(self) -> &'static str {
        match self {
            Self::Text => "TEXT",
            Self::CheckBox => "CHECK_BOX",
        }
    }
}

/// One configuration field or table column.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    pub name: &'static str,
    pub kind: FieldKind,
    pub default_value: Option<&'static str>,
    pub encrypted: bool,
}

/// One configuration table.
#[derive(Debug, Clone)]
pub struct TableSpec {
    pub name: &'static str,
    pub columns: Vec<FieldSpec>,
}

/// A CUSTOM data store plugin.
#[derive(Debug, Clone)]
pub struct PluginDescriptor {
    pub id: &'static str,
    pub name: &'static str,
    pub fields: Vec<FieldSpec>,
    pub tables: Vec<TableSpec>,
}

impl PluginDescriptor {
    /// The `CustomDataStoreDescriptor` JSON body.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "className": self.id,
            "attributeContract": [],
            "supportsExtendedContract": true,
            "configDescriptor": {
                "fields": self.fields.iter().map(field_json).collect::<Vec<_>>(),
                "tables": self.tables.iter().map(|table| json!({
                    "name": table.name,
                    "columns": table.columns.iter().map(field_json).collect::<Vec<_>>(),
                    "label": table.name,
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
    if let Some(default_value) = field.default_value {
        object.insert("defaultValue".into(), json!(default_value));
    }
    object.insert("label".into(), json!(field.name));
    if field.kind == FieldKind::Text {
        object.insert("encrypted".into(), json!(field.encrypted));
    }
    Value::Object(object)
}

/// Every descriptor the sandbox serves, in list order.
pub fn catalogue() -> Vec<PluginDescriptor> {
    vec![rest_data_source(), pingone_data_store()]
}

/// The descriptor with this id (the plugin class name).
pub fn find(id: &str) -> Option<PluginDescriptor> {
    catalogue()
        .into_iter()
        .find(|descriptor| descriptor.id == id)
}

const fn text(name: &'static str, default_value: Option<&'static str>) -> FieldSpec {
    FieldSpec {
        name,
        kind: FieldKind::Text,
        default_value,
        encrypted: false,
    }
}

const fn encrypted(name: &'static str) -> FieldSpec {
    FieldSpec {
        encrypted: true,
        ..text(name, None)
    }
}

const fn check_box(name: &'static str, default_value: &'static str) -> FieldSpec {
    FieldSpec {
        kind: FieldKind::CheckBox,
        ..text(name, Some(default_value))
    }
}

pub const REST_DATA_SOURCE_ID: &str = "com.pingidentity.pf.datastore.other.RestDataSourceDriver";
pub const PINGONE_DATA_STORE_ID: &str =
    "com.pingidentity.plugins.datastore.p14c.PingOneForCustomersDataStore";

fn rest_data_source() -> PluginDescriptor {
    PluginDescriptor {
        id: REST_DATA_SOURCE_ID,
        name: "REST API",
        fields: vec![
            text("Authentication Method", Some("None")),
            text("Client ID", Some("")),
            text("Client Secret Reference", Some("")),
            encrypted("Client Secret"),
            text("HTTP Method", Some("GET")),
            text("OAuth Scope", None),
            text("OAuth Token Endpoint", None),
            text("Password Reference", Some("")),
            encrypted("Password"),
            text("Username", Some("")),
            text("Connection Timeout (ms)", Some("10000")),
            check_box("Enable HTTPS Hostname Verification", "true"),
            text("Max Payload Size (KB)", Some("1024")),
            text("Maximum Retries Limit", Some("5")),
            text("Read Timeout (ms)", Some("10000")),
            text("Retry Error Codes", Some("429")),
            check_box("Retry Request", "true"),
            text("Test Connection Body", None),
            text("Test Connection URL", None),
            text("Client TLS Certificate", None),
            text("Maximum Connections", None),
            FieldSpec {
                kind: FieldKind::CheckBox,
                ..text("Exclude default Content-Type from GET Request", None)
            },
        ],
        tables: vec![
            TableSpec {
                name: "Base URLs and Tags",
                columns: vec![text("Base URL", None), text("Tags", None)],
            },
            TableSpec {
                name: "HTTP Request Headers",
                columns: vec![text("Header Name", None), text("Header Value", None)],
            },
            TableSpec {
                name: "Attributes",
                columns: vec![
                    text("Local Attribute", None),
                    text("JSON Response Attribute Path", None),
                ],
            },
        ],
    }
}

fn pingone_data_store() -> PluginDescriptor {
    PluginDescriptor {
        id: PINGONE_DATA_STORE_ID,
        name: "PingOne",
        fields: vec![
            text("PingOne Environment", None),
            text("Connection Timeout", Some("10000")),
            check_box("Retry Request", "true"),
            text("Maximum Retries Limit", Some("5")),
            text("Retry Error Codes", Some("429")),
            text("Proxy Settings", Some("System Defaults")),
            text("Custom Proxy Host", Some("")),
            text("Custom Proxy Port", Some("")),
        ],
        tables: vec![TableSpec {
            name: "Custom Attributes Details",
            columns: vec![
                text("Local Attribute", None),
                text("PingOne for Customers Attribute", None),
            ],
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rest_descriptor_has_the_22_fields_and_3_tables_of_pingfederate_before_13_1() {
        let descriptor = find(REST_DATA_SOURCE_ID).unwrap();
        assert_eq!(descriptor.fields.len(), 22);
        let encrypted: Vec<_> = descriptor
            .fields
            .iter()
            .filter(|f| f.encrypted)
            .map(|f| f.name)
            .collect();
        assert_eq!(encrypted, ["Client Secret", "Password"]);
        assert_eq!(descriptor.tables.len(), 3);
        let json = descriptor.to_json();
        assert_eq!(json["configDescriptor"]["fields"][0]["type"], "TEXT");
        assert!(find("com.example.Unknown").is_none());
    }

    #[test]
    fn the_pingone_store_names_its_environment() {
        let descriptor = find(PINGONE_DATA_STORE_ID).unwrap();
        assert_eq!(descriptor.fields[0].name, "PingOne Environment");
        assert_eq!(descriptor.tables[0].name, "Custom Attributes Details");
    }
}
