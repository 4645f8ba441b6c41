//! Two-factor sign-in: set up on the command line, asked for on a second step, each code once.

use defus::web::admin::paths;
use reqwest::StatusCode;

use crate::helpers::{
    Page, STAFF_EMAIL, STAFF_PASSWORD, Staff, TestApp, assert_redirects_to, code_in, spawn_app,
    spawn_app_with, user_command,
};

const SECOND_STEP: &str = "Anmelden: zweiter Schritt";
const WRONG_CODE: &str = "Der Code stimmt nicht oder wurde schon verwendet.";

/// Signs in with the password and returns the page of the second step.
async fn password_step(staff: &Staff<'_>) -> Page {
    let response = staff.sign_in(STAFF_EMAIL, STAFF_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK, "the second step follows");
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no session before the code"
    );
    let page = Page::of(response).await;
    assert_eq!(page.text("main h1"), SECOND_STEP);
    page
}

/// The whole sign-in with `code` on the second step, from a fresh browser.
async fn sign_in_with_code(app: &TestApp, code: &str) -> reqwest::Response {
    let staff = app.staff_client();
    let step = password_step(&staff).await;
    staff.send_code(&step, code).await
}

async fn refused_with_wrong_code(response: reqwest::Response) {
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.headers().get("set-cookie").is_none());
    let page = Page::of(response).await;
    assert_eq!(page.text("main h1"), SECOND_STEP, "the code is asked again");
    assert!(
        page.text(".form-notice").starts_with(WRONG_CODE),
        "{}",
        page.text(".form-notice")
    );
}

#[tokio::test]
async fn two_factor_sign_in_set_up_on_the_command_line_asks_for_the_apps_code() {
    let app = spawn_app().await;
    let url = app.config.database_url.clone();
    let added = user_command(&url, &["add", STAFF_EMAIL], &format!("{STAFF_PASSWORD}\n")).await;
    assert!(added.status.success());

    // A colleague signed in before loses the session: it was made without the second step.
    let before = app.staff_client();
    assert_redirects_to(
        &before.sign_in(STAFF_EMAIL, STAFF_PASSWORD).await,
        paths::DASHBOARD,
    );

    let enabled = user_command(&url, &["totp", "enable", STAFF_EMAIL], "").await;
    assert!(
        enabled.status.success(),
        "{}",
        String::from_utf8_lossy(&enabled.stderr)
    );
    let printed = String::from_utf8_lossy(&enabled.stdout).into_owned();
    let uri = printed
        .lines()
        .find(|line| line.starts_with("otpauth://totp/DEFUS:buero%40defus.org?"))
        .unwrap_or_else(|| panic!("an otpauth:// address in {printed}"));
    assert!(
        printed.contains('█') && printed.contains('▀'),
        "a QR code drawn in the terminal"
    );
    let recovery_codes: Vec<&str> = printed
        .lines()
        .filter_map(|line| line.strip_prefix("  "))
        .filter(|code| code.len() == 14 && code.matches('-').count() == 2)
        .collect();
    assert_eq!(recovery_codes.len(), 10, "ten recovery codes in {printed}");
    let totp = totp_rs::Totp::from_url(uri).expect("the address reads as TOTP");
    let listed =
        String::from_utf8_lossy(&user_command(&url, &["list"], "").await.stdout).into_owned();
    assert!(listed.contains("\tenabled\ttwo-factor\t"), "{listed}");
    assert_eq!(
        before.get(paths::DASHBOARD).await.status(),
        StatusCode::SEE_OTHER,
        "the earlier session has ended"
    );

    // The password alone no longer opens the staff area; with the app's code it does.
    let staff = app.staff_client();
    let step = password_step(&staff).await;
    assert_redirects_to(&staff.get(paths::SIGN_IN_CODE).await, paths::SIGN_IN);
    assert_eq!(
        staff.get(paths::DASHBOARD).await.status(),
        StatusCode::SEE_OTHER
    );
    let response = staff.send_code(&step, &code_in(&totp, 0)).await;
    assert_redirects_to(&response, paths::DASHBOARD);
    assert_eq!(
        staff.page(paths::DASHBOARD, 200).await.text("main h1"),
        "Übersicht"
    );
    let own = staff.page(paths::OWN_ACCOUNT, 200).await;
    assert!(
        own.main_text()
            .contains("Ihnen bleiben 10 von 10 Wiederherstellungscodes"),
        "{}",
        own.main_text()
    );
    // Colleagues who manage the accounts see who has it, e.g. before STAFF_REQUIRE_TOTP.
    let accounts = staff.page(paths::ACCOUNTS, 200).await;
    assert_eq!(accounts.text("td[data-label='Zwei Schritte']"), "ja");

    // Switched off, the password alone signs in again.
    let disabled = user_command(&url, &["totp", "disable", STAFF_EMAIL], "").await;
    assert!(disabled.status.success());
    assert_redirects_to(
        &app.staff_client()
            .sign_in(STAFF_EMAIL, STAFF_PASSWORD)
            .await,
        paths::DASHBOARD,
    );
}

