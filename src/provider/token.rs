//! The worker app's access token: when to reuse it and when to ask for a new one.
//!
//! A token is reused until shortly before it expires, so a request never starts with
//! a token that may lapse in flight. The margin is a minute, or half the lifetime for
//! short-lived tokens, so a token is always used at least once. A 401 from the API
//! discards exactly the token that was refused (not one another task already
//! renewed). The value is a [`Secret`]: it never formats itself.

use std::time::{Duration, Instant};

use crate::model::Secret;

/// The most of a token's life given up to avoid using it near its end.
pub(crate) const SAFETY_MARGIN: Duration = Duration::from_secs(60);

/// One access token and the moment pingform stops using it.
#[derive(Debug, Clone)]
pub(crate) struct AccessToken {
    pub(crate) value: Secret,
    /// Counts the tokens obtained, so a refusal discards only the token it refused.
    pub(crate) generation: u64,
    usable_until: Instant,
}

impl AccessToken {
    /// A token obtained at `obtained_at` that the server says lives `expires_in`.
    pub(crate) fn new(
        value: Secret,
        generation: u64,
        obtained_at: Instant,
        expires_in: Duration,
    ) -> AccessToken {
        let margin = SAFETY_MARGIN.min(expires_in / 2);
        AccessToken {
            value,
            generation,
            usable_until: obtained_at + expires_in.saturating_sub(margin),
        }
    }

    pub(crate) fn is_usable_at(&self, now: Instant) -> bool {
        now < self.usable_until
    }
}

/// The token in use, if any.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    current: Option<AccessToken>,
    generations: u64,
}

impl TokenCache {
    /// The current token when it is still usable at `now`.
    pub(crate) fn usable_at(&self, now: Instant) -> Option<&AccessToken> {
        self.current
            .as_ref()
            .filter(|token| token.is_usable_at(now))
    }

    /// Keeps a freshly obtained token and returns it.
    pub(crate) fn store(
        &mut self,
        value: Secret,
        obtained_at: Instant,
        expires_in: Duration,
    ) -> AccessToken {
        self.generations += 1;
        let token = AccessToken::new(value, self.generations, obtained_at, expires_in);
        self.current = Some(token.clone());
        token
    }

    /// Forgets the token of `generation` after the API refused it; a newer token
    /// stays.
    pub(crate) fn discard(&mut self, generation: u64) {
        if self
            .current
            .as_ref()
            .is_some_and(|token| token.generation == generation)
        {
            self.current = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_reused_until_a_minute_before_it_expires() {
        let start = Instant::now();
        let mut cache = TokenCache::default();
        assert!(cache.usable_at(start).is_none());
        cache.store(Secret::new("t1"), start, Duration::from_secs(3600));
        assert!(cache.usable_at(start + Duration::from_secs(3539)).is_some());
        assert!(cache.usable_at(start + Duration::from_secs(3540)).is_none());
        assert!(cache.usable_at(start + Duration::from_secs(4000)).is_none());
    }

    #[test]
    fn short_lived_tokens_keep_half_their_life() {
        let start = Instant::now();
        let token = AccessToken::new(Secret::new("t"), 1, start, Duration::from_secs(10));
        assert!(token.is_usable_at(start + Duration::from_millis(4_999)));
        assert!(!token.is_usable_at(start + Duration::from_secs(5)));
        let expired = AccessToken::new(Secret::new("t"), 1, start, Duration::ZERO);
        assert!(!expired.is_usable_at(start));
    }

    #[test]
    fn a_refusal_discards_only_the_refused_token() {
        let start = Instant::now();
        let mut cache = TokenCache::default();
        let first = cache.store(Secret::new("t1"), start, Duration::from_secs(3600));
        let second = cache.store(Secret::new("t2"), start, Duration::from_secs(3600));
        assert_eq!((first.generation, second.generation), (1, 2));
        cache.discard(first.generation);
        assert_eq!(cache.usable_at(start).unwrap().value.expose(), "t2");
        cache.discard(second.generation);
        assert!(cache.usable_at(start).is_none());
    }

    #[test]
    fn a_token_never_prints_its_value() {
        let token = AccessToken::new(
            Secret::new("eyJ.secret.token"),
            1,
            Instant::now(),
            Duration::from_secs(60),
        );
        assert!(!format!("{token:?}").contains("eyJ"));
    }
}
