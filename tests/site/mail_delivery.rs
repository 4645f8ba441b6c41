//! Getting the office email delivered, whatever the mail server does.

use std::collections::HashSet;
use std::time::Duration;

use crate::helpers::{
    Page, TestDatabase, binary, client, free_port, spawn_app_with, start, start_another_instance,
    test_config, valid_inquiry, wait_for_log, with_field,
};
use crate::smtp::{SilentServer, SmtpServer, StallingAfterDataServer, smtp_url};

const SENT: &str = "select count(*) from mail_outbox where state = 'sent'";

#[tokio::test]
async fn an_inquiry_sent_while_the_mail_server_is_down_is_mailed_exactly_once_when_it_is_back() {
    let port = free_port();
    let app = spawn_app_with(move |config| config.mail.smtp_url = Some(smtp_url(port))).await;
    let response = app
        .submit_inquiry("/mitgliedschaft", &valid_inquiry())
        .await;
    assert_eq!(response.status(), 303, "the visitor is told: received");

    // Attempts fail and are recorded while nothing listens.
    app.wait_for_count(
        "select count(*) from mail_attempt where error is not null",
        2,
    )
    .await;
    let (state, last_error): (String, Option<String>) =
        sqlx::query_as("select state, last_error from mail_outbox")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(state, "pending");
    assert!(last_error.is_some_and(|error| !error.is_empty()));

    let smtp = SmtpServer::start_on(port);
    smtp.wait_for(1).await;
    app.wait_for_count(SENT, 1).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(smtp.messages().len(), 1, "exactly once");
    let successes = app
        .count("select count(*) from mail_attempt where error is null")
        .await;
    assert_eq!(successes, 1);
}

#[tokio::test]
async fn a_mail_server_that_accepts_and_never_answers_costs_a_timeout_not_the_worker() {
    let silent = SilentServer::start().await;
    let url = silent.url();
    let app = spawn_app_with(move |config| {
        config.mail.smtp_url = Some(url);
        config.mail.send_timeout = Duration::from_millis(500);
    })
    .await;
    app.submit_inquiry("/mitgliedschaft", &valid_inquiry())
        .await;
    app.wait_for_count("select count(*) from mail_attempt", 2)
        .await;
    let errors: Vec<Option<String>> =
        sqlx::query_scalar("select error from mail_attempt order by id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    for error in errors {
        let error = error.unwrap_or_default();
        assert!(
            error.contains("no answer from the mail server within 500ms")
                || error.contains("timed out"),
            "{error}"
        );
    }
    assert_eq!(
        app.count("select count(*) from mail_outbox where state = 'pending'")
            .await,
        1,
        "to be retried"
    );
    // The site stays responsive meanwhile.
    app.page("/", 200).await;
}

#[tokio::test]
async fn a_server_that_never_confirms_a_message_is_not_taken_for_delivered() {
    let server = StallingAfterDataServer::start().await;
    let url = server.url();
    let app = spawn_app_with(move |config| {
        config.mail.smtp_url = Some(url);
        config.mail.send_timeout = Duration::from_millis(500);
    })
    .await;
    app.submit_inquiry("/mitgliedschaft", &valid_inquiry())
        .await;
    app.wait_for_count(SENT, 1).await;
    let errors: Vec<Option<String>> =
        sqlx::query_scalar("select error from mail_attempt order by id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        errors.len(),
        2,
        "one unconfirmed attempt, then one confirmed: {errors:?}"
    );
    assert!(
        errors[0]
            .as_deref()
            .unwrap_or_default()
            .contains("no answer from the mail server")
    );
    assert_eq!(errors[1], None);
    assert_eq!(
        server.confirmed(),
        1,
        "'sent' only once the server confirmed it"
    );
}

