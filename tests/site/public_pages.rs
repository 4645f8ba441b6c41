//! The public pages as a visitor meets them.

use std::collections::{BTreeSet, HashSet, VecDeque};

use defus::content::PageKey;
use defus::i18n::Locale;

use crate::helpers::{Page, TestApp, publish_samples, spawn_app, spawn_app_with, text_of};

#[tokio::test]
async fn every_page_answers_in_both_languages_with_its_title_and_language() {
    let app = spawn_app().await;
    for key in PageKey::ALL {
        for locale in Locale::ALL {
            let path = key.path(locale);
            let page = app.page(path, 200).await;
            assert_eq!(page.lang(), locale.code(), "lang of {path}");
            let stored_title: String =
                sqlx::query_scalar("select title from page where page_key = $1 and locale = $2")
                    .bind(key.code())
                    .bind(locale.code())
                    .fetch_one(&app.pool)
                    .await
                    .unwrap();
            assert_eq!(page.text("main h1"), stored_title, "h1 of {path}");
            assert_eq!(page.select("h1").len(), 1, "one h1 on {path}");
            assert!(page.text("title").contains("DEFUS"), "title of {path}");
            assert!(
                page.attribute("meta[name=description]", "content")
                    .is_some()
            );
        }
    }
}

#[tokio::test]
async fn the_current_page_is_marked_in_the_navigation() {
    let app = spawn_app().await;
    let page = app.public_page(PageKey::History, Locale::De).await;
    let current = page.select("nav [aria-current=page]");
    assert_eq!(current.len(), 1);
    assert_eq!(
        current[0].value().attr("href"),
        Some(PageKey::History.path(Locale::De))
    );
    assert_eq!(text_of(current[0]), "Geschichte");

    let page = app.public_page(PageKey::LegalNotice, Locale::En).await;
    let current = page.select("footer [aria-current=page]");
    assert_eq!(current.len(), 1);
    assert_eq!(text_of(current[0]), "Legal notice");
}

#[tokio::test]
async fn every_page_has_a_skip_link_to_the_main_content() {
    let app = spawn_app().await;
    for locale in Locale::ALL {
        let page = app.public_page(PageKey::Goals, locale).await;
        let skip = page.select("body > a.skip-link");
        assert_eq!(skip.len(), 1);
        assert_eq!(skip[0].value().attr("href"), Some("#content"));
        assert_eq!(page.select("main#content").len(), 1);
    }
}

#[tokio::test]
async fn each_language_switch_lands_on_the_counterpart_page() {
    let app = spawn_app().await;
    for key in PageKey::ALL {
        for locale in Locale::ALL {
            let page = app.public_page(key, locale).await;
            let switch = page
                .attribute(".language-switch a[hreflang]", "href")
                .expect("a language switch");
            let other = locale.other();
            assert_eq!(switch, key.path(other), "switch on {}", key.path(locale));
            assert_eq!(
                page.attribute(".language-switch a[hreflang]", "lang")
                    .as_deref(),
                Some(other.code())
            );
            let counterpart = app.page(&switch, 200).await;
            assert_eq!(counterpart.lang(), other.code());
            assert_eq!(
                counterpart
                    .attribute(".language-switch a[hreflang]", "href")
                    .as_deref(),
                Some(key.path(locale)),
                "the way back from {switch}"
            );
        }
    }
}

/// Everything a page makes the browser load or lets the visitor follow.
fn references(page: &Page) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (selector, attribute) in [
        ("a[href]", "href"),
        ("link[href]", "href"),
        ("script[src]", "src"),
        ("img[src]", "src"),
        ("iframe[src]", "src"),
        ("form[action]", "action"),
        ("source[src]", "src"),
    ] {
        for element in page.select(selector) {
            let value = element.value().attr(attribute).unwrap_or_default();
            found.push((element.value().name().to_owned(), value.to_owned()));
        }
    }
    found
}

