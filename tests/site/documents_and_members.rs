//! Documents and members as the office manages them and visitors find them: uploading,
//! downloading (whole, in ranges, as a second instance), refusing what is not a document, and
//! the member cities on the list, the start page and the map.

use defus::web::admin::paths;

use scraper::Selector;

use crate::helpers::{
    Page, Staff, TestApp, document_fields, pdf, spawn_app, start_another_instance, text_of,
};

#[tokio::test]
async fn a_document_is_uploaded_listed_downloaded_replaced_and_deleted() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let original = pdf("erste Fassung");
    let editor = staff
        .upload_document(
            "Satzung 2010",
            "Satzung (2010) – Fassung für Städte.pdf",
            original.clone(),
        )
        .await;

    let list = app.page("/dokumente", 200).await;
    assert_eq!(list.text("main h2"), "Satzung");
    assert_eq!(
        list.attribute("main a.document__title", "href").as_deref(),
        Some("/dokumente/satzung-2010.pdf")
    );
    assert_eq!(list.text(".document__facts"), "(PDF, 1 KB, Deutsch)");
    let english = app.page("/en/documents", 200).await;
    assert_eq!(english.text("main h2"), "Statutes");
    assert_eq!(english.text(".document__facts"), "(PDF, 1 KB, German)");

    let response = app.get("/dokumente/satzung-2010.pdf").await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["accept-ranges"], "bytes");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("inline; filename=\"Satzung (2010) - Fassung fur Stadte.pdf\""),
        "{disposition}"
    );
    assert!(disposition.contains("filename*=UTF-8''Satzung%20%282010%29%20%E2%80%93%20Fassung%20f%C3%BCr%20St%C3%A4dte%2Epdf"), "{disposition}");
    assert_eq!(
        response.bytes().await.unwrap().to_vec(),
        original,
        "byte for byte"
    );
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let again = app
        .client
        .get(app.url("/dokumente/satzung-2010.pdf"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // The staff area shows the address with a link to paste into page texts.
    let editor_page = staff.page(&editor, 200).await;
    assert!(
        editor_page
            .text(".copyable")
            .contains("[Satzung 2010](/dokumente/satzung-2010.pdf)")
    );

    let replacement = pdf("zweite Fassung");
    let response = staff
        .send_document(
            &editor,
            &document_fields("Satzung 2010"),
            Some(("neu.pdf", replacement.clone())),
        )
        .await;
    assert_eq!(response.status(), 303);
    let response = app.get("/dokumente/satzung-2010.pdf").await;
    assert_ne!(response.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(
        response.bytes().await.unwrap().to_vec(),
        replacement,
        "the same address serves the new file"
    );

    let id: i64 = app.fetch_one("select id from document").await;
    let confirmation = staff.page(&paths::document_delete(id), 200).await;
    assert!(confirmation.text("h1").contains("„Satzung 2010“ löschen?"));
    assert_eq!(
        staff.post(&paths::document_delete(id), &[]).await.status(),
        303
    );
    assert_eq!(app.get("/dokumente/satzung-2010.pdf").await.status(), 404);
    assert_eq!(
        app.page("/dokumente", 200)
            .await
            .select("a.document__title")
            .len(),
        0
    );
    let log = app
        .fetch_all::<String>(&format!(
            "select kind from activity where subject = 'document:{id}' order by id"
        ))
        .await;
    assert_eq!(
        log,
        ["document_added", "document_replaced", "document_deleted"]
    );
}

#[tokio::test]
async fn what_is_not_a_document_is_refused_with_a_message_and_nothing_stored() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let windows_program =
        b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode".to_vec();
    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec();
    let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    for (name, bytes) in [
        ("bericht.pdf", windows_program),
        ("seite.pdf", html),
        ("grafik.pdf", svg),
    ] {
        let response = staff
            .send_document(
                paths::DOCUMENTS_NEW,
                &document_fields("Bericht"),
                Some((name, bytes)),
            )
            .await;
        assert_eq!(response.status(), 422, "{name}");
        let page = Page::parse(&response.text().await.unwrap());
        assert!(
            page.text("#field-file-error")
                .contains("kein PDF-, ODT-, Word- (DOCX) oder Excel-Dokument"),
            "{name}"
        );
        assert_eq!(
            page.attribute("#field-title", "value").as_deref(),
            Some("Bericht"),
            "values are kept"
        );
    }
    let missing = staff
        .send_document(paths::DOCUMENTS_NEW, &document_fields(""), None)
        .await;
    assert_eq!(missing.status(), 422);
    let page = Page::parse(&missing.text().await.unwrap());
    assert!(
        page.text("#field-file-error")
            .contains("Bitte wählen Sie die Datei aus")
    );
    assert!(page.text("#field-title-error").contains("Bitte"));
    assert_eq!(app.count("select count(*) from document").await, 0);

    let oversized = vec![b'%'; 27 * 1024 * 1024];
    let response = staff
        .send_document(
            paths::DOCUMENTS_NEW,
            &document_fields("Zu groß"),
            Some(("gross.pdf", oversized)),
        )
        .await;
    assert_eq!(response.status(), 413);
    let page = Page::parse(&response.text().await.unwrap());
    assert!(
        !page
            .select("nav.main-nav a[href='/admin/dokumente']")
            .is_empty(),
        "the staff area's layout"
    );
    assert_eq!(app.count("select count(*) from document").await, 0);
}

/// GETs `path` with a `Range` header.
async fn get_range(app: &TestApp, path: &str, range: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("Range", range)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn pdf_viewers_get_the_ranges_they_ask_for() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let bytes = pdf("Bereiche");
    let size = bytes.len();
    staff
        .upload_document("Jahresbericht 2025", "jb.pdf", bytes.clone())
        .await;
    let path = "/dokumente/jahresbericht-2025.pdf";

    let first = get_range(&app, path, "bytes=0-9").await;
    assert_eq!(first.status(), 206);
    assert_eq!(
        first.headers()["content-range"],
        format!("bytes 0-9/{size}").as_str()
    );
    assert_eq!(first.bytes().await.unwrap().to_vec(), bytes[..10]);

    let suffix = get_range(&app, path, "bytes=-6").await;
    assert_eq!(suffix.status(), 206);
    assert_eq!(
        suffix.headers()["content-range"],
        format!("bytes {}-{}/{size}", size - 6, size - 1).as_str()
    );
    assert_eq!(suffix.bytes().await.unwrap().to_vec(), bytes[size - 6..]);

    let outside = get_range(&app, path, &format!("bytes={size}-")).await;
    assert_eq!(outside.status(), 416);
    assert_eq!(
        outside.headers()["content-range"],
        format!("bytes */{size}").as_str()
    );
}

#[tokio::test]
async fn a_second_instance_serves_a_document_uploaded_through_the_first() {
    let app = spawn_app().await;
    let other = start_another_instance(&app).await;
    let staff = app.signed_in_staff().await;
    let bytes = pdf("geteilt");
    staff
        .upload_document("Flyer", "flyer.pdf", bytes.clone())
        .await;
    let response = other.get("/dokumente/flyer.pdf").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().to_vec(), bytes);
    // Stop the second instance before the first drops the shared database.
    drop(other);
}

