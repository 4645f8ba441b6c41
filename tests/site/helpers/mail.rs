//! The app and its mail server: working, down, or driven by the test itself.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use defus::config::Config;
use defus::mail::transport::MailTransport;
use defus::mail::worker::{Delivery, DeliveryWorker};

use super::{TestApp, free_port, spawn_app_with};
use crate::smtp::{SmtpServer, smtp_url};

/// Starts the app sending office emails to the SMTP server at `url`, with `configure` applied.
pub async fn spawn_app_mailing_to(url: String, configure: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_with(move |config| {
        config.mail.smtp_url = Some(url);
        configure(config);
    })
    .await
}

/// Starts a mail server that keeps what it receives, and the app sending office emails to it.
pub async fn spawn_app_with_smtp() -> (TestApp, SmtpServer) {
    spawn_app_with_smtp_and(|_| {}).await
}

/// Like [`spawn_app_with_smtp`], with `configure` applied to the app's configuration.
pub async fn spawn_app_with_smtp_and(configure: impl FnOnce(&mut Config)) -> (TestApp, SmtpServer) {
    let smtp = SmtpServer::start();
    let app = spawn_app_mailing_to(smtp.url(), configure).await;
    (app, smtp)
}

/// Starts the app sending office emails to a port where no mail server listens yet.
pub async fn spawn_app_with_mail_server_down(
    configure: impl FnOnce(&mut Config),
) -> (TestApp, MailServerDown) {
    let port = free_port();
    let app = spawn_app_mailing_to(smtp_url(port), configure).await;
    (app, MailServerDown { port })
}

/// The mail server an app is configured for, not running.
pub struct MailServerDown {
    pub port: u16,
}

impl MailServerDown {
    /// Starts the mail server where the app expects it.
    pub fn bring_back(self) -> SmtpServer {
        SmtpServer::start_on(self.port)
    }
}

impl TestApp {
    /// Delivers every office email that is due now, running a delivery worker of the app's
    /// configuration right here instead of waiting for the app's own. An email that the app's
    /// worker is sending at this moment is waited for. A failed attempt is recorded as usual
    /// (and not tried again here).
    pub async fn deliver_all_due_emails(&self) {
        let transport = MailTransport::from_config(&self.config.mail)
            .await
            .expect("the mail transport");
        let site = self.config.base_url.clone().unwrap_or_else(|| {
            self.address
                .parse()
                .expect("the app's address is a base URL")
        });
        let worker = DeliveryWorker::new(
            self.pool.clone(),
            Arc::new(transport),
            &self.config.mail,
            site,
        );
        let now: DateTime<Utc> = self.fetch_one("select now()").await;
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.emails_due_at(now).await > 0 {
            assert!(
                Instant::now() < deadline,
                "emails due at {now} were not delivered within 30 s"
            );
            match worker
                .deliver_next()
                .await
                .expect("the delivery worker runs")
            {
                // The app's own worker holds the email; its attempt ends within the send timeout.
                Delivery::NothingDue => tokio::time::sleep(Duration::from_millis(20)).await,
                Delivery::Sent { .. } | Delivery::WillRetry { .. } | Delivery::GaveUp { .. } => {}
            }
        }
    }

    async fn emails_due_at(&self, at: DateTime<Utc>) -> i64 {
        sqlx::query_scalar(
            "select count(*) from mail_outbox where state = 'pending' and next_attempt_at <= $1",
        )
        .bind(at)
        .fetch_one(&self.pool)
        .await
        .expect("count the due emails")
    }

    /// Waits until `sql` (a count) returns `expected`: for what the app's own delivery worker
    /// does in its own time.
    pub async fn wait_for_count(&self, sql: &str, expected: i64) {
        for _ in 0..200 {
            if self.count(sql).await == expected {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "waited for {sql} = {expected}, got {}",
            self.count(sql).await
        );
    }
}