#[tokio::test]
async fn a_crawl_from_both_start_pages_finds_no_broken_link_and_nothing_from_other_hosts() {
    let app = spawn_app().await;
    let samples = publish_samples(&app, &app.signed_in_staff().await).await;
    let mut queue: VecDeque<String> =
        VecDeque::from(Locale::ALL.map(|locale| PageKey::Start.path(locale).to_owned()));
    let mut seen: HashSet<String> = queue.iter().cloned().collect();
    let mut links_out = BTreeSet::new();

    while let Some(path) = queue.pop_front() {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200, "{path} is reachable");
        assert!(
            response.headers().get("set-cookie").is_none(),
            "{path} sets no cookie"
        );
        let is_html = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html");
        let body = response.text().await.unwrap();
        if !is_html {
            assert!(
                !body.contains("url(http"),
                "{path} loads nothing from other hosts"
            );
            continue;
        }
        let page = Page::parse(&body);
        assert!(
            page.select("script:not([type='application/ld+json'])")
                .is_empty(),
            "{path} has no script (only data for search engines)"
        );
        assert!(
            page.select("[style]").is_empty(),
            "{path} has no inline style"
        );
        for (element, reference) in references(&page) {
            let local = reference
                .strip_prefix(&app.address)
                .map(str::to_owned)
                .or_else(|| reference.starts_with('/').then(|| reference.clone()));
            match local {
                Some(local) => {
                    let local = local.split('#').next().unwrap_or_default().to_owned();
                    if !local.is_empty() && seen.insert(local.clone()) {
                        queue.push_back(local);
                    }
                }
                None if reference.starts_with("mailto:")
                    || reference.starts_with("tel:")
                    || reference.starts_with('#') => {}
                None => {
                    assert_eq!(
                        element, "a",
                        "{path} makes the browser load {reference} from another host"
                    );
                    links_out.insert(reference);
                }
            }
        }
    }

    for key in PageKey::ALL {
        for locale in Locale::ALL {
            assert!(
                seen.contains(key.path(locale)),
                "{} is linked",
                key.path(locale)
            );
        }
    }
    let feeds_and_calendars = [
        "/aktuelles.atom",
        "/en/news.atom",
        "/termine.ics",
        "/en/events.ics",
    ];
    for path in samples
        .public_paths
        .iter()
        .map(String::as_str)
        .chain(feeds_and_calendars)
    {
        assert!(seen.contains(path), "{path} is linked");
    }
    assert!(
        seen.iter().any(|path| path.starts_with("/bilder/")),
        "the news item's picture is served by the site itself"
    );
    assert!(links_out.contains("https://efus.eu"), "{links_out:?}");
}

#[tokio::test]
async fn the_history_page_tells_the_founding_and_names_the_current_chairs() {
    let app = spawn_app().await;
    let german = app
        .public_page(PageKey::History, Locale::De)
        .await
        .main_text();
    let english = app
        .public_page(PageKey::History, Locale::En)
        .await
        .main_text();
    assert!(german.contains("10. Mai 2010"), "{german}");
    assert!(german.contains("Berlin"));
    assert!(german.contains("Deutschen Präventionstages"));
    assert!(english.contains("10 May 2010"), "{english}");
    for city in [
        "Augsburg",
        "Heidelberg",
        "Leer",
        "Mannheim",
        "Oldenburg",
        "Stuttgart",
    ] {
        assert!(german.contains(city), "{city} in {german}");
        assert!(english.contains(city), "{city} in {english}");
    }
    assert!(german.contains("München") && english.contains("Munich"));
    assert!(german.contains("Landespräventionsrat Niedersachsen"));
    assert!(german.contains("eingetragener Verein") && german.contains("Hannover"));

    app.execute("update organisation set chairs = array['Stadt Augsburg', 'Stadt Leer']")
        .await;
    let page = app.public_page(PageKey::History, Locale::De).await;
    let chairs: Vec<String> = page
        .select("#chairs + p + ul li")
        .into_iter()
        .map(text_of)
        .collect();
    assert_eq!(chairs, ["Stadt Augsburg", "Stadt Leer"]);
}

