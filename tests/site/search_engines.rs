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
    assert!(lines.contains(&"Disallow: /admin"));
    assert!(lines.contains(&"Sitemap: https://www.defus.org/sitemap.xml"));
    // Read as the simplest parsers read it (Python's robotparser among them): the first line
    // whose path is a prefix decides.
    let first_match = |path: &str| {
        lines
            .iter()
            .filter_map(|line| {
                line.strip_prefix("Allow: ")
                    .map(|rule| (true, rule))
                    .or_else(|| line.strip_prefix("Disallow: ").map(|rule| (false, rule)))
            })
            .find(|(_, rule)| path.starts_with(rule))
            .is_none_or(|(allowed, _)| allowed)
    };
    for public in ["/", "/ziele", "/en/news", "/dokumente/satzung.pdf"] {
        assert!(first_match(public), "{public} is allowed");
    }
    for staff in ["/admin", "/admin/anmelden", "/admin/anfragen/1"] {
        assert!(!first_match(staff), "{staff} is not");
    }
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

    // Every search is a version of the search page, not a page of its own.
    let (canonical, alternates) = links(&app, "/en/search?q=prevention").await;
    assert_eq!(
        canonical.as_deref(),
        Some("https://www.defus.org/en/search")
    );
    assert!(alternates.contains(&("x-default".to_owned(), format!("{BASE}/suche"))));
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

#[tokio::test]
async fn shared_links_get_a_title_a_description_and_the_site_s_picture() {
    let app = spawn_app_at_its_address().await;
    let page = app.page("/en/history", 200).await;
    let property = |name: &str| {
        page.attribute(&format!("meta[property='{name}']"), "content")
            .unwrap_or_else(|| panic!("the page has {name}"))
    };
    assert_eq!(property("og:url"), "https://www.defus.org/en/history");
    assert_eq!(property("og:locale"), "en_GB");
    assert!(
        property("og:title").starts_with("History"),
        "{}",
        property("og:title")
    );
    assert_eq!(
        property("og:description"),
        page.attribute("meta[name=description]", "content").unwrap()
    );
    let image = property("og:image");
    let image_path = image
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{image} is on the site"));
    let response = app.get(image_path).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    let bytes = response.bytes().await.unwrap();
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!(
        (width, height),
        (1200, 630),
        "the size link previews expect"
    );
    assert_eq!(
        page.attribute("meta[name='twitter:card']", "content")
            .as_deref(),
        Some("summary_large_image")
    );
}

/// The JSON-LD data blocks of the page at `path`, parsed.
async fn structured_data(app: &TestApp, path: &str) -> Vec<serde_json::Value> {
    let page = app.page(path, 200).await;
    page.select("script[type='application/ld+json']")
        .into_iter()
        .map(|script| {
            let json: String = script.text().collect();
            serde_json::from_str(&json).unwrap_or_else(|error| panic!("{path}: {error}"))
        })
        .collect()
}

#[tokio::test]
async fn the_start_and_contact_pages_describe_the_association_from_its_facts() {
    let app = spawn_app_at_its_address().await;
    app.execute("update organisation set phone = '0511 1234567'")
        .await;
    for path in ["/", "/kontakt", "/en/contact"] {
        let data = structured_data(&app, path).await;
        let organization = &data[0];
        assert_eq!(organization["@type"], "Organization", "{path}");
        assert_eq!(
            organization["telephone"], "+49 511 1234567",
            "{path}: a changed fact shows, with the country code"
        );
        assert_eq!(organization["address"]["addressLocality"], "Hannover");
        assert!(
            organization.get("sameAs").is_none(),
            "EFUS is another organisation, not this one's profile"
        );
        assert_eq!(organization["memberOf"]["url"], "https://efus.eu");
        let logo = organization["logo"].as_str().expect("a logo");
        assert!(
            logo.starts_with("https://www.defus.org/static/icon"),
            "{logo}"
        );
    }
    assert!(structured_data(&app, "/geschichte").await.is_empty());
}

