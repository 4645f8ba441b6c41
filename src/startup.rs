//! Starting and stopping the site. `main` and the tests go through the same [`Application`].

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use sqlx::PgPool;
use tokio::net::TcpListener;

use crate::app;
use crate::config::Config;
use crate::content::{defaults, facts};
use crate::database::{self, DatabaseError};
use crate::state::{AppState, SiteSettings};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DatabaseError),
    #[error("cannot store the default content: {0}")]
    DefaultContent(sqlx::Error),
    #[error("cannot listen on BIND={address}: {source}")]
    Bind {
        address: SocketAddr,
        source: io::Error,
    },
}

/// A site that is ready to serve: database prepared, port bound.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Prepares the database named by `config` (creating and migrating it as needed, inserting
    /// default content where it is missing) and binds the listening socket.
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let pool = database::connect_and_migrate(&config.database_url).await?;
        defaults::insert_missing(&pool)
            .await
            .map_err(StartupError::DefaultContent)?;
        report_incomplete_legal_notice(&pool).await;
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
        Ok(Self {
            listener,
            state: AppState {
                pool,
                site: Arc::new(SiteSettings::new(config, listening_on)),
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

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let router = app::router(self.state);
        axum::serve(self.listener, router)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// Legal notice details that are not set are left out of the page, not invented; the operator
/// learns of them here, at every start, until staff fill them in.
async fn report_incomplete_legal_notice(pool: &PgPool) {
    match facts::load(pool).await {
        Ok(Some(facts)) => {
            for detail in facts.missing_legal_notice_details() {
                tracing::warn!(
                    detail,
                    "the legal notice leaves out a detail that is not set yet"
                );
            }
        }
        Ok(None) => tracing::warn!("no organisation facts are stored"),
        Err(error) => tracing::warn!(%error, "cannot check the legal notice details"),
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
    tracing::info!("shutting down: finishing requests in flight");
}
