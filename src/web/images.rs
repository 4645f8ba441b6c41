//! Serves the pictures of news items from the database (`content::image`). Their addresses are
//! made from their content, so browsers and proxies may keep them for a year; a browser that
//! asks again with the address's tag gets a bodiless 304.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::content::image::{self, ImageRef};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::conditional;

pub const ROUTE: &str = "/bilder/{file}";

/// The address `image` is served under.
pub fn path(image: &ImageRef) -> String {
    format!("/bilder/{}.{}", image.key, image.format.extension())
}

pub async fn serve(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (key, extension) = file.split_once('.').ok_or(AppError::NotFound)?;
    if key.len() != 32 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let etag = format!("\"{key}\"");
    let cache_control = HeaderValue::from_static("public, max-age=31536000, immutable");
    // The address names the content: a browser that has it (`*`: any copy), has it right.
    let asked_with_tag = conditional::is_current(&headers, &etag, None);
    let etag = HeaderValue::from_str(&etag).map_err(|_| AppError::NotFound)?;
    if asked_with_tag {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache_control)],
        )
            .into_response());
    }
    let (format, bytes) = image::find(&state.pool, key)
        .await?
        .ok_or(AppError::NotFound)?;
    if format.extension() != extension {
        return Err(AppError::NotFound);
    }
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache_control),
        ],
        Body::from(bytes),
    )
        .into_response())
}
