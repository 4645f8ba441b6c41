//! Checks of the standards every page must meet: valid HTML (the W3C's Nu validator),
//! WCAG 2.1 AA (axe-core in a real Chromium), usable at 320 px, reachable by keyboard.

use std::process::Command;
use std::time::Duration;

use defus::content::PageKey;
use defus::i18n::Locale;

use crate::browser::{Browser, JavaScript, test_tools};
use crate::helpers::{
    TestApp, membership_form, publish_samples, redirect_target, spawn_app, spawn_app_with,
    valid_inquiry, valid_inquiry_with, with_field,
};

/// The lists of news, events and documents, which say so when there is nothing to show.
const SECTION_LISTS: [&str; 6] = [
    "/aktuelles",
    "/en/news",
    "/termine",
    "/en/events",
    "/dokumente",
    "/en/documents",
];

/// Every content page in both languages, plus error pages, and the pages of the news and
/// events that [`publish_samples`] puts on `app`.
async fn all_paths(app: &TestApp) -> Vec<String> {
    let samples = publish_samples(app, &app.signed_in_staff().await).await;
    let mut paths: Vec<String> = PageKey::ALL
        .iter()
        .flat_map(|key| Locale::ALL.map(|locale| key.path(locale).to_owned()))
        .collect();
    // The search page empty, with results (of the samples too), without, and refused.
    paths.extend(
        [
            "/suche",
            "/suche?q=Pr%C3%A4vention",
            "/en/search?q=report",
            "/suche?q=der+die+das",
            "/en/search?q=Quxwertzuiop",
        ]
        .map(String::from),
    );
    paths.push("/gibt-es-nicht".into());
    paths.push("/en/does-not-exist".into());
    paths.extend(samples.public_paths);
    paths
}

async fn body_of(app: &TestApp, path: &str) -> String {
    app.get(path).await.text().await.expect("body")
}

/// The pages the inquiry form leads to: the form with every kind of message, and the
/// confirmation page. Returns (name, URL path or None, HTML).
async fn form_states(app: &TestApp) -> Vec<(String, Option<String>, String)> {
    let mut states = Vec::new();
    for (locale, fields) in [
        (
            Locale::De,
            valid_inquiry_with(&[("email", "x"), ("efus_member", "")]),
        ),
        (Locale::En, with_field(valid_inquiry(), "contact_name", "")),
    ] {
        let response = app.submit_inquiry(locale, &fields).await;
        states.push((
            format!("{} with errors", membership_form(locale)),
            None,
            response.text().await.unwrap(),
        ));
    }
    let forged = app.post_form(Locale::De, &valid_inquiry(), "1.2.3").await;
    states.push((
        format!("{} with a notice", membership_form(Locale::De)),
        None,
        forged.text().await.unwrap(),
    ));
    for locale in Locale::ALL {
        let response = app.submit_inquiry(locale, &valid_inquiry()).await;
        let receipt = redirect_target(&response);
        let html = body_of(app, &receipt).await;
        states.push((receipt.clone(), Some(receipt), html));
    }
    states
}

/// The form page shown on its own while the database is unreachable.
async fn form_without_database() -> String {
    let app = spawn_app().await;
    let token = app.form_token(Locale::En).await;
    let offline = app.take_database_offline().await;
    let response = app.post_form(Locale::En, &valid_inquiry(), &token).await;
    assert_eq!(response.status(), 503);
    let html = response.text().await.unwrap();
    offline.bring_back().await;
    html
}

#[tokio::test]
async fn every_page_is_valid_html() {
    let app = spawn_app().await;
    let mut pages = Vec::new();
    for path in SECTION_LISTS {
        pages.push((format!("{path} (empty)"), body_of(&app, path).await));
    }
    for path in all_paths(&app).await {
        pages.push((path.clone(), body_of(&app, &path).await));
    }
    for (name, _, html) in form_states(&app).await {
        pages.push((name, html));
    }
    pages.push((
        "form without database".into(),
        form_without_database().await,
    ));
    let report = validate_pages("defus-html", &pages);
    assert!(report.is_ok(), "HTML errors:\n{}", report.unwrap_err());
}

