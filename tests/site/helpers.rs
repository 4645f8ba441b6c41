//! What the scenarios share: a throw-away database, the running app, its mail server, a staff
//! client, and HTML read with CSS selectors. Each step a scenario takes is one call here.

mod database;
mod inquiry;
mod mail;
mod process;
mod publishing;
mod staff;

use std::time::Duration;

use defus::config::Config;
use defus::content::PageKey;
use defus::i18n::Locale;
use defus::startup::Application;
use defus::web::page_cache::PageCache;
use reqwest::redirect::Policy;
use scraper::{ElementRef, Html, Selector};
use sqlx::PgPool;
use tokio::sync::oneshot;

pub use database::TestDatabase;
pub use inquiry::{
    Inquiry, membership_form, nth_reference, this_year, valid_inquiry, valid_inquiry_with,
    with_field,
};
pub use mail::{
    MailServerDown, spawn_app_mailing_to, spawn_app_with_mail_server_down, spawn_app_with_smtp,
    spawn_app_with_smtp_and,
};
pub use process::{binary, terminate, user_command, wait_for_log};
pub use publishing::{
    Picture, card_titles, document_fields, event, id_in, news_item, pdf, publish_samples,
    read_calendar, read_feed, spawn_app_on_movable_clock, with,
};
pub use staff::{PageText, STAFF_EMAIL, STAFF_PASSWORD, Staff, assert_is_sent_to_sign_in, code_in};

/// The application running in this test process, reachable over HTTP.
pub struct TestApp {
    pub address: String,
    /// A connection pool of the test's own to the application's database.
    pub pool: PgPool,
    pub client: reqwest::Client,
    /// The configuration the app runs with.
    pub config: Config,
    /// The pages the app holds in memory.
    pages: PageCache,
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

/// The configuration the tests start from: the given database, a free port, mail written to a
/// folder of the test's own, and quick timings, so that no test waits for minutes. A form may be
/// sent at once; the tests of the "too fast" rule set a minimum fill time themselves.
pub fn test_config(database: &TestDatabase) -> Config {
    let mut config = Config::with_database_url(database.url());
    config.bind = "127.0.0.1:0".parse().expect("socket address");
    config.mail.smtp_url = None;
    config.mail.mail_dir = database.mail_dir();
    config.mail.office_email = None;
    config.mail.send_timeout = Duration::from_secs(2);
    config.mail.retry_delay = Duration::from_millis(200);
    config.mail.retry_max_delay = Duration::from_secs(1);
    config.mail.poll_interval = Duration::from_millis(100);
    config.form.min_fill_time = Duration::ZERO;
    config.form.rate_limit_per_hour = 1000;
    config
}

/// Starts the app with `config`, which must point at `database`.
pub async fn start(config: Config, database: TestDatabase) -> TestApp {
    launch(config, Some(database)).await
}

/// Starts one more instance, with the same configuration, on the database of `app`.
pub async fn start_another_instance(app: &TestApp) -> TestApp {
    launch(app.config.clone(), None).await
}

async fn launch(config: Config, database: Option<TestDatabase>) -> TestApp {
    let application = Application::build(&config)
        .await
        .expect("the application starts");
    let address = format!(
        "http://{}",
        application.local_addr().expect("bound address")
    );
    let pool = PgPool::connect(&config.database_url)
        .await
        .expect("test pool");
    let pages = application.pages().clone();
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
        config,
        pages,
        stop: Some(stop),
        server: Some(server),
        database,
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
        expect_page(self.get(path).await, path, expected_status).await
    }

    /// Fetches the public page `key` in `locale`, asserts that it is there, and parses it.
    pub async fn public_page(&self, key: PageKey, locale: Locale) -> Page {
        self.page(key.path(locale), 200).await
    }

    /// Runs `sql` on the app's database, as an operator would in `psql`, and lets the app
    /// show what changed at once: the refresh that the database's notification triggers a few
    /// milliseconds later is done right away, so the test need not wait for it
    /// (`pages_from_memory` tests the notification itself).
    pub async fn execute(&self, sql: &str) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&self.pool)
            .await
            .unwrap_or_else(|error| panic!("{sql}: {error}"));
        self.pages
            .refresh(&self.pool)
            .await
            .expect("the pages are rendered again");
    }

    /// The single value `sql` selects.
    pub async fn fetch_one<T>(&self, sql: &str) -> T
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
    {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|error| panic!("{sql}: {error}"))
    }

    /// Every value `sql` selects, in its order.
    pub async fn fetch_all<T>(&self, sql: &str) -> Vec<T>
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
    {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(&self.pool)
            .await
            .unwrap_or_else(|error| panic!("{sql}: {error}"))
    }

    pub async fn count(&self, sql: &str) -> i64 {
        self.fetch_one(sql).await
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

    /// Opens the test's own connection pool again, after `take_database_offline` closed it.
    pub async fn reopen_pool(&mut self) {
        self.pool = PgPool::connect(&self.config.database_url)
            .await
            .expect("test pool");
    }

    /// Stops the app and starts it again on the same database with the same configuration.
    pub async fn restart(self) -> TestApp {
        self.restart_with(|_| {}).await
    }

    /// Stops the app and starts it again on the same database, with its configuration changed.
    pub async fn restart_with(self, configure: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = self.config.clone();
        configure(&mut config);
        let database = self.stop().await;
        start(config, database).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = std::fs::remove_dir_all(&self.config.mail.mail_dir);
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// Where the `303 See Other` answer `response` sends the browser.
pub fn redirect_target(response: &reqwest::Response) -> String {
    assert_eq!(
        response.status(),
        reqwest::StatusCode::SEE_OTHER,
        "a redirect from {}",
        response.url()
    );
    response.headers()["location"]
        .to_str()
        .expect("a readable Location")
        .to_owned()
}

/// Asserts that `response` is a `303 See Other` to `path`.
pub fn assert_redirects_to(response: &reqwest::Response, path: &str) {
    assert_eq!(
        redirect_target(response),
        path,
        "redirect from {}",
        response.url()
    );
}

/// Asserts the status of the answer to `path` and parses its page.
async fn expect_page(response: reqwest::Response, path: &str, expected_status: u16) -> Page {
    assert_eq!(
        response.status().as_u16(),
        expected_status,
        "status of {path}"
    );
    Page::parse(&response.text().await.expect("body"))
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

    /// The page an answer carries, whatever its status.
    pub async fn of(response: reqwest::Response) -> Self {
        Self::parse(&response.text().await.expect("body"))
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

    /// The texts of all elements matching `selector`, each with white space collapsed.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        self.select(selector).into_iter().map(text_of).collect()
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
