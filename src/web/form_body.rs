//! Reading `application/x-www-form-urlencoded` bodies strictly, into the `Deserialize` struct of
//! each form: text that is not valid UTF-8 after decoding is refused (400) rather than silently
//! turned into replacement characters; another content type is refused (415). Forms of the staff
//! area that upload a file come as `multipart/form-data`: their text fields are read the same
//! way, their files are handed over as they are.
//!
//! Each route says how large a body it takes ([`body_limit`]); a request that announces more
//! (`Content-Length`) is refused with 413 before a byte of it is read, so that a client waiting
//! for `100 Continue` learns at once, and one that sends a body without announcing its length
//! is cut off at the limit.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode;
use serde::de::DeserializeOwned;
use tower::ServiceBuilder;
use tower::layer::util::{Identity, Stack};

use crate::error::AppError;

/// The largest body a route takes unless it says otherwise with [`body_limit`]: a staff form with
/// the longest text allowed (100,000 characters, each up to nine bytes when URL-encoded) and
/// room to spare, so that a text too long gets its message at the field rather than an error page.
pub const FORM_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The largest body the route takes, as the readers below see it.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(usize);

/// The layer that sets a route's (or, on the router, every route's) largest body to `max` bytes,
/// both for the readers here and for axum's own extractors.
pub fn body_limit(
    max: usize,
) -> ServiceBuilder<Stack<Extension<BodyLimit>, Stack<DefaultBodyLimit, Identity>>> {
    ServiceBuilder::new()
        .layer(DefaultBodyLimit::max(max))
        .layer(Extension(BodyLimit(max)))
}

/// Refuses a body announced larger than the route takes, before reading any of it.
fn refuse_announced_oversize(request: &Request) -> Result<(), StatusCode> {
    let limit = request
        .extensions()
        .get::<BodyLimit>()
        .map_or(FORM_BODY_LIMIT, |limit| limit.0);
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    match announced {
        Some(length) if length > limit as u64 => Err(StatusCode::PAYLOAD_TOO_LARGE),
        _ => Ok(()),
    }
}

/// A form of type `T`, read from the request body. Fields the form does not know are ignored.
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = read(request, state).await?;
        parse(&body).map(Form).map_err(IntoResponse::into_response)
    }
}

/// The body of a form request, once its content type is checked.
pub async fn read<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, Response> {
    if !is_form(request.headers()) {
        return Err(AppError::UnsupportedMediaType.into_response());
    }
    refuse_announced_oversize(&request).map_err(IntoResponse::into_response)?;
    // A body that grows over the route's limit while it is read is refused here (413).
    Bytes::from_request(request, state)
        .await
        .map_err(IntoResponse::into_response)
}

/// A file sent with a form.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name of the form field.
    pub field: String,
    /// The name the file had on the sender's computer (as the browser tells it).
    pub file_name: String,
    pub bytes: Bytes,
}

/// A form body: its text fields, URL-encoded (as [`parse`] reads them), and its files.
pub struct FormBody {
    pub fields: Bytes,
    pub uploads: Vec<Upload>,
}

/// The body of a form that may upload files: URL-encoded, or `multipart/form-data`. A file
/// field left empty sends no upload.
pub async fn read_with_uploads<S: Send + Sync>(
    request: Request,
    state: &S,
) -> Result<FormBody, Response> {
    if is_form(request.headers()) {
        return Ok(FormBody {
            fields: read(request, state).await?,
            uploads: Vec::new(),
        });
    }
    refuse_announced_oversize(&request).map_err(IntoResponse::into_response)?;
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|_| AppError::UnsupportedMediaType.into_response())?;
    let mut fields = Vec::new();
    let mut uploads = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return Err(multipart_problem(error.status())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|error| multipart_problem(error.status()))?;
        if let Some(file_name) = file_name {
            if !bytes.is_empty() {
                uploads.push(Upload {
                    field: name,
                    file_name,
                    bytes,
                });
            }
        } else {
            let value = String::from_utf8(bytes.to_vec())
                .map_err(|_| AppError::MalformedForm.into_response())?;
            fields.push((name, value));
        }
    }
    let fields = serde_urlencoded::to_string(&fields)
        .map_err(|_| AppError::MalformedForm.into_response())?;
    Ok(FormBody {
        fields: Bytes::from(fields),
        uploads,
    })
}

/// A body over the route's limit is refused with 413, anything else that cannot be read as 400.
fn multipart_problem(status: StatusCode) -> Response {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        status.into_response()
    } else {
        AppError::MalformedForm.into_response()
    }
}

/// Reads `body` into `T`, after checking that every name and value is UTF-8.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    ensure_utf8(body)?;
    serde_urlencoded::from_bytes(body).map_err(|_| AppError::MalformedForm)
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media_type| {
            media_type
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn ensure_utf8(body: &[u8]) -> Result<(), AppError> {
    let decodes = |component: &[u8]| {
        let with_spaces: Vec<u8> = component
            .iter()
            .map(|byte| if *byte == b'+' { b' ' } else { *byte })
            .collect();
        percent_decode(&with_spaces).decode_utf8().is_ok()
    };
    body.split(|byte| *byte == b'&')
        .flat_map(|pair| pair.splitn(2, |byte| *byte == b'='))
        .all(decodes)
        .then_some(())
        .ok_or(AppError::MalformedForm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize, PartialEq, Eq)]
    #[serde(default)]
    struct Example {
        organisation: String,
        contact_name: String,
        empty: String,
    }

    #[test]
    fn decodes_fields_spaces_and_umlauts() {
        let form: Example = parse(b"organisation=Stadt+M%C3%BCnchen&empty=&flag").unwrap();
        assert_eq!(form.organisation, "Stadt München");
        assert_eq!(form.empty, "");
    }

    #[test]
    fn keeps_encoded_line_breaks_for_the_validation_to_judge() {
        let form: Example = parse(b"contact_name=Eve%0D%0ABcc%3A+x").unwrap();
        assert_eq!(form.contact_name, "Eve\r\nBcc: x");
    }

    #[test]
    fn refuses_text_that_is_not_utf8() {
        for body in [
            &b"organisation=M%FCnchen"[..],
            b"organisation=\xfc",
            b"M%FCnchen=Stadt",
        ] {
            assert!(matches!(
                parse::<Example>(body),
                Err(AppError::MalformedForm)
            ));
        }
    }

    #[test]
    fn only_url_encoded_forms_are_forms() {
        let mut headers = HeaderMap::new();
        assert!(!is_form(&headers));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert!(!is_form(&headers));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=UTF-8"),
        );
        assert!(is_form(&headers));
    }
}
