//! The sandbox's PingOne side over real HTTPS: the token endpoint, bearer checks, the
//! environment, populations and users with filters and cursor paging, error bodies,
//! injected rate limits, the request log and the PingOne control endpoints.

use std::collections::BTreeSet;

use crate::support::sandbox_client::{Api, Reply};
use pingform_sandbox::SandboxOptions;
use reqwest::{Method, StatusCode};
use serde_json::json;

const ADMINISTRATOR: &str = "pingone-admin@example.com";

/// Percent-encoding of a query or form value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `application/x-www-form-urlencoded` bodies (reqwest's `form` is not enabled).
trait FormPairs {
    fn form_pairs(self, pairs: &[(&str, &str)]) -> Self;
}

impl FormPairs for reqwest::RequestBuilder {
    fn form_pairs(self, pairs: &[(&str, &str)]) -> Self {
        let body = pairs
            .iter()
            .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        self.header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
    }
}

fn environment_path(api: &Api) -> String {
    format!("/environments/{}", api.sandbox.pingone_environment_id())
}

fn token_url(api: &Api) -> String {
    format!(
        "{}/{}/as/token",
        api.sandbox.pingone_auth_url(),
        api.sandbox.pingone_environment_id()
    )
}

fn usernames(reply: &Reply) -> Vec<String> {
    reply.body["_embedded"]["users"]
        .as_array()
        .unwrap_or_else(|| panic!("no _embedded.users: {}", reply.text))
        .iter()
        .map(|user| user["username"].as_str().unwrap().to_string())
        .collect()
}

