//! Outbound provisioning channels (`outboundProvision.channels`, schemas `Channel`,
//! `ChannelSource`, `ChannelSourceLocation`, `SaasAttributeMapping`,
//! `SaasFieldConfiguration` and the LDAP settings objects): wire structs, defaults and
//! the rules of one channel.
//!
//! Sources: the 12.0 spec (`pf-swagger-12.0.0.9-unedited.yaml`) for required fields and
//! the documented defaults (`maxThreads` 1, `timeout` 60), the Terraform acceptance test
//! `idp_sp_connection_outbound_provision_test.go` (run against PingFederate 12.2 to
//! 13.1) for what PingFederate accepts and returns: attribute mappings with an empty
//! `saasFieldInfo`, `createOnly`/`masked`/`trim` false and `parser` NONE when not sent,
//! `attributeNames` `[]`, `nestedSearch` false on both source locations and a
//! `groupSourceLocation` returned when none was sent, `flagComparisonStatus` and
//! `defaultStatus` true. `characterCase` NONE when not sent is reference §6.4.
//!
//! Owns the rules with a source: the required fields of `Channel`, `ChannelSource`,
//! `ChangeDetectionSettings`, `AccountManagementSettings` and `SaasAttributeMapping`
//! (12.0 spec `required` lists; `guidBinary` and `groupMembershipDetection`, required
//! there too, get `false` and `{}` instead, as the 12.1 spec relaxed them), unique
//! `attributeNames` (spec: `uniqueItems`), and an LDAP data source (the Terraform
//! provider's documentation of `channel_source.data_source`: "Reference to an LDAP
//! datastore"). Not checked, since no source says PingFederate refuses them: ranges of
//! `maxThreads` and `timeout`, repeated channel or field names, a mapping without a
//! source attribute, the absence of a `username` mapping, `usnAttributeName` with
//! `ACTIVE_DIRECTORY_USN`, and a data source id that names no data store. Must not know
//! the store: the kind of a referenced data store is asked of the caller.

use serde::{Deserialize, Serialize};

use super::api_result::ValidationError;
use super::resource_link::ResourceLink;

