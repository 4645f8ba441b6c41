//! The membership inquiry form, as visitors use it (and as programs abuse it).

use std::time::Duration;

use defus::i18n::Locale;
use reqwest::StatusCode;

use crate::helpers::{
    Page, TestApp, membership_form, nth_reference, redirect_target, spawn_app, spawn_app_with,
    spawn_app_with_smtp, spawn_app_with_smtp_and, text_of, this_year, valid_inquiry,
    valid_inquiry_with, with_field,
};
use crate::smtp::SmtpServer;

const INQUIRIES: &str = "select count(*) from inquiry";
const OUTBOX: &str = "select count(*) from mail_outbox";

#[tokio::test]
async fn the_membership_page_offers_the_form_without_cookies_or_caching() {
    let app = spawn_app().await;
    for (locale, label) in [
        (Locale::De, "Kommune / Organisation"),
        (Locale::En, "Municipality / organisation"),
    ] {
        let path = membership_form(locale);
        let response = app.get(path).await;
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert!(response.headers().get("set-cookie").is_none());
        let page = Page::of(response).await;
        assert_eq!(
            page.attribute("main form", "method").as_deref(),
            Some("post")
        );
        assert_eq!(
            page.attribute("main form", "action"),
            Some(format!("{path}#inquiry"))
        );
        assert!(
            page.text("label[for=inquiry-organisation]")
                .starts_with(label)
        );
        for name in [
            "organisation",
            "contact_name",
            "role",
            "email",
            "phone",
            "message",
            "website",
            "form_token",
        ] {
            assert_eq!(
                page.select(&format!("form [name={name}]")).len(),
                1,
                "{name}"
            );
        }
        assert_eq!(
            page.select("form input[name=efus_member][type=radio]")
                .len(),
            4
        );
        assert_eq!(
            page.select("form a[href='https://efus.eu']").len(),
            1,
            "EFUS is explained"
        );
        let privacy = page.attribute(".form__privacy a", "href").unwrap();
        assert!(privacy.ends_with("datenschutz") || privacy.ends_with("privacy"));
        assert!(
            page.select("input[type=checkbox]").is_empty(),
            "no consent checkbox"
        );
    }
}

#[tokio::test]
async fn a_german_inquiry_is_confirmed_with_its_reference_and_mailed_to_the_office() {
    let (app, smtp) = spawn_app_with_smtp().await;

    let response = app.submit_inquiry(Locale::De, &valid_inquiry()).await;
    let location = redirect_target(&response);
    let reference = nth_reference(1);
    assert!(
        location.starts_with(&format!("/mitgliedschaft/anfrage/{reference}/")),
        "{location}"
    );

    let page = app.page(&location, 200).await;
    assert_eq!(page.lang(), "de");
    assert_eq!(page.text("main h1"), "Ihre Anfrage ist eingegangen");
    assert_eq!(page.text(".reference strong"), reference);
    assert!(
        !page.main_text().contains("gesendet"),
        "received, never sent"
    );
    assert!(
        page.select(".efus-note").is_empty(),
        "an EFUS member needs no explanation"
    );

    let mails = smtp.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.envelope_from, "website@defus.org");
    assert_eq!(
        mail.envelope_to,
        ["defus@defus.org"],
        "only the office, never the inquirer"
    );
    assert_eq!(
        mail.header("From").as_deref(),
        Some("DEFUS-Website <website@defus.org>")
    );
    assert_eq!(mail.header("To").as_deref(), Some("defus@defus.org"));
    let reply_to = mail.header("Reply-To").unwrap();
    assert!(
        reply_to.contains("Jürgen Weiß") && reply_to.contains("<j.weiss@stadt.lueneburg.de>"),
        "{reply_to}"
    );
    assert_eq!(
        mail.header("Subject").as_deref(),
        Some(format!("Mitgliedschaftsanfrage: Hansestadt Lüneburg ({reference})").as_str())
    );
    let message_id = mail.header("Message-ID").unwrap();
    let stored_id: String = sqlx::query_scalar("select message_id from inquiry")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(message_id, stored_id);
    let body = mail.body().replace("\r\n", "\n");
    for expected in [
        reference.as_str(),
        "Hansestadt Lüneburg",
        "Jürgen Weiß",
        "Fachbereich Sicherheit und Ordnung",
        "j.weiss@stadt.lueneburg.de",
        "+49 4131 309-0",
        "Mitglied bei EFUS:        ja",
        "> Wir möchten gern beitreten.\n> Viele Grüße aus Lüneburg",
        "Sprache des Formulars:    Deutsch",
    ] {
        assert!(body.contains(expected), "{expected:?} in:\n{body}");
    }
    app.wait_for_count("select count(*) from mail_outbox where state = 'sent'", 1)
        .await;
}

