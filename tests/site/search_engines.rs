//! What search engines and security researchers are told: robots.txt, the sitemap, canonical
//! addresses with their language versions, and security.txt, all under `BASE_URL`.

use chrono::{Duration, Utc};
use defus::content::PageKey;
use defus::i18n::Locale;

use crate::helpers::{Page, TestApp, id_in, news_item, spawn_app_with, with};

const BASE: &str = "https://www.defus.org";

async fn spawn_app_at_its_address() -> TestApp {
    spawn_app_with(|config| config.base_url = Some(BASE.parse().unwrap())).await
}

async fn text_of_file(app: &TestApp, path: &str, content_type: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(response.headers()["content-type"], content_type, "{path}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn robots_txt_allows_the_public_site_and_names_the_sitemap() {
    let app = spawn_app_at_its_address().await;
    let robots = text_of_file(&app, "/robots.txt", "text/plain; charset=utf-8").await;
    let lines: Vec<&str> = robots.lines().collect();
    assert!(lines.contains(&"User-agent: *"));
    assert!(lines.contains(&"Allow: /"));
    assert!(lines.contains(&"Disallow: /admin"));
    assert!(lines.contains(&"Sitemap: https://www.defus.org/sitemap.xml"));
}

/// The sitemap as a search engine reads it: each address with its language versions.
async fn sitemap(app: &TestApp) -> Vec<(String, Option<String>, Vec<(String, String)>)> {
    let xml = text_of_file(app, "/sitemap.xml", "application/xml; charset=utf-8").await;
    let document = roxmltree::Document::parse(&xml).expect("the sitemap is XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    root.children()
        .filter(|node| node.has_tag_name("url"))
        .map(|url| {
            let child = |name: &str| {
                url.children()
                    .find(|node| node.tag_name().name() == name)
                    .and_then(|node| node.text())
                    .map(str::to_owned)
            };
            let alternates = url
                .children()
                .filter(|node| node.tag_name().name() == "link")
                .map(|link| {
                    (
                        link.attribute("hreflang").unwrap_or_default().to_owned(),
                        link.attribute("href").unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            (child("loc").expect("a loc"), child("lastmod"), alternates)
        })
        .collect()
}

#[tokio::test]
async fn the_sitemap_lists_every_public_page_with_its_versions_and_no_draft() {
    let app = spawn_app_at_its_address().await;
    let staff = app.signed_in_staff().await;
    let german = staff
        .create_news_item(&news_item(&app, "Neue Mitglieder"), None)
        .await;
    let english = with(
        with(news_item(&app, "New members"), "locale", "en"),
        "counterpart",
        &id_in(&german).to_string(),
    );
    staff.create_news_item(&english, None).await;
    staff
        .create_news_item(&with(news_item(&app, "Entwurf"), "state", "draft"), None)
        .await;

    let entries = sitemap(&app).await;
    let find = |path: &str| {
        let url = format!("{BASE}{path}");
        entries
            .iter()
            .find(|(loc, _, _)| *loc == url)
            .unwrap_or_else(|| panic!("{path} is in the sitemap"))
    };
    for key in PageKey::ALL {
        for locale in Locale::ALL {
            let (_, lastmod, alternates) = find(key.path(locale));
            assert!(lastmod.is_some(), "{} has a lastmod", key.path(locale));
            for version in Locale::ALL {
                let url = format!("{BASE}{}", key.path(version));
                assert!(
                    alternates.contains(&(version.code().to_owned(), url)),
                    "{} names its {version} version",
                    key.path(locale)
                );
            }
        }
    }
    let (_, lastmod, alternates) = find("/aktuelles/neue-mitglieder");
    assert!(lastmod.is_some());
    assert!(alternates.contains(&("en".to_owned(), format!("{BASE}/en/news/new-members"))));
    find("/en/news/new-members");
    for path in ["/aktuelles", "/en/events", "/mitglieder", "/dokumente"] {
        find(path);
    }
    assert!(
        !entries.iter().any(|(loc, _, _)| loc.contains("entwurf")),
        "a draft is not in the sitemap"
    );
    assert!(!entries.iter().any(|(loc, _, _)| loc.contains("/admin")));
}

/// The canonical URL and the `hreflang` alternates of the page at `path`.
async fn links(app: &TestApp, path: &str) -> (Option<String>, Vec<(String, String)>) {
    let page: Page = app.page(path, 200).await;
    let canonical = page.attribute("link[rel=canonical]", "href");
    let alternates = page
        .select("link[rel=alternate][hreflang]")
        .into_iter()
        .map(|link| {
            (
                link.value().attr("hreflang").unwrap_or_default().to_owned(),
                link.value().attr("href").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    (canonical, alternates)
}

#[tokio::test]
async fn every_page_type_names_its_canonical_address_and_its_language_versions() {
    let app = spawn_app_at_its_address().await;
    let staff = app.signed_in_staff().await;
    staff
        .create_news_item(&news_item(&app, "Jahresbericht"), None)
        .await;

    let (canonical, alternates) = links(&app, "/geschichte?utm_source=newsletter").await;
    assert_eq!(
        canonical.as_deref(),
        Some("https://www.defus.org/geschichte")
    );
    assert!(alternates.contains(&("en".to_owned(), format!("{BASE}/en/history"))));
    assert!(alternates.contains(&("x-default".to_owned(), format!("{BASE}/geschichte"))));

    let (canonical, alternates) = links(&app, "/en/members").await;
    assert_eq!(
        canonical.as_deref(),
        Some("https://www.defus.org/en/members")
    );
    assert!(alternates.contains(&("de".to_owned(), format!("{BASE}/mitglieder"))));
    assert!(alternates.contains(&("x-default".to_owned(), format!("{BASE}/mitglieder"))));

    // A news item without an English counterpart is its own canonical and default version.
    let (canonical, alternates) = links(&app, "/aktuelles/jahresbericht").await;
    assert_eq!(
        canonical.as_deref(),
        Some("https://www.defus.org/aktuelles/jahresbericht")
    );
    assert!(alternates.contains(&("de".to_owned(), format!("{BASE}/aktuelles/jahresbericht"))));
    assert!(alternates.contains(&(
        "x-default".to_owned(),
        format!("{BASE}/aktuelles/jahresbericht")
    )));
    assert!(!alternates.iter().any(|(language, _)| language == "en"));
}

#[tokio::test]
async fn security_txt_names_the_office_and_expires_within_a_year() {
    let app = spawn_app_at_its_address().await;
    let text = text_of_file(
        &app,
        "/.well-known/security.txt",
        "text/plain; charset=utf-8",
    )
    .await;
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("security.txt has {name}"))
            .to_owned()
    };
    let email: String = app.fetch_one("select email from organisation").await;
    assert_eq!(field("Contact"), format!("mailto:{email}"));
    assert_eq!(field("Preferred-Languages"), "de, en");
    assert_eq!(
        field("Canonical"),
        "https://www.defus.org/.well-known/security.txt"
    );
    let expires =
        chrono::DateTime::parse_from_rfc3339(&field("Expires")).expect("an RFC 3339 time");
    let ahead = expires.with_timezone(&Utc) - Utc::now();
    assert!(
        ahead > Duration::days(360) && ahead <= Duration::days(366),
        "{ahead}"
    );
}
