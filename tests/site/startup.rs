//! Starting the site: from an empty server, again on existing data, and when things are wrong.

use std::time::Duration;

use defus::MIGRATOR;
use defus::content::PageKey;
use defus::i18n::Locale;

use crate::helpers::{
    TestDatabase, binary, free_port, spawn_app, start, terminate, test_config, wait_for_log,
};

#[tokio::test]
async fn the_database_is_created_and_migrated_from_nothing() {
    let database = TestDatabase::new();
    assert!(!database.exists().await);

    let app = start(test_config(&database), database).await;

    let applied: Vec<i64> = app
        .fetch_all("select version from _sqlx_migrations where success order by version")
        .await;
    let embedded: Vec<i64> = MIGRATOR.iter().map(|migration| migration.version).collect();
    assert_eq!(applied, embedded);
    let pages = app.count("select count(*) from page").await;
    assert_eq!(pages, 20, "ten pages in two languages");
    app.public_page(PageKey::Start, Locale::De).await;
}

#[tokio::test]
async fn a_second_start_keeps_edited_content_and_restores_only_what_is_missing() {
    let app = spawn_app().await;
    app.execute(
        "update page set title = 'Unsere Arbeit' where page_key = 'goals' and locale = 'de'",
    )
    .await;
    app.execute("update organisation set street = 'Neue Straße 1'")
        .await;
    app.execute("delete from page where page_key = 'efus' and locale = 'en'")
        .await;

    let app = app.restart().await;
    let page = app.public_page(PageKey::Goals, Locale::De).await;
    assert_eq!(page.text("main h1"), "Unsere Arbeit");
    assert!(page.text("footer address").contains("Neue Straße 1"));
    assert_eq!(
        app.public_page(PageKey::Efus, Locale::En)
            .await
            .text("main h1"),
        "DEFUS and EFUS"
    );
}

#[tokio::test]
async fn an_unreachable_database_gives_one_clear_line_and_a_failing_exit() {
    let output = tokio::time::timeout(
        Duration::from_secs(30),
        binary(
            &[],
            &[("DATABASE_URL", "postgres://postgres@127.0.0.1:1/defus")],
        )
        .output(),
    )
    .await
    .expect("the binary gives up in time")
    .unwrap();
    assert!(!output.status.success());
    let log = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<&str> = log.lines().filter(|line| line.contains("ERROR")).collect();
    assert_eq!(errors.len(), 1, "{log}");
    assert!(
        errors[0].contains("DATABASE_URL=postgres://postgres@127.0.0.1:1/defus"),
        "{log}"
    );
    assert!(!log.contains("panicked"), "{log}");
}

#[tokio::test]
async fn help_names_every_setting_and_its_variable() {
    let output = binary(
        &["--help"],
        &[("DATABASE_URL", "postgres://defus:geheim@db/defus")],
    )
    .output()
    .await
    .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for variable in [
        "DATABASE_URL",
        "BIND",
        "BASE_URL",
        "INQUIRY_RETENTION_DAYS",
        "SMTP_URL",
        "MAIL_DIR",
        "MAIL_FROM",
        "OFFICE_EMAIL",
        "MAIL_SEND_TIMEOUT",
        "MAIL_MAX_ATTEMPTS",
        "MAIL_RETRY_DELAY",
        "MAIL_RETRY_MAX_DELAY",
        "MAIL_POLL_INTERVAL",
        "FORM_MIN_FILL_TIME",
        "FORM_MAX_AGE",
        "INQUIRY_RATE_LIMIT",
        "CLIENT_IP_HEADER",
        "STAFF_SESSION_IDLE",
        "STAFF_SESSION_MAX",
    ] {
        assert!(
            help.contains(&format!("env: {variable}")),
            "{variable} in {help}"
        );
    }
    assert!(
        !help.contains("geheim"),
        "no password from the environment is shown"
    );
    // Every variable the binary knows is documented where the README promises.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.env.example")).unwrap();
    for line in help
        .lines()
        .filter(|line| line.trim_start().starts_with("[env: "))
    {
        let variable = line
            .trim_start()
            .trim_start_matches("[env: ")
            .split(['=', ']'])
            .next()
            .unwrap();
        assert!(
            readme.contains(&format!("| `{variable}` |")),
            "{variable} is in the README's table"
        );
        assert!(example.contains(variable), "{variable} is in .env.example");
    }
}