#[tokio::test]
async fn an_english_inquiry_gets_an_english_confirmation_and_the_office_a_german_email() {
    let (app, smtp) = spawn_app_with_smtp().await;
    let fields = with_field(valid_inquiry(), "efus_member", "unknown");
    let location = redirect_target(&app.submit_inquiry(Locale::En, &fields).await);
    let reference = nth_reference(1);
    let token = location.rsplit('/').next().unwrap();
    assert_eq!(
        location,
        format!("/en/membership/inquiry/{reference}/{token}")
    );

    let page = app.page(&location, 200).await;
    assert_eq!(page.lang(), "en");
    assert_eq!(page.text("main h1"), "We have received your inquiry");
    assert_eq!(page.text(".reference strong"), reference);
    let note = page.text(".efus-note");
    assert!(
        note.contains("members of the European Forum for Urban Security"),
        "{note}"
    );
    assert_eq!(
        page.attribute(".efus-note a", "href").as_deref(),
        Some("https://efus.eu")
    );
    assert_eq!(
        page.attribute(".language-switch a[hreflang]", "href"),
        Some(format!("/mitgliedschaft/anfrage/{reference}/{token}"))
    );

    let mail = &smtp.wait_for(1).await[0];
    let body = mail.body();
    assert!(
        body.contains("Sprache des Formulars:    Englisch"),
        "{body}"
    );
    assert!(
        body.contains("Mitglied bei EFUS:        weiß nicht"),
        "{body}"
    );
}

#[tokio::test]
async fn an_unknown_reference_has_no_confirmation_page() {
    let app = spawn_app().await;
    app.page("/mitgliedschaft/anfrage/DEFUS-1999-0001", 404)
        .await;
    app.page(
        &format!("/mitgliedschaft/anfrage/DEFUS-1999-0001/{}", "a".repeat(32)),
        404,
    )
    .await;
}

/// Sends `fields`, expects the form again with `message` at `field`, every value kept and
/// nothing stored.
async fn assert_refused(
    app: &TestApp,
    locale: Locale,
    fields: &[(&'static str, &'static str)],
    field: &str,
    message: &str,
) {
    let response = app.submit_inquiry(locale, fields).await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{field}: {fields:?}"
    );
    let page = Page::of(response).await;
    let id = format!("inquiry-{}", field.replace('_', "-"));
    let target = if field == "efus_member" {
        format!("{id}-yes")
    } else {
        id.clone()
    };
    let summary: Vec<_> = page
        .select(".error-summary a")
        .into_iter()
        .map(|link| {
            (
                link.value().attr("href").unwrap_or_default().to_owned(),
                text_of(link),
            )
        })
        .collect();
    assert!(
        summary
            .iter()
            .any(|(href, text)| *href == format!("#{target}")
                && text.ends_with(&format!(": {message}"))),
        "summary {summary:?} lacks {message:?}"
    );
    assert!(
        page.select(&format!("#{target}")).len() == 1,
        "the summary links to the field"
    );
    assert_eq!(
        page.text(&format!("#{id}-error")),
        format!(
            "{} {message}",
            if locale == Locale::En {
                "Error:"
            } else {
                "Fehler:"
            }
        )
    );
    let control = if field == "efus_member" {
        format!("#{id}")
    } else {
        format!("[name={field}]")
    };
    let described_by = page
        .attribute(&control, "aria-describedby")
        .unwrap_or_default();
    assert!(
        described_by
            .split(' ')
            .any(|part| part == format!("{id}-error")),
        "{field}: aria-describedby={described_by}"
    );
    if field != "efus_member" {
        assert_eq!(
            page.attribute(&control, "aria-invalid").as_deref(),
            Some("true")
        );
    }
    assert!(page.text("title").starts_with(if locale == Locale::En {
        "Error: "
    } else {
        "Fehler: "
    }));
    for (name, value) in fields {
        let shown = match *name {
            "message" => page
                .select("textarea[name=message]")
                .first()
                .map(|area| area.text().collect::<String>()),
            "efus_member" => page.attribute("input[name=efus_member][checked]", "value"),
            _ => page.attribute(&format!("input[name={name}]"), "value"),
        };
        if *name == "efus_member" && !["yes", "no", "pending", "unknown"].contains(value) {
            continue;
        }
        assert_eq!(
            shown.as_deref().unwrap_or_default(),
            as_html_reads_it(value),
            "{name} is kept"
        );
    }
    assert_eq!(app.count(INQUIRIES).await, 0, "nothing is stored");
}

