//! The staff area under /admin: sign-in, the inquiry inbox, page texts, news and events,
//! documents and members, organisation facts, accounts and the activity log. German only. Every page needs a signed-in, enabled account;
//! every change carries the session's CSRF token (`staff_form`). Nothing here is cached by
//! browsers or proxies.

pub mod accounts;
pub mod activity;
pub mod auth;
pub mod confirm_delete;
pub mod dashboard;
pub mod documents;
pub mod error_page;
pub mod events;
pub mod facts;
pub mod help;
pub mod inquiries;
mod layout;
pub mod members;
pub mod news;
pub mod notice;
pub mod pages;
pub mod paths;
pub mod publishing;
pub mod staff_form;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;
use crate::web::form_body::body_limit;

pub use layout::AdminLayout;

/// The largest form with a file: a picture of up to 10 MB is refused with a message at its
/// field; only a much larger file meets the error page for bodies too large.
const UPLOAD_BODY_LIMIT: usize = 24 * 1024 * 1024;

/// Every route of the staff area.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::DASHBOARD, get(dashboard::show))
        .route(paths::SIGN_IN, get(auth::sign_in_page).post(auth::sign_in))
        .route(
            paths::SIGN_IN_CODE,
            get(auth::sign_in_code_page).post(auth::sign_in_code),
        )
        .route(paths::SIGN_OUT, post(auth::sign_out))
        .route(paths::INQUIRIES, get(inquiries::list))
        .route(paths::INQUIRIES_EXPORT, get(inquiries::export))
        .route(paths::INQUIRY, get(inquiries::show))
        .route(paths::INQUIRY_STATUS, post(inquiries::change_status))
        .route(paths::INQUIRY_RESEND, post(inquiries::resend))
        .route(paths::INQUIRY_NOTES, post(inquiries::add_note))
        .route(paths::INQUIRY_ASSIGNMENT, post(inquiries::assign))
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
        .route(paths::NEWS, get(news::list))
        .route(
            paths::NEWS_NEW,
            get(news::new_item)
                .post(news::create)
                .layer(body_limit(UPLOAD_BODY_LIMIT)),
        )
        .route(
            paths::NEWS_ITEM,
            get(news::edit)
                .post(news::save)
                .layer(body_limit(UPLOAD_BODY_LIMIT)),
        )
        .route(
            paths::NEWS_STATE,
            post(publishing::change_state::<news::News>),
        )
        .route(
            paths::NEWS_DELETE,
            get(publishing::confirm_delete::<news::News>).post(publishing::delete::<news::News>),
        )
        .route(
            paths::NEWS_VERSIONS,
            get(publishing::versions::<news::News>),
        )
        .route(paths::NEWS_VERSION, get(news::version))
        .route(paths::DOCUMENTS, get(documents::list))
        .route(
            paths::DOCUMENTS_NEW,
            get(documents::new_document)
                .post(documents::create)
                .layer(body_limit(documents::BODY_LIMIT)),
        )
        .route(
            paths::DOCUMENT,
            get(documents::edit)
                .post(documents::save)
                .layer(body_limit(documents::BODY_LIMIT)),
        )
        .route(
            paths::DOCUMENT_DELETE,
            get(documents::confirm_delete).post(documents::delete),
        )
        .route(paths::MEMBERS, get(members::list))
        .route(
            paths::MEMBERS_NEW,
            get(members::new_member).post(members::create),
        )
        .route(paths::MEMBER, get(members::edit).post(members::save))
        .route(
            paths::MEMBER_DELETE,
            get(members::confirm_delete).post(members::delete),
        )
        .route(paths::EVENTS, get(events::list))
        .route(
            paths::EVENTS_NEW,
            get(events::new_item).post(events::create),
        )
        .route(paths::EVENT, get(events::edit).post(events::save))
        .route(
            paths::EVENT_STATE,
            post(publishing::change_state::<events::Events>),
        )
        .route(
            paths::EVENT_DELETE,
            get(publishing::confirm_delete::<events::Events>)
                .post(publishing::delete::<events::Events>),
        )
        .route(
            paths::EVENT_VERSIONS,
            get(publishing::versions::<events::Events>),
        )
        .route(paths::EVENT_VERSION, get(events::version))
        .route(paths::FACTS, get(facts::edit).post(facts::save))
        .route(paths::FACTS_VERSIONS, get(facts::versions))
        .route(paths::FACTS_VERSION, get(facts::version))
        .route(paths::FACTS_RESTORE, post(facts::restore))
        .route(paths::OWN_ACCOUNT, get(accounts::own_account))
        .route(paths::OWN_PASSWORD, post(accounts::change_own_password))
        .route(
            paths::OWN_OTHER_SESSIONS,
            post(accounts::end_other_sessions),
        )
        .route(paths::ACCOUNTS, get(accounts::accounts))
        .route(
            paths::NEW_ACCOUNT,
            get(accounts::new_account).post(accounts::create_account),
        )
        .route(paths::ACCOUNT, get(accounts::account))
        .route(paths::ACCOUNT_ENABLED, post(accounts::set_access))
        .route(paths::ACCOUNT_ROLE, post(accounts::set_role))
        .route(paths::ACCOUNT_PASSWORD, post(accounts::reset_password))
        .route(
            paths::ACCOUNT_DELETE,
            get(accounts::confirm_delete).post(accounts::delete),
        )
        .route(paths::ACTIVITY, get(activity::list))
        .route(paths::MARKDOWN_HELP, get(help::markdown))
        .layer(axum::middleware::from_fn(
            staff_form::set_new_session_cookie,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}