#[tokio::test]
async fn the_binary_serves_reports_the_incomplete_legal_notice_and_stops_on_sigterm() {
    let database = TestDatabase::new();
    let bind = format!("127.0.0.1:{}", free_port());
    let mail_dir = database.mail_dir();
    let mail_dir_setting = mail_dir.display().to_string();
    let mut child = binary(
        &[],
        &[
            ("DATABASE_URL", &database.url()),
            ("BIND", &bind),
            ("MAIL_DIR", &mail_dir_setting),
            // Requests are logged at debug level only (a line per view costs more than the
            // view); switched on here to see what such a line holds.
            ("RUST_LOG", "info,defus=debug,tower_http=debug"),
        ],
    )
    .spawn()
    .unwrap();
    let log = wait_for_log(&mut child, "serving the site on").await;
    assert!(log.contains(&format!("http://{bind}")), "{log}");
    assert!(
        log.contains("register_court"),
        "the missing detail is named: {log}"
    );
    assert!(
        log.contains(&format!(
            ".eml files in {mail_dir_setting} (SMTP_URL is not set)"
        )),
        "where the mails go is logged: {log}"
    );
    assert!(mail_dir.is_dir(), "the mail folder is created at start-up");

    let response = reqwest::get(format!(
        "http://{bind}/en/?suche=geheime-suche%40example.org"
    ))
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    // Requests that the router answers (not held in memory); the second runs a search.
    let response = reqwest::get(format!(
        "http://{bind}/admin/anmelden?weiter=%2Fadmin%2Fgeheimer-pfad"
    ))
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    let response = reqwest::get(format!("http://{bind}/suche?q=Schuldnerberatung+Meier"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    terminate(&child).await;
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("stops after SIGTERM")
        .unwrap();
    assert!(
        status.success(),
        "a graceful stop exits with 0, got {status}"
    );

    let mut rest = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        use tokio::io::AsyncReadExt;
        stderr.read_to_string(&mut rest).await.unwrap();
    }
    for path in ["path=/en/", "path=/admin/anmelden", "path=/suche"] {
        assert!(rest.contains(path), "requests are logged by path: {rest}");
    }
    for query in [
        "geheime-suche",
        "geheimer-pfad",
        "Schuldnerberatung",
        "Meier",
    ] {
        assert!(
            !rest.contains(query),
            "query strings are not logged: {rest}"
        );
    }

    let _ = std::fs::remove_dir_all(&mail_dir);
}

#[tokio::test]
async fn with_log_format_json_every_log_line_is_a_json_object_for_a_collector() {
    let database = TestDatabase::new();
    let bind = format!("127.0.0.1:{}", free_port());
    let mail_dir = database.mail_dir();
    let mut child = binary(
        &[],
        &[
            ("DATABASE_URL", &database.url()),
            ("BIND", &bind),
            ("MAIL_DIR", &mail_dir.display().to_string()),
            ("LOG_FORMAT", "json"),
            ("RUST_LOG", "info,tower_http=debug"),
        ],
    )
    .spawn()
    .unwrap();
    let mut log = wait_for_log(&mut child, "serving the site on").await;
    let response = reqwest::get(format!("http://{bind}/suche?q=Pr%C3%A4vention"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    terminate(&child).await;
    tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("stops after SIGTERM")
        .unwrap();
    if let Some(mut stderr) = child.stderr.take() {
        use tokio::io::AsyncReadExt;
        stderr.read_to_string(&mut log).await.unwrap();
    }

    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}")))
        .collect();
    for line in &lines {
        for key in ["timestamp", "level", "target"] {
            assert!(line.get(key).is_some(), "{key} in {line}");
        }
    }
    assert!(
        lines.iter().any(|line| line["message"]
            .as_str()
            .is_some_and(|message| message.starts_with("serving the site on"))),
        "the message is a field of its own"
    );
    let request = lines
        .iter()
        .find(|line| line["span"]["name"] == "request")
        .expect("a line logged within a request");
    assert_eq!(request["span"]["path"], "/suche");
    assert_eq!(request["span"]["method"], "GET");
    assert!(!log.contains("Pr%C3%A4vention") && !log.contains("Prävention"));
    let _ = std::fs::remove_dir_all(&mail_dir);
}
