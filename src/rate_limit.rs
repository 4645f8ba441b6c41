//! Counting what one client does (inquiries sent, failed sign-ins) within a time window, in
//! memory only. Clients are known by a keyed hash of their address under a key that lives as long
//! as the process, so not even memory holds the address, and nothing of it survives a restart.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub struct RateLimiter {
    key: [u8; 64],
    max_per_window: usize,
    window: Duration,
    events: Mutex<HashMap<[u8; 16], VecDeque<Instant>>>,
}

/// Above this many clients in the table, clients without recent events are forgotten.
const PRUNE_ABOVE: usize = 10_000;

impl RateLimiter {
    pub fn new(max_per_window: u32, window: Duration) -> Self {
        let mut key = [0_u8; 64];
        rand::fill(&mut key);
        Self {
            key,
            max_per_window: max_per_window as usize,
            window,
            events: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an event of `client` at `now`, unless the client is already at its limit;
    /// returns whether it was within the limit.
    pub fn allow(&self, client: IpAddr, now: Instant) -> bool {
        self.with_recent(client, now, |times, max| {
            if times.len() >= max {
                return false;
            }
            times.push_back(now);
            true
        })
    }

    /// How many events of `client` fall within the window ending at `now`.
    pub fn recent(&self, client: IpAddr, now: Instant) -> usize {
        self.with_recent(client, now, |times, _| times.len())
    }

    /// Counts an event of `client` at `now`, limit or not.
    pub fn record(&self, client: IpAddr, now: Instant) {
        self.with_recent(client, now, |times, _| times.push_back(now));
    }

    /// Takes back the latest event of `client` (a sign-in that was counted as a failure until
    /// it succeeded).
    pub fn forgive(&self, client: IpAddr, now: Instant) {
        self.with_recent(client, now, |times, _| {
            times.pop_back();
        });
    }

    /// How long `client` must wait from `now` until it is under the limit again (zero when it
    /// is), rounded up to whole seconds for a `Retry-After` header.
    pub fn retry_after(&self, client: IpAddr, now: Instant) -> Duration {
        let wait = self.with_recent(client, now, |times, max| {
            if times.len() < max {
                return Duration::ZERO;
            }
            // The event whose leaving the window brings the count under the limit.
            times
                .get(times.len() - max)
                .map_or(Duration::ZERO, |first| {
                    self.window.saturating_sub(now.duration_since(*first))
                })
        });
        Duration::from_secs(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
    }

    /// Whether `client` has reached the limit within the window ending at `now`.
    pub fn is_exhausted(&self, client: IpAddr, now: Instant) -> bool {
        self.recent(client, now) >= self.max_per_window
    }

    /// Runs `action` on the client's events within the window (older ones dropped first).
    fn with_recent<T>(
        &self,
        client: IpAddr,
        now: Instant,
        action: impl FnOnce(&mut VecDeque<Instant>, usize) -> T,
    ) -> T {
        let client = self.pseudonym(client);
        // A poisoned lock only means another request panicked mid-update; the counts stay usable.
        let mut events = self
            .events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let window = self.window;
        if events.len() > PRUNE_ABOVE {
            events.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|last| now.duration_since(*last) < window)
            });
            // Still full after forgetting the idle: a flood from very many addresses. Starting
            // afresh beats pruning on every request or growing without bound.
            if events.len() > PRUNE_ABOVE / 2 {
                events.clear();
            }
        }
        let times = events.entry(client).or_default();
        while times
            .front()
            .is_some_and(|first| now.duration_since(*first) >= window)
        {
            times.pop_front();
        }
        action(times, self.max_per_window)
    }

    fn pseudonym(&self, client: IpAddr) -> [u8; 16] {
        let mut mac = Hmac::<Sha256>::new(&self.key.into());
        match client {
            IpAddr::V4(address) => mac.update(&address.octets()),
            // One IPv6 client usually holds a whole /64; counting its addresses apart would
            // let it send without limit.
            IpAddr::V6(address) => mac.update(&address.octets()[..8]),
        }
        let digest = mac.finalize().into_bytes();
        let mut pseudonym = [0_u8; 16];
        pseudonym.copy_from_slice(&digest[..16]);
        pseudonym
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_may_act_up_to_the_limit_per_window() {
        let limiter = RateLimiter::new(2, Duration::from_secs(3600));
        let client: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "2001:db8::1".parse().unwrap();
        let start = Instant::now();
        assert!(limiter.allow(client, start));
        assert!(limiter.allow(client, start + Duration::from_secs(1)));
        assert!(!limiter.allow(client, start + Duration::from_secs(2)));
        assert!(
            limiter.allow(other, start + Duration::from_secs(2)),
            "others are not affected"
        );
        assert!(
            limiter.allow(client, start + Duration::from_secs(3601)),
            "the window moves on"
        );
    }

    #[test]
    fn a_client_at_its_limit_is_told_when_it_may_go_on() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let client: IpAddr = "192.0.2.9".parse().unwrap();
        let start = Instant::now();
        assert_eq!(limiter.retry_after(client, start), Duration::ZERO);
        limiter.record(client, start);
        limiter.record(client, start + Duration::from_millis(10_500));
        assert_eq!(
            limiter.retry_after(client, start + Duration::from_secs(20)),
            Duration::from_secs(40)
        );
        limiter.record(client, start + Duration::from_secs(30));
        assert_eq!(
            limiter.retry_after(client, start + Duration::from_secs(30)),
            Duration::from_secs(41),
            "the second event must leave the window, rounded up"
        );
    }

    #[test]
    fn the_addresses_of_one_ipv6_network_count_together() {
        let limiter = RateLimiter::new(1, Duration::from_secs(60));
        let start = Instant::now();
        assert!(limiter.allow("2001:db8:1:2::1".parse().unwrap(), start));
        assert!(!limiter.allow("2001:db8:1:2:ffff::9".parse().unwrap(), start));
        assert!(
            limiter.allow("2001:db8:1:3::1".parse().unwrap(), start),
            "another /64"
        );
    }

    #[test]
    fn events_can_be_counted_apart_from_the_check() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let client: IpAddr = "192.0.2.7".parse().unwrap();
        let start = Instant::now();
        assert_eq!(limiter.recent(client, start), 0);
        limiter.record(client, start);
        limiter.record(client, start);
        limiter.record(client, start);
        assert_eq!(limiter.recent(client, start), 3);
        assert!(limiter.is_exhausted(client, start));
        limiter.forgive(client, start);
        assert_eq!(limiter.recent(client, start), 2);
        assert!(!limiter.is_exhausted(client, start + Duration::from_secs(61)));
    }
}