/// A value as the re-shown form carries it: line breaks as LF (HTML reads them so), and
/// control characters, which HTML cannot carry, as U+FFFD.
fn as_html_reads_it(value: &str) -> String {
    value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

#[tokio::test]
async fn every_rule_of_the_form_is_enforced_with_a_message_at_its_field() {
    let app = spawn_app().await;
    let long_organisation: &'static str = "O".repeat(201).leak();
    let long_name: &'static str = "N".repeat(121).leak();
    let long_message: &'static str = "ä".repeat(5001).leak();
    let cases: Vec<(&str, &'static str, &str)> = vec![
        (
            "organisation",
            "",
            "Bitte geben Sie Ihre Kommune oder Organisation an.",
        ),
        (
            "organisation",
            "X",
            "Bitte geben Sie mindestens 2 Zeichen ein.",
        ),
        (
            "organisation",
            long_organisation,
            "Bitte kürzen Sie Ihre Eingabe auf höchstens 200 Zeichen.",
        ),
        (
            "organisation",
            "Stadt\tLeer",
            "Bitte verwenden Sie hier keine Zeilenumbrüche oder Steuerzeichen.",
        ),
        ("contact_name", " ", "Bitte geben Sie Ihren Namen an."),
        (
            "contact_name",
            "J",
            "Bitte geben Sie mindestens 2 Zeichen ein.",
        ),
        (
            "contact_name",
            long_name,
            "Bitte kürzen Sie Ihre Eingabe auf höchstens 120 Zeichen.",
        ),
        (
            "role",
            long_name,
            "Bitte kürzen Sie Ihre Eingabe auf höchstens 120 Zeichen.",
        ),
        (
            "role",
            "Amt\u{0}",
            "Bitte verwenden Sie hier keine Zeilenumbrüche oder Steuerzeichen.",
        ),
        (
            "email",
            "",
            "Bitte geben Sie Ihre dienstliche E-Mail-Adresse an.",
        ),
        (
            "email",
            "j.weiss(at)lueneburg.de",
            "Bitte geben Sie eine E-Mail-Adresse in der Form name@stadt.de an.",
        ),
        (
            "email",
            "admin@localhost",
            "Bitte geben Sie eine E-Mail-Adresse in der Form name@stadt.de an.",
        ),
        (
            "phone",
            "0511 / CALL-ME",
            "Bitte verwenden Sie nur Ziffern, Leerzeichen und die Zeichen + ( ) / -.",
        ),
        (
            "efus_member",
            "",
            "Bitte wählen Sie aus, ob Ihre Kommune Mitglied bei EFUS ist.",
        ),
        (
            "efus_member",
            "maybe",
            "Bitte wählen Sie eine der angebotenen Antworten.",
        ),
        (
            "message",
            long_message,
            "Bitte kürzen Sie Ihre Eingabe auf höchstens 5.000 Zeichen.",
        ),
        (
            "message",
            "Hallo\u{7}",
            "Bitte verwenden Sie hier keine Zeilenumbrüche oder Steuerzeichen.",
        ),
    ];
    for (field, value, message) in cases {
        let fields = with_field(valid_inquiry(), field.to_owned().leak(), value);
        assert_refused(&app, Locale::De, &fields, field, message).await;
    }
}

#[tokio::test]
async fn messages_come_in_the_language_of_the_page() {
    let app = spawn_app().await;
    let fields = valid_inquiry_with(&[("email", "nope"), ("contact_name", "")]);
    assert_refused(
        &app,
        Locale::En,
        &fields,
        "email",
        "Please enter an email address in the form name@city.de.",
    )
    .await;
    assert_refused(
        &app,
        Locale::En,
        &fields,
        "contact_name",
        "Please enter your name.",
    )
    .await;
}

#[tokio::test]
async fn line_breaks_in_names_are_refused_so_no_header_can_be_injected() {
    let (app, _smtp) = spawn_app_with_smtp().await;
    let message = "Bitte verwenden Sie hier keine Zeilenumbrüche oder Steuerzeichen.";
    for (field, hostile) in [
        ("contact_name", "Eve\r\nBcc: victim@example.org"),
        ("contact_name", "Eve\nX-Injected: yes"),
        ("organisation", "Stadt X\r\nSubject: Gewinn"),
    ] {
        let fields = with_field(valid_inquiry(), field, hostile);
        assert_refused(&app, Locale::De, &fields, field, message).await;
    }
    let fields = with_field(
        valid_inquiry(),
        "email",
        "eve@example.org\r\nBcc: victim@example.org",
    );
    let response = app.submit_inquiry(Locale::De, &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count(INQUIRIES).await, 0);
}

#[tokio::test]
async fn quotes_and_angle_brackets_in_a_name_stay_inside_the_display_name() {
    let (app, smtp) = spawn_app_with_smtp().await;
    let fields = valid_inquiry_with(&[
        (
            "contact_name",
            r#"Eve "Chef" <boss@evil.example>, Bcc: x@evil.example"#,
        ),
        ("organisation", "Stadt <Test> \"Süd\""),
    ]);
    redirect_target(&app.submit_inquiry(Locale::De, &fields).await);
    let mail = &smtp.wait_for(1).await[0];
    assert_eq!(mail.envelope_to, ["defus@defus.org"]);
    assert_eq!(mail.header_count("Bcc"), 0);
    let parsed = mail.parsed();
    let reply_to = parsed
        .headers
        .iter()
        .find(|header| header.get_key() == "Reply-To")
        .unwrap();
    // Parsed as a mail program does: encoded words stay display text, never addresses.
    let addresses = mailparse::addrparse_header(reply_to).unwrap();
    assert_eq!(addresses.len(), 1, "one Reply-To address: {addresses:?}");
    match &addresses[0] {
        mailparse::MailAddr::Single(single) => {
            assert_eq!(single.addr, "j.weiss@stadt.lueneburg.de");
            assert_eq!(
                single.display_name.as_deref(),
                Some(r#"Eve "Chef" <boss@evil.example>, Bcc: x@evil.example"#)
            );
        }
        group => panic!("a group address: {group:?}"),
    }
    assert!(
        mail.header("Subject")
            .unwrap()
            .contains("Stadt <Test> \"Süd\"")
    );
}

async fn assert_stored_as_spam_and_never_mailed(
    app: &TestApp,
    smtp: &SmtpServer,
    response: reqwest::Response,
    reason: &str,
) {
    let location = redirect_target(&response);
    let page = app.page(&location, 200).await;
    assert_eq!(
        page.text("main h1"),
        "Ihre Anfrage ist eingegangen",
        "the same answer as for people"
    );
    let (status, stored_reason): (String, Option<String>) =
        sqlx::query_as("select status, spam_reason from inquiry")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), stored_reason.as_deref()),
        ("spam", Some(reason))
    );
    assert_eq!(app.count(OUTBOX).await, 0, "no email is queued");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(smtp.messages().is_empty(), "nothing was mailed");
}

