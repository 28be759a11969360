//! The team backend on a real PostgreSQL server (tests/support/postgres.rs starts a
//! throwaway cluster): two configuration folders share one state, a second apply is
//! refused naming the holder, a killed holder frees the lock at once, no secret
//! reaches the database, and `state migrate` carries a state from redb to PostgreSQL
//! and back with its lineage, serial and history.

use pingform::model::StateLocation;

use crate::support::postgres::{Database, database};
use crate::support::{Scenario, Workspace};

const SECRETS: [&str; 2] = ["Team-Secret-Ldap-81f3", "Team-Secret-Db-2c9a"];

fn configuration() -> String {
    format!(
        r#"
datastore "jdbc" "team_db" {{
  driver_class   = "org.postgresql.Driver"
  connection_url = "jdbc:postgresql://db.example.com:5432/team"
  user_name      = "pf"
  password       = "{}"
}}

datastore "ldap" "team_directory" {{
  ldap_type = "PING_DIRECTORY"
  hostnames = ["ldap.example.com:636"]
  use_ssl   = true
  user_dn   = "cn=pf,dc=example,dc=com"
  password  = "{}"
}}
"#,
        SECRETS[1], SECRETS[0]
    )
}

/// A scenario whose state is `database`, through PINGFORM_STATE and PGPASSWORD.
fn on_postgres(scenario: &Scenario, database: &Database) {
    scenario.set_env("PINGFORM_STATE", &database.url());
    scenario.set_env("PGPASSWORD", &database.password);
}

/// A second runner: another folder with the same configuration, the same server and
/// the same state.
fn second_runner(scenario: &Scenario, database: &Database) -> Workspace {
    let runner = Workspace::new();
    runner.write("pingfederate.hcl", &scenario.sandbox().pingfederate_block());
    runner.write(
        "state.hcl",
        &format!("state {{\n  url = \"{}\"\n}}\n", database.url()),
    );
    runner.write("main.hcl", &configuration());
    runner
}

fn in_runner(runner: &Workspace, database: &Database, args: &[&str]) -> crate::support::Run {
    runner.run_with_env(args, &[("PGPASSWORD", &database.password)])
}

#[test]
fn two_runners_share_one_state_and_nothing_secret_reaches_the_database() {
    let database = database();
    let scenario = Scenario::new();
    on_postgres(&scenario, &database);
    scenario.write("main.hcl", &configuration());
    let converged = scenario.converge();
    assert!(
        converged.apply.stdout.contains("Apply complete! 2 created"),
        "{}",
        converged.apply.stdout
    );
    // The other runner, with a `state` block, finds nothing to do.
    let runner = second_runner(&scenario, &database);
    let plan = in_runner(&runner, &database, &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.combined());
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
    let listed = in_runner(&runner, &database, &["state", "list"]).success();
    assert!(
        listed.stdout.contains("datastore.jdbc.team_db"),
        "{}",
        listed.stdout
    );
    let history = in_runner(&runner, &database, &["history"]).success();
    assert!(
        history.stdout.contains("succeeded  2 finished: 2 created"),
        "{}",
        history.stdout
    );

    // The tables are pingform's, in the database it was given.
    let tables = database
        .query("SELECT tablename FROM pg_tables WHERE tablename LIKE 'pingform%' ORDER BY 1");
    let tables: Vec<_> = tables
        .into_iter()
        .map(|row| row[0].clone().unwrap())
        .collect();
    assert_eq!(
        tables,
        [
            "pingform_history",
            "pingform_lock",
            "pingform_meta",
            "pingform_objects"
        ]
    );
    let dump = database.dump();
    assert!(
        dump.contains("datastore.jdbc.team_db"),
        "the dump holds the state"
    );
    for secret in SECRETS {
        assert!(!dump.contains(secret), "{secret} is in the database dump");
        for run in [&converged.apply, &converged.plan, &plan] {
            assert!(!run.combined().contains(secret), "{secret} in the output");
        }
    }

    // A rename (moved in state only) and a delete, each one statement in the database.
    let renamed = configuration().replace(
        "datastore \"jdbc\" \"team_db\" {",
        "datastore \"jdbc\" \"team_store\" {\n  id = \"team_db\"",
    );
    let without_directory = renamed[..renamed.find("datastore \"ldap\"").unwrap()].to_string();
    scenario.write("main.hcl", &without_directory);
    scenario.converge();
    let listed = in_runner(&runner, &database, &["state", "list"]).success();
    assert_eq!(
        listed.stdout.trim(),
        "datastore.jdbc.team_store  id=team_db",
        "{}",
        listed.stdout
    );
    let history = in_runner(&runner, &database, &["history"]).success();
    assert!(
        history
            .stdout
            .lines()
            .nth(1)
            .unwrap()
            .contains("2 finished: 1 deleted, 1 moved"),
        "{}",
        history.stdout
    );
}

