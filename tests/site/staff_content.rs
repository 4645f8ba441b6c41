//! Staff edit the site's texts and facts; the public site follows at once.

use defus::content::PageKey;
use defus::i18n::Locale;
use defus::staff::account::Role;
use defus::web::admin::notice::Notice;
use defus::web::admin::paths;
use reqwest::StatusCode;

use crate::helpers::{
    Page, PageText, STAFF_EMAIL, STAFF_PASSWORD, Staff, TestApp, TestDatabase,
    assert_is_sent_to_sign_in, assert_redirects_to, spawn_app, spawn_app_with, spawn_app_with_smtp,
    start, test_config, user_command, valid_inquiry,
};

#[tokio::test]
async fn editing_a_page_with_preview_changes_the_public_page_only_when_saved() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let list = staff.page(paths::PAGES, 200).await;
    assert_eq!(
        list.select("table.pages tbody tr").len(),
        20,
        "ten pages in two languages"
    );

    let (goals, german) = (PageKey::Goals, Locale::De);
    let edit = staff.page(&paths::page(goals, german), 200).await;
    assert_eq!(
        edit.attribute("input[name=title]", "value").as_deref(),
        Some("Unsere Ziele")
    );
    let text = PageText {
        title: "Was wir erreichen wollen",
        meta_description: "Ziele des Forums",
        body_markdown: "## Sicherheit\n\nIn **allen** Städten.",
    };
    let response = staff.preview_page(goals, german, text).await;
    assert_eq!(response.status(), StatusCode::OK);
    let preview = Page::of(response).await;
    assert_eq!(preview.text(".preview .prose h2"), "Sicherheit");
    assert_eq!(preview.text(".preview .prose strong"), "allen");
    assert_eq!(
        preview.attribute("input[name=title]", "value").as_deref(),
        Some("Was wir erreichen wollen")
    );
    assert_eq!(
        app.public_page(goals, german).await.text("main h1"),
        "Unsere Ziele",
        "a preview saves nothing"
    );

    let response = staff.save_page(goals, german, text).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let public = app.public_page(goals, german).await;
    assert_eq!(public.text("main h1"), "Was wir erreichen wollen");
    assert_eq!(public.text(".prose strong"), "allen");
    assert_eq!(
        public
            .attribute("meta[name=description]", "content")
            .as_deref(),
        Some("Ziele des Forums")
    );
    assert_eq!(
        app.public_page(goals, Locale::En).await.text("main h1"),
        "Our goals",
        "the English page is its own"
    );
}