#[tokio::test]
async fn a_wrong_code_is_refused_and_counts_towards_the_lock_like_a_wrong_password() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    let (totp, _) = app.enable_two_factor(STAFF_EMAIL).await;

    let staff = app.staff_client();
    let step = password_step(&staff).await;
    refused_with_wrong_code(staff.send_code(&step, "000000").await).await;
    refused_with_wrong_code(staff.send_code(&step, "kein Code").await).await;
    // A code from long ago is wrong too.
    refused_with_wrong_code(staff.send_code(&step, &code_in(&totp, -10)).await).await;

    // The right password does not wipe out the failures: two more wrong codes lock the account.
    let staff = app.staff_client();
    let step = password_step(&staff).await;
    refused_with_wrong_code(staff.send_code(&step, "111111").await).await;
    refused_with_wrong_code(staff.send_code(&step, "222222").await).await;
    let locked: bool = app
        .fetch_one("select locked_until > now() from staff_account")
        .await;
    assert!(locked, "five failures lock the account");
    // Now even the right code is refused, and so is the password step.
    refused_with_wrong_code(staff.send_code(&step, &code_in(&totp, 0)).await).await;
    let response = app
        .staff_client()
        .sign_in(STAFF_EMAIL, STAFF_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_code_signs_in_once_and_cannot_be_replayed() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    let (totp, recovery_codes) = app.enable_two_factor(STAFF_EMAIL).await;
    let code = code_in(&totp, 0);

    let staff = app.staff_client();
    let step = password_step(&staff).await;
    assert_redirects_to(&staff.send_code(&step, &code).await, paths::DASHBOARD);
    // The second step that signed in is over, even with another right code.
    let again = staff.send_code(&step, &recovery_codes[0]).await;
    assert_eq!(again.status(), StatusCode::FORBIDDEN);
    // Seen over the shoulder and typed again at once, with the stolen password: refused.
    refused_with_wrong_code(sign_in_with_code(&app, &code).await).await;
    // The app's next code works.
    assert_redirects_to(
        &sign_in_with_code(&app, &code_in(&totp, 1)).await,
        paths::DASHBOARD,
    );
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_and_not_twice() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    let (_, recovery_codes) = app.enable_two_factor(STAFF_EMAIL).await;
    let code = &recovery_codes[3];

    // Typed as people do: in capitals, with spaces for the dashes.
    let typed = code.replace('-', " ").to_uppercase();
    let staff = app.staff_client();
    let step = password_step(&staff).await;
    assert_redirects_to(&staff.send_code(&step, &typed).await, paths::DASHBOARD);
    let own = staff.page(paths::OWN_ACCOUNT, 200).await;
    assert!(
        own.main_text()
            .contains("Ihnen bleiben 9 von 10 Wiederherstellungscodes"),
        "{}",
        own.main_text()
    );

    refused_with_wrong_code(sign_in_with_code(&app, code).await).await;
    // Another one still works.
    assert_redirects_to(
        &sign_in_with_code(&app, &recovery_codes[4]).await,
        paths::DASHBOARD,
    );
}

