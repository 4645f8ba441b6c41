//! What the scenarios share: a throw-away database, the running app, and HTML selectors.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use defus::config::Config;
use defus::startup::Application;
use reqwest::redirect::Policy;
use scraper::{ElementRef, Html, Selector};
use sqlx::{Connection, Executor, PgConnection, PgPool};
use tokio::sync::oneshot;

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

/// The application running in this test process, reachable over HTTP.
pub struct TestApp {
    pub address: String,
    /// A connection pool of the test's own to the application's database.
    pub pool: PgPool,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    // Declared last so that it is dropped after the server has stopped.
    database: Option<TestDatabase>,
}

/// Starts the app on a new database with the default configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app on a new database, with `configure` applied to the default configuration.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let database = TestDatabase::new();
    let mut config = test_config(&database);
    configure(&mut config);
    start(config, database).await
}

/// The configuration the tests start from: the given database and a free port.
pub fn test_config(database: &TestDatabase) -> Config {
    let mut config = Config::with_database_url(database.url());
    config.bind = "127.0.0.1:0".parse().expect("socket address");
    config
}

/// Starts the app with `config`, which must point at `database`.
pub async fn start(config: Config, database: TestDatabase) -> TestApp {
    let application = Application::build(&config)
        .await
        .expect("the application starts");
    let address = format!(
        "http://{}",
        application.local_addr().expect("bound address")
    );
    let pool = PgPool::connect(&database.url()).await.expect("test pool");
    let (stop, stopped) = oneshot::channel();
    let server = tokio::spawn(async move {
        application
            .run_until(async {
                let _ = stopped.await;
            })
            .await
            .expect("the server runs");
    });
    TestApp {
        address,
        pool,
        client: client(),
        stop: Some(stop),
        server: Some(server),
        database: Some(database),
    }
}

/// An HTTP client that, like a careful reader, reports redirects instead of following them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("HTTP client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the server answers")
    }

    /// Fetches `path`, asserts the status, and parses the page.
    pub async fn page(&self, path: &str, expected_status: u16) -> Page {
        let response = self.get(path).await;
        assert_eq!(
            response.status().as_u16(),
            expected_status,
            "status of {path}"
        );
        Page::parse(&response.text().await.expect("body"))
    }

    /// Stops the server and hands back its database, e.g. to start the app on it again.
    pub async fn stop(mut self) -> TestDatabase {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("the server stops cleanly");
        }
        self.pool.close().await;
        self.database
            .take()
            .expect("database present until stopped")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A parsed HTML page, queried with CSS selectors.
pub struct Page {
    pub html: Html,
}

impl Page {
    pub fn parse(body: &str) -> Self {
        Self {
            html: Html::parse_document(body),
        }
    }

    pub fn select(&self, selector: &str) -> Vec<ElementRef<'_>> {
        let parsed = Selector::parse(selector).unwrap_or_else(|_| panic!("selector {selector}"));
        self.html.select(&parsed).collect()
    }

    /// The text of the first element matching `selector`, with white space collapsed.
    pub fn text(&self, selector: &str) -> String {
        let element = self
            .select(selector)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no element matches {selector}"));
        text_of(element)
    }

    /// The text of the whole `<main>` element, with white space collapsed.
    pub fn main_text(&self) -> String {
        self.text("main")
    }

    pub fn attribute(&self, selector: &str, attribute: &str) -> Option<String> {
        self.select(selector)
            .into_iter()
            .next()
            .and_then(|element| element.value().attr(attribute).map(str::to_owned))
    }

    pub fn lang(&self) -> String {
        self.attribute("html", "lang").unwrap_or_default()
    }
}

pub fn text_of(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
