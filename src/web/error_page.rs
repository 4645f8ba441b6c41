//! Every error response becomes a page in the site's layout and in the visitor's language
//! (taken from the URL), whatever produced it: a handler's `AppError`, an extractor's rejection
//! or a layer such as the body size limit.

use std::time::Duration;

use askama::Template;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::content::{OrganisationFacts, PageKey, facts};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::admin::paths;
use crate::web::layout::Layout;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    layout: Layout<'a>,
    title: &'static str,
    explanation: &'static str,
    /// Where to go from here: link target and text.
    way_on: (&'static str, &'static str),
}

const STAFF_SESSION_ENDED_TITLE: &str = "Nicht angemeldet";
const STAFF_SESSION_ENDED_TEXT: &str = "Diese Aktion wurde nicht ausgeführt: Sie sind nicht \
(mehr) angemeldet, etwa weil Sie länger als eine halbe Stunde nichts getan haben, oder das \
Formular war nicht mehr gültig. Bitte melden Sie sich an und versuchen Sie es noch einmal.";

/// How long an error page waits for the organisation facts before doing without them.
const FACTS_WAIT: Duration = Duration::from_millis(500);

/// The fallback for every path the router does not know.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Middleware that replaces the body of every error response that is not already HTML with the
/// error page. Responses a handler rendered itself (e.g. a form with messages) pass unchanged.
pub async fn render_error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let locale = Locale::of_path(request.uri().path());
    let in_staff_area = request.uri().path().starts_with(paths::DASHBOARD);
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_html(&response) {
        return response;
    }
    // The footer would like the facts, but an error page must not fail for want of them, nor
    // wait long for a database that may be the reason for the error.
    let facts = tokio::time::timeout(FACTS_WAIT, facts::load(&state.pool))
        .await
        .ok()
        .and_then(Result::ok)
        .flatten();
    let (mut parts, _) = response.into_parts();
    match render(status, locale, in_staff_area, facts.as_ref()) {
        Ok(html) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            Response::from_parts(parts, Body::from(html))
        }
        Err(error) => {
            tracing::error!(%error, "cannot render the error page");
            Response::from_parts(parts, Body::empty())
        }
    }
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

fn render(
    status: StatusCode,
    locale: Locale,
    in_staff_area: bool,
    facts: Option<&OrganisationFacts>,
) -> Result<String, askama::Error> {
    let ui = locale.ui();
    let layout = |title| Layout::for_other(locale, title, facts);
    // In the staff area a refused action almost always means a session that ran out while a
    // form was open; say so, and lead back to the sign-in.
    if in_staff_area && status == StatusCode::FORBIDDEN {
        return ErrorTemplate {
            layout: layout(STAFF_SESSION_ENDED_TITLE),
            title: STAFF_SESSION_ENDED_TITLE,
            explanation: STAFF_SESSION_ENDED_TEXT,
            way_on: (paths::SIGN_IN, "Zur Anmeldung"),
        }
        .render();
    }
    let (title, explanation) = match status {
        StatusCode::NOT_FOUND => (ui.not_found_title, ui.not_found_text),
        StatusCode::FORBIDDEN => (ui.forbidden_title, ui.forbidden_text),
        StatusCode::METHOD_NOT_ALLOWED => (ui.method_not_allowed_title, ui.method_not_allowed_text),
        StatusCode::PAYLOAD_TOO_LARGE => (ui.too_large_title, ui.too_large_text),
        StatusCode::TOO_MANY_REQUESTS => (ui.too_many_requests_title, ui.too_many_requests_text),
        StatusCode::SERVICE_UNAVAILABLE => (ui.unavailable_title, ui.unavailable_text),
        status if status.is_client_error() => (ui.bad_request_title, ui.bad_request_text),
        _ => (ui.server_error_title, ui.server_error_text),
    };
    ErrorTemplate {
        layout: layout(title),
        title,
        explanation,
        way_on: (PageKey::Start.path(locale), ui.error_home_link),
    }
    .render()
}