#[tokio::test]
async fn after_the_last_allowed_attempt_the_email_is_marked_failed_with_its_error() {
    let port = free_port();
    let app = spawn_app_with(move |config| {
        config.mail.smtp_url = Some(smtp_url(port));
        config.mail.max_attempts = 2;
    })
    .await;
    app.submit_inquiry("/mitgliedschaft", &valid_inquiry())
        .await;
    app.wait_for_count("select count(*) from mail_outbox where state = 'failed'", 1)
        .await;
    let (attempts, last_error): (i32, Option<String>) =
        sqlx::query_as("select attempts, last_error from mail_outbox")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(attempts, 2);
    assert!(last_error.is_some());
    assert_eq!(
        app.count("select count(*) from mail_attempt").await,
        2,
        "every attempt is on record"
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        app.count("select count(*) from mail_attempt").await,
        2,
        "no attempts after giving up"
    );
}

#[tokio::test]
async fn two_instances_on_one_database_send_every_email_once() {
    // All emails are queued while the mail server is down; then both workers go at them at once.
    let port = free_port();
    let database = TestDatabase::new();
    let mut config = test_config(&database);
    config.mail.smtp_url = Some(smtp_url(port));
    config.mail.retry_delay = Duration::from_millis(300);
    config.mail.retry_max_delay = Duration::from_millis(300);
    let first = start(config.clone(), database).await;
    let second = start_another_instance(config).await;

    let inquiries = 12;
    for number in 0..inquiries {
        let organisation: &'static str = format!("Stadt Nummer {number}").leak();
        let fields = with_field(valid_inquiry(), "organisation", organisation);
        let instance = if number % 2 == 0 { &first } else { &second };
        let response = instance.submit_inquiry("/mitgliedschaft", &fields).await;
        assert_eq!(response.status(), 303);
    }
    first
        .wait_for_count(
            "select count(*) from mail_outbox where attempts > 0",
            inquiries as i64,
        )
        .await;
    let smtp = SmtpServer::start_on(port);
    smtp.wait_for(inquiries).await;
    first.wait_for_count(SENT, inquiries as i64).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let mails = smtp.messages();
    assert_eq!(mails.len(), inquiries, "nothing arrives twice");
    let ids: HashSet<String> = mails
        .iter()
        .filter_map(|mail| mail.header("Message-ID"))
        .collect();
    assert_eq!(ids.len(), inquiries, "every inquiry's email, each once");
    let successes = first
        .count("select count(*) from mail_attempt where error is null")
        .await;
    assert_eq!(successes, inquiries as i64);
    // Stop the second instance before the first drops the shared database.
    drop(second);
}

#[tokio::test]
async fn without_smtp_url_the_email_is_written_as_an_eml_file() {
    let app = spawn_app_with(|config| config.mail.smtp_url = None).await;
    app.submit_inquiry("/en/membership", &valid_inquiry()).await;
    app.wait_for_count(SENT, 1).await;
    let files: Vec<_> = std::fs::read_dir(&app.mail_dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .path()
                .extension()
                .is_some_and(|extension| extension == "eml")
        })
        .collect();
    assert_eq!(files.len(), 1);
    let raw = std::fs::read(files[0].path()).unwrap();
    let mail = mailparse::parse_mail(&raw).unwrap();
    use mailparse::MailHeaderMap;
    let subject = mail.headers.get_first_value("Subject").unwrap();
    assert!(
        subject.starts_with("Mitgliedschaftsanfrage: Hansestadt Lüneburg (DEFUS-"),
        "{subject}"
    );
    assert!(mail.get_body().unwrap().contains("Jürgen Weiß"));
}

#[tokio::test]
async fn old_inquiries_are_deleted_with_their_emails_after_the_retention_period() {
    let database = TestDatabase::new();
    let mut config = test_config(&database);
    config.inquiry_retention_days = 30;
    let app = start(config.clone(), database).await;
    for organisation in ["Alte Stadt", "Neue Stadt"] {
        app.submit_inquiry(
            "/mitgliedschaft",
            &with_field(valid_inquiry(), "organisation", organisation),
        )
        .await;
    }
    app.wait_for_count(SENT, 2).await;
    sqlx::query("update inquiry set received_at = now() - interval '31 days' where organisation = 'Alte Stadt'")
        .execute(&app.pool)
        .await
        .unwrap();
    let database = app.stop().await;

    // The sweep runs at every start (and hourly after).
    let app = start(config, database).await;
    app.wait_for_count("select count(*) from inquiry", 1).await;
    let remaining: String = sqlx::query_scalar("select organisation from inquiry")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(remaining, "Neue Stadt");
    assert_eq!(app.count("select count(*) from mail_outbox").await, 1);
    assert_eq!(app.count("select count(*) from mail_attempt").await, 1);
}

