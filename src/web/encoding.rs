//! Content codings (RFC 9110 § 8.4.1) and the client's choice among them (`Accept-Encoding`).

use axum::http::{HeaderMap, HeaderValue, header};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    pub const ALL: [Coding; 3] = [Coding::Identity, Coding::Gzip, Coding::Brotli];

    /// The position in [`Coding::ALL`], for tables kept per coding.
    pub fn index(self) -> usize {
        match self {
            Coding::Identity => 0,
            Coding::Gzip => 1,
            Coding::Brotli => 2,
        }
    }

    /// The `Content-Encoding` of a body in this coding (none for identity).
    pub fn header_value(self) -> Option<HeaderValue> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some(HeaderValue::from_static("gzip")),
            Coding::Brotli => Some(HeaderValue::from_static("br")),
        }
    }

    fn token(self) -> &'static str {
        match self {
            Coding::Identity => "identity",
            Coding::Gzip => "gzip",
            Coding::Brotli => "br",
        }
    }
}

/// Of the codings `available` (best first when the client likes them equally), the one the
/// client prefers by its `Accept-Encoding` q-values. Without the header, or if the client
/// accepts none of them, identity: a server may always send that.
pub fn negotiate(request: &HeaderMap, available: &[Coding]) -> Coding {
    let accepted: Vec<&str> = request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect();
    if accepted.is_empty() {
        return Coding::Identity;
    }
    let mut best = (Coding::Identity, quality(&accepted, Coding::Identity));
    for &coding in available {
        let q = quality(&accepted, coding);
        if q > best.1 || (q == best.1 && q > 0 && best.0 == Coding::Identity) {
            best = (coding, q);
        }
    }
    best.0
}

/// The client's q-value for `coding` in thousandths: its own entry, else `*`, else 0 (or 1 for
/// identity, which is acceptable unless excluded).
fn quality(accepted: &[&str], coding: Coding) -> u16 {
    let mut wildcard = None;
    for entry in accepted.iter().flat_map(|value| value.split(',')) {
        let mut parts = entry.split(';');
        let token = parts.next().unwrap_or_default().trim();
        let q = parts
            .filter_map(|parameter| parameter.trim().strip_prefix("q="))
            .find_map(parse_q)
            .unwrap_or(1000);
        if token.eq_ignore_ascii_case(coding.token())
            || (coding == Coding::Gzip && token.eq_ignore_ascii_case("x-gzip"))
        {
            return q;
        }
        if token == "*" {
            wildcard = Some(q);
        }
    }
    wildcard.unwrap_or(if coding == Coding::Identity { 1 } else { 0 })
}

/// `0`, `0.5`, `1.000` as thousandths; anything else is no q-value.
fn parse_q(text: &str) -> Option<u16> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Coding; 2] = [Coding::Brotli, Coding::Gzip];

    fn choose(accept_encoding: &str) -> Coding {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept_encoding).unwrap(),
        );
        negotiate(&headers, &ALL)
    }

    #[test]
    fn browsers_get_brotli_and_older_clients_gzip() {
        assert_eq!(choose("gzip, deflate, br, zstd"), Coding::Brotli);
        assert_eq!(choose("gzip, deflate"), Coding::Gzip);
        assert_eq!(choose("x-gzip"), Coding::Gzip);
        assert_eq!(negotiate(&HeaderMap::new(), &ALL), Coding::Identity);
        assert_eq!(choose("deflate"), Coding::Identity);
    }

    #[test]
    fn q_values_are_honoured() {
        assert_eq!(choose("gzip;q=0, br;q=0"), Coding::Identity);
        assert_eq!(choose("br;q=0.5, gzip;q=0.8"), Coding::Gzip);
        assert_eq!(choose("br;q=0, *"), Coding::Gzip);
        assert_eq!(choose("identity;q=1, gzip;q=0.1"), Coding::Identity);
        assert_eq!(choose("*;q=0.3"), Coding::Brotli);
        assert_eq!(choose("gzip;q=1.0"), Coding::Gzip);
        assert_eq!(
            choose("gzip;q=nonsense"),
            Coding::Gzip,
            "a broken q counts as 1"
        );
    }

    #[test]
    fn a_page_without_brotli_is_sent_gzipped_to_browsers() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, br"),
        );
        assert_eq!(negotiate(&headers, &[Coding::Gzip]), Coding::Gzip);
    }
}
