//! Signing in and out of the staff area, the session cookie, and the check every staff page goes
//! through. (Forms are checked by `staff_form`.)

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use cookie::{Cookie, SameSite};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use crate::error::AppError;
use crate::inquiry::token::TokenCheck;
use crate::monitoring;
use crate::staff::device;
use crate::staff::session::{self, StaffSession};
use crate::staff::sign_in::{self, CodeCheck, PasswordCheck};
use crate::state::AppState;
use crate::web::admin::layout::AdminLayout;
use crate::web::admin::notice::{Notice, NoticeQuery};
use crate::web::admin::paths;
use crate::web::admin::staff_form::check_csrf;
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
        let session = current_session(&parts.headers, state)
            .await
            .map_err(IntoResponse::into_response)?;
        session.map(SignedIn).ok_or_else(|| {
            if parts.method == Method::GET || parts.method == Method::HEAD {
                let back = parts
                    .uri
                    .path_and_query()
                    .map_or(paths::DASHBOARD, |path| path.as_str());
                Redirect::to(&sign_in_path(back)).into_response()
            } else {
                AppError::Forbidden.into_response()
            }
        })
    }
}

/// A signed-in staff member whose role may manage the accounts of colleagues (Verwaltung).
pub struct Administrator(pub StaffSession);

impl FromRequestParts<AppState> for Administrator {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let SignedIn(session) = SignedIn::from_request_parts(parts, state).await?;
        if session.role.may_manage_accounts() {
            Ok(Self(session))
        } else {
            Err(AppError::Forbidden.into_response())
        }
    }
}

/// The session the request's cookie belongs to, if it is still valid.
pub async fn current_session(
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Option<StaffSession>, AppError> {
    match session_token(headers) {
        Some(token) => Ok(session::resume(&state.pool, &token, state.staff.sessions).await?),
        None => Ok(None),
    }
}

/// The sign-in page that leads back to `back` afterwards.
pub fn sign_in_path(back: &str) -> String {
    let back = utf8_percent_encode(back, NON_ALPHANUMERIC);
    format!("{}?{}={back}", paths::SIGN_IN, paths::RETURN_PARAMETER)
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
    state: &AppState,
) -> Result<HeaderValue, AppError> {
    let cookie = Cookie::build((SESSION_COOKIE, value))
        .path(paths::DASHBOARD)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.staff.secure_cookie)
        .max_age(cookie::time::Duration::seconds(
            i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX),
        ))
        .build();
    HeaderValue::from_str(&cookie.to_string()).map_err(AppError::from)
}

/// Only paths of the staff area may be returned to after signing in (no open redirect), and only
/// as a browser sends them: percent-encoded, without spaces or control characters, which could
/// not stand in a `Location` header.
fn safe_return_path(requested: &str) -> &str {
    let inside = requested
        .strip_prefix(paths::DASHBOARD)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']));
    let printable = requested.bytes().all(|byte| byte.is_ascii_graphic());
    if inside && printable && !requested.contains("//") && !requested.contains('\\') {
        requested
    } else {
        paths::DASHBOARD
    }
}

/// Why a sign-in did not happen, in the words the form shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefused {
    /// Wrong address or password, or the account is locked or disabled (one answer for all).
    Credentials,
    /// The form was open too long (or is not one this site showed).
    FormExpired,
    /// The code of the second step is wrong or was used before (or the account got locked).
    WrongCode,
    /// The site requires two-factor sign-in and this account has not set it up.
    SecondStepMissing,
}

impl SignInRefused {
    pub fn message(self) -> &'static str {
        match self {
            SignInRefused::Credentials => {
                "Die Anmeldung ist fehlgeschlagen. Bitte prüfen Sie E-Mail-Adresse und Passwort. \
                 Nach mehreren Fehlversuchen ist die Anmeldung für einige Minuten gesperrt."
            }
            SignInRefused::FormExpired => {
                "Das Anmeldeformular war zu lange geöffnet. Bitte melden Sie sich noch einmal an."
            }
            SignInRefused::WrongCode => {
                "Der Code stimmt nicht oder wurde schon verwendet. Bitte geben Sie den aktuellen \
                 Code aus Ihrer App ein oder einen unbenutzten Wiederherstellungscode. Nach \
                 mehreren Fehlversuchen ist die Anmeldung für einige Minuten gesperrt."
            }
            SignInRefused::SecondStepMissing => {
                "Für den Zugang ist die Anmeldung in zwei Schritten vorgeschrieben, für Ihr Konto \
                 aber noch nicht eingerichtet. Bitte wenden Sie sich an die Person, die die \
                 Website betreut."
            }
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            SignInRefused::Credentials | SignInRefused::WrongCode => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            SignInRefused::FormExpired | SignInRefused::SecondStepMissing => StatusCode::FORBIDDEN,
        }
    }
}

/// What one sign-in needs from the request.
pub struct SignInAttempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub form_token: &'a str,
    pub origin: SessionOrigin<'a>,
}