/// The markers of the members map: name and position on the drawn map.
fn markers(page: &Page) -> Vec<(String, f64, f64)> {
    let title = Selector::parse("title").unwrap();
    let circle = Selector::parse("circle").unwrap();
    page.select(".member-map__marker")
        .into_iter()
        .map(|marker| {
            let name = marker
                .select(&title)
                .next()
                .map(text_of)
                .unwrap_or_default();
            let dot = marker.select(&circle).next().expect("a dot");
            let coordinate = |name: &str| {
                dot.value()
                    .attr(name)
                    .and_then(|value| value.parse().ok())
                    .expect("a coordinate")
            };
            (name, coordinate("cx"), coordinate("cy"))
        })
        .collect()
}

/// Whether (x, y) lies inside the rings of the SVG path `d` (`M x,y L x,y … Z`), by the
/// even-odd rule.
fn inside_outline(d: &str, (x, y): (f64, f64)) -> bool {
    let mut inside = false;
    for ring in d.split('M').filter(|ring| !ring.trim().is_empty()) {
        let points: Vec<(f64, f64)> = ring
            .split(['L', 'Z'])
            .filter_map(|point| {
                let (px, py) = point.trim().split_once(',')?;
                Some((px.parse().ok()?, py.parse().ok()?))
            })
            .collect();
        for (index, &(x1, y1)) in points.iter().enumerate() {
            let (x2, y2) = points[(index + 1) % points.len()];
            if (y1 > y) != (y2 > y) && x < (x2 - x1) * (y - y1) / (y2 - y1) + x1 {
                inside = !inside;
            }
        }
    }
    inside
}

