//! A token-bucket rate limit per client address, for the token endpoint: each address may make
//! `per_minute` requests a minute, in bursts of as many. It is per process, which is what a
//! flood of one address needs; the sign-in lockout, which must hold across instances, lives in
//! the database.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets per client address.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

/// The most addresses remembered; beyond it, full buckets are forgotten.
const MAX_ADDRESSES: usize = 100_000;

impl RateLimiter {
    /// `per_minute` requests a minute per address (0 turns the limit off).
    #[must_use]
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one request from `addr`'s bucket: `Ok` when there was one, or the whole seconds
    /// until there is.
    ///
    /// # Errors
    /// The seconds to wait.
    pub fn take(&self, addr: IpAddr) -> Result<(), u64> {
        self.take_at(addr, Instant::now())
    }

    fn take_at(&self, addr: IpAddr, now: Instant) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= MAX_ADDRESSES {
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * per_second < capacity);
        }
        let (tokens, at) = buckets.entry(addr).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_second).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            // Whole seconds, at least one.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let wait = ((1.0 - *tokens) / per_second).ceil().max(1.0) as u64;
            Err(wait)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn an_address_gets_its_burst_then_waits_and_others_are_not_affected() {
        let l = RateLimiter::new(3);
        let (a, b) = ("10.0.0.1".parse().unwrap_or(IpAddr::from([0; 4])), IpAddr::from([10, 0, 0, 2]));
        let t = Instant::now();
        assert!((0..3).all(|_| l.take_at(a, t).is_ok()));
        assert_eq!(l.take_at(a, t), Err(20), "one request comes back every 20 s");
        assert!(l.take_at(b, t).is_ok());
        assert!(l.take_at(a, t + Duration::from_secs(20)).is_ok());
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let l = RateLimiter::new(0);
        assert!((0..1000).all(|_| l.take(IpAddr::from([127, 0, 0, 1])).is_ok()));
    }
}
