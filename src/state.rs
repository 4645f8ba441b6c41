//! What every request handler can reach.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use axum::http::HeaderMap;
use sqlx::PgPool;

use crate::config::{BaseUrl, Config};
use crate::inquiry::receipt::ReceiptKey;
use crate::inquiry::token::FormTokenKey;
use crate::rate_limit::RateLimiter;
use crate::staff::session::SessionPolicy;
use crate::web::client_address::ClientAddressing;
use crate::web::page_cache::PageCache;
use crate::web::security_headers;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    /// The public pages, rendered and compressed ahead.
    pub pages: PageCache,
    pub site: Arc<SiteSettings>,
    /// Signs and checks the tokens of every form the site shows (inquiry and sign-in).
    pub form_tokens: Arc<FormTokenKey>,
    /// How to tell the client's address behind a reverse proxy (CLIENT_IP_HEADER,
    /// TRUSTED_PROXIES).
    pub clients: Arc<ClientAddressing>,
    pub intake: Arc<InquiryIntake>,
    pub staff: Arc<StaffArea>,
}

impl FromRef<AppState> for PageCache {
    fn from_ref(state: &AppState) -> Self {
        state.pages.clone()
    }
}

/// Settings that shape what pages say, fixed for the life of the process.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    pub base_url: BaseUrl,
    pub inquiry_retention_days: u32,
    /// The domain of MAIL_FROM, for the Message-IDs of the emails the site sends.
    pub message_id_domain: String,
    /// What every response carries (`web::security_headers`).
    pub security_headers: HeaderMap,
}

impl SiteSettings {
    /// The settings of a site that `config` describes and that listens on `listening_on`.
    pub fn new(config: &Config, listening_on: SocketAddr) -> Self {
        let base_url = config
            .base_url
            .clone()
            .unwrap_or_else(|| BaseUrl::of_listener(listening_on));
        Self {
            security_headers: security_headers::for_site(&base_url),
            base_url,
            inquiry_retention_days: config.inquiry_retention_days,
            message_id_domain: config.mail.mail_from.email.domain().to_owned(),
        }
    }
}

/// What the inquiry form needs to take in submissions.
pub struct InquiryIntake {
    pub rate_limiter: RateLimiter,
    pub min_fill_time: Duration,
    /// Makes and checks the tokens in the confirmation pages' addresses.
    pub receipts: ReceiptKey,
}

/// What the staff area needs beyond the database.
pub struct StaffArea {
    pub sessions: SessionPolicy,
    /// Mark the session cookie `Secure` (BASE_URL is https).
    pub secure_cookie: bool,
    /// The office emails go to the facts' email (OFFICE_EMAIL is not set), so it must not be
    /// left empty.
    pub office_email_from_facts: bool,
    /// MAIL_HOLD: the site sends no email (a trial copy); the overview says so.
    pub mail_held: bool,
    /// Failed sign-ins per client: they slow down further attempts, and too many lock the
    /// client out for a while.
    pub failed_sign_ins: RateLimiter,
}
