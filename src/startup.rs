//! Starting and stopping the site. `main` and the tests go through the same [`Application`].

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use metrics_exporter_prometheus::PrometheusHandle;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::app;
use crate::config::Config;
use crate::content::{defaults, facts};
use crate::database::notifications::DatabaseEvents;
use crate::database::{self, DatabaseError};
use crate::input::EmailAddress;
use crate::inquiry::receipt::{self, ReceiptKey};
use crate::inquiry::reminder::{self, ReminderSettings};
use crate::inquiry::retention;
use crate::inquiry::token::{FormTokenKey, KEY_LENGTH};
use crate::mail::transport::{MailSetupError, MailTransport};
use crate::mail::worker::DeliveryWorker;
use crate::monitoring::{self, MetricsError};
use crate::rate_limit::RateLimiter;
use crate::secrets;
use crate::serving::connections::{self, ConnectionLimits};
use crate::staff::session::SessionPolicy;
use crate::state::{AppState, InquiryIntake, SiteSettings, StaffArea};
use crate::web::client_address::ClientAddressing;
use crate::web::front_door::FrontDoor;
use crate::web::page_cache::{PageCache, RefreshError};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DatabaseError),
    #[error("cannot store the default content")]
    DefaultContent(#[source] sqlx::Error),
    #[error("cannot load or create the keys of form tokens and receipts")]
    FormTokenKey(#[source] sqlx::Error),
    #[error("cannot render the pages")]
    Pages(#[from] RefreshError),
    #[error(transparent)]
    Mail(#[from] MailSetupError),
    #[error("cannot listen on BIND={address}: {source}")]
    Bind {
        address: SocketAddr,
        source: io::Error,
    },
    #[error("cannot listen on METRICS_BIND={address}: {source}")]
    MetricsBind {
        address: SocketAddr,
        source: io::Error,
    },
    #[error(transparent)]
    Metrics(#[from] MetricsError),
}

/// Failed sign-ins from one client within `CLIENT_LOCK_WINDOW` after which it must wait.
const CLIENT_SIGN_IN_FAILURES: u32 = 10;
const CLIENT_LOCK_WINDOW: Duration = Duration::from_secs(15 * 60);

/// A site that is ready to serve: database prepared, mail transport set up, port bound.
pub struct Application {
    listener: TcpListener,
    /// The metrics' own listener and what renders them, when METRICS_BIND is set.
    metrics: Option<(TcpListener, PrometheusHandle)>,
    state: AppState,
    delivery: DeliveryWorker,
    retention_days: u32,
    reminders: ReminderSettings,
    clock: crate::clock::Clock,
    connection_limits: ConnectionLimits,
}

impl Application {
    /// Prepares the database named by `config` (creating and migrating it as needed, inserting
    /// default content where it is missing), sets up mail and binds the listening socket.
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let pool = database::connect_and_migrate(&config.database_url).await?;
        defaults::insert_missing(&pool)
            .await
            .map_err(StartupError::DefaultContent)?;
        report_incomplete_legal_notice(&pool).await;

        let transport = MailTransport::from_config(&config.mail).await?;
        tracing::info!("office emails go to {transport}");
        report_missing_office_address(&pool, config).await;
        let token_key = secrets::load_or_create::<KEY_LENGTH>(&pool, "form-token")
            .await
            .map_err(StartupError::FormTokenKey)?;
        let receipt_key = secrets::load_or_create::<{ receipt::KEY_LENGTH }>(&pool, "receipt")
            .await
            .map_err(StartupError::FormTokenKey)?;
        let intake = InquiryIntake {
            receipts: ReceiptKey::new(receipt_key),
            rate_limiter: RateLimiter::new(
                config.form.rate_limit_per_hour,
                Duration::from_secs(3600),
            ),
            min_fill_time: config.form.min_fill_time,
        };

        let listener =
            TcpListener::bind(config.bind)
                .await
                .map_err(|source| StartupError::Bind {
                    address: config.bind,
                    source,
                })?;
        let listening_on = listener.local_addr().map_err(|source| StartupError::Bind {
            address: config.bind,
            source,
        })?;
        let metrics = match config.metrics_bind {
            Some(address) => {
                let listener = TcpListener::bind(address)
                    .await
                    .map_err(|source| StartupError::MetricsBind { address, source })?;
                tracing::info!("metrics on http://{address}/metrics");
                Some((listener, monitoring::install()?))
            }
            None => None,
        };
        let site = Arc::new(SiteSettings::new(config, listening_on));
        let site_for_reminders = site.base_url.clone();
        let delivery = DeliveryWorker::new(
            pool.clone(),
            Arc::new(transport),
            &config.mail,
            site.base_url.clone(),
        );
        let pages = PageCache::load(&pool, Arc::clone(&site), config.clock.clone()).await?;
        tracing::info!("rendered the pages from the database");
        let staff = StaffArea {
            sessions: SessionPolicy {
                idle: config.staff.session_idle,
                absolute: config.staff.session_max,
                require_two_factor: config.staff.require_totp,
            },
            secure_cookie: site.base_url.is_https(),
            office_email_from_facts: config.mail.office_email.is_none(),
            mail_held: config.mail.hold,
            failed_sign_ins: RateLimiter::new(CLIENT_SIGN_IN_FAILURES, CLIENT_LOCK_WINDOW),
        };
        Ok(Self {
            listener,
            metrics,
            state: AppState {
                pool,
                site,
                pages,
                form_tokens: Arc::new(FormTokenKey::new(token_key, config.form.max_age)),
                clients: Arc::new(ClientAddressing {
                    header: config.form.client_ip_header.clone(),
                    trusted_proxies: config.form.trusted_proxies.clone(),
                }),
                intake: Arc::new(intake),
                staff: Arc::new(staff),
            },
            delivery,
            retention_days: config.inquiry_retention_days,
            reminders: ReminderSettings {
                after_working_days: config.inquiry_reminder_after,
                office_override: config.mail.office_email.clone(),
                site: site_for_reminders,
                message_id_domain: config.mail.mail_from.email.domain().to_owned(),
            },
            clock: config.clock.clone(),
            connection_limits: ConnectionLimits {
                request_head: config.http.request_head_timeout,
                stalled_answer: config.http.stalled_answer_timeout,
                drain: config.http.drain_timeout,
            },
        })
    }

    /// The address actually bound (differs from `BIND` when its port is 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn pool(&self) -> &PgPool {
        &self.state.pool
    }

    /// The pages held in memory (tests refresh them after changing content by hand).
    pub fn pages(&self) -> &PageCache {
        &self.state.pages
    }

    /// Serves, delivers office emails and deletes expired inquiries until `shutdown` completes;
    /// then finishes the requests in flight and the email being sent, and returns.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let stop = CancellationToken::new();
        let events = DatabaseEvents::default();
        let delivery = tokio::spawn(self.delivery.run(events.subscribe(), stop.clone()));
        let page_refresh = tokio::spawn(self.state.pages.clone().run(
            self.state.pool.clone(),
            events.subscribe(),
            stop.clone(),
        ));
        let notifications = tokio::spawn(events.run(self.state.pool.clone(), stop.clone()));
        let retention = tokio::spawn(retention::run(
            self.state.pool.clone(),
            self.retention_days,
            stop.clone(),
        ));
        let reminders = tokio::spawn(reminder::run(
            self.state.pool.clone(),
            self.reminders,
            self.clock,
            stop.clone(),
        ));
        let metrics = self.metrics.map(|(listener, handle)| {
            tokio::spawn(monitoring::serve(
                listener,
                handle,
                self.state.pool.clone(),
                stop.clone(),
            ))
        });
        let front_door = FrontDoor::new(
            self.state.pages.clone(),
            Arc::clone(&self.state.form_tokens),
            app::router(self.state),
        );
        let stop_everything = {
            let stop = stop.clone();
            async move {
                shutdown.await;
                stop.cancel();
            }
        };
        let served = connections::run(
            self.listener,
            front_door,
            self.connection_limits,
            stop_everything,
        )
        .await;
        stop.cancel();
        for (task, name) in [
            (delivery, "mail delivery"),
            (retention, "retention"),
            (reminders, "reminders"),
            (notifications, "database notifications"),
            (page_refresh, "page refresh"),
        ] {
            if let Err(error) = task.await {
                tracing::error!(%error, "the {name} task ended abnormally");
            }
        }
        if let Some(metrics) = metrics {
            match metrics.await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::error!(%error, "the metrics listener failed"),
                Err(error) => tracing::error!(%error, "the metrics task ended abnormally"),
            }
        }
        served
    }
}