#[test]
fn a_second_apply_is_refused_naming_the_holder_and_a_killed_holder_frees_the_lock() {
    let database = database();
    let scenario = Scenario::new();
    on_postgres(&scenario, &database);
    scenario.write("main.hcl", &configuration());
    // The holder's first create hangs (well within its 30 s request timeout).
    scenario.sandbox().inject_fault(serde_json::json!({
        "method": "POST", "path": "/dataStores", "delay_ms": 20000, "count": 1
    }));
    let mut holder = scenario.spawn(&["apply", "--auto-approve", "--parallelism", "1"]);
    holder.wait_for("Creating...", 1);
    let runner = second_runner(&scenario, &database);
    let refused = in_runner(&runner, &database, &["apply", "--auto-approve"]);
    assert_eq!(refused.code, 1, "{}", refused.combined());
    assert!(
        refused.stderr.contains(&format!(
            "the state {} is in use by another pingform process: `pingform apply` run by",
            database.url()
        )),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains(&format!("(process {})", holder.pid())),
        "{}",
        refused.stderr
    );
    // Plans read without the lock.
    let plan = in_runner(&runner, &database, &["plan"]);
    assert_eq!(plan.code, 0, "{}", plan.combined());

    // kill -9: the database ends the session, and with it the lock, at once.
    holder.child().kill().unwrap();
    let killed = holder.finish();
    assert_eq!(killed.code, -1);
    let next = in_runner(&runner, &database, &["apply", "--auto-approve"]);
    assert_eq!(next.code, 0, "the lock was not freed: {}", next.combined());
    let (_, stores) = scenario.sandbox().request("GET", "/dataStores", None);
    let ids: Vec<&str> = stores["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|item| item["id"].as_str())
        .filter(|id| id.starts_with("team_"))
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    scenario.converge();
}

#[test]
fn migrate_carries_lineage_serial_and_history_from_redb_to_postgres_and_back() {
    let database = database();
    let scenario = Scenario::new();
    scenario.write("main.hcl", &configuration());
    scenario.converge();
    scenario.write(
        "main.hcl",
        &configuration().replace("5432/team", "5432/team_v2"),
    );
    scenario.converge();
    let file = scenario.state_file();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let read =
        |location: &StateLocation| runtime.block_on(pingform::state::read(location)).unwrap();
    let original = read(&StateLocation::File(file.clone()));

    // Into PostgreSQL, with the password in the URL: it never shows.
    let migrated = scenario.run(&["state", "migrate", "--to", &database.url_with_password()]);
    assert_eq!(migrated.code, 0, "{}", migrated.combined());
    assert!(
        !migrated.combined().contains(&database.password),
        "{}",
        migrated.combined()
    );
    assert!(
        migrated.stderr.contains(&format!(
            "Copied the state from [DIR]/pingform.redb to {}: lineage {}, serial {}, 2 managed objects, 2 history rows.",
            database.url(),
            original.previous.lineage.as_deref().unwrap(),
            original.previous.serial
        )),
        "{}",
        migrated.stderr
    );
    let location = StateLocation::parse(&database.url_with_password()).unwrap();
    let in_postgres = read(&location);
    assert_eq!(in_postgres.previous.lineage, original.previous.lineage);
    assert_eq!(in_postgres.previous.serial, original.previous.serial);
    assert_eq!(in_postgres.previous.objects, original.previous.objects);
    assert_eq!(
        in_postgres.previous.fingerprint_key,
        original.previous.fingerprint_key
    );
    assert_eq!(in_postgres.previous.binding, original.previous.binding);
    assert_eq!(in_postgres.history, original.history);

    // A second migration into the same database is refused.
    let again = scenario.run(&["state", "migrate", "--to", &database.url_with_password()]);
    assert_eq!(again.code, 1, "{}", again.combined());
    assert!(
        again.stderr.contains("already holds a pingform state"),
        "{}",
        again.stderr
    );
    assert!(!again.combined().contains(&database.password));

    // And back into a new file.
    let back = scenario.dir().join("back.redb");
    let returned = scenario.run(&[
        "state",
        "migrate",
        "--state",
        &database.url_with_password(),
        "--to",
        back.to_str().unwrap(),
    ]);
    assert_eq!(returned.code, 0, "{}", returned.combined());
    let round_trip = read(&StateLocation::File(back.clone()));
    assert_eq!(round_trip.previous.lineage, original.previous.lineage);
    assert_eq!(round_trip.previous.serial, original.previous.serial);
    assert_eq!(round_trip.previous.objects, original.previous.objects);
    assert_eq!(round_trip.history, original.history);
    let refused = scenario.run(&["state", "migrate", "--to", back.to_str().unwrap()]);
    assert_eq!(refused.code, 1, "{}", refused.combined());
    assert!(
        refused.stderr.contains("back.redb already exists"),
        "{}",
        refused.stderr
    );

    // The PostgreSQL copy plans like the file did.
    on_postgres(&scenario, &database);
    scenario.converge();
}

#[test]
fn a_wrong_password_is_an_error_that_does_not_echo_it() {
    let database = database();
    let workspace = Workspace::new();
    let url = format!(
        "postgres://{}:Wrong-Password-77@127.0.0.1:{}/{}",
        database.user, database.port, database.name
    );
    let run = workspace.run(&["state", "list", "--state", &url]);
    assert_eq!(run.code, 1, "{}", run.combined());
    assert!(
        !run.combined().contains("Wrong-Password-77"),
        "{}",
        run.combined()
    );
    assert!(
        run.stderr.contains(&format!(
            "cannot use the PostgreSQL state {}",
            database.url()
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("password authentication failed"),
        "{}",
        run.stderr
    );
    // A database without a state is missing, not empty.
    let missing = workspace.run_with_env(
        &["history", "--state", &database.url()],
        &[("PGPASSWORD", &database.password)],
    );
    assert_eq!(missing.code, 1, "{}", missing.combined());
    assert!(
        missing
            .stderr
            .contains(&format!("there is no state at {}", database.url())),
        "{}",
        missing.stderr
    );
}

/// The server accepts this role over TLS only, and its certificate names only
/// `pingform-test-db.invalid`: each `sslmode` is told apart by whether it connects.
#[test]
fn tls_follows_sslmode_as_libpq_reads_it() {
    let database = crate::support::postgres::tls_only_database();
    let ca = crate::support::postgres::cluster().ca_file.clone();
    let workspace = Workspace::new();
    let history = |query: &str| {
        let url = format!("{}?{query}", database.url());
        workspace.run_with_env(
            &["history", "--state", &url],
            &[("PGPASSWORD", &database.password)],
        )
    };
    let connects = |query: &str| {
        let run = history(query);
        assert_eq!(run.code, 1, "{query}: {}", run.combined());
        // Connected and queried: the database simply holds no state yet.
        assert!(
            run.stderr.contains("there is no state at"),
            "{query}: {}",
            run.stderr
        );
    };
    let refused = |query: &str, expected: &str| {
        let run = history(query);
        assert_eq!(run.code, 1, "{query}: {}", run.combined());
        assert!(
            run.stderr.contains("cannot use the PostgreSQL state") && run.stderr.contains(expected),
            "{query}: {}",
            run.stderr
        );
    };
    let ca = ca.to_str().unwrap();
    connects("sslmode=prefer");
    connects("sslmode=require");
    connects(&format!("sslmode=verify-ca&sslrootcert={ca}"));
    refused("sslmode=disable", "no encryption");
    refused(
        &format!("sslmode=verify-full&sslrootcert={ca}"),
        "certificate not valid for name \"127.0.0.1\"",
    );
    refused(
        "sslmode=verify-ca",
        "invalid peer certificate: UnknownIssuer",
    );
}
