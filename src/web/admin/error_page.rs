//! Error pages of the staff area, in its own layout with its menu (when signed in), so that an
//! error does not seem to leave it. Rendered per request: they are rare, and they show who is
//! signed in.

use askama::Template;
use axum::http::{HeaderMap, StatusCode};

use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::admin::auth;
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::paths;

#[derive(Template)]
#[template(path = "admin/error.html")]
struct StaffErrorTemplate<'a> {
    layout: AdminLayout<'a>,
    title: &'static str,
    explanation: &'static str,
    way_on: (String, &'static str),
}

const NOT_SIGNED_IN: &str = "Diese Aktion wurde nicht ausgeführt, weil Sie nicht (mehr) \
angemeldet sind. Bitte melden Sie sich an und versuchen Sie es noch einmal.";
const REFUSED: &str = "Diese Aktion ist nicht möglich. Entweder fehlt Ihrem Konto die \
Berechtigung dafür (Konten verwalten dürfen nur Konten mit der Rolle Verwaltung), oder das \
Formular war veraltet, etwa weil Sie sich inzwischen neu angemeldet haben. Laden Sie die Seite \
neu und versuchen Sie es noch einmal.";
const NOT_FOUND: &str = "Unter dieser Adresse gibt es in der Verwaltung nichts (mehr). \
Vielleicht wurde der Eintrag gelöscht, oder die Adresse enthält einen Tippfehler.";

/// The page for an error `status` of the request with `headers`.
pub async fn render(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
) -> Result<String, askama::Error> {
    // The database may be the cause of the error: then the page does without the menu.
    let session = auth::current_session(headers, state).await.ok().flatten();
    let ui = Locale::De.ui();
    let (title, explanation) = match status {
        StatusCode::NOT_FOUND => ("Nicht gefunden", NOT_FOUND),
        StatusCode::FORBIDDEN if session.is_none() => ("Nicht angemeldet", NOT_SIGNED_IN),
        StatusCode::FORBIDDEN => ("Nicht möglich", REFUSED),
        StatusCode::METHOD_NOT_ALLOWED => (ui.method_not_allowed_title, ui.method_not_allowed_text),
        StatusCode::PAYLOAD_TOO_LARGE => (ui.too_large_title, ui.too_large_text),
        StatusCode::TOO_MANY_REQUESTS => (ui.too_many_requests_title, ui.too_many_requests_text),
        StatusCode::SERVICE_UNAVAILABLE => (ui.unavailable_title, ui.unavailable_text),
        status if status.is_client_error() => (ui.bad_request_title, ui.bad_request_text),
        _ => (ui.server_error_title, ui.server_error_text),
    };
    let (layout, way_on) = match &session {
        Some(session) => (
            AdminLayout::new(title, Section::Other, session),
            (paths::DASHBOARD.to_owned(), "Zur Übersicht"),
        ),
        None => (
            AdminLayout::signed_out(title),
            (paths::SIGN_IN.to_owned(), "Zur Anmeldung"),
        ),
    };
    StaffErrorTemplate {
        layout,
        title,
        explanation,
        way_on,
    }
    .render()
}
