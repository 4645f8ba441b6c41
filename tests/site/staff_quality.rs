//! The standards every staff page meets, as the public pages do: valid HTML, WCAG 2.1 AA (axe),
//! and no sideways scrolling on a 320 px phone screen.

use defus::content::PageKey;
use defus::i18n::Locale;
use defus::web::admin::paths;

use crate::browser::{Browser, JavaScript};
use crate::helpers::{
    Page, PageText, STAFF_EMAIL, STAFF_PASSWORD, Staff, TestApp, news_item, publish_samples,
    spawn_app, valid_inquiry, with,
};
use crate::quality::validate_pages;

/// A staff area with something on every page: an inquiry with a note, a page saved twice, a
/// colleague's account. Returns the signed-in staff member and every page's path.
async fn staff_area_in_use(app: &TestApp) -> (Staff<'_>, Vec<String>) {
    let inquiry = app.new_inquiry(&valid_inquiry()).await;
    // The overview with everything it can show: spam held back, an office email that failed
    // and one to a colleague still being retried.
    app.new_spam_inquiry().await;
    app.execute(&format!(
        "insert into mail_outbox (inquiry_id, state, attempts, last_error, last_failure, created_at)
         values ({id}, 'failed', 12, 'permanent error (550): relaying denied', 'refused',
                 now() - interval '1 day');
         insert into mail_outbox (kind, inquiry_id, message, state, attempts, last_error,
                                  last_failure, created_at, next_attempt_at)
         values ('assignment', {id},
                 '{{\"to_address\": \"kollegin@defus.org\", \"to_name\": null,
                   \"subject\": \"Ihnen zugewiesen\", \"text\": \"x\",
                   \"message_id\": \"<a@defus.org>\"}}',
                 'pending', 2, 'Connection refused (os error 111)', 'unreachable',
                 now() - interval '1 hour', now() + interval '5 minutes')",
        id = inquiry.id
    ))
    .await;
    let staff = app.signed_in_staff().await;
    staff
        .post(
            &paths::inquiry_notes(inquiry.id),
            &[("text", "Rückruf am Montag.")],
        )
        .await;
    for body in ["Erste Änderung.", "Zweite Änderung."] {
        staff
            .save_page(PageKey::Goals, Locale::De, PageText::new("Ziele", body))
            .await;
    }
    staff
        .post(
            paths::NEW_ACCOUNT,
            &[
                ("email", "kollegin@defus.org"),
                ("name", "Erika Muster"),
                ("role", "editor"),
            ],
        )
        .await;
    let revision: i64 = app
        .fetch_one("select max(id) from page_revision where page_key = 'goals' and locale = 'de'")
        .await;
    let facts_revision: i64 = app
        .fetch_one("select max(id) from organisation_revision")
        .await;
    let colleague: i64 = app
        .fetch_one("select id from staff_account where email = 'kollegin@defus.org'")
        .await;
    let (goals, german) = (PageKey::Goals, Locale::De);
    let samples = publish_samples(app, &staff).await;
    let mut paths = vec![
        paths::DASHBOARD.to_owned(),
        paths::INQUIRIES.to_owned(),
        paths::inquiry(inquiry.id),
        paths::inquiry_delete(inquiry.id),
        format!("{}?email=j.weiss%40stadt.lueneburg.de", paths::ERASURE),
        paths::PAGES.to_owned(),
        paths::page(goals, german),
        paths::page_versions(goals, german),
        paths::page_version(goals, german, revision),
        paths::FACTS.to_owned(),
        paths::FACTS_VERSIONS.to_owned(),
        paths::facts_version(facts_revision),
        paths::OWN_ACCOUNT.to_owned(),
        paths::ACCOUNTS.to_owned(),
        paths::NEW_ACCOUNT.to_owned(),
        paths::account(colleague),
        paths::account_delete(colleague),
        paths::ACTIVITY.to_owned(),
        paths::MARKDOWN_HELP.to_owned(),
    ];
    paths.extend(samples.staff_paths);
    (staff, paths)
}

/// A path of the staff area that does not exist, for its error page.
const MISSING: &str = "/admin/gibt-es-nicht";

