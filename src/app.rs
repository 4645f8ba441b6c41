//! The map of the site: every route and every layer, in one place.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{Extensions, HeaderMap, StatusCode, Version, header};
use axum::middleware;
use axum::response::Redirect;
use axum::routing::get;
use tower::util::MapResponseLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::csrf::CsrfLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::assets;
use crate::content::PageKey;
use crate::i18n::Locale;
use crate::monitoring;
use crate::state::AppState;
use crate::web::form_body::{FORM_BODY_LIMIT, body_limit};
use crate::web::representation::PreEncoded;
use crate::web::{
    admin, documents, error_page, health, images, membership, public, search, security_headers,
};

/// A request that takes longer than this is answered with 503 instead of hanging.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest inquiry taken in: the form's longest possible content with room to spare.
const INQUIRY_BODY_LIMIT: usize = 32 * 1024;

pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for key in PageKey::ALL {
        for locale in Locale::ALL {
            let route = if key == PageKey::Membership {
                get(move |state, method, headers| membership::show(state, method, headers, locale))
                    .post(move |state, peer, headers, form| {
                        membership::submit(state, peer, headers, form, locale)
                    })
                    .layer(body_limit(INQUIRY_BODY_LIMIT))
            } else {
                get(move |pages, method, headers| public::show(pages, method, headers, key, locale))
            };
            router = router.route(key.path(locale), route);
        }
    }
    let site = Arc::clone(&state.site);
    router
        .route(
            membership::RECEIPT_ROUTE_DE,
            get(|state, path| membership::receipt(state, path, Locale::De)),
        )
        .route(
            membership::RECEIPT_ROUTE_EN,
            get(|state, path| membership::receipt(state, path, Locale::En)),
        )
        .route(
            search::path(Locale::De),
            get(|state, query| search::show(state, query, Locale::De)),
        )
        .route(
            search::path(Locale::En),
            get(|state, query| search::show(state, query, Locale::En)),
        )
        .route("/en", get(|| async { Redirect::permanent("/en/") }))
        .route(images::ROUTE, get(images::serve))
        .route(documents::ROUTE, get(documents::serve))
        .merge(admin::router())
        .route(&format!("{}{{file}}", assets::PREFIX), get(assets::serve))
        .fallback(error_page::not_found)
        .layer(body_limit(FORM_BODY_LIMIT))
        // Innermost: a request that hangs becomes a 503, which the error pages then dress.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(cross_site_protection(&state))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error_page::render_error_pages,
        ))
        // For load balancers and monitoring: plain words, not error pages.
        .route(health::LIVENESS_ROUTE, get(health::alive))
        .route(health::READINESS_ROUTE, get(health::ready))
        .layer(MapResponseLayer::new(move |response| {
            security_headers::add_missing(response, &site.security_headers)
        }))
        // Pages held in memory come compressed already (and are left alone); what is rendered
        // per request (staff area, forms with messages) is compressed here. Files served in
        // byte ranges (documents) are not: a range counts the bytes of the file as it is.
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                |_: StatusCode, _: Version, headers: &HeaderMap, extensions: &Extensions| {
                    extensions.get::<PreEncoded>().is_none()
                        && !headers.contains_key(header::ACCEPT_RANGES)
                },
            )),
        )
        .layer(
            // Method, path and status only: no client address, and no query string, which can
            // hold what staff searched for or an address being erased. Successful requests are
            // logged at debug level only: a line per page view would cost more than the view.
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path()
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::DEBUG))
                // A 5xx is logged where it arises, once, with its cause (`AppError`); a 503 from
                // /readyz while the database is away is an answer, not an error to log each time.
                .on_failure(DefaultOnFailure::new().level(Level::DEBUG)),
        )
        .layer(middleware::from_fn(monitoring::track_requests))
        .with_state(state)
}

/// Refuses posts that a browser sends on behalf of another site (its `Sec-Fetch-Site` or `Origin`
/// says so): no form of this site can be sent from elsewhere, whatever tokens it carries.
/// Programs that send neither header are let through; the form tokens deal with them.
fn cross_site_protection(state: &AppState) -> CsrfLayer {
    let base_url = state.site.base_url.as_str();
    CsrfLayer::new()
        .add_trusted_origin(base_url)
        .unwrap_or_else(|error| {
            tracing::warn!(%error, base_url, "BASE_URL cannot be a trusted origin; comparing Origin with Host only");
            CsrfLayer::new()
        })
}
