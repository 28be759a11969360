//! Where a state lives: a redb file, or a PostgreSQL database named by a URL
//! (`postgres://USER@HOST:PORT/DB?sslmode=...`), parsed once into checked values.
//!
//! Owns parsing and showing the location. A password is never shown: the URL prints
//! without it, and a URL that cannot be parsed is not echoed at all (it may hold one).
//! No I/O: connecting is the state module's business.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Secret;

/// Where a state lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateLocation {
    File(PathBuf),
    Postgres(Box<PostgresUrl>),
}

impl StateLocation {
    /// A `postgres://` or `postgresql://` URL, or else a file path.
    pub fn parse(text: &str) -> Result<StateLocation, StateUrlError> {
        if is_postgres_url(text) {
            PostgresUrl::parse(text).map(|url| StateLocation::Postgres(Box::new(url)))
        } else {
            Ok(StateLocation::File(PathBuf::from(text)))
        }
    }

    /// From a command-line path argument, which may be a URL.
    pub fn from_path(path: &Path) -> Result<StateLocation, StateUrlError> {
        match path.to_str() {
            Some(text) if is_postgres_url(text) => StateLocation::parse(text),
            _ => Ok(StateLocation::File(path.to_path_buf())),
        }
    }

    pub fn file(&self) -> Option<&Path> {
        match self {
            StateLocation::File(path) => Some(path),
            StateLocation::Postgres(_) => None,
        }
    }
}

impl fmt::Display for StateLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateLocation::File(path) => write!(f, "{}", path.display()),
            StateLocation::Postgres(url) => write!(f, "{url}"),
        }
    }
}

pub fn is_postgres_url(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// libpq's `sslmode` values: how a connection uses TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Plain TCP.
    Disable,
    /// TLS when the server offers it, without checking its certificate (libpq's default).
    Prefer,
    /// TLS or no connection, without checking the certificate.
    Require,
    /// TLS, the certificate signed by a trusted CA (`sslrootcert`, or the system's).
    VerifyCa,
    /// As `VerifyCa`, and the certificate names the host.
    VerifyFull,
}

impl SslMode {
    pub const NAMES: [&'static str; 5] =
        ["disable", "prefer", "require", "verify-ca", "verify-full"];

    fn parse(text: &str) -> Option<SslMode> {
        Some(match text {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// A PostgreSQL database holding a pingform state.
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresUrl {
    pub user: String,
    /// From the URL; `PGPASSWORD` is read by whoever connects.
    pub password: Option<Secret>,
    /// A host name or address, or a folder holding the server's Unix socket.
    pub host: String,
    pub port: u16,
    pub database: String,
    pub ssl_mode: SslMode,
    /// The CA certificates (PEM) to trust with `verify-ca` and `verify-full`.
    pub ssl_root_cert: Option<PathBuf>,
    /// Server options, as libpq's `options` (`-c search_path=prod`).
    pub options: Option<String>,
    pub connect_timeout: Duration,
}

impl fmt::Debug for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PostgresUrl({self})")
    }
}

/// Shown without the password: `postgres://USER@HOST:PORT/DB`, plus the TLS mode when
/// it is not the default.
impl fmt::Display for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = if self.host.starts_with('/') {
            url::form_urlencoded::byte_serialize(self.host.as_bytes()).collect::<String>()
        } else if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(
            f,
            "postgres://{}@{host}:{}/{}",
            self.user, self.port, self.database
        )?;
        if self.ssl_mode != SslMode::Prefer {
            write!(f, "?sslmode={}", self.ssl_mode.as_str())?;
        }
        Ok(())
    }
}

/// A state URL that cannot be used. Never holds the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StateUrlError {
    pub message: String,
}

fn url_error(message: impl Into<String>) -> StateUrlError {
    StateUrlError {
        message: message.into(),
    }
}

