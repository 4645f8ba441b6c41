//! What the scenarios share: a throw-away database, the running app, and HTML selectors.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use defus::config::Config;
use defus::startup::Application;
use reqwest::redirect::Policy;
use scraper::{ElementRef, Html, Selector};
use sqlx::{Connection, Executor, PgConnection, PgPool};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
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

    pub fn name(&self) -> &str {
        &self.name
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
pub async fn maintenance_connection() -> PgConnection {
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
    /// Where the app writes office emails when no SMTP server is configured.
    pub mail_dir: PathBuf,
    database_url: String,
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
    config.mail.mail_dir = std::env::temp_dir().join(format!("{}-mail", database.name()));
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

/// Starts one more instance on the database of an app that is already running.
pub async fn start_another_instance(config: Config) -> TestApp {
    launch(config, None).await
}

async fn launch(config: Config, database: Option<TestDatabase>) -> TestApp {
    let mail_dir = config.mail.mail_dir.clone();
    let application = Application::build(&config)
        .await
        .expect("the application starts");
    let address = format!(
        "http://{}",
        application.local_addr().expect("bound address")
    );
    let config_database_url = config.database_url.clone();
    let pool = PgPool::connect(&config.database_url)
        .await
        .expect("test pool");
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
        mail_dir,
        database_url: config_database_url,
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
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

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
        let _ = std::fs::remove_dir_all(&self.mail_dir);
    }
}

/// The fields of a complete, valid inquiry, with umlauts where people would type them.
pub fn valid_inquiry() -> Vec<(&'static str, &'static str)> {
    vec![
        ("organisation", "Hansestadt Lüneburg"),
        ("contact_name", "Jürgen Weiß"),
        ("role", "Fachbereich Sicherheit und Ordnung"),
        ("email", "j.weiss@stadt.lueneburg.de"),
        ("phone", "+49 4131 309-0"),
        ("efus_member", "yes"),
        (
            "message",
            "Wir möchten gern beitreten.\nViele Grüße aus Lüneburg",
        ),
    ]
}

/// `fields` with `name` set to `value` (added if missing).
pub fn with_field(
    mut fields: Vec<(&'static str, &'static str)>,
    name: &'static str,
    value: &'static str,
) -> Vec<(&'static str, &'static str)> {
    match fields.iter_mut().find(|(field, _)| *field == name) {
        Some(slot) => slot.1 = value,
        None => fields.push((name, value)),
    }
    fields
}

impl TestApp {
    /// The form token of a freshly shown form on `path`.
    pub async fn form_token(&self, path: &str) -> String {
        self.page(path, 200)
            .await
            .attribute("form input[name=form_token]", "value")
            .expect("a form token")
    }

    /// Shows the form on `path` and sends it with `fields`, as a browser would.
    pub async fn submit_inquiry(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.form_token(path).await;
        self.post_form(path, fields, &token).await
    }

    /// Sends `fields` with `token` to `path`.
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        token: &str,
    ) -> reqwest::Response {
        let mut body: Vec<(&str, &str)> = fields.to_vec();
        body.push(("form_token", token));
        body.push(("website", ""));
        self.client
            .post(self.url(path))
            .form(&body)
            .send()
            .await
            .expect("the server answers")
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(&self.pool)
            .await
            .expect("count query")
    }

    /// Waits until `sql` (a count) returns `expected`.
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

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// The real `defus` binary with the given arguments and environment, its log captured. Settings
/// the caller does not give are removed from the environment, so the defaults apply.
pub fn binary(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_defus"));
    command.args(args);
    for variable in [
        "DATABASE_URL",
        "BIND",
        "BASE_URL",
        "SMTP_URL",
        "MAIL_DIR",
        "MAIL_FROM",
        "OFFICE_EMAIL",
        "MAIL_POLL_INTERVAL",
        "MAIL_SEND_TIMEOUT",
        "FORM_MIN_FILL_TIME",
    ] {
        command.env_remove(variable);
    }
    command
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

/// Waits until the running binary logs `needle`, returning everything logged so far.
pub async fn wait_for_log(child: &mut Child, needle: &str) -> String {
    let stderr = child.stderr.as_mut().expect("piped stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut log = String::new();
    let found = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            log.push_str(&line);
            log.push('\n');
            if line.contains(needle) {
                return true;
            }
        }
        false
    })
    .await;
    assert!(
        matches!(found, Ok(true)),
        "waited for {needle:?} in:\n{log}"
    );
    log
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

/// The password the tests give staff accounts.
pub const STAFF_PASSWORD: &str = "Sicher genug für Hannover 2026";

/// A browser-like client for the staff area: it keeps cookies and knows the CSRF token.
pub struct Staff<'a> {
    app: &'a TestApp,
    pub client: reqwest::Client,
    pub jar: std::sync::Arc<reqwest::cookie::Jar>,
    csrf_token: Option<String>,
}

