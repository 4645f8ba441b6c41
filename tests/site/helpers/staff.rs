//! The office's side: a staff account, a browser-like client that signs in, and the staff
//! forms it sends.

use std::sync::Arc;

use defus::content::PageKey;
use defus::i18n::Locale;
use defus::staff::account::Role;
use defus::web::admin::paths;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::redirect::Policy;

use super::{Page, TestApp, assert_redirects_to, expect_page, redirect_target};

/// The staff account most tests use.
pub const STAFF_EMAIL: &str = "buero@defus.org";
/// The password the tests give staff accounts.
pub const STAFF_PASSWORD: &str = "Sicher genug für Hannover 2026";

/// The name of the session cookie.
const SESSION_COOKIE: &str = "defus_staff";

/// A browser-like client for the staff area: it keeps cookies and knows the CSRF token.
pub struct Staff<'a> {
    pub(crate) app: &'a TestApp,
    pub client: reqwest::Client,
    jar: Arc<Jar>,
    csrf_token: Option<String>,
}

/// The sign-in form as a page showed it.
pub struct SignInForm {
    pub token: String,
    /// Where to go after signing in (the hidden `weiter` field).
    pub weiter: String,
}

impl TestApp {
    /// Creates the account `STAFF_EMAIL` with `STAFF_PASSWORD` the way the command line does.
    pub async fn create_staff_account(&self) {
        let password =
            defus::staff::password::Password::parse(STAFF_PASSWORD).expect("a valid password");
        defus::staff::account::create(&self.pool, STAFF_EMAIL, "", None, password)
            .await
            .expect("the account is created");
    }

    /// A staff client that is not signed in.
    pub fn staff_client(&self) -> Staff<'_> {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .redirect(Policy::none())
            .cookie_provider(Arc::clone(&jar))
            .build()
            .expect("HTTP client");
        Staff {
            app: self,
            client,
            jar,
            csrf_token: None,
        }
    }

    /// A staff member with a fresh account, signed in.
    pub async fn signed_in_staff(&self) -> Staff<'_> {
        self.create_staff_account().await;
        let mut staff = self.staff_client();
        let response = staff.sign_in(STAFF_EMAIL, STAFF_PASSWORD).await;
        assert_redirects_to(&response, paths::DASHBOARD);
        staff.refresh_csrf_token().await;
        staff
    }

    /// A colleague with an account of `role` under `email` (and `STAFF_PASSWORD`), signed in.
    pub async fn signed_in_colleague(&self, email: &str, role: Role) -> Staff<'_> {
        let password =
            defus::staff::password::Password::parse(STAFF_PASSWORD).expect("a valid password");
        defus::staff::account::create(&self.pool, email, "", Some(role), password)
            .await
            .expect("the account is created");
        let mut staff = self.staff_client();
        let response = staff.sign_in(email, STAFF_PASSWORD).await;
        assert_redirects_to(&response, paths::DASHBOARD);
        staff.refresh_csrf_token().await;
        staff
    }

    /// Sets up two-factor sign-in for `email` as `defus user totp enable` does: the app's TOTP
    /// (read back from the `otpauth://` address, as an app would) and the recovery codes.
    pub async fn enable_two_factor(&self, email: &str) -> (totp_rs::Totp, Vec<String>) {
        let id = defus::staff::account::id_of(&self.pool, email)
            .await
            .expect("the account exists");
        let enrolment = defus::staff::two_factor::enable(&self.pool, id, email)
            .await
            .expect("two-factor sign-in is set up");
        let totp = totp_rs::Totp::from_url(&enrolment.otpauth_uri).expect("an otpauth:// address");
        (totp, enrolment.recovery_codes)
    }

    /// Fetches `path` as a browser holding only the session cookie `session` would.
    pub async fn get_with_session(&self, path: &str, session: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("cookie", format!("{SESSION_COOKIE}={session}"))
            .send()
            .await
            .expect("the server answers")
    }
}

/// Asserts that `response` sends the browser to the sign-in page, with the way back.
pub fn assert_is_sent_to_sign_in(response: &reqwest::Response) {
    let target = redirect_target(response);
    let expected = format!("{}?{}=", paths::SIGN_IN, paths::RETURN_PARAMETER);
    assert!(
        target.starts_with(&expected),
        "{target} is the sign-in page"
    );
}

