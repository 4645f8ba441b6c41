//! Signing in to the staff area, sessions, and what happens without them.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{STAFF_PASSWORD, TestApp, spawn_app, spawn_app_with};

const REFUSED: &str = "Die Anmeldung ist fehlgeschlagen.";

async fn refusal_of(app: &TestApp, email: &str, password: &str) -> (StatusCode, String, bool) {
    let staff = app.staff_client();
    let response = staff.sign_in(email, password).await;
    let status = response.status();
    let sets_cookie = response.headers().get("set-cookie").is_some();
    let page = crate::helpers::Page::parse(&response.text().await.unwrap());
    (status, page.text(".form-notice"), sets_cookie)
}

#[tokio::test]
async fn staff_sign_in_and_reach_the_dashboard_with_a_well_protected_cookie() {
    let app = spawn_app().await;
    app.create_staff_account("buero@defus.org", STAFF_PASSWORD)
        .await;
    let staff = app.staff_client();

    let response = staff.get("/admin/anfragen?status=new").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/admin/anmelden?weiter=%2Fadmin%2Fanfragen%3Fstatus%3Dnew"
    );

    let form = staff.page("/admin/anmelden", 200).await;
    let token = form.attribute("input[name=form_token]", "value").unwrap();
    let response = staff
        .client
        .post(app.url("/admin/anmelden"))
        .form(&[
            ("email", "Buero@DEFUS.org"),
            ("password", STAFF_PASSWORD),
            ("form_token", token.as_str()),
            ("weiter", "/admin/anfragen?status=new"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/admin/anfragen?status=new",
        "back where the staff member wanted to go"
    );
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in ["defus_staff=", "HttpOnly", "SameSite=Strict", "Path=/admin"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");

    let page = staff.page("/admin", 200).await;
    assert_eq!(page.text("main h1"), "Übersicht");
    assert_eq!(page.lang(), "de");
    assert_eq!(page.text(".sign-out__who"), "buero@defus.org");
    let response = staff.get("/admin").await;
    assert_eq!(response.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn the_cookie_is_secure_when_the_site_runs_on_https() {
    let app =
        spawn_app_with(|config| config.base_url = Some("https://www.defus.org".parse().unwrap()))
            .await;
    app.create_staff_account("buero@defus.org", STAFF_PASSWORD)
        .await;
    let response = app
        .staff_client()
        .sign_in("buero@defus.org", STAFF_PASSWORD)
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
    app.create_staff_account("buero@defus.org", STAFF_PASSWORD)
        .await;
    let unknown = refusal_of(&app, "niemand@defus.org", STAFF_PASSWORD).await;
    let wrong = refusal_of(&app, "buero@defus.org", "ein falsches Passwort").await;
    assert_eq!(unknown, wrong);
    assert_eq!(unknown.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.1.starts_with(REFUSED), "{}", unknown.1);
    assert!(!unknown.2, "no cookie without success");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    app.create_staff_account("buero@defus.org", STAFF_PASSWORD)
        .await;
    for _ in 0..5 {
        let (_, message, _) = refusal_of(&app, "buero@defus.org", "falsch falsch falsch").await;
        assert!(message.starts_with(REFUSED));
    }
    // Now even the right password is refused, with the same words.
    let (status, message, cookie) = refusal_of(&app, "buero@defus.org", STAFF_PASSWORD).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message.starts_with(REFUSED));
    assert!(!cookie);
    let locked: bool = sqlx::query_scalar(
        "select locked_until > now() + interval '10 minutes' from staff_account",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(locked, "locked for about a quarter of an hour");

    // Once the lock has passed, the right password works again.
    sqlx::query("update staff_account set locked_until = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        app.staff_client()
            .sign_in("buero@defus.org", STAFF_PASSWORD)
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
    let page = crate::helpers::Page::parse(&response.text().await.unwrap());
    assert_eq!(page.text("main h1"), "Zu viele Anfragen");
}

#[tokio::test]
async fn signing_in_again_replaces_the_session_id() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let first = staff.session_cookie().expect("a session cookie");
    let response = staff.sign_in("buero@defus.org", STAFF_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let second = staff.session_cookie().expect("a session cookie");
    assert_ne!(first, second, "a new id at every sign-in");

    // The old id is worthless now.
    let response = app
        .client
        .get(app.url("/admin"))
        .header("cookie", format!("defus_staff={first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(staff.page("/admin", 200).await.text("main h1"), "Übersicht");
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let token = staff.session_cookie().unwrap();
    let response = staff.post("/admin/abmelden", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/admin/anmelden?meldung=abgemeldet"
    );
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let page = staff.page("/admin/anmelden?meldung=abgemeldet", 200).await;
    assert_eq!(page.text(".form-notice--ok"), "Sie sind abgemeldet.");
    let response = app
        .client
        .get(app.url("/admin"))
        .header("cookie", format!("defus_staff={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the old cookie no longer works"
    );
}

#[tokio::test]
async fn without_a_session_pages_redirect_to_sign_in_and_actions_are_forbidden() {
    let app = spawn_app().await;
    let visitor = app.staff_client();
    for path in [
        "/admin",
        "/admin/anfragen",
        "/admin/anfragen/export.csv",
        "/admin/anfragen/1",
        "/admin/anfragen/1/loeschen",
        "/admin/loeschen-nach-email",
        "/admin/seiten",
        "/admin/seiten/goals/de",
        "/admin/seiten/goals/de/versionen",
        "/admin/seiten/goals/de/versionen/1",
        "/admin/fakten",
    ] {
        let response = visitor.get(path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(
            response.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/admin/anmelden?weiter="),
            "{path}"
        );
    }
    for path in [
        "/admin/anfragen/1/status",
        "/admin/anfragen/1/erneut-senden",
        "/admin/anfragen/1/loeschen",
        "/admin/loeschen-nach-email",
        "/admin/seiten/goals/de",
        "/admin/seiten/goals/de/versionen/1/wiederherstellen",
        "/admin/fakten",
    ] {
        let response = visitor
            .post_raw(path, &[("csrf_token", "x"), ("status", "done")])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        let page = crate::helpers::Page::parse(&response.text().await.unwrap());
        assert_eq!(page.text("main h1"), "Nicht angemeldet", "{path}");
        assert_eq!(
            page.attribute("main a", "href").as_deref(),
            Some("/admin/anmelden")
        );
    }
    // Signing out without a session just leads to the sign-in page.
    let response = visitor.post_raw("/admin/abmelden", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/admin/anmelden?meldung=abgemeldet"
    );
}

#[tokio::test]
async fn an_action_without_the_right_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let original_street: String = sqlx::query_scalar("select street from organisation")
        .fetch_one(&app.pool)
        .await
        .unwrap();
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
        let response = staff.post_raw("/admin/fakten", &fields).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "token {token:?}");
    }
    let street: String = sqlx::query_scalar("select street from organisation")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(street, original_street);
    // Signing out needs the token too: a forged link cannot sign anyone out.
    assert_eq!(
        staff.post_raw("/admin/abmelden", &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(staff.page("/admin", 200).await.text("main h1"), "Übersicht");
}

#[tokio::test]
async fn an_idle_session_ends() {
    let app = spawn_app_with(|config| config.staff.session_idle = Duration::from_secs(1)).await;
    let staff = app.signed_in_staff().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(staff.get("/admin").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn even_an_active_session_ends_at_its_absolute_expiry() {
    let app = spawn_app_with(|config| config.staff.session_max = Duration::from_secs(2)).await;
    let staff = app.signed_in_staff().await;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            staff.get("/admin").await.status(),
            StatusCode::OK,
            "active and within the limit"
        );
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(staff.get("/admin").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_disabled_account_loses_its_session_and_cannot_sign_in() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    defus::staff::account::set_enabled(&app.pool, "buero@defus.org", false)
        .await
        .unwrap();
    assert_eq!(staff.get("/admin").await.status(), StatusCode::SEE_OTHER);
    let (_, message, _) = refusal_of(&app, "buero@defus.org", STAFF_PASSWORD).await;
    assert!(message.starts_with(REFUSED));
}

#[tokio::test]
async fn public_pages_still_set_no_cookie_for_signed_in_staff() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    for path in ["/", "/mitgliedschaft", "/en/contact"] {
        let response = staff.get(path).await;
        assert!(response.headers().get("set-cookie").is_none(), "{path}");
    }
}

#[tokio::test]
async fn a_return_path_outside_the_staff_area_is_ignored() {
    let app = spawn_app().await;
    app.create_staff_account("buero@defus.org", STAFF_PASSWORD)
        .await;
    let staff = app.staff_client();
    let form = staff
        .page("/admin/anmelden?weiter=https://evil.example/", 200)
        .await;
    assert_eq!(
        form.attribute("input[name=weiter]", "value").as_deref(),
        Some("/admin")
    );
    let token = form.attribute("input[name=form_token]", "value").unwrap();
    let response = staff
        .client
        .post(app.url("/admin/anmelden"))
        .form(&[
            ("email", "buero@defus.org"),
            ("password", STAFF_PASSWORD),
            ("form_token", token.as_str()),
            ("weiter", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/admin");
}

#[tokio::test]
async fn a_sign_in_posted_from_another_site_is_refused() {
    let app = spawn_app().await;
    app.create_staff_account("buero@defus.org", STAFF_PASSWORD)
        .await;
    let staff = app.staff_client();
    let form = staff.page("/admin/anmelden", 200).await;
    let token = form.attribute("input[name=form_token]", "value").unwrap();
    let response = staff
        .client
        .post(app.url("/admin/anmelden"))
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("email", "buero@defus.org"),
            ("password", STAFF_PASSWORD),
            ("form_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn attempts_sent_all_at_once_cannot_get_past_the_lock() {
    let app = spawn_app().await;
    app.create_staff_account("buero@defus.org", STAFF_PASSWORD)
        .await;
    let staff = app.staff_client();
    let form = staff.page("/admin/anmelden", 200).await;
    let token = form.attribute("input[name=form_token]", "value").unwrap();
    let mut attempts = tokio::task::JoinSet::new();
    for attempt in 0..20 {
        let password = format!("falsches Passwort Nummer {attempt}");
        let request = staff.client.post(app.url("/admin/anmelden")).form(&[
            ("email", "buero@defus.org"),
            ("password", password.as_str()),
            ("form_token", token.as_str()),
        ]);
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
        .sign_in("buero@defus.org", STAFF_PASSWORD)
        .await;
    assert_ne!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the right password no longer helps"
    );
    assert!(response.headers().get("set-cookie").is_none());
    let locked: bool = sqlx::query_scalar("select locked_until > now() from staff_account")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(locked, "the account is locked");
}
