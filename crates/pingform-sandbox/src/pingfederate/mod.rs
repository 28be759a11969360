//! The emulated PingFederate Admin API (`/pf-admin-api/v1`): its routes, its error
//! bodies, its resources (data stores with their plugin descriptors and configuration,
//! the outbound provisioning settings, PingOne connections, SP connections with their
//! provisioning channels and target settings), the store that holds them and what a
//! write needs.
//!
//! Owns every Admin API rule, each in the file of the resource it is about; the rules
//! that span objects are in `store`. Must not know the PingOne side beyond what its
//! PingOne connections point at (`pingone_connections::PingOneTarget`, given at start).

pub mod api_result;
pub mod cluster;
pub mod datastores;
pub mod descriptors;
pub mod outbound_provisioning;
pub mod pingone_connections;
pub mod plugin_configuration;
pub mod provisioning_channels;
pub mod resource_link;
pub mod routes;
pub mod sp_connections;
pub mod store;
pub mod target_settings;
pub mod write_context;