impl TestApp {
    /// Creates a staff account the way the command line does.
    pub async fn create_staff_account(&self, email: &str, password: &str) {
        let password = defus::staff::password::Password::parse(password).expect("a valid password");
        defus::staff::account::create(&self.pool, email, password)
            .await
            .expect("the account is created");
    }

    /// A staff client that is not signed in.
    pub fn staff_client(&self) -> Staff<'_> {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .redirect(Policy::none())
            .cookie_provider(std::sync::Arc::clone(&jar))
            .build()
            .expect("HTTP client");
        Staff {
            app: self,
            client,
            jar,
            csrf_token: None,
        }
    }

    /// A staff member with a fresh account, signed in.
    pub async fn signed_in_staff(&self) -> Staff<'_> {
        self.create_staff_account("buero@defus.org", STAFF_PASSWORD)
            .await;
        let mut staff = self.staff_client();
        let response = staff.sign_in("buero@defus.org", STAFF_PASSWORD).await;
        assert_eq!(response.status(), 303, "signed in");
        staff.refresh_csrf_token().await;
        staff
    }
}

impl Staff<'_> {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.app.url(path))
            .send()
            .await
            .expect("the server answers")
    }

    pub async fn page(&self, path: &str, expected_status: u16) -> Page {
        expect_page(self.get(path).await, path, expected_status).await
    }

    /// Signs in through the sign-in form.
    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        let form = self.page("/admin/anmelden", 200).await;
        let token = form
            .attribute("input[name=form_token]", "value")
            .expect("form token");
        self.client
            .post(self.app.url("/admin/anmelden"))
            .form(&[
                ("email", email),
                ("password", password),
                ("form_token", &token),
                ("weiter", "/admin"),
            ])
            .send()
            .await
            .expect("the server answers")
    }

    /// Reads the CSRF token of the current session from a staff page.
    pub async fn refresh_csrf_token(&mut self) {
        let page = self.page("/admin", 200).await;
        self.csrf_token = page.attribute("input[name=csrf_token]", "value");
        assert!(self.csrf_token.is_some(), "staff pages carry a CSRF token");
    }

    pub fn csrf_token(&self) -> &str {
        self.csrf_token.as_deref().unwrap_or_default()
    }

    /// Sends a staff form with the session's CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut body: Vec<(&str, &str)> = fields.to_vec();
        body.push(("csrf_token", self.csrf_token()));
        self.post_raw(path, &body).await
    }

    /// Sends a form exactly as given (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.app.url(path))
            .form(fields)
            .send()
            .await
            .expect("the server answers")
    }

    /// The session cookie's value as the browser holds it.
    pub fn session_cookie(&self) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = reqwest::Url::parse(&self.app.url("/admin")).expect("URL");
        let cookies = self.jar.cookies(&url)?;
        cookies
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|pair| pair.strip_prefix("defus_staff="))
            .map(str::to_owned)
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
        let name: String = sqlx::query_scalar("select current_database()")
            .fetch_one(&self.pool)
            .await
            .expect("database name");
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
