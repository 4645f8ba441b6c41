//! What validators nobody here wrote check: conditional requests as RFC 9110 has them, the
//! language of parts (WCAG 3.1.2), what search engines and link previews read, feeds and
//! calendars found from the pages, and metrics an alert can rely on from the start.

use defus::web::admin::paths;
use reqwest::StatusCode;

use crate::helpers::{
    Picture, TestApp, document_fields, event, news_item, pdf, read_calendar, spawn_app,
    spawn_app_with, start_another_instance, with,
};

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("the server answers")
}

#[tokio::test]
async fn pictures_and_documents_compare_tags_weakly_and_take_a_star() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let fields = with(news_item(&app, "Mit Bild"), "image_alt", "Ein Bild");
    let editor = staff
        .create_news_item(&fields, Some(Picture::png(800, 600)))
        .await;
    let page = staff.page(&editor, 200).await;
    let picture = page
        .attribute("img[src^='/bilder/']", "src")
        .expect("the picture in the editor");
    staff
        .upload_document("Satzung", "satzung.pdf", pdf("Satzung"))
        .await;
    let document = "/dokumente/satzung.pdf";

    for path in [picture.as_str(), document] {
        let first = app.get(path).await;
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        for tag in [etag.clone(), format!("W/{etag}"), "*".to_owned()] {
            let again = get_with(&app, path, &[("If-None-Match", &tag)]).await;
            assert_eq!(
                again.status(),
                StatusCode::NOT_MODIFIED,
                "{path} with {tag}"
            );
        }
        let other = get_with(&app, path, &[("If-None-Match", "W/\"anders\"")]).await;
        assert_eq!(other.status(), StatusCode::OK, "{path}");
    }

    // Documents also answer If-Modified-Since (without If-None-Match).
    let first = app.get(document).await;
    let modified = first.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();
    let since = get_with(&app, document, &[("If-Modified-Since", &modified)]).await;
    assert_eq!(since.status(), StatusCode::NOT_MODIFIED);
    let long_ago = get_with(
        &app,
        document,
        &[("If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT")],
    )
    .await;
    assert_eq!(long_ago.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_page_gets_the_same_validators_from_every_instance() {
    // As in production: one public address for all instances (else each names its own port).
    let app = spawn_app_with(|config| {
        config.base_url = Some("https://www.defus.org".parse().unwrap());
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let other = start_another_instance(&app).await;
    for path in ["/", "/ziele", "/en/news", "/robots.txt"] {
        let (first, second) = (app.get(path).await, other.get(path).await);
        for header in ["last-modified", "etag"] {
            assert_eq!(
                first.headers()[header],
                second.headers()[header],
                "{path}: {header}"
            );
        }
    }
    drop(other);
}

#[tokio::test]
async fn another_coding_s_tag_does_not_make_a_page_current() {
    let app = spawn_app().await;
    let gzip = get_with(&app, "/ziele", &[("Accept-Encoding", "gzip")]).await;
    let gzip_tag = gzip.headers()["etag"].to_str().unwrap().to_owned();
    let identity = get_with(
        &app,
        "/ziele",
        &[
            ("Accept-Encoding", "identity"),
            ("If-None-Match", &gzip_tag),
        ],
    )
    .await;
    assert_eq!(identity.status(), StatusCode::OK);
}

#[tokio::test]
async fn text_in_the_other_language_says_so() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    // An English annual report on the German list, and the German statutes on the English one.
    let mut english = document_fields("Annual Report 2025");
    english = with(english, "locale", "en");
    english = with(english, "description", "What the forum did in 2025.");
    staff
        .send_document(
            paths::DOCUMENTS_NEW,
            &english,
            Some(("report.pdf", pdf("a"))),
        )
        .await;
    staff
        .upload_document("Satzung 2010", "satzung.pdf", pdf("b"))
        .await;
    let german_list = app.page("/dokumente", 200).await;
    assert_eq!(
        german_list
            .attribute("a.document__title[href$='annual-report-2025.pdf']", "lang")
            .as_deref(),
        Some("en")
    );
    assert!(
        german_list
            .attribute("a.document__title[href$='satzung-2010.pdf']", "lang")
            .is_none()
    );
    let english_list = app.page("/en/documents", 200).await;
    assert_eq!(
        english_list
            .attribute("a.document__title[href$='satzung-2010.pdf']", "lang")
            .as_deref(),
        Some("de")
    );
    // Found from the English search, the German statutes say they are German.
    let results = app.page("/en/search?q=Satzung", 200).await;
    assert_eq!(
        results
            .attribute(".search-result__title[lang]", "lang")
            .as_deref(),
        Some("de"),
        "{}",
        results.text("main")
    );

    // The staff area speaks German; an English page's texts are marked as English.
    let editor = staff
        .page(
            &paths::page(defus::content::PageKey::Goals, defus::i18n::Locale::En),
            200,
        )
        .await;
    for name in ["title", "meta_description", "body_markdown"] {
        assert_eq!(
            editor
                .attribute(&format!("[name={name}]"), "lang")
                .as_deref(),
            Some("en"),
            "{name}"
        );
    }
    let german_editor = staff
        .page(
            &paths::page(defus::content::PageKey::Goals, defus::i18n::Locale::De),
            200,
        )
        .await;
    assert!(german_editor.attribute("[name=title]", "lang").is_none());
    let news_editor = staff
        .create_news_item(
            &with(news_item(&app, "Annual meeting"), "locale", "en"),
            None,
        )
        .await;
    let page = staff.page(&news_editor, 200).await;
    assert_eq!(
        page.attribute("[name=title]", "lang").as_deref(),
        Some("en")
    );
    assert_eq!(page.attribute("[name=body]", "lang").as_deref(), Some("en"));
    let list = staff.page(paths::NEWS, 200).await;
    assert_eq!(
        list.attribute("table a[lang]", "lang").as_deref(),
        Some("en")
    );
}

/// The JSON-LD data blocks of `path`, parsed.
async fn structured_data(app: &TestApp, path: &str) -> Vec<serde_json::Value> {
    let page = app.page(path, 200).await;
    page.select("script[type='application/ld+json']")
        .into_iter()
        .map(|script| serde_json::from_str(&script.text().collect::<String>()).unwrap())
        .collect()
}

#[tokio::test]
async fn an_event_abroad_names_its_country_on_the_page_in_the_calendar_and_to_search_engines() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let fields = with(
        with(
            event("EFUS-Konferenz", "2099-05-12T09:00", "2099-05-13T17:00"),
            "city",
            "Wien",
        ),
        "country",
        "AT",
    );
    staff.create_event(&fields).await;
    let data = structured_data(&app, "/termine/efus-konferenz").await;
    let abroad = data
        .iter()
        .find(|value| value["@type"] == "Event")
        .expect("an Event");
    assert_eq!(abroad["location"]["address"]["addressCountry"], "AT");
    assert_eq!(abroad["location"]["address"]["addressLocality"], "Wien");
    let page = app.page("/termine/efus-konferenz", 200).await;
    assert!(page.text(".event-facts").contains("Österreich"));
    let entries = read_calendar(&app, "/termine.ics").await;
    let location = entries[0].value("LOCATION");
    assert!(location.ends_with("Wien, Österreich"), "{location}");

    // At home, the country goes without saying.
    staff
        .create_event(&event("Fachtag", "2099-06-01T09:00", "2099-06-01T17:00"))
        .await;
    let data = structured_data(&app, "/termine/fachtag").await;
    let at_home = data.iter().find(|value| value["@type"] == "Event").unwrap();
    assert_eq!(at_home["location"]["address"]["addressCountry"], "DE");
    assert!(
        !app.page("/termine/fachtag", 200)
            .await
            .text(".event-facts")
            .contains("Deutschland")
    );

    // A single event's file has no calendar name of its own.
    let single = app.get("/termine/fachtag.ics").await.text().await.unwrap();
    assert!(!single.contains("X-WR-CALNAME"), "{single}");
    let all = app.get("/termine.ics").await.text().await.unwrap();
    assert!(all.contains("X-WR-CALNAME"));
}

#[tokio::test]
async fn a_news_item_is_an_article_with_its_own_picture_for_link_previews() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let fields = with(
        news_item(&app, "Mit Foto"),
        "image_alt",
        "Der Vorstand auf der Bühne",
    );
    staff
        .create_news_item(&fields, Some(Picture::png(1600, 900)))
        .await;
    let page = app.page("/aktuelles/mit-foto", 200).await;
    assert_eq!(
        page.attribute("meta[property='og:type']", "content")
            .as_deref(),
        Some("article")
    );
    assert!(
        page.attribute("meta[property='article:published_time']", "content")
            .is_some()
    );
    let image = page
        .attribute("meta[property='og:image']", "content")
        .expect("og:image");
    assert!(image.contains("/bilder/"), "{image}");
    assert_eq!(
        page.attribute("meta[property='og:image:width']", "content")
            .as_deref(),
        Some("1200")
    );
    assert_eq!(
        page.attribute("meta[property='og:image:alt']", "content")
            .as_deref(),
        Some("Der Vorstand auf der Bühne")
    );
    let data = structured_data(&app, "/aktuelles/mit-foto").await;
    let article = data
        .iter()
        .find(|value| value["@type"] == "NewsArticle")
        .unwrap();
    assert_eq!(article["image"].as_str(), Some(image.as_str()));
    // Other pages stay websites with the site's picture.
    let start = app.page("/", 200).await;
    assert_eq!(
        start
            .attribute("meta[property='og:type']", "content")
            .as_deref(),
        Some("website")
    );
}