#[tokio::test]
async fn the_goals_page_covers_the_association_s_aims() {
    let app = spawn_app().await;
    let german = app
        .public_page(PageKey::Goals, Locale::De)
        .await
        .main_text();
    for aim in [
        "Kriminalprävention",
        "Verkehrssicherheit",
        "Sicherheitsgefühl",
        "Konferenzen",
        "Polizei",
    ] {
        assert!(german.contains(aim), "{aim} in {german}");
    }
    let english = app
        .public_page(PageKey::Goals, Locale::En)
        .await
        .main_text();
    for aim in ["crime prevention", "Road safety", "conferences", "police"] {
        assert!(english.contains(aim), "{aim} in {english}");
    }
}

#[tokio::test]
async fn the_efus_page_links_to_efus_and_embeds_nothing() {
    let app = spawn_app().await;
    for path in [
        PageKey::Efus.path(Locale::De),
        PageKey::Efus.path(Locale::En),
    ] {
        let page = app.page(path, 200).await;
        assert_eq!(
            page.select("main a[href='https://efus.eu']").len(),
            1,
            "{path}"
        );
        assert!(page.select("iframe, object, embed").is_empty());
        assert!(page.main_text().contains("300"));
        assert!(page.main_text().contains("EFUS"));
    }
}

#[tokio::test]
async fn the_membership_page_says_whom_to_ask_and_who_can_join() {
    let app = spawn_app().await;
    let page = app.public_page(PageKey::Membership, Locale::De).await;
    let text = page.main_text();
    assert!(text.contains("Dr. Heinzelmann"), "{text}");
    assert!(text.contains("formlos"), "{text}");
    assert!(text.contains("EFUS"));
    assert_eq!(
        page.attribute("main a[href^='mailto:']", "href").as_deref(),
        Some("mailto:defus@defus.org")
    );

    app.execute("update organisation set contact_person = 'Erika Musterfrau'")
        .await;
    let text = app
        .public_page(PageKey::Membership, Locale::En)
        .await
        .main_text();
    assert!(text.contains("Erika Musterfrau"), "{text}");
    assert!(!text.contains("Heinzelmann"), "{text}");
}

#[tokio::test]
async fn the_contact_page_gives_address_phone_and_email_as_structured_data() {
    let app = spawn_app().await;
    for path in [
        PageKey::Contact.path(Locale::De),
        PageKey::Contact.path(Locale::En),
    ] {
        let page = app.page(path, 200).await;
        let address = page.text("main address");
        assert!(
            address.contains("c/o Deutscher Präventionstag"),
            "{address}"
        );
        assert!(address.contains("Am Waterlooplatz 5 A"), "{address}");
        assert!(address.contains("30169 Hannover"), "{address}");
        assert_eq!(
            page.attribute("main a[href^='tel:']", "href").as_deref(),
            Some("tel:+495111205262")
        );
        assert_eq!(page.text("main a[href^='tel:']"), "0511 120-5262");
        assert_eq!(
            page.attribute("main a[href^='mailto:']", "href").as_deref(),
            Some("mailto:defus@defus.org")
        );
    }
}

#[tokio::test]
async fn the_legal_notice_shows_set_details_and_leaves_out_unset_ones() {
    let app = spawn_app().await;
    let page = app.public_page(PageKey::LegalNotice, Locale::De).await;
    let text = page.main_text();
    assert!(text.contains("§ 5"), "{text}");
    assert!(text.contains("Deutsch-Europäisches Forum für Urbane Sicherheit e.V."));
    assert!(text.contains("30169 Hannover"));
    assert!(text.contains("defus@defus.org"));
    assert!(
        !text.contains("Registergericht"),
        "unset details are left out: {text}"
    );
    assert!(!text.contains("Vertreten durch"), "{text}");

    app.execute(
        "update organisation set register_court = 'Amtsgericht Hannover',
             register_number = 'VR 123456', represented_by = 'Max Mustermann (Vorsitz)'",
    )
    .await;
    let text = app
        .public_page(PageKey::LegalNotice, Locale::De)
        .await
        .main_text();
    assert!(
        text.contains("Registergericht: Amtsgericht Hannover"),
        "{text}"
    );
    assert!(text.contains("Registernummer: VR 123456"), "{text}");
    assert!(text.contains("Max Mustermann (Vorsitz)"), "{text}");
    let text = app
        .public_page(PageKey::LegalNotice, Locale::En)
        .await
        .main_text();
    assert!(
        text.contains("Register court: Amtsgericht Hannover"),
        "{text}"
    );
}

