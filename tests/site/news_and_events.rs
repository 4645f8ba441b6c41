//! News and events as the office publishes them through the staff forms, and as visitors,
//! feed readers and calendar programs then see them.

use chrono::Days;
use defus::web::admin::paths;

use crate::helpers::{
    Picture, card_titles, event, id_in, news_item, read_calendar, read_feed, spawn_app,
    spawn_app_on_movable_clock, with,
};

#[tokio::test]
async fn a_news_item_with_a_picture_appears_on_its_list_page_start_page_and_feed() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let fields = with(
        news_item(&app, "Jahresbericht 2025"),
        "image_alt",
        "Die Vorsitzende stellt den Bericht vor",
    );
    staff
        .create_news_item(&fields, Some(Picture::png(2400, 1600)))
        .await;

    let list = app.page("/aktuelles", 200).await;
    assert_eq!(card_titles(&list), ["Jahresbericht 2025"]);

    let page = app.page("/aktuelles/jahresbericht-2025", 200).await;
    assert_eq!(page.text("h1"), "Jahresbericht 2025");
    assert_eq!(page.text(".lead"), "Kurz gesagt: Jahresbericht 2025.");
    assert_eq!(page.text(".prose h2"), "Worum es geht");
    assert_eq!(page.text(".prose strong"), "Mitgliedsstädte");
    assert_eq!(
        page.attribute("img.picture", "alt").as_deref(),
        Some("Die Vorsitzende stellt den Bericht vor")
    );
    // Scaled down once to the page width, with its size in the HTML.
    assert_eq!(
        page.attribute("img.picture", "width").as_deref(),
        Some("1200")
    );
    assert_eq!(
        page.attribute("img.picture", "height").as_deref(),
        Some("800")
    );
    let src = page.attribute("img.picture", "src").expect("a picture");
    let picture = app.get(&src).await;
    assert_eq!(picture.status(), 200);
    let media_type = picture.headers()["content-type"]
        .to_str()
        .expect("a media type");
    assert!(
        ["image/jpeg", "image/png"].contains(&media_type),
        "{media_type}"
    );
    assert_eq!(
        picture.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let bytes = picture.bytes().await.expect("the picture");
    let decoded = image::load_from_memory(&bytes).expect("a picture that decodes");
    assert_eq!((decoded.width(), decoded.height()), (1200, 800));

    let start = app.page("/", 200).await;
    assert_eq!(
        start.texts(".home-sections #home-news ~ .cards .card__title"),
        ["Jahresbericht 2025"]
    );

    let feed = read_feed(&app, "/aktuelles.atom").await;
    assert_eq!(feed.entries.len(), 1);
    let entry = &feed.entries[0];
    assert_eq!(
        entry.title.as_ref().map(|title| title.content.as_str()),
        Some("Jahresbericht 2025")
    );
    assert_eq!(
        entry.links[0].href,
        app.url("/aktuelles/jahresbericht-2025")
    );
    assert!(
        entry
            .content
            .as_ref()
            .and_then(|content| content.body.as_deref())
            .is_some_and(|body| body.contains("<strong>Mitgliedsstädte</strong>")),
        "{entry:?}"
    );

    // In German only: the English side does not show it.
    assert!(card_titles(&app.page("/en/news", 200).await).is_empty());
    assert!(read_feed(&app, "/en/news.atom").await.entries.is_empty());
    assert_eq!(
        app.page("/aktuelles/jahresbericht-2025", 200)
            .await
            .attribute(".language-switch a[hreflang]", "href")
            .as_deref(),
        Some("/en/news")
    );
}

