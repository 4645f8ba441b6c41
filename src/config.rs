//! Configuration, read from environment variables (each one can also be given as a flag).
//! Every variable is listed in the README's configuration table and in `.env.example`.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use axum::http::HeaderName;
use ipnet::IpNet;
use lettre::Address;
use lettre::message::Mailbox;

use crate::clock::Clock;

/// Settings of the web server. `--help` lists them with their variables and defaults.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// PostgreSQL connection URL. The database is created if it does not exist yet.
    #[arg(
        long,
        env = "DATABASE_URL",
        hide_env_values = true,
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

    /// Address and port for Prometheus metrics (`GET /metrics`), apart from the public port,
    /// e.g. `127.0.0.1:9100`. Unset: no metrics.
    #[arg(long, env = "METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,

    /// Days after which a membership inquiry is deleted; the privacy page states this number.
    #[arg(long, env = "INQUIRY_RETENTION_DAYS", default_value_t = 365,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub inquiry_retention_days: u32,

    /// Working days an inquiry may stay "neu" before the office is reminded of it (one email a
    /// day at most, from 8 o'clock on working days); 0: no reminders.
    #[arg(long, env = "INQUIRY_REMINDER_AFTER", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(0..=30))]
    pub inquiry_reminder_after: u32,

    #[command(flatten)]
    pub http: HttpConfig,

    #[command(flatten)]
    pub mail: MailConfig,

    #[command(flatten)]
    pub form: FormConfig,

    #[command(flatten)]
    pub staff: StaffConfig,

    /// The system clock; a rehearsal of what the site shows on a later day moves its own.
    #[arg(skip)]
    pub clock: Clock,
}

/// Time limits on what clients do with their connections.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Connections")]
pub struct HttpConfig {
    /// How long a connection may take, from opening or from its last answer, until the next
    /// request's head has arrived; then it is closed. Covers idle keep-alive and slowly sent
    /// headers. Behind a proxy that keeps connections open, set the proxy's idle time lower.
    #[arg(long, env = "HTTP_REQUEST_HEAD_TIMEOUT", default_value = "10s", value_parser = limits::request_head_timeout)]
    pub request_head_timeout: Duration,

    /// How long an answer (a large document, say) may wait for a client that stopped reading it
    /// before the connection is closed. Each byte the client takes starts the time again.
    #[arg(long, env = "HTTP_STALLED_ANSWER_TIMEOUT", default_value = "30s", value_parser = limits::stalled_answer_timeout)]
    pub stalled_answer_timeout: Duration,

    /// After SIGTERM, how long answers in flight may take before the process ends regardless.
    #[arg(long, env = "HTTP_DRAIN_TIMEOUT", default_value = "20s", value_parser = limits::drain_timeout)]
    pub drain_timeout: Duration,
}

/// Sessions in the staff area.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Staff area")]
pub struct StaffConfig {
    /// A staff session without any request for this long ends.
    #[arg(long, env = "STAFF_SESSION_IDLE", default_value = "30m", value_parser = limits::session_idle)]
    pub session_idle: Duration,

    /// A staff session ends this long after sign-in, however active.
    #[arg(long, env = "STAFF_SESSION_MAX", default_value = "12h", value_parser = limits::session_max)]
    pub session_max: Duration,

    /// `true`: only accounts with two-factor sign-in (`defus user totp enable`) may sign in;
    /// sessions of accounts without it end.
    #[arg(long, env = "STAFF_REQUIRE_TOTP", default_value_t = false, action = clap::ArgAction::Set)]
    pub require_totp: bool,
}

/// How the office email about each inquiry is sent.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Mail")]
pub struct MailConfig {
    /// SMTP server for the office emails, in lettre's URL form: `smtp://host:25`,
    /// `smtp://user:password@host:587?tls=required` or `smtps://user:password@host`.
    /// Without it, emails are written as .eml files into MAIL_DIR.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Folder for the .eml files written when SMTP_URL is not set.
    #[arg(long, env = "MAIL_DIR", default_value = "var/mail")]
    pub mail_dir: PathBuf,

