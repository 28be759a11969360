//! The team backend: the state in PostgreSQL, for jobs and people on any machine that
//! reaches the database.
//!
//! Owns the tables (the redb file's, one each: `pingform_meta`, `pingform_objects`,
//! `pingform_history`, plus `pingform_lock` naming the lock holder), created in the
//! connection's current schema when a writer first opens the database (never the
//! database itself: no superuser rights needed), and the write lock: a session-level
//! advisory lock (`pg_try_advisory_lock`) held by the writer's connection for the whole
//! apply, which PostgreSQL releases when that connection ends, however the process
//! ends. Every finished change is one transaction. Read-only commands read in one
//! `REPEATABLE READ` transaction without the lock. A password (from the URL or
//! `PGPASSWORD`) never appears in an error.
//!
//! The schema version lives in `pingform_meta` as in the file; version 1 is the only
//! one so far, and a newer one is refused. A later version adds its upgrade step here
//! and in `redb_file::upgrade`.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres::Client;
use tokio_postgres::types::ToSql;

use super::stored::{SCHEMA_VERSION, Snapshot, new_identity};
use super::{HistoryEntry, LockHolder, StateError};
use crate::model::{
    Address, Binding, Fingerprinter, ManagedObject, PostgresUrl, PreviousRun, SslMode,
    StateLocation,
};

