//! The staff area under /admin: sign-in, the inquiry inbox, page texts and organisation facts.
//! German only. Every page needs a signed-in, enabled account; every change carries the
//! session's CSRF token. Nothing here is cached by browsers or proxies.

pub mod auth;
pub mod dashboard;
pub mod facts;
pub mod inquiries;
mod layout;
pub mod notice;
pub mod pages;
pub mod paths;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

pub use layout::AdminLayout;

/// Every route of the staff area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::DASHBOARD, get(dashboard::show))
        .route(paths::SIGN_IN, get(auth::sign_in_page).post(auth::sign_in))
        .route(paths::SIGN_OUT, post(auth::sign_out))
        .route(paths::INQUIRIES, get(inquiries::list))
        .route(paths::INQUIRIES_EXPORT, get(inquiries::export))
        .route(paths::INQUIRY, get(inquiries::show))
        .route(paths::INQUIRY_STATUS, post(inquiries::change_status))
        .route(paths::INQUIRY_RESEND, post(inquiries::resend))
        .route(
            paths::INQUIRY_DELETE,
            get(inquiries::confirm_delete).post(inquiries::delete),
        )
        .route(
            paths::ERASURE,
            get(inquiries::erase_page).post(inquiries::erase),
        )
        .route(paths::PAGES, get(pages::list))
        .route(paths::PAGE, get(pages::edit).post(pages::save))
        .route(paths::PAGE_VERSIONS, get(pages::versions))
        .route(paths::PAGE_VERSION, get(pages::version))
        .route(paths::PAGE_RESTORE, post(pages::restore))
        .route(paths::FACTS, get(facts::edit).post(facts::save))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}
