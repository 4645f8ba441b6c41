//! Where office emails go: an SMTP server (SMTP_URL), or `.eml` files in MAIL_DIR when no
//! server is configured, so that a developer's machine sends nothing anywhere.

use std::fmt;
use std::path::PathBuf;

use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailConfig, redact_password};

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

/// Why one delivery attempt failed, as stored in the delivery history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError(pub String);

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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
                .map_err(|error| SendError(error.to_string())),
            Self::Files { transport, .. } => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|error| SendError(error.to_string())),
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