#[tokio::test]
async fn the_privacy_page_states_the_configured_retention_period() {
    let app = spawn_app_with(|config| config.inquiry_retention_days = 90).await;
    let text = app
        .public_page(PageKey::Privacy, Locale::De)
        .await
        .main_text();
    assert!(text.contains("90 Tage nach ihrem Eingang"), "{text}");
    for topic in [
        "keine Cookies",
        "Art. 6 Abs. 1 lit. b",
        "lit. f",
        "Art. 17",
        "Niedersachsen",
    ] {
        assert!(text.contains(topic), "{topic} in {text}");
    }
    let text = app
        .public_page(PageKey::Privacy, Locale::En)
        .await
        .main_text();
    assert!(text.contains("automatically 90 days after"), "{text}");
    assert!(text.contains("Art. 6(1)(b) GDPR"), "{text}");
}

#[tokio::test]
async fn the_accessibility_statement_offers_a_way_to_report_barriers() {
    let app = spawn_app().await;
    for (path, heading) in [
        (PageKey::Accessibility.path(Locale::De), "Barrieren melden"),
        (PageKey::Accessibility.path(Locale::En), "Report a barrier"),
    ] {
        let page = app.page(path, 200).await;
        assert_eq!(page.text("#report-barrier"), heading);
        assert!(page.main_text().contains("WCAG 2.1"));
        assert_eq!(
            page.select("main a[href='mailto:defus@defus.org']").len(),
            1
        );
    }
}

#[tokio::test]
async fn the_accessibility_statement_says_what_lower_saxony_s_law_asks() {
    let app = spawn_app().await;
    let page = app.public_page(PageKey::Accessibility, Locale::De).await;
    assert_eq!(
        page.texts(".prose h2, .facts h2"),
        [
            "Stand der Vereinbarkeit",
            "Wie wir geprüft haben",
            "Bekannte Einschränkungen",
            "Erstellung dieser Erklärung",
            "Barrieren melden",
            "Schlichtungsverfahren",
        ]
    );
    assert!(page.main_text().contains("Selbstbewertung"));
    assert_eq!(
        page.select("#statement-dates + dl time[datetime='2026-12-01']")
            .len(),
        2,
        "made and last reviewed"
    );
    let arbitration = page.text("#arbitration ~ address");
    assert!(
        arbitration.contains("Landesbeauftragten für Menschen mit Behinderungen Niedersachsen")
            && arbitration.contains("Hannah-Arendt-Platz 2 30159 Hannover"),
        "{arbitration}"
    );
    let english = app.public_page(PageKey::Accessibility, Locale::En).await;
    assert_eq!(english.text("#arbitration"), "Enforcement procedure");
    assert!(english.main_text().contains("Known limitations"));

    // Without an arbitration body in the facts, the section is left out rather than half shown.
    app.execute("update organisation set arbitration_body = null")
        .await;
    let page = app.public_page(PageKey::Accessibility, Locale::De).await;
    assert!(page.select("#arbitration").is_empty());
}

