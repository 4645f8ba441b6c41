//! Every error response becomes a page in the site's layout and in the visitor's language
//! (taken from the URL), whatever produced it: a handler's `AppError`, an extractor's rejection
//! or a layer such as the body size limit. The pages are rendered ahead, with the other pages
//! (see `page_cache`), so an error page needs no database. The staff area has error pages of
//! its own (`admin::error_page`).

use askama::Template;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::content::{OrganisationFacts, PageKey};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::admin::{self, paths};
use crate::web::layout::Layout;

/// The kinds of error page: each status that has words of its own, and the rest by class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorPage {
    NotFound,
    Forbidden,
    MethodNotAllowed,
    TooLarge,
    TooManyRequests,
    Unavailable,
    /// Any other 4xx.
    BadRequest,
    /// Any other 5xx.
    ServerError,
}

impl ErrorPage {
    pub const ALL: [ErrorPage; 8] = [
        ErrorPage::NotFound,
        ErrorPage::Forbidden,
        ErrorPage::MethodNotAllowed,
        ErrorPage::TooLarge,
        ErrorPage::TooManyRequests,
        ErrorPage::Unavailable,
        ErrorPage::BadRequest,
        ErrorPage::ServerError,
    ];

    pub fn of(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => ErrorPage::NotFound,
            StatusCode::FORBIDDEN => ErrorPage::Forbidden,
            StatusCode::METHOD_NOT_ALLOWED => ErrorPage::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorPage::TooLarge,
            StatusCode::TOO_MANY_REQUESTS => ErrorPage::TooManyRequests,
            StatusCode::SERVICE_UNAVAILABLE => ErrorPage::Unavailable,
            status if status.is_client_error() => ErrorPage::BadRequest,
            _ => ErrorPage::ServerError,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    layout: Layout<'a>,
    title: &'static str,
    explanation: &'static str,
    /// Where to go from here: link target and text.
    way_on: (&'static str, &'static str),
}

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
    let path = request.uri().path();
    let locale = Locale::of_path(path);
    let in_staff_area = path == paths::DASHBOARD || path.starts_with("/admin/");
    // Only what choosing the coding needs is kept from the request; in the staff area, the
    // cookie, to show the menu to whoever is signed in.
    let accept_encoding = request.headers().get(header::ACCEPT_ENCODING).cloned();
    let staff_headers = in_staff_area.then(|| request.headers().clone());
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_html(&response) {
        return response;
    }
    if let Some(headers) = staff_headers {
        return match admin::error_page::render(&state, &headers, status).await {
            Ok(html) => {
                let (mut parts, _) = response.into_parts();
                parts.headers.remove(header::CONTENT_LENGTH);
                parts.headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                Response::from_parts(parts, Body::from(html))
            }
            Err(error) => {
                tracing::error!(
                    error = &error as &dyn std::error::Error,
                    "cannot render a staff error page"
                );
                response
            }
        };
    }
    let pages = &state.pages;
    let mut accepted = axum::http::HeaderMap::new();
    if let Some(accept_encoding) = accept_encoding {
        accepted.insert(header::ACCEPT_ENCODING, accept_encoding);
    }
    let page = pages.error_page(ErrorPage::of(status), locale);
    let (mut parts, _) = response.into_parts();
    let body = page.error_body(&accepted, &mut parts);
    Response::from_parts(parts, body)
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

/// The error page of `kind` in `locale`; the footer shows the facts when there are any.
pub fn render(
    kind: ErrorPage,
    locale: Locale,
    facts: Option<&OrganisationFacts>,
) -> Result<String, askama::Error> {
    let ui = locale.ui();
    let layout = |title| Layout::for_other(locale, title, facts);
    let (title, explanation) = match kind {
        ErrorPage::NotFound => (ui.not_found_title, ui.not_found_text),
        ErrorPage::Forbidden => (ui.forbidden_title, ui.forbidden_text),
        ErrorPage::MethodNotAllowed => (ui.method_not_allowed_title, ui.method_not_allowed_text),
        ErrorPage::TooLarge => (ui.too_large_title, ui.too_large_text),
        ErrorPage::TooManyRequests => (ui.too_many_requests_title, ui.too_many_requests_text),
        ErrorPage::Unavailable => (ui.unavailable_title, ui.unavailable_text),
        ErrorPage::BadRequest => (ui.bad_request_title, ui.bad_request_text),
        ErrorPage::ServerError => (ui.server_error_title, ui.server_error_text),
    };
    ErrorTemplate {
        layout: layout(title),
        title,
        explanation,
        way_on: (PageKey::Start.path(locale), ui.error_home_link),
    }
    .render()
}
