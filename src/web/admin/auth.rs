//! Signing in and out of the staff area, the session cookie, and the checks every staff page
//! and action goes through.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use cookie::{Cookie, SameSite};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::inquiry::token::TokenCheck;
use crate::staff::session::{self, StaffSession};
use crate::staff::sign_in;
use crate::state::{AppState, StaffArea};
use crate::web::admin::layout::AdminLayout;
use crate::web::admin::notice::{Notice, NoticeQuery};
use crate::web::admin::paths;
use crate::web::client_address::client_address;
use crate::web::form_body::{self, Form};

/// The cookie that carries the session token. Sent only to /admin, never to public pages.
pub const SESSION_COOKIE: &str = "defus_staff";

/// Each recent failed sign-in from a client delays its next attempt by this much (up to a second).
const SLOWDOWN_PER_FAILURE: Duration = Duration::from_millis(100);
const MAX_SLOWDOWN: Duration = Duration::from_secs(1);

/// A request from a signed-in staff member with an enabled account. Pages without one redirect to
/// the sign-in page; actions without one are refused with 403.
pub struct SignedIn(pub StaffSession);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = match session_token(&parts.headers) {
            Some(token) => session::resume(&state.pool, &token, state.staff.sessions)
                .await
                .map_err(|error| AppError::from(error).into_response())?,
            None => None,
        };
        session.map(SignedIn).ok_or_else(|| {
            if parts.method == Method::GET || parts.method == Method::HEAD {
                let back = parts
                    .uri
                    .path_and_query()
                    .map_or(paths::DASHBOARD, |path| path.as_str());
                let back = utf8_percent_encode(back, NON_ALPHANUMERIC);
                Redirect::to(&format!(
                    "{}?{}={back}",
                    paths::SIGN_IN,
                    paths::RETURN_PARAMETER
                ))
                .into_response()
            } else {
                AppError::Forbidden.into_response()
            }
        })
    }
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == SESSION_COOKIE)
        .map(|cookie| cookie.value().to_owned())
}

fn session_cookie(
    value: String,
    max_age: Duration,
    staff: &StaffArea,
) -> Result<HeaderValue, AppError> {
    let cookie = Cookie::build((SESSION_COOKIE, value))
        .path(paths::DASHBOARD)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(staff.secure_cookie)
        .max_age(cookie::time::Duration::seconds(
            i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX),
        ))
        .build();
    HeaderValue::from_str(&cookie.to_string()).map_err(AppError::from)
}

/// A form of type `T` sent from the staff area by a signed-in staff member, with the CSRF token
/// of their session. Without a session it is refused with 403, like a wrong token.
pub struct StaffForm<T> {
    pub session: StaffSession,
    pub form: T,
}

/// A form that is just a button (besides the CSRF token every staff form carries).
#[derive(Deserialize)]
pub struct ButtonOnly {}

/// The field every form of the staff area carries.
#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

impl<T: DeserializeOwned> FromRequest<AppState> for StaffForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let SignedIn(session) = SignedIn::from_request_parts(&mut parts, state).await?;
        let body = form_body::read(Request::from_parts(parts, body), state).await?;
        check_csrf(&session, &body).map_err(IntoResponse::into_response)?;
        let form = form_body::parse(&body).map_err(IntoResponse::into_response)?;
        Ok(Self { session, form })
    }
}

fn check_csrf(session: &StaffSession, body: &[u8]) -> Result<(), AppError> {
    let CsrfField { csrf_token } = form_body::parse(body)?;
    if constant_time_equal(&csrf_token, &session.csrf_token) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Compares without revealing through timing how much of the token was right.
fn constant_time_equal(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0_u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

/// Only paths of the staff area may be returned to after signing in (no open redirect).
fn safe_return_path(requested: &str) -> &str {
    let inside = requested
        .strip_prefix(paths::DASHBOARD)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']));
    if inside && !requested.contains("//") && !requested.contains('\\') {
        requested
    } else {
        paths::DASHBOARD
    }
}

#[derive(Template)]
#[template(path = "admin/sign_in.html")]
struct SignInTemplate<'a> {
    layout: AdminLayout<'a>,
    form_token: String,
    return_to: &'a str,
    email: &'a str,
    problem: Option<&'static str>,
    notice: Option<&'static str>,
}

/// The sign-in form as sent.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
    form_token: String,
    weiter: String,
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    weiter: Option<String>,
    #[serde(flatten)]
    notice: NoticeQuery,
}

