use std::fmt;
use std::str::FromStr;

use super::schema::{self, Field};

/// The kinds of object pingform manages.
///
/// The declaration order is the canonical order of kinds (data stores before the
/// settings that point at them), used wherever a stable order is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    DatastoreJdbc,
    DatastoreLdap,
    DatastoreCustom,
    OutboundProvisioning,
    PingOneConnection,
    ProvisioningConnection,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 6] = [
        ResourceKind::DatastoreJdbc,
        ResourceKind::DatastoreLdap,
        ResourceKind::DatastoreCustom,
        ResourceKind::OutboundProvisioning,
        ResourceKind::PingOneConnection,
        ResourceKind::ProvisioningConnection,
    ];

    /// The HCL block type: `datastore` or `outbound_provisioning`.
    pub fn block_type(self) -> &'static str {
        match self {
            ResourceKind::DatastoreJdbc
            | ResourceKind::DatastoreLdap
            | ResourceKind::DatastoreCustom => "datastore",
            ResourceKind::OutboundProvisioning => "outbound_provisioning",
            ResourceKind::PingOneConnection => "pingone_connection",
            ResourceKind::ProvisioningConnection => "provisioning_connection",
        }
    }

    /// The kind label of a `datastore` block (`jdbc`, `ldap`, `custom`); none for singletons.
    pub fn kind_label(self) -> Option<&'static str> {
        match self {
            ResourceKind::DatastoreJdbc => Some("jdbc"),
            ResourceKind::DatastoreLdap => Some("ldap"),
            ResourceKind::DatastoreCustom => Some("custom"),
            ResourceKind::OutboundProvisioning
            | ResourceKind::PingOneConnection
            | ResourceKind::ProvisioningConnection => None,
        }
    }

    /// The value of the PingFederate `type` discriminator for data stores.
    pub fn wire_type(self) -> Option<&'static str> {
        match self {
            ResourceKind::DatastoreJdbc => Some("JDBC"),
            ResourceKind::DatastoreLdap => Some("LDAP"),
            ResourceKind::DatastoreCustom => Some("CUSTOM"),
            ResourceKind::OutboundProvisioning
            | ResourceKind::PingOneConnection
            | ResourceKind::ProvisioningConnection => None,
        }
    }

    pub fn from_wire_type(wire: &str) -> Option<ResourceKind> {
        Self::ALL.into_iter().find(|k| k.wire_type() == Some(wire))
    }

    pub fn from_kind_label(label: &str) -> Option<ResourceKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.kind_label() == Some(label))
    }

    pub fn is_datastore(self) -> bool {
        self.block_type() == "datastore"
    }

    /// Singletons have one address and no name (`outbound_provisioning`).
    pub fn is_singleton(self) -> bool {
        matches!(self, ResourceKind::OutboundProvisioning)
    }

    /// The fields of this kind, in the order they are shown.
    pub fn fields(self) -> &'static [Field] {
        match self {
            ResourceKind::DatastoreJdbc => schema::JDBC_FIELDS,
            ResourceKind::DatastoreLdap => schema::LDAP_FIELDS,
            ResourceKind::DatastoreCustom => schema::CUSTOM_FIELDS,
            ResourceKind::OutboundProvisioning => schema::OUTBOUND_PROVISIONING_FIELDS,
            ResourceKind::PingOneConnection => schema::PINGONE_CONNECTION_FIELDS,
            ResourceKind::ProvisioningConnection => schema::PROVISIONING_CONNECTION_FIELDS,
        }
    }

    pub fn field(self, name: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.name == name)
    }

    /// A short human name: "JDBC data store", "outbound provisioning settings".
    pub fn describe(self) -> &'static str {
        match self {
            ResourceKind::DatastoreJdbc => "JDBC data store",
            ResourceKind::DatastoreLdap => "LDAP data store",
            ResourceKind::DatastoreCustom => "custom data store",
            ResourceKind::OutboundProvisioning => "outbound provisioning settings",
            ResourceKind::PingOneConnection => "PingOne connection",
            ResourceKind::ProvisioningConnection => "provisioning connection to PingOne",
        }
    }
}