impl Staff<'_> {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.app.url(path))
            .send()
            .await
            .expect("the server answers")
    }

    pub async fn page(&self, path: &str, expected_status: u16) -> Page {
        expect_page(self.get(path).await, path, expected_status).await
    }

    /// Opens the sign-in page at `page` (the sign-in path, perhaps with a query) and reads its
    /// form.
    pub async fn open_sign_in(&self, page: &str) -> SignInForm {
        let form = self.page(page, 200).await;
        let field = |name: &str| {
            form.attribute(&format!("form input[name={name}]"), "value")
                .unwrap_or_else(|| panic!("the sign-in form has a {name} field"))
        };
        SignInForm {
            token: field("form_token"),
            weiter: field("weiter"),
        }
    }

    /// The request that sends `form` with `email` and `password` filled in, not yet sent.
    pub fn sign_in_request(
        &self,
        form: &SignInForm,
        email: &str,
        password: &str,
    ) -> reqwest::RequestBuilder {
        self.client.post(self.app.url(paths::SIGN_IN)).form(&[
            ("email", email),
            ("password", password),
            ("form_token", &form.token),
            (paths::RETURN_PARAMETER, &form.weiter),
        ])
    }

    /// Signs in through the form of the sign-in page at `page`, which says where to go after.
    pub async fn sign_in_from(&self, page: &str, email: &str, password: &str) -> reqwest::Response {
        let form = self.open_sign_in(page).await;
        self.sign_in_request(&form, email, password)
            .send()
            .await
            .expect("the server answers")
    }

    /// Signs in through the plain sign-in page.
    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.sign_in_from(paths::SIGN_IN, email, password).await
    }

    /// Sends `code` on the second step of signing in, which `step` shows.
    pub async fn send_code(&self, step: &Page, code: &str) -> reqwest::Response {
        let field = |name: &str| {
            step.attribute(&format!("main form input[name={name}]"), "value")
                .unwrap_or_else(|| panic!("the second step has a {name} field"))
        };
        self.client
            .post(self.app.url(paths::SIGN_IN_CODE))
            .form(&[
                ("pruefung", field("pruefung").as_str()),
                ("weiter", field("weiter").as_str()),
                ("code", code),
            ])
            .send()
            .await
            .expect("the server answers")
    }

    /// Reads the CSRF token of the current session from a staff page.
    pub async fn refresh_csrf_token(&mut self) {
        let page = self.page(paths::DASHBOARD, 200).await;
        self.csrf_token = page.attribute("input[name=csrf_token]", "value");
        assert!(self.csrf_token.is_some(), "staff pages carry a CSRF token");
    }

    pub fn csrf_token(&self) -> &str {
        self.csrf_token.as_deref().unwrap_or_default()
    }

    /// Sends a staff form with the session's CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut body: Vec<(&str, &str)> = fields.to_vec();
        body.push(("csrf_token", self.csrf_token()));
        self.post_raw(path, &body).await
    }

    /// Sends a form exactly as given (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.app.url(path))
            .form(fields)
            .send()
            .await
            .expect("the server answers")
    }

    /// The session cookie's value as the browser holds it.
    pub fn session_cookie(&self) -> Option<String> {
        let url = reqwest::Url::parse(&self.app.url(paths::DASHBOARD)).expect("URL");
        let cookies = self.jar.cookies(&url)?;
        cookies
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{SESSION_COOKIE}=")))
            .map(str::to_owned)
    }

    /// Saves `text` as the page `key` in `locale` through the page editor.
    pub async fn save_page(
        &self,
        key: PageKey,
        locale: Locale,
        text: PageText<'_>,
    ) -> reqwest::Response {
        self.send_page_editor(key, locale, text, "save", None).await
    }

    /// Saves `text` through a page editor opened when the page's text was at `stand`.
    pub async fn save_page_opened_at(
        &self,
        key: PageKey,
        locale: Locale,
        text: PageText<'_>,
        stand: &str,
    ) -> reqwest::Response {
        self.send_page_editor(key, locale, text, "save", Some(stand))
            .await
    }

    /// Asks the page editor for a preview of `text`.
    pub async fn preview_page(
        &self,
        key: PageKey,
        locale: Locale,
        text: PageText<'_>,
    ) -> reqwest::Response {
        self.send_page_editor(key, locale, text, "preview", None)
            .await
    }

    async fn send_page_editor(
        &self,
        key: PageKey,
        locale: Locale,
        text: PageText<'_>,
        action: &str,
        stand: Option<&str>,
    ) -> reqwest::Response {
        let mut fields = vec![
            ("title", text.title),
            ("meta_description", text.meta_description),
            ("body_markdown", text.body_markdown),
            ("action", action),
        ];
        if let Some(stand) = stand {
            fields.push(("stand", stand));
        }
        self.post(&paths::page(key, locale), &fields).await
    }
}

/// What the page editor sends for a page.
#[derive(Debug, Clone, Copy)]
pub struct PageText<'a> {
    pub title: &'a str,
    pub meta_description: &'a str,
    pub body_markdown: &'a str,
}

impl<'a> PageText<'a> {
    /// A title and a text, without a description.
    pub fn new(title: &'a str, body_markdown: &'a str) -> Self {
        Self {
            title,
            meta_description: "",
            body_markdown,
        }
    }
}

/// The code an app shows `steps` time steps (of 30 s) from now.
pub fn code_in(totp: &totp_rs::Totp, steps: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs();
    let at = now.saturating_add_signed(steps * 30);
    totp.generate(at).to_string()
}
