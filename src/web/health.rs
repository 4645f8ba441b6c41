//! Health checks for load balancers and monitoring. `/healthz`: the process serves requests (no
//! database needed). `/readyz`: it can do its work — the database answers and has every
//! migration this binary knows (or more, from a newer version during a rolling upgrade). Both
//! answer in a word; neither names versions, hosts or errors.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;

use crate::MIGRATOR;
use crate::state::AppState;

pub const LIVENESS_ROUTE: &str = "/healthz";
pub const READINESS_ROUTE: &str = "/readyz";

/// A database that takes longer than this to answer counts as not there: a load balancer
/// should not wait for it.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn alive() -> Response {
    plain(StatusCode::OK, "ok\n")
}

pub async fn ready(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(READINESS_TIMEOUT, migrations_applied(&state.pool)).await {
        Ok(Ok(true)) => plain(StatusCode::OK, "ready\n"),
        Ok(Ok(false)) => {
            tracing::debug!("not ready: the database lacks migrations of this version");
            plain(StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
        }
        Ok(Err(error)) => {
            tracing::debug!(error = &error as &dyn std::error::Error, "not ready");
            plain(StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
        }
        Err(_) => {
            tracing::debug!("not ready: the database does not answer in time");
            plain(StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
        }
    }
}

/// Whether the database has every migration embedded in this binary, none of them failed.
async fn migrations_applied(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let latest_known = MIGRATOR
        .iter()
        .map(|migration| migration.version)
        .max()
        .unwrap_or(0);
    let (latest_applied, failed): (Option<i64>, i64) = sqlx::query_as(
        "select max(version) filter (where success), count(*) filter (where not success)
         from _sqlx_migrations",
    )
    .fetch_one(pool)
    .await?;
    Ok(failed == 0 && latest_applied.unwrap_or(0) >= latest_known)
}

fn plain(status: StatusCode, body: &'static str) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
