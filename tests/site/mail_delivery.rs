//! Getting the office email delivered, whatever the mail server does.

use std::collections::HashSet;
use std::time::Duration;

use defus::content::PageKey;
use defus::i18n::Locale;
use tokio::process::Child;

use crate::helpers::{
    Page, TestDatabase, binary, client, free_port, membership_form, spawn_app_mailing_to,
    spawn_app_with, spawn_app_with_mail_server_down, start_another_instance, terminate,
    valid_inquiry, wait_for_log, with_field,
};
use crate::smtp::{ConfirmingServer, SilentServer, SmtpServer, WhenDataArrives};

const SENT: &str = "select count(*) from mail_outbox where state = 'sent'";

#[tokio::test]
async fn an_inquiry_sent_while_the_mail_server_is_down_is_mailed_exactly_once_when_it_is_back() {
    let (app, mail_server) = spawn_app_with_mail_server_down(|_| {}).await;
    let response = app.submit_inquiry(Locale::De, &valid_inquiry()).await;
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

    let smtp = mail_server.bring_back();
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
    let app = spawn_app_mailing_to(silent.url(), |config| {
        config.mail.send_timeout = Duration::from_millis(500);
    })
    .await;
    app.new_inquiry(&valid_inquiry()).await;
    app.wait_for_count("select count(*) from mail_attempt", 2)
        .await;
    let errors: Vec<Option<String>> = app
        .fetch_all("select error from mail_attempt order by id")
        .await;
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
    app.public_page(PageKey::Start, Locale::De).await;
}

#[tokio::test]
async fn an_email_sent_while_the_database_went_away_is_recorded_once_it_is_back_not_sent_again() {
    let server = ConfirmingServer::start(WhenDataArrives::ConfirmTheFirstWhenTold).await;
    let mut app = spawn_app_mailing_to(server.url(), |config| {
        config.mail.poll_interval = Duration::from_millis(200);
    })
    .await;
    app.new_inquiry(&valid_inquiry()).await;
    server.wait_until_holding().await;
    // The database goes away while the mail server takes the message, and is back soon after.
    let offline = app.take_database_offline().await;
    server.confirm_held();
    tokio::time::sleep(Duration::from_millis(500)).await;
    offline.bring_back().await;
    app.reopen_pool().await;
    app.wait_for_count(SENT, 1).await;
    // Long enough for a second sending to have happened, were there one.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(server.confirmed(), 1, "the office got the email once");
    assert_eq!(
        app.count("select count(*) from mail_attempt where error is null")
            .await,
        1,
        "recorded as one successful attempt"
    );
}

#[tokio::test]
async fn a_server_that_never_confirms_a_message_is_not_taken_for_delivered() {
    let server = ConfirmingServer::start(WhenDataArrives::NeverConfirmTheFirst).await;
    let app = spawn_app_mailing_to(server.url(), |config| {
        config.mail.send_timeout = Duration::from_millis(500);
    })
    .await;
    app.new_inquiry(&valid_inquiry()).await;
    app.wait_for_count(SENT, 1).await;
    let errors: Vec<Option<String>> = app
        .fetch_all("select error from mail_attempt order by id")
        .await;
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
    let (app, _mail_server) =
        spawn_app_with_mail_server_down(|config| config.mail.max_attempts = 2).await;
    app.new_inquiry(&valid_inquiry()).await;
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
    let (first, mail_server) = spawn_app_with_mail_server_down(|config| {
        config.mail.retry_delay = Duration::from_millis(300);
        config.mail.retry_max_delay = Duration::from_millis(300);
    })
    .await;
    let second = start_another_instance(&first).await;

    let inquiries = 12;
    for number in 0..inquiries {
        let organisation: &'static str = format!("Stadt Nummer {number}").leak();
        let fields = with_field(valid_inquiry(), "organisation", organisation);
        let instance = if number % 2 == 0 { &first } else { &second };
        instance.new_inquiry(&fields).await;
    }
    first
        .wait_for_count(
            "select count(*) from mail_outbox where attempts > 0",
            inquiries as i64,
        )
        .await;
    let smtp = mail_server.bring_back();
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
    app.submit_inquiry(Locale::En, &valid_inquiry()).await;
    app.wait_for_count(SENT, 1).await;
    let files: Vec<_> = std::fs::read_dir(&app.config.mail.mail_dir)
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
    let app = spawn_app_with(|config| config.inquiry_retention_days = 30).await;
    for organisation in ["Alte Stadt", "Neue Stadt"] {
        app.new_inquiry(&with_field(valid_inquiry(), "organisation", organisation))
            .await;
    }
    app.deliver_all_due_emails().await;
    app.execute(
        "update inquiry set received_at = now() - interval '31 days'
         where organisation = 'Alte Stadt'",
    )
    .await;

    // The sweep runs at every start (and hourly after).
    let app = app.restart().await;
    app.wait_for_count("select count(*) from inquiry", 1).await;
    let remaining: String = app.fetch_one("select organisation from inquiry").await;
    assert_eq!(remaining, "Neue Stadt");
    assert_eq!(app.count("select count(*) from mail_outbox").await, 1);
    assert_eq!(app.count("select count(*) from mail_attempt").await, 1);
}

