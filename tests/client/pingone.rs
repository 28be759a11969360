//! The PingOne client against a tiny scripted PingOne on loopback (plain HTTP): the
//! exact requests it sends, token reuse and renewal, `Retry-After`, paging, chunked
//! username filters and the errors people read.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use pingform::model::Secret;
use pingform::model::{PingOnePopulation as Population, PingOneUser as User};
use pingform::provider::pingone::Environment;
use pingform::provider::{PingOne, PingOneSettings};
use serde_json::{Value, json};

const ENVIRONMENT: &str = "0f1e2d3c-0000-4000-8000-00000000e001";
const CLIENT_ID: &str = "client-1";
const CLIENT_SECRET: &str = "s3cret-worker-value";

/// How the scripted PingOne behaves.
struct Script {
    usernames: Vec<String>,
    users_page_size: usize,
    throttle_first_populations: AtomicBool,
    expire_token_on_first_users: AtomicBool,
    populations_link_to_themselves: bool,
}

impl Script {
    fn new(usernames: &[&str]) -> Script {
        Script {
            usernames: usernames.iter().map(|name| name.to_string()).collect(),
            users_page_size: 1,
            throttle_first_populations: AtomicBool::new(false),
            expire_token_on_first_users: AtomicBool::new(false),
            populations_link_to_themselves: false,
        }
    }
}

struct Server {
    base: String,
    script: Script,
    /// `METHOD path?query credential`, credential `basic` or the bearer token.
    log: Mutex<Vec<String>>,
    issued: AtomicUsize,
    valid_tokens: Mutex<Vec<String>>,
}

type Shared = Arc<Server>;

impl Server {
    fn record(&self, method: &str, path: &str, query: &Option<String>, credential: &str) {
        let target = match query {
            Some(query) => format!("{path}?{query}"),
            None => path.to_string(),
        };
        self.log
            .lock()
            .unwrap()
            .push(format!("{method} {target} {credential}"));
    }

    /// The bearer token of a request, if the server issued it and it is still valid.
    fn bearer(&self, headers: &HeaderMap) -> Result<String, Box<Response>> {
        let token = headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_string();
        if self.valid_tokens.lock().unwrap().contains(&token) {
            Ok(token)
        } else {
            Err(Box::new(error(
                StatusCode::UNAUTHORIZED,
                "ACCESS_FAILED",
                "The access token is invalid or has expired.",
            )))
        }
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(
            json!({"id": "e0000000-0000-4000-8000-000000000001", "code": code, "message": message}),
        ),
    )
        .into_response()
}

async fn token(
    State(server): State<Shared>,
    Path(environment): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    server.record(
        "POST",
        &format!("/auth/{environment}/as/token"),
        &None,
        "basic",
    );
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let authorization = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok());
    let form = headers
        .get("content-type")
        .and_then(|value| value.to_str().ok());
    if form != Some("application/x-www-form-urlencoded") || body != "grant_type=client_credentials"
    {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_request"})),
        )
            .into_response();
    }
    if authorization != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_client", "error_description": "Invalid client credentials"})),
        )
            .into_response();
    }
    let number = server.issued.fetch_add(1, Ordering::SeqCst) + 1;
    let token = format!("token-{number}");
    server.valid_tokens.lock().unwrap().push(token.clone());
    axum::Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}))
        .into_response()
}

async fn environment(
    State(server): State<Shared>,
    Path(environment): Path<String>,
    headers: HeaderMap,
) -> Response {
    let token = match server.bearer(&headers) {
        Ok(token) => token,
        Err(response) => return *response,
    };
    server.record(
        "GET",
        &format!("/v1/environments/{environment}"),
        &None,
        &token,
    );
    if environment != ENVIRONMENT {
        return error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "Unable to find environment",
        );
    }
    axum::Json(json!({
        "_links": {"self": {"href": format!("{}/v1/environments/{environment}", server.base)}},
        "id": environment, "name": "Workforce-Prod", "region": "EU", "type": "PRODUCTION"
    }))
    .into_response()
}

