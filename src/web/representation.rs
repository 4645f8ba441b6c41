//! A response body made once and served many times: its bytes as they are and compressed once
//! (gzip, and brotli at the highest level), with validators for conditional requests. Serving it
//! copies no body (`Bytes` clones share the memory) and compresses nothing.

use std::io::Write;
use std::time::SystemTime;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::web::conditional;
use crate::web::encoding::{self, Coding};

/// brotli's highest quality: slow to compress, which happens once per change, and the smallest
/// result.
const BROTLI_QUALITY: u32 = 11;
/// brotli's window, as a power of two: no larger than the text (a larger one gains nothing and
/// costs memory while compressing), within the format's limits.
fn brotli_window(length: usize) -> u32 {
    (usize::BITS - length.leading_zeros()).clamp(10, 24)
}

/// Marks a response whose body was compressed ahead (or deliberately left as it is): the
/// compression layer must not compress it per request.
#[derive(Debug, Clone, Copy)]
pub struct PreEncoded;

/// How browsers may keep what they get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// Keep a copy, but ask every time whether it is still current (pages).
    Revalidate,
    /// Keep it for a year without asking (assets whose URL changes with their content).
    Immutable,
    /// Do not keep it (error pages: the same address may work a moment later).
    NoStore,
}

impl Caching {
    fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Caching::Revalidate => "no-cache",
            Caching::Immutable => "public, max-age=31536000, immutable",
            Caching::NoStore => "no-store",
        })
    }
}

/// The same content in each coding, with what conditional requests compare against.
#[derive(Debug, Clone)]
pub struct Representations {
    content_type: HeaderValue,
    caching: Caching,
    identity: Bytes,
    gzip: Bytes,
    /// Made after the others (it takes long); until then, clients get gzip.
    brotli: Option<Bytes>,
    /// Hex digest of the identity bytes: equal digests, equal content.
    digest: String,
    etags: [HeaderValue; 3],
    last_modified: SystemTime,
    /// Every header of a full answer in each coding (identity, gzip, brotli), and of a
    /// "Not Modified", made once: a request clones one set and adds the length.
    full_headers: [HeaderMap; 3],
    not_modified_headers: [HeaderMap; 3],
}

impl Representations {
    /// `identity` with its gzip form, last modified `modified`. When `previous` has the very
    /// same bytes, its compressed forms are kept (and, if the date differs, only the headers are
    /// made anew). Every answer carries `extra_headers` too.
    pub fn new(
        identity: impl Into<Bytes>,
        content_type: &'static str,
        caching: Caching,
        modified: SystemTime,
        previous: Option<&Representations>,
        extra_headers: &HeaderMap,
    ) -> Self {
        let identity: Bytes = identity.into();
        let digest = hex::encode(&Sha256::digest(&identity)[..12]);
        let last_modified = SystemTime::from(httpdate::HttpDate::from(modified));
        if let Some(previous) = previous.filter(|previous| previous.digest == digest) {
            if previous.last_modified == last_modified {
                return previous.clone();
            }
            return Self {
                last_modified,
                ..previous.clone()
            }
            .with_headers(extra_headers);
        }
        Self {
            content_type: HeaderValue::from_static(content_type),
            caching,
            gzip: Bytes::from(gzip(&identity)),
            identity,
            brotli: None,
            digest,
            full_headers: Default::default(),
            not_modified_headers: Default::default(),
            etags: [
                HeaderValue::from_static(""),
                HeaderValue::from_static(""),
                HeaderValue::from_static(""),
            ],
            last_modified,
        }
        .with_headers(extra_headers)
    }

