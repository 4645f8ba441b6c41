//! The one error type of the web layer. A handler returns `AppError`; the response carries only
//! a status code, and `web::error_page` dresses it as a page in the visitor's language.
//! Internal causes are logged here, once, and never shown.

use std::time::Duration;

use axum::http::header::{self, InvalidHeaderValue};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("no page at this address")]
    NotFound,
    /// A form body that is not URL-encoded UTF-8.
    #[error("malformed form data")]
    MalformedForm,
    #[error("form data expected")]
    UnsupportedMediaType,
    /// Too many attempts from one client; it may try again after `retry_after`.
    #[error("rate limit exceeded")]
    TooManyRequests { retry_after: Duration },
    /// Not signed in for an action of the staff area, or its CSRF token is missing or wrong.
    #[error("forbidden")]
    Forbidden,
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("cannot render the page")]
    Render(#[from] askama::Error),
    #[error("cannot build a response header")]
    Header(#[from] InvalidHeaderValue),
    #[error("cannot hash a password")]
    Hash(#[from] crate::staff::password::HashError),
    /// Content that the site relies on is missing from the database (e.g. a deleted page row).
    #[error("content missing: {0}")]
    MissingContent(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MalformedForm => StatusCode::BAD_REQUEST,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Database(error) => database_status(error),
            AppError::Render(_)
            | AppError::Header(_)
            | AppError::Hash(_)
            | AppError::MissingContent(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Whether a database error is the visitor's, a passing state of the server, or a fault.
fn database_status(error: &sqlx::Error) -> StatusCode {
    match error {
        // The database is down or overloaded: a passing state, and the visitor should retry.
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        sqlx::Error::Database(error) => match error.code().as_deref() {
            // Text PostgreSQL cannot store (a NUL byte in a search, say) came from the request.
            Some("22021" | "22P05") => StatusCode::BAD_REQUEST,
            // Connection failures, too many connections, shutdown or restart of the server.
            Some(code)
                if code.starts_with("08") || code.starts_with("53") || code.starts_with("57") =>
            {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Some("55000") => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        },
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            // As an error value, so that the log shows its whole chain of causes.
            tracing::error!(error = &self as &dyn std::error::Error, "request failed");
        }
        let mut response = status.into_response();
        if let AppError::TooManyRequests { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after_value(retry_after));
        }
        response
    }
}

/// A `Retry-After` header value: whole seconds, at least one.
pub fn retry_after_value(wait: Duration) -> HeaderValue {
    HeaderValue::from(wait.as_secs().max(1))
}