#[tokio::test]
async fn every_header_leads_to_leichte_sprache_or_plain_english() {
    let app = spawn_app().await;
    let mut paths: Vec<String> = PageKey::ALL
        .iter()
        .flat_map(|key| Locale::ALL.map(|locale| key.path(locale).to_owned()))
        .collect();
    paths.extend(["/aktuelles", "/en/events", "/mitglieder", "/en/documents"].map(String::from));
    for path in paths {
        let page = app.page(&path, 200).await;
        let link = page.select("header a.easy-read-link");
        assert_eq!(link.len(), 1, "{path}");
        let expected = match Locale::of_path(&path) {
            Locale::De => ("/leichte-sprache", "Leichte Sprache"),
            Locale::En => ("/en/plain-english", "Plain English"),
        };
        assert_eq!(
            (link[0].value().attr("href"), text_of(link[0]).as_str()),
            (Some(expected.0), expected.1),
            "{path}"
        );
    }
    let missing = app.page("/gibt-es-nicht", 404).await;
    assert_eq!(missing.text("header a.easy-read-link"), "Leichte Sprache");
}

#[tokio::test]
async fn the_easy_read_pages_say_in_short_lines_what_defus_is_and_how_to_reach_it() {
    let app = spawn_app().await;
    for (locale, headings) in [
        (
            Locale::De,
            [
                "Wer sind wir?",
                "Was machen wir?",
                "DEFUS und Europa",
                "Wer kann mitmachen?",
                "So erreichen Sie uns",
            ],
        ),
        (
            Locale::En,
            [
                "Who we are",
                "What we do",
                "DEFUS and Europe",
                "Who can join",
                "How to contact us",
            ],
        ),
    ] {
        let page = app.public_page(PageKey::EasyRead, locale).await;
        assert_eq!(page.texts(".prose h2"), headings, "{locale}");
        // One statement a line, and short ones: a line break staff type is kept on the page.
        for paragraph in page.select(".prose p") {
            let text: String = paragraph.text().collect();
            for line in text.lines() {
                let words = line.split_whitespace().count();
                assert!(words <= 12, "{words} words in {line:?}");
                let sentence_ends = line.matches(['.', '?', '!']).count();
                assert!(sentence_ends <= 1, "one sentence a line: {line:?}");
            }
        }
        // The office's details come from the facts, as everywhere.
        assert!(
            page.text("main .facts address")
                .contains("Am Waterlooplatz 5 A")
        );
        assert_eq!(
            page.select("main .facts a[href='mailto:defus@defus.org']")
                .len(),
            1
        );
    }
    app.execute("update organisation set street = 'Neue Straße 1'")
        .await;
    let page = app.public_page(PageKey::EasyRead, Locale::De).await;
    assert!(page.text("main .facts address").contains("Neue Straße 1"));
}

#[tokio::test]
async fn every_link_says_where_it_leads_without_its_surroundings() {
    let app = spawn_app().await;
    let samples = publish_samples(&app, &app.signed_in_staff().await).await;
    let mut paths: Vec<String> = PageKey::ALL
        .iter()
        .flat_map(|key| Locale::ALL.map(|locale| key.path(locale).to_owned()))
        .collect();
    paths.extend(samples.public_paths);
    paths.push("/suche?q=Pr%C3%A4vention".into());
    const SAY_NOTHING: [&str; 10] = [
        "hier",
        "mehr",
        "weiter",
        "link",
        "klicken sie hier",
        "here",
        "more",
        "click here",
        "read more",
        "learn more",
    ];
    for path in paths {
        let page = app.page(&path, 200).await;
        for link in page.select("a[href]") {
            let href = link.value().attr("href").unwrap_or_default();
            let text = text_of(link);
            assert!(!text.is_empty(), "{path}: a link to {href} without text");
            // An address or phone number is what such a link leads to.
            if href.starts_with("mailto:") || href.starts_with("tel:") {
                continue;
            }
            let lower = text.to_lowercase();
            assert!(
                !SAY_NOTHING.contains(&lower.as_str()),
                "{path}: \"{text}\" says nothing about {href}"
            );
            let looks_like_an_address = !lower.contains(' ')
                && (lower.starts_with("http") || lower.starts_with("www.") || {
                    let parts: Vec<&str> = lower.split('.').collect();
                    parts.len() >= 2 && parts.iter().all(|part| part.len() >= 2)
                });
            assert!(
                !looks_like_an_address,
                "{path}: \"{text}\" is an address, not what is there ({href})"
            );
        }
    }
}