/// The real binary's database and address, kept from one process to the next.
struct Installation {
    database: TestDatabase,
    bind: String,
}

impl Installation {
    fn new() -> Self {
        Self {
            database: TestDatabase::new(),
            bind: format!("127.0.0.1:{}", free_port()),
        }
    }

    /// Runs the binary, sending mail to `smtp_url` with `send_timeout` (e.g. "60s"); returns
    /// once it serves.
    async fn start(&self, smtp_url: &str, send_timeout: &str) -> Child {
        let mail_dir = self.database.mail_dir().display().to_string();
        let mut process = binary(
            &[],
            &[
                ("DATABASE_URL", &self.database.url()),
                ("BIND", &self.bind),
                ("SMTP_URL", smtp_url),
                ("MAIL_DIR", &mail_dir),
                ("MAIL_SEND_TIMEOUT", send_timeout),
                ("MAIL_POLL_INTERVAL", "100ms"),
                ("FORM_MIN_FILL_TIME", "0s"),
            ],
        )
        .spawn()
        .unwrap();
        wait_for_log(&mut process, "serving the site on").await;
        process
    }

    /// Shows the German form of the running binary and sends it with a valid inquiry.
    async fn send_inquiry(&self) {
        let client = client();
        let form_url = format!("http://{}{}", self.bind, membership_form(Locale::De));
        let form = Page::of(client.get(&form_url).send().await.unwrap()).await;
        let token = form.attribute("input[name=form_token]", "value").unwrap();
        let mut body = valid_inquiry();
        body.push(("form_token", &token));
        let response = client.post(&form_url).form(&body).send().await.unwrap();
        assert_eq!(response.status(), 303, "received");
    }
}

impl Drop for Installation {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.database.mail_dir());
    }
}

#[tokio::test]
async fn an_email_left_unsent_when_the_process_is_killed_goes_out_after_the_restart() {
    let installation = Installation::new();

    // The first process hangs on a mail server that never answers, and is killed there.
    let silent = SilentServer::start().await;
    let mut first = installation.start(&silent.url(), "60s").await;
    installation.send_inquiry().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    first.kill().await.unwrap();

    // The second process finds the email still pending and delivers it.
    let smtp = SmtpServer::start();
    let mut second = installation.start(&smtp.url(), "60s").await;
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
}

#[tokio::test]
async fn a_graceful_stop_lets_the_email_being_sent_finish_its_attempt() {
    let installation = Installation::new();
    let silent = SilentServer::start().await;
    let mut process = installation.start(&silent.url(), "2s").await;

    installation.send_inquiry().await;
    // The worker is now waiting on the silent server.
    tokio::time::sleep(Duration::from_millis(500)).await;
    terminate(&process).await;
    let status = tokio::time::timeout(Duration::from_secs(20), process.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status}");

    let pool = sqlx::PgPool::connect(&installation.database.url())
        .await
        .unwrap();
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
}