async fn add_member(staff: &Staff<'_>, name: &str, state: &str) -> reqwest::Response {
    staff
        .post(
            paths::MEMBERS_NEW,
            &[
                ("name", name),
                ("kind", "city"),
                ("federal_state", state),
                ("member_since", "2024"),
            ],
        )
        .await
}

#[tokio::test]
async fn a_city_added_by_its_name_appears_on_the_map_where_it_lies() {
    let app = spawn_app().await;
    let list = app.page("/mitglieder", 200).await;
    let founding = list.texts(".member__name");
    for name in [
        "Augsburg",
        "Heidelberg",
        "Leer",
        "Mannheim",
        "München",
        "Oldenburg",
        "Stuttgart",
        "Deutscher Präventionstag",
        "Landespräventionsrat Niedersachsen",
    ] {
        assert!(
            founding.contains(&name.to_owned()),
            "{name} is a founding member"
        );
    }
    assert!(list.text(".member").contains("Gründungsmitglied"));
    assert_eq!(
        markers(&list).len(),
        7,
        "the seven founding cities are on the map"
    );
    assert!(
        app.page("/", 200)
            .await
            .text(".home-members")
            .contains("9 Städte und Organisationen")
    );

    let staff = app.signed_in_staff().await;
    for (name, state) in [("Hannover", "ni"), ("Kassel", "he"), ("Bremen", "hb")] {
        assert_eq!(
            add_member(&staff, name, state).await.status(),
            303,
            "{name}"
        );
    }
    let page = app.page("/mitglieder", 200).await;
    let outline = page
        .attribute(".member-map__country", "d")
        .expect("an outline");
    let on_map = markers(&page);
    let at = |name: &str| {
        let (_, x, y) = on_map
            .iter()
            .find(|(marker, _, _)| marker == name)
            .unwrap_or_else(|| panic!("{name} has a marker"));
        (*x, *y)
    };
    let (hannover, kassel, bremen) = (at("Hannover"), at("Kassel"), at("Bremen"));
    for (name, point) in [
        ("Hannover", hannover),
        ("Kassel", kassel),
        ("Bremen", bremen),
        ("München", at("München")),
    ] {
        assert!(
            inside_outline(&outline, point),
            "{name} lies inside Germany's outline"
        );
    }
    assert!(hannover.1 < kassel.1, "Hannover is north of Kassel");
    assert!(hannover.0 > bremen.0, "Hannover is east of Bremen");
    assert!(
        app.page("/en/", 200)
            .await
            .text(".home-members")
            .contains("12 cities and organisations")
    );

    let hannover_id: i64 = app
        .fetch_one("select id from member where name = 'Hannover'")
        .await;
    assert_eq!(
        staff
            .post(&paths::member_delete(hannover_id), &[])
            .await
            .status(),
        303
    );
    let page = app.page("/mitglieder", 200).await;
    assert!(
        !markers(&page).iter().any(|(name, _, _)| name == "Hannover"),
        "its marker is gone"
    );
    assert!(
        app.page("/", 200)
            .await
            .text(".home-members")
            .contains("11 Städte und Organisationen")
    );
}

#[tokio::test]
async fn an_unknown_place_gets_close_matches_and_a_district_a_position_by_hand() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let response = add_member(&staff, "Heidelbreg", "bw").await;
    assert_eq!(response.status(), 422);
    let page = Page::parse(&response.text().await.unwrap());
    let message = page.text("#field-place-error");
    assert!(
        message.contains("„Heidelbreg“ ist im gewählten Bundesland nicht verzeichnet"),
        "{message}"
    );
    assert!(message.contains("Heidelberg"), "{message}");
    assert_eq!(
        page.attribute("#field-name", "value").as_deref(),
        Some("Heidelbreg")
    );

    let response = staff
        .post(
            paths::MEMBERS_NEW,
            &[
                ("name", "Kreis Lippe"),
                ("kind", "city"),
                ("federal_state", "nw"),
                ("latitude", "51,9386"),
                ("longitude", "8,8792"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let page = app.page("/mitglieder", 200).await;
    assert!(
        markers(&page)
            .iter()
            .any(|(name, _, _)| name == "Kreis Lippe")
    );

    let response = staff
        .post(
            paths::MEMBERS_NEW,
            &[
                ("name", "Paris"),
                ("kind", "city"),
                ("federal_state", "be"),
                ("latitude", "48.85"),
                ("longitude", "2.35"),
                ("website", "ftp://x"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = Page::parse(&response.text().await.unwrap());
    assert!(
        page.text("#field-latitude-error")
            .contains("nicht in Deutschland")
    );
    assert!(page.text("#field-website-error").contains("https://"));
}
