//! A page that is the same for every visitor except for one short piece (the inquiry form's
//! token): rendered and compressed once around a hole, and per request only the piece is put
//! in. For gzip the two halves are compressed once each, and the piece goes between them as a
//! stored (uncompressed) deflate block, with the checksum of the whole combined from theirs: the
//! result is one ordinary gzip stream, made without compressing anything per request.

use std::io::Write;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use flate2::Compression;
use flate2::write::DeflateEncoder;

use crate::web::encoding::{self, Coding};
use crate::web::representation::PreEncoded;

/// A gzip header (RFC 1952): deflate, no name or time, unknown operating system.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

#[derive(Debug, Clone)]
pub struct SplicedPage {
    before: Bytes,
    after: Bytes,
    /// The gzip header and `before` deflated, ending on a byte boundary (sync flush).
    gzip_before: Bytes,
    /// `after` deflated, with the final block.
    deflated_after: Bytes,
    crc_before: crc32fast::Hasher,
    crc_after: crc32fast::Hasher,
    /// Every header but the length, per coding (identity, gzip).
    identity_headers: HeaderMap,
    gzip_headers: HeaderMap,
}

impl SplicedPage {
    /// The page `html` with `hole` (which must occur exactly once) to be filled per request;
    /// every answer carries `extra_headers` too. `None` if `hole` does not occur exactly once.
    pub fn new(html: &str, hole: &str, extra_headers: &HeaderMap) -> Option<Self> {
        let (before, after) = html.split_once(hole)?;
        if after.contains(hole) {
            return None;
        }
        let mut gzip_before = DeflateEncoder::new(GZIP_HEADER.to_vec(), Compression::best());
        gzip_before.write_all(before.as_bytes()).ok()?;
        // A sync flush ends the output on a byte boundary, where a stored block can follow.
        gzip_before.flush().ok()?;
        let gzip_before = gzip_before.get_ref().clone();
        let mut deflated_after = DeflateEncoder::new(Vec::new(), Compression::best());
        deflated_after.write_all(after.as_bytes()).ok()?;
        let deflated_after = deflated_after.finish().ok()?;
        let crc = |text: &str| {
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(text.as_bytes());
            hasher
        };
        let headers = |coding: Coding| {
            let mut headers = extra_headers.clone();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            if let Some(content_encoding) = coding.header_value() {
                headers.insert(header::CONTENT_ENCODING, content_encoding);
            }
            headers
        };
        Some(Self {
            identity_headers: headers(Coding::Identity),
            gzip_headers: headers(Coding::Gzip),
            crc_before: crc(before),
            crc_after: crc(after),
            before: Bytes::copy_from_slice(before.as_bytes()),
            after: Bytes::copy_from_slice(after.as_bytes()),
            gzip_before: Bytes::from(gzip_before),
            deflated_after: Bytes::from(deflated_after),
        })
    }

    /// The page with `piece` in the hole, gzipped if the client takes that. Never stored by
    /// browsers or proxies: the piece is the visitor's own.
    pub fn respond(&self, method: &Method, request: &HeaderMap, piece: &str) -> Response {
        let coding = encoding::negotiate(request, &[Coding::Gzip]);
        let (body, headers) = match coding {
            Coding::Gzip => (self.gzip(piece.as_bytes()), &self.gzip_headers),
            Coding::Identity | Coding::Brotli => {
                let mut body =
                    BytesMut::with_capacity(self.before.len() + piece.len() + self.after.len());
                body.put_slice(&self.before);
                body.put_slice(piece.as_bytes());
                body.put_slice(&self.after);
                (body.freeze(), &self.identity_headers)
            }
        };
        let length = HeaderValue::from(body.len());
        let mut response = if method == Method::HEAD {
            Response::new(Body::empty())
        } else {
            Response::new(Body::from(body))
        };
        response.extensions_mut().insert(PreEncoded);
        *response.headers_mut() = headers.clone();
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, length);
        response
    }

    /// One gzip stream: header and first half, the piece as a stored block, the second half,
    /// and the trailer (CRC-32 and length of the whole).
    fn gzip(&self, piece: &[u8]) -> Bytes {
        // A stored block holds at most 65535 bytes; a token is a hundred or so.
        let piece = &piece[..piece.len().min(usize::from(u16::MAX))];
        let length = piece.len() as u16;
        let mut crc = self.crc_before.clone();
        let mut crc_piece = crc32fast::Hasher::new();
        crc_piece.update(piece);
        crc.combine(&crc_piece);
        crc.combine(&self.crc_after);
        let total = self.before.len() + piece.len() + self.after.len();
        let mut body = BytesMut::with_capacity(
            self.gzip_before.len() + 5 + piece.len() + self.deflated_after.len() + 8,
        );
        body.put_slice(&self.gzip_before);
        // Not the final block, type "stored"; the rest of the byte is padding.
        body.put_u8(0);
        body.put_u16_le(length);
        body.put_u16_le(!length);
        body.put_slice(piece);
        body.put_slice(&self.deflated_after);
        body.put_u32_le(crc.finalize());
        // ISIZE is the length modulo 2^32 by definition.
        body.put_u32_le(total as u32);
        body.freeze()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn the_spliced_gzip_stream_is_the_whole_page() {
        let html = format!(
            "<html>{}<input value=\"HOLE\">{}</html>",
            "Vorher ".repeat(500),
            "Nachher ä ".repeat(700)
        );
        let page = SplicedPage::new(&html, "HOLE", &HeaderMap::new()).unwrap();
        for token in ["1767225600.0123456789abcdef.cafe", ""] {
            let mut decoded = String::new();
            flate2::read::GzDecoder::new(&page.gzip(token.as_bytes())[..])
                .read_to_string(&mut decoded)
                .unwrap();
            assert_eq!(decoded, html.replace("HOLE", token));
        }
    }

    #[test]
    fn a_hole_must_be_there_once() {
        assert!(SplicedPage::new("no hole here", "HOLE", &HeaderMap::new()).is_none());
        assert!(SplicedPage::new("HOLE and HOLE", "HOLE", &HeaderMap::new()).is_none());
    }
}