/// What the second step of a sign-in needs from the request.
pub struct CodeAttempt<'a> {
    /// The token the second step's form carries.
    pub challenge: &'a str,
    pub code: &'a str,
    pub origin: SessionOrigin<'a>,
}

/// Where a sign-in comes from.
pub struct SessionOrigin<'a> {
    /// The client, as the rate limits count it.
    client: IpAddr,
    /// The session cookie the browser brought along, ended and replaced on success.
    previous_cookie: Option<String>,
    /// The browser's `User-Agent`, described coarsely in the list of sign-ins.
    user_agent: &'a str,
}

impl<'a> SessionOrigin<'a> {
    pub fn of(headers: &'a HeaderMap, peer: SocketAddr, state: &AppState) -> Self {
        Self {
            client: state.clients.client_of(headers, peer),
            previous_cookie: session_token(headers),
            user_agent: headers
                .get(header::USER_AGENT)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default(),
        }
    }
}

/// Where a sign-in stands after the password.
pub enum SignInStep {
    /// Signed in: the `Set-Cookie` value of the new session.
    SignedIn(HeaderValue),
    /// The account has two-factor sign-in: its code must follow, on a form with this token.
    CodeNeeded { challenge: String },
}

/// Checks the credentials of a sign-in (from the sign-in page, or from a form that was sent after
/// the session had ended); on success starts a new session, or asks for the code of the second
/// step. A client with too many recent failures is refused with 429.
pub async fn sign_in_with(
    state: &AppState,
    attempt: SignInAttempt<'_>,
) -> Result<Result<SignInStep, SignInRefused>, AppError> {
    slow_down_repeated_failures(state, attempt.origin.client).await?;
    if !matches!(
        state.form_tokens.check(attempt.form_token, Utc::now()),
        TokenCheck::Valid { .. }
    ) {
        return Ok(Err(SignInRefused::FormExpired));
    }
    let checked = sign_in::check(
        &state.pool,
        attempt.email,
        attempt.password,
        state.staff.sessions.require_two_factor,
    )
    .await?;
    // The password was right: no failure of this client (only wrong codes will be).
    let password_was_right = || {
        state
            .staff
            .failed_sign_ins
            .forgive(attempt.origin.client, Instant::now());
    };
    let account_id = match checked {
        PasswordCheck::SignedIn(account_id) => account_id,
        PasswordCheck::CodeNeeded { challenge } => {
            password_was_right();
            return Ok(Ok(SignInStep::CodeNeeded { challenge }));
        }
        PasswordCheck::SecondStepMissing => {
            password_was_right();
            tracing::info!("a sign-in without the required second step was refused");
            return Ok(Err(SignInRefused::SecondStepMissing));
        }
        PasswordCheck::Refused => {
            tracing::info!("a sign-in to the staff area failed");
            metrics::counter!(monitoring::SIGN_IN_FAILURES).increment(1);
            return Ok(Err(SignInRefused::Credentials));
        }
    };
    let cookie = start_session(state, account_id, attempt.origin).await?;
    Ok(Ok(SignInStep::SignedIn(cookie)))
}

/// Checks the code of a sign-in's second step; on success starts a new session and returns its
/// `Set-Cookie` value.
pub async fn second_step_with(
    state: &AppState,
    attempt: CodeAttempt<'_>,
) -> Result<Result<HeaderValue, SignInRefused>, AppError> {
    slow_down_repeated_failures(state, attempt.origin.client).await?;
    let account_id = match sign_in::check_code(&state.pool, attempt.challenge, attempt.code).await?
    {
        CodeCheck::SignedIn(account_id) => account_id,
        CodeCheck::Expired => return Ok(Err(SignInRefused::FormExpired)),
        CodeCheck::Refused => {
            tracing::info!("a second sign-in step to the staff area failed");
            metrics::counter!(monitoring::SIGN_IN_FAILURES).increment(1);
            return Ok(Err(SignInRefused::WrongCode));
        }
    };
    Ok(Ok(start_session(state, account_id, attempt.origin).await?))
}

/// Counts the attempt against its client first (many attempts sent at once cannot all slip under
/// the limit), refuses a client over the limit with 429, and delays one with recent failures.
pub(crate) async fn slow_down_repeated_failures(
    state: &AppState,
    client: IpAddr,
) -> Result<(), AppError> {
    let failures = &state.staff.failed_sign_ins;
    let earlier_failures = failures.recent(client, Instant::now());
    if !failures.allow(client, Instant::now()) {
        metrics::counter!(monitoring::SIGN_IN_LOCKS, "of" => "client").increment(1);
        return Err(AppError::TooManyRequests {
            retry_after: failures.retry_after(client, Instant::now()),
        });
    }
    let slowdown =
        SLOWDOWN_PER_FAILURE.saturating_mul(u32::try_from(earlier_failures).unwrap_or(u32::MAX));
    tokio::time::sleep(slowdown.min(MAX_SLOWDOWN)).await;
    Ok(())
}