const REFUSED: &str = "Die Anmeldung ist fehlgeschlagen. Bitte prüfen Sie E-Mail-Adresse und Passwort. \
Nach mehreren Fehlversuchen ist die Anmeldung für einige Minuten gesperrt.";
const FORM_EXPIRED: &str =
    "Das Anmeldeformular war zu lange geöffnet. Bitte melden Sie sich noch einmal an.";

fn sign_in_form(
    state: &AppState,
    return_to: &str,
    email: &str,
    problem: Option<&'static str>,
    notice: Option<&'static str>,
) -> Result<String, AppError> {
    Ok(SignInTemplate {
        layout: AdminLayout::signed_out(if problem.is_some() {
            "Fehler: Anmelden"
        } else {
            "Anmelden"
        }),
        form_token: state.form_tokens.issue(Utc::now()),
        return_to: safe_return_path(return_to),
        email,
        problem,
        notice,
    }
    .render()?)
}

pub async fn sign_in_page(
    State(state): State<AppState>,
    Query(query): Query<SignInQuery>,
) -> Result<Html<String>, AppError> {
    let notice = query.notice.notice().map(Notice::text);
    let return_to = query.weiter.as_deref().unwrap_or(paths::DASHBOARD);
    Ok(Html(sign_in_form(&state, return_to, "", None, notice)?))
}

/// Checks the credentials; on success starts a new session (a cookie brought along is ended
/// and replaced, so a planted session id is worthless) and returns to where the visitor wanted
/// to go.
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let client = client_address(&headers, peer, state.client_ip_header.as_ref());
    let failures = &state.staff.failed_sign_ins;
    let earlier_failures = failures.recent(client, Instant::now());
    // Every attempt counts as a failure until it succeeds; counting first means that many
    // attempts sent at once cannot all slip under the limit.
    if !failures.allow(client, Instant::now()) {
        return Err(AppError::TooManyRequests);
    }
    let (email, return_to) = (form.email.as_str(), form.weiter.as_str());
    if !matches!(
        state.form_tokens.check(&form.form_token, Utc::now()),
        TokenCheck::Valid { .. }
    ) {
        let html = sign_in_form(&state, return_to, email, Some(FORM_EXPIRED), None)?;
        return Ok((StatusCode::FORBIDDEN, Html(html)).into_response());
    }

    let slowdown =
        SLOWDOWN_PER_FAILURE.saturating_mul(u32::try_from(earlier_failures).unwrap_or(u32::MAX));
    tokio::time::sleep(slowdown.min(MAX_SLOWDOWN)).await;

    let Some(account_id) = sign_in::check(&state.pool, email, &form.password).await? else {
        tracing::info!("a sign-in to the staff area failed");
        let html = sign_in_form(&state, return_to, email, Some(REFUSED), None)?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    };
    failures.forgive(client, Instant::now());
    if let Some(previous) = session_token(&headers) {
        session::end(&state.pool, &previous).await?;
    }
    let new_session = session::start(&state.pool, account_id, state.staff.sessions).await?;
    let cookie = session_cookie(
        new_session.token,
        state.staff.sessions.absolute,
        &state.staff,
    )?;
    tracing::info!(account_id, "signed in to the staff area");
    Ok((
        [(header::SET_COOKIE, cookie)],
        Redirect::to(safe_return_path(return_to)),
    )
        .into_response())
}

/// Ends the session. A session that has already ended needs no token to be left: the cookie is
/// cleared and the staff member lands on the sign-in page all the same.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    if let Some(token) = session_token(&headers) {
        if let Some(session) = session::resume(&state.pool, &token, state.staff.sessions).await? {
            check_csrf(&session, &body)?;
        }
        session::end(&state.pool, &token).await?;
    }
    let expired = session_cookie(String::new(), Duration::ZERO, &state.staff)?;
    Ok((
        [(header::SET_COOKIE, expired)],
        Redirect::to(&paths::with_notice(paths::SIGN_IN, Notice::SignedOut)),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_staff_area_paths_are_returned_to() {
        assert_eq!(
            safe_return_path("/admin/anfragen?status=new"),
            "/admin/anfragen?status=new"
        );
        assert_eq!(safe_return_path("/admin"), "/admin");
        for outside in [
            "https://evil.example",
            "//evil.example",
            "/admin//evil",
            "/administrator",
            "/",
            "/admin\\x",
        ] {
            assert_eq!(safe_return_path(outside), "/admin", "{outside}");
        }
    }

    #[test]
    fn tokens_compare_in_full() {
        assert!(constant_time_equal("abc123", "abc123"));
        assert!(!constant_time_equal("abc124", "abc123"));
        assert!(!constant_time_equal("abc", "abc123"));
        assert!(!constant_time_equal("", "abc123"));
    }
}
