//! The headers every response of the site carries, made once at start.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::Response;

use crate::config::BaseUrl;

/// Pages may use only what comes from this site: no scripts at all, no inline styles, nothing
/// from another host, and no framing by other sites. `connect-src 'self'` lets nothing more
/// happen (without scripts nothing connects), but audit tools that read `/robots.txt` from
/// within the page, such as Lighthouse, need it (GoogleChrome/lighthouse#4386).
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The browser features the site uses: none. Each is denied, so that nothing embedded or
/// injected could ask for them.
const PERMISSIONS_POLICY: &str = "accelerometer=(), ambient-light-sensor=(), autoplay=(), \
     bluetooth=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), \
     geolocation=(), gyroscope=(), hid=(), idle-detection=(), magnetometer=(), microphone=(), \
     midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), \
     screen-wake-lock=(), serial=(), usb=(), web-share=(), xr-spatial-tracking=()";

/// Over HTTPS, browsers are told to use nothing else for a year.
const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// The headers for a site reached at `base_url` (HSTS only over HTTPS).
pub fn for_site(base_url: &BaseUrl) -> HeaderMap {
    let mut headers: HeaderMap = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("permissions-policy"),
            PERMISSIONS_POLICY,
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
    ]
    .into_iter()
    .map(|(name, value)| (name, HeaderValue::from_static(value)))
    .collect();
    if base_url.is_https() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    headers
}

/// Adds each of `defaults` that the response does not set itself.
pub fn add_missing(mut response: Response, defaults: &HeaderMap) -> Response {
    let headers = response.headers_mut();
    for (name, value) in defaults {
        if !headers.contains_key(name) {
            headers.insert(name, value.clone());
        }
    }
    response
}
