//! Outbound provisioning channels (`outboundProvision.channels`, schemas `Channel`,
//! `ChannelSource`, `ChannelSourceLocation`, `SaasAttributeMapping`,
//! `SaasFieldConfiguration` and the LDAP settings objects): wire structs, defaults and
//! the rules of one channel.
//!
//! Owns: `maxThreads` (1) and `timeout` (60) defaults and ranges, `active` default
//! (false), the source rules (an existing **LDAP** data store, `baseDn`,
//! `userSourceLocation`, the LDAP settings PingFederate requires), the defaults PF
//! returns (`guidBinary` false, `nestedSearch` false, `flagComparisonStatus` and
//! `defaultStatus` true, `groupMembershipDetection` `{}` when absent, every
//! `saasFieldInfo` flag), and the attribute mapping (a `username` mapping, unique field
//! names, each mapped from attributes, a default value or an expression). Must not
//! know the store: the kind of a referenced data store is asked of the caller.
//!
//! Policy for a data source that is not LDAP (JDBC, CUSTOM, PingOne LDAP gateway):
//! 422 on `channelSource.dataSource`, plus one 422 per LDAP-only field sent
//! (`guidAttributeName`, `guidBinary`, `changeDetectionSettings`,
//! `groupMembershipDetection`, `accountManagementSettings`), since PingFederate's LDAP
//! source settings have no meaning for another kind of store.

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

    pub fn name(&self) -> Option<&str> {
        text(&self.name)
    }

    /// The stored form of this channel; problems are pushed with `path`
    /// (`outboundProvision.channels[i]`) as prefix. `source_kind` tells what the
    /// referenced data store is.
    pub fn normalized(
        &self,
        path: &str,
        source_kind: impl Fn(&str) -> SourceKind,
        errors: &mut Vec<ValidationError>,
    ) -> Channel {
        require(
            &self.name,
            &format!("{path}.name"),
            "The channel name",
            errors,
        );
        let max_threads = self.max_threads.unwrap_or(DEFAULT_MAX_THREADS);
        if max_threads < 1 {
            errors.push(ValidationError::new(
                "invalid_max_threads",
                &format!("{path}.maxThreads"),
                format!("maxThreads must be at least 1, not {max_threads}."),
            ));
        }
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT_SECONDS);
        if timeout < 1 {
            errors.push(ValidationError::new(
                "invalid_timeout",
                &format!("{path}.timeout"),
                format!("timeout must be a positive number of seconds, not {timeout}."),
            ));
        }
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
        let attribute_mapping = normalized_mapping(
            self.attribute_mapping.as_deref().unwrap_or_default(),
            &mapping_path,
            errors,
        );
        Channel {
            active: Some(self.active.unwrap_or(false)),
            channel_source,
            attribute_mapping: Some(attribute_mapping),
            name: text(&self.name).map(str::to_string),
            max_threads: Some(max_threads),
            timeout: Some(timeout),
        }
    }
}