#[tokio::test]
async fn news_items_and_events_are_described_for_search_engines() {
    let app = spawn_app_at_its_address().await;
    let staff = app.signed_in_staff().await;
    staff
        .create_news_item(&news_item(&app, "Bericht </script> 2025"), None)
        .await;
    let data = structured_data(&app, "/aktuelles/bericht-script-2025").await;
    let article = of_type(&data, "NewsArticle");
    assert_eq!(article["headline"], "Bericht </script> 2025");
    let published = article["datePublished"].as_str().expect("a date");
    assert!(
        chrono::DateTime::parse_from_rfc3339(published).is_ok()
            && published.starts_with(&app.today().to_string()),
        "a moment with its time zone: {published}"
    );

    let fields = crate::helpers::event("Präventionstag", "2027-03-28T10:00", "2027-03-28T17:00");
    staff.create_event(&fields).await;
    let data = structured_data(&app, "/termine/praeventionstag").await;
    let event = of_type(&data, "Event");
    assert_eq!(event["startDate"], "2027-03-28T08:00:00+00:00");
    assert_eq!(
        event["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
    assert_eq!(event["location"]["address"]["addressLocality"], "Hannover");

    let mut online = with(
        crate::helpers::event("Webinar", "2027-04-01T00:00", "2027-04-01T00:00"),
        "online_url",
        "https://meeting.example/defus",
    );
    online.retain(|(name, _)| !["venue", "address", "city"].contains(name));
    staff.create_event(&with(online, "all_day", "on")).await;
    let data = structured_data(&app, "/termine/webinar").await;
    let event = of_type(&data, "Event");
    assert_eq!(event["startDate"], "2027-04-01");
    assert_eq!(event["location"]["@type"], "VirtualLocation");
    assert_eq!(
        event["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
}

/// The one item of `data` of schema.org type `kind`.
fn of_type<'a>(data: &'a [serde_json::Value], kind: &str) -> &'a serde_json::Value {
    let found: Vec<_> = data.iter().filter(|item| item["@type"] == kind).collect();
    assert_eq!(found.len(), 1, "one {kind} in {data:?}");
    found[0]
}

#[tokio::test]
async fn item_pages_show_the_way_to_them_and_tell_search_engines_the_same() {
    let app = spawn_app_at_its_address().await;
    let staff = app.signed_in_staff().await;
    staff
        .create_news_item(&news_item(&app, "Jahresbericht 2025"), None)
        .await;
    staff
        .create_event(&crate::helpers::event(
            "Fachtag",
            "2027-03-28T10:00",
            "2027-03-28T17:00",
        ))
        .await;
    for (path, trail) in [
        (
            "/aktuelles/jahresbericht-2025",
            [
                ("Startseite", "/"),
                ("Aktuelles", "/aktuelles"),
                ("Jahresbericht 2025", "/aktuelles/jahresbericht-2025"),
            ],
        ),
        (
            "/termine/fachtag",
            [
                ("Startseite", "/"),
                ("Termine", "/termine"),
                ("Fachtag", "/termine/fachtag"),
            ],
        ),
    ] {
        let page = app.page(path, 200).await;
        let shown: Vec<(String, String)> = page
            .select("main nav.breadcrumbs a")
            .into_iter()
            .map(|link| {
                (
                    crate::helpers::text_of(link),
                    link.value().attr("href").unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = trail
            .iter()
            .map(|(label, path)| ((*label).to_owned(), (*path).to_owned()))
            .collect();
        assert_eq!(shown, expected, "{path}");
        assert_eq!(
            page.attribute("nav.breadcrumbs [aria-current=page]", "href")
                .as_deref(),
            Some(path)
        );

        let data = structured_data(&app, path).await;
        let list = of_type(&data, "BreadcrumbList");
        let items = list["itemListElement"].as_array().expect("a list");
        let described: Vec<(i64, String, String)> = items
            .iter()
            .map(|item| {
                (
                    item["position"].as_i64().unwrap_or_default(),
                    item["name"].as_str().unwrap_or_default().to_owned(),
                    item["item"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let expected: Vec<(i64, String, String)> = trail
            .iter()
            .zip(1..)
            .map(|((label, path), position)| {
                (position, (*label).to_owned(), format!("{BASE}{path}"))
            })
            .collect();
        assert_eq!(described, expected, "{path}");
    }
    let content_page = app.page("/ziele", 200).await;
    assert!(
        content_page.select("nav.breadcrumbs").is_empty(),
        "the main navigation is the way to a content page"
    );
}