/// The environment of a `defus` process run by the tests below.
fn process_environment(
    database: &TestDatabase,
    bind: &str,
    smtp_url: &str,
    mail_dir: &std::path::Path,
    send_timeout: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("DATABASE_URL", database.url()),
        ("BIND", bind.to_owned()),
        ("SMTP_URL", smtp_url.to_owned()),
        ("MAIL_DIR", mail_dir.display().to_string()),
        ("MAIL_SEND_TIMEOUT", send_timeout.to_owned()),
        ("MAIL_POLL_INTERVAL", "100ms".to_owned()),
        ("FORM_MIN_FILL_TIME", "0s".to_owned()),
    ]
}

/// Shows the German form of the site at `site` and sends it with a valid inquiry.
async fn send_inquiry_to(site: &str) {
    let client = client();
    let form = client
        .get(format!("{site}/mitgliedschaft"))
        .send()
        .await
        .unwrap();
    let form = Page::parse(&form.text().await.unwrap());
    let token = form.attribute("input[name=form_token]", "value").unwrap();
    let mut body = valid_inquiry();
    body.push(("form_token", &token));
    let response = client
        .post(format!("{site}/mitgliedschaft"))
        .form(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "received");
}

fn borrowed<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

#[tokio::test]
async fn an_email_left_unsent_when_the_process_is_killed_goes_out_after_the_restart() {
    let database = TestDatabase::new();
    let bind = format!("127.0.0.1:{}", free_port());
    let site = format!("http://{bind}");
    let mail_dir = std::env::temp_dir().join(format!("{}-mail", database.name()));

    // The first process hangs on a mail server that never answers, and is killed there.
    let silent = SilentServer::start().await;
    let environment = process_environment(&database, &bind, &silent.url(), &mail_dir, "60s");
    let mut first = binary(&[], &borrowed(&environment)).spawn().unwrap();
    wait_for_log(&mut first, "serving the site on").await;
    send_inquiry_to(&site).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    first.kill().await.unwrap();

    // The second process finds the email still pending and delivers it.
    let smtp = SmtpServer::start();
    let environment = process_environment(&database, &bind, &smtp.url(), &mail_dir, "60s");
    let mut second = binary(&[], &borrowed(&environment)).spawn().unwrap();
    wait_for_log(&mut second, "serving the site on").await;
    let mails = smtp.wait_for(1).await;
    assert!(
        mails[0]
            .header("Subject")
            .unwrap()
            .contains("Hansestadt Lüneburg")
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 1);
    second.kill().await.unwrap();
    let _ = std::fs::remove_dir_all(&mail_dir);
}

#[tokio::test]
async fn a_graceful_stop_lets_the_email_being_sent_finish_its_attempt() {
    let database = TestDatabase::new();
    let bind = format!("127.0.0.1:{}", free_port());
    let site = format!("http://{bind}");
    let mail_dir = std::env::temp_dir().join(format!("{}-mail", database.name()));
    let silent = SilentServer::start().await;
    let environment = process_environment(&database, &bind, &silent.url(), &mail_dir, "2s");
    let mut process = binary(&[], &borrowed(&environment)).spawn().unwrap();
    wait_for_log(&mut process, "serving the site on").await;

    send_inquiry_to(&site).await;
    // The worker is now waiting on the silent server.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pid = process.id().unwrap().to_string();
    tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(20), process.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status}");

    let pool = sqlx::PgPool::connect(&database.url()).await.unwrap();
    let errors: Vec<Option<String>> = sqlx::query_scalar("select error from mail_attempt")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        errors.len(),
        1,
        "the attempt in progress was finished and recorded"
    );
    assert!(
        errors[0]
            .as_deref()
            .unwrap_or_default()
            .contains("no answer"),
        "{errors:?}"
    );
    pool.close().await;
    let _ = std::fs::remove_dir_all(&mail_dir);
}