/// `cursor` from a query string, and the query without it.
fn split_cursor(query: &Option<String>) -> (usize, String) {
    let mut cursor = 0;
    let mut kept = Vec::new();
    for pair in query.as_deref().unwrap_or_default().split('&') {
        match pair.strip_prefix("cursor=") {
            Some(value) => cursor = value.parse().unwrap(),
            None => kept.push(pair),
        }
    }
    (cursor, kept.join("&"))
}

async fn populations(
    State(server): State<Shared>,
    Path(environment): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let token = match server.bearer(&headers) {
        Ok(token) => token,
        Err(response) => return *response,
    };
    let path = format!("/v1/environments/{environment}/populations");
    server.record("GET", &path, &query, &token);
    if server
        .script
        .throttle_first_populations
        .swap(false, Ordering::SeqCst)
    {
        let mut response = error(
            StatusCode::TOO_MANY_REQUESTS,
            "REQUEST_LIMITED",
            "Too many requests",
        );
        response
            .headers_mut()
            .insert("retry-after", "1".parse().unwrap());
        return response;
    }
    let all = [("p1", "Employees"), ("p2", "Contractors"), ("p3", "Admins")];
    let (cursor, rest) = split_cursor(&query);
    let page: Vec<Value> = all
        .iter()
        .skip(cursor)
        .take(2)
        .map(|(id, name)| json!({"id": id, "name": name, "userCount": 0}))
        .collect();
    let mut links = json!({"self": {"href": format!("{}{path}?{}", server.base, query.clone().unwrap_or_default())}});
    if server.script.populations_link_to_themselves {
        links["next"] = links["self"].clone();
    } else if cursor + 2 < all.len() {
        links["next"] =
            json!({"href": format!("{}{path}?{rest}&cursor={}", server.base, cursor + 2)});
    }
    axum::Json(json!({"_links": links, "_embedded": {"populations": page}, "size": page.len()}))
        .into_response()
}

/// The usernames of `username eq "a" or username eq "b"`, unescaped.
fn asked_usernames(filter: &str) -> Vec<String> {
    filter
        .split(" or ")
        .map(|clause| {
            let literal = clause
                .strip_prefix("username eq \"")
                .and_then(|rest| rest.strip_suffix('"'))
                .unwrap_or_else(|| panic!("unexpected clause {clause}"));
            literal.replace("\\\"", "\"").replace("\\\\", "\\")
        })
        .collect()
}

fn query_value(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| percent_decode(value))
    })
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut decoded = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap();
            decoded.push(u8::from_str_radix(hex, 16).unwrap());
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).unwrap()
}

async fn users(
    State(server): State<Shared>,
    Path(environment): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let token = match server.bearer(&headers) {
        Ok(token) => token,
        Err(response) => return *response,
    };
    let path = format!("/v1/environments/{environment}/users");
    server.record("GET", &path, &query, &token);
    if server
        .script
        .expire_token_on_first_users
        .swap(false, Ordering::SeqCst)
    {
        server
            .valid_tokens
            .lock()
            .unwrap()
            .retain(|valid| *valid != token);
        return error(
            StatusCode::UNAUTHORIZED,
            "ACCESS_FAILED",
            "The access token is invalid or has expired.",
        );
    }
    let (cursor, rest) = split_cursor(&query);
    let filter = query_value(&rest, "filter").expect("a filter");
    let asked: Vec<String> = asked_usernames(&filter)
        .into_iter()
        .map(|name| name.to_lowercase())
        .collect();
    let matching: Vec<(usize, &String)> = server
        .script
        .usernames
        .iter()
        .enumerate()
        .filter(|(_, name)| asked.contains(&name.to_lowercase()))
        .collect();
    let size = server.script.users_page_size;
    let page: Vec<Value> = matching
        .iter()
        .skip(cursor)
        .take(size)
        .map(|(index, name)| {
            json!({"id": format!("u{index}"), "username": name, "enabled": index % 2 == 0,
                   "population": {"id": "p1"}, "email": format!("{name}")})
        })
        .collect();
    let mut links = json!({"self": {"href": format!("{}{path}?{}", server.base, query.clone().unwrap_or_default())}});
    if cursor + size < matching.len() {
        links["next"] =
            json!({"href": format!("{}{path}?{rest}&cursor={}", server.base, cursor + size)});
    }
    axum::Json(json!({"_links": links, "_embedded": {"users": page}, "size": page.len()}))
        .into_response()
}

