//! How many inquiries one client may send, counted in memory only. Clients are known by a keyed
//! hash of their address under a key that lives as long as the process, so not even memory holds
//! the address, and nothing of it survives a restart.

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
    recent: Mutex<HashMap<[u8; 16], VecDeque<Instant>>>,
}

/// Above this many clients in the table, clients without recent requests are forgotten.
const PRUNE_ABOVE: usize = 10_000;

impl RateLimiter {
    pub fn new(max_per_window: u32, window: Duration) -> Self {
        let mut key = [0_u8; 64];
        rand::fill(&mut key);
        Self {
            key,
            max_per_window: max_per_window as usize,
            window,
            recent: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request from `client` at `now`; false if the client is over its limit.
    pub fn allow(&self, client: IpAddr, now: Instant) -> bool {
        let client = self.pseudonym(client);
        // A poisoned lock only means another request panicked mid-update; the counts stay usable.
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let window = self.window;
        if recent.len() > PRUNE_ABOVE {
            recent.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|last| now.duration_since(*last) < window)
            });
        }
        let times = recent.entry(client).or_default();
        while times
            .front()
            .is_some_and(|first| now.duration_since(*first) >= window)
        {
            times.pop_front();
        }
        if times.len() >= self.max_per_window {
            return false;
        }
        times.push_back(now);
        true
    }

    fn pseudonym(&self, client: IpAddr) -> [u8; 16] {
        let mut mac = Hmac::<Sha256>::new(&self.key.into());
        match client {
            IpAddr::V4(address) => mac.update(&address.octets()),
            IpAddr::V6(address) => mac.update(&address.octets()),
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
    fn a_client_may_send_up_to_the_limit_per_window() {
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
}
