//! The staff area as the office uses it: nothing typed is lost, who did what is recorded,
//! colleagues are managed in the browser, and the overview says what needs doing.

use defus::content::PageKey;
use defus::i18n::Locale;
use defus::staff::account::Role;
use defus::web::admin::notice::Notice;
use defus::web::admin::paths;
use reqwest::StatusCode;

use crate::helpers::{
    Page, PageText, STAFF_EMAIL, STAFF_PASSWORD, Staff, TestApp, assert_is_sent_to_sign_in,
    assert_redirects_to, code_in, spawn_app, spawn_app_with_smtp, valid_inquiry,
    valid_inquiry_with,
};

/// Ends every session, as 30 minutes without a click would.
async fn let_the_sessions_expire(app: &TestApp) {
    app.execute("delete from staff_session").await;
}

/// Sends the sign-in form of a "sign in again" page with every field it carries.
async fn sign_in_again(staff: &Staff<'_>, page: &Page, password: &str) -> reqwest::Response {
    send_sign_in_again(
        staff,
        page,
        &[
            ("anmeldung_email", STAFF_EMAIL),
            ("anmeldung_passwort", password),
        ],
    )
    .await
}

/// Sends the form of a "sign in again" page with every field it carries and `typed`.
async fn send_sign_in_again(
    staff: &Staff<'_>,
    page: &Page,
    typed: &[(&str, &str)],
) -> reqwest::Response {
    let action = page.attribute("main form", "action").expect("a form");
    let mut fields: Vec<(String, String)> = page
        .select("main form input[type=hidden]")
        .into_iter()
        .map(|input| {
            (
                input.value().attr("name").unwrap_or_default().to_owned(),
                input.value().attr("value").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    fields.extend(
        typed
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
    );
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    staff.post_raw(&action, &fields).await
}

#[tokio::test]
async fn a_save_after_the_session_ended_signs_in_on_the_same_page_and_then_saves() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let (goals, german) = (PageKey::Goals, Locale::De);
    let editor = staff.page(&paths::page(goals, german), 200).await;
    let stand = editor.attribute("input[name=stand]", "value").unwrap();
    let_the_sessions_expire(&app).await;

    let text = "Ein langer Text,\r\nan dem ich eine halbe Stunde geschrieben habe.";
    let response = staff
        .post(
            &paths::page(goals, german),
            &[
                ("title", "Ziele, neu"),
                ("meta_description", ""),
                ("body_markdown", text),
                ("stand", &stand),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = Page::of(response).await;
    assert_eq!(page.text("main h1"), "Bitte erneut anmelden");
    assert_eq!(
        page.attribute("main form", "action").as_deref(),
        Some(paths::page(goals, german).as_str()),
        "signing in happens on the same page"
    );
    assert_eq!(
        page.attribute("input[name=body_markdown]", "value")
            .as_deref(),
        Some(text.replace("\r\n", "\n").as_str()),
        "the text is kept in the form"
    );
    assert!(
        page.text("details.carried")
            .contains("halbe Stunde geschrieben")
    );
    assert_eq!(
        app.count("select count(*) from page where title = 'Ziele, neu'")
            .await,
        0,
        "nothing was saved yet"
    );

    // A wrong password keeps the text as well.
    let wrong = sign_in_again(&staff, &page, "falsch, aber lang genug").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::of(wrong).await;
    assert!(page.text(".form-notice").contains("fehlgeschlagen"));

    let saved = sign_in_again(&staff, &page, STAFF_PASSWORD).await;
    assert_redirects_to(
        &saved,
        &paths::with_notice(&paths::page(goals, german), Notice::Saved),
    );
    assert!(
        saved
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|cookie| cookie.to_str().unwrap().starts_with("defus_staff=")),
        "signed in again"
    );
    let public = app.public_page(goals, german).await;
    assert_eq!(public.text("main h1"), "Ziele, neu");
    assert!(public.main_text().contains("eine halbe Stunde geschrieben"));
    let revision_author: String = app
        .fetch_one("select author from page_revision order by id desc limit 1")
        .await;
    assert_eq!(revision_author, STAFF_EMAIL);
    assert_eq!(staff.get(paths::DASHBOARD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn with_two_factor_sign_in_a_save_after_the_session_ended_asks_for_the_code_and_then_saves() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let (totp, _) = app.enable_two_factor(STAFF_EMAIL).await;
    let (goals, german) = (PageKey::Goals, Locale::De);
    let response = staff
        .save_page(
            goals,
            german,
            PageText {
                title: "Ziele mit zwei Schritten",
                meta_description: "",
                body_markdown: "Nach der Anmeldung in zwei Schritten gespeichert.",
            },
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "the session ended"
    );
    let page = Page::of(response).await;

    let response = sign_in_again(&staff, &page, STAFF_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = Page::of(response).await;
    assert!(
        page.text("label[for=field-anmeldung-code]") == "Code",
        "the code is asked for next"
    );
    let wrong = send_sign_in_again(&staff, &page, &[("anmeldung_code", "000000")]).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::of(wrong).await;
    assert!(
        page.text(".form-notice")
            .starts_with("Der Code stimmt nicht")
    );

    let saved = send_sign_in_again(&staff, &page, &[("anmeldung_code", &code_in(&totp, 0))]).await;
    assert_redirects_to(
        &saved,
        &paths::with_notice(&paths::page(goals, german), Notice::Saved),
    );
    let public = app.public_page(goals, german).await;
    assert_eq!(public.text("main h1"), "Ziele mit zwei Schritten");
}

#[tokio::test]
async fn a_save_after_sign_in_still_stops_over_a_colleague_s_newer_change() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let (contact, german) = (PageKey::Contact, Locale::De);
    let editor = staff.page(&paths::page(contact, german), 200).await;
    let stand = editor.attribute("input[name=stand]", "value").unwrap();
    let colleague = app
        .signed_in_colleague("kollegin@defus.org", Role::Editorial)
        .await;
    colleague
        .save_page(
            contact,
            german,
            PageText::new("Kontakt (Kollegin)", "Ihr Text"),
        )
        .await;
    let_the_sessions_expire(&app).await;
    let response = staff
        .post(
            &paths::page(contact, german),
            &[
                ("title", "Kontakt (ich)"),
                ("body_markdown", "Mein Text"),
                ("stand", &stand),
            ],
        )
        .await;
    let page = Page::of(response).await;
    let after = sign_in_again(&staff, &page, STAFF_PASSWORD).await;
    assert_eq!(after.status(), StatusCode::CONFLICT);
    let page = Page::of(after).await;
    assert_eq!(
        page.attribute("input[name=title]", "value").as_deref(),
        Some("Kontakt (ich)")
    );
    assert_eq!(
        app.public_page(contact, german).await.text("main h1"),
        "Kontakt (Kollegin)"
    );
}

#[tokio::test]
async fn a_note_written_after_the_session_ended_is_saved_after_signing_in() {
    let app = spawn_app().await;
    let inquiry = app.new_inquiry(&valid_inquiry()).await;
    let staff = app.signed_in_staff().await;
    let_the_sessions_expire(&app).await;
    let response = staff
        .post(
            &paths::inquiry_notes(inquiry.id),
            &[("text", "Hat angerufen, will die Satzung.")],
        )
        .await;
    let saved = sign_in_again(&staff, &Page::of(response).await, STAFF_PASSWORD).await;
    assert_redirects_to(
        &saved,
        &paths::with_notice(&paths::inquiry(inquiry.id), Notice::NoteAdded),
    );
    let detail = staff.page(&paths::inquiry(inquiry.id), 200).await;
    assert!(
        detail
            .text("ol.notes")
            .contains("Hat angerufen, will die Satzung.")
    );
}

/// The log's rows as (who, what, about what).
async fn log(staff: &Staff<'_>, query: &str) -> Vec<(String, String, String)> {
    let page = staff
        .page(&format!("{}{query}", paths::ACTIVITY), 200)
        .await;
    page.select("table.activity tbody tr")
        .into_iter()
        .map(|row| {
            let cell = |label: &str| {
                row.select(&scraper::Selector::parse(&format!("td[data-label={label}]")).unwrap())
                    .next()
                    .map(crate::helpers::text_of)
                    .unwrap_or_default()
            };
            (cell("Wer"), cell("Was"), cell("Woran"))
        })
        .collect()
}

#[tokio::test]
async fn the_activity_log_records_each_kind_of_change_with_the_right_person() {
    let (app, _smtp) = spawn_app_with_smtp().await;
    let first = app.new_inquiry(&valid_inquiry()).await;
    let second = app
        .new_inquiry(&valid_inquiry_with(&[("email", "loeschen@stadt-x.de")]))
        .await;
    let third = app.new_inquiry(&valid_inquiry()).await;
    app.deliver_all_due_emails().await;
    let staff = app.signed_in_staff().await;
    let colleague = app
        .signed_in_colleague("kollegin@defus.org", Role::Editorial)
        .await;
    let colleague_id: i64 = app
        .fetch_one("select id from staff_account where email = 'kollegin@defus.org'")
        .await;

    staff
        .post(
            &paths::inquiry_status(first.id),
            &[("status", "in_progress")],
        )
        .await;
    staff
        .post(
            &paths::inquiry_notes(first.id),
            &[("text", "Vertraulich: ruft zurück")],
        )
        .await;
    staff
        .post(
            &paths::inquiry_assignment(first.id),
            &[("zustaendig", &colleague_id.to_string())],
        )
        .await;
    staff.post(&paths::inquiry_resend(first.id), &[]).await;
    staff.post(&paths::inquiry_delete(third.id), &[]).await;
    staff
        .post(paths::ERASURE, &[("email", "loeschen@stadt-x.de")])
        .await;
    colleague
        .save_page(PageKey::Goals, Locale::De, PageText::new("Ziele", "Neu."))
        .await;
    let revision: i64 = app
        .fetch_one("select min(id) from page_revision where page_key = 'goals' and locale = 'de'")
        .await;
    colleague
        .post(
            &paths::page_restore(PageKey::Goals, Locale::De, revision),
            &[],
        )
        .await;
    let facts = staff.page(paths::FACTS, 200).await;
    let mut fields: Vec<(String, String)> = facts
        .select("form.form input[name], form.form textarea[name]")
        .into_iter()
        .filter(|field| field.value().attr("name") != Some("csrf_token"))
        .map(|field| {
            let name = field.value().attr("name").unwrap().to_owned();
            let value = field
                .value()
                .attr("value")
                .map_or_else(|| field.text().collect::<String>(), str::to_owned);
            (name, value)
        })
        .collect();
    for (name, value) in &mut fields {
        if name == "street" {
            *value = "Neue Straße 1".into();
        }
    }
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    staff.post(paths::FACTS, &fields).await;
    let facts_revision: i64 = app
        .fetch_one("select min(id) from organisation_revision")
        .await;
    staff.post(&paths::facts_restore(facts_revision), &[]).await;
    staff
        .post(
            paths::NEW_ACCOUNT,
            &[
                ("email", "neu@defus.org"),
                ("name", "Neue Kollegin"),
                ("role", "editor"),
            ],
        )
        .await;
    let new_id: i64 = app
        .fetch_one("select id from staff_account where email = 'neu@defus.org'")
        .await;
    staff
        .post(&paths::account_enabled(new_id), &[("zugang", "nein")])
        .await;
    staff
        .post(&paths::account_enabled(new_id), &[("zugang", "ja")])
        .await;
    staff
        .post(&paths::account_role(new_id), &[("role", "admin")])
        .await;
    staff.post(&paths::account_password(new_id), &[]).await;
    staff.post(&paths::account_delete(new_id), &[]).await;
    staff
        .post(
            paths::OWN_PASSWORD,
            &[
                ("current", STAFF_PASSWORD),
                ("new", "Ein neues, langes Passwort"),
                ("repeat", "Ein neues, langes Passwort"),
            ],
        )
        .await;

    let entries = log(&staff, "").await;
    let by = |who: &str, what: &str| {
        entries
            .iter()
            .any(|(actor, kind, _)| actor == who && kind.starts_with(what))
    };
    for what in [
        "Status einer Anfrage geändert (neu → in Bearbeitung)",
        "Notiz zu einer Anfrage",
        "Anfrage zugewiesen (zuständig: kollegin@defus.org)",
        "E-Mail erneut gesendet",
        "Anfrage gelöscht",
        "Daten nach E-Mail-Adresse gelöscht (1 Anfrage(n)",
        "Vereinsdaten gespeichert (Straße und Hausnummer)",
        "Frühere Vereinsdaten wiederhergestellt",
        "Konto angelegt (Redaktion)",
        "Konto gesperrt",
        "Konto entsperrt",
        "Rolle eines Kontos geändert (Verwaltung)",
        "Passwort eines Kontos neu vergeben",
        "Konto gelöscht",
        "Eigenes Passwort geändert",
    ] {
        assert!(
            by(STAFF_EMAIL, what),
            "{what} by {STAFF_EMAIL} in {entries:?}"
        );
    }
    for what in [
        "Seite gespeichert",
        "Frühere Fassung einer Seite wiederhergestellt",
    ] {
        assert!(by("kollegin@defus.org", what), "{what} in {entries:?}");
    }
    let page = staff.page(paths::ACTIVITY, 200).await.main_text();
    for personal in [
        "loeschen@stadt-x.de",
        "Vertraulich",
        "Hansestadt Lüneburg",
        "Jürgen",
    ] {
        assert!(!page.contains(personal), "{personal} is not in the log");
    }
    assert!(
        entries
            .iter()
            .any(|(_, _, about)| about == &format!("Anfrage {}", first.reference))
    );
    let _ = second;

    let only_colleague = log(&staff, &format!("?person={colleague_id}")).await;
    assert_eq!(only_colleague.len(), 2, "{only_colleague:?}");
    let only_locks = log(&staff, "?art=account_locked").await;
    assert_eq!(only_locks.len(), 1);
    assert_eq!(only_locks[0].2, "Konto Neue Kollegin");

    let history = staff
        .page(&paths::inquiry(first.id), 200)
        .await
        .text("ol.history");
    assert!(history.contains("Notiz zu einer Anfrage"), "{history}");
    let versions = staff
        .page(&paths::page_versions(PageKey::Goals, Locale::De), 200)
        .await
        .text("ol.history");
    assert!(
        versions.contains("kollegin@defus.org: Seite gespeichert"),
        "{versions}"
    );
}

#[tokio::test]
async fn a_version_shows_who_wrote_it_and_what_it_changed() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let (history, english) = (PageKey::History, Locale::En);
    staff
        .save_page(
            history,
            english,
            PageText::new("History", "We grew in Hannover."),
        )
        .await;
    staff
        .save_page(
            history,
            english,
            PageText::new("Our history", "We grew in Berlin."),
        )
        .await;
    let newest: i64 = app
        .fetch_one("select max(id) from page_revision where page_key = 'history' and locale = 'en'")
        .await;
    let page = staff
        .page(&paths::page_version(history, english, newest), 200)
        .await;
    assert!(
        page.main_text()
            .contains(&format!("Gespeichert von {STAFF_EMAIL}."))
    );
    assert_eq!(page.text(".diff dd del"), "[entfernt: History]");
    assert_eq!(page.text(".diff dd ins"), "[eingefügt: Our history]");
    let body_changes = page.text(".diff__text");
    assert!(
        body_changes.contains("[entfernt: Hannover.]")
            && body_changes.contains("[eingefügt: Berlin.]"),
        "{body_changes}"
    );
    assert!(
        body_changes.contains("We grew in"),
        "unchanged words stay: {body_changes}"
    );
    assert!(
        page.select("form[action$=wiederherstellen]").is_empty(),
        "the current version needs no restoring"
    );
}

#[tokio::test]
async fn the_facts_keep_their_versions_and_one_can_be_restored() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let original = app
        .public_page(PageKey::Contact, Locale::De)
        .await
        .text("main address");
    app.execute("update organisation set phone = '0511 999'")
        .await;
    let form = staff.page(paths::FACTS, 200).await;
    let fields: Vec<(String, String)> = form
        .select("form.form input[name], form.form textarea[name]")
        .into_iter()
        .filter(|field| field.value().attr("name") != Some("csrf_token"))
        .map(|field| {
            let name = field.value().attr("name").unwrap().to_owned();
            let value = match name.as_str() {
                "city" => "Hildesheim".to_owned(),
                _ => field
                    .value()
                    .attr("value")
                    .map_or_else(|| field.text().collect::<String>(), str::to_owned),
            };
            (name, value)
        })
        .collect();
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_redirects_to(
        &staff.post(paths::FACTS, &fields).await,
        &paths::with_notice(paths::FACTS, Notice::Saved),
    );
    assert!(
        app.page("/kontakt", 200)
            .await
            .text("main address")
            .contains("Hildesheim")
    );

    let versions = staff.page(paths::FACTS_VERSIONS, 200).await;
    assert_eq!(
        versions.texts("tbody tr td[data-label=Von]"),
        [STAFF_EMAIL, "–"]
    );
    let newest = versions
        .attribute("tbody tr:nth-child(1) a", "href")
        .unwrap();
    let changes = staff.page(&newest, 200).await;
    let changed: Vec<String> = changes.texts(".diff dt");
    assert_eq!(changed, ["Ort", "Telefon der Geschäftsstelle"]);
    assert!(changes.text(".diff dd ins").contains("Hildesheim"));

    let first = versions
        .attribute("tbody tr:nth-child(2) a", "href")
        .unwrap();
    let restore = staff
        .page(&first, 200)
        .await
        .attribute("form[action$=wiederherstellen]", "action")
        .unwrap();
    staff.post(&restore, &[]).await;
    assert_eq!(
        app.public_page(PageKey::Contact, Locale::De)
            .await
            .text("main address"),
        original
    );
    assert_eq!(
        staff
            .page(paths::FACTS_VERSIONS, 200)
            .await
            .select("tbody tr")
            .len(),
        3
    );
}

#[tokio::test]
async fn notes_and_the_colleague_in_charge_of_an_inquiry() {
    let app = spawn_app().await;
    let inquiry = app.new_inquiry(&valid_inquiry()).await;
    let staff = app.signed_in_staff().await;
    let colleague = app
        .signed_in_colleague("kollegin@defus.org", Role::Editorial)
        .await;
    let colleague_id: i64 = app
        .fetch_one("select id from staff_account where email = 'kollegin@defus.org'")
        .await;
    let empty = staff
        .post(&paths::inquiry_notes(inquiry.id), &[("text", "   ")])
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        Page::of(empty).await.text("#field-text-error"),
        "Fehler: Bitte füllen Sie dieses Feld aus."
    );
    staff
        .post(
            &paths::inquiry_notes(inquiry.id),
            &[("text", "Erstes Gespräch geführt.\nRückruf Montag.")],
        )
        .await;
    colleague
        .post(
            &paths::inquiry_notes(inquiry.id),
            &[("text", "Satzung geschickt.")],
        )
        .await;
    let detail = staff.page(&paths::inquiry(inquiry.id), 200).await;
    let notes = detail.texts("ol.notes li");
    assert_eq!(notes.len(), 2);
    assert!(notes[0].starts_with(STAFF_EMAIL) && notes[0].contains("Rückruf Montag."));
    assert!(notes[1].starts_with("kollegin@defus.org"));

    staff
        .post(
            &paths::inquiry_assignment(inquiry.id),
            &[("zustaendig", &colleague_id.to_string())],
        )
        .await;
    let detail = staff.page(&paths::inquiry(inquiry.id), 200).await;
    // The last line of the details says who is in charge.
    assert_eq!(
        detail.texts("dl.details dt").last().map(String::as_str),
        Some("Zuständig")
    );
    assert_eq!(
        detail.texts("dl.details dd").last().map(String::as_str),
        Some("kollegin@defus.org")
    );
    let list = staff
        .page(
            &format!("{}?zustaendig={colleague_id}", paths::INQUIRIES),
            200,
        )
        .await;
    assert_eq!(list.select("table.inbox tbody tr").len(), 1);
    let dashboard = colleague.page(paths::DASHBOARD, 200).await;
    assert!(
        dashboard
            .text("#assigned-to-me + ul")
            .contains("Hansestadt Lüneburg")
    );
    staff
        .post(
            &paths::inquiry_assignment(inquiry.id),
            &[("zustaendig", "")],
        )
        .await;
    let detail = staff.page(&paths::inquiry(inquiry.id), 200).await;
    assert_eq!(
        detail.texts("dl.details dd").last().map(String::as_str),
        Some("niemand")
    );
}

#[tokio::test]
async fn the_office_email_links_to_the_inquiry_in_the_staff_area() {
    let (app, smtp) = spawn_app_with_smtp().await;
    let inquiry = app.new_inquiry(&valid_inquiry()).await;
    app.deliver_all_due_emails().await;
    let body = smtp.wait_for(1).await[0].body();
    let link = format!("{}{}", app.address, paths::inquiry(inquiry.id));
    assert!(body.contains(&link), "{link} in {body}");
}

#[tokio::test]
async fn the_reply_to_an_english_inquiry_is_begun_in_english() {
    let app = spawn_app().await;
    let response = app.submit_inquiry(Locale::En, &valid_inquiry()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id: i64 = app.fetch_one("select id from inquiry").await;
    let staff = app.signed_in_staff().await;
    let reply = staff
        .page(&paths::inquiry(id), 200)
        .await
        .attribute("a.button[href^='mailto:']", "href")
        .unwrap();
    let decoded = percent_encoding::percent_decode_str(&reply)
        .decode_utf8()
        .unwrap()
        .into_owned();
    assert!(
        decoded.contains("subject=Your membership inquiry to DEFUS (DEFUS-"),
        "{decoded}"
    );
    assert!(decoded.contains("body=Dear Jürgen Weiß,"), "{decoded}");
}

#[tokio::test]
async fn changing_one_s_own_password_ends_the_other_sessions() {
    let app = spawn_app().await;
    let mut here = app.signed_in_staff().await;
    let mut elsewhere = app.staff_client();
    elsewhere.sign_in(STAFF_EMAIL, STAFF_PASSWORD).await;
    elsewhere.refresh_csrf_token().await;
    here.refresh_csrf_token().await;

    let wrong = here
        .post(
            paths::OWN_PASSWORD,
            &[
                ("current", "nicht das Passwort"),
                ("new", "Ein neues, langes Passwort"),
                ("repeat", "anders"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::of(wrong).await;
    assert_eq!(
        page.text("#field-current-error"),
        "Fehler: Das bisherige Passwort stimmt nicht. Nach mehreren falschen Passwörtern wird das Konto für einige Minuten gesperrt."
    );
    assert_eq!(
        page.text("#field-repeat-error"),
        "Fehler: Die beiden neuen Passwörter sind nicht gleich."
    );
    assert_eq!(page.attribute("#field-new", "value").as_deref(), Some(""));

    let changed = here
        .post(
            paths::OWN_PASSWORD,
            &[
                ("current", STAFF_PASSWORD),
                ("new", "Ein neues, langes Passwort"),
                ("repeat", "Ein neues, langes Passwort"),
            ],
        )
        .await;
    assert_redirects_to(
        &changed,
        &paths::with_notice(paths::OWN_ACCOUNT, Notice::PasswordChanged),
    );
    assert_eq!(
        here.get(paths::DASHBOARD).await.status(),
        StatusCode::OK,
        "still signed in here"
    );
    assert_is_sent_to_sign_in(&elsewhere.get(paths::DASHBOARD).await);
    assert_eq!(
        app.staff_client()
            .sign_in(STAFF_EMAIL, STAFF_PASSWORD)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the old password no longer works"
    );
    assert_redirects_to(
        &app.staff_client()
            .sign_in(STAFF_EMAIL, "Ein neues, langes Passwort")
            .await,
        paths::DASHBOARD,
    );
}

#[tokio::test]
async fn an_editorial_account_cannot_manage_accounts() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    let editor = app
        .signed_in_colleague("redaktion@defus.org", Role::Editorial)
        .await;
    let admin_id: i64 = app
        .fetch_one(&format!(
            "select id from staff_account where email = '{STAFF_EMAIL}'"
        ))
        .await;
    for path in [
        paths::ACCOUNTS.to_owned(),
        paths::NEW_ACCOUNT.to_owned(),
        paths::account(admin_id),
        paths::account_delete(admin_id),
    ] {
        let response = editor.get(&path).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        let page = Page::of(response).await;
        assert_eq!(
            page.text("main h1"),
            "Nicht möglich",
            "{path} in the staff layout"
        );
        assert!(!page.select("nav[aria-label=Verwaltung]").is_empty());
    }
    for (path, fields) in [
        (
            paths::NEW_ACCOUNT.to_owned(),
            vec![("email", "x@defus.org"), ("role", "admin")],
        ),
        (paths::account_enabled(admin_id), vec![("zugang", "nein")]),
        (paths::account_role(admin_id), vec![("role", "editor")]),
        (paths::account_password(admin_id), vec![]),
        (paths::account_delete(admin_id), vec![]),
    ] {
        assert_eq!(
            editor.post(&path, &fields).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(app.count("select count(*) from staff_account").await, 2);
    assert_eq!(
        app.count("select count(*) from staff_account where enabled and role = 'admin'")
            .await,
        1
    );
    let menu = editor
        .page(paths::DASHBOARD, 200)
        .await
        .texts("nav[aria-label=Verwaltung] a");
    assert!(!menu.contains(&"Konten".to_owned()), "{menu:?}");
}

#[tokio::test]
async fn an_administrator_adds_a_colleague_who_then_signs_in() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let created = staff
        .post(
            paths::NEW_ACCOUNT,
            &[
                ("email", "Erika.Muster@defus.org"),
                ("name", "Erika Muster"),
                ("role", "editor"),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    let page = Page::of(created).await;
    assert_eq!(page.text("main h1"), "Konto angelegt");
    let password = page.text("code.generated-password");
    assert_eq!(password.len(), 19, "{password}");

    let colleague = app.staff_client();
    assert_redirects_to(
        &colleague.sign_in("erika.muster@defus.org", &password).await,
        paths::DASHBOARD,
    );
    let dashboard = colleague.page(paths::DASHBOARD, 200).await;
    assert_eq!(
        dashboard.text(".sign-out__who"),
        "Erika Muster (Mein Konto)"
    );

    let again = staff
        .post(
            paths::NEW_ACCOUNT,
            &[
                ("email", "erika.muster@defus.org"),
                ("name", ""),
                ("role", "editor"),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::of(again).await;
    assert_eq!(
        page.text("#field-email-error"),
        "Fehler: Das ist schon vergeben."
    );
    assert_eq!(
        page.attribute("#field-email", "value").as_deref(),
        Some("erika.muster@defus.org")
    );
    let list = staff.page(paths::ACCOUNTS, 200).await;
    assert!(list.main_text().contains("Erika Muster"));
    assert!(list.main_text().contains("Redaktion"));
}

#[tokio::test]
async fn a_locked_or_deleted_account_s_session_ends_at_once() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let colleague = app
        .signed_in_colleague("kollegin@defus.org", Role::Editorial)
        .await;
    let id: i64 = app
        .fetch_one("select id from staff_account where email = 'kollegin@defus.org'")
        .await;
    assert_redirects_to(
        &staff
            .post(&paths::account_enabled(id), &[("zugang", "nein")])
            .await,
        &paths::with_notice(&paths::account(id), Notice::AccountLocked),
    );
    assert_is_sent_to_sign_in(&colleague.get(paths::DASHBOARD).await);
    assert_eq!(
        app.staff_client()
            .sign_in("kollegin@defus.org", STAFF_PASSWORD)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    staff
        .post(&paths::account_enabled(id), &[("zugang", "ja")])
        .await;
    let back = app.staff_client();
    assert_redirects_to(
        &back.sign_in("kollegin@defus.org", STAFF_PASSWORD).await,
        paths::DASHBOARD,
    );
    staff.post(&paths::account_delete(id), &[]).await;
    assert_is_sent_to_sign_in(&back.get(paths::DASHBOARD).await);
    assert_eq!(
        app.count("select count(*) from staff_account where email = 'kollegin@defus.org'")
            .await,
        0
    );
}

#[tokio::test]
async fn nobody_locks_or_demotes_themselves_or_the_last_administrator() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let own: i64 = app
        .fetch_one(&format!(
            "select id from staff_account where email = '{STAFF_EMAIL}'"
        ))
        .await;
    for (path, fields) in [
        (paths::account_enabled(own), vec![("zugang", "nein")]),
        (paths::account_role(own), vec![("role", "editor")]),
        (paths::account_delete(own), vec![]),
    ] {
        assert_redirects_to(
            &staff.post(&path, &fields).await,
            &paths::with_notice(&paths::account(own), Notice::NotOnOwnAccount),
        );
    }
    assert_eq!(
        app.count("select count(*) from staff_account where enabled and role = 'admin'")
            .await,
        1
    );
    // Whatever the way in, the last enabled administrator stays.
    let mut connection = app.pool.acquire().await.unwrap();
    let refused = defus::staff::account::set_enabled(
        &mut connection,
        own,
        false,
        defus::staff::account::Safeguard::KeepAnAdministrator,
    )
    .await;
    assert!(matches!(
        refused,
        Err(defus::staff::account::AccountError::LastAdministrator)
    ));
}

#[tokio::test]
async fn errors_in_the_staff_area_stay_in_its_layout() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let page = staff.page("/admin/gibt-es-nicht", 404).await;
    assert_eq!(page.text("main h1"), "Nicht gefunden");
    assert!(
        !page.select("nav[aria-label=Verwaltung]").is_empty(),
        "the staff menu is there"
    );
    assert_eq!(page.lang(), "de");
    let gone = staff.page(&paths::inquiry(4711), 404).await;
    assert_eq!(gone.text("main h1"), "Nicht gefunden");
    let signed_out = app.staff_client().page("/admin/gibt-es-nicht", 404).await;
    assert!(signed_out.select("nav[aria-label=Verwaltung]").is_empty());
    assert_eq!(
        signed_out.attribute("main a", "href").as_deref(),
        Some(paths::SIGN_IN)
    );
    let public = app.page("/gibt-es-nicht", 404).await;
    assert_eq!(
        public.text("main h1"),
        "Seite nicht gefunden",
        "the public one stays"
    );
}

#[tokio::test]
async fn the_overview_says_what_needs_doing() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let inquiry = app.new_inquiry(&valid_inquiry()).await;
    let own: i64 = app
        .fetch_one(&format!(
            "select id from staff_account where email = '{STAFF_EMAIL}'"
        ))
        .await;
    app.execute(&format!("update inquiry set assigned_to = {own}"))
        .await;
    app.execute("alter table page disable trigger page_set_updated_at")
        .await;
    app.execute(
        "update page set updated_at = now() - interval '13 months'
         where page_key = 'efus' and locale = 'en'",
    )
    .await;
    app.execute("alter table page enable trigger page_set_updated_at")
        .await;

    let page = staff.page(paths::DASHBOARD, 200).await;
    let new = page.text("#new-inquiries + ul");
    assert!(
        new.contains("Hansestadt Lüneburg") && new.contains(&inquiry.reference),
        "{new}"
    );
    assert!(new.contains(" Uhr"), "with the date: {new}");
    assert!(
        page.text("#assigned-to-me + ul")
            .contains(&inquiry.reference)
    );
    let legal = page.text("section.attention");
    assert!(legal.contains("Registergericht"), "{legal}");
    assert_eq!(
        page.attribute("section.attention a[href$='#field-register-court']", "href")
            .as_deref(),
        Some("/admin/fakten#field-register-court")
    );
    let old = page.text("#not-reviewed ~ ul");
    assert!(
        old.contains("DEFUS and EFUS") && old.contains("Englisch"),
        "{old}"
    );
    assert!(!old.contains("DEFUS und EFUS"), "only the old one: {old}");
}

#[tokio::test]
async fn the_search_description_box_counts_its_characters_without_javascript() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let editor = staff
        .page(&paths::page(PageKey::Goals, Locale::De), 200)
        .await;
    assert_eq!(
        editor.select("textarea[name=meta_description]").len(),
        1,
        "several lines for 300 characters"
    );
    let hint = editor.text("#field-meta-description-hint");
    assert!(
        hint.contains("Höchstens 300 Zeichen; jetzt sind es "),
        "{hint}"
    );
    let long = "x".repeat(320);
    let response = staff
        .post(
            &paths::page(PageKey::Goals, Locale::De),
            &[
                ("title", "Ziele"),
                ("meta_description", &long),
                ("body_markdown", "Text"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::of(response).await;
    assert!(
        page.text("#field-meta-description-hint")
            .contains("jetzt sind es 320, 20 zu viel"),
        "{}",
        page.text("#field-meta-description-hint")
    );
    assert!(
        page.text("#field-meta-description-error")
            .contains("höchstens 300 Zeichen")
    );
}

#[tokio::test]
async fn the_preview_shows_the_page_as_visitors_will_see_it() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let response = staff
        .preview_page(
            PageKey::Contact,
            Locale::De,
            PageText::new("Kontakt zur Geschäftsstelle", "## Sprechzeiten\n\nMontags."),
        )
        .await;
    let page = Page::of(response).await;
    assert_eq!(
        page.text(".preview article h1"),
        "Kontakt zur Geschäftsstelle"
    );
    assert_eq!(page.text(".preview article h2"), "Sprechzeiten");
    assert!(
        page.text(".preview article address").contains("Hannover"),
        "with the boxes built from the facts"
    );
    assert_eq!(
        page.attribute("a[href='/admin/hilfe/markdown']", "href")
            .as_deref(),
        Some(paths::MARKDOWN_HELP)
    );
    assert!(
        staff
            .page(paths::MARKDOWN_HELP, 200)
            .await
            .main_text()
            .contains("**wichtig**")
    );
}
