//! Pages held in memory: compressed ahead, revalidated cheaply, fresh on every instance soon
//! after any change, and served while the database is away.

use std::io::Read;
use std::time::{Duration, Instant};

use reqwest::header;

use defus::content::PageKey;
use defus::i18n::Locale;

use crate::helpers::{Page, PageText, TestApp, spawn_app, spawn_app_with, start_another_instance};

/// A request for `path` with these headers, as a browser would send it.
async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("the server answers")
}

fn decode(coding: Option<&str>, body: &[u8]) -> String {
    let mut text = String::new();
    match coding {
        None => text = String::from_utf8(body.to_vec()).expect("UTF-8"),
        Some("gzip") => {
            flate2::read::GzDecoder::new(body)
                .read_to_string(&mut text)
                .expect("valid gzip");
        }
        Some("br") => {
            brotli::Decompressor::new(body, 4096)
                .read_to_string(&mut text)
                .expect("valid brotli");
        }
        Some(other) => panic!("unexpected coding {other}"),
    }
    text
}

/// The coding the server chose and the page decoded from it.
async fn fetch_decoded(
    app: &TestApp,
    path: &str,
    accept_encoding: Option<&str>,
) -> (Option<String>, String) {
    let headers: Vec<(&str, &str)> = accept_encoding
        .map(|value| vec![("accept-encoding", value)])
        .unwrap_or_default();
    let response = get_with(app, path, &headers).await;
    assert_eq!(response.status(), 200, "{path}");
    let coding = response
        .headers()
        .get(header::CONTENT_ENCODING)
        .map(|value| value.to_str().unwrap().to_owned());
    let body = response.bytes().await.unwrap();
    let text = decode(coding.as_deref(), &body);
    (coding, text)
}

