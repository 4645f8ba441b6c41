//! Where office emails go: an SMTP server (SMTP_URL), or `.eml` files in MAIL_DIR when no
//! server is configured, so that a developer's machine sends nothing anywhere.

use std::fmt;
use std::path::PathBuf;

use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailConfig, redact_password};
use crate::text_enum;

pub enum MailTransport {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// SMTP_URL without its password, for the log.
        shown_url: String,
    },
    Files {
        transport: AsyncFileTransport<Tokio1Executor>,
        folder: PathBuf,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("SMTP_URL={url} is not usable: {source}")]
    SmtpUrl {
        url: String,
        source: lettre::transport::smtp::Error,
    },
    #[error("cannot create MAIL_DIR={}: {source}", folder.display())]
    MailDir {
        folder: PathBuf,
        source: std::io::Error,
    },
}

text_enum! {
    /// What kind of thing went wrong with a delivery attempt, as the office is told it
    /// (`mail_outbox.last_failure`).
    pub enum Failure {
        /// The mail server said no for good (a 5xx reply).
        Refused = "refused",
        /// The mail server said "not now" (a 4xx reply).
        Deferred = "deferred",
        /// No connection to the mail server (not there, refused, TLS failed).
        Unreachable = "unreachable",
        /// The mail server did not answer in time.
        NoAnswer = "no_answer",
        /// The email has no usable recipient (no office address set, say).
        NotAddressable = "not_addressable",
        Other = "other",
    }
}

/// Why one delivery attempt failed: its kind, and the server's or library's own words for the
/// delivery history (shown only under "Technische Details").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub failure: Failure,
    pub detail: String,
}

impl SendError {
    pub fn new(failure: Failure, detail: impl Into<String>) -> Self {
        Self {
            failure,
            detail: detail.into(),
        }
    }

    fn of_smtp(error: &lettre::transport::smtp::Error) -> Self {
        let failure = if error.is_permanent() {
            Failure::Refused
        } else if error.is_transient() {
            Failure::Deferred
        } else if error.is_timeout() {
            Failure::NoAnswer
        } else if error.is_response() || error.is_client() {
            Failure::Other
        } else {
            // Connecting, the network, TLS.
            Failure::Unreachable
        };
        Self::new(failure, error.to_string())
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for SendError {}

impl MailTransport {
    pub async fn from_config(config: &MailConfig) -> Result<Self, MailSetupError> {
        match &config.smtp_url {
            Some(url) => {
                let shown_url = redact_password(url);
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|source| MailSetupError::SmtpUrl {
                        url: shown_url.clone(),
                        source,
                    })?
                    // Bounds connecting; every whole send is bounded by the worker as well.
                    .timeout(Some(config.send_timeout))
                    .build();
                Ok(Self::Smtp {
                    transport,
                    shown_url,
                })
            }
            None => {
                let folder = config.mail_dir.clone();
                tokio::fs::create_dir_all(&folder).await.map_err(|source| {
                    MailSetupError::MailDir {
                        folder: folder.clone(),
                        source,
                    }
                })?;
                Ok(Self::Files {
                    transport: AsyncFileTransport::new(&folder),
                    folder,
                })
            }
        }
    }

    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Self::Smtp { transport, .. } => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|error| SendError::of_smtp(&error)),
            Self::Files { transport, .. } => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|error| SendError::new(Failure::Other, error.to_string())),
        }
    }
}

impl fmt::Display for MailTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Smtp { shown_url, .. } => write!(f, "the SMTP server at {shown_url}"),
            Self::Files { folder, .. } => write!(
                f,
                ".eml files in {} (SMTP_URL is not set)",
                folder.display()
            ),
        }
    }
}