impl ChannelSource {
    fn normalized(
        &self,
        path: &str,
        source_kind: impl Fn(&str) -> SourceKind,
        errors: &mut Vec<ValidationError>,
    ) -> ChannelSource {
        let data_source_path = format!("{path}.dataSource");
        let data_source_id = self.data_source.as_ref().and_then(ResourceLink::target);
        let is_ldap = match data_source_id.map(|id| (id, source_kind(id))) {
            None => {
                errors.push(ValidationError::required(
                    &data_source_path,
                    "The source data store (dataSource.id)",
                ));
                true
            }
            Some((id, SourceKind::Missing)) => {
                errors.push(ValidationError::new(
                    "unknown_data_store",
                    &data_source_path,
                    format!("Data store '{id}' does not exist."),
                ));
                true
            }
            Some((_, SourceKind::Ldap)) => true,
            Some((id, SourceKind::Other(type_name))) => {
                errors.push(ValidationError::new(
                    "data_store_not_ldap",
                    &data_source_path,
                    format!(
                        "Data store '{id}' is {type_name}; a provisioning channel reads from an \
                         LDAP data store."
                    ),
                ));
                false
            }
        };
        if !is_ldap {
            let sent = [
                ("guidAttributeName", self.guid_attribute_name.is_some()),
                ("guidBinary", self.guid_binary.is_some()),
                (
                    "changeDetectionSettings",
                    self.change_detection_settings.is_some(),
                ),
                (
                    "groupMembershipDetection",
                    self.group_membership_detection.is_some(),
                ),
                (
                    "accountManagementSettings",
                    self.account_management_settings.is_some(),
                ),
            ];
            for (field, _) in sent.iter().filter(|(_, present)| *present) {
                errors.push(ValidationError::new(
                    "ldap_only_field",
                    &format!("{path}.{field}"),
                    format!(
                        "{field} applies to LDAP data sources only; the channel's data source \
                         is not an LDAP data store."
                    ),
                ));
            }
        }
        require(
            &self.base_dn,
            &format!("{path}.baseDn"),
            "The base DN",
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
        let mut normalized = ChannelSource {
            data_source: self
                .data_source
                .as_ref()
                .map(ResourceLink::without_location),
            guid_attribute_name: text(&self.guid_attribute_name).map(str::to_string),
            guid_binary: None,
            change_detection_settings: None,
            group_membership_detection: None,
            account_management_settings: None,
            base_dn: text(&self.base_dn).map(str::to_string),
            user_source_location,
            group_source_location: self
                .group_source_location
                .as_ref()
                .map(ChannelSourceLocation::normalized),
        };
        if is_ldap {
            require(
                &self.guid_attribute_name,
                &format!("{path}.guidAttributeName"),
                "The GUID attribute name",
                errors,
            );
            normalized.guid_binary = Some(self.guid_binary.unwrap_or(false));
            normalized.change_detection_settings = Some(normalized_change_detection(
                self.change_detection_settings.as_ref(),
                &format!("{path}.changeDetectionSettings"),
                errors,
            ));
            normalized.group_membership_detection =
                Some(self.group_membership_detection.clone().unwrap_or_default());
            normalized.account_management_settings = Some(normalized_account_management(
                self.account_management_settings.as_ref(),
                &format!("{path}.accountManagementSettings"),
                errors,
            ));
        }
        normalized
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
    match settings.changed_users_algorithm {
        None => errors.push(ValidationError::required(
            &format!("{path}.changedUsersAlgorithm"),
            "The changed users algorithm",
        )),
        Some(ChangedUsersAlgorithm::ActiveDirectoryUsn) => require(
            &settings.usn_attribute_name,
            &format!("{path}.usnAttributeName"),
            "The USN attribute name (for ACTIVE_DIRECTORY_USN)",
            errors,
        ),
        Some(_) => {}
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
            group_dn: text(&self.group_dn).map(str::to_string),
            filter: text(&self.filter).map(str::to_string),
            nested_search: Some(self.nested_search.unwrap_or(false)),
        }
    }
}

fn normalized_mapping(
    mappings: &[SaasAttributeMapping],
    path: &str,
    errors: &mut Vec<ValidationError>,
) -> Vec<SaasAttributeMapping> {
    let mut normalized = Vec::with_capacity(mappings.len());
    for (index, mapping) in mappings.iter().enumerate() {
        let entry_path = format!("{path}[{index}]");
        let field_name = text(&mapping.field_name);
        match field_name {
            None => errors.push(ValidationError::required(
                &format!("{entry_path}.fieldName"),
                "The target field name",
            )),
            Some(name)
                if mappings[..index]
                    .iter()
                    .any(|other| text(&other.field_name) == Some(name)) =>
            {
                errors.push(ValidationError::new(
                    "duplicate_field_name",
                    &format!("{entry_path}.fieldName"),
                    format!("The field '{name}' is mapped more than once."),
                ));
            }
            Some(_) => {}
        }
        let info_path = format!("{entry_path}.saasFieldInfo");
        let info = mapping.saas_field_info.clone().unwrap_or_default();
        if mapping.saas_field_info.is_none() {
            errors.push(ValidationError::required(
                &info_path,
                "The field mapping (saasFieldInfo)",
            ));
        }
        let attribute_names = info.attribute_names.clone().unwrap_or_default();
        for (position, attribute) in attribute_names.iter().enumerate() {
            if attribute_names[..position].contains(attribute) {
                errors.push(ValidationError::new(
                    "duplicate_attribute_name",
                    &format!("{info_path}.attributeNames"),
                    format!("The source attribute '{attribute}' is listed more than once."),
                ));
            }
        }
        if mapping.saas_field_info.is_some()
            && attribute_names.is_empty()
            && text(&info.default_value).is_none()
            && text(&info.expression).is_none()
        {
            errors.push(ValidationError::new(
                "unmapped_field",
                &info_path,
                format!(
                    "The field '{}' needs source attributes (attributeNames), a defaultValue \
                     or an expression.",
                    field_name.unwrap_or_default()
                ),
            ));
        }
        normalized.push(SaasAttributeMapping {
            field_name: field_name.map(str::to_string),
            saas_field_info: Some(SaasFieldConfiguration {
                attribute_names: Some(attribute_names),
                default_value: info.default_value.clone(),
                expression: info.expression.clone(),
                create_only: Some(info.create_only.unwrap_or(false)),
                trim: Some(info.trim.unwrap_or(false)),
                character_case: Some(info.character_case.unwrap_or(CharacterCase::None)),
                parser: Some(info.parser.unwrap_or(FieldParser::None)),
                masked: Some(info.masked.unwrap_or(false)),
            }),
        });
    }
    if !mappings
        .iter()
        .any(|mapping| text(&mapping.field_name) == Some("username"))
    {
        errors.push(ValidationError::new(
            "username_mapping_required",
            path,
            "The attribute mapping must map the PingOne field 'username': PingOne matches \
             existing users on it.",
        ));
    }
    normalized
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
        let stored = channel(minimal()).normalized("c", |_| SourceKind::Ldap, &mut errors);
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
    fn a_non_ldap_source_rejects_ldap_only_fields() {
        let mut errors = Vec::new();
        channel(minimal()).normalized("c", |_| SourceKind::Other("JDBC"), &mut errors);
        let paths: Vec<_> = errors
            .iter()
            .map(|e| e.field_path.clone().unwrap())
            .collect();
        assert_eq!(
            paths,
            [
                "c.channelSource.dataSource",
                "c.channelSource.guidAttributeName",
                "c.channelSource.changeDetectionSettings",
                "c.channelSource.accountManagementSettings"
            ]
        );
    }

    #[test]
    fn a_missing_username_mapping_is_reported() {
        let mut body = minimal();
        body["attributeMapping"] =
            json!([{"fieldName": "email", "saasFieldInfo": {"attributeNames": ["mail"]}}]);
        let mut errors = Vec::new();
        channel(body).normalized("c", |_| SourceKind::Ldap, &mut errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].error_id, "username_mapping_required");
    }
}
