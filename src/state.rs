//! What every request handler can reach.

use std::net::SocketAddr;
use std::sync::Arc;

use sqlx::PgPool;

use crate::config::{BaseUrl, Config};

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub site: Arc<SiteSettings>,
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