/// Where a resource lives in the configuration and in state:
/// `datastore.jdbc.provisioner`, `outbound_provisioning`.
///
/// The string form is canonical; ordering follows the kind order, then the name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address {
    kind: ResourceKind,
    name: Option<String>,
}

impl Address {
    pub fn new(kind: ResourceKind, name: impl Into<String>) -> Address {
        if kind.is_singleton() {
            return Address::singleton(kind);
        }
        Address {
            kind,
            name: Some(name.into()),
        }
    }

    pub fn singleton(kind: ResourceKind) -> Address {
        Address { kind, name: None }
    }

    pub fn kind(&self) -> ResourceKind {
        self.kind
    }

    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The block header as written in HCL: `datastore "jdbc" "provisioner"`.
    pub fn block_header(&self) -> String {
        let mut header = self.kind.block_type().to_string();
        if let Some(label) = self.kind.kind_label() {
            header.push_str(&format!(" \"{label}\""));
        }
        if let Some(name) = &self.name {
            header.push_str(&format!(" \"{name}\""));
        }
        header
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.block_type())?;
        if let Some(label) = self.kind.kind_label() {
            write!(f, ".{label}")?;
        }
        if let Some(name) = &self.name {
            write!(f, ".{name}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a resource address (expected e.g. `datastore.jdbc.NAME` or `outbound_provisioning`)"
)]
pub struct AddressParseError(pub String);

impl FromStr for Address {
    type Err = AddressParseError;

    fn from_str(text: &str) -> Result<Address, AddressParseError> {
        let error = || AddressParseError(text.to_string());
        let parts: Vec<&str> = text.split('.').collect();
        match parts.as_slice() {
            ["outbound_provisioning"] => Ok(Address::singleton(ResourceKind::OutboundProvisioning)),
            ["datastore", label, name] if !name.is_empty() => {
                let kind = ResourceKind::from_kind_label(label).ok_or_else(error)?;
                Ok(Address::new(kind, *name))
            }
            ["pingone_connection", name] if !name.is_empty() => {
                Ok(Address::new(ResourceKind::PingOneConnection, *name))
            }
            ["provisioning_connection", name] if !name.is_empty() => {
                Ok(Address::new(ResourceKind::ProvisioningConnection, *name))
            }
            _ => Err(error()),
        }
    }
}

impl serde::Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Address, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip_through_their_string_form() {
        for text in [
            "datastore.jdbc.provisioner",
            "datastore.ldap.corp_directory",
            "datastore.custom.crm",
            "outbound_provisioning",
            "pingone_connection.workforce",
            "provisioning_connection.pingone",
        ] {
            let address: Address = text.parse().unwrap();
            assert_eq!(address.to_string(), text);
        }
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for text in [
            "datastore.jdbc",
            "datastore.oracle.x",
            "outbound_provisioning.x",
            "",
        ] {
            assert!(text.parse::<Address>().is_err(), "{text} should not parse");
        }
    }

    #[test]
    fn data_stores_order_before_outbound_provisioning() {
        let mut addresses: Vec<Address> = [
            "outbound_provisioning",
            "datastore.ldap.a",
            "datastore.jdbc.z",
        ]
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
        addresses.sort();
        let texts: Vec<String> = addresses.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            [
                "datastore.jdbc.z",
                "datastore.ldap.a",
                "outbound_provisioning"
            ]
        );
    }

    #[test]
    fn block_headers_read_like_hcl() {
        let address: Address = "datastore.jdbc.provisioner".parse().unwrap();
        assert_eq!(address.block_header(), r#"datastore "jdbc" "provisioner""#);
        assert_eq!(
            Address::singleton(ResourceKind::OutboundProvisioning).block_header(),
            "outbound_provisioning"
        );
    }
}