#[tokio::test]
async fn a_filled_honeypot_gets_the_usual_answer_but_is_stored_as_spam_and_not_mailed() {
    let (app, smtp) = spawn_app_with_smtp().await;
    let response = app
        .submit_inquiry_with_the_honeypot_filled(&valid_inquiry())
        .await;
    assert_stored_as_spam_and_never_mailed(&app, &smtp, response, "honeypot").await;
}

#[tokio::test]
async fn a_correction_counts_the_fill_time_from_when_the_form_was_first_shown() {
    let (app, smtp) =
        spawn_app_with_smtp_and(|config| config.form.min_fill_time = Duration::from_secs(1)).await;
    let token = app.form_token(Locale::De).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = app
        .post_form(
            Locale::De,
            &with_field(valid_inquiry(), "email", "falsch"),
            &token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = Page::of(response).await;
    let token = again.attribute("input[name=form_token]", "value").unwrap();
    // Corrected at once: still a person, because the form was first shown over a second ago.
    redirect_target(&app.post_form(Locale::De, &valid_inquiry(), &token).await);
    assert_eq!(smtp.wait_for(1).await.len(), 1);
    assert_eq!(
        app.count("select count(*) from inquiry where status = 'new'")
            .await,
        1
    );
}

#[tokio::test]
async fn sending_the_same_form_twice_creates_one_inquiry_and_one_email() {
    let (app, smtp) = spawn_app_with_smtp().await;
    let token = app.form_token(Locale::De).await;
    let fields = valid_inquiry();
    let (first, second) = tokio::join!(
        app.post_form(Locale::De, &fields, &token),
        app.post_form(Locale::De, &fields, &token),
    );
    let third = app.post_form(Locale::De, &valid_inquiry(), &token).await;
    let location = redirect_target(&first);
    assert_eq!(redirect_target(&second), location);
    assert_eq!(redirect_target(&third), location);
    assert_eq!(app.count(INQUIRIES).await, 1);
    smtp.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test]
async fn references_count_up_and_a_form_sent_again_takes_no_number() {
    let app = spawn_app().await;
    let token = app.form_token(Locale::De).await;
    let first = app.post_form(Locale::De, &valid_inquiry(), &token).await;
    let again = app.post_form(Locale::De, &valid_inquiry(), &token).await;
    assert_eq!(redirect_target(&again), redirect_target(&first));
    let next = app.submit_inquiry(Locale::En, &valid_inquiry()).await;
    assert!(redirect_target(&first).contains(&format!("/{}/", nth_reference(1))));
    assert!(
        redirect_target(&next).contains(&format!("/{}/", nth_reference(2))),
        "no gap"
    );
}

#[tokio::test]
async fn the_ten_thousandth_reference_of_a_year_has_five_digits() {
    let app = spawn_app().await;
    app.submit_inquiry(Locale::De, &valid_inquiry()).await;
    app.execute(&format!(
        "select setval('inquiry_number_{}', 9999)",
        this_year()
    ))
    .await;
    let response = app.submit_inquiry(Locale::De, &valid_inquiry()).await;
    assert!(
        redirect_target(&response).contains(&format!("/DEFUS-{}-10000/", this_year())),
        "{}",
        redirect_target(&response)
    );
}

#[tokio::test]
async fn an_expired_form_is_shown_again_with_the_values_to_send_once_more() {
    let app = spawn_app_with(|config| config.form.max_age = Duration::from_secs(1)).await;
    let token = app.form_token(Locale::De).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let response = app.post_form(Locale::De, &valid_inquiry(), &token).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::of(response).await;
    assert!(page.text(".form-notice").contains("sehr lange geöffnet"));
    assert_eq!(
        page.attribute("input[name=organisation]", "value")
            .as_deref(),
        Some("Hansestadt Lüneburg")
    );
    assert_ne!(
        page.attribute("input[name=form_token]", "value"),
        Some(token)
    );
    assert_eq!(app.count(INQUIRIES).await, 0);
}

#[tokio::test]
async fn a_forged_or_missing_token_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let genuine = app.form_token(Locale::En).await;
    // The signature's last hex digit changed (to a different one, whatever it was).
    let (kept, last) = genuine.split_at(genuine.len() - 1);
    let forged = format!("{kept}{}", if last == "0" { "1" } else { "0" });
    for token in [forged.as_str(), "", "1700000000.abcd.ef"] {
        let response = app.post_form(Locale::En, &valid_inquiry(), token).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let page = Page::of(response).await;
        assert_eq!(page.lang(), "en");
        assert!(
            page.text(".form-notice")
                .contains("We could not match this form")
        );
        assert_eq!(
            page.attribute("input[name=email]", "value").as_deref(),
            Some("j.weiss@stadt.lueneburg.de")
        );
    }
    assert_eq!(app.count(INQUIRIES).await, 0);
}

