//! The site search as visitors use it: the field in the header, the results page, and what it
//! does with odd queries.

use defus::content::PageKey;
use defus::i18n::Locale;

use crate::helpers::{
    Page, TestApp, document_fields, event, news_item, pdf, spawn_app, text_of, with,
};

/// The results page for `query` (as typed) on `path`, expecting `status`.
async fn search(app: &TestApp, path: &str, query: &str, status: u16) -> Page {
    let encoded = serde_urlencoded::to_string([("q", query)]).unwrap();
    app.page(&format!("{path}?{encoded}"), status).await
}

/// The addresses of the results, in their order.
fn result_paths(page: &Page) -> Vec<String> {
    page.select(".search-result__title a")
        .into_iter()
        .filter_map(|link| link.value().attr("href").map(str::to_owned))
        .collect()
}

fn marked(page: &Page) -> Vec<String> {
    page.texts(".search-results mark")
}

#[tokio::test]
async fn every_public_page_has_a_search_field_in_its_header_that_works_without_javascript() {
    let app = spawn_app().await;
    for (path, action, button) in [
        ("/", "/suche", "Suchen"),
        ("/kontakt", "/suche", "Suchen"),
        ("/aktuelles", "/suche", "Suchen"),
        ("/en/goals", "/en/search", "Search"),
        ("/en/documents", "/en/search", "Search"),
    ] {
        let page = app.page(path, 200).await;
        let form = page.select("header form[role=search][method=get]");
        assert_eq!(form.len(), 1, "{path}");
        assert_eq!(form[0].value().attr("action"), Some(action), "{path}");
        let field = page.attribute("header form input[type=search]", "name");
        assert_eq!(field.as_deref(), Some("q"), "{path}");
        let label_for = page.attribute("header form label", "for");
        assert_eq!(
            label_for,
            page.attribute("header form input", "id"),
            "the field has a label on {path}"
        );
        assert_eq!(page.text("header form button"), button);
    }
    let results = search(&app, "/suche", "Hannover", 200).await;
    assert!(
        results.select("header form[role=search]").is_empty(),
        "the search page has its own form, not a second one"
    );
    assert_eq!(
        results
            .attribute("main form input[name=q]", "value")
            .as_deref(),
        Some("Hannover")
    );
}

#[tokio::test]
async fn praevention_in_any_spelling_finds_kriminalpraevention() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    staff
        .create_news_item(
            &with(
                news_item(&app, "Neues Netzwerk im Norden"),
                "body",
                "Drei Städte stärken ihre kommunale Kriminalprävention gemeinsam.",
            ),
            None,
        )
        .await;
    for query in ["Prävention", "Praevention", "praevention", "PRÄVENTION"] {
        let page = search(&app, "/suche", query, 200).await;
        let paths = result_paths(&page);
        assert!(
            paths.contains(&"/aktuelles/neues-netzwerk-im-norden".to_owned()),
            "{query}: {paths:?}"
        );
        assert_eq!(
            page.text(".search-count"),
            format!("{} Treffer für „{query}“", paths.len()),
        );
        assert!(
            marked(&page).contains(&"Kriminalprävention".to_owned()),
            "{query}: {:?}",
            marked(&page)
        );
    }
}

#[tokio::test]
async fn the_contact_page_is_found_by_its_street_from_the_facts() {
    let app = spawn_app().await;
    let page = search(&app, "/suche", "Waterlooplatz", 200).await;
    assert!(result_paths(&page).contains(&"/kontakt".to_owned()));
    assert!(
        !result_paths(&page).contains(&"/ziele".to_owned()),
        "the footer's address does not make every page a result"
    );

    app.execute("update organisation set street = 'Lister Meile 7'")
        .await;
    let page = search(&app, "/suche", "Lister Meile", 200).await;
    assert!(result_paths(&page).contains(&"/kontakt".to_owned()));
    let page = search(&app, "/suche", "Waterlooplatz", 200).await;
    assert_eq!(
        page.text(".search-count"),
        "Keine Treffer für „Waterlooplatz“."
    );
}

#[tokio::test]
async fn a_title_that_matches_ranks_before_a_text_that_mentions_the_word_once() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    staff
        .create_news_item(
            &with(
                news_item(&app, "Bericht aus den Städten"),
                "body",
                "Unter anderem ging es um Quartiersarbeit.",
            ),
            None,
        )
        .await;
    staff
        .create_news_item(&news_item(&app, "Quartiersarbeit in Augsburg"), None)
        .await;
    let page = search(&app, "/suche", "Quartiersarbeit", 200).await;
    assert_eq!(
        result_paths(&page),
        [
            "/aktuelles/quartiersarbeit-in-augsburg",
            "/aktuelles/bericht-aus-den-staedten"
        ]
    );
    assert_eq!(
        page.text(".search-count"),
        "2 Treffer für „Quartiersarbeit“"
    );
}