fn assert_pingone_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.body["code"], code, "{}", reply.text);
    let id = reply.body["id"].as_str().unwrap_or_default();
    assert_eq!(id.len(), 36, "error bodies carry a UUID id: {}", reply.text);
    assert!(
        reply.body["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}

#[tokio::test]
async fn the_public_accessors_describe_the_pingone_side() {
    let api = Api::start().await;
    let root = api.root();
    assert_eq!(api.sandbox.pingone_api_url(), format!("{root}/pingone/v1"));
    assert_eq!(
        api.sandbox.pingone_auth_url(),
        format!("{root}/pingone-auth")
    );
    assert_eq!(api.sandbox.pingone_environment_id().len(), 36);
    assert!(!api.sandbox.pingone_client_id().is_empty());
    assert!(!api.sandbox.pingone_client_secret().is_empty());
}

#[tokio::test]
async fn tokens_are_issued_with_basic_and_with_post_client_authentication() {
    let api = Api::start().await;
    let basic = Api::send(
        api.client
            .post(token_url(&api))
            .basic_auth(
                api.sandbox.pingone_client_id(),
                Some(api.sandbox.pingone_client_secret()),
            )
            .form_pairs(&[("grant_type", "client_credentials")]),
    )
    .await;
    assert_eq!(basic.status, StatusCode::OK, "{}", basic.text);
    assert_eq!(basic.body["token_type"], "Bearer");
    assert_eq!(basic.body["expires_in"], 3600);
    let post = Api::send(api.client.post(token_url(&api)).form_pairs(&[
        ("grant_type", "client_credentials"),
        ("client_id", api.sandbox.pingone_client_id()),
        ("client_secret", api.sandbox.pingone_client_secret()),
    ]))
    .await;
    assert_eq!(post.status, StatusCode::OK, "{}", post.text);
    let first = basic.body["access_token"].as_str().unwrap();
    let second = post.body["access_token"].as_str().unwrap();
    assert_ne!(first, second, "tokens are random");
    for token in [first, second] {
        let environment = api.pingone_get(token, &environment_path(&api)).await;
        assert_eq!(environment.status, StatusCode::OK, "{}", environment.text);
    }
}

#[tokio::test]
async fn a_wrong_client_gets_invalid_client() {
    let api = Api::start().await;
    let wrong_secret = Api::send(
        api.client
            .post(token_url(&api))
            .basic_auth(api.sandbox.pingone_client_id(), Some("not-the-secret"))
            .form_pairs(&[("grant_type", "client_credentials")]),
    )
    .await;
    assert_eq!(wrong_secret.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_secret.body["error"], "invalid_client");
    assert!(wrong_secret.body["error_description"].as_str().is_some());
    let unknown_client = Api::send(api.client.post(token_url(&api)).form_pairs(&[
        ("grant_type", "client_credentials"),
        ("client_id", "someone-else"),
        ("client_secret", api.sandbox.pingone_client_secret()),
    ]))
    .await;
    assert_eq!(unknown_client.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_client.body["error"], "invalid_client");
    let no_credentials = Api::send(
        api.client
            .post(token_url(&api))
            .form_pairs(&[("grant_type", "client_credentials")]),
    )
    .await;
    assert_eq!(no_credentials.status, StatusCode::UNAUTHORIZED);
    let wrong_grant = Api::send(
        api.client
            .post(token_url(&api))
            .basic_auth(
                api.sandbox.pingone_client_id(),
                Some(api.sandbox.pingone_client_secret()),
            )
            .form_pairs(&[("grant_type", "password")]),
    )
    .await;
    assert_eq!(wrong_grant.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong_grant.body["error"], "unsupported_grant_type");
    let other_environment = Api::send(
        api.client
            .post(format!(
                "{}/00000000-0000-4000-8000-000000000000/as/token",
                api.sandbox.pingone_auth_url()
            ))
            .basic_auth(
                api.sandbox.pingone_client_id(),
                Some(api.sandbox.pingone_client_secret()),
            )
            .form_pairs(&[("grant_type", "client_credentials")]),
    )
    .await;
    assert_eq!(other_environment.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn missing_bad_and_expired_tokens_are_401_and_a_fresh_token_works() {
    let api = Api::start().await;
    let path = format!(
        "{}{}",
        api.sandbox.pingone_api_url(),
        environment_path(&api)
    );
    let missing = Api::send(api.client.get(&path)).await;
    assert_pingone_error(&missing, StatusCode::UNAUTHORIZED, "ACCESS_FAILED");
    assert_eq!(missing.body["details"][0]["code"], "INVALID_TOKEN");
    let bad = api
        .pingone_get("made-up-token", &environment_path(&api))
        .await;
    assert_pingone_error(&bad, StatusCode::UNAUTHORIZED, "ACCESS_FAILED");

    let token = api.pingone_token().await;
    assert_eq!(
        api.pingone_get(&token, &environment_path(&api))
            .await
            .status,
        StatusCode::OK
    );
    let expired = Api::send(api.control(Method::POST, "/pingone/expire-tokens")).await;
    assert_eq!(expired.status, StatusCode::OK, "{}", expired.text);
    assert!(expired.body["expired"].as_u64().unwrap() >= 1);
    let after = api.pingone_get(&token, &environment_path(&api)).await;
    assert_pingone_error(&after, StatusCode::UNAUTHORIZED, "ACCESS_FAILED");
    assert_eq!(after.body["details"][0]["code"], "INVALID_TOKEN");
    assert!(after.text.contains("expired"), "{}", after.text);

    let fresh = api.pingone_token().await;
    assert_eq!(
        api.pingone_get(&fresh, &environment_path(&api))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_token_lifetime_can_be_shortened() {
    let api = Api::start().await;
    let set = Api::send(
        api.control(Method::PUT, "/pingone/token-lifetime")
            .json(&json!({"seconds": 0})),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    let token = api.pingone_token().await;
    let reply = api.pingone_get(&token, &environment_path(&api)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
}

#[tokio::test]
async fn the_environment_is_returned_and_unknown_ones_are_404_or_403() {
    let api = Api::start().await;
    let token = api.pingone_token().await;
    let environment = api.pingone_get(&token, &environment_path(&api)).await;
    assert_eq!(environment.status, StatusCode::OK);
    assert_eq!(environment.body["id"], api.sandbox.pingone_environment_id());
    assert_eq!(environment.body["name"], "Workforce-Sandbox");
    assert_eq!(environment.body["region"], "NA");
    assert_eq!(environment.body["status"], "ACTIVE");
    assert_eq!(
        environment.body["_links"]["self"]["href"],
        format!(
            "{}{}",
            api.sandbox.pingone_api_url(),
            environment_path(&api)
        )
    );
    let unknown = "/environments/00000000-0000-4000-8000-000000000000";
    let missing = api.pingone_get(&token, unknown).await;
    assert_pingone_error(&missing, StatusCode::NOT_FOUND, "NOT_FOUND");
    let sub_resource = api.pingone_get(&token, &format!("{unknown}/users")).await;
    assert_pingone_error(&sub_resource, StatusCode::FORBIDDEN, "ACCESS_FAILED");
    let unknown_user = api
        .pingone_get(&token, &format!("{}/users/nobody", environment_path(&api)))
        .await;
    assert_pingone_error(&unknown_user, StatusCode::NOT_FOUND, "NOT_FOUND");
}

#[tokio::test]
async fn a_token_of_another_environment_is_403() {
    let directory = tempfile::tempdir().unwrap();
    let seed = directory.path().join("pingone.json");
    std::fs::write(
        &seed,
        json!({
            "environments": [
                {"id": "11111111-1111-4111-8111-111111111111", "name": "First",
                 "clients": [{"clientId": "first-client", "clientSecret": "first-Secret-1"}],
                 "populations": [{"name": "People"}],
                 "users": [{"username": "ann"}]},
                {"id": "22222222-2222-4222-8222-222222222222", "name": "Second", "region": "EU",
                 "clients": [{"clientId": "second-client", "clientSecret": "second-Secret-2"}]}
            ]
        })
        .to_string(),
    )
    .unwrap();
    let api = Api::start_with(SandboxOptions {
        pingone_seed_file: Some(seed),
        ..SandboxOptions::default()
    })
    .await;
    assert_eq!(
        api.sandbox.pingone_environment_id(),
        "11111111-1111-4111-8111-111111111111"
    );
    assert_eq!(api.sandbox.pingone_client_id(), "first-client");
    let token = api.pingone_token().await;
    let own = api.pingone_get(&token, &environment_path(&api)).await;
    assert_eq!(own.status, StatusCode::OK);
    let users = api
        .pingone_get(&token, &format!("{}/users", environment_path(&api)))
        .await;
    assert_eq!(usernames(&users), ["ann"]);
    let other = api
        .pingone_get(&token, "/environments/22222222-2222-4222-8222-222222222222")
        .await;
    assert_pingone_error(&other, StatusCode::FORBIDDEN, "ACCESS_FAILED");
    let other_users = api
        .pingone_get(
            &token,
            "/environments/22222222-2222-4222-8222-222222222222/users",
        )
        .await;
    assert_pingone_error(&other_users, StatusCode::FORBIDDEN, "ACCESS_FAILED");
}

#[tokio::test]
async fn a_broken_seed_file_stops_the_start() {
    let directory = tempfile::tempdir().unwrap();
    let seed = directory.path().join("pingone.json");
    std::fs::write(&seed, r#"{"environments": []}"#).unwrap();
    let error = pingform_sandbox::Sandbox::start(SandboxOptions {
        pingone_seed_file: Some(seed),
        ..SandboxOptions::default()
    })
    .await
    .err()
    .expect("an empty seed is refused");
    assert!(
        error.to_string().contains("at least one environment"),
        "{error}"
    );
}

#[tokio::test]
async fn populations_can_be_filtered_by_name_and_id() {
    let api = Api::start().await;
    let token = api.pingone_token().await;
    let base = format!("{}/populations", environment_path(&api));
    let all = api.pingone_get(&token, &base).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(all.body["count"], 2);
    let names: Vec<&str> = all.body["_embedded"]["populations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|population| population["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Employees", "Contractors"]);

    let employees = api
        .pingone_get(
            &token,
            &format!("{base}?filter=name%20eq%20%22employees%22"),
        )
        .await;
    let found = &employees.body["_embedded"]["populations"];
    assert_eq!(found.as_array().unwrap().len(), 1, "{}", employees.text);
    assert_eq!(found[0]["name"], "Employees");
    assert_eq!(found[0]["userCount"], 21);
    assert_eq!(found[0]["default"], true);
    let id = found[0]["id"].as_str().unwrap().to_string();

    let starts = api
        .pingone_get(&token, &format!("{base}?filter=name%20sw%20%22Con%22"))
        .await;
    assert_eq!(
        starts.body["_embedded"]["populations"][0]["name"],
        "Contractors"
    );
    assert_eq!(starts.body["size"], 1);

    let by_id = api
        .pingone_get(&token, &format!("{base}?filter=id%20eq%20%22{id}%22"))
        .await;
    assert_eq!(by_id.body["_embedded"]["populations"][0]["id"], id.as_str());
    let one = api.pingone_get(&token, &format!("{base}/{id}")).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.body["name"], "Employees");
    assert_eq!(
        one.body["environment"]["id"],
        api.sandbox.pingone_environment_id()
    );

    let none = api
        .pingone_get(&token, &format!("{base}?filter=name%20eq%20%22Nobody%22"))
        .await;
    assert_eq!(none.body["count"], 0);
    assert_eq!(none.body["_embedded"]["populations"], json!([]));
}

#[tokio::test]
async fn users_are_found_with_or_filters_case_insensitively() {
    let api = Api::start().await;
    let token = api.pingone_token().await;
    let filter = r#"(username eq "PINGONE-ADMIN@example.com") or (username eq "employee03@example.com") OR username eq "nobody""#;
    let reply = Api::send(
        api.client
            .get(format!(
                "{}{}/users?filter={}",
                api.sandbox.pingone_api_url(),
                environment_path(&api),
                encode(filter)
            ))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let found: BTreeSet<String> = usernames(&reply).into_iter().collect();
    assert_eq!(
        found,
        BTreeSet::from([
            ADMINISTRATOR.to_string(),
            "employee03@example.com".to_string()
        ])
    );
    assert_eq!(reply.body["count"], 2);
    assert_eq!(reply.body["size"], 2);
    let administrator = &reply.body["_embedded"]["users"][0];
    assert_eq!(administrator["enabled"], true);
    assert!(administrator["population"]["id"].as_str().is_some());
    assert!(
        administrator["_links"]["self"]["href"]
            .as_str()
            .unwrap()
            .starts_with(&api.sandbox.pingone_api_url())
    );

    let id = administrator["id"].as_str().unwrap();
    let one = api
        .pingone_get(&token, &format!("{}/users/{id}", environment_path(&api)))
        .await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.body["username"], ADMINISTRATOR);

    let population = administrator["population"]["id"].as_str().unwrap();
    let contractors = Api::send(
        api.client
            .get(format!(
                "{}{}/users?filter={}",
                api.sandbox.pingone_api_url(),
                environment_path(&api),
                encode(&format!(
                    r#"population.id eq "{population}" and username sw "employee1""#
                ))
            ))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(contractors.body["count"], 10, "{}", contractors.text);
}

#[tokio::test]
async fn paging_follows_next_links_to_the_end_with_pages_smaller_than_limit() {
    let api = Api::start().await;
    let token = api.pingone_token().await;
    let mut url = format!(
        "{}{}/users?limit=1000",
        api.sandbox.pingone_api_url(),
        environment_path(&api)
    );
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let reply = api.pingone_get(&token, &url).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        pages += 1;
        let size = reply.body["size"].as_u64().unwrap();
        assert!(size <= 10, "a page never exceeds the page size");
        assert_eq!(reply.body["count"], 25);
        let names = usernames(&reply);
        assert_eq!(names.len() as u64, size);
        seen.extend(names);
        match reply.body["_links"]["next"]["href"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&api.sandbox.pingone_api_url()), "{next}");
                assert!(next.contains("limit=1000"), "{next}");
                url = next.to_string();
            }
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 25);
    let distinct: BTreeSet<_> = seen.iter().collect();
    assert_eq!(distinct.len(), 25, "no user twice");
    assert!(seen.contains(&ADMINISTRATOR.to_string()));

    let small = api
        .pingone_get(&token, &format!("{}/users?limit=4", environment_path(&api)))
        .await;
    assert_eq!(small.body["size"], 4);

    let custom = Api::start_with(SandboxOptions {
        pingone_page_size: 100,
        ..SandboxOptions::default()
    })
    .await;
    let custom_token = custom.pingone_token().await;
    let whole = custom
        .pingone_get(
            &custom_token,
            &format!("{}/users", environment_path(&custom)),
        )
        .await;
    assert_eq!(whole.body["size"], 25);
    assert!(whole.body["_links"].get("next").is_none());
}

#[tokio::test]
async fn unsupported_filters_and_bad_paging_parameters_are_400() {
    let api = Api::start().await;
    let token = api.pingone_token().await;
    let users = format!(
        "{}{}/users",
        api.sandbox.pingone_api_url(),
        environment_path(&api)
    );
    for filter in [
        r#"username ne "x""#,
        r#"shoeSize eq "9""#,
        r#"username eq "unterminated"#,
        r#"(username eq "x""#,
        "username",
    ] {
        let reply = Api::send(
            api.client
                .get(format!("{users}?filter={}", encode(filter)))
                .bearer_auth(&token),
        )
        .await;
        assert_pingone_error(&reply, StatusCode::BAD_REQUEST, "INVALID_DATA");
        assert_eq!(
            reply.body["details"][0]["code"], "INVALID_FILTER",
            "{filter}"
        );
    }
    let operator = Api::send(
        api.client
            .get(format!(
                "{users}?filter={}",
                encode(r#"population.id sw "x""#)
            ))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(
        operator.body["details"][0]["innerError"]["supportedOperators"],
        json!(["eq"])
    );
    let population_filter = api
        .pingone_get(
            &token,
            &format!(
                "{}/populations?filter=name%20ew%20%22s%22",
                environment_path(&api)
            ),
        )
        .await;
    assert_eq!(population_filter.status, StatusCode::BAD_REQUEST);
    for query in ["limit=0", "limit=1001", "limit=ten", "cursor=garbage"] {
        let reply = api.pingone_get(&token, &format!("{users}?{query}")).await;
        assert_pingone_error(&reply, StatusCode::BAD_REQUEST, "INVALID_DATA");
        assert_eq!(reply.body["details"][0]["code"], "INVALID_VALUE", "{query}");
    }
}

#[tokio::test]
async fn an_injected_rate_limit_is_429_with_retry_after() {
    let api = Api::start().await;
    let token = api.pingone_token().await;
    let queued = Api::send(api.control(Method::POST, "/faults").json(&json!({
        "method": "GET", "path": "pingone:/environments/*", "status": 429, "retry_after": 2
    })))
    .await;
    assert_eq!(queued.status, StatusCode::CREATED, "{}", queued.text);
    let limited = api
        .pingone_get(&token, &format!("{}/users", environment_path(&api)))
        .await;
    assert_pingone_error(&limited, StatusCode::TOO_MANY_REQUESTS, "REQUEST_LIMITED");
    assert_eq!(limited.headers["retry-after"], "2");
    assert_eq!(limited.body["details"][0]["code"], "LIMIT_EXCEEDED");
    let after = api
        .pingone_get(&token, &format!("{}/users", environment_path(&api)))
        .await;
    assert_eq!(after.status, StatusCode::OK);

    // A full path is translated to the log form when queued.
    let queued = Api::send(api.control(Method::POST, "/faults").json(&json!({
        "path": format!("/pingone-auth/{}/as/token", api.sandbox.pingone_environment_id()),
        "status": 503
    })))
    .await;
    assert_eq!(
        queued.body["path"],
        format!(
            "pingone-auth:/{}/as/token",
            api.sandbox.pingone_environment_id()
        )
    );
    let unavailable = Api::send(
        api.client
            .post(token_url(&api))
            .form_pairs(&[("grant_type", "client_credentials")]),
    )
    .await;
    assert_eq!(unavailable.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(unavailable.body["code"], "UNEXPECTED_ERROR");
}

#[tokio::test]
async fn pingone_requests_are_logged_with_a_prefix_and_counted_apart() {
    let api = Api::start().await;
    let token = api.pingone_token().await;
    api.pingone_get(&token, &format!("{}/users?limit=5", environment_path(&api)))
        .await;
    api.get("/version").await;
    let log = Api::send(api.control(Method::GET, "/requests")).await;
    let paths: Vec<&str> = log.body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|request| request["path"].as_str().unwrap())
        .collect();
    let environment = api.sandbox.pingone_environment_id();
    assert_eq!(
        paths,
        [
            format!("pingone-auth:/{environment}/as/token"),
            format!("pingone:/environments/{environment}/users?limit=5"),
            "/version".to_string(),
        ]
    );
    assert_eq!(log.body["requests"][1]["status"], 200);
    assert_eq!(api.sandbox.request_count(), 1);
    assert_eq!(api.sandbox.pingone_request_count(), 2);
}

#[tokio::test]
async fn users_can_be_added_and_removed_through_the_control_api() {
    let api = Api::start().await;
    let token = api.pingone_token().await;
    let added = Api::send(api.control(Method::POST, "/pingone/users").json(&json!({
        "username": "new.hire@example.com",
        "email": "new.hire@example.com",
        "population": "Contractors",
        "name": {"given": "New", "family": "Hire"}
    })))
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let id = added.body["id"].as_str().unwrap().to_string();
    let fetched = api
        .pingone_get(&token, &format!("{}/users/{id}", environment_path(&api)))
        .await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(fetched.body["name"]["family"], "Hire");
    let all = api
        .pingone_get(&token, &format!("{}/users", environment_path(&api)))
        .await;
    assert_eq!(all.body["count"], 26);

    let duplicate = Api::send(
        api.control(Method::POST, "/pingone/users")
            .json(&json!({"username": "NEW.HIRE@example.com"})),
    )
    .await;
    assert_pingone_error(&duplicate, StatusCode::BAD_REQUEST, "INVALID_DATA");
    assert_eq!(duplicate.body["details"][0]["code"], "UNIQUENESS_VIOLATION");
    let bad_population = Api::send(
        api.control(Method::POST, "/pingone/users")
            .json(&json!({"username": "x", "population": "Martians"})),
    )
    .await;
    assert_eq!(bad_population.status, StatusCode::BAD_REQUEST);

    let removed = Api::send(api.control(Method::DELETE, &format!("/pingone/users/{id}"))).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let gone = api
        .pingone_get(&token, &format!("{}/users/{id}", environment_path(&api)))
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let again = Api::send(api.control(Method::DELETE, &format!("/pingone/users/{id}"))).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let unauthenticated = Api::send(
        api.client
            .post(format!("{}/_sandbox/pingone/users", api.root()))
            .json(&json!({"username": "sneaky"})),
    )
    .await;
    assert_eq!(unauthenticated.status, StatusCode::UNAUTHORIZED);
}