/// Waits (up to `limit`) until `path` on `app` shows `expected` in its `<h1>`; returns how long
/// that took.
async fn wait_for_heading(app: &TestApp, path: &str, expected: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    loop {
        let page = app.page(path, 200).await;
        if page.text("main h1") == expected {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < limit,
            "{path} still shows {:?} after {limit:?}",
            page.text("main h1")
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A brotli form is made in the background; wait until the page has one.
async fn wait_for_brotli(app: &TestApp, path: &str) {
    for _ in 0..200 {
        let response = get_with(app, path, &[("accept-encoding", "br")]).await;
        if response
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.as_bytes())
            == Some(b"br")
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} never got a brotli form");
}

#[tokio::test]
async fn every_coding_carries_the_same_page_and_q_values_are_honoured() {
    let app = spawn_app().await;
    wait_for_brotli(&app, "/geschichte").await;
    let (coding, identity) = fetch_decoded(&app, "/geschichte", None).await;
    assert_eq!(coding, None);
    assert!(identity.contains("<h1>Geschichte</h1>"), "{identity}");
    for (accept_encoding, expected) in [
        ("gzip, deflate, br", Some("br")),
        ("gzip", Some("gzip")),
        ("br;q=0.5, gzip", Some("gzip")),
        ("gzip;q=0", None),
        ("gzip;q=0, br;q=0", None),
        ("identity", None),
    ] {
        let (coding, text) = fetch_decoded(&app, "/geschichte", Some(accept_encoding)).await;
        assert_eq!(coding.as_deref(), expected, "{accept_encoding}");
        assert_eq!(text, identity, "{accept_encoding}");
    }
    let response = get_with(&app, "/geschichte", &[("accept-encoding", "gzip")]).await;
    assert_eq!(response.headers()[header::VARY], "accept-encoding");
}

#[tokio::test]
async fn a_current_copy_gets_304_and_a_change_a_new_etag() {
    let app = spawn_app().await;
    let first = get_with(&app, "/en/goals", &[("accept-encoding", "gzip")]).await;
    let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
    let last_modified = first.headers()[header::LAST_MODIFIED]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(first.headers()[header::CACHE_CONTROL], "no-cache");
    assert!(etag.starts_with('"'), "a strong validator: {etag}");

    let again = get_with(
        &app,
        "/en/goals",
        &[("accept-encoding", "gzip"), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()[header::ETAG], etag.as_str());
    assert!(again.bytes().await.unwrap().is_empty());
    let since = get_with(&app, "/en/goals", &[("if-modified-since", &last_modified)]).await;
    assert_eq!(since.status(), 304);

    let staff = app.signed_in_staff().await;
    let saved = staff
        .save_page(
            PageKey::Goals,
            Locale::En,
            PageText::new("Our aims", "New text."),
        )
        .await;
    assert_eq!(saved.status(), 303);
    let changed = get_with(
        &app,
        "/en/goals",
        &[("accept-encoding", "gzip"), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(
        changed.status(),
        200,
        "the saving staff member sees the change at once"
    );
    assert_ne!(changed.headers()[header::ETAG], etag.as_str());
    let text = decode(Some("gzip"), &changed.bytes().await.unwrap());
    assert!(text.contains("<h1>Our aims</h1>"), "{text}");
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let app = spawn_app().await;
    for path in ["/", "/mitgliedschaft", "/gibt-es-nicht"] {
        let get = get_with(&app, path, &[("accept-encoding", "gzip")]).await;
        let head = app
            .client
            .head(app.url(path))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), get.status(), "{path}");
        for name in [header::CONTENT_TYPE, header::CONTENT_ENCODING] {
            assert_eq!(
                head.headers().get(&name),
                get.headers().get(&name),
                "{path} {name}"
            );
        }
        if path == "/" {
            assert_eq!(
                head.headers()[header::CONTENT_LENGTH],
                get.headers()[header::CONTENT_LENGTH]
            );
            assert_eq!(head.headers()[header::ETAG], get.headers()[header::ETAG]);
        }
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");
    }
}

#[tokio::test]
async fn the_membership_page_has_a_new_token_per_view_and_is_never_stored() {
    let app = spawn_app().await;
    let mut tokens = Vec::new();
    for accept_encoding in ["gzip", "identity", "gzip, br"] {
        let response = get_with(
            &app,
            "/mitgliedschaft",
            &[("accept-encoding", accept_encoding)],
        )
        .await;
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        assert!(response.headers().get(header::ETAG).is_none());
        let coding = response
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|value| value.to_str().unwrap().to_owned());
        let html = decode(coding.as_deref(), &response.bytes().await.unwrap());
        let page = Page::parse(&html);
        tokens.push(
            page.attribute("input[name=form_token]", "value")
                .expect("a form token"),
        );
        assert!(page.text("main h1").contains("Mitgliedschaft"), "{html}");
        assert!(html.ends_with("</html>\n") || html.ends_with("</html>"));
    }
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 3, "each view gets its own token");
}

#[tokio::test]
async fn changes_through_the_staff_area_and_psql_reach_another_instance_within_a_second() {
    let first = spawn_app().await;
    let second = start_another_instance(&first).await;
    // The second instance is ready once it answers; give its listener a moment to connect.
    second.page("/ziele", 200).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let staff = first.signed_in_staff().await;
    let saved = staff
        .save_page(
            PageKey::Goals,
            Locale::De,
            PageText::new("Was wir wollen", "Text"),
        )
        .await;
    assert_eq!(saved.status(), 303);
    wait_for_heading(&second, "/ziele", "Was wir wollen", Duration::from_secs(1)).await;

    sqlx::query("update page set title = 'Ziele, neu' where page_key = 'goals' and locale = 'de'")
        .execute(&first.pool)
        .await
        .unwrap();
    wait_for_heading(&second, "/ziele", "Ziele, neu", Duration::from_secs(1)).await;
    wait_for_heading(&first, "/ziele", "Ziele, neu", Duration::from_secs(1)).await;

    sqlx::query("update organisation set street = 'Neue Straße 7'")
        .execute(&first.pool)
        .await
        .unwrap();
    let start = Instant::now();
    loop {
        let page = second.page("/kontakt", 200).await;
        if page.text("footer address").contains("Neue Straße 7") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "the footer is not fresh"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn pages_are_served_while_the_database_is_away_and_fresh_once_it_is_back() {
    let app = spawn_app().await;
    let before = app.page("/geschichte", 200).await.text("main h1");
    let offline = app.take_database_offline().await;
    for path in [
        "/",
        "/geschichte",
        "/en/",
        "/mitgliedschaft",
        "/en/membership",
        "/gibt-es-nicht",
    ] {
        let status = app.get(path).await.status().as_u16();
        let expected = if path == "/gibt-es-nicht" { 404 } else { 200 };
        assert_eq!(status, expected, "{path} while the database is away");
    }
    assert_eq!(app.page("/geschichte", 200).await.text("main h1"), before);
    offline.bring_back().await;

    let pool = sqlx::PgPool::connect(&app.config.database_url)
        .await
        .unwrap();
    sqlx::query(
        "update page set title = 'Geschichte, neu' where page_key = 'history' and locale = 'de'",
    )
    .execute(&pool)
    .await
    .unwrap();
    // The notifications reconnect within a few seconds and read everything again.
    wait_for_heading(
        &app,
        "/geschichte",
        "Geschichte, neu",
        Duration::from_secs(10),
    )
    .await;
}

#[tokio::test]
async fn pages_and_assets_carry_the_security_headers() {
    let app = spawn_app_with(|config| {
        config.base_url = Some("https://www.defus.org".parse().unwrap());
    })
    .await;
    let stylesheet = app
        .page("/", 200)
        .await
        .attribute("link[rel=stylesheet]", "href")
        .unwrap();
    for path in [
        "/",
        "/mitgliedschaft",
        "/gibt-es-nicht",
        stylesheet.as_str(),
        "/admin/anmelden",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(
            headers["cross-origin-opener-policy"], "same-origin",
            "{path}"
        );
        assert_eq!(
            headers["cross-origin-resource-policy"], "same-origin",
            "{path}"
        );
        let permissions = headers["permissions-policy"].to_str().unwrap();
        for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"] {
            assert!(permissions.contains(feature), "{path}: {permissions}");
        }
        assert_eq!(
            headers[header::STRICT_TRANSPORT_SECURITY],
            "max-age=31536000",
            "{path}"
        );
        assert!(
            headers.contains_key(header::CONTENT_SECURITY_POLICY),
            "{path}"
        );
    }
    let plain = spawn_app().await;
    assert!(
        !plain
            .get("/")
            .await
            .headers()
            .contains_key(header::STRICT_TRANSPORT_SECURITY),
        "no HSTS for a site on plain HTTP"
    );
}

#[tokio::test]
async fn assets_are_compressed_ahead_and_revalidated() {
    let app = spawn_app().await;
    let stylesheet = app
        .page("/", 200)
        .await
        .attribute("link[rel=stylesheet]", "href")
        .unwrap();
    wait_for_brotli(&app, &stylesheet).await;
    let (_, identity) = fetch_decoded(&app, &stylesheet, None).await;
    let (coding, brotli) = fetch_decoded(&app, &stylesheet, Some("br, gzip")).await;
    assert_eq!(coding.as_deref(), Some("br"));
    assert_eq!(brotli, identity);
    let response = get_with(&app, &stylesheet, &[]).await;
    let etag = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    let again = get_with(&app, &stylesheet, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), 304);
}