    /// The validators and the headers of every answer, made from the digest and the date.
    fn with_headers(mut self, extra_headers: &HeaderMap) -> Self {
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{}{suffix}\"", self.digest))
                .unwrap_or_else(|_| HeaderValue::from_static("\"\""))
        };
        // Each coding is a representation of its own: its own strong validator.
        self.etags = [etag(""), etag("-gz"), etag("-br")];
        let last_modified_header =
            HeaderValue::from_str(&httpdate::HttpDate::from(self.last_modified).to_string())
                .unwrap_or_else(|_| HeaderValue::from_static(""));
        let validators = |coding: Coding| {
            let mut headers = extra_headers.clone();
            headers.insert(header::ETAG, self.etags[coding.index()].clone());
            headers.insert(header::LAST_MODIFIED, last_modified_header.clone());
            headers.insert(header::CACHE_CONTROL, self.caching.header_value());
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            headers
        };
        let full = |coding: Coding| {
            let mut headers = validators(coding);
            headers.insert(header::CONTENT_TYPE, self.content_type.clone());
            if let Some(content_encoding) = coding.header_value() {
                headers.insert(header::CONTENT_ENCODING, content_encoding);
            }
            headers
        };
        self.full_headers = Coding::ALL.map(full);
        self.not_modified_headers = Coding::ALL.map(validators);
        self
    }

    /// The same, with its brotli form made.
    pub fn with_brotli(&self) -> Self {
        Self {
            brotli: Some(Bytes::from(brotli(&self.identity))),
            ..self.clone()
        }
    }

    pub fn has_brotli(&self) -> bool {
        self.brotli.is_some()
    }

    /// Whether both hold the same content.
    pub fn same_content(&self, other: &Representations) -> bool {
        self.digest == other.digest
    }

    pub fn identity(&self) -> &Bytes {
        &self.identity
    }

    fn available(&self) -> &'static [Coding] {
        if self.brotli.is_some() {
            &[Coding::Brotli, Coding::Gzip]
        } else {
            &[Coding::Gzip]
        }
    }

    fn body(&self, coding: Coding) -> &Bytes {
        match coding {
            Coding::Identity => &self.identity,
            Coding::Gzip => &self.gzip,
            Coding::Brotli => self.brotli.as_ref().unwrap_or(&self.gzip),
        }
    }

    /// The answer to a GET or HEAD with `request` headers: the client's preferred coding, or
    /// 304 Not Modified when its copy is current.
    pub fn respond(&self, method: &Method, request: &HeaderMap) -> Response {
        let coding = encoding::negotiate(request, self.available());
        if self.is_current(request, coding) {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            *response.headers_mut() = self.not_modified_headers[coding.index()].clone();
            response.extensions_mut().insert(PreEncoded);
            return response;
        }
        let body = self.body(coding).clone();
        let length = HeaderValue::from(body.len());
        let mut response = if method == Method::HEAD {
            Response::new(Body::empty())
        } else {
            Response::new(Body::from(body))
        };
        let headers = response.headers_mut();
        *headers = self.full_headers[coding.index()].clone();
        headers.insert(header::CONTENT_LENGTH, length);
        response.extensions_mut().insert(PreEncoded);
        response
    }

    /// The body for an error response of another status (the status and other headers are the
    /// caller's): the preferred coding, no validators.
    pub fn error_body(
        &self,
        request: &HeaderMap,
        response: &mut axum::http::response::Parts,
    ) -> Body {
        response.extensions.insert(PreEncoded);
        let headers = &mut response.headers;
        let coding = encoding::negotiate(request, self.available());
        let body = self.body(coding).clone();
        headers.insert(header::CONTENT_TYPE, self.content_type.clone());
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        headers.insert(header::CACHE_CONTROL, self.caching.header_value());
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        match coding.header_value() {
            Some(content_encoding) => headers.insert(header::CONTENT_ENCODING, content_encoding),
            None => headers.remove(header::CONTENT_ENCODING),
        };
        Body::from(body)
    }

    /// Whether the client's copy is the representation it would get now (`coding`): see
    /// [`conditional::is_current`].
    fn is_current(&self, request: &HeaderMap, coding: Coding) -> bool {
        let etag = self.etags[coding.index()].to_str().unwrap_or_default();
        conditional::is_current(request, etag, Some(self.last_modified))
    }
}

