//! `PluginConfiguration` (`{fields, tables}`) of CUSTOM data stores, and the rules that
//! hold it to a plugin descriptor on every write.
//!
//! Owns: the names every field and table must have (12.0 spec `ConfigField.required`,
//! `ConfigTable.required`; `ConfigRow.required`: `fields`); filling the fields and
//! tables a request leaves out from the descriptor (PingFederate returns every field
//! and table the descriptor defines, reference §4.6, from the Terraform acceptance
//! test); and the write-only rule for encrypted fields (`value` in, `encryptedValue`
//! out; spec `ConfigField`). The descriptor's fields come first in its order, then
//! those it does not know, as sent; its tables likewise. Rows are kept as sent: their
//! fields in the order sent, `defaultRow` as sent (absent stays absent), and no column
//! filled in. Must not know anything about the data store around the configuration.
//!
//! Not checked, since no source says PingFederate refuses them: field, table and column
//! names the descriptor does not know (kept as sent), repeated names, values, and the
//! number of rows of a table.

use serde::{Deserialize, Serialize};

use super::api_result::ValidationError;
use super::descriptors::{FieldSpec, PluginDescriptor};
use super::write_context::WriteContext;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PluginConfiguration {
    pub tables: Option<Vec<ConfigTable>>,
    pub fields: Option<Vec<ConfigField>>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigField {
    pub name: Option<String>,
    pub value: Option<String>,
    pub encrypted_value: Option<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigTable {
    pub name: Option<String>,
    pub rows: Option<Vec<ConfigRow>>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigRow {
    pub fields: Option<Vec<ConfigField>>,
    pub default_row: Option<bool>,
}

impl PluginConfiguration {
    /// The stored form of `self` for `descriptor`, or the reasons it is invalid (pushed
    /// to `errors`, with paths under `configuration`).
    pub fn normalized(
        &self,
        descriptor: &PluginDescriptor,
        context: &WriteContext<'_>,
        errors: &mut Vec<ValidationError>,
    ) -> PluginConfiguration {
        let sent_fields = self.fields.as_deref().unwrap_or_default();
        let fields = normalize_fields(
            sent_fields,
            &descriptor.fields,
            "configuration.fields",
            context,
            errors,
        );
        let sent_tables = self.tables.as_deref().unwrap_or_default();
        for (index, table) in sent_tables.iter().enumerate() {
            let path = format!("configuration.tables[{index}]");
            if table.name.as_deref().is_none_or(str::is_empty) {
                errors.push(ValidationError::required(
                    &format!("{path}.name"),
                    "Table name",
                ));
            }
            for (row_index, row) in table.rows.iter().flatten().enumerate() {
                if row.fields.is_none() {
                    errors.push(ValidationError::required(
                        &format!("{path}.rows[{row_index}].fields"),
                        "Row fields",
                    ));
                }
                for (field_index, field) in row.fields.iter().flatten().enumerate() {
                    if field.name.as_deref().is_none_or(str::is_empty) {
                        errors.push(ValidationError::required(
                            &format!("{path}.rows[{row_index}].fields[{field_index}].name"),
                            "Field name",
                        ));
                    }
                }
            }
        }
        let mut tables: Vec<ConfigTable> = descriptor
            .tables
            .iter()
            .map(|table_spec| {
                sent_tables
                    .iter()
                    .find(|table| table.name.as_deref() == Some(table_spec.name))
                    .map(|table| ConfigTable {
                        name: table.name.clone(),
                        rows: Some(table.rows.clone().unwrap_or_default()),
                    })
                    .unwrap_or_else(|| ConfigTable {
                        name: Some(table_spec.name.to_string()),
                        rows: Some(Vec::new()),
                    })
            })
            .collect();
        for table in sent_tables {
            if !tables.iter().any(|kept| kept.name == table.name) {
                tables.push(table.clone());
            }
        }
        PluginConfiguration {
            tables: Some(tables),
            fields: Some(fields),
        }
    }

    /// Every URL-like value (fields and columns whose name mentions "URL"), for the
    /// simulated connection test (a test hook, see `datastores`).
    pub fn connection_targets(&self) -> Vec<String> {
        let mut targets = Vec::new();
        let mut collect = |fields: &[ConfigField]| {
            for field in fields {
                if field
                    .name
                    .as_deref()
                    .is_some_and(|name| name.contains("URL"))
                    && let Some(value) = &field.value
                {
                    targets.push(value.clone());
                }
            }
        };
        collect(self.fields.as_deref().unwrap_or_default());
        for table in self.tables.as_deref().unwrap_or_default() {
            for row in table.rows.as_deref().unwrap_or_default() {
                collect(row.fields.as_deref().unwrap_or_default());
            }
        }
        targets
    }
}

/// One field per spec, in spec order (sent value, or the descriptor's), then the sent
/// fields the descriptor does not know; every name checked present.
fn normalize_fields(
    sent: &[ConfigField],
    specs: &[FieldSpec],
    path: &str,
    context: &WriteContext<'_>,
    errors: &mut Vec<ValidationError>,
) -> Vec<ConfigField> {
    for (index, field) in sent.iter().enumerate() {
        if field.name.as_deref().is_none_or(str::is_empty) {
            errors.push(ValidationError::required(
                &format!("{path}[{index}].name"),
                "Field name",
            ));
        }
    }
    let mut fields: Vec<ConfigField> = specs
        .iter()
        .map(|spec| {
            let found = sent
                .iter()
                .enumerate()
                .find(|(_, field)| field.name.as_deref() == Some(spec.name));
            let Some((index, field)) = found else {
                return ConfigField {
                    name: Some(spec.name.to_string()),
                    value: (!spec.encrypted)
                        .then_some(spec.default_value)
                        .flatten()
                        .map(str::to_string),
                    encrypted_value: None,
                };
            };
            if spec.encrypted {
                return ConfigField {
                    name: field.name.clone(),
                    value: None,
                    encrypted_value: context.resolve_secret(
                        field.value.as_deref(),
                        field.encrypted_value.as_deref(),
                        &format!("{path}[{index}].encryptedValue"),
                        errors,
                    ),
                };
            }
            field.clone()
        })
        .collect();
    for field in sent {
        let known = specs
            .iter()
            .any(|spec| field.name.as_deref() == Some(spec.name));
        if !known {
            fields.push(field.clone());
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pingfederate::descriptors::{self, REST_DATA_SOURCE_ID};
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
    fn the_rest_store_is_filled_to_22_fields_and_3_tables_keeping_rows_as_sent() {
        let key = MasterKey::generate("12.1.0.4").unwrap();
        let descriptor = descriptors::find(REST_DATA_SOURCE_ID).unwrap();
        let sent: PluginConfiguration = serde_json::from_value(json!({
            "tables": [
                {"name": "Attributes", "rows": [{"fields": [
                    {"name": "JSON Response Attribute Path", "value": "/email"},
                    {"name": "Local Attribute", "value": "email"}
                ], "defaultRow": false}]},
                {"name": "Base URLs and Tags", "rows": [{"fields": [
                    {"name": "Base URL", "value": "https://api.example.com"}
                ], "defaultRow": true}, {"fields": [{"name": "Base URL", "value": "https://b"}]}]}
            ],
            "fields": [
                {"name": "Password", "value": "secret"},
                {"name": "Authentication Method", "value": "Basic Authentication"},
                {"name": "A future field", "value": "kept"}
            ]
        }))
        .unwrap();
        let mut errors = Vec::new();
        let stored = sent.normalized(&descriptor, &context(&key), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let fields = stored.fields.clone().unwrap();
        assert_eq!(fields.len(), 23);
        assert_eq!(fields[0].value.as_deref(), Some("Basic Authentication"));
        let password = fields
            .iter()
            .find(|f| f.name.as_deref() == Some("Password"))
            .unwrap();
        assert_eq!(password.value, None);
        assert_eq!(
            key.decrypt(password.encrypted_value.as_deref().unwrap())
                .as_deref(),
            Some("secret")
        );
        assert_eq!(fields[22].value.as_deref(), Some("kept"));
        let tables = stored.tables.clone().unwrap();
        let names: Vec<_> = tables.iter().map(|t| t.name.clone().unwrap()).collect();
        assert_eq!(
            names,
            ["Base URLs and Tags", "HTTP Request Headers", "Attributes"]
        );
        let rows = tables[0].rows.clone().unwrap();
        assert_eq!(rows[0].default_row, Some(true));
        assert_eq!(rows[1].default_row, None);
        assert_eq!(rows[0].fields.as_ref().unwrap().len(), 1);
        let attribute_row = &tables[2].rows.as_ref().unwrap()[0];
        assert_eq!(
            attribute_row.fields.as_ref().unwrap()[0].name.as_deref(),
            Some("JSON Response Attribute Path")
        );
        // What a GET returns, sent back unchanged, is stored unchanged.
        let mut errors = Vec::new();
        let again = stored.normalized(&descriptor, &context(&key), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(again, stored);
    }

    #[test]
    fn nameless_fields_are_refused() {
        let key = MasterKey::generate("12.1.0.4").unwrap();
        let descriptor = descriptors::find(REST_DATA_SOURCE_ID).unwrap();
        let sent: PluginConfiguration =
            serde_json::from_value(json!({"fields": [{"value": "x"}]})).unwrap();
        let mut errors = Vec::new();
        sent.normalized(&descriptor, &context(&key), &mut errors);
        assert_eq!(
            errors[0].field_path.as_deref(),
            Some("configuration.fields[0].name")
        );
    }
}
