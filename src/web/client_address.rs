//! Who the client is, for the in-memory rate limits: the connection's address, or behind a reverse
//! proxy the one the proxy reports — but only when the connection comes from a proxy the site
//! trusts (TRUSTED_PROXIES); anyone else could write any address into the header and so escape
//! the limits.

use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, HeaderName};
use ipnet::IpNet;

/// How to tell the client's address (CLIENT_IP_HEADER, TRUSTED_PROXIES).
#[derive(Debug, Clone, Default)]
pub struct ClientAddressing {
    /// The header a reverse proxy writes the client's address into.
    pub header: Option<HeaderName>,
    /// The proxies whose header is believed.
    pub trusted_proxies: Vec<IpNet>,
}

impl ClientAddressing {
    /// The client's address: from the header (its last entry, the one the proxy itself saw) when
    /// the connection comes from a trusted proxy, otherwise the connection's own. Used only for
    /// the in-memory rate limits, never stored or logged.
    pub fn client_of(&self, headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
        let from_proxy = self
            .trusted_proxies
            .iter()
            .any(|proxy| proxy.contains(&peer.ip().to_canonical()));
        self.header
            .as_ref()
            .filter(|_| from_proxy)
            .and_then(|name| headers.get(name))
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .and_then(|last| parse_address(last.trim()))
            .unwrap_or_else(|| peer.ip())
    }
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

    fn behind(proxies: &[&str]) -> ClientAddressing {
        ClientAddressing {
            header: Some(HeaderName::from_static("x-forwarded-for")),
            trusted_proxies: proxies.iter().map(|proxy| proxy.parse().unwrap()).collect(),
        }
    }

    #[test]
    fn behind_a_trusted_proxy_the_last_forwarded_address_counts() {
        let peer: SocketAddr = "10.0.0.1:4000".parse().unwrap();
        let addressing = behind(&["10.0.0.0/24"]);
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "198.51.100.1, 203.0.113.9".parse().unwrap(),
        );
        assert_eq!(
            addressing.client_of(&headers, peer),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            ClientAddressing::default().client_of(&headers, peer),
            peer.ip(),
            "the header is ignored unless configured"
        );
        assert_eq!(addressing.client_of(&HeaderMap::new(), peer), peer.ip());
        headers.insert(
            "x-forwarded-for",
            "198.51.100.1, [2001:db8::7]:4711".parse().unwrap(),
        );
        assert_eq!(
            addressing.client_of(&headers, peer),
            "2001:db8::7".parse::<IpAddr>().unwrap()
        );
        headers.insert("x-forwarded-for", "203.0.113.5:80".parse().unwrap());
        assert_eq!(
            addressing.client_of(&headers, peer),
            "203.0.113.5".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn from_anyone_else_the_header_is_not_believed() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
        let visitor: SocketAddr = "198.51.100.7:5000".parse().unwrap();
        assert_eq!(
            behind(&["127.0.0.1/32", "::1/128"]).client_of(&headers, visitor),
            visitor.ip()
        );
        // A proxy on loopback reached over IPv6 as an IPv4-mapped address is still loopback.
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:5000".parse().unwrap();
        assert_eq!(
            behind(&["127.0.0.1/32"]).client_of(&headers, mapped),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
    }
}