#[tokio::test]
async fn every_footer_has_the_office_contact_and_the_legal_links() {
    let app = spawn_app().await;
    for key in PageKey::ALL {
        for locale in Locale::ALL {
            let page = app.public_page(key, locale).await;
            assert!(page.text("footer address").contains("Am Waterlooplatz 5 A"));
            let links: Vec<_> = page
                .select("footer nav a")
                .into_iter()
                .filter_map(|link| link.value().attr("href"))
                .collect();
            assert_eq!(
                links,
                PageKey::FOOTER_NAVIGATION.map(|page| page.path(locale)),
            );
        }
    }
}

#[tokio::test]
async fn editing_a_page_in_the_database_changes_what_visitors_see() {
    let app = spawn_app().await;
    app.execute(
        "update page set title = 'Neue Ziele', body_markdown = 'Ein **frischer** Text.'
         where page_key = 'goals' and locale = 'de'",
    )
    .await;
    let page = app.public_page(PageKey::Goals, Locale::De).await;
    assert_eq!(page.text("main h1"), "Neue Ziele");
    assert_eq!(page.text(".prose strong"), "frischer");
    assert!(page.text("title").starts_with("Neue Ziele"));
    // The English page is a row of its own and stays as it was.
    assert_eq!(
        app.public_page(PageKey::Goals, Locale::En)
            .await
            .text("main h1"),
        "Our goals"
    );
}

#[tokio::test]
async fn the_last_updated_date_follows_edits() {
    let app = spawn_app().await;
    // Age the row first; the edit below must bring the date back to today.
    app.execute("alter table page disable trigger page_set_updated_at")
        .await;
    app.execute("update page set updated_at = '2020-03-15 12:00+00' where page_key = 'efus'")
        .await;
    app.execute("alter table page enable trigger page_set_updated_at")
        .await;
    let page = app.public_page(PageKey::Efus, Locale::De).await;
    assert_eq!(page.text(".updated"), "Stand: 15. März 2020");
    assert_eq!(
        page.attribute(".updated time", "datetime").as_deref(),
        Some("2020-03-15")
    );
    assert_eq!(
        app.public_page(PageKey::Efus, Locale::En)
            .await
            .text(".updated"),
        "Last updated: 15 March 2020"
    );

    app.execute("update page set title = 'EFUS' where page_key = 'efus' and locale = 'de'")
        .await;
    let today = Locale::De.format_date(chrono::Utc::now());
    assert_eq!(
        app.public_page(PageKey::Efus, Locale::De)
            .await
            .text(".updated"),
        format!("Stand: {today}")
    );
}

#[tokio::test]
async fn markdown_from_the_database_cannot_inject_scripts() {
    let app = spawn_app().await;
    app.execute("update page set body_markdown = E'<script>alert(1)</script>\n\n[Klick](javascript:alert(1))\n\n![t](https://tracker.example/p.gif)'
         where page_key = 'contact' and locale = 'de'").await;
    let page = app.public_page(PageKey::Contact, Locale::De).await;
    // The page's own data for search engines is the only script element, and not the text's.
    assert!(
        page.select("script:not([type='application/ld+json']), img")
            .is_empty()
    );
    assert!(page.main_text().contains("Klick"), "the link text stays");
    for link in page.select("a[href]") {
        let href = link.value().attr("href").unwrap_or_default();
        assert!(!href.starts_with("javascript:"), "{href}");
    }
}

#[tokio::test]
async fn pages_forbid_scripts_and_foreign_content_by_policy() {
    let app = spawn_app().await;
    let response = app.get(PageKey::Start.path(Locale::De)).await;
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(!policy.contains("script-src"), "{policy}");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn the_english_root_without_slash_redirects_to_the_english_start_page() {
    let app: TestApp = spawn_app().await;
    let response = app.get("/en").await;
    assert_eq!(response.status(), 308);
    assert_eq!(
        response.headers()["location"],
        PageKey::Start.path(Locale::En)
    );
}
