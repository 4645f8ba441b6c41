//! Every real inquiry reaches a person, and the office reads what went wrong in its own words: a
//! form sent quickly is confirmed rather than discarded, held spam is listed and can be sent on,
//! delivery failures are explained in German, colleagues are told of assignments and the office
//! of inquiries nobody took up, receipts cannot be walked, and the office email cannot be
//! imitated from inside.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use defus::i18n::Locale;
use defus::inquiry::reminder::{self, Reminded, ReminderSettings};
use defus::staff::account::Role;
use defus::web::admin::paths;
use reqwest::StatusCode;

use crate::helpers::{
    Page, TestApp, redirect_target, spawn_app_mailing_to, spawn_app_with_mail_server_down,
    spawn_app_with_smtp, spawn_app_with_smtp_and, valid_inquiry, valid_inquiry_with,
};
use crate::smtp::{REFUSAL, SmtpServer};

/// The name and value of every hidden input of the form `selector`, as a browser sends them.
fn hidden_fields(page: &Page, selector: &str) -> Vec<(String, String)> {
    let hidden = scraper::Selector::parse("input[type=hidden]").unwrap();
    page.select(selector)
        .first()
        .expect("the form")
        .select(&hidden)
        .map(|input| {
            (
                input.value().attr("name").unwrap_or_default().to_owned(),
                input.value().attr("value").unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// `html` without its "Technische Details" sections.
fn without_technical_details(html: &str) -> String {
    let mut rest = html;
    let mut kept = String::new();
    while let Some(start) = rest.find("<details class=\"technical\">") {
        kept.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</details>")
            .map_or(rest.len(), |end| start + end + "</details>".len());
        rest = &rest[end..];
    }
    kept.push_str(rest);
    kept
}

async fn post_fields(app: &TestApp, path: &str, fields: &[(String, String)]) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .expect("the server answers")
}

#[tokio::test]
async fn a_form_sent_within_the_time_trap_is_confirmed_with_one_click_and_mailed_once() {
    let (app, smtp) =
        spawn_app_with_smtp_and(|config| config.form.min_fill_time = Duration::from_secs(60)).await;
    let response = app.submit_inquiry(Locale::De, &valid_inquiry()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let page = Page::of(response).await;
    assert_eq!(page.text("main h1"), "Bitte bestätigen Sie Ihre Anfrage");
    let summary = page.text("main dl");
    assert!(summary.contains("Hansestadt Lüneburg"), "{summary}");
    assert!(summary.contains("Wir möchten gern beitreten."), "{summary}");
    assert_eq!(page.select("main form button").len(), 1, "one button");
    assert_eq!(
        app.count("select count(*) from inquiry").await,
        0,
        "nothing is stored before the visitor confirms"
    );

    // The visitor clicks, and clicks again before the page changes.
    let fields = hidden_fields(&page, "main form");
    let first = post_fields(&app, "/mitgliedschaft", &fields).await;
    let second = post_fields(&app, "/mitgliedschaft", &fields).await;
    let receipt = redirect_target(&first);
    assert_eq!(redirect_target(&second), receipt, "the same inquiry");
    let receipt_page = app.page(&receipt, 200).await;
    assert_eq!(receipt_page.text("main h1"), "Ihre Anfrage ist eingegangen");

    let messages = smtp.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 1, "exactly one office email");
    assert!(messages[0].body().contains("Hansestadt Lüneburg"));
    assert!(
        messages[0].body().contains("> Wir möchten gern beitreten."),
        "the message kept its lines: {}",
        messages[0].body()
    );
    assert_eq!(
        app.count("select count(*) from inquiry where status = 'new' and spam_reason is null")
            .await,
        1
    );
}

#[tokio::test]
async fn the_confirmation_page_speaks_the_visitor_s_language() {
    let app = crate::helpers::spawn_app_with(|config| {
        config.form.min_fill_time = Duration::from_secs(60)
    })
    .await;
    let response = app.submit_inquiry(Locale::En, &valid_inquiry()).await;
    let page = Page::of(response).await;
    assert_eq!(page.lang(), "en");
    assert_eq!(page.text("main h1"), "Please confirm your inquiry");
    assert_eq!(page.text("main form button"), "Send the inquiry now");
}

#[tokio::test]
async fn a_honeypot_hit_is_mailed_to_nobody_but_listed_and_kein_spam_sends_it_on() {
    let (app, smtp) = spawn_app_with_smtp().await;
    let spam = app.new_spam_inquiry().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(smtp.messages().is_empty(), "no email for spam");

    let staff = app.signed_in_staff().await;
    let overview = staff.page(paths::DASHBOARD, 200).await;
    let held = overview.text("#held-spam + p + ul");
    assert!(held.contains("Hansestadt Lüneburg"), "{held}");
    assert!(held.contains(&spam.reference), "{held}");
    assert!(
        held.contains("Grund: verstecktes Feld ausgefüllt"),
        "{held}"
    );

    let fields = hidden_fields(&overview, "#held-spam ~ ul form");
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let response = staff
        .post_raw(&paths::inquiry_status(spam.id), &fields)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let messages = smtp.wait_for(1).await;
    assert!(messages[0].body().contains(&spam.reference));
    let overview = staff.page(paths::DASHBOARD, 200).await;
    assert!(
        overview.select("#held-spam").is_empty(),
        "nothing held any more"
    );
}

#[tokio::test]
async fn a_mail_server_that_refuses_is_explained_in_german_with_its_words_only_in_the_details() {
    let smtp = SmtpServer::start_refusing();
    let app = spawn_app_mailing_to(smtp.url(), |config| config.mail.max_attempts = 2).await;
    let inquiry = app.new_inquiry(&valid_inquiry()).await;
    app.wait_for_count("select count(*) from mail_outbox where state = 'failed'", 1)
        .await;
    let staff = app.signed_in_staff().await;

    let response = staff.get(&paths::inquiry(inquiry.id)).await;
    let html = response.text().await.unwrap();
    let page = Page::parse(&html);
    assert_eq!(
        page.text(".delivery"),
        "Der Mailserver hat die Nachricht abgelehnt. Die Website hat nach 2 Versuchen aufgegeben. \
         Bitte lassen Sie die Mail-Einstellungen von der Person prüfen, die die Website betreut, \
         und senden Sie die E-Mail dann erneut."
    );
    assert!(
        html.contains("FileNotFoundError"),
        "kept for whoever runs the site"
    );
    let outside = without_technical_details(&html);
    for raw in ["FileNotFoundError", "5.7.1", "550", "permanent error"] {
        assert!(
            !outside.contains(raw),
            "{raw} outside the technical details"
        );
    }
    assert_eq!(page.text("details.technical summary"), "Technische Details");

    let response = staff.get(paths::DASHBOARD).await;
    let html = response.text().await.unwrap();
    let overview = Page::parse(&html);
    let alert = overview.text(".alert");
    assert!(
        alert.contains("Eine E-Mail ist nicht angekommen"),
        "{alert}"
    );
    assert!(alert.contains("Hansestadt Lüneburg"), "{alert}");
    assert!(alert.contains(&inquiry.reference), "{alert}");
    assert!(
        alert.contains("Der Mailserver hat die Nachricht abgelehnt."),
        "{alert}"
    );
    assert!(
        !overview
            .text("main")
            .contains("Alle E-Mails sind zugestellt")
    );
    assert!(!without_technical_details(&html).contains("FileNotFoundError"));
    assert!(REFUSAL.contains("FileNotFoundError"));
}

#[tokio::test]
async fn a_mail_server_that_is_not_there_is_explained_with_the_time_of_the_next_try() {
    let (app, _down) = spawn_app_with_mail_server_down(|config| {
        config.mail.retry_delay = Duration::from_secs(3600);
        config.mail.retry_max_delay = Duration::from_secs(3600);
    })
    .await;
    let inquiry = app.new_inquiry(&valid_inquiry()).await;
    app.wait_for_count("select count(*) from mail_outbox where attempts >= 1", 1)
        .await;
    let staff = app.signed_in_staff().await;
    // A moment of trouble is no alarm yet.
    let overview = staff.page(paths::DASHBOARD, 200).await;
    assert!(overview.select(".alert").is_empty());

    // Retrying for longer than a few minutes is.
    app.execute("update mail_outbox set created_at = now() - interval '10 minutes'")
        .await;
    let next: chrono::DateTime<Utc> = app
        .fetch_one("select next_attempt_at from mail_outbox")
        .await;
    let at = next.with_timezone(&Berlin).format("%H:%M").to_string();
    let overview = staff.page(paths::DASHBOARD, 200).await;
    let alert = overview.text(".alert");
    assert!(
        alert.contains("Der Mailserver war nicht erreichbar. Die Website versucht es"),
        "{alert}"
    );
    assert!(
        alert.contains(&at),
        "names the time of the next try ({at}): {alert}"
    );
    let page = staff.page(&paths::inquiry(inquiry.id), 200).await;
    assert!(page.text(".delivery").contains(&at));
}

#[tokio::test]
async fn a_colleague_made_responsible_is_told_by_email() {
    let (app, smtp) = spawn_app_with_smtp().await;
    let inquiry = app.new_inquiry(&valid_inquiry()).await;
    smtp.wait_for(1).await;
    let staff = app.signed_in_staff().await;
    let colleague = app
        .signed_in_colleague("kollegin@defus.org", Role::Editorial)
        .await;
    drop(colleague);
    let colleague_id: i64 = app
        .fetch_one("select id from staff_account where email = 'kollegin@defus.org'")
        .await;
    let response = staff
        .post(
            &paths::inquiry_assignment(inquiry.id),
            &[("zustaendig", colleague_id.to_string().as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let messages = smtp.wait_for(2).await;
    let told = messages
        .iter()
        .find(|message| message.envelope_to == ["kollegin@defus.org"])
        .expect("an email to the colleague");
    let subject = told.header("Subject").unwrap();
    assert!(subject.contains(&inquiry.reference), "{subject}");
    let body = told.body();
    assert!(
        body.contains(&format!("{}{}", app.address, paths::inquiry(inquiry.id))),
        "{body}"
    );
    assert!(
        !body.contains("j.weiss@"),
        "no personal data of the inquirer: {body}"
    );

    // Taking an inquiry oneself tells nobody.
    let own_id: i64 = app
        .fetch_one("select id from staff_account where email <> 'kollegin@defus.org'")
        .await;
    staff
        .post(
            &paths::inquiry_assignment(inquiry.id),
            &[("zustaendig", own_id.to_string().as_str())],
        )
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 2);
}

#[tokio::test]
async fn the_reminder_names_an_old_new_inquiry_once_a_day_and_not_one_in_progress() {
    let (app, smtp) = spawn_app_with_smtp_and(|config| config.inquiry_reminder_after = 0).await;
    let waiting = app.new_inquiry(&valid_inquiry()).await;
    let taken_up = app
        .new_inquiry(&valid_inquiry_with(&[("organisation", "Stadt in Arbeit")]))
        .await;
    let recent = app
        .new_inquiry(&valid_inquiry_with(&[(
            "organisation",
            "Stadt von gestern",
        )]))
        .await;
    smtp.wait_for(3).await;
    // Tuesday, 8 December 2026: two working days after Thursday the 3rd (the weekend between).
    app.execute(&format!(
        "update inquiry set received_at = '2026-12-03 10:00+01' where id in ({}, {});
         update inquiry set status = 'in_progress' where id = {};
         update inquiry set received_at = '2026-12-07 10:00+01' where id = {}",
        waiting.id, taken_up.id, taken_up.id, recent.id
    ))
    .await;
    let settings = ReminderSettings {
        after_working_days: 2,
        office_override: Some("buero@defus.test".parse().unwrap()),
        site: app.address.parse().unwrap(),
        message_id_domain: "defus.org".into(),
    };
    let tuesday = |hour| {
        Berlin
            .with_ymd_and_hms(2026, 12, 8, hour, 0, 0)
            .unwrap()
            .to_utc()
    };

    assert_eq!(
        reminder::remind_if_due(&app.pool, tuesday(7), &settings)
            .await
            .unwrap(),
        Reminded::NotDue,
        "not before eight"
    );
    assert_eq!(
        reminder::remind_if_due(&app.pool, tuesday(9), &settings)
            .await
            .unwrap(),
        Reminded::Queued(vec![waiting.reference.clone()])
    );
    assert_eq!(
        reminder::remind_if_due(&app.pool, tuesday(15), &settings)
            .await
            .unwrap(),
        Reminded::AlreadyToday,
        "once a day"
    );
    app.deliver_all_due_emails().await;
    let messages = smtp.wait_for(4).await;
    let reminders: Vec<_> = messages
        .iter()
        .filter(|message| message.envelope_to == ["buero@defus.test"])
        .collect();
    assert_eq!(reminders.len(), 1);
    let body = reminders[0].body();
    assert!(body.contains(&waiting.reference), "{body}");
    assert!(!body.contains(&taken_up.reference), "in progress: {body}");
    assert!(
        !body.contains(&recent.reference),
        "not old enough yet: {body}"
    );
    assert!(body.contains(&paths::inquiry(waiting.id)), "{body}");

    // A Saturday is no working day; the next working day reminds again.
    let saturday = Berlin
        .with_ymd_and_hms(2026, 12, 12, 9, 0, 0)
        .unwrap()
        .to_utc();
    assert_eq!(
        reminder::remind_if_due(&app.pool, saturday, &settings)
            .await
            .unwrap(),
        Reminded::NotDue
    );
    let wednesday = Berlin
        .with_ymd_and_hms(2026, 12, 9, 9, 0, 0)
        .unwrap()
        .to_utc();
    assert!(matches!(
        reminder::remind_if_due(&app.pool, wednesday, &settings)
            .await
            .unwrap(),
        Reminded::Queued(references) if references.contains(&waiting.reference)
    ));
}

#[tokio::test]
async fn a_receipt_address_without_its_token_is_not_found() {
    let app = crate::helpers::spawn_app().await;
    let response = app.submit_inquiry(Locale::De, &valid_inquiry()).await;
    let receipt = redirect_target(&response);
    let (base, token) = receipt.rsplit_once('/').unwrap();
    assert_eq!(token.len(), 32, "{receipt}");
    assert_eq!(app.get(&receipt).await.status(), StatusCode::OK);
    assert_eq!(app.get(base).await.status(), StatusCode::NOT_FOUND);
    let reference = base.rsplit('/').next().unwrap();
    let next = reference.replace("-0001", "-0002");
    for guessed in [
        format!("{base}/{}", "0".repeat(32)),
        format!("{base}/{}", &token[..31]),
        receipt.replace(reference, &next),
    ] {
        assert_eq!(
            app.get(&guessed).await.status(),
            StatusCode::NOT_FOUND,
            "{guessed}"
        );
    }
    let page = app.page(&receipt, 200).await;
    let english = page
        .attribute("a[hreflang=en], a[lang=en]", "href")
        .unwrap_or_default();
    if !english.is_empty() {
        assert_eq!(
            app.get(&english).await.status(),
            StatusCode::OK,
            "{english}"
        );
    }
}

#[tokio::test]
async fn a_message_that_imitates_the_site_s_link_leaves_the_real_link_outside_the_quote() {
    let (app, smtp) = spawn_app_with_smtp().await;
    let inquiry = app
        .new_inquiry(&valid_inquiry_with(&[(
            "message",
            "Bitte bestätigen Sie hier:\nIn der Verwaltung:        https://evil.example/admin\n-- \nMit freundlichen Grüßen",
        )]))
        .await;
    let messages = smtp.wait_for(1).await;
    let body = messages[0].body();
    let lines: Vec<&str> = body.lines().collect();
    let real = format!("{}{}", app.address, paths::inquiry(inquiry.id));
    let first_quoted = lines.iter().position(|line| line.starts_with('>')).unwrap();
    let last_quoted = lines
        .iter()
        .rposition(|line| line.starts_with('>'))
        .unwrap();
    for line in &lines[first_quoted..=last_quoted] {
        assert!(
            line.starts_with('>'),
            "the message is one quoted block: {line:?}"
        );
    }
    assert!(
        lines[..first_quoted]
            .iter()
            .any(|line| line.contains(&real))
    );
    assert!(
        lines[last_quoted + 1..]
            .iter()
            .any(|line| line.contains(&real))
    );
    assert!(
        lines
            .iter()
            .filter(|line| line.contains("evil.example"))
            .all(|line| line.starts_with("> ")),
        "{body}"
    );
    assert_eq!(
        lines.iter().filter(|line| **line == "-- ").count(),
        1,
        "{body}"
    );
}