    /// Sender of the office emails: the site's own address, e.g. `DEFUS-Website <website@defus.org>`.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "DEFUS-Website <website@defus.org>"
    )]
    pub mail_from: Mailbox,

    /// Recipient of the office emails. Defaults to the email address in the organisation facts.
    #[arg(long, env = "OFFICE_EMAIL")]
    pub office_email: Option<Address>,

    /// Longest time one delivery attempt may take before it counts as failed.
    #[arg(long, env = "MAIL_SEND_TIMEOUT", default_value = "30s", value_parser = limits::send_timeout)]
    pub send_timeout: Duration,

    /// Attempts after which an office email is marked as failed (staff see it in their area).
    #[arg(long, env = "MAIL_MAX_ATTEMPTS", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub max_attempts: u32,

    /// Wait before the first retry; it doubles with each further failure, plus random jitter.
    #[arg(long, env = "MAIL_RETRY_DELAY", default_value = "1m", value_parser = limits::retry_delay)]
    pub retry_delay: Duration,

    /// Longest wait between two attempts.
    #[arg(long, env = "MAIL_RETRY_MAX_DELAY", default_value = "6h", value_parser = limits::retry_max_delay)]
    pub retry_max_delay: Duration,

    /// How often the delivery worker looks for due emails (new inquiries wake it at once).
    #[arg(long, env = "MAIL_POLL_INTERVAL", default_value = "15s", value_parser = limits::poll_interval)]
    pub poll_interval: Duration,

    /// `true`: emails are queued but none is sent — for a trial copy restored from a backup,
    /// whose pending emails went out from the original already. The staff area says so.
    #[arg(long, env = "MAIL_HOLD", default_value_t = false, action = clap::ArgAction::Set)]
    pub hold: bool,
}

/// Protection of the inquiry form against spam, without CAPTCHA and without cookies.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Inquiry form")]
pub struct FormConfig {
    /// A form sent sooner than this after it was shown is taken for spam (stored, never mailed).
    #[arg(long, env = "FORM_MIN_FILL_TIME", default_value = "3s", value_parser = limits::min_fill_time)]
    pub min_fill_time: Duration,

    /// A form older than this is shown again with the visitor's values, to be sent once more.
    #[arg(long, env = "FORM_MAX_AGE", default_value = "24h", value_parser = limits::form_max_age)]
    pub max_age: Duration,

    /// Inquiries one client may send per hour; more get a "too many requests" page. Counted in
    /// memory only, under a keyed hash of the address, never stored.
    #[arg(long, env = "INQUIRY_RATE_LIMIT", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit_per_hour: u32,

    /// Request header that carries the client's address when the site runs behind a reverse
    /// proxy (e.g. `X-Forwarded-For`; its last entry is used). Unset: the connection's address.
    #[arg(long, env = "CLIENT_IP_HEADER")]
    pub client_ip_header: Option<HeaderName>,

    /// Addresses (or ranges, `10.0.0.0/8`) of the reverse proxies whose CLIENT_IP_HEADER is
    /// believed, separated by commas; from anyone else the header is ignored.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',',
          default_value = "127.0.0.1/32,::1/128", value_parser = parse_network)]
    pub trusted_proxies: Vec<IpNet>,
}

impl Config {
    /// The configuration with the defaults that `--help` shows, pointing at `database_url`.
    /// Tests start from here, untouched by the environment of whoever runs them.
    pub fn with_database_url(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            metrics_bind: None,
            base_url: None,
            inquiry_retention_days: 365,
            inquiry_reminder_after: 2,
            http: HttpConfig {
                request_head_timeout: Duration::from_secs(10),
                stalled_answer_timeout: Duration::from_secs(30),
                drain_timeout: Duration::from_secs(20),
            },
            mail: MailConfig {
                smtp_url: None,
                mail_dir: PathBuf::from("var/mail"),
                // A literal that parses; `defaults_match_the_command_line` checks it.
                mail_from: Mailbox::new(
                    Some("DEFUS-Website".into()),
                    Address::new_dangerous("website", "defus.org"),
                ),
                office_email: None,
                send_timeout: Duration::from_secs(30),
                max_attempts: 12,
                retry_delay: Duration::from_secs(60),
                retry_max_delay: Duration::from_secs(6 * 3600),
                poll_interval: Duration::from_secs(15),
                hold: false,
            },
            form: FormConfig {
                min_fill_time: Duration::from_secs(3),
                max_age: Duration::from_secs(24 * 3600),
                rate_limit_per_hour: 5,
                client_ip_header: None,
                trusted_proxies: vec![
                    IpNet::from(std::net::IpAddr::from([127, 0, 0, 1])),
                    IpNet::from(std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST)),
                ],
            },
            staff: StaffConfig {
                session_idle: Duration::from_secs(30 * 60),
                session_max: Duration::from_secs(12 * 3600),
                require_totp: false,
            },
            clock: Clock::system(),
        }
    }
}

/// Sensible ranges for the durations: a typo such as `0s` or `1000y` is refused at start-up
/// instead of making the worker spin or a date calculation overflow.
mod limits {
    use std::time::Duration;

    const MILLISECOND: Duration = Duration::from_millis(1);
    const SECOND: Duration = Duration::from_secs(1);
    const MINUTE: Duration = Duration::from_secs(60);
    const HOUR: Duration = Duration::from_secs(3600);
    const DAY: Duration = Duration::from_secs(24 * 3600);

