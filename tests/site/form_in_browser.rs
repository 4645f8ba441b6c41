//! The inquiry form in a real Chromium with JavaScript switched off, as the "done"
//! demands: a person fills it in, sends it, and the office's mail server gets the email.

use defus::i18n::Locale;
use fantoccini::Locator;

use crate::browser::{Browser, JavaScript};
use crate::helpers::{membership_form, spawn_app, spawn_app_with_smtp};

#[tokio::test]
async fn a_person_sends_the_form_without_javascript_and_the_office_gets_the_email() {
    let (app, smtp) = spawn_app_with_smtp().await;
    let browser = Browser::start(JavaScript::Off).await;
    browser.goto(&app.url(membership_form(Locale::De))).await;

    for (id, text) in [
        ("inquiry-organisation", "Stadt Oldenburg"),
        ("inquiry-contact-name", "Anneliese Schröder"),
        ("inquiry-email", "a.schroeder@oldenburg.de"),
        (
            "inquiry-message",
            "Guten Tag,\nwir interessieren uns für eine Mitgliedschaft.",
        ),
    ] {
        browser.type_into(&format!("#{id}"), text).await;
    }
    browser
        .click("label[for=inquiry-efus-member-pending]")
        .await;
    browser
        .click_and_wait_for("main form button[type=submit]", ".reference strong")
        .await;

    assert_eq!(
        browser.text("main h1").await,
        "Ihre Anfrage ist eingegangen"
    );
    let reference = browser.text(".reference strong").await;
    let path = browser
        .client
        .current_url()
        .await
        .unwrap()
        .path()
        .to_owned();
    assert!(
        path.contains(&format!("/{reference}/")),
        "the receipt's address has the reference and its token: {path}"
    );
    let note = browser.text(".efus-note").await;
    assert!(
        note.contains("EFUS"),
        "pending EFUS membership is explained: {note}"
    );
    browser.close().await;

    let mail = &smtp.wait_for(1).await[0];
    assert_eq!(
        mail.header("Subject"),
        Some(format!(
            "Mitgliedschaftsanfrage: Stadt Oldenburg ({reference})"
        ))
    );
    let body = mail.body().replace("\r\n", "\n");
    assert!(body.contains("Anneliese Schröder"), "{body}");
    assert!(
        body.contains("wir interessieren uns für eine Mitgliedschaft."),
        "{body}"
    );
    assert!(body.contains("Beitritt beantragt"), "{body}");
}

#[tokio::test]
async fn mistakes_are_summarised_at_the_form_and_each_links_to_its_field() {
    let app = spawn_app().await;
    let browser = Browser::start(JavaScript::Off).await;
    let client = &browser.client;
    browser.goto(&app.url(membership_form(Locale::En))).await;
    browser.type_into("#inquiry-email", "not-an-address").await;
    browser
        .click_and_wait_for("main form button[type=submit]", ".error-summary")
        .await;

    let summary = client.find(Locator::Css(".error-summary")).await.unwrap();
    assert!(summary.is_displayed().await.unwrap());
    assert_eq!(
        client.current_url().await.unwrap().fragment(),
        Some("inquiry"),
        "scrolled to the form"
    );
    let links = summary.find_all(Locator::Css("a")).await.unwrap();
    assert_eq!(links.len(), 4, "organisation, name, email, EFUS");
    assert_eq!(
        links[2].text().await.unwrap(),
        "Email (work): Please enter an email address in the form name@city.de."
    );
    links[2].click().await.unwrap();
    let focused = client.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some("inquiry-email")
    );
    assert_eq!(
        focused.prop("value").await.unwrap().as_deref(),
        Some("not-an-address")
    );
    browser.close().await;
}
