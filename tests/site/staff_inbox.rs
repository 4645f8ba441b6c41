//! The office's inquiry inbox: list, detail, handling, resending, export, erasure.

use std::time::Duration;

use defus::content::PageKey;
use defus::i18n::Locale;
use defus::web::admin::notice::Notice;
use defus::web::admin::paths;
use reqwest::StatusCode;

use crate::helpers::{
    Inquiry, MailServerDown, Page, PageText, TestApp, assert_is_sent_to_sign_in,
    assert_redirects_to, spawn_app_with_mail_server_down, spawn_app_with_smtp, text_of,
    valid_inquiry, valid_inquiry_with,
};

/// The inbox rows as (reference, organisation, EFUS, status, delivery), each cell found by the
/// label that also names it on a phone.
fn rows(page: &Page) -> Vec<(String, String, String, String, String)> {
    let find = |row: scraper::ElementRef<'_>, selector: &str| {
        row.select(&scraper::Selector::parse(selector).unwrap())
            .next()
            .map(text_of)
            .unwrap_or_else(|| panic!("no {selector} in an inbox row"))
    };
    page.select("table.inbox tbody tr")
        .into_iter()
        .map(|row| {
            (
                find(row, "th .stack__meta"),
                find(row, "th a"),
                find(row, "td[data-label=EFUS-Mitglied]"),
                find(row, "td[data-label=Status]"),
                find(row, "td[data-label='E-Mail an die Geschäftsstelle']"),
            )
        })
        .collect()
}

/// The app with its mail server down, and an inquiry with `fields` whose office email has
/// failed for good (one attempt allowed).
async fn app_with_an_email_failed_for_good(
    fields: &[(&str, &str)],
) -> (TestApp, MailServerDown, Inquiry) {
    let (app, mail_server) =
        spawn_app_with_mail_server_down(|config| config.mail.max_attempts = 1).await;
    let inquiry = app.new_inquiry(fields).await;
    app.deliver_all_due_emails().await;
    (app, mail_server, inquiry)
}

/// The app with its mail server down, and an inquiry (returned by id) whose office email has
/// failed once and waits an hour for its next attempt.
async fn app_with_an_email_waiting_to_be_retried() -> (TestApp, i64) {
    let (app, _mail_server) = spawn_app_with_mail_server_down(|config| {
        config.mail.retry_delay = Duration::from_secs(3600);
    })
    .await;
    let id = app.new_inquiry(&valid_inquiry()).await.id;
    app.deliver_all_due_emails().await;
    (app, id)
}

/// How many office emails about inquiry `id` are queued or sent.
async fn office_emails_of(app: &TestApp, id: i64) -> i64 {
    app.count(&format!(
        "select count(*) from mail_outbox where inquiry_id = {id}"
    ))
    .await
}

/// The inbox with `query` (filter and search).
fn inbox(query: &str) -> String {
    format!("{}?{query}", paths::INQUIRIES)
}

#[tokio::test]
async fn the_inbox_shows_each_inquiry_with_the_state_of_its_office_email() {
    // The mail server is down at first: the first inquiry's email fails for good.
    let (app, mail_server, failing) = app_with_an_email_failed_for_good(&valid_inquiry_with(&[
        ("organisation", "Stadt Gescheitert"),
        ("efus_member", "no"),
    ]))
    .await;
    let smtp = mail_server.bring_back();
    let delivered = app
        .new_inquiry(&valid_inquiry_with(&[("organisation", "Stadt Zugestellt")]))
        .await;
    app.deliver_all_due_emails().await;
    assert_eq!(
        smtp.messages().len(),
        1,
        "the second inquiry's email arrived"
    );

    let staff = app.signed_in_staff().await;
    let page = staff.page(paths::INQUIRIES, 200).await;
    let rows = rows(&page);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].0, delivered.reference, "newest first");
    assert_eq!(rows[0].4, "zugestellt");
    assert_eq!(rows[1].0, failing.reference);
    assert_eq!(rows[1].1, "Stadt Gescheitert");
    assert_eq!(rows[1].2, "nein");
    assert_eq!(rows[1].3, "neu");
    assert_eq!(
        rows[1].4, "fehlgeschlagen",
        "the server's words are on the inquiry's page"
    );
    assert!(
        page.text("table.inbox tbody tr td[data-label=Eingegangen]")
            .contains(" Uhr"),
        "received time in Hannover"
    );
}

