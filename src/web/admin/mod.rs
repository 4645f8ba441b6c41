//! The staff area under /admin: sign-in, the inquiry inbox, page texts and organisation facts.
//! German only. Every page needs a signed-in, enabled account; every change carries the
//! session's CSRF token. Nothing here is cached by browsers or proxies.

pub mod auth;
pub mod dashboard;
pub mod facts;
mod field;
pub mod inquiries;
mod layout;
pub mod pages;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

pub use layout::AdminLayout;

/// Every route of the staff area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(dashboard::show))
        .route(
            "/admin/anmelden",
            get(auth::sign_in_page).post(auth::sign_in),
        )
        .route("/admin/abmelden", post(auth::sign_out))
        .route("/admin/anfragen", get(inquiries::list))
        .route("/admin/anfragen/export.csv", get(inquiries::export))
        .route("/admin/anfragen/{id}", get(inquiries::show))
        .route(
            "/admin/anfragen/{id}/status",
            post(inquiries::change_status),
        )
        .route(
            "/admin/anfragen/{id}/erneut-senden",
            post(inquiries::resend),
        )
        .route(
            "/admin/anfragen/{id}/loeschen",
            get(inquiries::confirm_delete).post(inquiries::delete),
        )
        .route(
            "/admin/loeschen-nach-email",
            get(inquiries::erase_page).post(inquiries::erase),
        )
        .route("/admin/seiten", get(pages::list))
        .route(
            "/admin/seiten/{key}/{locale}",
            get(pages::edit).post(pages::save),
        )
        .route(
            "/admin/seiten/{key}/{locale}/versionen",
            get(pages::versions),
        )
        .route(
            "/admin/seiten/{key}/{locale}/versionen/{id}",
            get(pages::version),
        )
        .route(
            "/admin/seiten/{key}/{locale}/versionen/{id}/wiederherstellen",
            post(pages::restore),
        )
        .route("/admin/fakten", get(facts::edit).post(facts::save))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}
