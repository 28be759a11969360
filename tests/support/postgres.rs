//! A throwaway PostgreSQL cluster for the tests that keep state in PostgreSQL: a real
//! server (no mock), started once per test run from the distribution's binaries
//! (`initdb` into a temporary folder, listening on 127.0.0.1 on a free port), and
//! stopped and removed when the test process exits. PostgreSQL refuses to run as root,
//! so as root the server runs as the `postgres` user (or `nobody`).
//!
//! Each test gets a database of its own, owned by a role of its own that is not a
//! superuser (pingform must need no more than that).

use std::ffi::CString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

const SUPERUSER: &str = "postgres";
const SUPERUSER_PASSWORD: &str = "test-superuser-password";
/// The one name in the server's certificate.
pub const SERVER_NAME: &str = "pingform-test-db.invalid";
/// Members of this role may connect over TCP with TLS only (pg_hba.conf), so a
/// connection that succeeds as one of them used TLS.
const TLS_ONLY: &str = "tls_only";

/// The running cluster.
pub struct Cluster {
    pub port: u16,
    /// The CA that signed the server's certificate (PEM). The certificate names only
    /// [`SERVER_NAME`], not 127.0.0.1, so `verify-full` to 127.0.0.1 must fail while
    /// `verify-ca` succeeds.
    pub ca_file: PathBuf,
    bin: PathBuf,
    folder: PathBuf,
    /// The user the server runs as (None: this process's own).
    run_as: Option<(u32, u32)>,
}

/// A database and its owner, for one test.
pub struct Database {
    pub name: String,
    pub user: String,
    pub password: String,
    pub port: u16,
}

impl Database {
    /// `postgres://USER@127.0.0.1:PORT/DB`, the password left to `PGPASSWORD`.
    pub fn url(&self) -> String {
        format!(
            "postgres://{}@127.0.0.1:{}/{}",
            self.user, self.port, self.name
        )
    }

    /// The URL with the password in it.
    pub fn url_with_password(&self) -> String {
        format!(
            "postgres://{}:{}@127.0.0.1:{}/{}",
            self.user, self.password, self.port, self.name
        )
    }