#[tokio::test]
async fn an_email_still_being_retried_shows_its_attempts() {
    let (app, _) = app_with_an_email_waiting_to_be_retried().await;
    let staff = app.signed_in_staff().await;
    let delivery = rows(&staff.page(paths::INQUIRIES, 200).await)[0].4.clone();
    assert!(delivery.starts_with("neuer Versuch "), "{delivery}");
}

#[tokio::test]
async fn the_inbox_filters_by_status_and_searches_organisation_and_email() {
    let (app, _smtp) = spawn_app_with_smtp().await;
    let augsburg = app
        .new_inquiry(&valid_inquiry_with(&[("organisation", "Stadt Augsburg")]))
        .await;
    app.new_inquiry(&valid_inquiry_with(&[
        ("organisation", "Stadt Mannheim"),
        ("email", "info@mannheim.de"),
    ]))
    .await;
    app.new_inquiry(&valid_inquiry_with(&[("organisation", "100% Sicher GmbH")]))
        .await;
    let staff = app.signed_in_staff().await;
    staff
        .post(&paths::inquiry_status(augsburg.id), &[("status", "done")])
        .await;

    let organisations = |page: Page| rows(&page).into_iter().map(|row| row.1).collect::<Vec<_>>();
    assert_eq!(
        organisations(staff.page(&inbox("status=done"), 200).await),
        ["Stadt Augsburg"]
    );
    assert_eq!(
        organisations(staff.page(&inbox("status=new"), 200).await),
        ["100% Sicher GmbH", "Stadt Mannheim"]
    );
    assert_eq!(
        organisations(staff.page(&inbox("suche=MANNHEIM"), 200).await),
        ["Stadt Mannheim"],
        "by email, any case"
    );
    assert_eq!(
        organisations(staff.page(&inbox("suche=augs"), 200).await),
        ["Stadt Augsburg"]
    );
    assert_eq!(
        organisations(staff.page(&inbox("suche=100%25"), 200).await),
        ["100% Sicher GmbH"],
        "% is literal"
    );
    assert!(organisations(staff.page(&inbox("suche=%25%25%25"), 200).await).is_empty());
}