#[tokio::test]
async fn an_event_appears_on_its_list_page_start_page_and_in_the_calendars() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let day = app.today().checked_add_days(Days::new(12)).expect("a day");
    let editor = staff
        .create_event(&event(
            "Fachtag Sicherheit im Quartier",
            &format!("{day}T10:00"),
            &format!("{day}T16:30"),
        ))
        .await;

    let list = app.page("/termine", 200).await;
    assert_eq!(card_titles(&list), ["Fachtag Sicherheit im Quartier"]);
    assert_eq!(list.text(".countdown"), "in 12 Tagen");

    let path = "/termine/fachtag-sicherheit-im-quartier";
    let page = app.page(path, 200).await;
    assert_eq!(page.text("h1"), "Fachtag Sicherheit im Quartier");
    assert!(
        page.text(".event-facts").contains("10:00–16:30 Uhr"),
        "{}",
        page.text(".event-facts")
    );
    assert!(page.text(".event-facts").contains("Congress Centrum"));

    let start = app.page("/", 200).await;
    assert_eq!(
        start.texts("#home-events ~ .cards .card__title"),
        ["Fachtag Sicherheit im Quartier"]
    );
    assert_eq!(
        start.text("#home-events ~ .cards .countdown"),
        "in 12 Tagen"
    );

    let entries = read_calendar(&app, "/termine.ics").await;
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(entry.value("SUMMARY"), "Fachtag Sicherheit im Quartier");
    assert_eq!(
        entry.value("UID"),
        format!("event-{}@127.0.0.1", id_in(&editor))
    );
    assert_eq!(entry.value("URL"), app.url(path));
    let file_path = page
        .attribute("a[href$='.ics']", "href")
        .expect("a link to the calendar file");
    let file = read_calendar(&app, &file_path).await;
    assert_eq!(file[0].value("UID"), entry.value("UID"));

    assert!(read_calendar(&app, "/en/events.ics").await.is_empty());
}

#[tokio::test]
async fn calendar_programs_get_utc_times_across_summer_time_and_text_as_written() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let description = "Anmeldung bis Freitag, 12 Uhr; danach nur vor Ort.\nÜber Straßen, Plätze und Grünanlagen – mit Bürgerinnen und Bürgern. Ein sehr langer Satz, damit die Zeile gefaltet werden muss.";
    let fields = with(
        event(
            "Sicherheit, Ordnung; Prävention",
            "2027-03-28T10:00",
            "2027-03-28T12:00",
        ),
        "description",
        description,
    );
    let editor = staff.create_event(&fields).await;

    let entries = read_calendar(&app, "/termine.ics").await;
    let entry = &entries[0];
    // 28 March 2027 is the day summer time begins: 10:00 in Berlin is 08:00 UTC.
    assert_eq!(entry.value("DTSTART"), "20270328T080000Z");
    assert_eq!(entry.value("DTEND"), "20270328T100000Z");
    assert_eq!(entry.value("SUMMARY"), "Sicherheit, Ordnung; Prävention");
    assert!(
        entry.value("DESCRIPTION").starts_with(
            "Anmeldung bis Freitag, 12 Uhr; danach nur vor Ort. Über Straßen, Plätze und Grünanlagen"
        ),
        "{}",
        entry.value("DESCRIPTION")
    );
    assert_eq!(
        entry.value("LOCATION"),
        "Congress Centrum, Theodor-Heuss-Platz 1-3, Hannover"
    );
    let uid = entry.value("UID");

    // Edited: the same UID, so that calendars replace the event instead of adding another.
    let response = staff
        .save_event(
            &editor,
            &with(fields.clone(), "title", "Sicherheit im öffentlichen Raum"),
        )
        .await;
    assert_eq!(response.status(), 303);
    let entries = read_calendar(&app, "/termine.ics").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].value("UID"), uid);
    assert_eq!(
        entries[0].value("SUMMARY"),
        "Sicherheit im öffentlichen Raum"
    );
}

#[tokio::test]
async fn whole_day_events_are_dates_in_calendars() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let fields = with(
        event(
            "Mitgliederversammlung",
            "2027-05-10T00:00",
            "2027-05-11T00:00",
        ),
        "all_day",
        "on",
    );
    staff.create_event(&fields).await;

    let entries = read_calendar(&app, "/termine.ics").await;
    let entry = &entries[0];
    assert_eq!(entry.value("DTSTART"), "20270510");
    assert_eq!(entry.parameter("DTSTART", "VALUE").as_deref(), Some("DATE"));
    // The end of whole days is the day after the last one.
    assert_eq!(entry.value("DTEND"), "20270512");
    let page = app.page("/termine/mitgliederversammlung", 200).await;
    assert_eq!(
        page.text(".event-facts time"),
        "10. Mai 2027 – 11. Mai 2027"
    );
}

