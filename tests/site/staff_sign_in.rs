//! Signing in to the staff area, sessions, and what happens without them.

use std::time::Duration;

use defus::content::PageKey;
use defus::i18n::Locale;
use defus::web::admin::notice::Notice;
use defus::web::admin::paths;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::StatusCode;

use crate::helpers::{
    Page, STAFF_EMAIL, STAFF_PASSWORD, TestApp, assert_is_sent_to_sign_in, assert_redirects_to,
    redirect_target, spawn_app, spawn_app_with,
};

const REFUSED: &str = "Die Anmeldung ist fehlgeschlagen.";

async fn refusal_of(app: &TestApp, email: &str, password: &str) -> (StatusCode, String, bool) {
    let staff = app.staff_client();
    let response = staff.sign_in(email, password).await;
    let status = response.status();
    let sets_cookie = response.headers().get("set-cookie").is_some();
    let page = Page::of(response).await;
    (status, page.text(".form-notice"), sets_cookie)
}

#[tokio::test]
async fn staff_sign_in_and_reach_the_dashboard_with_a_well_protected_cookie() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    let staff = app.staff_client();

    let wanted = format!("{}?status=new", paths::INQUIRIES);
    let response = staff.get(&wanted).await;
    let way_back = utf8_percent_encode(&wanted, NON_ALPHANUMERIC);
    assert_redirects_to(
        &response,
        &format!("{}?{}={way_back}", paths::SIGN_IN, paths::RETURN_PARAMETER),
    );

    let response = staff
        .sign_in_from(
            &redirect_target(&response),
            "Buero@DEFUS.org",
            STAFF_PASSWORD,
        )
        .await;
    assert_redirects_to(&response, &wanted);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in ["defus_staff=", "HttpOnly", "SameSite=Strict", "Path=/admin"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");

    let page = staff.page(paths::DASHBOARD, 200).await;
    assert_eq!(page.text("main h1"), "Übersicht");
    assert_eq!(page.lang(), "de");
    assert_eq!(
        page.text(".sign-out__who"),
        format!("{STAFF_EMAIL} (Mein Konto)")
    );
    let response = staff.get(paths::DASHBOARD).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn the_cookie_is_secure_when_the_site_runs_on_https() {
    let app =
        spawn_app_with(|config| config.base_url = Some("https://www.defus.org".parse().unwrap()))
            .await;
    app.create_staff_account().await;
    let response = app
        .staff_client()
        .sign_in(STAFF_EMAIL, STAFF_PASSWORD)
        .await;
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Secure")
    );
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    let unknown = refusal_of(&app, "niemand@defus.org", STAFF_PASSWORD).await;
    let wrong = refusal_of(&app, STAFF_EMAIL, "ein falsches Passwort").await;
    assert_eq!(unknown, wrong);
    assert_eq!(unknown.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.1.starts_with(REFUSED), "{}", unknown.1);
    assert!(!unknown.2, "no cookie without success");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    for _ in 0..5 {
        let (_, message, _) = refusal_of(&app, STAFF_EMAIL, "falsch falsch falsch").await;
        assert!(message.starts_with(REFUSED));
    }
    // Now even the right password is refused, with the same words.
    let (status, message, cookie) = refusal_of(&app, STAFF_EMAIL, STAFF_PASSWORD).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message.starts_with(REFUSED));
    assert!(!cookie);
    let locked: bool = app
        .fetch_one("select locked_until > now() + interval '10 minutes' from staff_account")
        .await;
    assert!(locked, "locked for about a quarter of an hour");

    // Once the lock has passed, the right password works again.
    app.execute("update staff_account set locked_until = now() - interval '1 second'")
        .await;
    assert_eq!(
        app.staff_client()
            .sign_in(STAFF_EMAIL, STAFF_PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_client_with_many_failures_is_slowed_down_and_then_shut_out() {
    let app = spawn_app().await;
    let started = std::time::Instant::now();
    for attempt in 0..10 {
        let (status, _, _) = refusal_of(
            &app,
            &format!("versuch{attempt}@defus.org"),
            "irgendein Passwort",
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert!(
        started.elapsed() >= Duration::from_millis(4500),
        "later attempts were delayed: {:?}",
        started.elapsed()
    );
    let response = app
        .staff_client()
        .sign_in("noch-einer@defus.org", "irgendein Passwort")
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (800..=900).contains(&retry_after),
        "the first failure leaves the 15 minutes: {retry_after}"
    );
    let page = Page::of(response).await;
    assert_eq!(page.text("main h1"), "Zu viele Anfragen");
}

#[tokio::test]
async fn signing_in_again_replaces_the_session_id() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let first = staff.session_cookie().expect("a session cookie");
    let response = staff.sign_in(STAFF_EMAIL, STAFF_PASSWORD).await;
    assert_redirects_to(&response, paths::DASHBOARD);
    let second = staff.session_cookie().expect("a session cookie");
    assert_ne!(first, second, "a new id at every sign-in");

    // The old id is worthless now.
    assert_is_sent_to_sign_in(&app.get_with_session(paths::DASHBOARD, &first).await);
    assert_eq!(
        staff.page(paths::DASHBOARD, 200).await.text("main h1"),
        "Übersicht"
    );
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let token = staff.session_cookie().unwrap();
    let signed_out = paths::with_notice(paths::SIGN_IN, Notice::SignedOut);
    let response = staff.post(paths::SIGN_OUT, &[]).await;
    assert_redirects_to(&response, &signed_out);
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let page = staff.page(&signed_out, 200).await;
    assert_eq!(page.text(".form-notice--ok"), "Sie sind abgemeldet.");
    assert_is_sent_to_sign_in(&app.get_with_session(paths::DASHBOARD, &token).await);
}

#[tokio::test]
async fn without_a_session_pages_redirect_to_sign_in_and_actions_are_forbidden() {
    let app = spawn_app().await;
    let visitor = app.staff_client();
    let (goals, german) = (PageKey::Goals, Locale::De);
    for path in [
        paths::DASHBOARD.to_owned(),
        paths::INQUIRIES.to_owned(),
        paths::INQUIRIES_EXPORT.to_owned(),
        paths::inquiry(1),
        paths::inquiry_delete(1),
        paths::ERASURE.to_owned(),
        paths::PAGES.to_owned(),
        paths::page(goals, german),
        paths::page_versions(goals, german),
        paths::page_version(goals, german, 1),
        paths::FACTS.to_owned(),
    ] {
        assert_is_sent_to_sign_in(&visitor.get(&path).await);
    }
    for path in [
        paths::inquiry_status(1),
        paths::inquiry_resend(1),
        paths::inquiry_delete(1),
        paths::ERASURE.to_owned(),
        paths::page(goals, german),
        paths::page_restore(goals, german, 1),
        paths::FACTS.to_owned(),
    ] {
        let response = visitor
            .post_raw(&path, &[("csrf_token", "x"), ("status", "done")])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        // Nothing is done; the page asks to sign in, and would then do it.
        let page = Page::of(response).await;
        assert_eq!(page.text("main h1"), "Bitte erneut anmelden", "{path}");
        assert_eq!(
            page.attribute("main form", "action").as_deref(),
            Some(path.as_str()),
            "{path}"
        );
    }
    // Signing out without a session just leads to the sign-in page.
    let response = visitor.post_raw(paths::SIGN_OUT, &[]).await;
    assert_redirects_to(
        &response,
        &paths::with_notice(paths::SIGN_IN, Notice::SignedOut),
    );
}

#[tokio::test]
async fn an_action_without_the_right_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let street = "select street from organisation";
    let original_street: String = app.fetch_one(street).await;
    for token in [None, Some("falsch"), Some("")] {
        let mut fields = vec![
            ("street", "Geänderte Straße 9"),
            ("legal_name", "X e.V."),
            ("short_name", "X"),
            ("postal_code", "1"),
            ("city", "Y"),
        ];
        if let Some(token) = token {
            fields.push(("csrf_token", token));
        }
        let response = staff.post_raw(paths::FACTS, &fields).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "token {token:?}");
    }
    assert_eq!(app.fetch_one::<String>(street).await, original_street);
    // Signing out needs the token too: a forged link cannot sign anyone out.
    assert_eq!(
        staff.post_raw(paths::SIGN_OUT, &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        staff.page(paths::DASHBOARD, 200).await.text("main h1"),
        "Übersicht"
    );
}

#[tokio::test]
async fn an_idle_session_ends() {
    let app = spawn_app_with(|config| config.staff.session_idle = Duration::from_secs(1)).await;
    let staff = app.signed_in_staff().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_is_sent_to_sign_in(&staff.get(paths::DASHBOARD).await);
}

#[tokio::test]
async fn even_an_active_session_ends_at_its_absolute_expiry() {
    let app = spawn_app_with(|config| config.staff.session_max = Duration::from_secs(2)).await;
    let staff = app.signed_in_staff().await;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            staff.get(paths::DASHBOARD).await.status(),
            StatusCode::OK,
            "active and within the limit"
        );
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_is_sent_to_sign_in(&staff.get(paths::DASHBOARD).await);
}

