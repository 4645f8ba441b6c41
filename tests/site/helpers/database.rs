//! A throw-away database per test, and the database going down under a running app.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{Connection, Executor, PgConnection};

use super::TestApp;

/// The PostgreSQL server the tests create their databases on. Override with
/// `DEFUS_TEST_POSTGRES` (a URL without database name).
fn postgres_server() -> String {
    std::env::var("DEFUS_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@localhost".into())
}

/// A database name no other test uses. It does not exist until the application creates it,
/// and it is dropped when this value goes out of scope.
pub struct TestDatabase {
    name: String,
}

impl TestDatabase {
    pub fn new() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        let name = format!(
            "defus_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        Self { name }
    }

    pub fn url(&self) -> String {
        format!("{}/{}", postgres_server(), self.name)
    }

    /// The folder of the test's own where an app on this database writes its emails.
    pub fn mail_dir(&self) -> PathBuf {
        std::env::temp_dir().join(format!("{}-mail", self.name))
    }

    /// Whether the database exists, asked of the server's maintenance database.
    pub async fn exists(&self) -> bool {
        let mut connection = maintenance_connection().await;
        sqlx::query_scalar::<_, bool>("select exists (select from pg_database where datname = $1)")
            .bind(&self.name)
            .fetch_one(&mut connection)
            .await
            .expect("query pg_database")
    }
}

/// A connection to the server's maintenance database, for what a test does as operator.
async fn maintenance_connection() -> PgConnection {
    PgConnection::connect(&format!("{}/postgres", postgres_server()))
        .await
        .expect("connect to the PostgreSQL server for tests (is it running?)")
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs outside async code; a thread with its own runtime may block here.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime for dropping the test database");
            runtime.block_on(async move {
                let mut connection = maintenance_connection().await;
                connection
                    .execute(sqlx::AssertSqlSafe(format!(
                        r#"drop database if exists "{name}" with (force)"#
                    )))
                    .await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(_))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

/// The app's database switched off for new connections and its open ones ended, as when the
/// database server is down. Switch it on again with `bring_back`.
pub struct OfflineDatabase {
    name: String,
    operator: PgConnection,
}

impl TestApp {
    /// Takes the app's database offline (closing the test's own pool too).
    pub async fn take_database_offline(&self) -> OfflineDatabase {
        let name: String = self.fetch_one("select current_database()").await;
        self.pool.close().await;
        // From the maintenance database, as an operator would: a database cannot switch off
        // connections to itself.
        let mut operator = maintenance_connection().await;
        operator
            .execute(sqlx::AssertSqlSafe(format!(
                r#"alter database "{name}" allow_connections false"#
            )))
            .await
            .expect("switch off connections");
        sqlx::query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1")
            .bind(&name)
            .execute(&mut operator)
            .await
            .expect("end open connections");
        OfflineDatabase { name, operator }
    }
}

impl OfflineDatabase {
    pub async fn bring_back(mut self) {
        let name = self.name;
        self.operator
            .execute(sqlx::AssertSqlSafe(format!(
                r#"alter database "{name}" allow_connections true"#
            )))
            .await
            .expect("switch connections on again");
    }
}
