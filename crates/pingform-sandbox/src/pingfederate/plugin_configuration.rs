//! `PluginConfiguration` (`{fields, tables}`) of CUSTOM data stores, and the rules that
//! hold it to a plugin descriptor on every write.
//!
//! Owns: rejecting field, table and column names the descriptor does not know; filling
//! missing fields, columns and tables from the descriptor's defaults; checking select
//! and check-box values and required values; and the write-only rule for encrypted
//! fields (`value` in, `encryptedValue` out). Must not know anything about the data
//! store around the configuration.

use serde::{Deserialize, Serialize};

use super::api_result::ValidationError;
use super::descriptors::{FieldKind, FieldSpec, PluginDescriptor, TableSpec};
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
        let fields = normalize_fields(
            self.fields.as_deref().unwrap_or_default(),
            &descriptor.fields,
            "configuration.fields",
            &format!("plugin {}", descriptor.id),
            context,
            errors,
        );

        let incoming_tables = self.tables.as_deref().unwrap_or_default();
        for (index, table) in incoming_tables.iter().enumerate() {
            match table.name.as_deref() {
                None | Some("") => errors.push(ValidationError::required(
                    &format!("configuration.tables[{index}].name"),
                    "Table name",
                )),
                Some(name) if descriptor.table(name).is_none() => {
                    errors.push(ValidationError::new(
                        "unknown_table",
                        &format!("configuration.tables[{index}].name"),
                        format!(
                            "Table '{name}' is not defined by plugin {}. Known tables: {}.",
                            descriptor.id,
                            quoted_list(descriptor.tables.iter().map(|table| table.name))
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
        let tables = descriptor
            .tables
            .iter()
            .map(|table_spec| {
                let found = incoming_tables
                    .iter()
                    .enumerate()
                    .find(|(_, table)| table.name.as_deref() == Some(table_spec.name));
                normalize_table(table_spec, found, context, errors)
            })
            .collect();

        PluginConfiguration {
            tables: Some(tables),
            fields: Some(fields),
        }
    }

    /// Every URL-like value (fields and columns whose name mentions "URL"), for the
    /// simulated connection test.
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

fn normalize_table(
    table_spec: &TableSpec,
    found: Option<(usize, &ConfigTable)>,
    context: &WriteContext<'_>,
    errors: &mut Vec<ValidationError>,
) -> ConfigTable {
    let rows = match found {
        None => Vec::new(),
        Some((table_index, table)) => table
            .rows
            .as_deref()
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(row_index, row)| ConfigRow {
                fields: Some(normalize_fields(
                    row.fields.as_deref().unwrap_or_default(),
                    &table_spec.columns,
                    &format!("configuration.tables[{table_index}].rows[{row_index}].fields"),
                    &format!("table '{}'", table_spec.name),
                    context,
                    errors,
                )),
                default_row: Some(row.default_row.unwrap_or(false)),
            })
            .collect(),
    };
    if rows.len() < table_spec.minimum_rows {
        let path = match found {
            Some((table_index, _)) => format!("configuration.tables[{table_index}].rows"),
            None => "configuration.tables".to_string(),
        };
        errors.push(ValidationError::new(
            "table_rows_required",
            &path,
            format!(
                "Table '{}' needs at least {} row(s).",
                table_spec.name, table_spec.minimum_rows
            ),
        ));
    }
    ConfigTable {
        name: Some(table_spec.name.to_string()),
        rows: Some(rows),
    }
}

/// Checks `incoming` against `specs` and returns one field per spec, in spec order.
fn normalize_fields(
    incoming: &[ConfigField],
    specs: &[FieldSpec],
    path: &str,
    owner: &str,
    context: &WriteContext<'_>,
    errors: &mut Vec<ValidationError>,
) -> Vec<ConfigField> {
    let mut seen: Vec<&str> = Vec::new();
    for (index, field) in incoming.iter().enumerate() {
        match field.name.as_deref() {
            None | Some("") => {
                errors.push(ValidationError::required(
                    &format!("{path}[{index}].name"),
                    "Field name",
                ));
            }
            Some(name) if !specs.iter().any(|spec| spec.name == name) => {
                errors.push(ValidationError::new(
                    "unknown_field",
                    &format!("{path}[{index}].name"),
                    format!(
                        "Field '{name}' is not defined by {owner}. Known fields: {}.",
                        quoted_list(specs.iter().map(|spec| spec.name))
                    ),
                ));
            }
            Some(name) if seen.contains(&name) => {
                errors.push(ValidationError::new(
                    "duplicate_field",
                    &format!("{path}[{index}].name"),
                    format!("Field '{name}' appears more than once."),
                ));
            }
            Some(name) => seen.push(name),
        }
    }

    specs
        .iter()
        .map(|spec| {
            let found = incoming
                .iter()
                .enumerate()
                .find(|(_, field)| field.name.as_deref() == Some(spec.name));
            let field_path = match found {
                Some((index, _)) => format!("{path}[{index}]"),
                None => path.to_string(),
            };
            let sent = found.map(|(_, field)| field);
            if spec.encrypted {
                let encrypted_value = context.resolve_secret(
                    sent.and_then(|field| field.value.as_deref()),
                    sent.and_then(|field| field.encrypted_value.as_deref()),
                    &format!("{field_path}.encryptedValue"),
                    errors,
                );
                if spec.required && encrypted_value.is_none() {
                    errors.push(ValidationError::required(
                        &format!("{field_path}.value"),
                        &format!("Field '{}'", spec.name),
                    ));
                }
                return ConfigField {
                    name: Some(spec.name.to_string()),
                    value: None,
                    encrypted_value,
                };
            }
            let value = sent
                .and_then(|field| field.value.clone())
                .or_else(|| spec.default_value.map(str::to_string));
            check_value(
                spec,
                value.as_deref(),
                &format!("{field_path}.value"),
                errors,
            );
            ConfigField {
                name: Some(spec.name.to_string()),
                value,
                encrypted_value: None,
            }
        })
        .collect()
}

fn check_value(
    spec: &FieldSpec,
    value: Option<&str>,
    path: &str,
    errors: &mut Vec<ValidationError>,
) {
    let Some(value) = value.filter(|value| !value.is_empty()) else {
        if spec.required {
            errors.push(ValidationError::required(
                path,
                &format!("Field '{}'", spec.name),
            ));
        }
        return;
    };
    match spec.kind {
        FieldKind::Select if !spec.options.contains(&value) => {
            errors.push(ValidationError::new(
                "invalid_option",
                path,
                format!(
                    "'{value}' is not an option of field '{}'. Options: {}.",
                    spec.name,
                    quoted_list(spec.options.iter().copied())
                ),
            ));
        }
        FieldKind::CheckBox if value != "true" && value != "false" => {
            errors.push(ValidationError::new(
                "invalid_boolean",
                path,
                format!(
                    "Field '{}' takes \"true\" or \"false\", not '{value}'.",
                    spec.name
                ),
            ));
        }
        _ => {}
    }
}

fn quoted_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|name| format!("'{name}'"))
        .collect::<Vec<_>>()
        .join(", ")
}
