//! Every form of the staff area arrives through [`StaffForm`]: it needs a signed-in account and
//! the session's CSRF token. A form sent after the session has ended (half an hour without a
//! click, while someone was writing) is not refused: the same page answers with the sign-in
//! form, carrying everything that was sent in hidden fields (and nowhere else). Signing in
//! there sends the form to the same address again, and the action goes through as if nothing
//! had happened — with its usual checks, e.g. whether someone else saved the page meanwhile.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use askama::Template;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::staff::session::{self, StaffSession};
use crate::state::AppState;
use crate::web::admin::auth::{
    self, CodeAttempt, SessionOrigin, SignInAttempt, SignInRefused, SignInStep,
};
use crate::web::admin::layout::AdminLayout;
use crate::web::admin::paths;
use crate::web::form_body::{self, FormBody, Upload};

/// The names of the sign-in fields added to a form sent after its session ended; no form of the
/// staff area has fields of these names.
const EMAIL_FIELD: &str = "anmeldung_email";
const PASSWORD_FIELD: &str = "anmeldung_passwort";
const TOKEN_FIELD: &str = "anmeldung_token";
const CHALLENGE_FIELD: &str = "anmeldung_pruefung";
const CODE_FIELD: &str = "anmeldung_code";
const CSRF_FIELD: &str = "csrf_token";

/// A form of type `T` sent by a signed-in staff member, with their session's CSRF token, and
/// the files it uploads (if it is sent as `multipart/form-data`).
pub struct StaffForm<T> {
    pub session: StaffSession,
    pub form: T,
    pub uploads: Vec<Upload>,
}

/// A form that is just a button (besides the CSRF token every staff form carries).
#[derive(Deserialize)]
pub struct ButtonOnly {}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf_token: String,
}

/// The sign-in fields of a form sent again after its session ended.
#[derive(Default, Deserialize)]
#[serde(default)]
struct SignInAgain {
    anmeldung_email: String,
    anmeldung_passwort: String,
    anmeldung_token: String,
    /// Set on the second step (two-factor sign-in), with the code.
    anmeldung_pruefung: String,
    anmeldung_code: String,
}

impl<T: DeserializeOwned> FromRequest<AppState> for StaffForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let session = auth::current_session(&parts.headers, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let uri = parts.uri.clone();
        let headers = parts.headers.clone();
        let peer = ConnectInfo::<SocketAddr>::from_request_parts(&mut parts, state)
            .await
            .ok()
            .map(|ConnectInfo(peer)| peer);
        let new_cookie = parts.extensions.get::<NewSessionCookie>().cloned();
        let FormBody {
            fields: body,
            uploads,
        } = form_body::read_with_uploads(Request::from_parts(parts, body), state).await?;
        if let Some(session) = session {
            check_csrf(&session, &body).map_err(IntoResponse::into_response)?;
            return Ok(Self {
                session,
                form: form_body::parse(&body).map_err(IntoResponse::into_response)?,
                uploads,
            });
        }
        // The session has ended: sign in again on this page, or with the credentials sent here.
        let again: SignInAgain = form_body::parse(&body).map_err(IntoResponse::into_response)?;
        let page = AgainPage {
            state,
            uri: &uri,
            body: &body,
            files_left_behind: !uploads.is_empty(),
        };
        if again.anmeldung_email.is_empty() && again.anmeldung_pruefung.is_empty() {
            return Err(page.render(Step::Password { email: "" }, None));
        }
        let Some(peer) = peer else {
            return Err(AppError::Forbidden.into_response());
        };
        let origin = SessionOrigin::of(&headers, peer, state);
        let cookie = if again.anmeldung_pruefung.is_empty() {
            let attempt = SignInAttempt {
                email: &again.anmeldung_email,
                password: &again.anmeldung_passwort,
                form_token: &again.anmeldung_token,
                origin,
            };
            let step = auth::sign_in_with(state, attempt)
                .await
                .map_err(IntoResponse::into_response)?;
            match step {
                Ok(SignInStep::SignedIn(cookie)) => cookie,
                Ok(SignInStep::CodeNeeded { challenge }) => {
                    return Err(page.render(
                        Step::Code {
                            challenge: &challenge,
                        },
                        None,
                    ));
                }
                Err(refused) => {
                    let email = &again.anmeldung_email;
                    return Err(page.render(Step::Password { email }, Some(refused)));
                }
            }
        } else {
            let attempt = CodeAttempt {
                challenge: &again.anmeldung_pruefung,
                code: &again.anmeldung_code,
                origin,
            };
            let checked = auth::second_step_with(state, attempt)
                .await
                .map_err(IntoResponse::into_response)?;
            match checked {
                Ok(cookie) => cookie,
                Err(refused @ SignInRefused::FormExpired) => {
                    return Err(page.render(Step::Password { email: "" }, Some(refused)));
                }
                Err(refused) => {
                    let challenge = &again.anmeldung_pruefung;
                    return Err(page.render(Step::Code { challenge }, Some(refused)));
                }
            }
        };
        // Signed in with the password (and code) just typed, which stand in for the CSRF token
        // of the session that ended.
        let session = resumed(state, &cookie).await?;
        if let Some(slot) = new_cookie {
            slot.set(cookie);
        }
        Ok(Self {
            session,
            form: form_body::parse(&body).map_err(IntoResponse::into_response)?,
            uploads,
        })
    }
}