#[tokio::test]
async fn phrases_in_quotes_and_words_with_a_minus_work_as_on_a_search_engine() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    for (title, body) in [
        (
            "Kameras am Bahnhof",
            "Videoüberwachung am Bahnhof wird geprüft.",
        ),
        ("Licht am Bahnhof", "Mehr Licht am Bahnhof, weniger Angst."),
    ] {
        staff
            .create_news_item(&with(news_item(&app, title), "body", body), None)
            .await;
    }
    let both = search(&app, "/suche", "Bahnhof", 200).await;
    assert_eq!(result_paths(&both).len(), 2);
    let without = search(&app, "/suche", "Bahnhof -Kameras", 200).await;
    assert_eq!(result_paths(&without), ["/aktuelles/licht-am-bahnhof"]);
    let phrase = search(&app, "/suche", "\"Licht am Bahnhof\"", 200).await;
    assert_eq!(result_paths(&phrase), ["/aktuelles/licht-am-bahnhof"]);
    let other_order = search(&app, "/suche", "\"Bahnhof Licht\"", 200).await;
    assert!(result_paths(&other_order).is_empty());
}

#[tokio::test]
async fn news_events_documents_and_members_are_found_and_drafts_are_not() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    staff
        .create_news_item(
            &with(
                news_item(&app, "Geheimer Entwurf Zebrastreifen"),
                "state",
                "draft",
            ),
            None,
        )
        .await;
    staff
        .create_event(&event(
            "Fachtag Nachbarschaft",
            "2030-03-04T09:00",
            "2030-03-04T16:00",
        ))
        .await;
    let response = staff
        .send_document(
            defus::web::admin::paths::DOCUMENTS_NEW,
            &with(
                document_fields("Leitfaden Schulwege"),
                "description",
                "Wie Kommunen Schulwege sicherer machen.",
            ),
            Some(("leitfaden.pdf", pdf("Leitfaden"))),
        )
        .await;
    assert_eq!(response.status(), 303);

    let page = search(&app, "/suche", "Zebrastreifen", 200).await;
    assert!(result_paths(&page).is_empty(), "a draft is not found");
    let page = search(&app, "/suche", "Nachbarschaft", 200).await;
    assert_eq!(result_paths(&page), ["/termine/fachtag-nachbarschaft"]);
    assert_eq!(page.text(".search-result__kind"), "Termin");
    // A document by a word of its description.
    let page = search(&app, "/suche", "sicherer Schulwege", 200).await;
    assert_eq!(result_paths(&page), ["/dokumente/leitfaden-schulwege.pdf"]);
    assert_eq!(page.text(".search-result__kind"), "Dokument");
    // Members, once each, under the visitor's language.
    let page = search(&app, "/en/search", "Heidelberg", 200).await;
    assert!(result_paths(&page).contains(&"/en/members".to_owned()));
    assert_eq!(
        page.select(".search-result__title a[href='/en/members']")
            .len(),
        1
    );
}

#[tokio::test]
async fn results_in_the_page_s_language_come_first_and_the_others_are_marked_as_such() {
    let app = spawn_app().await;
    let page = search(&app, "/en/search", "Waterlooplatz", 200).await;
    let results = page.select(".search-result");
    assert!(results.len() >= 2);
    let languages: Vec<Option<String>> = page
        .select(".search-result__title")
        .into_iter()
        .map(|title| title.value().attr("lang").map(str::to_owned))
        .collect();
    let first_german = languages
        .iter()
        .position(Option::is_some)
        .expect("German results too");
    assert!(first_german > 0, "English first: {languages:?}");
    assert!(
        languages[first_german..]
            .iter()
            .all(|lang| lang.as_deref() == Some("de")),
        "{languages:?}"
    );
    assert!(
        page.texts(".search-result__kind")
            .iter()
            .any(|kind| kind == "Page · German")
    );
    assert_eq!(page.lang(), "en");
    assert!(
        page.text(".search-count")
            .ends_with("results for “Waterlooplatz”")
    );
}

