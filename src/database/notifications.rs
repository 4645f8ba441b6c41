//! Notifications from PostgreSQL (`LISTEN`/`NOTIFY`), so that what one instance of the site
//! writes wakes up every instance on the same database. One connection per instance listens; its
//! events reach every part that subscribed. A `NOTIFY` is delivered when its transaction
//! commits, never before, and never for a transaction that rolls back.
//!
//! Notifications sent while the listening connection is down are lost. Whoever subscribes
//! therefore also gets [`DatabaseEvent::Reconnected`] after every (re)connection and must then
//! look for itself what it may have missed.

use std::convert::Infallible;
use std::io;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::text_enum;

text_enum! {
    /// The channels the site notifies on; the code is the channel's name.
    pub enum Channel {
        /// An office email was queued (`mail::outbox::enqueue`).
        OfficeEmailQueued = "office_email_queued",
        /// Something the public pages show was changed, by anyone (triggers, migration 0010).
        ContentChanged = "content_changed",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseEvent {
    Notified(Channel),
    /// The listening connection was (re)established; notifications may have been missed.
    Reconnected,
}

/// How long to wait before trying to listen again after the connection failed: doubling from
/// the first to the last value.
const RETRY_FIRST: Duration = Duration::from_millis(250);
const RETRY_LONGEST: Duration = Duration::from_secs(2);

/// Sends every event of the database to those who subscribed.
#[derive(Clone)]
pub struct DatabaseEvents {
    sender: broadcast::Sender<DatabaseEvent>,
}

impl Default for DatabaseEvents {
    fn default() -> Self {
        // Events carry no data that must not be lost: a subscriber that falls behind is told
        // (`Lagged`) and treats it as a wake-up.
        let (sender, _) = broadcast::channel(64);
        Self { sender }
    }
}

impl DatabaseEvents {
    pub fn subscribe(&self) -> broadcast::Receiver<DatabaseEvent> {
        self.sender.subscribe()
    }

    /// Listens on every channel until `stop`, reconnecting after every failure.
    pub async fn run(self, pool: PgPool, stop: CancellationToken) {
        let mut retry = RETRY_FIRST;
        let mut was_lost = false;
        loop {
            let listened = tokio::select! {
                () = stop.cancelled() => return,
                listened = self.listen(&pool, &mut was_lost, &mut retry) => listened,
            };
            let Err(error) = listened;
            if !was_lost {
                tracing::warn!(%error, "lost the database notifications; reconnecting");
                was_lost = true;
            }
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(retry) => {}
            }
            retry = (retry * 2).min(RETRY_LONGEST);
        }
    }

    /// Connects, listens, and passes notifications on until the connection fails.
    async fn listen(
        &self,
        pool: &PgPool,
        was_lost: &mut bool,
        retry: &mut Duration,
    ) -> Result<Infallible, sqlx::Error> {
        let mut listener = PgListener::connect_with(pool).await?;
        // Give up the connection when it is lost, instead of reconnecting within
        // `try_recv`: every reconnection goes through here and is announced.
        listener.eager_reconnect(false);
        listener
            .listen_all(Channel::ALL.iter().map(|channel| channel.code()))
            .await?;
        if *was_lost {
            tracing::info!("receiving database notifications again");
            *was_lost = false;
        }
        *retry = RETRY_FIRST;
        let _ = self.sender.send(DatabaseEvent::Reconnected);
        loop {
            match listener.try_recv().await? {
                Some(notification) => {
                    if let Some(channel) = Channel::from_code(notification.channel()) {
                        let _ = self.sender.send(DatabaseEvent::Notified(channel));
                    }
                }
                None => return Err(io::Error::from(io::ErrorKind::ConnectionAborted).into()),
            }
        }
    }
}