impl PostgresUrl {
    pub const DEFAULT_PORT: u16 = 5432;
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    pub fn parse(text: &str) -> Result<PostgresUrl, StateUrlError> {
        // The text is never repeated: it may hold a password.
        let parsed = url::Url::parse(text.trim()).map_err(|error| {
            url_error(format!(
                "the PostgreSQL state URL is not a valid URL ({error}); write it as postgres://USER@HOST:PORT/DB"
            ))
        })?;
        let decode = |part: &str| {
            percent_decode(part).ok_or_else(|| {
                url_error("the PostgreSQL state URL has a part that is not UTF-8 once decoded")
            })
        };
        let user = decode(parsed.username())?;
        if user.is_empty() {
            return Err(url_error(
                "the PostgreSQL state URL names no user; write it as postgres://USER@HOST:PORT/DB",
            ));
        }
        let password = match parsed.password() {
            Some(password) => Some(Secret::new(decode(password)?)),
            None => None,
        };
        let mut host = match parsed.host() {
            Some(url::Host::Domain(domain)) => decode(domain)?,
            Some(url::Host::Ipv4(address)) => address.to_string(),
            Some(url::Host::Ipv6(address)) => address.to_string(),
            None => String::new(),
        };
        let database = decode(parsed.path().trim_start_matches('/'))?;
        if database.is_empty() || database.contains('/') {
            return Err(url_error(format!(
                "the PostgreSQL state URL postgres://{user}@{host}/... names no database; write it as postgres://USER@HOST:PORT/DB"
            )));
        }
        let mut location = PostgresUrl {
            user,
            password,
            host: String::new(),
            port: parsed.port().unwrap_or(Self::DEFAULT_PORT),
            database,
            ssl_mode: SslMode::Prefer,
            ssl_root_cert: None,
            options: None,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
        };
        for (key, value) in parsed.query_pairs() {
            match key.as_ref() {
                "sslmode" => {
                    location.ssl_mode = SslMode::parse(&value).ok_or_else(|| {
                        url_error(format!(
                            "sslmode `{value}` in the PostgreSQL state URL is not one of {}",
                            SslMode::NAMES.join(", ")
                        ))
                    })?
                }
                "sslrootcert" => location.ssl_root_cert = Some(PathBuf::from(value.as_ref())),
                "host" => host = value.into_owned(),
                "options" => location.options = Some(value.into_owned()),
                "connect_timeout" => {
                    let seconds: u64 = value.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                        url_error(format!(
                            "connect_timeout `{value}` in the PostgreSQL state URL is not a whole number of seconds"
                        ))
                    })?;
                    location.connect_timeout = Duration::from_secs(seconds);
                }
                "application_name" => {}
                other => {
                    return Err(url_error(format!(
                        "the PostgreSQL state URL has an unknown parameter `{other}`; pingform reads sslmode, sslrootcert, host, options and connect_timeout"
                    )));
                }
            }
        }
        if host.is_empty() {
            return Err(url_error(
                "the PostgreSQL state URL names no host; write it as postgres://USER@HOST:PORT/DB (or ?host=/socket/folder)",
            ));
        }
        location.host = host;
        if location.ssl_root_cert.is_some()
            && !matches!(location.ssl_mode, SslMode::VerifyCa | SslMode::VerifyFull)
        {
            return Err(url_error(
                "sslrootcert in the PostgreSQL state URL needs sslmode=verify-ca or sslmode=verify-full",
            ));
        }
        Ok(location)
    }

    /// Whether `host` is the folder of a Unix socket rather than a host name.
    pub fn is_unix_socket(&self) -> bool {
        self.host.starts_with('/')
    }
}

fn percent_decode(text: &str) -> Option<String> {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.contains('\u{FFFD}') || text.contains('\u{FFFD}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_parses_and_never_shows_its_password() {
        let location =
            StateLocation::parse("postgres://pingform:S3cret%2F@db.example.com:6432/state")
                .unwrap();
        let StateLocation::Postgres(url) = &location else {
            panic!("a file: {location}");
        };
        assert_eq!(url.user, "pingform");
        assert_eq!(url.password.as_ref().map(Secret::expose), Some("S3cret/"));
        assert_eq!(url.host, "db.example.com");
        assert_eq!(url.port, 6432);
        assert_eq!(url.database, "state");
        assert_eq!(url.ssl_mode, SslMode::Prefer);
        assert_eq!(
            location.to_string(),
            "postgres://pingform@db.example.com:6432/state"
        );
        assert!(!format!("{location:?}").contains("S3cret"));
    }

    #[test]
    fn defaults_options_and_sockets() {
        let url = PostgresUrl::parse(
            "postgresql://ci@%2Fvar%2Frun%2Fpostgresql/pf?sslmode=verify-full&sslrootcert=/etc/ca.pem&options=-c%20search_path%3Dprod&connect_timeout=3",
        )
        .unwrap();
        assert_eq!(url.host, "/var/run/postgresql");
        assert!(url.is_unix_socket());
        assert_eq!(url.port, 5432);
        assert_eq!(url.ssl_mode, SslMode::VerifyFull);
        assert_eq!(url.ssl_root_cert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(url.options.as_deref(), Some("-c search_path=prod"));
        assert_eq!(url.connect_timeout, Duration::from_secs(3));
        assert_eq!(
            url.to_string(),
            "postgres://ci@%2Fvar%2Frun%2Fpostgresql:5432/pf?sslmode=verify-full"
        );
        let by_parameter = PostgresUrl::parse("postgres://ci@localhost/pf?host=/tmp/pg").unwrap();
        assert_eq!(by_parameter.host, "/tmp/pg");
    }

    #[test]
    fn bad_urls_are_refused_without_echoing_a_password() {
        for (text, expected) in [
            ("postgres://db.example.com/state", "names no user"),
            ("postgres://u:hunter2@db.example.com/", "names no database"),
            (
                "postgres://u:hunter2@db.example.com/s?sslmode=always",
                "sslmode `always`",
            ),
            (
                "postgres://u:hunter2@db.example.com/s?pool=3",
                "unknown parameter `pool`",
            ),
            (
                "postgres://u:hunter2@db.example.com:99999/s",
                "not a valid URL",
            ),
            (
                "postgres://u:hunter2@db/s?sslrootcert=/ca.pem",
                "needs sslmode=verify-ca",
            ),
        ] {
            let error = PostgresUrl::parse(text).unwrap_err().to_string();
            assert!(error.contains(expected), "{text}: {error}");
            assert!(!error.contains("hunter2"), "{error}");
        }
    }

    #[test]
    fn anything_else_is_a_file() {
        assert_eq!(
            StateLocation::parse("state/prod.redb").unwrap(),
            StateLocation::File(PathBuf::from("state/prod.redb"))
        );
        assert_eq!(
            StateLocation::from_path(Path::new("postgres://u@h/d"))
                .unwrap()
                .file(),
            None
        );
    }
}