    /// A plain-text dump of the database (`pg_dump`), schema and data.
    pub fn dump(&self) -> String {
        let cluster = cluster();
        let output = Command::new(cluster.bin.join("pg_dump"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U"])
            .arg(&self.user)
            .arg(&self.name)
            .env("PGPASSWORD", &self.password)
            .output()
            .expect("run pg_dump");
        assert!(
            output.status.success(),
            "pg_dump failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Runs SQL in this database as its owner and returns the rows as text.
    pub fn query(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        run_sql(self.port, &self.user, &self.password, &self.name, sql)
    }
}

/// The cluster, started on first use.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(Cluster::start)
}

/// A new database owned by a new non-superuser role.
pub fn database() -> Database {
    new_database(false)
}

/// [`database`], whose role the server accepts over TLS only.
pub fn tls_only_database() -> Database {
    new_database(true)
}

fn new_database(tls_only: bool) -> Database {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let cluster = cluster();
    let number = NEXT.fetch_add(1, Ordering::SeqCst);
    let name = format!("pingform_test_{number}");
    let password = format!("role-password-{number}-{}", std::process::id());
    let admin = |sql: &str| run_sql(cluster.port, SUPERUSER, SUPERUSER_PASSWORD, "postgres", sql);
    admin(&format!(
        "CREATE ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password}'"
    ));
    admin(&format!("CREATE DATABASE {name} OWNER {name}"));
    if tls_only {
        admin(&format!("GRANT {TLS_ONLY} TO {name}"));
    }
    Database {
        name: name.clone(),
        user: name,
        password,
        port: cluster.port,
    }
}

/// The folder holding the server binaries: `PINGFORM_PG_BIN`, the newest
/// `/usr/lib/postgresql/*/bin`, or the folder of `initdb` on the PATH.
fn binaries() -> PathBuf {
    if let Some(folder) = std::env::var_os("PINGFORM_PG_BIN") {
        return PathBuf::from(folder);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for folder in std::env::split_paths(&path) {
        if folder.join("initdb").exists() && folder.join("postgres").exists() {
            return folder;
        }
    }
    panic!(
        "the PostgreSQL server binaries (initdb, postgres) were not found: run .ci/run, which installs them (apt-get install postgresql-15), or set PINGFORM_PG_BIN"
    );
}

/// The uid and gid to run the server as when this process is root.
fn unprivileged_user() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    for name in ["postgres", "nobody"] {
        let name = CString::new(name).unwrap();
        // SAFETY: getpwnam takes a NUL-terminated name; the entry is read at once.
        let entry = unsafe { libc::getpwnam(name.as_ptr()) };
        if !entry.is_null() {
            // SAFETY: not null, so it points at a valid passwd entry.
            let (uid, gid) = unsafe { ((*entry).pw_uid, (*entry).pw_gid) };
            return Some((uid, gid));
        }
    }
    panic!(
        "running as root, but there is neither a `postgres` nor a `nobody` user to run PostgreSQL as"
    );
}

fn command_as(program: &Path, run_as: Option<(u32, u32)>) -> Command {
    let mut command = Command::new(program);
    if let Some((uid, gid)) = run_as {
        command.uid(uid).gid(gid);
    }
    command
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

impl Cluster {
    fn start() -> Cluster {
        let bin = binaries();
        let run_as = unprivileged_user();
        let folder = tempfile::Builder::new()
            .prefix("pingform-postgres-")
            .tempdir()
            .unwrap()
            .keep();
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(&folder, Some(uid), Some(gid)).unwrap();
        }
        let password_file = folder.join("superuser-password");
        std::fs::write(&password_file, SUPERUSER_PASSWORD).unwrap();
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(&password_file, Some(uid), Some(gid)).unwrap();
        }
        let data = folder.join("data");
        let initdb = command_as(&bin.join("initdb"), run_as)
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                SUPERUSER,
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
            ])
            .arg(format!("--pwfile={}", password_file.display()))
            .current_dir(&folder)
            .output()
            .expect("run initdb");
        assert!(
            initdb.status.success(),
            "initdb failed: {}{}",
            String::from_utf8_lossy(&initdb.stdout),
            String::from_utf8_lossy(&initdb.stderr)
        );
        let ca_file = write_certificates(&folder, &data, run_as);
        let port = free_port();
        let pid = spawn_server(&bin, run_as, &folder, &data, port);
        register_cleanup(pid, folder.clone());
        let cluster = Cluster {
            port,
            ca_file,
            bin,
            folder,
            run_as,
        };
        cluster.wait_until_ready();
        run_sql(
            cluster.port,
            SUPERUSER,
            SUPERUSER_PASSWORD,
            "postgres",
            &format!("CREATE ROLE {TLS_ONLY} NOLOGIN"),
        );
        cluster
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-q"])
                .status()
                .is_ok_and(|status| status.success());
            if ready {
                return;
            }
            if Instant::now() > deadline {
                let log =
                    std::fs::read_to_string(self.folder.join("server.log")).unwrap_or_default();
                panic!(
                    "PostgreSQL did not start within 60 s (run as {:?}):\n{log}",
                    self.run_as
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A CA and a server certificate it signed (naming only [`SERVER_NAME`]) for the
/// server, and a pg_hba.conf that accepts members of [`TLS_ONLY`] over TLS only.
/// Returns the CA file.
fn write_certificates(folder: &Path, data: &Path, run_as: Option<(u32, u32)>) -> PathBuf {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "pingform test CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let server_key = rcgen::KeyPair::generate().unwrap();
    let server = rcgen::CertificateParams::new(vec![SERVER_NAME.to_string()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    let ca_file = folder.join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let owned = |path: PathBuf, text: String, mode: u32| {
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(mode))
            .unwrap();
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(&path, Some(uid), Some(gid)).unwrap();
        }
    };
    owned(data.join("server.crt"), server.pem(), 0o644);
    owned(data.join("server.key"), server_key.serialize_pem(), 0o600);
    owned(
        data.join("pg_hba.conf"),
        format!(
            "local all all trust\n\
             hostssl all +{TLS_ONLY} 127.0.0.1/32 scram-sha-256\n\
             hostnossl all +{TLS_ONLY} 127.0.0.1/32 reject\n\
             host all all 127.0.0.1/32 scram-sha-256\n"
        ),
        0o600,
    );
    ca_file
}

/// Starts `postgres` from a thread that lives as long as the process, with the
/// parent-death signal set: if the test process dies without running its exit
/// handlers, the kernel stops the server (SIGQUIT: immediate shutdown).
fn spawn_server(
    bin: &Path,
    run_as: Option<(u32, u32)>,
    folder: &Path,
    data: &Path,
    port: u16,
) -> u32 {
    let (sender, receiver) = std::sync::mpsc::channel();
    let bin = bin.to_path_buf();
    let folder = folder.to_path_buf();
    let data = data.to_path_buf();
    std::thread::spawn(move || {
        let log = std::fs::File::create(folder.join("server.log")).unwrap();
        let mut command = command_as(&bin.join("postgres"), run_as);
        command
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string()])
            .args(["-c", "listen_addresses=127.0.0.1"])
            .arg("-c")
            .arg(format!("unix_socket_directories={}", folder.display()))
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args([
                "-c",
                "ssl=on",
                "-c",
                "ssl_cert_file=server.crt",
                "-c",
                "ssl_key_file=server.key",
            ])
            .args(["-c", "max_connections=200", "-c", "shared_buffers=32MB"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        // SAFETY: prctl is async-signal-safe and touches only this child.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGQUIT);
                Ok(())
            });
        }
        let mut child = command.spawn().expect("start postgres");
        sender.send(child.id()).unwrap();
        // This thread is the server's parent for the parent-death signal, so it lives
        // as long as the server: it waits for it (and reaps it) here.
        let _ = child.wait();
    });
    receiver.recv().unwrap()
}

static CLEANUP: OnceLock<(u32, PathBuf)> = OnceLock::new();

extern "C" fn stop_cluster() {
    if let Some((pid, folder)) = CLEANUP.get() {
        // SAFETY: signals the server process this test process started; the thread
        // that started it reaps it, and kill(pid, 0) tells when it is gone.
        unsafe {
            libc::kill(*pid as libc::pid_t, libc::SIGQUIT);
            for _ in 0..500 {
                if libc::kill(*pid as libc::pid_t, 0) != 0 {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        let _ = std::fs::remove_dir_all(folder);
    }
}

/// Stops the server and removes its folder when the test process exits.
fn register_cleanup(pid: u32, folder: PathBuf) {
    if CLEANUP.set((pid, folder)).is_ok() {
        // SAFETY: registers a plain function without arguments.
        unsafe {
            libc::atexit(stop_cluster);
        }
    }
}

/// Runs `sql` (one or more statements) and returns every row as text.
fn run_sql(
    port: u16,
    user: &str,
    password: &str,
    database: &str,
    sql: &str,
) -> Vec<Vec<Option<String>>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut config = tokio_postgres::Config::new();
        config
            .host("127.0.0.1")
            .port(port)
            .user(user)
            .password(password)
            .dbname(database);
        let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        let messages = client.simple_query(sql).await.unwrap_or_else(|error| {
            panic!("{sql}: {error}");
        });
        messages
            .into_iter()
            .filter_map(|message| match message {
                tokio_postgres::SimpleQueryMessage::Row(row) => Some(
                    (0..row.len())
                        .map(|index| row.get(index).map(str::to_string))
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    })
}
