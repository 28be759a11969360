//! The control API for tests (`/_sandbox/...`, outside the PingFederate base path):
//! the log of Admin API and PingOne requests and the queue of injected faults.
//!
//! Owns the log and fault bookkeeping (shared by both APIs' gates) and the control
//! endpoints' JSON shapes. Must not know HTTP: `control_api` serves the endpoints:
//!
//! - `GET /_sandbox/requests` → `{"requests":[{"method","path","status"}...]}`, oldest
//!   first; `path` is relative to `/pf-admin-api/v1` and includes the query string;
//!   PingOne requests are logged with a prefix naming their host:
//!   `pingone:/environments/{id}/users?filter=...` (Management API, relative to
//!   `/pingone/v1`) and `pingone-auth:/{envId}/as/token` (auth host).
//! - `DELETE /_sandbox/requests` → 204, clears the log (not the request counter).
//! - `POST /_sandbox/faults` with `{"method":"GET","path":"/dataStores","status":503,
//!   "count":1,"retry_after":1,"delay_ms":0,"skip":0}` → 201. After letting `skip` (default 0)
//!   matching requests through, the next `count` (default 1) Admin
//!   API requests whose method (optional, any when absent) and path (relative to the
//!   base path; a trailing `*` matches a prefix; optional, any when absent) match get
//!   `status` with an `ApiResult` body (a PingOne error body on PingOne paths) and, when given, a `Retry-After` header, after
//!   `delay_ms`. Without `status`, a fault only delays the request, which then runs
//!   normally (for client timeout tests). `delay_response_ms` lets the request run
//!   first and holds back its answer that long: a write that lands on the server but
//!   whose answer the client gives up on (Admin API only).
//! - `GET /_sandbox/faults` lists the faults still queued; `DELETE` clears them.
//!
//! A fault's `path` is matched against the logged path: `/dataStores*` for the Admin
//! API, `pingone:/environments/*` or `pingone-auth:*` for PingOne (a full path starting
//! with `/pf-admin-api/v1`, `/pingone/v1` or `/pingone-auth` is translated when the
//! fault is queued). A fault without `path` matches a request of any of the three.
//!
//! Requests under `/pf-admin-api/v1`, `/pingone/v1` and `/pingone-auth` are logged and
//! faulted; `request_count` counts Admin API requests, `pingone_request_count` PingOne
//! ones. The PingOne control endpoints are documented in `pingone::routes`.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub status: u16,
    /// When the request arrived and when its answer left, in milliseconds since the
    /// sandbox started: tests read the order of concurrent requests from them.
    pub started_ms: u64,
    pub finished_ms: u64,
    /// The `id` in the body of a POST (the object it creates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub method: Option<String>,
    pub path: Option<String>,
    pub status: Option<u16>,
    #[serde(default = "one")]
    pub count: u32,
    pub retry_after: Option<u64>,
    #[serde(default)]
    pub delay_ms: u64,
    /// Matching requests to let through untouched before the fault applies.
    #[serde(default)]
    pub skip: u32,
    /// The request runs, then its answer waits this long.
    #[serde(default)]
    pub delay_response_ms: u64,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// A problem with the fault itself, if any.
    pub fn problem(&self) -> Option<String> {
        if let Some(status) = self.status
            && !(100..=599).contains(&status)
        {
            return Some(format!("status {status} is not an HTTP status"));
        }
        if self.status.is_none() && self.delay_ms == 0 && self.delay_response_ms == 0 {
            return Some("a fault needs a status, a delay_ms or a delay_response_ms".to_string());
        }
        if self.count == 0 {
            return Some("count must be at least 1".to_string());
        }
        None
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let method_matches = self
            .method
            .as_deref()
            .is_none_or(|wanted| wanted.eq_ignore_ascii_case(method));
        let path_matches = match self.path.as_deref() {
            None => true,
            Some(pattern) => match pattern.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => path == pattern || path.split('?').next() == Some(pattern),
            },
        };
        method_matches && path_matches
    }
}

/// What a matching fault asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggeredFault {
    pub status: Option<u16>,
    pub retry_after: Option<u64>,
    pub delay_ms: u64,
    pub delay_response_ms: u64,
}

#[derive(Debug)]
pub struct Control {
    requests: Vec<LoggedRequest>,
    faults: Vec<Fault>,
    request_count: usize,
    pingone_request_count: usize,
    epoch: std::time::Instant,
}