/// Runs the W3C Nu validator over `files`; the errors it reports, if any.
pub fn validate(files: &[std::path::PathBuf]) -> Result<(), String> {
    let validator = test_tools().join("vnu-jar/build/dist/vnu.jar");
    assert!(validator.exists(), "vnu.jar is installed (run .ci/test)");
    let output = Command::new("java")
        .arg("-jar")
        .arg(&validator)
        .arg("--errors-only")
        .arg("--format")
        .arg("text")
        .args(files)
        .output()
        .expect("java runs the validator");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// Writes each (name, HTML) into `folder` and validates them all.
pub fn validate_pages(folder: &str, pages: &[(String, String)]) -> Result<(), String> {
    let folder = std::env::temp_dir().join(format!("{folder}-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let files: Vec<_> = pages
        .iter()
        .enumerate()
        .map(|(index, (_, html))| {
            let file = folder.join(format!("page-{index}.html"));
            std::fs::write(&file, html).unwrap();
            file
        })
        .collect();
    let report = validate(&files).map_err(|report| {
        let names: Vec<String> = pages
            .iter()
            .enumerate()
            .map(|(index, (name, _))| format!("page-{index}.html = {name}"))
            .collect();
        format!("{report}\n{}", names.join("\n"))
    });
    std::fs::remove_dir_all(&folder).ok();
    report
}

#[tokio::test]
async fn every_page_passes_the_wcag_2_1_aa_rules_of_axe() {
    let app = spawn_app().await;
    let browser = Browser::start(JavaScript::On).await;
    let mut problems = Vec::new();
    for path in SECTION_LISTS {
        browser.goto(&app.url(path)).await;
        browser
            .audit(&format!("{path} (empty)"), &mut problems)
            .await;
    }
    for path in all_paths(&app).await {
        browser.goto(&app.url(&path)).await;
        browser.audit(&path, &mut problems).await;
    }
    // The form with messages, as the browser gets it after sending it.
    for locale in Locale::ALL {
        let path = membership_form(locale);
        browser.goto(&app.url(path)).await;
        browser
            .click_and_wait_for("main form button[type=submit]", ".error-summary")
            .await;
        browser
            .audit(&format!("{path} with errors"), &mut problems)
            .await;
    }
    // The form shown again with a notice about the whole form (here: a token gone bad).
    browser.goto(&app.url(membership_form(Locale::De))).await;
    browser
        .evaluate("document.querySelector('input[name=form_token]').value = 'verdorben'")
        .await;
    browser
        .click_and_wait_for("main form button[type=submit]", ".form-notice")
        .await;
    browser
        .audit(
            &format!("{} with a notice", membership_form(Locale::De)),
            &mut problems,
        )
        .await;
    for (name, path, _) in form_states(&app).await {
        if let Some(path) = path {
            browser.goto(&app.url(&path)).await;
            browser.audit(&name, &mut problems).await;
        }
    }
    browser.close().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The page that asks to confirm a form sent very quickly: valid, accessible, fitting a phone.
#[tokio::test]
async fn the_page_that_asks_to_confirm_an_inquiry_meets_the_standards() {
    let app = spawn_app_with(|config| config.form.min_fill_time = Duration::from_secs(60)).await;
    let mut pages = Vec::new();
    for locale in Locale::ALL {
        let response = app
            .submit_inquiry(
                locale,
                &valid_inquiry_with(&[("message", "Zwei Zeilen,\n<b>und</b> eine \"dritte\".")]),
            )
            .await;
        assert_eq!(response.status(), 200);
        pages.push((
            format!("confirmation ({})", locale.code()),
            response.text().await.unwrap(),
        ));
    }
    let report = validate_pages("defus-confirm", &pages);
    assert!(report.is_ok(), "HTML errors:\n{}", report.unwrap_err());

    let browser = Browser::start(JavaScript::On).await;
    let mut problems = Vec::new();
    for locale in Locale::ALL {
        browser.goto(&app.url(membership_form(locale))).await;
        for (name, value) in valid_inquiry() {
            if name != "efus_member" {
                browser
                    .type_into(&format!("main form [name={name}]"), value)
                    .await;
            }
        }
        browser
            .click("main form input[name=efus_member][value=yes]")
            .await;
        browser
            .click_and_wait_for("main form button[type=submit]", "main dl.details")
            .await;
        browser
            .audit(&format!("confirmation ({})", locale.code()), &mut problems)
            .await;
        browser.client.set_window_size(320, 800).await.unwrap();
        let viewport = browser.evaluate("window.innerWidth").await;
        let width = browser
            .evaluate("document.documentElement.scrollWidth")
            .await;
        assert!(
            width.as_u64().expect("a width") <= viewport.as_u64().expect("a width"),
            "the confirmation is {width} px wide on a {viewport} px screen"
        );
        browser.client.set_window_size(1280, 800).await.unwrap();
    }
    browser.close().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn pages_fit_a_320_pixel_screen_without_sideways_scrolling() {
    let app = spawn_app().await;
    let browser = Browser::start(JavaScript::On).await;
    browser.client.set_window_size(320, 800).await.unwrap();
    let viewport = browser.evaluate("window.innerWidth").await;
    for path in all_paths(&app).await {
        browser.goto(&app.url(&path)).await;
        let width = browser
            .evaluate("document.documentElement.scrollWidth")
            .await;
        assert!(
            width.as_u64().expect("a width") <= viewport.as_u64().expect("a width"),
            "{path} is {width} px wide on a {viewport} px screen"
        );
    }
    browser.close().await;
}

#[tokio::test]
async fn the_first_tab_reaches_the_visible_skip_link_without_javascript() {
    let app = spawn_app().await;
    let browser = Browser::start(JavaScript::Off).await;
    browser
        .goto(&app.url(PageKey::Goals.path(Locale::En)))
        .await;
    let body = browser
        .client
        .find(fantoccini::Locator::Css("body"))
        .await
        .unwrap();
    body.send_keys("\u{e004}").await.unwrap(); // Tab
    let focused = browser.client.active_element().await.unwrap();
    assert_eq!(focused.text().await.unwrap(), "Skip to content");
    assert!(focused.is_displayed().await.unwrap());
    focused.send_keys("\u{e007}").await.unwrap(); // Enter
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.fragment(), Some("content"));
    browser.close().await;
}