#[tokio::test]
async fn an_oversized_body_gets_a_413_page_in_the_visitor_s_language() {
    let app = spawn_app().await;
    let token = app.form_token(Locale::En).await;
    let huge: &'static str = "x".repeat(40 * 1024).leak();
    let response = app
        .post_form(
            Locale::En,
            &with_field(valid_inquiry(), "message", huge),
            &token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = Page::of(response).await;
    assert_eq!(page.lang(), "en");
    assert_eq!(page.text("main h1"), "Request too large");
    assert_eq!(app.count(INQUIRIES).await, 0);
}

#[tokio::test]
async fn a_body_that_is_not_utf8_or_not_a_form_is_refused_with_a_page() {
    let app = spawn_app().await;
    let token = app.form_token(Locale::De).await;
    let body = format!(
        "organisation=M%FCnchen&contact_name=Erika&email=e%40muenchen.de&efus_member=yes&form_token={token}"
    );
    let response = app
        .client
        .post(app.url(membership_form(Locale::De)))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = Page::of(response).await;
    assert_eq!(page.text("main h1"), "Ungültige Anfrage");

    let response = app
        .client
        .post(app.url(membership_form(Locale::De)))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.count(INQUIRIES).await, 0);
}

#[tokio::test]
async fn a_client_sending_too_many_inquiries_is_asked_to_wait_and_keeps_the_values() {
    let app = spawn_app_with(|config| config.form.rate_limit_per_hour = 2).await;
    // Forms shown again for mistakes do not count.
    for _ in 0..3 {
        let response = app
            .submit_inquiry(Locale::De, &with_field(valid_inquiry(), "email", "x"))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    for organisation in ["Stadt Eins", "Stadt Zwei"] {
        let fields = with_field(valid_inquiry(), "organisation", organisation);
        redirect_target(&app.submit_inquiry(Locale::De, &fields).await);
    }
    let response = app
        .submit_inquiry(
            Locale::En,
            &with_field(valid_inquiry(), "organisation", "Stadt Drei"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (3500..=3600).contains(&retry_after),
        "when the first of the two leaves the hour: {retry_after}"
    );
    let page = Page::of(response).await;
    assert_eq!(page.lang(), "en");
    assert!(
        page.text(".form-notice")
            .contains("Several inquiries have already reached us")
    );
    assert_eq!(
        page.attribute("input[name=organisation]", "value")
            .as_deref(),
        Some("Stadt Drei")
    );
    assert_eq!(app.count(INQUIRIES).await, 2);
}

#[tokio::test]
async fn a_malformed_reference_is_simply_not_found() {
    let app = spawn_app().await;
    for path in [
        "/mitgliedschaft/anfrage/%00",
        "/mitgliedschaft/anfrage/%00/%00",
        "/en/membership/inquiry/DEFUS-2026-%00001/ab",
        "/mitgliedschaft/anfrage/x%27%20or%201=1/x%27",
    ] {
        let page = app.page(path, 404).await;
        assert!(!page.text("main h1").is_empty());
    }
}

#[tokio::test]
async fn when_the_database_is_down_the_visitor_keeps_the_form_and_is_asked_to_retry() {
    let app = spawn_app().await;
    let token = app.form_token(Locale::De).await;
    let offline = app.take_database_offline().await;

    let response = app.post_form(Locale::De, &valid_inquiry(), &token).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = Page::of(response).await;
    assert_eq!(page.lang(), "de");
    assert!(
        page.text(".form-notice")
            .contains("in wenigen Minuten noch einmal")
    );
    assert_eq!(
        page.attribute("input[name=contact_name]", "value")
            .as_deref(),
        Some("Jürgen Weiß")
    );
    assert_eq!(
        page.text("textarea[name=message]"),
        "Wir möchten gern beitreten. Viele Grüße aus Lüneburg"
    );

    offline.bring_back().await;
    let pool = sqlx::PgPool::connect(&app.config.database_url)
        .await
        .unwrap();
    let stored: i64 = sqlx::query_scalar(INQUIRIES)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing half-stored");
    // Once the database is back, sending the same form again works.
    redirect_target(&app.post_form(Locale::De, &valid_inquiry(), &token).await);
    let stored: i64 = sqlx::query_scalar(INQUIRIES)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn a_post_that_a_browser_makes_for_another_site_is_refused() {
    let app = spawn_app().await;
    let token = app.form_token(Locale::De).await;
    let mut body = valid_inquiry();
    body.push(("form_token", &token));
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let response = app
            .client
            .post(app.url(membership_form(Locale::De)))
            .header(header, value)
            .form(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{header}: {value}"
        );
        let page = Page::of(response).await;
        assert_eq!(page.text("main h1"), "Zugriff verweigert");
        assert_eq!(page.lang(), "de");
    }
    assert_eq!(app.count(INQUIRIES).await, 0);
    // The site's own form, as a browser sends it, still works.
    let response = app
        .client
        .post(app.url(membership_form(Locale::De)))
        .header("sec-fetch-site", "same-origin")
        .header("origin", &app.address)
        .form(&body)
        .send()
        .await
        .unwrap();
    redirect_target(&response);
}