async fn start(script: Script) -> Shared {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = Arc::new(Server {
        base,
        script,
        log: Mutex::new(Vec::new()),
        issued: AtomicUsize::new(0),
        valid_tokens: Mutex::new(Vec::new()),
    });
    let router = Router::new()
        .route("/auth/{environment}/as/token", post(token))
        .route("/v1/environments/{environment}", get(environment))
        .route(
            "/v1/environments/{environment}/populations",
            get(populations),
        )
        .route("/v1/environments/{environment}/users", get(users))
        .with_state(server.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    server
}

fn client(server: &Server, environment_id: &str, secret: &str) -> PingOne {
    PingOne::new(PingOneSettings {
        api_url: format!("{}/v1", server.base),
        auth_url: format!("{}/auth", server.base),
        environment_id: environment_id.to_string(),
        client_id: CLIENT_ID.to_string(),
        client_secret: Secret::new(secret),
        ca_file: None,
        request_timeout: Duration::from_secs(10),
    })
    .unwrap()
}

fn user(index: usize, username: &str, enabled: bool) -> User {
    User {
        id: format!("u{index}"),
        username: username.to_string(),
        population_id: Some("p1".to_string()),
        enabled,
    }
}

#[tokio::test]
async fn a_plan_reads_with_one_token_follows_pages_waits_out_429_and_renews_an_expired_token() {
    let script = Script::new(&[
        "alice@corp.example.com",
        "bob@corp.example.com",
        "carol@corp.example.com",
    ]);
    script
        .throttle_first_populations
        .store(true, Ordering::SeqCst);
    script
        .expire_token_on_first_users
        .store(true, Ordering::SeqCst);
    let server = start(script).await;
    let pingone = client(&server, ENVIRONMENT, CLIENT_SECRET);

    assert_eq!(
        pingone.environment().await.unwrap(),
        Environment {
            id: ENVIRONMENT.into(),
            name: "Workforce-Prod".into(),
            region: "EU".into()
        }
    );

    let started = Instant::now();
    let populations = pingone.populations().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was not honoured ({:?})",
        started.elapsed()
    );
    assert_eq!(
        populations,
        vec![
            Population {
                id: "p1".into(),
                name: "Employees".into(),
                user_count: Some(0),
            },
            Population {
                id: "p2".into(),
                name: "Contractors".into(),
                user_count: Some(0),
            },
            Population {
                id: "p3".into(),
                name: "Admins".into(),
                user_count: Some(0),
            },
        ]
    );

    let asked = [
        "CAROL@corp.example.com".to_string(),
        "alice@corp.example.com".to_string(),
        "nobody@corp.example.com".to_string(),
    ];
    assert_eq!(
        pingone.users_by_username(&asked).await.unwrap(),
        vec![
            user(0, "alice@corp.example.com", true),
            user(2, "carol@corp.example.com", true),
        ]
    );

    let filter = "filter=username%20eq%20%22CAROL%40corp.example.com%22%20or%20username%20eq%20%22alice%40corp.example.com%22%20or%20username%20eq%20%22nobody%40corp.example.com%22";
    let environment = format!("/v1/environments/{ENVIRONMENT}");
    assert_eq!(
        server.log(),
        vec![
            format!("POST /auth/{ENVIRONMENT}/as/token basic"),
            format!("GET {environment} token-1"),
            format!("GET {environment}/populations?limit=100 token-1"),
            format!("GET {environment}/populations?limit=100 token-1"),
            format!("GET {environment}/populations?limit=100&cursor=2 token-1"),
            format!("GET {environment}/users?limit=1000&{filter} token-1"),
            format!("POST /auth/{ENVIRONMENT}/as/token basic"),
            format!("GET {environment}/users?limit=1000&{filter} token-2"),
            format!("GET {environment}/users?limit=1000&{filter}&cursor=1 token-2"),
        ]
    );
}