/// Legal notice details that are not set are left out of the page, not invented; the operator
/// learns of them here, at every start, until staff fill them in.
async fn report_incomplete_legal_notice(pool: &PgPool) {
    match facts::load(pool).await {
        Ok(Some(facts)) => {
            for fact in facts.missing_legal_notice_details() {
                tracing::warn!(
                    detail = fact.name(),
                    "the legal notice leaves out a detail that is not set yet"
                );
            }
        }
        Ok(None) => tracing::warn!("no organisation facts are stored"),
        Err(error) => tracing::warn!(%error, "cannot check the legal notice details"),
    }
}

/// Without OFFICE_EMAIL the office emails go to the facts' email; if that is missing too, every
/// inquiry would quietly use up its attempts. Say so at start, while someone is watching.
async fn report_missing_office_address(pool: &PgPool, config: &Config) {
    if config.mail.office_email.is_some() {
        return;
    }
    let facts_email = facts::load(pool)
        .await
        .ok()
        .flatten()
        .and_then(|facts| facts.email);
    match facts_email {
        Some(email) if EmailAddress::parse(&email).is_ok() => {
            tracing::info!(%email, "office emails are addressed to the organisation's email");
        }
        Some(email) => tracing::warn!(
            %email,
            "the organisation's email is not a valid address and OFFICE_EMAIL is not set: office emails will fail"
        ),
        None => tracing::warn!(
            "neither OFFICE_EMAIL nor the organisation's email is set: office emails will fail until one is"
        ),
    }
}

/// Completes on Ctrl-C or SIGTERM, the signals a terminal or a service manager sends.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight and the email being sent");
}