#[tokio::test]
async fn an_office_that_signs_in_often_with_two_steps_is_not_taken_for_an_attacker() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    let (totp, recovery_codes) = app.enable_two_factor(STAFF_EMAIL).await;
    // Twelve sign-ins from one address (the office behind one router) within minutes: more
    // than the ten failures after which a client must wait, had each step counted as one.
    let codes = [code_in(&totp, 0), code_in(&totp, 1)];
    for code in codes.iter().chain(&recovery_codes) {
        assert_redirects_to(&sign_in_with_code(&app, code).await, paths::DASHBOARD);
    }
}

#[tokio::test]
async fn a_second_step_left_too_long_starts_again_from_the_password() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    let (totp, _) = app.enable_two_factor(STAFF_EMAIL).await;
    let staff = app.staff_client();
    let step = password_step(&staff).await;
    app.execute("update staff_sign_in_challenge set expires_at = now() - interval '1 second'")
        .await;
    let response = staff.send_code(&step, &code_in(&totp, 0)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = Page::of(response).await;
    assert_eq!(page.text("main h1"), "Anmelden");
    assert!(page.text(".form-notice").contains("zu lange geöffnet"));
}

#[tokio::test]
async fn with_staff_require_totp_only_accounts_with_two_factor_sign_in_get_in() {
    let app = spawn_app_with(|config| config.staff.require_totp = true).await;
    app.create_staff_account().await;

    let response = app
        .staff_client()
        .sign_in(STAFF_EMAIL, STAFF_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers().get("set-cookie").is_none());
    let page = Page::of(response).await;
    assert!(
        page.text(".form-notice")
            .contains("Anmeldung in zwei Schritten vorgeschrieben"),
        "{}",
        page.text(".form-notice")
    );
    // A wrong password still gets the answer that reveals nothing.
    let response = app
        .staff_client()
        .sign_in(STAFF_EMAIL, "ein falsches Passwort")
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let (totp, _) = app.enable_two_factor(STAFF_EMAIL).await;
    assert_redirects_to(
        &sign_in_with_code(&app, &code_in(&totp, 0)).await,
        paths::DASHBOARD,
    );
}

#[tokio::test]
async fn with_staff_require_totp_sessions_of_accounts_without_it_end() {
    let app = spawn_app().await;
    let staff = app.signed_in_staff().await;
    let session = staff.session_cookie().expect("a session");
    let strict = app
        .restart_with(|config| config.staff.require_totp = true)
        .await;
    assert_eq!(
        strict
            .get_with_session(paths::DASHBOARD, &session)
            .await
            .status(),
        StatusCode::SEE_OTHER,
        "the session made with the password alone is over"
    );
}

#[tokio::test]
async fn a_new_password_ends_the_sign_ins_waiting_for_their_code() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    let (totp, _) = app.enable_two_factor(STAFF_EMAIL).await;
    // Someone who has the old password is at the second step when the password is changed.
    let intruder = app.staff_client();
    let step = password_step(&intruder).await;
    let id = defus::staff::account::id_of(&app.pool, STAFF_EMAIL)
        .await
        .unwrap();
    let mut connection = app.pool.acquire().await.unwrap();
    let password = defus::staff::password::Password::parse("Ein ganz neues Passwort 2026").unwrap();
    defus::staff::account::set_password(&mut connection, id, password, None)
        .await
        .unwrap();
    let response = intruder.send_code(&step, &code_in(&totp, 0)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn an_account_whose_count_of_failures_went_past_the_limit_is_locked_not_stuck() {
    let app = spawn_app().await;
    app.create_staff_account().await;
    app.enable_two_factor(STAFF_EMAIL).await;
    // Attempts racing a right password can leave the count above the limit without a lock.
    app.execute("update staff_account set failed_sign_ins = 6")
        .await;
    let response = app
        .staff_client()
        .sign_in(STAFF_EMAIL, STAFF_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let locked: bool = app
        .fetch_one("select locked_until > now() and failed_sign_ins = 0 from staff_account")
        .await;
    assert!(
        locked,
        "the lock comes, and with it a count that starts afresh"
    );
    // Once the lock has passed, the right password leads to the second step again.
    app.execute("update staff_account set locked_until = now() - interval '1 second'")
        .await;
    password_step(&app.staff_client()).await;
}
