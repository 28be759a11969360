//! The one wire codec: model attributes to PingFederate JSON and back, driven by each
//! field's typed wire path (`Wire`) and type in the kind descriptors. Names
//! (`driver_class` ⇄ `driverClass`), nested paths (`channelSource.baseDn`),
//! ResourceLinks (`"id"` ⇄ `{ "id": "id" }`), target settings (`REMOVE_ACTION`),
//! mapping entries, write-only secrets (`password` out, `encryptedPassword` back),
//! plugin `configuration { fields, tables }` and nested blocks (channels) are all
//! handled here once; a kind writes no conversion code of its own.

mod decode;
mod encode;
mod error_path;
mod json;

pub use decode::{Item, decode, decode_item};
pub use encode::encode;
pub use error_path::configuration_path;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Attributes, ResourceKind, Secret};
    use crate::provider::{SecretValue, WriteRequest};
    use serde_json::{Value, json};

    fn attributes(value: Value) -> Attributes {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn a_jdbc_store_goes_out_in_wire_names_with_its_password() {
        let attributes = attributes(json!({
            "driver_class": "org.postgresql.Driver",
            "connection_url": "jdbc:postgresql://db/x",
            "connection_url_tags": [{"connection_url": "jdbc:postgresql://db/x", "default_source": true}],
            "min_pool_size": 5
        }));
        let secret = Secret::new("s3cret");
        let body = encode(&WriteRequest {
            kind: ResourceKind::DatastoreJdbc,
            id: "prov",
            attributes: &attributes,
            secrets: vec![("password".into(), SecretValue::Plain(&secret))],
            base: None,
            owned_before: None,
            context: &crate::model::DefaultContext::default(),
        });
        assert_eq!(
            body,
            json!({
                "type": "JDBC", "id": "prov",
                "driverClass": "org.postgresql.Driver",
                "connectionUrl": "jdbc:postgresql://db/x",
                "connectionUrlTags": [{"connectionUrl": "jdbc:postgresql://db/x", "defaultSource": true}],
                "password": "s3cret",
                "minPoolSize": 5
            })
        );
    }

    #[test]
    fn a_kept_secret_goes_back_encrypted() {
        let attributes = attributes(json!({"ldap_type": "PING_DIRECTORY", "hostnames": ["h:636"]}));
        let body = encode(&WriteRequest {
            kind: ResourceKind::DatastoreLdap,
            id: "corp",
            attributes: &attributes,
            secrets: vec![("password".into(), SecretValue::Encrypted("eyJ.enc"))],
            base: None,
            owned_before: None,
            context: &crate::model::DefaultContext::default(),
        });
        assert_eq!(body["encryptedPassword"], "eyJ.enc");
        assert!(body.get("password").is_none());
    }

    #[test]
    fn outbound_provisioning_uses_a_resource_link() {
        let attributes = attributes(json!({"datastore": "prov", "synchronization_frequency": 120}));
        let body = encode(&WriteRequest {
            kind: ResourceKind::OutboundProvisioning,
            id: "settings",
            attributes: &attributes,
            secrets: Vec::new(),
            base: None,
            owned_before: None,
            context: &crate::model::DefaultContext::default(),
        });
        assert_eq!(
            body,
            json!({"dataStoreRef": {"id": "prov"}, "synchronizationFrequency": 120})
        );
        let back = decode(
            ResourceKind::OutboundProvisioning,
            "settings",
            &json!({"dataStoreRef": {"id": "prov", "location": "https://x/dataStores/prov"}, "synchronizationFrequency": 120}),
        )
        .unwrap();
        assert_eq!(back.attributes, attributes);
    }

    #[test]
    fn custom_configuration_round_trips_and_secrets_stay_encrypted() {
        let attributes = attributes(json!({
            "name": "CRM",
            "plugin_descriptor_id": "com.example.Rest",
            "configuration": {"Base URL": "https://crm"},
            "configuration_tables": {"Headers": [{"Header Name": "X-A", "Header Value": "1"}]}
        }));
        let secret = Secret::new("p");
        let body = encode(&WriteRequest {
            kind: ResourceKind::DatastoreCustom,
            id: "crm",
            attributes: &attributes,
            secrets: vec![(
                "sensitive_configuration.Password".into(),
                SecretValue::Plain(&secret),
            )],
            base: None,
            owned_before: None,
            context: &crate::model::DefaultContext::default(),
        });
        assert_eq!(
            body["pluginDescriptorRef"],
            json!({"id": "com.example.Rest"})
        );
        assert_eq!(
            body["configuration"]["fields"][1],
            json!({"name": "Password", "value": "p"})
        );
        let mut response = body.clone();
        response["configuration"]["fields"][1] =
            json!({"name": "Password", "encryptedValue": "eyJ.x"});
        let observed = decode(ResourceKind::DatastoreCustom, "crm", &response).unwrap();
        assert_eq!(
            observed.attributes["configuration"],
            json!({"Base URL": "https://crm"})
        );
        assert_eq!(
            observed.attributes["configuration_tables"],
            attributes["configuration_tables"]
        );
        assert_eq!(
            observed
                .encrypted
                .get("sensitive_configuration.Password")
                .unwrap(),
            "eyJ.x"
        );
    }

    fn connection() -> Attributes {
        attributes(json!({
            "entity_id": "pingone-prov",
            "name": "PingOne provisioning",
            "active": true,
            "pingone_connection": "workforce",
            "environment_id": "env-1",
            "remove_action": "Delete",
            "channels": [{
                "name": "employees",
                "datastore": "corp",
                "base_dn": "ou=people,dc=example,dc=com",
                "user_filter": "(&(objectClass=person)(!(uid=admin)))",
                "population_id": "pop-1",
                "attribute_mapping": {"username": "uid", "email": "mail"}
            }]
        }))
    }

    fn encode_connection() -> Value {
        encode(&WriteRequest {
            kind: ResourceKind::ProvisioningConnection,
            id: "p1",
            attributes: &connection(),
            secrets: Vec::new(),
            base: None,
            owned_before: None,
            context: &crate::model::DefaultContext::default(),
        })
    }

    #[test]
    fn a_connection_goes_out_as_an_sp_connection_with_pingone_provisioning() {
        let body = encode_connection();
        assert_eq!(body["type"], "SP");
        assert_eq!(body["connectionTargetType"], "STANDARD");
        assert_eq!(body["entityId"], "pingone-prov");
        let provision = &body["outboundProvision"];
        assert_eq!(provision["type"], "PingOne");
        assert_eq!(
            provision["targetSettings"][0],
            json!({"name": "PINGONE_ENVIRONMENT", "value": "workforce|env-1"})
        );
        let settings = provision["targetSettings"].as_array().unwrap();
        assert!(settings.contains(&json!({"name": "REMOVE_ACTION", "value": "Delete"})));
        assert!(settings.contains(&json!({"name": "CREATE_USERS_PROV_OPT", "value": "true"})));
        let channel = &provision["channels"][0];
        assert_eq!(channel["maxThreads"], 1);
        assert_eq!(
            channel["channelSource"]["dataSource"],
            json!({"id": "corp"})
        );
        assert_eq!(
            channel["channelSource"]["changeDetectionSettings"]["timeStampAttributeName"],
            "modifyTimestamp"
        );
        assert_eq!(
            channel["channelSource"]["userSourceLocation"]["filter"],
            "(&(objectClass=person)(!(uid=admin)))"
        );
        let mapping = channel["attributeMapping"].as_array().unwrap();
        assert!(mapping.contains(
            &json!({"fieldName": "populationID", "saasFieldInfo": {"defaultValue": "pop-1"}})
        ));
        assert!(mapping.contains(
            &json!({"fieldName": "username", "saasFieldInfo": {"attributeNames": ["uid"]}})
        ));
    }

    #[test]
    fn a_connection_comes_back_flat() {
        let body = encode_connection();
        let Item::Known(back) = decode_item(crate::model::kinds::SP_CONNECTIONS, &body).unwrap()
        else {
            panic!("a PingOne provisioning connection is one of ours");
        };
        assert_eq!(back.attributes["pingone_connection"], "workforce");
        assert_eq!(back.attributes["environment_id"], "env-1");
        assert_eq!(back.attributes["remove_action"], "Delete");
        let channel = &back.attributes["channels"][0];
        assert_eq!(channel["population_id"], "pop-1");
        assert_eq!(
            channel["attribute_mapping"],
            json!({"username": "uid", "email": "mail"})
        );
        assert_eq!(
            channel["user_filter"],
            "(&(objectClass=person)(!(uid=admin)))"
        );
        assert_eq!(channel["guid_attribute"], "entryUUID");
    }

    #[test]
    fn an_sp_connection_without_provisioning_is_one_of_ours_with_its_part_missing() {
        let item = decode_item(
            crate::model::kinds::SP_CONNECTIONS,
            &json!({"id": "x", "type": "SP", "entityId": "e", "name": "n", "spBrowserSso": {}}),
        )
        .unwrap();
        let Item::Known(object) = item else {
            panic!("an SSO connection can get provisioning");
        };
        assert!(object.part_missing);
        assert_eq!(object.attributes["entity_id"], "e");
        let other = decode_item(
            crate::model::kinds::SP_CONNECTIONS,
            &json!({"id": "y", "type": "SP", "entityId": "e", "name": "n",
                    "outboundProvision": {"type": "Salesforce", "channels": []}}),
        )
        .unwrap();
        assert!(
            matches!(other, Item::Foreign { what, .. } if what == "an SP connection that provisions to another target than PingOne")
        );
        let store = decode_item(
            crate::model::kinds::DATA_STORES,
            // A type a later PingFederate version might add.
            &json!({"id": "x", "type": "SOME_LATER_TYPE"}),
        )
        .unwrap();
        assert!(
            matches!(store, Item::Foreign { what, .. } if what == "a SOME_LATER_TYPE data store")
        );
    }

    #[test]
    fn server_field_paths_map_to_configuration_names() {
        let kind = ResourceKind::DatastoreJdbc;
        assert_eq!(
            configuration_path(kind, "driverClass").as_deref(),
            Some("driver_class")
        );
        assert_eq!(
            configuration_path(kind, "encryptedPassword").as_deref(),
            Some("password")
        );
        assert_eq!(
            configuration_path(kind, "connectionUrlTags[0].connectionUrl").as_deref(),
            Some("connection_url_tags[0].connection_url")
        );
        assert_eq!(
            configuration_path(ResourceKind::OutboundProvisioning, "dataStoreRef.id").as_deref(),
            Some("datastore.id")
        );
        assert_eq!(
            configuration_path(
                ResourceKind::ProvisioningConnection,
                "outboundProvision.channels[0].channelSource.baseDn"
            )
            .as_deref(),
            Some("channels[0].base_dn")
        );
        assert_eq!(
            configuration_path(
                ResourceKind::DatastoreCustom,
                "configuration.fields[2].value"
            )
            .as_deref(),
            Some("configuration.fields[2].value")
        );
        assert_eq!(configuration_path(kind, "nonsense"), None);
    }

    #[test]
    fn an_ldap_gateway_store_round_trips_with_its_resource_link() {
        let attributes = attributes(json!({
            "ldap_type": "ACTIVE_DIRECTORY",
            "pingone_connection": "workforce",
            "environment_id": "env-1",
            "gateway_id": "gw-1"
        }));
        let body = encode(&WriteRequest {
            kind: ResourceKind::DatastoreLdapGateway,
            id: "branch",
            attributes: &attributes,
            secrets: Vec::new(),
            base: None,
            owned_before: None,
            context: &crate::model::DefaultContext::default(),
        });
        assert_eq!(
            body,
            json!({
                "type": "PING_ONE_LDAP_GATEWAY", "id": "branch", "ldapType": "ACTIVE_DIRECTORY",
                "pingOneConnectionRef": {"id": "workforce"}, "pingOneEnvironmentId": "env-1",
                "pingOneLdapGatewayId": "gw-1"
            })
        );
        let Item::Known(back) = decode_item(crate::model::kinds::DATA_STORES, &body).unwrap()
        else {
            panic!("a gateway store is one of ours");
        };
        assert_eq!(back.kind, ResourceKind::DatastoreLdapGateway);
        assert_eq!(back.attributes, attributes);
    }
}