#[tokio::test]
async fn a_disabled_account_loses_its_session_and_cannot_sign_in() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    // As on the command line (`defus user disable`).
    let id = defus::staff::account::id_of(&app.pool, STAFF_EMAIL)
        .await
        .unwrap();
    let mut connection = app.pool.acquire().await.unwrap();
    defus::staff::account::set_enabled(
        &mut connection,
        id,
        false,
        defus::staff::account::Safeguard::None,
    )
    .await
    .unwrap();
    assert_is_sent_to_sign_in(&staff.get(paths::DASHBOARD).await);
    let (_, message, _) = refusal_of(&app, STAFF_EMAIL, STAFF_PASSWORD).await;
    assert!(message.starts_with(REFUSED));
}

#[tokio::test]
async fn public_pages_still_set_no_cookie_for_signed_in_staff() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    for path in [
        PageKey::Start.path(Locale::De),
        PageKey::Membership.path(Locale::De),
        PageKey::Contact.path(Locale::En),
    ] {
        let response = staff.get(path).await;
        assert!(response.headers().get("set-cookie").is_none(), "{path}");
    }
}

#[tokio::test]
async fn a_return_path_outside_the_staff_area_is_ignored() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    let staff = app.staff_client();
    let mut form = staff
        .open_sign_in(&format!(
            "{}?{}=https://evil.example/",
            paths::SIGN_IN,
            paths::RETURN_PARAMETER
        ))
        .await;
    assert_eq!(form.weiter, paths::DASHBOARD);
    // A forged form names another site all the same.
    form.weiter = "//evil.example/".to_owned();
    let response = staff
        .sign_in_request(&form, STAFF_EMAIL, STAFF_PASSWORD)
        .send()
        .await
        .unwrap();
    assert_redirects_to(&response, paths::DASHBOARD);
}