#[tokio::test]
async fn the_detail_page_shows_every_field_the_history_and_a_reply_link() {
    let (app, _smtp) = spawn_app_with_smtp().await;
    let inquiry = app.new_inquiry(&valid_inquiry()).await;
    app.deliver_all_due_emails().await;
    let staff = app.signed_in_staff().await;
    let page = staff.page(&paths::inquiry(inquiry.id), 200).await;
    let reference = inquiry.reference;
    assert_eq!(page.text("main h1"), format!("Anfrage {reference}"));
    let details = page.text("dl.details");
    for expected in [
        "Hansestadt Lüneburg",
        "Jürgen Weiß",
        "Fachbereich Sicherheit und Ordnung",
        "j.weiss@stadt.lueneburg.de",
        "+49 4131 309-0",
        "ja",
        "Wir möchten gern beitreten.",
        "neu",
    ] {
        assert!(details.contains(expected), "{expected} in {details}");
    }
    let reply = page.attribute("a.button[href^='mailto:']", "href").unwrap();
    assert!(
        reply
            .starts_with("mailto:j.weiss@stadt.lueneburg.de?subject=Ihre%20Mitgliedschaftsanfrage"),
        "{reply}"
    );
    let decoded = percent_encoding::percent_decode_str(&reply)
        .decode_utf8()
        .unwrap();
    assert!(
        decoded.contains(&format!(
            "?subject=Ihre Mitgliedschaftsanfrage bei DEFUS ({reference})&"
        )),
        "{decoded}"
    );
    assert!(
        decoded.contains("body=Guten Tag Jürgen Weiß,\r\n\r\n")
            && decoded.contains(&format!("(Referenz {reference})")),
        "the answer starts with a greeting and the reference: {decoded}"
    );
    assert!(
        page.text("ol.attempts li").ends_with(": zugestellt"),
        "{}",
        page.text("ol.attempts li")
    );
    let unknown = paths::inquiry(inquiry.id + 100);
    assert_is_sent_to_sign_in(&app.get(&unknown).await);
    assert_eq!(staff.get(&unknown).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn staff_mark_inquiries_in_progress_done_spam_and_not_spam() {
    let (app, _smtp) = spawn_app_with_smtp().await;
    let id = app.new_inquiry(&valid_inquiry()).await.id;
    let staff = app.signed_in_staff().await;
    let changed = paths::with_notice(&paths::inquiry(id), Notice::StatusChanged);
    for (code, label) in [
        ("in_progress", "in Bearbeitung"),
        ("done", "erledigt"),
        ("spam", "Spam (Grund: von Hand markiert)"),
        ("new", "neu"),
    ] {
        let response = staff
            .post(&paths::inquiry_status(id), &[("status", code)])
            .await;
        assert_redirects_to(&response, &changed);
        let page = staff.page(&changed, 200).await;
        assert_eq!(detail(&page, "Status"), label);
        assert_eq!(page.text(".form-notice--ok"), "Der Status ist geändert.");
        let list = staff.page(paths::INQUIRIES, 200).await;
        assert_eq!(rows(&list)[0].3, label.split(" (").next().unwrap());
    }
    let response = staff
        .post(&paths::inquiry_status(id), &[("status", "archived")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

/// The value beside `term` in the detail list of an inquiry.
fn detail(page: &Page, term: &str) -> String {
    let terms = page.select("dl.details dt");
    let values = page.select("dl.details dd");
    terms
        .iter()
        .position(|dt| text_of(*dt) == term)
        .map(|index| text_of(values[index]))
        .unwrap_or_else(|| panic!("no {term} in the details"))
}

#[tokio::test]
async fn spam_taken_out_of_spam_reaches_the_office_after_all() {
    let (app, smtp) = spawn_app_with_smtp().await;
    let spam = app.new_spam_inquiry().await;
    let staff = app.signed_in_staff().await;
    let page = staff.page(&paths::inquiry(spam.id), 200).await;
    assert!(
        page.text("dl.details")
            .contains("verstecktes Feld ausgefüllt")
    );
    assert_eq!(
        page.text("p.delivery"),
        "Nicht versandt: Die Anfrage gilt als Spam."
    );
    staff
        .post(&paths::inquiry_status(spam.id), &[("status", "new")])
        .await;
    let mail = &smtp.wait_for(1).await[0];
    assert!(mail.header("Subject").unwrap().contains(&spam.reference));
}

#[tokio::test]
async fn resending_delivers_a_second_email_with_the_same_message_id() {
    let (app, smtp) = spawn_app_with_smtp().await;
    let id = app.new_inquiry(&valid_inquiry()).await.id;
    app.deliver_all_due_emails().await;
    let staff = app.signed_in_staff().await;
    let response = staff.post(&paths::inquiry_resend(id), &[]).await;
    assert_redirects_to(
        &response,
        &paths::with_notice(&paths::inquiry(id), Notice::EmailQueuedAgain),
    );
    let mails = smtp.wait_for(2).await;
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[0].header("Message-ID"), mails[1].header("Message-ID"));
    app.deliver_all_due_emails().await;
    let page = staff.page(&paths::inquiry(id), 200).await;
    assert_eq!(
        page.select("ol.attempts li").len(),
        2,
        "both deliveries in the history"
    );
}

#[tokio::test]
async fn deleting_an_inquiry_asks_first_and_then_removes_it_with_its_emails() {
    let (app, _smtp) = spawn_app_with_smtp().await;
    let inquiry = app.new_inquiry(&valid_inquiry()).await;
    app.deliver_all_due_emails().await;
    let staff = app.signed_in_staff().await;
    let confirm = staff.page(&paths::inquiry_delete(inquiry.id), 200).await;
    assert!(confirm.text("main h1").contains(&inquiry.reference));
    assert_eq!(
        app.count("select count(*) from inquiry").await,
        1,
        "asking deletes nothing"
    );
    let response = staff.post(&paths::inquiry_delete(inquiry.id), &[]).await;
    assert_redirects_to(
        &response,
        &paths::with_notice(paths::INQUIRIES, Notice::InquiryDeleted),
    );
    assert_eq!(app.count("select count(*) from inquiry").await, 0);
    assert_eq!(app.count("select count(*) from mail_outbox").await, 0);
    assert_eq!(app.count("select count(*) from mail_attempt").await, 0);
}

#[tokio::test]
async fn the_csv_export_opens_in_german_excel_with_umlauts_and_no_formulas() {
    let (app, _smtp) = spawn_app_with_smtp().await;
    app.new_inquiry(&valid_inquiry_with(&[
        ("organisation", "=HYPERLINK(\"http://evil.example\")"),
        ("message", "Zeile eins; mit Semikolon\nZeile \"zwei\""),
    ]))
    .await;
    app.new_inquiry(&valid_inquiry_with(&[
        ("organisation", "Stadt Gießen"),
        ("efus_member", "pending"),
    ]))
    .await;
    let staff = app.signed_in_staff().await;
    let page = staff.page(&inbox("suche=gie%C3%9Fen"), 200).await;
    let filtered_export = format!("{}?suche=gie%C3%9Fen", paths::INQUIRIES_EXPORT);
    assert_eq!(
        page.attribute(&format!("a[href^='{}']", paths::INQUIRIES_EXPORT), "href"),
        Some(filtered_export.clone()),
        "the export link carries the filter"
    );

    let response = staff.get(paths::INQUIRIES_EXPORT).await;
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"defus-anfragen-")
    );
    let bytes = response.bytes().await.unwrap();
    assert_eq!(
        &bytes[..3],
        b"\xEF\xBB\xBF",
        "UTF-8 byte order mark for Excel"
    );
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.lines().count() >= 3);
    assert!(text.contains("\r\n"), "CRLF line ends");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[0], "Referenz");
    assert_eq!(header[3], "Kommune / Organisation");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2);
    assert_eq!(&records[0][3], "Stadt Gießen");
    assert_eq!(&records[0][8], "Beitritt beantragt");
    assert_eq!(
        &records[0][7], "=\"+49 4131 309-0\"",
        "a phone number stays text in Excel, as typed"
    );
    assert_eq!(
        &records[1][3], "'=HYPERLINK(\"http://evil.example\")",
        "formulas are defused"
    );
    assert_eq!(&records[1][9], "Zeile eins; mit Semikolon\nZeile \"zwei\"");

    let filtered = staff.get(&filtered_export).await.text().await.unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(filtered.as_bytes());
    let organisations: Vec<String> = reader
        .records()
        .map(|record| record.unwrap()[3].to_owned())
        .collect();
    assert_eq!(
        organisations,
        ["Stadt Gießen"],
        "the export follows the filter"
    );
}