/// Takes back the attempt counted against `client`: it was no failure.
pub(crate) fn forgive_client(state: &AppState, client: IpAddr) {
    state.staff.failed_sign_ins.forgive(client, Instant::now());
}

/// Starts the session of a successful sign-in and returns its `Set-Cookie` value.
async fn start_session(
    state: &AppState,
    account_id: i64,
    origin: SessionOrigin<'_>,
) -> Result<HeaderValue, AppError> {
    state
        .staff
        .failed_sign_ins
        .forgive(origin.client, Instant::now());
    // A cookie brought along is ended and replaced, so a planted session id is worthless.
    if let Some(previous) = origin.previous_cookie {
        session::end(&state.pool, &previous).await?;
    }
    let new_session = session::start(
        &state.pool,
        account_id,
        &device::describe(origin.user_agent),
        state.staff.sessions,
    )
    .await?;
    tracing::info!(account_id, "signed in to the staff area");
    session_cookie(new_session.token, state.staff.sessions.absolute, state)
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

#[derive(Template)]
#[template(path = "admin/sign_in_code.html")]
struct SignInCodeTemplate<'a> {
    layout: AdminLayout<'a>,
    challenge: &'a str,
    return_to: &'a str,
    problem: Option<&'static str>,
}

fn sign_in_code_form(
    challenge: &str,
    return_to: &str,
    problem: Option<&'static str>,
) -> Result<String, AppError> {
    Ok(SignInCodeTemplate {
        layout: AdminLayout::signed_out(if problem.is_some() {
            "Fehler: Anmelden – zweiter Schritt"
        } else {
            "Anmelden – zweiter Schritt"
        }),
        challenge,
        return_to: safe_return_path(return_to),
        problem,
    }
    .render()?)
}

/// The second step's form as sent.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SignInCodeForm {
    pruefung: String,
    code: String,
    weiter: String,
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

/// Checks the credentials; on success starts a new session and returns to where the visitor
/// wanted to go.
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let attempt = SignInAttempt {
        email: &form.email,
        password: &form.password,
        form_token: &form.form_token,
        origin: SessionOrigin::of(&headers, peer, &state),
    };
    match sign_in_with(&state, attempt).await? {
        Ok(SignInStep::SignedIn(cookie)) => Ok((
            [(header::SET_COOKIE, cookie)],
            Redirect::to(safe_return_path(&form.weiter)),
        )
            .into_response()),
        Ok(SignInStep::CodeNeeded { challenge }) => {
            Ok(Html(sign_in_code_form(&challenge, &form.weiter, None)?).into_response())
        }
        Err(refused) => {
            let html = sign_in_form(
                &state,
                &form.weiter,
                &form.email,
                Some(refused.message()),
                None,
            )?;
            Ok((refused.status(), Html(html)).into_response())
        }
    }
}

/// The second step is only ever sent; an address typed or bookmarked leads to the first.
pub async fn sign_in_code_page() -> Redirect {
    Redirect::to(paths::SIGN_IN)
}

/// The second step: checks the code; on success starts a new session and returns to where the
/// visitor wanted to go. A wrong code shows the same step again; an expired one the first.
pub async fn sign_in_code(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignInCodeForm>,
) -> Result<Response, AppError> {
    let attempt = CodeAttempt {
        challenge: &form.pruefung,
        code: &form.code,
        origin: SessionOrigin::of(&headers, peer, &state),
    };
    let (refused, html) = match second_step_with(&state, attempt).await? {
        Ok(cookie) => {
            return Ok((
                [(header::SET_COOKIE, cookie)],
                Redirect::to(safe_return_path(&form.weiter)),
            )
                .into_response());
        }
        Err(refused @ SignInRefused::FormExpired) => (
            refused,
            sign_in_form(&state, &form.weiter, "", Some(refused.message()), None)?,
        ),
        Err(refused) => (
            refused,
            sign_in_code_form(&form.pruefung, &form.weiter, Some(refused.message()))?,
        ),
    };
    Ok((refused.status(), Html(html)).into_response())
}

/// Ends the session. A session that has already ended needs no token to be left: the cookie is
/// cleared and the staff member lands on the sign-in page all the same.
pub async fn sign_out(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, Response> {
    let headers = request.headers().clone();
    if let Some(token) = session_token(&headers) {
        let session = session::resume(&state.pool, &token, state.staff.sessions)
            .await
            .map_err(|error| AppError::from(error).into_response())?;
        if let Some(session) = session {
            let body = form_body::read(request, &state).await?;
            check_csrf(&session, &body).map_err(IntoResponse::into_response)?;
        }
        session::end(&state.pool, &token)
            .await
            .map_err(|error| AppError::from(error).into_response())?;
    }
    let expired = session_cookie(String::new(), Duration::ZERO, &state)
        .map_err(IntoResponse::into_response)?;
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
            "/admin/\n",
            "/admin/\r\nSet-Cookie: x=y",
            "/admin/ä",
            "/admin/a b",
        ] {
            assert_eq!(safe_return_path(outside), "/admin", "{outside}");
        }
    }
}
