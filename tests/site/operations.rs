//! Running the site as the README says: restoring a backup as the site's own database role into a
//! trial copy that mails nobody, an older binary on a database a newer one migrated, instances
//! started at once on a database that does not exist yet, and a client address header believed
//! only from a trusted proxy.

use std::process::Command;
use std::time::Duration;

use defus::startup::Application;
use reqwest::StatusCode;
use sqlx::{Connection, Executor, PgConnection};

use crate::helpers::{
    Staff, TestDatabase, news_item, spawn_app, spawn_app_with, start, test_config, valid_inquiry,
    valid_inquiry_with,
};

fn postgres_server() -> String {
    std::env::var("DEFUS_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@localhost".into())
}

async fn as_administrator(sql: &str) {
    let mut connection = PgConnection::connect(&format!("{}/postgres", postgres_server()))
        .await
        .expect("the PostgreSQL server");
    connection
        .execute(sqlx::AssertSqlSafe(sql.to_owned()))
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
}

/// Runs a PostgreSQL client program; panics with its output if it fails.
fn run(program: &str, args: &[&str]) {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{program}: {error}"));
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A database role of the site's own, not a superuser, dropped (with what it owns) at the end.
struct SiteRole {
    name: String,
}

impl SiteRole {
    async fn create() -> Self {
        let name = format!("defus_site_{}", std::process::id());
        as_administrator(&format!(
            "drop role if exists {name}; create role {name} login nosuperuser nocreatedb nocreaterole"
        ))
        .await;
        Self { name }
    }
}

impl Drop for SiteRole {
    fn drop(&mut self) {
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(as_administrator(&format!("drop role if exists {name}")))
        })
        .join();
        if dropped.is_err() {
            eprintln!("could not drop role {}", self.name);
        }
    }
}

#[tokio::test]
async fn a_backup_restored_as_the_site_s_own_role_runs_and_a_trial_copy_mails_nobody() {
    // The original: content, an account, and an email to the office still pending (as when the
    // dump was taken between an inquiry and its sending).
    let app = spawn_app_with(|config| config.mail.hold = true).await;
    let staff = app.signed_in_staff().await;
    staff
        .create_news_item(&news_item(&app, "Jahresbericht erschienen"), None)
        .await;
    app.new_inquiry(&valid_inquiry()).await;
    assert_eq!(
        app.count("select count(*) from mail_outbox where state = 'pending'")
            .await,
        1
    );
    let original: String = app.fetch_one("select current_database()").await;
    let dump = std::env::temp_dir().join(format!("{original}.dump"));
    let dump = dump.to_str().expect("a path");
    run(
        "pg_dump",
        &[
            "--format=custom",
            &format!("--file={dump}"),
            &format!("{}/{original}", postgres_server()),
        ],
    );

    // As the README says: a database owned by the site's role, restored as that role.
    let role = SiteRole::create().await;
    let copy = TestDatabase::new();
    let copy_name = copy.url().rsplit('/').next().expect("a name").to_owned();
    as_administrator(&format!(
        r#"create database "{copy_name}" owner {}"#,
        role.name
    ))
    .await;
    run(
        "pg_restore",
        &[
            "--no-owner",
            &format!("--role={}", role.name),
            &format!("--dbname={}/{copy_name}", postgres_server()),
            dump,
        ],
    );
    std::fs::remove_file(dump).ok();

    let mut config = test_config(&copy);
    config.database_url = format!(
        "postgres://{}@{}/{copy_name}",
        role.name,
        postgres_server().rsplit('@').next().expect("a host")
    );
    config.mail.hold = true;
    let restored = start(config, copy).await;
    let page = restored.page("/aktuelles", 200).await;
    assert!(page.text("main").contains("Jahresbericht erschienen"));
    let staff = restored.signed_in_staff_again().await;
    let overview = staff.page(defus::web::admin::paths::DASHBOARD, 200).await;
    assert!(
        overview
            .text(".alert")
            .contains("Diese Website verschickt zurzeit keine E-Mails"),
        "{}",
        overview.text("main")
    );
    // A new inquiry is taken (as the site's role) and, like the old one, not sent.
    restored
        .new_inquiry(&valid_inquiry_with(&[("organisation", "Stadt Probe")]))
        .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        restored
            .count("select count(*) from mail_outbox where state = 'pending'")
            .await,
        2,
        "nothing went out from the trial copy"
    );
    drop(restored);
    drop(role);
}