#[tokio::test]
async fn an_unknown_environment_is_named_in_the_error() {
    let server = start(Script::new(&[])).await;
    let pingone = client(&server, "missing-environment", CLIENT_SECRET);
    let error = pingone.environment().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "PingOne environment missing-environment was not found ({}/v1/environments/missing-environment)",
            server.base
        )
    );
    assert_eq!(server.log().len(), 2);
}

#[tokio::test]
async fn refused_worker_credentials_name_the_client_and_never_the_secret() {
    let server = start(Script::new(&[])).await;
    let pingone = client(&server, ENVIRONMENT, "wrong-secret-value");
    let error = pingone.populations().await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("PingOne refused the worker credentials for client `client-1`"),
        "{text}"
    );
    assert!(
        text.ends_with("invalid_client: Invalid client credentials"),
        "{text}"
    );
    for shown in [text, format!("{error:?}")] {
        assert!(!shown.contains("wrong-secret-value"), "{shown}");
    }
    // A refused token request is not retried: it would only be refused again.
    assert_eq!(server.log().len(), 1);
}

#[tokio::test]
async fn a_long_batch_is_split_into_urls_of_at_most_2000_characters() {
    let usernames: Vec<String> = (0..120)
        .map(|index| format!("first.last-{index:03}@subsidiary.corp.example.com"))
        .collect();
    let names: Vec<&str> = usernames.iter().map(String::as_str).collect();
    let mut script = Script::new(&names);
    script.users_page_size = 1_000;
    let server = start(script).await;
    let pingone = client(&server, ENVIRONMENT, CLIENT_SECRET);

    let found = pingone.users_by_username(&usernames).await.unwrap();
    assert_eq!(found.len(), usernames.len());

    let log = server.log();
    let user_requests: Vec<&String> = log.iter().filter(|line| line.contains("/users?")).collect();
    assert!(
        user_requests.len() > 1,
        "{} request(s)",
        user_requests.len()
    );
    // Each chunk needs ~48 characters per name once encoded; well over 20 fit a URL.
    assert!(
        user_requests.len() <= 120 / 20,
        "{} request(s)",
        user_requests.len()
    );
    for line in &user_requests {
        let target = line.split(' ').nth(1).unwrap();
        let url_length = server.base.len() + target.len();
        assert!(url_length <= 2_000, "{url_length} characters");
    }
    assert_eq!(
        log.len(),
        1 + user_requests.len(),
        "one token for all of them"
    );
}

#[tokio::test]
async fn a_next_link_that_loops_is_refused() {
    let mut script = Script::new(&[]);
    script.populations_link_to_themselves = true;
    let server = start(script).await;
    let pingone = client(&server, ENVIRONMENT, CLIENT_SECRET);
    let error = pingone.populations().await.unwrap_err().to_string();
    assert!(
        error.contains("_links.next repeats a page already read"),
        "{error}"
    );
    assert_eq!(server.log().len(), 2, "token and one page");
}

#[tokio::test]
async fn no_usernames_send_no_request() {
    let server = start(Script::new(&[])).await;
    let pingone = client(&server, ENVIRONMENT, CLIENT_SECRET);
    assert!(pingone.users_by_username(&[]).await.unwrap().is_empty());
    assert!(server.log().is_empty());
}