const CREATE_TABLES: &str = "
CREATE TABLE IF NOT EXISTS pingform_meta (key text PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE IF NOT EXISTS pingform_objects (address text PRIMARY KEY, object text NOT NULL);
CREATE TABLE IF NOT EXISTS pingform_history (id bigint PRIMARY KEY, entry text NOT NULL);
CREATE TABLE IF NOT EXISTS pingform_lock (
    id integer PRIMARY KEY CHECK (id = 1),
    holder text NOT NULL,
    backend_pid integer NOT NULL
);
";

const UPSERT_META: &str = "INSERT INTO pingform_meta (key, value) VALUES ($1, $2) \
     ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/// One change: the address it moved from (`$1`, or NULL) removed, the object (`$2`,
/// `$3`) written, the serial (`$4`) set, in one statement.
const WRITE_OBJECT: &str = "
WITH moved AS (DELETE FROM pingform_objects WHERE address = $1::text),
     written AS (
         INSERT INTO pingform_objects (address, object) VALUES ($2::text, $3::text)
         ON CONFLICT (address) DO UPDATE SET object = excluded.object
     )
INSERT INTO pingform_meta (key, value) VALUES ('serial', $4::bytea)
ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/// One change that removes the object (`$2`) and the address it moved from (`$1`).
const REMOVE_OBJECT: &str = "
WITH removed AS (
    DELETE FROM pingform_objects WHERE address = $2::text OR address = $1::text
)
INSERT INTO pingform_meta (key, value) VALUES ('serial', $3::bytea)
ON CONFLICT (key) DO UPDATE SET value = excluded.value";

const APPEND_HISTORY: &str = "INSERT INTO pingform_history (id, entry) \
     SELECT COALESCE(MAX(id), 0) + 1, $1::text FROM pingform_history";

#[derive(Clone)]
struct Statements {
    write_object: tokio_postgres::Statement,
    remove_object: tokio_postgres::Statement,
    append_history: tokio_postgres::Statement,
}

/// A writer's connection to the state database, holding the advisory lock.
pub(super) struct PostgresState {
    url: PostgresUrl,
    client: Client,
    /// No state is stored in the database yet.
    new: bool,
    statements: Option<Statements>,
}

impl PostgresState {
    pub(super) async fn open_for_write(
        url: &PostgresUrl,
        holder: &LockHolder,
        create: bool,
    ) -> Result<(PostgresState, PreviousRun), StateError> {
        let client = connect(url).await?;
        let fail = |error: tokio_postgres::Error| postgres_error(url, &error);
        if !create && !tables_exist(&client, url).await? {
            return Err(StateError::Missing {
                location: location(url),
            });
        }
        let key = lock_key(&client, url).await?;
        let locked: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
            .await
            .map_err(fail)?
            .get(0);
        if !locked {
            return Err(StateError::Locked {
                location: location(url),
                holder: lock_holder(&client, key).await.map(Box::new),
            });
        }
        client.batch_execute(CREATE_TABLES).await.map_err(fail)?;
        let holder_text = serde_json::to_string(holder).map_err(|e| detail_error(url, e))?;
        client
            .execute(
                "INSERT INTO pingform_lock (id, holder, backend_pid) VALUES (1, $1, pg_backend_pid()) \
                 ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, backend_pid = excluded.backend_pid",
                &[&holder_text],
            )
            .await
            .map_err(fail)?;
        let (previous, new) = match read_previous(&client, url).await {
            Ok(previous) => (previous, false),
            Err(StateError::Missing { .. }) if create => {
                let (lineage, key) = new_identity().map_err(|detail| StateError::Postgres {
                    location: location(url),
                    detail,
                })?;
                let previous = PreviousRun {
                    lineage: Some(lineage),
                    serial: 0,
                    objects: Default::default(),
                    fingerprint_key: Some(key),
                    binding: None,
                };
                (previous, true)
            }
            Err(error) => return Err(error),
        };
        Ok((
            PostgresState {
                url: url.clone(),
                client,
                new,
                statements: None,
            },
            previous,
        ))
    }

    pub(super) fn is_new(&self) -> bool {
        self.new
    }

    /// Stores a new state's identity, and the binding, in one transaction.
    pub(super) async fn begin_apply(
        &mut self,
        binding: &Binding,
        previous: &PreviousRun,
    ) -> Result<(), StateError> {
        let url = self.url.clone();
        let binding = serde_json::to_vec(binding).map_err(|e| detail_error(&url, e))?;
        let new = self.new;
        let transaction = self
            .client
            .transaction()
            .await
            .map_err(|e| postgres_error(&url, &e))?;
        if new {
            insert_identity(&transaction, previous)
                .await
                .map_err(|e| postgres_error(&url, &e))?;
        }
        transaction
            .execute(UPSERT_META, &[&"binding", &binding])
            .await
            .map_err(|e| postgres_error(&url, &e))?;
        transaction
            .commit()
            .await
            .map_err(|e| postgres_error(&url, &e))?;
        self.new = false;
        Ok(())
    }

    /// One finished change as one statement (so one transaction and, prepared once,
    /// one round trip to the database): the address it moved from removed, the object
    /// written or removed, and the new serial.
    pub(super) async fn record(
        &mut self,
        address: &Address,
        object: Option<&ManagedObject>,
        previous_address: Option<&Address>,
        serial: u64,
    ) -> Result<(), StateError> {
        let text = match object {
            Some(object) => {
                Some(serde_json::to_string(object).map_err(|e| detail_error(&self.url, e))?)
            }
            None => None,
        };
        let address = address.to_string();
        let moved_from = previous_address.map(ToString::to_string);
        let serial = serial.to_be_bytes();
        let statements = self.statements().await?;
        let result = match &text {
            Some(text) => {
                self.client
                    .execute(
                        &statements.write_object,
                        &[&moved_from, &address, text, &serial.as_slice()],
                    )
                    .await
            }
            None => {
                self.client
                    .execute(
                        &statements.remove_object,
                        &[&moved_from, &address, &serial.as_slice()],
                    )
                    .await
            }
        };
        result.map_err(|e| postgres_error(&self.url, &e))?;
        Ok(())
    }

    /// The statements every change runs, prepared on first use.
    async fn statements(&mut self) -> Result<Statements, StateError> {
        if let Some(statements) = &self.statements {
            return Ok(statements.clone());
        }
        let prepare = |text: &'static str| self.client.prepare(text);
        let (write_object, remove_object, append_history) = tokio::join!(
            prepare(WRITE_OBJECT),
            prepare(REMOVE_OBJECT),
            prepare(APPEND_HISTORY)
        );
        let fail = |error: tokio_postgres::Error| postgres_error(&self.url, &error);
        let statements = Statements {
            write_object: write_object.map_err(fail)?,
            remove_object: remove_object.map_err(fail)?,
            append_history: append_history.map_err(fail)?,
        };
        self.statements = Some(statements.clone());
        Ok(statements)
    }

    pub(super) async fn append_history(&mut self, entry: &HistoryEntry) -> Result<(), StateError> {
        let text = serde_json::to_string(entry).map_err(|e| detail_error(&self.url, e))?;
        let statements = self.statements().await?;
        self.client
            .execute(&statements.append_history, &[&text])
            .await
            .map_err(|e| postgres_error(&self.url, &e))?;
        Ok(())
    }

    pub(super) async fn history(&self) -> Result<Vec<HistoryEntry>, StateError> {
        read_history(&self.client, &self.url).await
    }
}

/// Reads the state without the lock, in one consistent snapshot of the database.
pub(super) async fn read(url: &PostgresUrl) -> Result<Snapshot, StateError> {
    let mut client = connect(url).await?;
    if !tables_exist(&client, url).await? {
        return Err(StateError::Missing {
            location: location(url),
        });
    }
    let transaction = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(|e| postgres_error(url, &e))?;
    let previous = read_previous(&transaction, url).await?;
    let history = read_history(&transaction, url).await?;
    transaction
        .commit()
        .await
        .map_err(|e| postgres_error(url, &e))?;
    Ok(Snapshot { previous, history })
}

/// Writes `snapshot` into a database that holds no state yet, in one transaction,
/// under the lock.
pub(super) async fn write_new(
    url: &PostgresUrl,
    snapshot: &Snapshot,
    holder: &LockHolder,
) -> Result<(), StateError> {
    let (mut target, existing) = PostgresState::open_for_write(url, holder, true).await?;
    if !target.new {
        return Err(StateError::HoldsAState {
            location: location(url),
            lineage: existing.lineage.unwrap_or_default(),
            serial: existing.serial,
        });
    }
    let fail = |error: tokio_postgres::Error| postgres_error(url, &error);
    let transaction = target.client.transaction().await.map_err(fail)?;
    insert_identity(&transaction, &snapshot.previous)
        .await
        .map_err(fail)?;
    if let Some(binding) = &snapshot.previous.binding {
        let bytes = serde_json::to_vec(binding).map_err(|e| detail_error(url, e))?;
        transaction
            .execute(UPSERT_META, &[&"binding", &bytes])
            .await
            .map_err(fail)?;
    }
    for (address, object) in &snapshot.previous.objects {
        let text = serde_json::to_string(object).map_err(|e| detail_error(url, e))?;
        transaction
            .execute(
                "INSERT INTO pingform_objects (address, object) VALUES ($1, $2)",
                &[&address.to_string(), &text],
            )
            .await
            .map_err(fail)?;
    }
    for (index, entry) in snapshot.history.iter().enumerate() {
        let text = serde_json::to_string(entry).map_err(|e| detail_error(url, e))?;
        let id = index as i64 + 1;
        transaction
            .execute(
                "INSERT INTO pingform_history (id, entry) VALUES ($1, $2)",
                &[&id, &text],
            )
            .await
            .map_err(fail)?;
    }
    transaction.commit().await.map_err(fail)?;
    target.new = false;
    Ok(())
}

async fn insert_identity(
    transaction: &tokio_postgres::Transaction<'_>,
    previous: &PreviousRun,
) -> Result<(), tokio_postgres::Error> {
    let version = SCHEMA_VERSION.to_be_bytes();
    let serial = previous.serial.to_be_bytes();
    let lineage = previous.lineage.clone().unwrap_or_default();
    let key = previous.fingerprint_key.clone().unwrap_or_default();
    let rows: [(&str, &[u8]); 4] = [
        ("schema_version", version.as_slice()),
        ("lineage", lineage.as_bytes()),
        ("serial", serial.as_slice()),
        ("fingerprint_key", key.as_slice()),
    ];
    for (name, value) in rows {
        transaction.execute(UPSERT_META, &[&name, &value]).await?;
    }
    Ok(())
}

/// Something that runs queries: a client or a transaction.
trait Queries {
    async fn rows(
        &self,
        statement: &str,
        parameters: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, tokio_postgres::Error>;
}

impl Queries for Client {
    async fn rows(
        &self,
        statement: &str,
        parameters: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, tokio_postgres::Error> {
        self.query(statement, parameters).await
    }
}

impl Queries for tokio_postgres::Transaction<'_> {
    async fn rows(
        &self,
        statement: &str,
        parameters: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, tokio_postgres::Error> {
        self.query(statement, parameters).await
    }
}

async fn read_previous(
    client: &impl Queries,
    url: &PostgresUrl,
) -> Result<PreviousRun, StateError> {
    let fail = |error: tokio_postgres::Error| postgres_error(url, &error);
    let mut meta = std::collections::BTreeMap::new();
    for row in client
        .rows("SELECT key, value FROM pingform_meta", &[])
        .await
        .map_err(fail)?
    {
        let key: String = row.get(0);
        let value: Vec<u8> = row.get(1);
        meta.insert(key, value);
    }
    let Some(lineage) = meta.get("lineage") else {
        return Err(StateError::Missing {
            location: location(url),
        });
    };
    let number = |name: &str| -> Result<u64, StateError> {
        let bytes = meta
            .get(name)
            .ok_or_else(|| damaged(url, format!("pingform_meta has no {name}")))?;
        let array: [u8; 8] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| damaged(url, format!("pingform_meta's {name} has the wrong length")))?;
        Ok(u64::from_be_bytes(array))
    };
    let found = number("schema_version")?;
    if found > SCHEMA_VERSION {
        return Err(StateError::TooNew {
            location: location(url),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let mut previous = PreviousRun {
        lineage: Some(
            String::from_utf8(lineage.clone())
                .map_err(|_| damaged(url, "pingform_meta's lineage is not text".into()))?,
        ),
        serial: number("serial")?,
        objects: Default::default(),
        fingerprint_key: meta.get("fingerprint_key").cloned(),
        binding: None,
    };
    if previous.fingerprint_key.as_ref().map(Vec::len) != Some(Fingerprinter::KEY_LENGTH) {
        return Err(damaged(
            url,
            "pingform_meta's fingerprint key is missing or has the wrong length".into(),
        ));
    }
    if let Some(binding) = meta.get("binding") {
        previous.binding =
            Some(serde_json::from_slice(binding).map_err(|e| {
                damaged(url, format!("pingform_meta's binding cannot be read ({e})"))
            })?);
    }
    for row in client
        .rows(
            "SELECT address, object FROM pingform_objects ORDER BY address",
            &[],
        )
        .await
        .map_err(fail)?
    {
        let address: String = row.get(0);
        let text: String = row.get(1);
        let object: ManagedObject = serde_json::from_str(&text).map_err(|e| {
            damaged(
                url,
                format!("pingform_objects row {address} cannot be read ({e})"),
            )
        })?;
        previous.objects.insert(object.address.clone(), object);
    }
    Ok(previous)
}

async fn read_history(
    client: &impl Queries,
    url: &PostgresUrl,
) -> Result<Vec<HistoryEntry>, StateError> {
    let rows = client
        .rows("SELECT id, entry FROM pingform_history ORDER BY id", &[])
        .await
        .map_err(|e| postgres_error(url, &e))?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.get(0);
        let text: String = row.get(1);
        entries.push(serde_json::from_str(&text).map_err(|e| {
            damaged(
                url,
                format!("pingform_history row {id} cannot be read ({e})"),
            )
        })?);
    }
    Ok(entries)
}

async fn tables_exist(client: &Client, url: &PostgresUrl) -> Result<bool, StateError> {
    let row = client
        .query_one(
            "SELECT to_regclass('pingform_meta') IS NOT NULL \
                AND to_regclass('pingform_objects') IS NOT NULL \
                AND to_regclass('pingform_history') IS NOT NULL",
            &[],
        )
        .await
        .map_err(|e| postgres_error(url, &e))?;
    Ok(row.get(0))
}

/// The advisory lock's key: one per schema, so states kept in separate schemas of one
/// database (`options=-c search_path=...`) lock separately.
async fn lock_key(client: &Client, url: &PostgresUrl) -> Result<i64, StateError> {
    let schema: Option<String> = client
        .query_one("SELECT current_schema()", &[])
        .await
        .map_err(|e| postgres_error(url, &e))?
        .get(0);
    let Some(schema) = schema else {
        return Err(StateError::Postgres {
            location: location(url),
            detail: "the connection's search_path names no schema that exists, so there is nowhere to keep the tables".into(),
        });
    };
    // FNV-1a: stable across builds and platforms, unlike the standard hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in format!("pingform-state:{schema}").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    Ok(i64::from_be_bytes(hash.to_be_bytes()))
}

/// Who holds the lock: the row its holder wrote, when the session holding the lock is
/// the one that wrote it (a row left by a process that died names nobody).
async fn lock_holder(client: &Client, key: i64) -> Option<LockHolder> {
    let bits = u64::from_be_bytes(key.to_be_bytes());
    let class_id = (bits >> 32) as u32;
    let object_id = (bits & 0xffff_ffff) as u32;
    let rows = client
        .query(
            "SELECT l.pid, h.holder, h.backend_pid FROM pg_locks l \
             LEFT JOIN pingform_lock h ON h.id = 1 \
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
               AND l.classid = $1 AND l.objid = $2",
            &[&class_id, &object_id],
        )
        .await
        .ok()?;
    let row = rows.first()?;
    let pid: i32 = row.get(0);
    let holder: Option<String> = row.get(1);
    let backend: Option<i32> = row.get(2);
    if backend != Some(pid) {
        return None;
    }
    serde_json::from_str(&holder?).ok()
}

/// Connects as the URL says, with TLS per `sslmode`; the password comes from the URL
/// or `PGPASSWORD`.
async fn connect(url: &PostgresUrl) -> Result<Client, StateError> {
    let mut config = tokio_postgres::Config::new();
    config
        .user(&url.user)
        .dbname(&url.database)
        .port(url.port)
        .connect_timeout(url.connect_timeout)
        .application_name(concat!("pingform ", env!("CARGO_PKG_VERSION")));
    if url.is_unix_socket() {
        config.host_path(&url.host);
    } else {
        config.host(&url.host);
    }
    let password = match &url.password {
        Some(password) => Some(password.expose().to_string()),
        None => std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()),
    };
    if let Some(password) = &password {
        config.password(password);
    }
    if let Some(options) = &url.options {
        config.options(options);
    }
    let scrub = |text: String| match &password {
        Some(password) if !password.is_empty() => text.replace(password.as_str(), "***"),
        _ => text,
    };
    let connected = if url.ssl_mode == SslMode::Disable {
        config.ssl_mode(tokio_postgres::config::SslMode::Disable);
        config
            .connect(tokio_postgres::NoTls)
            .await
            .map(|(client, connection)| {
                tokio::spawn(connection);
                client
            })
    } else {
        config.ssl_mode(match url.ssl_mode {
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            _ => tokio_postgres::config::SslMode::Require,
        });
        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls_config(url)?);
        config.connect(tls).await.map(|(client, connection)| {
            tokio::spawn(connection);
            client
        })
    };
    connected.map_err(|error| StateError::Postgres {
        location: location(url),
        detail: scrub(error_text(&error)),
    })
}

/// The TLS settings `sslmode` asks for, as libpq reads it: `prefer` and `require`
/// encrypt without checking the certificate, `verify-ca` checks it against
/// `sslrootcert` (or the system's CAs), `verify-full` also checks the host name.
fn tls_config(url: &PostgresUrl) -> Result<ClientConfig, StateError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| detail_error(url, e))?;
    let config = match url.ssl_mode {
        SslMode::VerifyFull => builder
            .with_root_certificates(roots(url)?)
            .with_no_client_auth(),
        SslMode::VerifyCa => {
            let inner = rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(roots(url)?),
                provider,
            )
            .build()
            .map_err(|e| detail_error(url, e))?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyHostName(inner)))
                .with_no_client_auth()
        }
        _ => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unverified(provider)))
            .with_no_client_auth(),
    };
    Ok(config)
}

