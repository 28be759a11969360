use std::fmt;
use std::str::FromStr;

use super::ResourceKind;

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
        let mut header = self.kind.block_prefix();
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

    /// `BLOCK_TYPE[.LABEL].NAME`, or `BLOCK_TYPE` for a singleton.
    fn from_str(text: &str) -> Result<Address, AddressParseError> {
        let error = || AddressParseError(text.to_string());
        let mut parts = text.split('.');
        let block_type = parts.next().ok_or_else(error)?;
        let rest: Vec<&str> = parts.collect();
        let (label, name) = if ResourceKind::has_kind_label(block_type) {
            match rest.as_slice() {
                [label, name] => (Some(*label), Some(*name)),
                _ => return Err(error()),
            }
        } else {
            match rest.as_slice() {
                [] => (None, None),
                [name] => (None, Some(*name)),
                _ => return Err(error()),
            }
        };
        let kind = ResourceKind::from_block(block_type, label).ok_or_else(error)?;
        match (kind.is_singleton(), name) {
            (true, None) => Ok(Address::singleton(kind)),
            (false, Some(name)) if !name.is_empty() => Ok(Address::new(kind, name)),
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