#[tokio::test]
async fn a_title_with_markup_is_shown_as_text() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let response = staff
        .send_document(
            defus::web::admin::paths::DOCUMENTS_NEW,
            &document_fields("<script>alert(1)</script> Satzungstext"),
            Some(("satzung.pdf", pdf("Satzung"))),
        )
        .await;
    assert_eq!(response.status(), 303);
    let page = search(&app, "/suche", "Satzungstext", 200).await;
    assert_eq!(
        page.text(".search-result__title"),
        "<script>alert(1)</script> Satzungstext"
    );
    assert_eq!(marked(&page), ["Satzungstext"]);
    assert!(page.select("main script").is_empty());
    let body = app
        .get("/suche?q=Satzungstext")
        .await
        .text()
        .await
        .expect("a body");
    let title = body
        .lines()
        .find(|line| line.contains("search-result__title"))
        .unwrap_or_default();
    assert!(
        title.contains("&#60;script&#62;alert(1)&#60;/script&#62; <mark>Satzungstext</mark>"),
        "{title}"
    );
}

#[tokio::test]
async fn queries_without_searchable_words_get_a_helpful_answer() {
    let app = spawn_app().await;
    for (path, query) in [
        ("/suche", "der die das"),
        ("/suche", "!!! ???"),
        ("/suche", "-Polizei"),
        ("/en/search", "the and of"),
    ] {
        let page = search(&app, path, query, 200).await;
        let notice = page.text("main .form-notice");
        assert!(
            notice.contains("häufige Wörter") || notice.contains("common words"),
            "{query}: {notice}"
        );
        assert!(page.select(".search-result").is_empty());
    }
    let empty = app.page("/suche", 200).await;
    assert!(empty.main_text().contains("Geben Sie ein Wort ein"));
    let none = search(&app, "/suche", "Quxwertzuiop", 200).await;
    assert_eq!(
        none.text(".search-count"),
        "Keine Treffer für „Quxwertzuiop“."
    );
    assert!(none.main_text().contains("Prüfen Sie die Schreibweise."));
}

#[tokio::test]
async fn hostile_queries_get_an_answer_never_a_server_error() {
    let app = spawn_app().await;
    let too_long = "Prävention ".repeat(30);
    let page = search(&app, "/suche", &too_long, 400).await;
    assert!(
        page.text("main .form-notice")
            .contains("höchstens 200 Zeichen")
    );
    assert_eq!(
        page.attribute("main input[name=q]", "value").as_deref(),
        Some(too_long.as_str()),
        "the query is kept to be shortened"
    );
    for raw in [
        "q=a%00b",
        "q=%FF%FE%FD",
        "q=%0D%0ASet-Cookie:%20x=1",
        "q=%27%3B%20drop%20table%20page%3B--",
        "q=%3A*%20%26%20%7C%20!%20(%20%3C-%3E%20%5C",
        "q=%22%22%22",
        "q=a&q=b",
        "q=Pr%C3%A4vention&seite=999999999999999999999",
        "q=Pr%C3%A4vention&seite=-1",
    ] {
        let response = app.get(&format!("/suche?{raw}")).await;
        let status = response.status();
        assert!(
            status.is_success() || status.is_client_error(),
            "{raw}: {status}"
        );
        assert!(
            response.headers().get("set-cookie").is_none(),
            "{raw} sets no cookie"
        );
        let page = Page::of(response).await;
        assert_eq!(page.lang(), "de", "{raw} is answered in German");
    }
    let page_two = search(&app, "/suche", "Prävention", 200).await;
    assert!(page_two.select(".search-result").len() > 1);
    assert_eq!(
        app.page("/suche?q=Pr%C3%A4vention&seite=40", 404)
            .await
            .lang(),
        "de"
    );
    // The database took all of it and still answers.
    assert_eq!(
        app.public_page(PageKey::Start, Locale::De).await.lang(),
        "de"
    );
}

#[tokio::test]
async fn many_results_come_in_pages_that_keep_the_query() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    for number in 1..=12 {
        staff
            .create_news_item(&news_item(&app, &format!("Stadtteilrunde {number}")), None)
            .await;
    }
    let first = search(&app, "/suche", "Stadtteilrunde", 200).await;
    assert_eq!(
        first.text(".search-count"),
        "12 Treffer für „Stadtteilrunde“"
    );
    assert_eq!(first.select(".search-result").len(), 10);
    let next = first
        .attribute(".pagination a[rel=next]", "href")
        .expect("a link to more results");
    assert_eq!(next, "/suche?q=Stadtteilrunde&seite=2");
    let second = app.page(&next, 200).await;
    assert_eq!(second.select(".search-result").len(), 2);
    assert_eq!(
        second
            .attribute(".pagination a[rel=prev]", "href")
            .as_deref(),
        Some("/suche?q=Stadtteilrunde")
    );
    let switch = second.select("header .language-switch a[hreflang=en]");
    assert_eq!(
        switch.first().and_then(|link| link.value().attr("href")),
        Some("/en/search?q=Stadtteilrunde")
    );
    assert_eq!(text_of(switch[0]), "English");
}