pub const DEFAULT_MAX_THREADS: i32 = 1;
pub const DEFAULT_TIMEOUT_SECONDS: i32 = 60;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Channel {
    pub active: Option<bool>,
    pub channel_source: Option<ChannelSource>,
    pub attribute_mapping: Option<Vec<SaasAttributeMapping>>,
    pub name: Option<String>,
    pub max_threads: Option<i32>,
    pub timeout: Option<i32>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelSource {
    pub data_source: Option<ResourceLink>,
    pub guid_attribute_name: Option<String>,
    pub guid_binary: Option<bool>,
    pub change_detection_settings: Option<ChangeDetectionSettings>,
    pub group_membership_detection: Option<GroupMembershipDetection>,
    pub account_management_settings: Option<AccountManagementSettings>,
    pub base_dn: Option<String>,
    pub user_source_location: Option<ChannelSourceLocation>,
    pub group_source_location: Option<ChannelSourceLocation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChangedUsersAlgorithm {
    ActiveDirectoryUsn,
    Timestamp,
    TimestampNoNegation,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeDetectionSettings {
    pub user_object_class: Option<String>,
    pub group_object_class: Option<String>,
    pub changed_users_algorithm: Option<ChangedUsersAlgorithm>,
    pub usn_attribute_name: Option<String>,
    pub time_stamp_attribute_name: Option<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupMembershipDetection {
    pub member_of_group_attribute_name: Option<String>,
    pub group_member_attribute_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountStatusAlgorithm {
    #[serde(rename = "ACCOUNT_STATUS_ALGORITHM_AD")]
    ActiveDirectory,
    #[serde(rename = "ACCOUNT_STATUS_ALGORITHM_FLAG")]
    Flag,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountManagementSettings {
    pub account_status_attribute_name: Option<String>,
    pub account_status_algorithm: Option<AccountStatusAlgorithm>,
    pub flag_comparison_value: Option<String>,
    pub flag_comparison_status: Option<bool>,
    pub default_status: Option<bool>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSourceLocation {
    #[serde(rename = "groupDN")]
    pub group_dn: Option<String>,
    pub filter: Option<String>,
    #[serde(rename = "nestedSearch")]
    pub nested_search: Option<bool>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SaasAttributeMapping {
    pub field_name: Option<String>,
    pub saas_field_info: Option<SaasFieldConfiguration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CharacterCase {
    Lower,
    Upper,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FieldParser {
    ExtractCnFromDn,
    ExtractUsernameFromEmail,
    None,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SaasFieldConfiguration {
    pub attribute_names: Option<Vec<String>>,
    pub default_value: Option<String>,
    pub expression: Option<String>,
    pub create_only: Option<bool>,
    pub trim: Option<bool>,
    pub character_case: Option<CharacterCase>,
    pub parser: Option<FieldParser>,
    pub masked: Option<bool>,
}

/// The kind of the data store a channel names, as far as channels care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Missing,
    Ldap,
    /// Another type, by its `type` name.
    Other(&'static str),
}

fn text(value: &Option<String>) -> Option<&str> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

fn require(value: &Option<String>, path: &str, label: &str, errors: &mut Vec<ValidationError>) {
    if text(value).is_none() {
        errors.push(ValidationError::required(path, label));
    }
}

impl Channel {
    /// The data store id this channel reads from, if any.
    pub fn data_source_id(&self) -> Option<&str> {
        self.channel_source
            .as_ref()
            .and_then(|source| source.data_source.as_ref())
            .and_then(ResourceLink::target)
    }

    /// The stored form of this channel; problems are pushed with `path`
    /// (`outboundProvision.channels[i]`) as prefix. `source_kind` tells what the
    /// referenced data store is.
    pub fn normalized(
        &self,
        path: &str,
        source_kind: &dyn Fn(&str) -> SourceKind,
        errors: &mut Vec<ValidationError>,
    ) -> Channel {
        require(
            &self.name,
            &format!("{path}.name"),
            "The channel name",
            errors,
        );
        let source_path = format!("{path}.channelSource");
        let channel_source = match &self.channel_source {
            None => {
                errors.push(ValidationError::required(
                    &source_path,
                    "The channel source",
                ));
                None
            }
            Some(source) => Some(source.normalized(&source_path, source_kind, errors)),
        };
        let mapping_path = format!("{path}.attributeMapping");
        let attribute_mapping = match &self.attribute_mapping {
            None => {
                errors.push(ValidationError::required(
                    &mapping_path,
                    "The attribute mapping",
                ));
                Vec::new()
            }
            Some(mappings) => normalized_mapping(mappings, &mapping_path, errors),
        };
        Channel {
            active: Some(self.active.unwrap_or(false)),
            channel_source,
            attribute_mapping: Some(attribute_mapping),
            name: self.name.clone(),
            max_threads: Some(self.max_threads.unwrap_or(DEFAULT_MAX_THREADS)),
            timeout: Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT_SECONDS)),
        }
    }
}

impl ChannelSource {
    fn normalized(
        &self,
        path: &str,
        source_kind: &dyn Fn(&str) -> SourceKind,
        errors: &mut Vec<ValidationError>,
    ) -> ChannelSource {
        let data_source_path = format!("{path}.dataSource");
        match self.data_source.as_ref().and_then(ResourceLink::target) {
            None => errors.push(ValidationError::required(
                &data_source_path,
                "The source data store (dataSource.id)",
            )),
            Some(id) => {
                if let SourceKind::Other(type_name) = source_kind(id) {
                    errors.push(ValidationError::new(
                        "data_store_not_ldap",
                        &data_source_path,
                        format!(
                            "Data store '{id}' is {type_name}; a provisioning channel reads \
                             from an LDAP data store."
                        ),
                    ));
                }
            }
        }
        require(
            &self.base_dn,
            &format!("{path}.baseDn"),
            "The base DN",
            errors,
        );
        require(
            &self.guid_attribute_name,
            &format!("{path}.guidAttributeName"),
            "The GUID attribute name",
            errors,
        );
        let user_source_location = match &self.user_source_location {
            None => {
                errors.push(ValidationError::required(
                    &format!("{path}.userSourceLocation"),
                    "The user source location",
                ));
                None
            }
            Some(location) => Some(location.normalized()),
        };
        ChannelSource {
            data_source: self
                .data_source
                .as_ref()
                .map(ResourceLink::without_location),
            guid_attribute_name: self.guid_attribute_name.clone(),
            guid_binary: Some(self.guid_binary.unwrap_or(false)),
            change_detection_settings: Some(normalized_change_detection(
                self.change_detection_settings.as_ref(),
                &format!("{path}.changeDetectionSettings"),
                errors,
            )),
            group_membership_detection: Some(
                self.group_membership_detection.clone().unwrap_or_default(),
            ),
            account_management_settings: Some(normalized_account_management(
                self.account_management_settings.as_ref(),
                &format!("{path}.accountManagementSettings"),
                errors,
            )),
            base_dn: self.base_dn.clone(),
            user_source_location,
            group_source_location: Some(
                self.group_source_location
                    .clone()
                    .unwrap_or_default()
                    .normalized(),
            ),
        }
    }
}

fn normalized_change_detection(
    settings: Option<&ChangeDetectionSettings>,
    path: &str,
    errors: &mut Vec<ValidationError>,
) -> ChangeDetectionSettings {
    let Some(settings) = settings else {
        errors.push(ValidationError::required(
            path,
            "The change detection settings",
        ));
        return ChangeDetectionSettings::default();
    };
    require(
        &settings.user_object_class,
        &format!("{path}.userObjectClass"),
        "The user object class",
        errors,
    );
    require(
        &settings.group_object_class,
        &format!("{path}.groupObjectClass"),
        "The group object class",
        errors,
    );
    require(
        &settings.time_stamp_attribute_name,
        &format!("{path}.timeStampAttributeName"),
        "The timestamp attribute name",
        errors,
    );
    if settings.changed_users_algorithm.is_none() {
        errors.push(ValidationError::required(
            &format!("{path}.changedUsersAlgorithm"),
            "The changed users algorithm",
        ));
    }
    settings.clone()
}

fn normalized_account_management(
    settings: Option<&AccountManagementSettings>,
    path: &str,
    errors: &mut Vec<ValidationError>,
) -> AccountManagementSettings {
    let Some(settings) = settings else {
        errors.push(ValidationError::required(
            path,
            "The account management settings",
        ));
        return AccountManagementSettings::default();
    };
    require(
        &settings.account_status_attribute_name,
        &format!("{path}.accountStatusAttributeName"),
        "The account status attribute name",
        errors,
    );
    if settings.account_status_algorithm.is_none() {
        errors.push(ValidationError::required(
            &format!("{path}.accountStatusAlgorithm"),
            "The account status algorithm",
        ));
    }
    AccountManagementSettings {
        flag_comparison_status: Some(settings.flag_comparison_status.unwrap_or(true)),
        default_status: Some(settings.default_status.unwrap_or(true)),
        ..settings.clone()
    }
}

impl ChannelSourceLocation {
    fn normalized(&self) -> ChannelSourceLocation {
        ChannelSourceLocation {
            nested_search: Some(self.nested_search.unwrap_or(false)),
            ..self.clone()
        }
    }
}

fn normalized_mapping(
    mappings: &[SaasAttributeMapping],
    path: &str,
    errors: &mut Vec<ValidationError>,
) -> Vec<SaasAttributeMapping> {
    mappings
        .iter()
        .enumerate()
        .map(|(index, mapping)| {
            let entry_path = format!("{path}[{index}]");
            require(
                &mapping.field_name,
                &format!("{entry_path}.fieldName"),
                "The target field name",
                errors,
            );
            let info_path = format!("{entry_path}.saasFieldInfo");
            if mapping.saas_field_info.is_none() {
                errors.push(ValidationError::required(
                    &info_path,
                    "The field mapping (saasFieldInfo)",
                ));
            }
            let info = mapping.saas_field_info.clone().unwrap_or_default();
            let attribute_names = info.attribute_names.clone().unwrap_or_default();
            if let Some(repeated) = attribute_names
                .iter()
                .enumerate()
                .find(|(position, name)| attribute_names[..*position].contains(name))
                .map(|(_, name)| name)
            {
                errors.push(ValidationError::new(
                    "duplicate_attribute_name",
                    &format!("{info_path}.attributeNames"),
                    format!("The source attribute '{repeated}' is listed more than once."),
                ));
            }
            SaasAttributeMapping {
                field_name: mapping.field_name.clone(),
                saas_field_info: Some(SaasFieldConfiguration {
                    attribute_names: Some(attribute_names),
                    create_only: Some(info.create_only.unwrap_or(false)),
                    trim: Some(info.trim.unwrap_or(false)),
                    character_case: Some(info.character_case.unwrap_or(CharacterCase::None)),
                    parser: Some(info.parser.unwrap_or(FieldParser::None)),
                    masked: Some(info.masked.unwrap_or(false)),
                    ..info
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn channel(value: serde_json::Value) -> Channel {
        serde_json::from_value(value).unwrap()
    }

    fn minimal() -> serde_json::Value {
        json!({
            "name": "employees",
            "channelSource": {
                "dataSource": {"id": "corp"},
                "baseDn": "dc=example,dc=com",
                "guidAttributeName": "entryUUID",
                "changeDetectionSettings": {"userObjectClass": "inetOrgPerson", "groupObjectClass": "groupOfUniqueNames", "changedUsersAlgorithm": "TIMESTAMP_NO_NEGATION", "timeStampAttributeName": "modifyTimestamp"},
                "accountManagementSettings": {"accountStatusAttributeName": "nsaccountlock", "accountStatusAlgorithm": "ACCOUNT_STATUS_ALGORITHM_FLAG"},
                "userSourceLocation": {"filter": "(objectClass=person)"}
            },
            "attributeMapping": [{"fieldName": "username", "saasFieldInfo": {"attributeNames": ["uid"]}}]
        })
    }

    #[test]
    fn defaults_are_filled() {
        let mut errors = Vec::new();
        let stored = channel(minimal()).normalized("c", &|_| SourceKind::Ldap, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(stored.max_threads, Some(1));
        assert_eq!(stored.timeout, Some(60));
        assert_eq!(stored.active, Some(false));
        let source = stored.channel_source.unwrap();
        assert_eq!(source.guid_binary, Some(false));
        assert_eq!(
            source.user_source_location.unwrap().nested_search,
            Some(false)
        );
        assert_eq!(
            source.group_source_location,
            Some(ChannelSourceLocation {
                group_dn: None,
                filter: None,
                nested_search: Some(false)
            })
        );
        let account = source.account_management_settings.unwrap();
        assert_eq!(account.flag_comparison_status, Some(true));
        assert_eq!(account.default_status, Some(true));
        let info = stored.attribute_mapping.unwrap()[0]
            .saas_field_info
            .clone()
            .unwrap();
        assert_eq!(info.character_case, Some(CharacterCase::None));
        assert_eq!(info.masked, Some(false));
    }

    #[test]
    fn a_non_ldap_source_is_refused_and_a_missing_one_accepted() {
        let mut errors = Vec::new();
        channel(minimal()).normalized("c", &|_| SourceKind::Other("JDBC"), &mut errors);
        let paths: Vec<_> = errors
            .iter()
            .map(|e| e.field_path.clone().unwrap())
            .collect();
        assert_eq!(paths, ["c.channelSource.dataSource"]);
        let mut errors = Vec::new();
        channel(minimal()).normalized("c", &|_| SourceKind::Missing, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn mappings_without_a_source_and_without_username_are_kept() {
        let mut body = minimal();
        body["attributeMapping"] = json!([
            {"fieldName": "email", "saasFieldInfo": {}},
            {"fieldName": "populationID", "saasFieldInfo": {"defaultValue": "p"}},
            {"fieldName": "fullName", "saasFieldInfo": {"expression": "x", "attributeNames": ["givenName", "sn"], "parser": "EXTRACT_CN_FROM_DN", "masked": true, "createOnly": true, "trim": true, "characterCase": "LOWER"}},
            {"fieldName": "email", "saasFieldInfo": {"attributeNames": ["mail"]}}
        ]);
        let mut errors = Vec::new();
        let stored = channel(body).normalized("c", &|_| SourceKind::Ldap, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let mapping = stored.attribute_mapping.unwrap();
        assert_eq!(mapping.len(), 4);
        let empty = mapping[0].saas_field_info.clone().unwrap();
        assert_eq!(empty.attribute_names, Some(Vec::new()));
        assert_eq!(empty.default_value, None);
        let full = mapping[2].saas_field_info.clone().unwrap();
        assert_eq!(full.character_case, Some(CharacterCase::Lower));
        assert_eq!(full.masked, Some(true));
        assert_eq!(full.expression.as_deref(), Some("x"));
    }

    #[test]
    fn repeated_source_attributes_are_refused() {
        let mut body = minimal();
        body["attributeMapping"] =
            json!([{"fieldName": "username", "saasFieldInfo": {"attributeNames": ["uid", "uid"]}}]);
        let mut errors = Vec::new();
        channel(body).normalized("c", &|_| SourceKind::Ldap, &mut errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].error_id, "duplicate_attribute_name");
    }
}
