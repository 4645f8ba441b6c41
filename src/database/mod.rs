//! The connection to PostgreSQL: create the database when it is missing, connect, migrate;
//! and the enums stored as codes in text columns ([`text_enum!`](crate::text_enum)).

pub mod notifications;
pub mod text_enum;

use std::time::Duration;

use sqlx::migrate::{MigrateDatabase, Migrator};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgPool, Postgres};

use crate::config;

/// How long start-up waits for PostgreSQL to answer at all before giving up with a clear
/// message (once it has answered, connecting and migrating go by `ACQUIRE_TIMEOUT`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request waits for a connection: while PostgreSQL is away, someone sending the
/// inquiry form learns so within seconds (503, the form with their values) instead of waiting on.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("cannot reach PostgreSQL at DATABASE_URL={url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("cannot create the database named in DATABASE_URL={url}: {source}")]
    Create { url: String, source: sqlx::Error },
    #[error("cannot migrate the database at DATABASE_URL={url}: {source}")]
    Migrate {
        url: String,
        source: sqlx::migrate::MigrateError,
    },
}

/// Connects to the database at `url`, creating it first if it does not exist, and brings its
/// schema up to date.
pub async fn connect_and_migrate(url: &str) -> Result<PgPool, DatabaseError> {
    let shown_url = config::redact_password(url);
    let unreachable = |reason: String| DatabaseError::Unreachable {
        url: shown_url.clone(),
        reason,
    };

    let exists = tokio::time::timeout(CONNECT_TIMEOUT, Postgres::database_exists(url))
        .await
        .map_err(|_| unreachable(format!("no answer within {CONNECT_TIMEOUT:?}")))?
        .map_err(|error| unreachable(error.to_string()))?;
    if !exists {
        create_database(url, &shown_url).await?;
    }

    let pool = PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // A connection keeps the buffers of its largest message (a document uploaded, a page
        // of results) for as long as it lives; back in the pool it keeps only the usual 8 KiB.
        .after_release(|connection, _| {
            Box::pin(async move {
                connection.shrink_buffers();
                Ok(true)
            })
        })
        .connect(url)
        .await
        .map_err(|error| unreachable(error.to_string()))?;
    // Migrations this binary does not know (applied by a newer version) are left alone: an older
    // binary can start again on a database a newer one migrated, as long as those migrations
    // only added (README, "Upgrading").
    let mut migrator: Migrator = sqlx::migrate!();
    migrator.set_ignore_missing(true);
    migrator
        .run(&pool)
        .await
        .map_err(|source| DatabaseError::Migrate {
            url: shown_url,
            source,
        })?;
    Ok(pool)
}

async fn create_database(url: &str, shown_url: &str) -> Result<(), DatabaseError> {
    match Postgres::create_database(url).await {
        Ok(()) => {
            tracing::info!(database_url = shown_url, "created the database");
            Ok(())
        }
        // Another instance starting at the same moment created it first: that is fine. PostgreSQL
        // says so as "database exists" (42P04), or, when both were creating it at the very same
        // time, as a duplicate in its own catalogue (23505).
        Err(sqlx::Error::Database(error))
            if matches!(error.code().as_deref(), Some("42P04" | "23505")) =>
        {
            tracing::info!(
                database_url = shown_url,
                "another instance created the database"
            );
            Ok(())
        }
        Err(source) => Err(DatabaseError::Create {
            url: shown_url.to_owned(),
            source,
        }),
    }
}
