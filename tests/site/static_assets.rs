//! The stylesheet and icon: fingerprinted URLs, long caching, compression.

use defus::content::PageKey;
use defus::i18n::Locale;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_stylesheet_is_served_with_long_lived_caching() {
    let app = spawn_app().await;
    let page = app.public_page(PageKey::Start, Locale::De).await;
    let stylesheet = page.attribute("link[rel=stylesheet]", "href").unwrap();
    assert!(stylesheet.starts_with("/static/style."), "{stylesheet}");

    let response = app.get(&stylesheet).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(response.text().await.unwrap().contains("@media print"));
}

#[tokio::test]
async fn an_outdated_fingerprint_is_not_found() {
    let app = spawn_app().await;
    app.page("/static/style.000000000000.css", 404).await;
}

#[tokio::test]
async fn pages_and_stylesheet_are_compressed_for_clients_that_accept_it() {
    let app = spawn_app().await;
    let page = app.public_page(PageKey::Start, Locale::De).await;
    let stylesheet = page.attribute("link[rel=stylesheet]", "href").unwrap();
    for path in [
        PageKey::Start.path(Locale::De),
        PageKey::Goals.path(Locale::En),
        stylesheet.as_str(),
    ] {
        let response = app
            .client
            .get(app.url(path))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], "gzip", "{path}");
    }
}

#[tokio::test]
async fn the_icon_is_an_svg_from_this_site() {
    let app = spawn_app().await;
    let page = app.public_page(PageKey::Start, Locale::En).await;
    let icon = page.attribute("link[rel=icon]", "href").unwrap();
    let response = app.get(&icon).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
}
