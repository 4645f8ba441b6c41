//! What every request handler can reach.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderName;
use sqlx::PgPool;
use tokio::sync::Notify;

use crate::config::{BaseUrl, Config};
use crate::inquiry::rate_limit::RateLimiter;
use crate::inquiry::token::FormTokenKey;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub site: Arc<SiteSettings>,
    pub intake: Arc<InquiryIntake>,
}

/// Settings that shape what pages say, fixed for the life of the process.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    pub base_url: BaseUrl,
    pub inquiry_retention_days: u32,
}

impl SiteSettings {
    /// The settings of a site that `config` describes and that listens on `listening_on`.
    pub fn new(config: &Config, listening_on: SocketAddr) -> Self {
        Self {
            base_url: config
                .base_url
                .clone()
                .unwrap_or_else(|| BaseUrl::of_listener(listening_on)),
            inquiry_retention_days: config.inquiry_retention_days,
        }
    }
}

/// What the inquiry form needs to take in submissions.
pub struct InquiryIntake {
    pub tokens: FormTokenKey,
    pub rate_limiter: RateLimiter,
    pub min_fill_time: Duration,
    /// CLIENT_IP_HEADER, when the site runs behind a reverse proxy.
    pub client_ip_header: Option<HeaderName>,
    /// The domain of MAIL_FROM, for the office emails' Message-IDs.
    pub message_id_domain: String,
    /// Wakes the delivery worker when an inquiry has queued an email.
    pub mail_wake: Arc<Notify>,
}
