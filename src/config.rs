//! Configuration, read from environment variables (each one can also be given as a flag).
//! Every variable is listed in the README's configuration table and in `.env.example`.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

/// Settings of the web server. `--help` lists them with their variables and defaults.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// PostgreSQL connection URL. The database is created if it does not exist yet.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://postgres@localhost/defus"
    )]
    pub database_url: String,

    /// Address and port the web server listens on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// Public address of the site, used for absolute links such as `hreflang` alternates
    /// (e.g. `https://www.defus.org`). Defaults to `http://` and the address the server listens on.
    #[arg(long, env = "BASE_URL")]
    pub base_url: Option<BaseUrl>,

    /// Days after which a membership inquiry is deleted; the privacy page states this number.
    #[arg(long, env = "INQUIRY_RETENTION_DAYS", default_value_t = 365,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub inquiry_retention_days: u32,
}

impl Config {
    /// The configuration with every default, pointing at `database_url`. Tests start from here.
    pub fn with_database_url(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            base_url: None,
            inquiry_retention_days: 365,
        }
    }
}

/// An absolute `http(s)` URL without a trailing slash, so that `base + path` is a valid URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// The URL under which a server listening on `address` is reached directly.
    pub fn of_listener(address: SocketAddr) -> Self {
        Self(format!("http://{address}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when visitors reach the site over TLS (cookies may then be marked `Secure`).
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    /// The absolute URL of a site path such as `/en/goals`.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.0, path)
    }
}

impl FromStr for BaseUrl {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let trimmed = value.trim().trim_end_matches('/');
        let host = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .ok_or_else(|| format!("{value:?} must start with http:// or https://"))?;
        if host.is_empty() || host.contains(['/', '?', '#', ' ']) {
            return Err(format!(
                "{value:?} must be a scheme and host only, like https://www.defus.org"
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_drops_the_trailing_slash() {
        let url: BaseUrl = "https://www.defus.org/".parse().unwrap();
        assert_eq!(url.join("/en/"), "https://www.defus.org/en/");
        assert!(url.is_https());
    }

    #[test]
    fn base_url_rejects_paths_and_other_schemes() {
        assert!("ftp://defus.org".parse::<BaseUrl>().is_err());
        assert!("https://defus.org/site".parse::<BaseUrl>().is_err());
        assert!("www.defus.org".parse::<BaseUrl>().is_err());
        assert!("https://".parse::<BaseUrl>().is_err());
    }
}
