//! What pingform knows about the PingFederate it talks to: the version it reports
//! (`GET /version`), whether it runs in a cluster and whether the cluster has
//! configuration not yet replicated (`GET /cluster/status`), and the versions pingform
//! supports.

use std::cmp::Ordering;
use std::fmt;

use super::ServerIdentity;

/// A PingFederate release, compared by major and minor (patch and build never change
/// the Admin API's shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Release {
    pub major: u32,
    pub minor: u32,
}

impl Release {
    pub const fn new(major: u32, minor: u32) -> Release {
        Release { major, minor }
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The oldest release pingform supports: the release of the real exports and the
/// unedited spec in `reference/` (12.0.0.9).
pub const OLDEST_SUPPORTED: Release = Release::new(12, 0);
/// The newest release pingform supports: the newest the Ping Terraform provider runs
/// its acceptance tests against (13.1, `docs/guides/server-support.md`), whose spec
/// changes to these objects are in the descriptors (`Field::since`).
pub const NEWEST_SUPPORTED: Release = Release::new(13, 1);

/// The version text `GET /version` returned (`12.1.0.4`) and the release in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub text: String,
    pub release: Release,
}

impl Version {
    /// Reads `MAJOR.MINOR[.PATCH[.BUILD]][-suffix]`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.trim().split(['.', '-']);
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        Some(Version {
            text: text.trim().to_string(),
            release: Release::new(major, minor),
        })
    }

    pub fn is_supported(&self) -> bool {
        (OLDEST_SUPPORTED..=NEWEST_SUPPORTED).contains(&self.release)
    }

    /// Whether this server has what arrived in `release`.
    pub fn has(&self, release: Release) -> bool {
        self.release.cmp(&release) != Ordering::Less
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Whether the server is one node of a cluster, read from `GET /cluster/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cluster {
    /// The server answered 403 "not deployed in clustered mode".
    Standalone,
    /// The administrative node of a cluster.
    Clustered {
        /// Configuration changed on the admin node has not reached the engines yet.
        replication_required: bool,
        nodes: usize,
    },
}

/// The PingFederate a plan was made against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    pub url: String,
    pub version: Version,
    /// What `GET /serverSettings` says the server is; `None` when it did not say.
    pub identity: Option<ServerIdentity>,
    pub cluster: Cluster,
    /// `replicate = true` in the `pingfederate` block.
    pub replicate: bool,
}

impl ServerInfo {
    pub fn replication_required(&self) -> bool {
        matches!(
            self.cluster,
            Cluster::Clustered {
                replication_required: true,
                ..
            }
        )
    }

    /// Whether an apply replicates once every change succeeded: asked for, on a
    /// cluster, and there is something to replicate (changes, or a replication
    /// already pending).
    pub fn replicates_after(&self, changes: usize) -> bool {
        self.replicate
            && matches!(self.cluster, Cluster::Clustered { .. })
            && (changes > 0 || self.replication_required())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_compare_by_release() {
        let version = Version::parse("12.1.0.4").unwrap();
        assert_eq!(version.release, Release::new(12, 1));
        assert!(version.is_supported());
        assert!(version.has(Release::new(12, 1)));
        assert!(!version.has(Release::new(13, 1)));
        assert!(Version::parse("13.1.1-SNAPSHOT").unwrap().is_supported());
        assert!(!Version::parse("11.3.5").unwrap().is_supported());
        assert!(!Version::parse("13.2.0").unwrap().is_supported());
        assert_eq!(Version::parse("twelve"), None);
        assert_eq!(Version::parse("12"), None);
    }

    #[test]
    fn replication_runs_only_on_a_cluster_when_asked_and_needed() {
        let server = |replicate, cluster| ServerInfo {
            url: "u".into(),
            version: Version::parse("12.1").unwrap(),
            identity: None,
            cluster,
            replicate,
        };
        let clean = Cluster::Clustered {
            replication_required: false,
            nodes: 2,
        };
        let pending = Cluster::Clustered {
            replication_required: true,
            nodes: 2,
        };
        assert!(server(true, clean).replicates_after(1));
        assert!(!server(true, clean).replicates_after(0));
        assert!(server(true, pending).replicates_after(0));
        assert!(!server(false, pending).replicates_after(3));
        assert!(!server(true, Cluster::Standalone).replicates_after(3));
    }
}