#[tokio::test]
async fn a_bad_page_text_is_shown_again_with_the_problem_at_its_field() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let text = PageText {
        title: "",
        meta_description: "ok",
        body_markdown: "Kept text",
    };
    let response = staff.save_page(PageKey::History, Locale::En, text).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::of(response).await;
    assert_eq!(
        page.text("#field-title-error"),
        "Fehler: Bitte füllen Sie dieses Feld aus."
    );
    assert_eq!(
        page.attribute("#field-title", "aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        page.text(".error-summary a"),
        "Überschrift: Bitte füllen Sie dieses Feld aus."
    );
    assert_eq!(page.text("textarea[name=body_markdown]"), "Kept text");
    assert_eq!(
        app.public_page(PageKey::History, Locale::En)
            .await
            .text("main h1"),
        "History"
    );
    assert_eq!(
        staff
            .get(&format!("{}/nirgends/de", paths::PAGES))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn every_save_keeps_the_previous_version_which_can_be_restored() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let (efus, german) = (PageKey::Efus, Locale::De);
    for title in ["Zweite Fassung", "Dritte Fassung"] {
        let response = staff
            .save_page(efus, german, PageText::new(title, title))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let versions = staff.page(&paths::page_versions(efus, german), 200).await;
    assert_eq!(
        versions.texts("tbody tr td[data-label=Überschrift]"),
        ["Dritte Fassung", "Zweite Fassung", "DEFUS und EFUS"],
        "every text the page had, newest first"
    );
    assert_eq!(
        versions.texts("tbody tr td[data-label=Von]"),
        [STAFF_EMAIL, STAFF_EMAIL, "–"],
        "who wrote each (the original text came with the installation)"
    );

    let original = versions
        .attribute("tbody tr:nth-child(3) a", "href")
        .unwrap();
    let shown = staff.page(&original, 200).await;
    assert!(
        shown
            .text(".preview .prose")
            .contains("rund 300 europäischen Städten")
    );
    let restore = shown
        .attribute("form[action$=wiederherstellen]", "action")
        .unwrap();
    let response = staff.post(&restore, &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let public = app.public_page(efus, german).await;
    assert_eq!(public.text("main h1"), "DEFUS und EFUS");
    assert!(public.main_text().contains("rund 300 europäischen Städten"));
    let versions = staff.page(&paths::page_versions(efus, german), 200).await;
    assert_eq!(
        versions.texts("tbody tr td[data-label=Überschrift]"),
        [
            "DEFUS und EFUS",
            "Dritte Fassung",
            "Zweite Fassung",
            "DEFUS und EFUS"
        ],
        "the restored text is the newest version, the one it replaced stays"
    );
}

#[tokio::test]
async fn editing_the_facts_changes_footer_contact_and_legal_notice_at_once() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    assert_eq!(facts_form_fields(&staff).await.len(), 20);
    let response = save_facts(
        &staff,
        &[
            ("street", "Neue Straße 12"),
            ("postal_code", "30159"),
            ("register_court", "Amtsgericht Hannover"),
            ("register_number", "VR 201234"),
            ("chairs", "Stadt Augsburg\r\nStadt Heidelberg"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    for path in [
        PageKey::Start.path(Locale::De),
        PageKey::Goals.path(Locale::En),
    ] {
        let footer = app.page(path, 200).await.text("footer address");
        assert!(
            footer.contains("Neue Straße 12") && footer.contains("30159 Hannover"),
            "{footer}"
        );
    }
    let legal = app
        .public_page(PageKey::LegalNotice, Locale::De)
        .await
        .main_text();
    assert!(
        legal.contains("Registergericht: Amtsgericht Hannover") && legal.contains("VR 201234"),
        "{legal}"
    );
    assert!(
        app.public_page(PageKey::Contact, Locale::De)
            .await
            .text("main address")
            .contains("Neue Straße 12")
    );
    let privacy = app
        .public_page(PageKey::Privacy, Locale::De)
        .await
        .text("#controller + address");
    assert!(privacy.contains("Neue Straße 12"), "{privacy}");
    let chairs = app
        .public_page(PageKey::History, Locale::En)
        .await
        .text("#chairs + p + ul");
    assert_eq!(chairs, "Stadt Augsburg Stadt Heidelberg");
}

#[tokio::test]
async fn bad_facts_are_refused_with_messages_and_nothing_changes() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let response = staff
        .post(
            paths::FACTS,
            &[
                ("legal_name", "DEFUS e.V."),
                ("short_name", "DEFUS"),
                ("street", ""),
                ("postal_code", "30169"),
                ("city", "Hannover"),
                ("email", "keine-adresse"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::of(response).await;
    assert_eq!(
        page.texts(".error-summary a"),
        [
            "Straße und Hausnummer: Bitte füllen Sie dieses Feld aus.",
            "E-Mail der Geschäftsstelle: Bitte geben Sie eine E-Mail-Adresse in der Form name@stadt.de an.",
        ]
    );
    assert_eq!(
        page.attribute("#field-email", "value").as_deref(),
        Some("keine-adresse")
    );
    assert!(
        app.public_page(PageKey::Start, Locale::De)
            .await
            .text("footer address")
            .contains("Am Waterlooplatz 5 A")
    );
}

#[tokio::test]
async fn the_office_email_goes_to_the_address_saved_in_the_facts() {
    let (app, smtp) = spawn_app_with_smtp().await;
    let staff = app.signed_in_staff().await;
    assert_eq!(
        save_facts(&staff, &[("email", "neue-adresse@defus.org")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    app.new_inquiry(&valid_inquiry()).await;
    let mail = &smtp.wait_for(1).await[0];
    assert_eq!(mail.envelope_to, ["neue-adresse@defus.org"]);
    assert!(
        app.public_page(PageKey::Contact, Locale::De)
            .await
            .main_text()
            .contains("neue-adresse@defus.org")
    );
}

#[tokio::test]
async fn the_accessibility_statement_s_dates_and_arbitration_body_are_facts_staff_keep() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let response = save_facts(
        &staff,
        &[
            ("accessibility_reviewed_on", "2027-06-15"),
            ("arbitration_address", "Neuer Platz 3\r\n30161 Hannover"),
            ("arbitration_phone", "0511 120-0"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let statement = app.public_page(PageKey::Accessibility, Locale::De).await;
    assert_eq!(
        statement.texts("#statement-dates + dl dd"),
        ["1. Dezember 2026", "15. Juni 2027"]
    );
    let arbitration = statement.text("#arbitration ~ address");
    assert!(
        arbitration.contains("Neuer Platz 3 30161 Hannover"),
        "{arbitration}"
    );
    assert_eq!(
        statement
            .attribute("#arbitration ~ dl a[href^='tel:']", "href")
            .as_deref(),
        Some("tel:+495111200")
    );
    let english = app.public_page(PageKey::Accessibility, Locale::En).await;
    assert_eq!(
        english.texts("#statement-dates + dl dd"),
        ["1 December 2026", "15 June 2027"]
    );

    let response = save_facts(&staff, &[("accessibility_reviewed_on", "2026-01-31")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::of(response).await;
    assert_eq!(
        page.text(".error-summary a"),
        "Erklärung zur Barrierefreiheit zuletzt geprüft am: Die Prüfung kann nicht vor der Erstellung liegen. Bitte prüfen Sie beide Daten."
    );
    assert_eq!(
        page.attribute("#field-accessibility-reviewed-on", "value")
            .as_deref(),
        Some("2026-01-31")
    );
}

/// The facts form's fields with their current values, as the browser would send them.
async fn facts_form_fields(staff: &Staff<'_>) -> Vec<(String, String)> {
    let form = staff.page(paths::FACTS, 200).await;
    form.select("form input.field__input, form textarea.field__input")
        .into_iter()
        .map(|control| {
            let name = control.value().attr("name").unwrap().to_owned();
            let value = control
                .value()
                .attr("value")
                .map(str::to_owned)
                .unwrap_or_else(|| control.text().collect());
            (name, value)
        })
        .collect()
}

/// Opens the facts form, changes the fields named in `changes`, and saves it.
async fn save_facts(staff: &Staff<'_>, changes: &[(&str, &str)]) -> reqwest::Response {
    let mut fields = facts_form_fields(staff).await;
    for (name, value) in changes {
        let field = fields
            .iter_mut()
            .find(|(field, _)| field == name)
            .expect("a field of that name");
        field.1 = (*value).to_owned();
    }
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    staff.post(paths::FACTS, &fields).await
}

#[tokio::test]
async fn the_facts_email_cannot_be_emptied_while_the_office_emails_go_to_it() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let response = save_facts(&staff, &[("email", "")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::of(response).await;
    assert_eq!(
        page.text(".error-summary a"),
        "E-Mail der Geschäftsstelle: Bitte füllen Sie dieses Feld aus."
    );

    // With OFFICE_EMAIL set, the public address may be left out.
    let app = spawn_app_with(|config| {
        config.mail.office_email = Some("buero@defus.org".parse().unwrap())
    })
    .await;
    let staff = app.signed_in_staff().await;
    assert_eq!(
        save_facts(&staff, &[("email", "")]).await.status(),
        StatusCode::SEE_OTHER
    );
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// How the sign-in of leitung@defus.org with `password` ends, from a fresh browser.
async fn sign_in_of_leitung(app: &TestApp, password: &str) -> StatusCode {
    app.staff_client()
        .sign_in("leitung@defus.org", password)
        .await
        .status()
}

#[tokio::test]
async fn an_account_made_on_the_command_line_can_sign_in_and_be_managed_there() {
    let database = TestDatabase::new();
    let url = database.url();
    let password_line = format!("{STAFF_PASSWORD}\n");
    let created = user_command(&url, &["add", "leitung@defus.org"], &password_line).await;
    assert!(created.status.success(), "{}", stderr(&created));
    assert_eq!(
        stdout(&created).trim(),
        "created the account leitung@defus.org with the role Verwaltung",
        "the first account may manage the others"
    );

    let too_short = user_command(&url, &["add", "kurz@defus.org"], "kurz\n").await;
    assert!(!too_short.status.success());
    assert!(
        stderr(&too_short).contains("at least 12 characters"),
        "{}",
        stderr(&too_short)
    );
    let twice = user_command(&url, &["add", "LEITUNG@defus.org"], &password_line).await;
    assert!(
        stderr(&twice).contains("exists already"),
        "{}",
        stderr(&twice)
    );

    let app = start(test_config(&database), database).await;
    let staff = app.staff_client();
    assert_redirects_to(
        &staff.sign_in("leitung@defus.org", STAFF_PASSWORD).await,
        paths::DASHBOARD,
    );
    let listed = stdout(&user_command(&url, &["list"], "").await);
    assert!(
        listed.starts_with("leitung@defus.org\tVerwaltung\tenabled\tpassword only\tlast sign-in "),
        "{listed}"
    );

    let new_password = "Ein ganz neues Passwort";
    assert!(
        user_command(
            &url,
            &["set-password", "leitung@defus.org"],
            &format!("{new_password}\n")
        )
        .await
        .status
        .success()
    );
    // A new password ends the sessions.
    assert_is_sent_to_sign_in(&staff.get(paths::DASHBOARD).await);
    assert_eq!(
        sign_in_of_leitung(&app, STAFF_PASSWORD).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        sign_in_of_leitung(&app, new_password).await,
        StatusCode::SEE_OTHER
    );

    assert!(
        user_command(&url, &["disable", "leitung@defus.org"], "")
            .await
            .status
            .success()
    );
    assert_eq!(
        sign_in_of_leitung(&app, new_password).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(stdout(&user_command(&url, &["list"], "").await).contains("\tdisabled\t"));
    assert!(
        user_command(&url, &["enable", "leitung@defus.org"], "")
            .await
            .status
            .success()
    );
    assert_eq!(
        sign_in_of_leitung(&app, new_password).await,
        StatusCode::SEE_OTHER
    );

    let unknown = user_command(&url, &["disable", "niemand@defus.org"], "").await;
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("there is no account for niemand@defus.org"));
}

/// The `stand` (the version the editor was opened on) of the page editor on `page`.
fn stand(page: &Page) -> String {
    page.attribute("input[name=stand]", "value")
        .expect("the page editor has a stand")
}

#[tokio::test]
async fn a_save_over_someone_else_s_newer_change_is_stopped_and_the_text_kept() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let (contact, german) = (PageKey::Contact, Locale::De);
    let opened = staff.page(&paths::page(contact, german), 200).await;
    // Meanwhile a colleague saves.
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
    let mine = PageText::new("Kontakt (ich)", "Mein Text");
    let response = staff
        .save_page_opened_at(contact, german, mine, &stand(&opened))
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = Page::of(response).await;
    assert!(
        page.text(".form-notice")
            .contains("Jemand anderes hat diese Seite gespeichert")
    );
    assert_eq!(
        page.attribute("input[name=title]", "value").as_deref(),
        Some("Kontakt (ich)")
    );
    assert_eq!(
        app.public_page(contact, german).await.text("main h1"),
        "Kontakt (Kollegin)",
        "nothing overwritten"
    );

    // Saving again from there is a conscious choice, and the colleague's text becomes a version.
    assert_eq!(
        staff
            .save_page_opened_at(contact, german, mine, &stand(&page))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.public_page(contact, german).await.text("main h1"),
        "Kontakt (ich)"
    );
    let titles: Vec<String> = app
        .fetch_all(
            "select title || ' von ' || author from page_revision
             where page_key = 'contact' and locale = 'de' and written_at is not null order by id",
        )
        .await;
    assert_eq!(
        titles,
        [
            "Kontakt (Kollegin) von kollegin@defus.org",
            "Kontakt (ich) von buero@defus.org"
        ],
        "the colleague's text stays as a version"
    );
}

#[tokio::test]
async fn saving_an_unchanged_text_makes_no_version() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let (goals, english) = (PageKey::Goals, Locale::En);
    let opened = staff.page(&paths::page(goals, english), 200).await;
    let (title, meta_description, body_markdown): (String, String, String) = sqlx::query_as(
        "select title, meta_description, body_markdown from page where page_key = 'goals' and locale = 'en'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let unchanged = PageText {
        title: &title,
        meta_description: &meta_description,
        body_markdown: &body_markdown,
    };
    let response = staff
        .save_page_opened_at(goals, english, unchanged, &stand(&opened))
        .await;
    assert_redirects_to(
        &response,
        &paths::with_notice(&paths::page(goals, english), Notice::Unchanged),
    );
    assert_eq!(
        app.count("select count(*) from page_revision where written_at is not null")
            .await,
        0
    );
}
