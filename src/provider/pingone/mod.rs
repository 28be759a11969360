//! The PingOne Management API, read only: the environment, its populations, and the
//! users that exclusions name. pingform never writes PingOne; PingFederate does.
//!
//! Requests go through one session (`session.rs`): a worker token fetched with
//! client credentials and reused until shortly before it expires, bearer requests with
//! bounded retries on 429 (`Retry-After`) and 502/503/504, and HAL paging through
//! `_links.next`. Errors name what failed: the environment, the worker client, the
//! filter PingOne refused.
//!
//! Request count of a plan's reads, with no retries and no token renewal:
//! `1 token + 1 environment + ceil(populations / 100) + Σ ceil(users_i / 1000)` over
//! the username chunks `i`, where a chunk is as many usernames as fit one URL of
//! 2,000 characters (about 50 typical e-mail usernames). PingOne may return pages
//! smaller than the limit asked for, in which case `next` is followed and the page
//! terms grow accordingly. Since usernames are unique, a chunk of fewer than 1,000
//! names matches at most that many users and takes one request. A 401 adds one token
//! request and one repeat; each retry adds one request. An empty collection still
//! costs its one request (read each `ceil` as at least 1); no usernames, no user
//! request.

mod error_body;
mod resources;
mod session;
mod settings;
mod username_filter;

pub use resources::Environment;
pub use settings::{PingOneSettings, REGIONS, region_urls};

use crate::provider::percent::percent_encode;
use futures_util::StreamExt;
use resources::{PopulationWire, UserWire};

use crate::model::{PingOnePopulation, PingOneUser, PingOneView};
use session::Session;
use username_filter::{MAX_URL_LENGTH, username_filters};

use super::ProviderError;

/// Populations asked for per page.
pub const POPULATION_PAGE_LIMIT: usize = 100;
/// Users asked for per page: PingOne's maximum.
pub const USER_PAGE_LIMIT: usize = 1_000;
/// Username chunks read at once: half of the 100 requests per second PingOne allows
/// one source address (reference §10, "platform limits"), so one burst of reads stays
/// within a second's budget. About 33 usernames fit a chunk: up to 1,650 exclusions
/// are read in one round trip; a 429 beyond that is retried after `Retry-After`.
const CHUNKS_IN_FLIGHT: usize = 50;

/// A read-only client for one PingOne environment.
pub struct PingOne {
    session: Session,
}

impl PingOne {
    /// Checks the settings and builds the HTTP client; sends nothing.
    pub fn new(settings: PingOneSettings) -> Result<PingOne, ProviderError> {
        Ok(PingOne {
            session: Session::new(&settings)?,
        })
    }

    /// Everything a plan reads: the environment, its populations, and the users with
    /// these usernames (exclusions), the last two concurrently.
    pub async fn view(&self, usernames: &[String]) -> Result<PingOneView, ProviderError> {
        // One token request (the session holds it while the first read waits), then
        // every read at once: two round trips of latency, plus paging.
        let (environment, populations, users) = tokio::join!(
            self.environment(),
            self.populations(),
            self.users_by_username(usernames)
        );
        let environment = environment?;
        Ok(PingOneView {
            environment_id: environment.id,
            environment_name: environment.name,
            populations: populations?,
            users: users?,
        })
    }

    pub fn api_url(&self) -> &str {
        self.session.api_url()
    }

    pub fn environment_id(&self) -> &str {
        self.session.environment_id()
    }

    fn environment_url(&self) -> String {
        format!(
            "{}/environments/{}",
            self.session.api_url(),
            percent_encode(self.session.environment_id())
        )
    }

    /// `GET /environments/{id}`; an unknown environment is
    /// [`ProviderError::PingOneEnvironmentNotFound`].
    pub async fn environment(&self) -> Result<Environment, ProviderError> {
        let url = self.environment_url();
        let body = match self.session.get(&url).await {
            Ok(body) => body,
            Err(ProviderError::NotFound { url, .. }) => {
                return Err(ProviderError::PingOneEnvironmentNotFound {
                    environment_id: self.session.environment_id().to_string(),
                    url,
                });
            }
            Err(error) => return Err(error),
        };
        Environment::deserialize_from(&body).map_err(|detail| ProviderError::InvalidResponse {
            method: "GET".into(),
            url,
            detail,
        })
    }

    /// Every population of the environment, all pages.
    pub async fn populations(&self) -> Result<Vec<PingOnePopulation>, ProviderError> {
        let url = format!(
            "{}/populations?limit={POPULATION_PAGE_LIMIT}",
            self.environment_url()
        );
        let populations: Vec<PopulationWire> = self.session.collect(url, "populations").await?;
        Ok(populations
            .into_iter()
            .map(PingOnePopulation::from)
            .collect())
    }

    /// The users whose username is one of `usernames` (compared case-insensitively by
    /// PingOne), sorted by username: one filtered query for the whole batch, split
    /// only when the URL would grow past 2,000 characters. Names without a user are
    /// simply absent from the result. No names, no request.
    pub async fn users_by_username(
        &self,
        usernames: &[String],
    ) -> Result<Vec<PingOneUser>, ProviderError> {
        let prefix = format!(
            "{}/users?limit={USER_PAGE_LIMIT}&filter=",
            self.environment_url()
        );
        let budget = MAX_URL_LENGTH.saturating_sub(prefix.len());
        // Every chunk at once, a bounded number in flight.
        let chunks: Vec<Result<Vec<UserWire>, ProviderError>> =
            futures_util::stream::iter(username_filters(usernames, budget))
                .map(|filter| {
                    let url = format!("{prefix}{}", percent_encode(&filter));
                    self.session.collect(url, "users")
                })
                .buffer_unordered(CHUNKS_IN_FLIGHT)
                .collect()
                .await;
        let mut users = Vec::new();
        for chunk in chunks {
            users.extend(chunk?.into_iter().map(PingOneUser::from));
        }
        users.sort_by(|left, right| {
            left.username
                .to_lowercase()
                .cmp(&right.username.to_lowercase())
                .then_with(|| left.id.cmp(&right.id))
        });
        users.dedup_by(|left, right| left.id == right.id);
        Ok(users)
    }

    /// The worker app's client id, for messages.
    pub fn client_id(&self) -> &str {
        self.session.client_id()
    }
}

impl Environment {
    fn deserialize_from(body: &serde_json::Value) -> Result<Environment, String> {
        serde::Deserialize::deserialize(body).map_err(|error| error.to_string())
    }
}
