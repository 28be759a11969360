//! pingform's own HTTP clients, without the binary: the request bodies the
//! PingFederate client builds, held to the OpenAPI spec, and the PingOne client
//! against a scripted PingOne.

mod pingone;
mod requests_spec;
