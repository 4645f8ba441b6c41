//! Who the client is, for the in-memory rate limits: the connection's address, or behind a reverse
//! proxy the one the proxy reports.

use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, HeaderName};

/// The client's address: from CLIENT_IP_HEADER behind a reverse proxy (its last entry, the one
/// the proxy itself saw), otherwise the connection's. Used only for the in-memory
/// rate limits, never stored or logged.
pub fn client_address(
    headers: &HeaderMap,
    peer: SocketAddr,
    header: Option<&HeaderName>,
) -> IpAddr {
    header
        .and_then(|name| headers.get(name))
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(|last| parse_address(last.trim()))
        .unwrap_or_else(|| peer.ip())
}

/// An address as proxies write it: `192.0.2.1`, `2001:db8::1`, or with a port
/// (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
fn parse_address(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|address| address.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behind_a_proxy_the_last_forwarded_address_counts() {
        let peer: SocketAddr = "10.0.0.1:4000".parse().unwrap();
        let header = HeaderName::from_static("x-forwarded-for");
        let mut headers = HeaderMap::new();
        headers.insert(&header, "198.51.100.1, 203.0.113.9".parse().unwrap());
        assert_eq!(
            client_address(&headers, peer, Some(&header)),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_address(&headers, peer, None),
            peer.ip(),
            "the header is ignored unless configured"
        );
        assert_eq!(
            client_address(&HeaderMap::new(), peer, Some(&header)),
            peer.ip()
        );
        headers.insert(&header, "198.51.100.1, [2001:db8::7]:4711".parse().unwrap());
        assert_eq!(
            client_address(&headers, peer, Some(&header)),
            "2001:db8::7".parse::<IpAddr>().unwrap()
        );
        headers.insert(&header, "203.0.113.5:80".parse().unwrap());
        assert_eq!(
            client_address(&headers, peer, Some(&header)),
            "203.0.113.5".parse::<IpAddr>().unwrap()
        );
    }
}
