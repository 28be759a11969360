//! Access tokens the sandbox issues, for the PingOne auth host and for the Admin API's
//! OAuth 2.0 mode: random opaque strings remembered with what they were issued for (a
//! PingOne environment, an Admin API client) and their expiry.
//!
//! Owns issuing, checking and expiring tokens and the token lifetime (3600 seconds by
//! default, as PingOne; changeable through the control API so tests can make tokens
//! expire). Must not know HTTP or client authentication.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::random_identifiers::{self, RandomFailure};

pub const DEFAULT_TOKEN_LIFETIME_SECONDS: u64 = 3600;

#[derive(Debug, Clone)]
struct IssuedToken {
    subject: String,
    expires_at: Instant,
}

/// Why a bearer token is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    Unknown,
    Expired,
}

#[derive(Debug)]
pub struct TokenBook {
    tokens: HashMap<String, IssuedToken>,
    lifetime: Duration,
}

impl Default for TokenBook {
    fn default() -> Self {
        Self {
            tokens: HashMap::new(),
            lifetime: Duration::from_secs(DEFAULT_TOKEN_LIFETIME_SECONDS),
        }
    }
}

impl TokenBook {
    /// A new token for `subject` (what it was issued for), with its lifetime in seconds.
    pub fn issue(&mut self, subject: &str) -> Result<(String, u64), RandomFailure> {
        let now = Instant::now();
        self.tokens.retain(|_, issued| issued.expires_at > now);
        let token = random_identifiers::token()?;
        self.tokens.insert(
            token.clone(),
            IssuedToken {
                subject: subject.to_string(),
                expires_at: now + self.lifetime,
            },
        );
        Ok((token, self.lifetime.as_secs()))
    }

    /// The environment a valid token was issued for.
    pub fn subject_of(&self, token: &str) -> Result<&str, TokenProblem> {
        match self.tokens.get(token) {
            None => Err(TokenProblem::Unknown),
            Some(issued) if issued.expires_at <= Instant::now() => Err(TokenProblem::Expired),
            Some(issued) => Ok(&issued.subject),
        }
    }

    /// Makes every token issued so far expired (they stay known, so a client sees
    /// "expired", not "unknown").
    pub fn expire_all(&mut self) -> usize {
        let now = Instant::now();
        for issued in self.tokens.values_mut() {
            issued.expires_at = now;
        }
        self.tokens.len()
    }

    pub fn set_lifetime(&mut self, seconds: u64) {
        self.lifetime = Duration::from_secs(seconds);
    }

    pub fn lifetime_seconds(&self) -> u64 {
        self.lifetime.as_secs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_and_expire() {
        let mut book = TokenBook::default();
        let (token, lifetime) = book.issue("env").unwrap();
        assert_eq!(lifetime, 3600);
        assert_eq!(book.subject_of(&token), Ok("env"));
        assert_eq!(book.subject_of("nope"), Err(TokenProblem::Unknown));
        book.expire_all();
        assert_eq!(book.subject_of(&token), Err(TokenProblem::Expired));
        let (fresh, _) = book.issue("env").unwrap();
        assert_eq!(book.subject_of(&fresh), Ok("env"));
    }

    #[test]
    fn a_zero_lifetime_gives_tokens_that_are_already_expired() {
        let mut book = TokenBook::default();
        book.set_lifetime(0);
        let (token, lifetime) = book.issue("env").unwrap();
        assert_eq!(lifetime, 0);
        assert_eq!(book.subject_of(&token), Err(TokenProblem::Expired));
    }
}