#[tokio::test]
async fn drafts_and_items_for_a_later_day_stay_hidden_until_their_day_comes() {
    let app = spawn_app_on_movable_clock().await;
    let staff = app.signed_in_staff().await;
    let in_two_days = app.today().checked_add_days(Days::new(2)).expect("a day");
    staff
        .create_news_item(
            &with(
                news_item(&app, "Neue Mitglieder"),
                "published_on",
                &in_two_days.to_string(),
            ),
            None,
        )
        .await;
    staff
        .create_news_item(
            &with(news_item(&app, "Nur ein Entwurf"), "state", "draft"),
            None,
        )
        .await;
    staff
        .create_event(&with(
            event("Geheimer Termin", "2027-06-01T10:00", "2027-06-01T11:00"),
            "state",
            "draft",
        ))
        .await;

    for path in [
        "/aktuelles/neue-mitglieder",
        "/aktuelles/nur-ein-entwurf",
        "/termine/geheimer-termin",
    ] {
        app.page(path, 404).await;
    }
    assert!(card_titles(&app.page("/aktuelles", 200).await).is_empty());
    assert!(card_titles(&app.page("/termine", 200).await).is_empty());
    assert!(card_titles(&app.page("/", 200).await).is_empty());
    assert!(read_feed(&app, "/aktuelles.atom").await.entries.is_empty());
    assert!(read_calendar(&app, "/termine.ics").await.is_empty());
    // The office sees them, with their state.
    let office_list = staff.page(paths::NEWS, 200).await;
    let states = office_list.texts("tbody td[data-label=Status]");
    assert_eq!(states, ["geplant", "Entwurf"]);

    // Two days later, the scheduled item is there, without anyone saving it again.
    app.advance_days_until(2, "/aktuelles/neue-mitglieder", 200)
        .await;
    assert_eq!(
        card_titles(&app.page("/aktuelles", 200).await),
        ["Neue Mitglieder"]
    );
    assert_eq!(
        app.page("/", 200)
            .await
            .texts("#home-news ~ .cards .card__title"),
        ["Neue Mitglieder"]
    );
    let feed = read_feed(&app, "/aktuelles.atom").await;
    assert_eq!(feed.entries.len(), 1);
    app.page("/aktuelles/nur-ein-entwurf", 404).await;
}

#[tokio::test]
async fn a_renamed_slug_answers_with_a_permanent_redirect() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let fields = news_item(&app, "Jahresbericht 2025");
    let editor = staff.create_news_item(&fields, None).await;
    app.page("/aktuelles/jahresbericht-2025", 200).await;

    let renamed = with(with(fields, "slug", "bericht-2025"), "action", "save");
    let response = staff.post_multipart(&editor, &renamed, None).await;
    assert_eq!(response.status(), 303);

    let old = app.get("/aktuelles/jahresbericht-2025").await;
    assert_eq!(old.status(), 301);
    assert_eq!(old.headers()["location"], "/aktuelles/bericht-2025");
    app.page("/aktuelles/bericht-2025", 200).await;

    // Events too, with their calendar file.
    let event_fields = event(
        "Werkstatt Prävention",
        "2027-06-01T10:00",
        "2027-06-01T11:00",
    );
    let event_editor = staff.create_event(&event_fields).await;
    let response = staff
        .save_event(&event_editor, &with(event_fields, "slug", "werkstatt-2027"))
        .await;
    assert_eq!(response.status(), 303);
    let old = app.get("/termine/werkstatt-praevention").await;
    assert_eq!(old.status(), 301);
    assert_eq!(old.headers()["location"], "/termine/werkstatt-2027");
    let old_file = app.get("/termine/werkstatt-praevention.ics").await;
    assert_eq!(old_file.status(), 301);
    assert_eq!(
        old_file.headers()["location"],
        "/termine/werkstatt-2027.ics"
    );
}

