//! A write that lands on the server but whose answer never arrives in time: reported
//! as "outcome unknown", not as failed or not started, and the next plan reads the
//! object back and converges without creating it twice.

use serde_json::json;

use crate::support::Scenario;

#[test]
fn a_create_that_timed_out_is_reported_unknown_and_the_next_plan_takes_it_over() {
    let scenario = Scenario::new();
    let block = scenario
        .sandbox()
        .pingfederate_block()
        .replace("\n}\n", "\n  request_timeout = \"1s\"\n}\n");
    scenario.write("pingfederate.hcl", &block);
    let stores: String = ["first", "second"]
        .iter()
        .map(|name| {
            format!(
                "datastore \"jdbc\" \"{name}\" {{\n  driver_class   = \"org.postgresql.Driver\"\n  connection_url = \"jdbc:postgresql://db.example.com:5432/{name}\"\n  password       = \"Unknown-Outcome-{name}\"\n}}\n"
            )
        })
        .collect();
    scenario.write("main.hcl", &stores);
    // The create of `first` is carried out, but its answer comes after 3 s.
    scenario.sandbox().inject_fault(json!({
        "method": "POST", "path": "/dataStores", "delay_response_ms": 3000, "count": 1
    }));
    let run = scenario.apply_with(&["--parallelism", "1"]);
    assert_eq!(run.code, 1, "{}", run.combined());
    assert!(
        run.stderr
            .contains("create of datastore.jdbc.first got no answer: its outcome is unknown"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("timed out after 1s"), "{}", run.stderr);
    assert!(
        run.stderr.contains("outcome unknown (the request was sent but no answer came, so PingFederate may have made the change): datastore.jdbc.first"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("not started: datastore.jdbc.second"),
        "{}",
        run.stderr
    );
    // It did land.
    assert_eq!(
        scenario
            .sandbox()
            .request("GET", "/dataStores/first", None)
            .0,
        200
    );
    let history = scenario.run(&["history"]).success();
    assert!(
        history
            .stdout
            .contains("  failed  nothing finished; 1 outcome unknown, 1 not started"),
        "{}",
        history.stdout
    );
    // The next plan reads it back: taken over, not created a second time.
    let plan = scenario.plan_with_changes();
    assert!(
        !plan.stdout.contains("datastore.jdbc.first will be created"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("datastore.jdbc.second will be created"),
        "{}",
        plan.stdout
    );
    scenario.sandbox().clear_requests();
    scenario.converge();
    let posts: Vec<_> = scenario
        .sandbox()
        .pingfederate_requests()
        .into_iter()
        .filter(|request| request["method"] == "POST")
        .collect();
    assert_eq!(posts.len(), 1, "only `second` is created: {posts:?}");
    assert_eq!(posts[0]["status"], 201, "{posts:?}");
}
