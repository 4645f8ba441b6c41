//! The inquiry form in a real Chromium with JavaScript switched off, as the "done"
//! demands: a person fills it in, sends it, and the office's mail server gets the email.

use fantoccini::Locator;

use crate::browser::{Browser, JavaScript};
use crate::helpers::spawn_app_with;
use crate::smtp::SmtpServer;

#[tokio::test]
async fn a_person_sends_the_form_without_javascript_and_the_office_gets_the_email() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = spawn_app_with(move |config| config.mail.smtp_url = Some(url)).await;
    let browser = Browser::start(JavaScript::Off).await;
    let client = &browser.client;
    client.goto(&app.url("/mitgliedschaft")).await.unwrap();

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
    client
        .find(Locator::Css("label[for=inquiry-efus-member-pending]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let heading = client
        .wait()
        .for_element(Locator::Css("main h1"))
        .await
        .unwrap();
    assert_eq!(
        heading.text().await.unwrap(),
        "Ihre Anfrage ist eingegangen"
    );
    let reference = client
        .find(Locator::Css(".reference strong"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with(&reference)
    );
    let note = client
        .find(Locator::Css(".efus-note"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
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
    let app = spawn_app_with(|_| {}).await;
    let browser = Browser::start(JavaScript::Off).await;
    let client = &browser.client;
    client.goto(&app.url("/en/membership")).await.unwrap();
    browser.type_into("#inquiry-email", "not-an-address").await;
    client
        .find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let summary = client
        .wait()
        .for_element(Locator::Css(".error-summary"))
        .await
        .unwrap();
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