    fn within(text: &str, min: Duration, max: Duration) -> Result<Duration, String> {
        let duration = humantime::parse_duration(text).map_err(|error| error.to_string())?;
        if duration < min || duration > max {
            return Err(format!(
                "must be between {} and {}",
                humantime::format_duration(min),
                humantime::format_duration(max)
            ));
        }
        Ok(duration)
    }

    pub fn send_timeout(text: &str) -> Result<Duration, String> {
        within(text, 100 * MILLISECOND, 10 * MINUTE)
    }
    pub fn retry_delay(text: &str) -> Result<Duration, String> {
        within(text, 100 * MILLISECOND, DAY)
    }
    pub fn retry_max_delay(text: &str) -> Result<Duration, String> {
        within(text, SECOND, 7 * DAY)
    }
    pub fn poll_interval(text: &str) -> Result<Duration, String> {
        within(text, 50 * MILLISECOND, HOUR)
    }
    pub fn min_fill_time(text: &str) -> Result<Duration, String> {
        within(text, Duration::ZERO, 10 * MINUTE)
    }
    pub fn form_max_age(text: &str) -> Result<Duration, String> {
        within(text, MINUTE, 30 * DAY)
    }
    pub fn request_head_timeout(text: &str) -> Result<Duration, String> {
        within(text, 100 * MILLISECOND, 10 * MINUTE)
    }
    pub fn stalled_answer_timeout(text: &str) -> Result<Duration, String> {
        within(text, 100 * MILLISECOND, HOUR)
    }
    pub fn drain_timeout(text: &str) -> Result<Duration, String> {
        within(text, Duration::ZERO, 10 * MINUTE)
    }
    pub fn session_idle(text: &str) -> Result<Duration, String> {
        within(text, MINUTE, DAY)
    }
    pub fn session_max(text: &str) -> Result<Duration, String> {
        within(text, MINUTE, 30 * DAY)
    }
}

/// An address (`192.0.2.1`, a single host) or a range (`10.0.0.0/8`).
fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is not an address or a range such as 10.0.0.0/8"))
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

    /// The host name alone (no scheme, no port), e.g. for ids that name the site.
    pub fn host(&self) -> &str {
        let authority = self
            .0
            .split_once("://")
            .map_or(self.0.as_str(), |(_, rest)| rest);
        match authority.rsplit_once(':') {
            // An IPv6 address keeps its colons; only a port after `]` or a name is cut.
            Some((host, port))
                if port.bytes().all(|b| b.is_ascii_digit()) && !host.ends_with(':') =>
            {
                host
            }
            _ => authority,
        }
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

/// The URL with its password replaced, so that it can appear in logs and error messages.
pub fn redact_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|index| index + 3) else {
        return url.to_owned();
    };
    // The last '@' ends the credentials, even if the password holds '/', '?' or '@'
    // unencoded: better to hide too much of a malformed URL than to show a password.
    let Some(at) = url[scheme_end..].rfind('@').map(|index| scheme_end + index) else {
        return url.to_owned();
    };
    match url[scheme_end..at].split_once(':') {
        Some((user, _password)) => format!("{}{user}:***{}", &url[..scheme_end], &url[at..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_command_line() {
        #[derive(clap::Parser)]
        struct Arguments {
            #[command(flatten)]
            config: Config,
        }
        let parsed = <Arguments as clap::Parser>::try_parse_from(["defus", "--database-url", "x"])
            .unwrap()
            .config;
        assert_eq!(
            format!("{parsed:?}"),
            format!("{:?}", Config::with_database_url("x"))
        );
    }

    #[test]
    fn password_is_hidden_and_the_rest_kept() {
        assert_eq!(
            redact_password("postgres://defus:s3cr@t@db.example:5432/defus?sslmode=require"),
            "postgres://defus:***@db.example:5432/defus?sslmode=require"
        );
        assert_eq!(
            redact_password("smtps://mailer:pw@mail.example.org"),
            "smtps://mailer:***@mail.example.org"
        );
        assert_eq!(
            redact_password("smtp://mailer:a/b?c@d@mail.example.org:587"),
            "smtp://mailer:***@mail.example.org:587"
        );
    }

    #[test]
    fn urls_without_password_are_unchanged() {
        for url in [
            "postgres://localhost/defus",
            "postgres://root@localhost/defus",
            "smtp://127.0.0.1:2525",
        ] {
            assert_eq!(redact_password(url), url);
        }
    }

    #[test]
    fn durations_outside_their_range_are_refused() {
        assert_eq!(limits::poll_interval("15s"), Ok(Duration::from_secs(15)));
        assert!(limits::poll_interval("0s").is_err());
        assert!(limits::retry_max_delay("1000years").is_err());
        assert!(limits::send_timeout("soon").is_err());
    }

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