impl Default for Control {
    fn default() -> Control {
        Control {
            requests: Vec::new(),
            faults: Vec::new(),
            request_count: 0,
            pingone_request_count: 0,
            epoch: std::time::Instant::now(),
        }
    }
}

impl Control {
    /// Milliseconds since the sandbox started, for the request log.
    pub fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    pub fn record(&mut self, request: LoggedRequest) {
        if request.path.starts_with('/') {
            self.request_count += 1;
        } else {
            self.pingone_request_count += 1;
        }
        self.requests.push(request);
    }

    pub fn pingone_request_count(&self) -> usize {
        self.pingone_request_count
    }

    pub fn requests(&self) -> &[LoggedRequest] {
        &self.requests
    }

    pub fn clear_requests(&mut self) {
        self.requests.clear();
    }

    pub fn request_count(&self) -> usize {
        self.request_count
    }

    pub fn queue(&mut self, fault: Fault) {
        self.faults.push(fault);
    }

    pub fn faults(&self) -> &[Fault] {
        &self.faults
    }

    pub fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// Consumes one use of the first fault matching this request.
    pub fn trigger(&mut self, method: &str, path: &str) -> Option<TriggeredFault> {
        let index = self
            .faults
            .iter()
            .position(|fault| fault.matches(method, path))?;
        let fault = &mut self.faults[index];
        if fault.skip > 0 {
            fault.skip -= 1;
            return None;
        }
        let triggered = TriggeredFault {
            status: fault.status,
            retry_after: fault.retry_after,
            delay_ms: fault.delay_ms,
            delay_response_ms: fault.delay_response_ms,
        };
        fault.count -= 1;
        if fault.count == 0 {
            self.faults.remove(index);
        }
        Some(triggered)
    }
}

/// The one log and fault queue of a sandbox, held by both APIs and the control API.
pub type SharedControl = Arc<Mutex<Control>>;

/// Locks the shared log and queue; a request that panicked while holding them does not
/// take the sandbox down with it.
pub fn lock(control: &Mutex<Control>) -> MutexGuard<'_, Control> {
    control.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(path: &str, count: u32) -> Fault {
        Fault {
            method: Some("get".into()),
            path: Some(path.into()),
            status: Some(503),
            count,
            retry_after: None,
            delay_ms: 0,
            skip: 0,
            delay_response_ms: 0,
        }
    }

    #[test]
    fn skipped_requests_pass_before_the_fault_applies() {
        let mut control = Control::default();
        control.queue(Fault {
            skip: 1,
            ..fault("/dataStores", 1)
        });
        assert!(control.trigger("GET", "/dataStores").is_none());
        assert_eq!(
            control.trigger("GET", "/dataStores").map(|f| f.status),
            Some(Some(503))
        );
        assert!(control.trigger("GET", "/dataStores").is_none());
    }

    #[test]
    fn faults_are_consumed_count_times() {
        let mut control = Control::default();
        control.queue(fault("/dataStores", 2));
        assert!(control.trigger("POST", "/dataStores").is_none());
        assert!(control.trigger("GET", "/dataStores/x").is_none());
        assert!(control.trigger("GET", "/dataStores").is_some());
        assert!(control.trigger("GET", "/dataStores").is_some());
        assert!(control.trigger("GET", "/dataStores").is_none());
    }

    #[test]
    fn a_fault_may_only_hold_back_the_answer() {
        let mut control = Control::default();
        let late = Fault {
            status: None,
            delay_response_ms: 3000,
            ..fault("/dataStores", 1)
        };
        assert_eq!(late.problem(), None);
        control.queue(late);
        let triggered = control.trigger("GET", "/dataStores").unwrap();
        assert_eq!(
            (
                triggered.status,
                triggered.delay_ms,
                triggered.delay_response_ms
            ),
            (None, 0, 3000)
        );
        let nothing = Fault {
            status: None,
            ..fault("/dataStores", 1)
        };
        assert!(nothing.problem().unwrap().contains("delay_response_ms"));
    }

    #[test]
    fn star_matches_a_prefix() {
        let mut control = Control::default();
        control.queue(fault("/dataStores*", 1));
        assert!(control.trigger("GET", "/dataStores/x").is_some());
    }
}