#[tokio::test]
async fn slugs_are_unique_and_can_be_typed() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    staff
        .create_news_item(&news_item(&app, "Neue Mitglieder"), None)
        .await;
    staff
        .create_news_item(&news_item(&app, "Neue Mitglieder!"), None)
        .await;
    app.page("/aktuelles/neue-mitglieder", 200).await;
    app.page("/aktuelles/neue-mitglieder-2", 200).await;

    // A slug typed that another item has is refused at its field.
    let fields = with(
        with(news_item(&app, "Etwas anderes"), "slug", "neue-mitglieder"),
        "action",
        "save",
    );
    let response = staff.post_multipart(paths::NEWS_NEW, &fields, None).await;
    assert_eq!(response.status(), 422);
    let page = crate::helpers::Page::of(response).await;
    assert_eq!(
        page.text("#field-slug-error"),
        "Fehler: Das ist schon vergeben."
    );
    assert_eq!(
        page.attribute("#field-title", "value").as_deref(),
        Some("Etwas anderes")
    );
}

#[tokio::test]
async fn bad_event_forms_come_back_with_messages_at_their_fields_and_the_values_kept() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let fields = with(
        with(
            event("Werkstatt", "2027-03-28T10:00", "2027-03-28T09:00"),
            "registration_url",
            "javascript:alert(1)",
        ),
        "action",
        "save",
    );
    let sent: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let response = staff.post(paths::EVENTS_NEW, &sent).await;
    assert_eq!(response.status(), 422);
    let page = crate::helpers::Page::of(response).await;
    assert!(page.text("title").starts_with("Fehler: "));
    assert_eq!(
        page.text("#field-ends-at-error"),
        "Fehler: Das Ende liegt vor dem Beginn. Bitte prüfen Sie Datum und Uhrzeit."
    );
    assert!(
        page.text("#field-registration-url-error")
            .contains("https://")
    );
    assert_eq!(
        page.attribute("#field-registration-url", "value")
            .as_deref(),
        Some("javascript:alert(1)")
    );
    assert_eq!(
        page.attribute("#field-starts-at", "value").as_deref(),
        Some("2027-03-28T10:00")
    );
    assert_eq!(page.select(".error-summary li").len(), 2);

    for (starts_at, message) in [
        (
            "2027-02-30T10:00",
            "Bitte geben Sie Datum und Uhrzeit an, die es gibt",
        ),
        (
            "2027-03-28T02:30",
            "Diese Uhrzeit gibt es an diesem Tag nicht",
        ),
    ] {
        let fields = with(
            with(
                event("Werkstatt", starts_at, "2027-03-28T11:00"),
                "action",
                "save",
            ),
            "ends_at",
            "2027-03-28T11:00",
        );
        let sent: Vec<(&str, &str)> = fields
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        let page = crate::helpers::Page::of(staff.post(paths::EVENTS_NEW, &sent).await).await;
        assert!(
            page.text("#field-starts-at-error").contains(message),
            "{starts_at}: {}",
            page.text("#field-starts-at-error")
        );
    }
    assert_eq!(app.count("select count(*) from event").await, 0);
}

#[tokio::test]
async fn bad_news_forms_come_back_with_messages_at_their_fields() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let fields = with(
        with(
            with(news_item(&app, ""), "published_on", "2027-04-31"),
            "teaser",
            "Behalten",
        ),
        "action",
        "save",
    );
    let response = staff.post_multipart(paths::NEWS_NEW, &fields, None).await;
    assert_eq!(response.status(), 422);
    let page = crate::helpers::Page::of(response).await;
    assert_eq!(
        page.text("#field-title-error"),
        "Fehler: Bitte füllen Sie dieses Feld aus."
    );
    assert!(page.text("#field-published-on-error").contains("Datum"));
    assert_eq!(page.text("#field-teaser"), "Behalten");
    assert_eq!(app.count("select count(*) from news_item").await, 0);
}