#[tokio::test]
async fn a_sign_in_posted_from_another_site_is_refused() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    let staff = app.staff_client();
    let form = staff.open_sign_in(paths::SIGN_IN).await;
    let response = staff
        .sign_in_request(&form, STAFF_EMAIL, STAFF_PASSWORD)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn attempts_sent_all_at_once_cannot_get_past_the_lock() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    let staff = app.staff_client();
    let form = staff.open_sign_in(paths::SIGN_IN).await;
    let mut attempts = tokio::task::JoinSet::new();
    for attempt in 0..20 {
        let password = format!("falsches Passwort Nummer {attempt}");
        let request = staff.sign_in_request(&form, STAFF_EMAIL, &password);
        attempts.spawn(async move { request.send().await.unwrap().status() });
    }
    let statuses = attempts.join_all().await;
    let checked = statuses
        .iter()
        .filter(|status| **status == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let shut_out = statuses
        .iter()
        .filter(|status| **status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + shut_out, 20, "{statuses:?}");
    assert!(
        checked <= 10,
        "no more attempts than the client limit are checked: {statuses:?}"
    );
    let response = app
        .staff_client()
        .sign_in(STAFF_EMAIL, STAFF_PASSWORD)
        .await;
    assert_ne!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the right password no longer helps"
    );
    assert!(response.headers().get("set-cookie").is_none());
    let locked: bool = app
        .fetch_one("select locked_until > now() from staff_account")
        .await;
    assert!(locked, "the account is locked");
}

#[tokio::test]
async fn staff_see_their_sign_ins_and_end_their_sessions_elsewhere() {
    let app = spawn_app().await;
    let office = app.signed_in_staff().await;
    // The same person on a phone, signed in too.
    let phone = app.staff_client();
    let form = phone.open_sign_in(paths::SIGN_IN).await;
    let response = phone
        .sign_in_request(&form, STAFF_EMAIL, STAFF_PASSWORD)
        .header(
            "user-agent",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 \
             (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        )
        .send()
        .await
        .unwrap();
    assert_redirects_to(&response, paths::DASHBOARD);

    let rows = |page: &Page| -> Vec<(String, String)> {
        page.select("main table tbody tr")
            .into_iter()
            .map(|row| {
                let cells: Vec<String> = row
                    .select(&scraper::Selector::parse("td").unwrap())
                    .map(crate::helpers::text_of)
                    .collect();
                (cells[0].clone(), cells[1].clone())
            })
            .collect()
    };
    let own = office.page(paths::OWN_ACCOUNT, 200).await;
    assert_eq!(
        rows(&own),
        [
            ("Safari auf iPhone".to_owned(), "Noch angemeldet".to_owned()),
            ("Unbekannter Browser".to_owned(), "Diese Sitzung".to_owned()),
        ],
        "newest first, each with its device; no address shown or kept"
    );
    assert_eq!(
        app.count("select count(*) from staff_sign_in where device like '%127.0.0.1%'")
            .await,
        0
    );

    let response = office.post(paths::OWN_OTHER_SESSIONS, &[]).await;
    assert_redirects_to(
        &response,
        &paths::with_notice(paths::OWN_ACCOUNT, Notice::OtherSessionsEnded),
    );
    assert_is_sent_to_sign_in(&phone.get(paths::DASHBOARD).await);
    let own = office.page(&redirect_target(&response), 200).await;
    assert_eq!(
        own.text(".form-notice"),
        "Ihre Anmeldungen auf anderen Geräten und in anderen Browsern sind beendet."
    );
    assert_eq!(
        rows(&own),
        [
            ("Safari auf iPhone".to_owned(), "Beendet".to_owned()),
            ("Unbekannter Browser".to_owned(), "Diese Sitzung".to_owned()),
        ]
    );
    assert!(
        own.select("form[action='/admin/konto/andere-sitzungen-beenden']")
            .is_empty(),
        "no button while signed in nowhere else"
    );
}
