//! Static files (stylesheet, icon), built into the binary. Their URLs carry a hash of their
//! content, so browsers may keep them for a year: a changed file gets a new URL.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::LazyLock;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::web::page_cache::PageCache;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Asset {
    Stylesheet,
    Icon,
    /// The picture link previews show (Open Graph), drawn by tests/tools/make-share-image.sh.
    ShareImage,
}

/// Where static files are served from.
pub const PREFIX: &str = "/static/";

impl Asset {
    pub const ALL: [Asset; 3] = [Asset::Stylesheet, Asset::Icon, Asset::ShareImage];

    fn file_name(self) -> (&'static str, &'static str) {
        match self {
            Asset::Stylesheet => ("style", "css"),
            Asset::Icon => ("icon", "svg"),
            Asset::ShareImage => ("share", "png"),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Asset::Stylesheet => "text/css; charset=utf-8",
            Asset::Icon => "image/svg+xml",
            Asset::ShareImage => "image/png",
        }
    }

    pub fn bytes(self) -> &'static [u8] {
        match self {
            Asset::Stylesheet => include_bytes!("../static/style.css"),
            Asset::Icon => include_bytes!("../static/icon.svg"),
            Asset::ShareImage => include_bytes!("../static/share.png"),
        }
    }

    /// The URL of the file, e.g. `/static/style.3f2a9c1b0d4e.css`.
    pub fn url(self) -> &'static str {
        &FINGERPRINTED[&self].url
    }
}

struct Fingerprinted {
    url: String,
    file_name: String,
}

static FINGERPRINTED: LazyLock<HashMap<Asset, Fingerprinted>> = LazyLock::new(|| {
    Asset::ALL
        .into_iter()
        .map(|asset| {
            let digest = Sha256::digest(asset.bytes());
            let hash = digest[..6].iter().fold(String::new(), |mut hex, byte| {
                let _ = write!(hex, "{byte:02x}");
                hex
            });
            let (stem, extension) = asset.file_name();
            let file_name = format!("{stem}.{hash}.{extension}");
            let url = format!("{PREFIX}{file_name}");
            (asset, Fingerprinted { url, file_name })
        })
        .collect()
});

/// Serves `/static/{file}`, compressed ahead (see `web::page_cache`). Only the current
/// fingerprinted names exist; an old or made-up name is a 404, so a stale URL can never be
/// cached under a new file's content.
pub async fn serve(
    State(pages): State<PageCache>,
    Path(file_name): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let asset = FINGERPRINTED
        .iter()
        .find(|(_, fingerprinted)| fingerprinted.file_name == file_name)
        .map(|(asset, _)| *asset)
        .ok_or(AppError::NotFound)?;
    let body = pages.asset(asset).ok_or(AppError::NotFound)?;
    Ok(body.respond(&method, &headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_the_content_hash() {
        let url = Asset::Stylesheet.url();
        assert!(url.starts_with("/static/style."), "{url}");
        assert!(url.ends_with(".css"), "{url}");
        assert_eq!(url.len(), "/static/style.".len() + 12 + ".css".len());
        assert_ne!(Asset::Stylesheet.url(), Asset::Icon.url());
    }
}