#[tokio::test]
async fn everything_stored_for_one_email_address_can_be_erased_with_a_count() {
    let (app, _smtp) = spawn_app_with_smtp().await;
    app.new_inquiry(&valid_inquiry()).await;
    app.new_inquiry(&valid_inquiry_with(&[(
        "email",
        "J.Weiss@Stadt.Lueneburg.de",
    )]))
    .await;
    app.new_inquiry(&valid_inquiry_with(&[("email", "andere@stadt.de")]))
        .await;
    app.deliver_all_due_emails().await;
    let staff = app.signed_in_staff().await;

    let preview = staff
        .page(
            &format!("{}?email=j.weiss%40stadt.lueneburg.de", paths::ERASURE),
            200,
        )
        .await;
    assert!(
        preview
            .main_text()
            .contains("2 Anfragen, 2 E-Mails an die Geschäftsstelle, 2 Zustellversuche."),
        "{}",
        preview.main_text()
    );
    assert_eq!(
        app.count("select count(*) from inquiry").await,
        3,
        "looking erases nothing"
    );

    let response = staff
        .post(paths::ERASURE, &[("email", "j.weiss@stadt.lueneburg.de")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let result = Page::of(response).await;
    assert_eq!(
        result.text(".form-notice--ok"),
        "Für j.weiss@stadt.lueneburg.de wurden gelöscht: 2 Anfragen, 2 E-Mails an die Geschäftsstelle und 2 Zustellversuche."
    );
    let remaining: Vec<String> = app.fetch_all("select email from inquiry").await;
    assert_eq!(remaining, ["andere@stadt.de"]);
    assert_eq!(app.count("select count(*) from mail_outbox").await, 1);

    let nothing = staff
        .page(
            &format!("{}?email=unbekannt%40stadt.de", paths::ERASURE),
            200,
        )
        .await;
    assert!(
        nothing
            .main_text()
            .contains("Zu dieser Adresse ist nichts gespeichert.")
    );
}

#[tokio::test]
async fn the_dashboard_warns_when_an_office_email_waits_over_an_hour() {
    let (app, _smtp) = spawn_app_with_smtp().await;
    let staff = app.signed_in_staff().await;
    assert!(
        staff
            .page(paths::DASHBOARD, 200)
            .await
            .select(".alert")
            .is_empty()
    );
    let id = app.new_inquiry(&valid_inquiry()).await.id;
    app.deliver_all_due_emails().await;
    // An email queued two hours ago and still waiting (its next attempt is far off).
    app.execute(&format!(
        "insert into mail_outbox (inquiry_id, state, created_at, next_attempt_at)
         values ({id}, 'pending', now() - interval '2 hours', now() + interval '1 day')"
    ))
    .await;
    let alert = staff.page(paths::DASHBOARD, 200).await.text(".alert");
    assert!(
        alert.contains("Eine E-Mail ist nicht angekommen"),
        "{alert}"
    );
    assert!(
        alert.contains("wartet seit") && alert.contains("ohne dass die Website sie versucht hat"),
        "{alert}"
    );
}

#[tokio::test]
async fn text_the_database_cannot_store_is_a_bad_request_not_a_server_error() {
    let (app, _smtp) = spawn_app_with_smtp().await;
    let staff = app.signed_in_staff().await;
    assert_eq!(
        staff.get(&inbox("suche=%00")).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        staff
            .get(&format!("{}?email=a%00b", paths::ERASURE))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn spam_handled_as_done_is_not_mailed_and_marking_spam_stops_an_unsent_email() {
    let (app, mail_server) = spawn_app_with_mail_server_down(|config| {
        config.mail.retry_delay = Duration::from_millis(300);
    })
    .await;
    let staff = app.signed_in_staff().await;
    let spam = app.new_spam_inquiry().await.id;
    staff
        .post(&paths::inquiry_status(spam), &[("status", "done")])
        .await;
    assert_eq!(office_emails_of(&app, spam).await, 0);

    // An inquiry whose email is still being retried is marked as spam: the email is called off.
    let id = app.new_inquiry(&valid_inquiry()).await.id;
    app.deliver_all_due_emails().await;
    staff
        .post(&paths::inquiry_status(id), &[("status", "spam")])
        .await;
    let smtp = mail_server.bring_back();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(smtp.messages().is_empty(), "nothing goes out");
    let page = staff.page(&paths::inquiry(id), 200).await;
    assert_eq!(
        page.text("p.delivery"),
        "Nicht versandt: Die Anfrage wurde als Spam markiert, bevor die E-Mail hinausging."
    );
}

#[tokio::test]
async fn resending_is_refused_while_an_email_waits_and_for_spam() {
    let (app, id) = app_with_an_email_waiting_to_be_retried().await;
    let staff = app.signed_in_staff().await;
    let page = staff.page(&paths::inquiry(id), 200).await;
    assert!(
        page.select("form[action$=erneut-senden]").is_empty(),
        "no resend button while one waits"
    );
    let response = staff.post(&paths::inquiry_resend(id), &[]).await;
    assert_redirects_to(
        &response,
        &paths::with_notice(&paths::inquiry(id), Notice::EmailAlreadyWaiting),
    );
    assert_eq!(office_emails_of(&app, id).await, 1);

    let spam = app.new_spam_inquiry().await.id;
    let response = staff.post(&paths::inquiry_resend(spam), &[]).await;
    assert_redirects_to(
        &response,
        &paths::with_notice(&paths::inquiry(spam), Notice::SpamNotSent),
    );
    assert_eq!(office_emails_of(&app, spam).await, 0);
}

#[tokio::test]
async fn the_dashboard_warning_clears_once_a_resend_has_delivered() {
    let (app, mail_server, inquiry) = app_with_an_email_failed_for_good(&valid_inquiry()).await;
    let id = inquiry.id;
    let staff = app.signed_in_staff().await;
    assert!(
        staff
            .page(paths::DASHBOARD, 200)
            .await
            .text(".alert")
            .contains("Eine E-Mail ist nicht angekommen")
    );

    let smtp = mail_server.bring_back();
    staff.post(&paths::inquiry_resend(id), &[]).await;
    app.deliver_all_due_emails().await;
    assert_eq!(smtp.messages().len(), 1, "the resent email arrived");
    let page = staff.page(paths::DASHBOARD, 200).await;
    assert!(page.select(".alert").is_empty(), "{}", page.main_text());
}

#[tokio::test]
async fn the_reply_link_cannot_be_made_to_add_recipients() {
    let (app, _smtp) = spawn_app_with_smtp().await;
    let id = app
        .new_inquiry(&valid_inquiry_with(&[(
            "email",
            "x?bcc=spy%40evil.example&z@stadt.de",
        )]))
        .await
        .id;
    let staff = app.signed_in_staff().await;
    let page = staff.page(&paths::inquiry(id), 200).await;
    let reply = page.attribute("a.button[href^='mailto:']", "href").unwrap();
    let (address, query) = reply.split_once('?').unwrap();
    assert_eq!(
        address,
        "mailto:x%3Fbcc%3Dspy%2540evil.example%26z@stadt.de"
    );
    assert!(
        query.starts_with("subject=") && !query.contains("bcc"),
        "{reply}"
    );
}

#[tokio::test]
async fn every_staff_action_needs_the_session_s_csrf_token() {
    let (app, _smtp) = spawn_app_with_smtp().await;
    let id = app.new_inquiry(&valid_inquiry()).await.id;
    let staff = app.signed_in_staff().await;
    staff
        .save_page(PageKey::Goals, Locale::De, PageText::new("Zweite", "x"))
        .await;
    let version: i64 = app
        .fetch_one("select min(id) from page_revision where page_key = 'goals' and locale = 'de'")
        .await;
    let before = app
        .count("select count(*) + sum(length(title)) from page")
        .await;
    for (path, fields) in [
        (paths::inquiry_status(id), vec![("status", "done")]),
        (paths::inquiry_resend(id), vec![]),
        (paths::inquiry_delete(id), vec![]),
        (
            paths::ERASURE.to_owned(),
            vec![("email", "j.weiss@stadt.lueneburg.de")],
        ),
        (
            paths::page(PageKey::Goals, Locale::De),
            vec![
                ("title", "Gefälscht"),
                ("body_markdown", "x"),
                ("action", "save"),
            ],
        ),
        (
            paths::page_restore(PageKey::Goals, Locale::De, version),
            vec![],
        ),
        (
            paths::FACTS.to_owned(),
            vec![
                ("legal_name", "X"),
                ("short_name", "X"),
                ("street", "X"),
                ("postal_code", "1"),
                ("city", "X"),
            ],
        ),
    ] {
        for token in ["", "falsch"] {
            let mut body = fields.clone();
            body.push(("csrf_token", token));
            let response = staff.post_raw(&path, &body).await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{path} with token {token:?}"
            );
        }
    }
    assert_eq!(
        app.count("select count(*) from inquiry where status = 'new'")
            .await,
        1
    );
    assert_eq!(app.count("select count(*) from mail_outbox").await, 1);
    assert_eq!(
        app.count("select count(*) + sum(length(title)) from page")
            .await,
        before
    );
    assert!(
        app.public_page(PageKey::Start, Locale::De)
            .await
            .text("footer address")
            .contains("Am Waterlooplatz 5 A")
    );
}