/// `bytes` gzipped at the highest level.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::best(),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut compressed = Vec::with_capacity(bytes.len() / 3);
    {
        let mut writer = brotli::CompressorWriter::new(
            &mut compressed,
            4096,
            BROTLI_QUALITY,
            brotli_window(bytes.len()),
        );
        let _ = writer.write_all(bytes);
    }
    compressed
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::time::Duration;

    use super::*;

    fn page(text: &str) -> Representations {
        Representations::new(
            text.to_owned(),
            "text/html; charset=utf-8",
            Caching::Revalidate,
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
            None,
            &HeaderMap::new(),
        )
    }

    fn request(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.clone(), HeaderValue::from_str(value).unwrap()))
            .collect()
    }

    async fn body_of(response: Response) -> Vec<u8> {
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec()
    }

    #[tokio::test]
    async fn each_coding_decodes_to_the_same_page() {
        let text = "<p>Prävention</p>".repeat(200);
        let page = page(&text).with_brotli();
        let gz = page.respond(&Method::GET, &request(&[(header::ACCEPT_ENCODING, "gzip")]));
        assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(&body_of(gz).await[..])
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, text);
        let br = page.respond(&Method::GET, &request(&[(header::ACCEPT_ENCODING, "br")]));
        let mut decoded = String::new();
        brotli::Decompressor::new(&body_of(br).await[..], 4096)
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, text);
    }

    #[tokio::test]
    async fn a_current_copy_gets_304_without_a_body() {
        let page = page("Ziele");
        let first = page.respond(&Method::GET, &HeaderMap::new());
        let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
        let again = page.respond(&Method::GET, &request(&[(header::IF_NONE_MATCH, &etag)]));
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(body_of(again).await.is_empty());
        let stale = page.respond(
            &Method::GET,
            &request(&[(header::IF_NONE_MATCH, "\"something-else\"")]),
        );
        assert_eq!(stale.status(), StatusCode::OK);
        let since = page.respond(
            &Method::GET,
            &request(&[(header::IF_MODIFIED_SINCE, "Sun, 17 Jan 2027 08:00:00 GMT")]),
        );
        assert_eq!(since.status(), StatusCode::NOT_MODIFIED);
        let earlier = page.respond(
            &Method::GET,
            &request(&[(header::IF_MODIFIED_SINCE, "Thu, 01 Jan 2026 00:00:00 GMT")]),
        );
        assert_eq!(earlier.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn another_coding_s_tag_gets_the_page_not_a_304() {
        let page = page("Ziele");
        let gzip = page.respond(&Method::GET, &request(&[(header::ACCEPT_ENCODING, "gzip")]));
        let gzip_tag = gzip.headers()[header::ETAG].to_str().unwrap().to_owned();
        let identity = page.respond(
            &Method::GET,
            &request(&[(header::IF_NONE_MATCH, &gzip_tag)]),
        );
        assert_eq!(identity.status(), StatusCode::OK);
        let weak = format!("W/{gzip_tag}");
        let gzip_again = page.respond(
            &Method::GET,
            &request(&[
                (header::ACCEPT_ENCODING, "gzip"),
                (header::IF_NONE_MATCH, &weak),
            ]),
        );
        assert_eq!(gzip_again.status(), StatusCode::NOT_MODIFIED);
    }

    #[test]
    fn unchanged_content_keeps_its_compressed_forms_and_takes_the_date_it_is_given() {
        let first = page("Ziele").with_brotli();
        let same_date = Representations::new(
            "Ziele",
            "text/html; charset=utf-8",
            Caching::Revalidate,
            first.last_modified,
            Some(&first),
            &HeaderMap::new(),
        );
        assert_eq!(same_date.last_modified, first.last_modified);
        let later = Representations::new(
            "Ziele",
            "text/html; charset=utf-8",
            Caching::Revalidate,
            first.last_modified + std::time::Duration::from_secs(3600),
            Some(&first),
            &HeaderMap::new(),
        );
        assert!(later.has_brotli(), "not compressed again");
        assert_ne!(
            later.full_headers[0][header::LAST_MODIFIED],
            first.full_headers[0][header::LAST_MODIFIED],
            "every instance dates the content alike"
        );
        let changed = Representations::new(
            "Ziele!",
            "text/html; charset=utf-8",
            Caching::Revalidate,
            SystemTime::now(),
            Some(&first),
            &HeaderMap::new(),
        );
        assert!(!changed.has_brotli());
        assert!(!changed.same_content(&first));
    }
}