/// The session just started with `cookie`.
async fn resumed(state: &AppState, cookie: &HeaderValue) -> Result<StaffSession, Response> {
    let token = cookie
        .to_str()
        .ok()
        .and_then(|text| cookie::Cookie::parse(text.to_owned()).ok())
        .map(|cookie| cookie.value().to_owned())
        .ok_or_else(|| AppError::Forbidden.into_response())?;
    session::resume(&state.pool, &token, state.staff.sessions)
        .await
        .map_err(|error| AppError::from(error).into_response())?
        .ok_or_else(|| AppError::Forbidden.into_response())
}

/// Whether `body` carries the CSRF token of `session`.
pub fn check_csrf(session: &StaffSession, body: &[u8]) -> Result<(), AppError> {
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

#[derive(Template)]
#[template(path = "admin/sign_in_again.html")]
struct SignInAgainTemplate<'a> {
    layout: AdminLayout<'a>,
    action: &'a str,
    /// What was sent, to be sent again (without the old CSRF token and sign-in fields).
    carried: Vec<(String, String)>,
    form_token: String,
    step: Step<'a>,
    problem: Option<&'static str>,
    email_field: &'static str,
    password_field: &'static str,
    token_field: &'static str,
    challenge_field: &'static str,
    code_field: &'static str,
    /// The form uploaded a file, which cannot be carried: it must be chosen again.
    files_left_behind: bool,
}

/// Which step of signing in the page asks for.
enum Step<'a> {
    /// Address and password (the address kept after a failure).
    Password { email: &'a str },
    /// The code of two-factor sign-in, for the sign-in `challenge` stands for.
    Code { challenge: &'a str },
}

impl SignInAgainTemplate<'_> {
    /// The carried values that are text someone typed (not codes, numbers and buttons), shown
    /// so that nobody worries where their text went.
    fn typed_texts(&self) -> Vec<&(String, String)> {
        self.carried
            .iter()
            .filter(|(_, value)| value.chars().any(char::is_whitespace) || value.len() > 40)
            .collect()
    }
}

/// The page that asks a staff member whose session ended to sign in again, carrying the form.
struct AgainPage<'a> {
    state: &'a AppState,
    uri: &'a Uri,
    body: &'a [u8],
    files_left_behind: bool,
}

impl AgainPage<'_> {
    fn render(&self, step: Step<'_>, problem: Option<SignInRefused>) -> Response {
        let sign_in_fields = [
            CSRF_FIELD,
            EMAIL_FIELD,
            PASSWORD_FIELD,
            TOKEN_FIELD,
            CHALLENGE_FIELD,
            CODE_FIELD,
        ];
        let carried: Vec<(String, String)> =
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(self.body)
                .unwrap_or_default()
                .into_iter()
                .filter(|(name, _)| !sign_in_fields.contains(&name.as_str()))
                .collect();
        let page = SignInAgainTemplate {
            layout: AdminLayout::signed_out(if problem.is_some() {
                "Fehler: Bitte erneut anmelden"
            } else {
                "Bitte erneut anmelden"
            }),
            action: self.uri.path(),
            carried,
            form_token: self.state.form_tokens.issue(Utc::now()),
            step,
            problem: problem.map(SignInRefused::message),
            email_field: EMAIL_FIELD,
            password_field: PASSWORD_FIELD,
            token_field: TOKEN_FIELD,
            challenge_field: CHALLENGE_FIELD,
            code_field: CODE_FIELD,
            files_left_behind: self.files_left_behind,
        };
        let status = problem.map_or(StatusCode::FORBIDDEN, SignInRefused::status);
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(error) => AppError::from(error).into_response(),
        }
    }
}

/// Where a sign-in made while sending a form leaves its new session cookie, for the response.
#[derive(Clone, Default)]
struct NewSessionCookie(Arc<Mutex<Option<HeaderValue>>>);

impl NewSessionCookie {
    fn set(&self, cookie: HeaderValue) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(cookie);
    }

    fn take(&self) -> Option<HeaderValue> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Middleware of the staff area: a form that signed its sender in again answers with the new
/// session cookie.
pub async fn set_new_session_cookie(mut request: Request, next: Next) -> Response {
    let slot = NewSessionCookie::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    if let Some(cookie) = slot.take() {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_in_full() {
        assert!(constant_time_equal("abc123", "abc123"));
        assert!(!constant_time_equal("abc124", "abc123"));
        assert!(!constant_time_equal("abc", "abc123"));
        assert!(!constant_time_equal("", "abc123"));
    }

    #[test]
    fn no_sign_in_field_can_be_mistaken_for_a_form_field() {
        for name in [
            EMAIL_FIELD,
            PASSWORD_FIELD,
            TOKEN_FIELD,
            CHALLENGE_FIELD,
            CODE_FIELD,
        ] {
            assert!(name.starts_with("anmeldung_"));
        }
    }
}
