//! Prometheus metrics, served on their own listener (`METRICS_BIND`), never on the public port.
//! Counters and histograms are recorded where things happen (requests, renders, mail, sign-in,
//! inquiries); what the database knows (the outbox) and the connection pool are read at each
//! scrape. Without `METRICS_BIND` no recorder is installed and recording costs next to nothing.

use std::io;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics::{
    SharedString, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::mail::outbox::{self, OutboxState};

pub const HTTP_REQUESTS: &str = "defus_http_requests_total";
pub const HTTP_DURATION: &str = "defus_http_request_duration_seconds";
pub const PAGES_RENDERED: &str = "defus_pages_rendered_total";
pub const MAIL_ATTEMPTS: &str = "defus_mail_send_attempts_total";
pub const MAIL_DURATION: &str = "defus_mail_send_duration_seconds";
pub const OUTBOX_EMAILS: &str = "defus_outbox_emails";
pub const OUTBOX_OLDEST_PENDING: &str = "defus_outbox_oldest_pending_age_seconds";
pub const SIGN_IN_FAILURES: &str = "defus_sign_in_failures_total";
pub const SIGN_IN_LOCKS: &str = "defus_sign_in_locks_total";
pub const INQUIRIES: &str = "defus_inquiries_total";
pub const POOL_CONNECTIONS: &str = "defus_db_pool_connections";
pub const OUTBOX_READ: &str = "defus_outbox_read";

/// The outcomes of a membership form (`INQUIRIES`).
pub const INQUIRY_OUTCOMES: [&str; 9] = [
    "accepted",
    "spam",
    "asked_to_confirm",
    "sent_twice",
    "fields_invalid",
    "form_expired",
    "form_token_invalid",
    "rate_limited",
    "database_unavailable",
];
/// The outcomes of an attempt to send an email (`MAIL_ATTEMPTS`).
pub const MAIL_OUTCOMES: [&str; 3] = ["sent", "retry", "gave_up"];
/// What is locked after repeated failed sign-ins (`SIGN_IN_LOCKS`).
pub const LOCKED: [&str; 2] = ["account", "client"];

/// The route label of requests answered from memory before routing (pages, feeds, assets).
pub const HELD_IN_MEMORY: &str = "(held in memory)";
/// The route label of requests no route matched (the 404 fallback).
const NO_ROUTE: &str = "(no route)";

/// Seconds: from a page held in memory (well under a millisecond) to a slow form post.
const REQUEST_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];
/// Seconds: a local mail server answers in milliseconds; MAIL_SEND_TIMEOUT is 30 s.
const MAIL_BUCKETS: [f64; 9] = [0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 30.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

#[derive(Debug, thiserror::Error)]
#[error("cannot set up the metrics recorder: {0}")]
pub struct MetricsError(String);

/// Installs the process's metrics recorder (once; later calls get the same handle).
pub fn install() -> Result<PrometheusHandle, MetricsError> {
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), &REQUEST_BUCKETS)
        .and_then(|builder| {
            builder.set_buckets_for_metric(Matcher::Full(MAIL_DURATION.into()), &MAIL_BUCKETS)
        })
        .map_err(|error| MetricsError(error.to_string()))?
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).map_err(|error| MetricsError(error.to_string()))?;
    describe();
    start_counters_at_zero();
    Ok(HANDLE.get_or_init(|| handle).clone())
}

/// Every counter with each of its labels, at 0: a series that appears only with its first event
/// cannot be alerted on (`increase()` over a series that did not exist sees nothing).
fn start_counters_at_zero() {
    counter!(PAGES_RENDERED).increment(0);
    counter!(SIGN_IN_FAILURES).increment(0);
    for outcome in INQUIRY_OUTCOMES {
        counter!(INQUIRIES, "outcome" => outcome).increment(0);
    }
    for outcome in MAIL_OUTCOMES {
        counter!(MAIL_ATTEMPTS, "outcome" => outcome).increment(0);
    }
    for locked in LOCKED {
        counter!(SIGN_IN_LOCKS, "of" => locked).increment(0);
    }
}

fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "Requests answered, by route template and status class."
    );
    describe_histogram!(
        HTTP_DURATION,
        "Time to answer a request, by route template."
    );
    describe_counter!(
        PAGES_RENDERED,
        "Pages rendered again because their content changed."
    );
    describe_counter!(MAIL_ATTEMPTS, "Attempts to send an email, by outcome.");
    describe_histogram!(MAIL_DURATION, "Time of one attempt to send an email.");
    describe_gauge!(OUTBOX_EMAILS, "Emails in the outbox, by state.");
    describe_gauge!(
        OUTBOX_OLDEST_PENDING,
        "Age of the oldest email not sent yet (0 when none is waiting)."
    );
    describe_counter!(
        SIGN_IN_FAILURES,
        "Failed staff sign-ins (wrong password or unknown address)."
    );
    describe_counter!(
        SIGN_IN_LOCKS,
        "Staff accounts or clients locked after repeated failures."
    );
    describe_counter!(
        INQUIRIES,
        "Membership inquiries sent, by outcome (accepted or why refused)."
    );
    describe_gauge!(
        POOL_CONNECTIONS,
        "Database connections of this instance, by use."
    );
    describe_gauge!(
        OUTBOX_READ,
        "1 when the outbox could be read for this scrape; 0 when not (its gauges are then NaN)."
    );
}

/// A request answered: `route` is the route template (`/aktuelles/{slug}`), never the path
/// itself, so that the number of series stays small.
pub fn record_request(route: impl Into<SharedString>, status: StatusCode, elapsed: Duration) {
    let class = match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    let route = route.into();
    counter!(HTTP_REQUESTS, "route" => route.clone(), "status" => class).increment(1);
    histogram!(HTTP_DURATION, "route" => route).record(elapsed.as_secs_f64());
}

/// Middleware that counts and times every request the router answers. Added with
/// `Router::layer`, where the matched route template is known.
pub async fn track_requests(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| NO_ROUTE.to_owned(), |path| path.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    record_request(route, response.status(), started.elapsed());
    response
}

/// Serves `GET /metrics` on `listener` until `stop`.
pub async fn serve(
    listener: TcpListener,
    handle: PrometheusHandle,
    pool: PgPool,
    stop: CancellationToken,
) -> io::Result<()> {
    let router = Router::new()
        .route("/metrics", get(scrape))
        .with_state((handle, pool));
    axum::serve(listener, router)
        .with_graceful_shutdown(async move { stop.cancelled().await })
        .await
}

type ScrapeState = (PrometheusHandle, PgPool);

async fn scrape(State((handle, pool)): State<ScrapeState>) -> Response {
    record_pool(&pool);
    match record_outbox(&pool).await {
        Ok(()) => gauge!(OUTBOX_READ).set(1.0),
        Err(error) => {
            // The other metrics are still worth having. The outbox's would be stale: they say
            // "unknown" instead of repeating the last reading.
            tracing::warn!(
                error = &error as &dyn std::error::Error,
                "cannot read the outbox for the metrics"
            );
            gauge!(OUTBOX_READ).set(0.0);
            for state in OutboxState::ALL {
                gauge!(OUTBOX_EMAILS, "state" => state.code()).set(f64::NAN);
            }
            gauge!(OUTBOX_OLDEST_PENDING).set(f64::NAN);
        }
    }
    handle.run_upkeep();
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

fn record_pool(pool: &PgPool) {
    let size = f64::from(pool.size());
    let idle = u32::try_from(pool.num_idle()).map_or(f64::MAX, f64::from);
    gauge!(POOL_CONNECTIONS, "use" => "idle").set(idle);
    gauge!(POOL_CONNECTIONS, "use" => "busy").set((size - idle).max(0.0));
    gauge!(POOL_CONNECTIONS, "use" => "max").set(f64::from(pool.options().get_max_connections()));
}

async fn record_outbox(pool: &PgPool) -> Result<(), sqlx::Error> {
    let tally = outbox::tally(pool).await?;
    for state in OutboxState::ALL {
        let count = tally
            .by_state
            .iter()
            .find(|(counted, _)| *counted == state)
            .map_or(0, |(_, count)| *count);
        gauge!(OUTBOX_EMAILS, "state" => state.code()).set(count as f64);
    }
    gauge!(OUTBOX_OLDEST_PENDING).set(tally.oldest_pending_seconds.unwrap_or(0.0));
    Ok(())
}