#[tokio::test]
async fn every_staff_page_is_valid_html() {
    let app = spawn_app().await;
    let (staff, paths) = staff_area_in_use(&app).await;
    let mut pages = Vec::new();
    for path in &paths {
        let response = staff.get(path).await;
        assert_eq!(response.status(), 200, "{path} is the page meant");
        pages.push((path.clone(), response.text().await.unwrap()));
    }
    let missing = staff.get(MISSING).await;
    assert_eq!(missing.status(), 404);
    pages.push(("staff 404".into(), missing.text().await.unwrap()));
    let inquiry: i64 = app.fetch_one("select id from inquiry").await;
    let colleague: i64 = app
        .fetch_one("select id from staff_account where email = 'kollegin@defus.org'")
        .await;
    for (name, path, fields) in [
        (
            "page preview",
            paths::page(PageKey::Goals, Locale::De),
            vec![
                ("title", "Ziele"),
                ("body_markdown", "## Vorschau"),
                ("action", "preview"),
            ],
        ),
        (
            "facts with errors",
            paths::FACTS.to_owned(),
            vec![("legal_name", ""), ("short_name", "D")],
        ),
        (
            "note with an error",
            paths::inquiry_notes(inquiry),
            vec![("text", " ")],
        ),
        (
            "new account with errors",
            paths::NEW_ACCOUNT.to_owned(),
            vec![("email", "kaputt"), ("role", "")],
        ),
        (
            "own password with errors",
            paths::OWN_PASSWORD.to_owned(),
            vec![("current", "falsch"), ("new", "kurz"), ("repeat", "anders")],
        ),
        ("a new password", paths::account_password(colleague), vec![]),
        (
            "erasure result",
            paths::ERASURE.to_owned(),
            vec![("email", "j.weiss@stadt.lueneburg.de")],
        ),
    ] {
        let response = staff.post(&path, &fields).await;
        pages.push((name.to_owned(), response.text().await.unwrap()));
    }
    for (name, path, fields) in [(
        "news item with errors",
        paths::NEWS_NEW,
        vec![
            ("title", ""),
            ("published_on", "2027-02-30"),
            ("action", "save"),
        ],
    )] {
        let fields: Vec<(&'static str, String)> = fields
            .into_iter()
            .map(|(name, value)| (name, value.to_owned()))
            .collect();
        let response = staff.post_multipart(path, &fields, None).await;
        pages.push((name.to_owned(), response.text().await.unwrap()));
    }
    let preview = with(news_item(&app, "Vorschau"), "action", "preview");
    let response = staff.post_multipart(paths::NEWS_NEW, &preview, None).await;
    let html = response.text().await.unwrap();
    assert!(html.contains("class=\"preview\""), "the preview is shown");
    pages.push(("news item preview".into(), html));
    let event_with_errors = staff
        .post(
            paths::EVENTS_NEW,
            &[
                ("starts_at", "2027-03-12T10:00"),
                ("ends_at", "2027-03-11T10:00"),
                ("online_url", "ftp://x"),
                ("action", "save"),
            ],
        )
        .await;
    pages.push((
        "event with errors".into(),
        event_with_errors.text().await.unwrap(),
    ));
    let signed_out = app.staff_client();
    pages.push((
        "sign-in".into(),
        signed_out.get(paths::SIGN_IN).await.text().await.unwrap(),
    ));
    let failed = signed_out
        .sign_in(STAFF_EMAIL, "falsch, aber lang genug")
        .await;
    pages.push(("failed sign-in".into(), failed.text().await.unwrap()));
    // A page saved after its session ended.
    let saved_late = [
        ("title", "Ziele"),
        ("body_markdown", "Text nach Ablauf."),
        ("action", "save"),
    ];
    let goals = paths::page(PageKey::Goals, Locale::De);
    let after_the_session = signed_out.post_raw(&goals, &saved_late).await;
    let after_the_session_html = after_the_session.text().await.unwrap();
    pages.push((
        "sign in again to save".into(),
        after_the_session_html.clone(),
    ));
    // With two-factor sign-in: the second step, fresh and after a wrong code, on its own and
    // while a form waits to be sent again.
    app.enable_two_factor(STAFF_EMAIL).await;
    let second_step = signed_out.sign_in(STAFF_EMAIL, STAFF_PASSWORD).await;
    assert_eq!(second_step.status(), 200);
    let second_step = Page::of(second_step).await;
    pages.push(("second step".into(), second_step.html.html()));
    let wrong_code = signed_out.send_code(&second_step, "000000").await;
    assert_eq!(wrong_code.status(), 422);
    pages.push(("wrong code".into(), wrong_code.text().await.unwrap()));
    let form_token = Page::parse(&after_the_session_html)
        .attribute("input[name=anmeldung_token]", "value")
        .expect("the sign-in-again form has a token");
    let signing_in = [
        ("anmeldung_email", STAFF_EMAIL),
        ("anmeldung_passwort", STAFF_PASSWORD),
        ("anmeldung_token", &form_token),
    ];
    let code_to_save = signed_out
        .post_raw(&goals, &[&saved_late[..], &signing_in[..]].concat())
        .await;
    let code_to_save = code_to_save.text().await.unwrap();
    assert!(code_to_save.contains("field-anmeldung-code"));
    pages.push(("sign in again: the code".into(), code_to_save));
    let report = validate_pages("defus-staff-html", &pages);
    assert!(report.is_ok(), "HTML errors:\n{}", report.unwrap_err());
}

/// Signs the browser in with the staff account.
async fn sign_in(browser: &Browser, app: &TestApp) {
    browser.goto(&app.url(paths::SIGN_IN)).await;
    browser.type_into("#field-email", STAFF_EMAIL).await;
    browser.type_into("#field-password", STAFF_PASSWORD).await;
    browser
        .click_and_wait_for("form button[type=submit]", ".sign-out__who")
        .await;
}

#[tokio::test]
async fn every_staff_page_passes_the_wcag_2_1_aa_rules_of_axe() {
    let app = spawn_app().await;
    let (_, paths) = staff_area_in_use(&app).await;
    let browser = Browser::start(JavaScript::On).await;
    let mut problems = Vec::new();
    browser.goto(&app.url(paths::SIGN_IN)).await;
    browser.audit("sign-in", &mut problems).await;
    sign_in(&browser, &app).await;
    for path in paths.iter().map(String::as_str).chain([MISSING]) {
        browser.goto(&app.url(path)).await;
        browser.audit(path, &mut problems).await;
    }
    // Forms with messages and a preview, as the browser gets them after sending.
    browser.goto(&app.url(paths::FACTS)).await;
    browser
        .client
        .find(fantoccini::Locator::Id("field-street"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    browser
        .click_and_wait_for("form.form button[type=submit]", ".error-summary")
        .await;
    browser.audit("facts with errors", &mut problems).await;
    browser
        .goto(&app.url(&paths::page(PageKey::Goals, Locale::De)))
        .await;
    browser
        .click_and_wait_for("button[value=preview]", ".preview")
        .await;
    browser.audit("page preview", &mut problems).await;
    for (path, name) in [
        (paths::NEWS_NEW, "news item with errors"),
        (paths::EVENTS_NEW, "event with errors"),
    ] {
        browser.goto(&app.url(path)).await;
        browser
            .click_and_wait_for("button[value=save]", ".error-summary")
            .await;
        browser.audit(name, &mut problems).await;
    }
    browser.goto(&app.url(paths::NEWS_NEW)).await;
    browser.type_into("#field-title", "Vorschau").await;
    browser.type_into("#field-teaser", "Worum es geht.").await;
    browser.type_into("#field-body", "Der Text.").await;
    browser
        .click_and_wait_for("button[value=preview]", ".preview")
        .await;
    browser.audit("news item preview", &mut problems).await;
    // The session ends while the editor is open: the save asks to sign in again.
    browser
        .goto(&app.url(&paths::page(PageKey::Goals, Locale::De)))
        .await;
    app.execute("delete from staff_session").await;
    browser
        .click_and_wait_for("button[value=save]", "#field-anmeldung-passwort")
        .await;
    browser.audit("sign in again to save", &mut problems).await;
    // The second step of two-factor sign-in, and the same after a wrong code.
    app.enable_two_factor(STAFF_EMAIL).await;
    browser.goto(&app.url(paths::SIGN_IN)).await;
    browser.type_into("#field-email", STAFF_EMAIL).await;
    browser.type_into("#field-password", STAFF_PASSWORD).await;
    browser
        .click_and_wait_for("form button[type=submit]", "#field-code")
        .await;
    browser.audit("second step", &mut problems).await;
    browser.type_into("#field-code", "000000").await;
    browser
        .click_and_wait_for("form button[type=submit]", ".form-notice")
        .await;
    browser.audit("wrong code", &mut problems).await;
    browser.close().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn every_staff_page_fits_a_320_pixel_screen_without_sideways_scrolling() {
    let app = spawn_app().await;
    let (_, paths) = staff_area_in_use(&app).await;
    let browser = Browser::start(JavaScript::On).await;
    sign_in(&browser, &app).await;
    browser.client.set_window_size(320, 800).await.unwrap();
    let viewport = browser
        .evaluate("window.innerWidth")
        .await
        .as_u64()
        .expect("a width");
    let mut too_wide = Vec::new();
    for path in paths.iter().map(String::as_str).chain([MISSING]) {
        browser.goto(&app.url(path)).await;
        let width = browser
            .evaluate("document.documentElement.scrollWidth")
            .await
            .as_u64()
            .expect("a width");
        if width > viewport {
            too_wide.push(format!(
                "{path} is {width} px wide on a {viewport} px screen"
            ));
        }
    }
    app.enable_two_factor(STAFF_EMAIL).await;
    browser.goto(&app.url(paths::SIGN_IN)).await;
    browser.type_into("#field-email", STAFF_EMAIL).await;
    browser.type_into("#field-password", STAFF_PASSWORD).await;
    browser
        .click_and_wait_for("form button[type=submit]", "#field-code")
        .await;
    let width = browser
        .evaluate("document.documentElement.scrollWidth")
        .await
        .as_u64()
        .expect("a width");
    if width > viewport {
        too_wide.push(format!("the second step is {width} px wide"));
    }
    browser.close().await;
    assert!(too_wide.is_empty(), "{}", too_wide.join("\n"));
}