#[tokio::test]
async fn pictures_of_the_wrong_type_or_size_are_refused_with_a_message() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let fields = with(
        with(news_item(&app, "Mit Bild"), "image_alt", "Ein Bild"),
        "action",
        "save",
    );

    // A PDF named like a photo: recognised by its content.
    let not_a_picture = Picture {
        bytes: b"%PDF-1.7\n1 0 obj << >> endobj\n".to_vec(),
        file_name: "foto.jpg",
        media_type: "image/jpeg",
    };
    let response = staff
        .post_multipart(paths::NEWS_NEW, &fields, Some(not_a_picture))
        .await;
    assert_eq!(response.status(), 422);
    let page = crate::helpers::Page::of(response).await;
    assert!(
        page.text("#field-image-error")
            .contains("kein Bild im Format JPEG, PNG oder WebP"),
        "{}",
        page.text("#field-image-error")
    );
    assert_eq!(
        page.attribute("#field-title", "value").as_deref(),
        Some("Mit Bild")
    );

    // Over 10 MB: refused at the field, the rest kept.
    let mut large = Picture::png(64, 64);
    large.bytes.resize(11 * 1024 * 1024, 0);
    let response = staff
        .post_multipart(paths::NEWS_NEW, &fields, Some(large))
        .await;
    assert_eq!(response.status(), 422);
    let page = crate::helpers::Page::of(response).await;
    assert!(page.text("#field-image-error").contains("größer als 10 MB"));

    // Far too large to take in at all: the staff area's page for that.
    let mut huge = Picture::png(64, 64);
    huge.bytes.resize(30 * 1024 * 1024, 0);
    let response = staff
        .post_multipart(paths::NEWS_NEW, &fields, Some(huge))
        .await;
    assert_eq!(response.status(), 413);
    let page = crate::helpers::Page::of(response).await;
    assert!(
        page.select("body.admin").len() == 1,
        "the staff area's layout"
    );
    assert_eq!(app.count("select count(*) from news_item").await, 0);
    assert_eq!(app.count("select count(*) from image").await, 0);
}

#[tokio::test]
async fn a_picture_uploaded_with_a_form_that_came_back_is_kept() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let fields = with(news_item(&app, "Mit Bild"), "action", "save");
    // The description is missing: the form comes back, with the picture it received.
    let response = staff
        .post_multipart(paths::NEWS_NEW, &fields, Some(Picture::png(800, 600)))
        .await;
    assert_eq!(response.status(), 422);
    let page = crate::helpers::Page::of(response).await;
    assert!(
        page.text("#field-image-alt-error")
            .contains("Bitte füllen Sie")
    );
    let key = page
        .attribute("input[name=image_key]", "value")
        .expect("the uploaded picture is carried");

    let fields = with(
        with(
            with(fields, "image_alt", "Ein Stadtplatz"),
            "image_key",
            &key,
        ),
        "action",
        "save",
    );
    staff.create_news_item(&fields, None).await;
    let page = app.page("/aktuelles/mit-bild", 200).await;
    assert_eq!(
        page.attribute("img.picture", "alt").as_deref(),
        Some("Ein Stadtplatz")
    );
    assert_eq!(
        page.attribute("img.picture", "width").as_deref(),
        Some("800")
    );
}

#[tokio::test]
async fn the_language_switch_leads_to_the_counterpart_in_the_other_language() {
    let app = spawn_app().await;
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

    let page = app.page("/aktuelles/neue-mitglieder", 200).await;
    assert_eq!(
        page.attribute(".language-switch a[hreflang]", "href")
            .as_deref(),
        Some("/en/news/new-members")
    );
    let english_page = app.page("/en/news/new-members", 200).await;
    assert_eq!(english_page.lang(), "en");
    assert_eq!(
        english_page
            .attribute(".language-switch a[hreflang]", "href")
            .as_deref(),
        Some("/aktuelles/neue-mitglieder")
    );
    assert_eq!(
        card_titles(&app.page("/en/news", 200).await),
        ["New members"]
    );
    assert!(
        english_page.text(".card__meta").contains("Published on"),
        "dates the English way"
    );
}

#[tokio::test]
async fn long_lists_come_in_pages_of_ten() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    for number in 1..=12 {
        staff
            .create_news_item(&news_item(&app, &format!("Meldung {number}")), None)
            .await;
    }
    let first = app.page("/aktuelles", 200).await;
    assert_eq!(card_titles(&first).len(), 10);
    assert_eq!(card_titles(&first)[0], "Meldung 12");
    assert_eq!(
        first
            .attribute(".pagination a[rel=next]", "href")
            .as_deref(),
        Some("/aktuelles?seite=2")
    );
    let second = app.page("/aktuelles?seite=2", 200).await;
    assert_eq!(card_titles(&second), ["Meldung 2", "Meldung 1"]);
    assert!(second.text("h1").ends_with("Seite 2 von 2"));
    app.page("/aktuelles?seite=3", 404).await;
    app.page("/aktuelles?seite=zwei", 404).await;
}

