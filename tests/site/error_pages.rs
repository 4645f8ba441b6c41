//! What visitors see when something is not there or goes wrong.

use defus::content::PageKey;
use defus::i18n::Locale;
use defus::web::layout::Section;

use crate::helpers::spawn_app;

#[tokio::test]
async fn an_unknown_german_path_gets_a_german_404_page_in_the_layout() {
    let app = spawn_app().await;
    let page = app.page("/gibt-es-nicht", 404).await;
    assert_eq!(page.lang(), "de");
    assert_eq!(page.text("main h1"), "Seite nicht gefunden");
    assert_eq!(
        page.attribute("main a", "href").as_deref(),
        Some(PageKey::Start.path(Locale::De))
    );
    assert_eq!(
        page.select("nav.main-nav a").len(),
        Section::MAIN_NAVIGATION.len(),
        "the navigation is there"
    );
    assert!(page.text("footer address").contains("Hannover"));
}

#[tokio::test]
async fn an_unknown_english_path_gets_an_english_404_page() {
    let app = spawn_app().await;
    let page = app.page("/en/does-not-exist", 404).await;
    assert_eq!(page.lang(), "en");
    assert_eq!(page.text("main h1"), "Page not found");
    assert_eq!(
        page.attribute(".language-switch a[hreflang]", "href")
            .as_deref(),
        Some(PageKey::Start.path(Locale::De))
    );
}

#[tokio::test]
async fn a_wrong_method_gets_a_page_too() {
    let app = spawn_app().await;
    let response = app
        .client
        .delete(app.url(PageKey::Goals.path(Locale::En)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let page = crate::helpers::Page::of(response).await;
    assert_eq!(page.text("main h1"), "Action not possible");
}

#[tokio::test]
async fn an_internal_error_shows_a_500_page_that_reveals_nothing_internal() {
    let app = spawn_app().await;
    app.execute("delete from page where page_key = 'history' and locale = 'en'")
        .await;
    let response = app.get(PageKey::History.path(Locale::En)).await;
    assert_eq!(response.status(), 500);
    let body = response.text().await.unwrap();
    let page = crate::helpers::Page::parse(&body);
    assert_eq!(page.lang(), "en");
    assert_eq!(page.text("main h1"), "Something went wrong");
    for internal in ["history", "content missing", "sqlx", "database"] {
        assert!(
            !page.main_text().to_lowercase().contains(internal),
            "{internal} leaked: {body}"
        );
    }
}

#[tokio::test]
async fn the_error_page_still_renders_when_the_facts_are_gone() {
    let app = spawn_app().await;
    app.execute("delete from organisation").await;
    let page = app.page(PageKey::Contact.path(Locale::De), 500).await;
    assert_eq!(page.text("main h1"), "Ein Fehler ist aufgetreten");
    assert!(page.select("footer address").is_empty());
    assert_eq!(page.select("footer nav a").len(), 3);
}