fn roots(url: &PostgresUrl) -> Result<RootCertStore, StateError> {
    let mut roots = RootCertStore::empty();
    match &url.ssl_root_cert {
        Some(path) => {
            use rustls::pki_types::pem::PemObject;
            let certificates = CertificateDer::pem_file_iter(path)
                .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
                .map_err(|e| {
                    detail_error(
                        url,
                        format!("cannot read sslrootcert {}: {e}", path.display()),
                    )
                })?;
            let (added, _) = roots.add_parsable_certificates(certificates);
            if added == 0 {
                return Err(detail_error(
                    url,
                    format!("sslrootcert {} holds no usable certificate", path.display()),
                ));
            }
        }
        None => {
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        }
    }
    Ok(roots)
}

/// `verify-ca`: the chain must lead to a trusted CA; the name is not checked.
#[derive(Debug)]
struct AnyHostName(Arc<rustls::client::WebPkiServerVerifier>);

impl ServerCertVerifier for AnyHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0
            .verify_tls12_signature(message, certificate, signature)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0
            .verify_tls13_signature(message, certificate, signature)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `prefer` and `require`: encrypted, the certificate not checked (libpq's meaning).
#[derive(Debug)]
struct Unverified(Arc<CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            certificate,
            signature,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            certificate,
            signature,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn location(url: &PostgresUrl) -> StateLocation {
    StateLocation::Postgres(Box::new(url.clone()))
}

/// The error and its causes, one line; the server's own message when it sent one.
fn error_text(error: &tokio_postgres::Error) -> String {
    if let Some(database) = error.as_db_error() {
        let mut text = database.message().to_string();
        if let Some(hint) = database.hint() {
            text.push_str(&format!(" ({hint})"));
        }
        return text;
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn postgres_error(url: &PostgresUrl, error: &tokio_postgres::Error) -> StateError {
    let mut detail = error_text(error);
    if let Some(password) = &url.password {
        detail = detail.replace(password.expose(), "***");
    }
    StateError::Postgres {
        location: location(url),
        detail,
    }
}

fn detail_error(url: &PostgresUrl, error: impl std::fmt::Display) -> StateError {
    StateError::Postgres {
        location: location(url),
        detail: error.to_string(),
    }
}

fn damaged(url: &PostgresUrl, detail: String) -> StateError {
    StateError::Damaged {
        location: location(url),
        detail,
        backup: None,
    }
}