#[tokio::test]
async fn an_older_binary_starts_on_a_database_with_migrations_it_does_not_know() {
    let app = spawn_app().await;
    // A migration of a newer version, applied by it.
    app.execute(
        "insert into _sqlx_migrations (version, description, success, checksum, execution_time)
         values (99991231000000, 'from a newer version', true, '\\x00', 1)",
    )
    .await;
    let app = app.restart().await;
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn instances_started_at_once_on_a_database_that_does_not_exist_yet_all_start() {
    for _ in 0..3 {
        let database = TestDatabase::new();
        let config = test_config(&database);
        let (first, second, third) = tokio::join!(
            Application::build(&config),
            Application::build(&config),
            Application::build(&config)
        );
        for started in [first, second, third] {
            let application = started.expect("every instance starts");
            application.pool().close().await;
        }
        drop(database);
    }
}

#[tokio::test]
async fn the_client_address_header_is_believed_only_from_a_trusted_proxy() {
    let limited = |trusted: &'static str| {
        move |config: &mut defus::config::Config| {
            config.form.rate_limit_per_hour = 1;
            config.form.client_ip_header = Some("x-forwarded-for".parse().expect("a header"));
            config.form.trusted_proxies = vec![trusted.parse().expect("a range")];
        }
    };

    // The tests' client is on loopback: behind a proxy there, each forwarded address counts.
    let behind_proxy = spawn_app_with(limited("127.0.0.1/32")).await;
    assert_eq!(
        send_from(&behind_proxy, "203.0.113.1", "Stadt A").await,
        303
    );
    assert_eq!(
        send_from(&behind_proxy, "203.0.113.2", "Stadt B").await,
        303
    );

    // Trusting another proxy only, a visitor cannot choose their own address.
    let exposed = spawn_app_with(limited("10.0.0.1/32")).await;
    assert_eq!(send_from(&exposed, "203.0.113.1", "Stadt A").await, 303);
    assert_eq!(
        send_from(&exposed, "203.0.113.2", "Stadt B").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the second address was the visitor's invention"
    );
}

/// Sends a valid inquiry from `organisation` with `X-Forwarded-For: forwarded`; the status.
async fn send_from(
    app: &crate::helpers::TestApp,
    forwarded: &str,
    organisation: &'static str,
) -> StatusCode {
    let token = app.form_token(defus::i18n::Locale::De).await;
    let mut body = valid_inquiry_with(&[("organisation", organisation)]);
    body.push(("form_token", &token));
    body.push(("website", ""));
    app.client
        .post(app.url("/mitgliedschaft"))
        .header("x-forwarded-for", forwarded)
        .form(&body)
        .send()
        .await
        .expect("an answer")
        .status()
}

impl crate::helpers::TestApp {
    /// A staff client signed in with the account the restored database already holds.
    async fn signed_in_staff_again(&self) -> Staff<'_> {
        let mut staff = self.staff_client();
        let response = staff
            .sign_in(crate::helpers::STAFF_EMAIL, crate::helpers::STAFF_PASSWORD)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        staff.refresh_csrf_token().await;
        staff
    }
}

/// The README as a file.
fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README")
}

#[test]
fn the_readme_s_settings_file_reads_alike_in_a_shell() {
    let readme = readme();
    let after = readme
        .split_once("`/etc/defus/defus.env` (mode 0600")
        .expect("the settings file")
        .1;
    let block = after
        .split_once("```sh\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("its example")
        .0;
    let file = std::env::temp_dir().join(format!("defus-env-{}", std::process::id()));
    std::fs::write(&file, block).expect("a file");
    let output = Command::new("sh")
        .arg("-c")
        .arg(r#"set -a; . "$1"; printf '%s|%s' "$MAIL_FROM" "$BIND""#)
        .arg("sh")
        .arg(&file)
        .output()
        .expect("sh");
    std::fs::remove_file(&file).ok();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "DEFUS-Website <website@defus.org>|127.0.0.1:3000"
    );
}

#[test]
fn the_readme_s_settings_table_is_one_table() {
    let readme = readme();
    let table: Vec<&str> = readme
        .lines()
        .skip_while(|line| !line.starts_with("| variable |"))
        .take_while(|line| line.starts_with('|'))
        .collect();
    for variable in [
        "DATABASE_URL",
        "CLIENT_IP_HEADER",
        "TRUSTED_PROXIES",
        "STAFF_SESSION_IDLE",
        "STAFF_REQUIRE_TOTP",
        "MAIL_HOLD",
        "HTTP_DRAIN_TIMEOUT",
    ] {
        assert!(
            table
                .iter()
                .any(|row| row.starts_with(&format!("| `{variable}` |"))),
            "{variable} is a row of the one table"
        );
    }
}