#[tokio::test]
async fn past_events_follow_the_upcoming_ones_latest_first() {
    let app = spawn_app_on_movable_clock().await;
    let staff = app.signed_in_staff().await;
    let today = app.today();
    let day = |offset: u64| today.checked_add_days(Days::new(offset)).expect("a day");
    for (title, offset) in [("Später", 20), ("Bald", 3), ("Vorbei bald", 1)] {
        let starts = format!("{}T10:00", day(offset));
        let ends = format!("{}T12:00", day(offset));
        staff.create_event(&event(title, &starts, &ends)).await;
    }
    let list = app.page("/termine", 200).await;
    assert_eq!(
        list.texts("#upcoming-events ~ .cards .card__title"),
        ["Vorbei bald", "Bald", "Später"]
    );
    assert_eq!(
        app.page("/", 200)
            .await
            .texts("#home-events ~ .cards .countdown"),
        ["morgen", "in 3 Tagen", "in 20 Tagen"]
    );

    app.advance_days_until(5, "/", 200).await;
    // The refresh for the new day is under way; wait until the list shows it.
    let mut list = app.page("/termine", 200).await;
    for _ in 0..100 {
        if !list.select("#past-events").is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        list = app.page("/termine", 200).await;
    }
    assert_eq!(
        list.texts("#upcoming-events ~ .cards .card__title"),
        ["Später"]
    );
    assert_eq!(
        list.texts("#past-events ~ .cards .card__title"),
        ["Bald", "Vorbei bald"]
    );
    let calendar = read_calendar(&app, "/termine.ics").await;
    assert_eq!(calendar.len(), 1, "the calendar holds what is to come");
}

#[tokio::test]
async fn the_office_publishes_withdraws_versions_and_deletes_with_a_confirmation() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let fields = with(news_item(&app, "Tagung"), "state", "draft");
    let editor = staff.create_news_item(&fields, None).await;
    let id = id_in(&editor);
    app.page("/aktuelles/tagung", 404).await;

    let response = staff
        .post(
            &paths::item_state(defus::content::items::ItemKind::News, id),
            &[("state", "published")],
        )
        .await;
    assert_eq!(response.status(), 303);
    app.page("/aktuelles/tagung", 200).await;
    let editor_page = staff.page(&editor, 200).await;
    assert!(editor_page.text(".item-status").contains("veröffentlicht"));
    assert!(
        editor_page
            .text(".item-status")
            .contains("Zuletzt gespeichert")
    );

    let published = with(fields, "state", "published");
    let edited = with(with(published, "teaser", "Neu gefasst."), "action", "save");
    let response = staff.post_multipart(&editor, &edited, None).await;
    assert_eq!(response.status(), 303);
    let versions = staff
        .page(
            &paths::item_versions(defus::content::items::ItemKind::News, id),
            200,
        )
        .await;
    assert_eq!(versions.select("tbody tr").len(), 3);

    let response = staff
        .post(
            &paths::item_state(defus::content::items::ItemKind::News, id),
            &[("state", "draft")],
        )
        .await;
    assert_eq!(response.status(), 303);
    app.page("/aktuelles/tagung", 404).await;

    let delete_path = paths::item_delete(defus::content::items::ItemKind::News, id);
    let confirmation = staff.page(&delete_path, 200).await;
    assert!(confirmation.text("h1").contains("„Tagung“ löschen?"));
    let response = staff.post(&delete_path, &[]).await;
    assert_eq!(response.status(), 303);
    staff.page(&editor, 404).await;
    assert_eq!(app.count("select count(*) from news_item").await, 0);
    let log = app
        .fetch_all::<String>("select kind from activity where subject = 'news:1' order by id")
        .await;
    assert_eq!(
        log,
        [
            "news_created",
            "news_saved",
            "news_saved",
            "news_saved",
            "news_deleted"
        ]
    );
}