#[tokio::test]
async fn lists_describe_themselves_and_every_page_names_the_news_feed() {
    let app = spawn_app().await;
    for (path, feed) in [
        ("/aktuelles", "/aktuelles.atom"),
        ("/en/events", "/en/news.atom"),
        ("/mitglieder", "/aktuelles.atom"),
        ("/en/documents", "/en/news.atom"),
        ("/ziele", "/aktuelles.atom"),
    ] {
        let page = app.page(path, 200).await;
        let description = page
            .attribute("meta[name=description]", "content")
            .unwrap_or_default();
        assert!(description.len() > 40, "{path}: {description:?}");
        assert_eq!(
            page.attribute("link[rel=alternate][type='application/atom+xml']", "href")
                .as_deref(),
            Some(feed),
            "{path}"
        );
    }
}

#[tokio::test]
async fn every_counter_is_there_at_zero_before_its_first_event() {
    let metrics_port = crate::helpers::free_port();
    let app = spawn_app_with(|config| {
        config.metrics_bind = Some(format!("127.0.0.1:{metrics_port}").parse().unwrap());
    })
    .await;
    let metrics = app
        .client
        .get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for series in [
        "defus_sign_in_failures_total 0",
        "defus_sign_in_locks_total{of=\"account\"} 0",
        "defus_sign_in_locks_total{of=\"client\"} 0",
        "defus_mail_send_attempts_total{outcome=\"gave_up\"} 0",
        "defus_inquiries_total{outcome=\"spam\"} 0",
        "defus_inquiries_total{outcome=\"rate_limited\"} 0",
        "defus_outbox_read 1",
    ] {
        assert!(metrics.contains(series), "{series} in:\n{metrics}");
    }
}
