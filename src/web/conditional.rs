//! Conditional requests (RFC 9110, section 13), the same for every kind of answer: pages held
//! in memory, pictures and documents. `If-None-Match` compares weakly (a `W/` tag matches its
//! strong twin) and `*` matches whatever exists; only without it does `If-Modified-Since` count.
//! `If-Range` compares strongly, as a range must come from the very same bytes.

use std::time::SystemTime;

use axum::http::{HeaderMap, header};

/// Whether the client's copy is current, so that a GET or HEAD is answered with 304: `etag` is
/// the strong tag of the representation it would get now (with its quotes).
pub fn is_current(request: &HeaderMap, etag: &str, last_modified: Option<SystemTime>) -> bool {
    let mut if_none_match = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .peekable();
    if if_none_match.peek().is_some() {
        return if_none_match
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .any(|tag| tag == "*" || opaque(tag) == opaque(etag));
    }
    let Some(last_modified) = last_modified else {
        return false;
    };
    request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| httpdate::parse_http_date(text).ok())
        .is_some_and(|since| since >= whole_seconds(last_modified))
}

/// Whether a `Range` may be served: there is no `If-Range`, or it names exactly this
/// representation (its strong tag, or its date).
pub fn range_applies(request: &HeaderMap, etag: &str, last_modified: Option<SystemTime>) -> bool {
    let Some(if_range) = request.get(header::IF_RANGE) else {
        return true;
    };
    let Ok(if_range) = if_range.to_str() else {
        return false;
    };
    let if_range = if_range.trim();
    if if_range.starts_with('"') {
        return if_range == etag;
    }
    match (httpdate::parse_http_date(if_range), last_modified) {
        (Ok(date), Some(last_modified)) => date == whole_seconds(last_modified),
        _ => false,
    }
}

/// A tag without its weakness indicator.
fn opaque(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

/// HTTP dates have whole seconds.
fn whole_seconds(time: SystemTime) -> SystemTime {
    SystemTime::from(httpdate::HttpDate::from(time))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use axum::http::HeaderValue;

    use super::*;

    fn request(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).unwrap());
        headers
    }

    const ETAG: &str = "\"abc\"";

    fn noon() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
    }

    #[test]
    fn if_none_match_compares_weakly_and_star_matches() {
        for current in ["\"abc\"", "W/\"abc\"", "\"x\", W/\"abc\"", "*"] {
            assert!(
                is_current(&request(header::IF_NONE_MATCH, current), ETAG, None),
                "{current}"
            );
        }
        for stale in ["\"abd\"", "W/\"abc-gz\"", "abc"] {
            assert!(
                !is_current(&request(header::IF_NONE_MATCH, stale), ETAG, None),
                "{stale}"
            );
        }
    }

    #[test]
    fn if_modified_since_counts_only_without_if_none_match() {
        let since = request(header::IF_MODIFIED_SINCE, &httpdate::fmt_http_date(noon()));
        assert!(is_current(&since, ETAG, Some(noon())));
        assert!(!is_current(
            &since,
            ETAG,
            Some(noon() + Duration::from_secs(1))
        ));
        assert!(!is_current(&since, ETAG, None));
        let mut both = since.clone();
        both.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"old\""));
        assert!(!is_current(&both, ETAG, Some(noon())));
    }

    #[test]
    fn if_range_needs_the_very_same_representation() {
        assert!(range_applies(&HeaderMap::new(), ETAG, None));
        assert!(range_applies(&request(header::IF_RANGE, ETAG), ETAG, None));
        assert!(!range_applies(
            &request(header::IF_RANGE, "W/\"abc\""),
            ETAG,
            None
        ));
        assert!(!range_applies(
            &request(header::IF_RANGE, "\"other\""),
            ETAG,
            None
        ));
        let date = httpdate::fmt_http_date(noon());
        assert!(range_applies(
            &request(header::IF_RANGE, &date),
            ETAG,
            Some(noon())
        ));
        assert!(!range_applies(
            &request(header::IF_RANGE, &date),
            ETAG,
            Some(noon() + Duration::from_secs(60))
        ));
    }
}
