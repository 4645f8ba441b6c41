//! The membership inquiry as a visitor (or a program) sends it.

use chrono::{Datelike, Utc};
use defus::content::PageKey;
use defus::i18n::Locale;

use super::{TestApp, redirect_target};

/// The fields of a complete, valid inquiry, with umlauts where people would type them.
pub fn valid_inquiry() -> Vec<(&'static str, &'static str)> {
    vec![
        ("organisation", "Hansestadt Lüneburg"),
        ("contact_name", "Jürgen Weiß"),
        ("role", "Fachbereich Sicherheit und Ordnung"),
        ("email", "j.weiss@stadt.lueneburg.de"),
        ("phone", "+49 4131 309-0"),
        ("efus_member", "yes"),
        (
            "message",
            "Wir möchten gern beitreten.\nViele Grüße aus Lüneburg",
        ),
    ]
}

/// `fields` with `name` set to `value` (added if missing).
pub fn with_field(
    mut fields: Vec<(&'static str, &'static str)>,
    name: &'static str,
    value: &'static str,
) -> Vec<(&'static str, &'static str)> {
    match fields.iter_mut().find(|(field, _)| *field == name) {
        Some(slot) => slot.1 = value,
        None => fields.push((name, value)),
    }
    fields
}

/// A valid inquiry with the fields in `changes` set as given.
pub fn valid_inquiry_with(
    changes: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    changes
        .iter()
        .fold(valid_inquiry(), |fields, (name, value)| {
            with_field(fields, name, value)
        })
}

/// The page with the inquiry form in `locale`.
pub fn membership_form(locale: Locale) -> &'static str {
    PageKey::Membership.path(locale)
}

/// The year of a new reference: Hannover's, not UTC's (they differ on New Year's Eve night).
pub fn this_year() -> i32 {
    Utc::now().with_timezone(&chrono_tz::Europe::Berlin).year()
}

/// The reference the `number`-th inquiry of this year gets.
pub fn nth_reference(number: u32) -> String {
    format!("DEFUS-{}-{number:04}", this_year())
}

/// An inquiry as stored: its reference (shown to the visitor) and its id (in staff links).
pub struct Inquiry {
    pub reference: String,
    pub id: i64,
}

impl TestApp {
    /// The form token of a freshly shown form in `locale`.
    pub async fn form_token(&self, locale: Locale) -> String {
        self.page(membership_form(locale), 200)
            .await
            .attribute("form input[name=form_token]", "value")
            .expect("a form token")
    }

    /// Shows the form in `locale` and sends it with `fields`, as a browser would.
    pub async fn submit_inquiry(
        &self,
        locale: Locale,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.form_token(locale).await;
        self.post_form(locale, fields, &token).await
    }

    /// Sends `fields` with `token` to the form in `locale`.
    pub async fn post_form(
        &self,
        locale: Locale,
        fields: &[(&str, &str)],
        token: &str,
    ) -> reqwest::Response {
        self.post_inquiry_form(locale, fields, token, "").await
    }

    /// Shows the German form and sends it with `fields` and the hidden field that only programs
    /// fill in (the honeypot) filled in.
    pub async fn submit_inquiry_with_the_honeypot_filled(
        &self,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.form_token(Locale::De).await;
        self.post_inquiry_form(Locale::De, fields, &token, "https://cheap-pills.example")
            .await
    }

    async fn post_inquiry_form(
        &self,
        locale: Locale,
        fields: &[(&str, &str)],
        token: &str,
        honeypot: &str,
    ) -> reqwest::Response {
        let mut body: Vec<(&str, &str)> = fields.to_vec();
        body.push(("form_token", token));
        body.push(("website", honeypot));
        self.client
            .post(self.url(membership_form(locale)))
            .form(&body)
            .send()
            .await
            .expect("the server answers")
    }

    /// A visitor sends the German form with `fields` and it is received.
    pub async fn new_inquiry(&self, fields: &[(&str, &str)]) -> Inquiry {
        let response = self.submit_inquiry(Locale::De, fields).await;
        self.received(&response).await
    }

    /// A program sends a valid inquiry with the honeypot filled in; it is received as spam.
    pub async fn new_spam_inquiry(&self) -> Inquiry {
        let response = self
            .submit_inquiry_with_the_honeypot_filled(&valid_inquiry())
            .await;
        self.received(&response).await
    }

    /// The inquiry whose confirmation page `response` redirects to.
    async fn received(&self, response: &reqwest::Response) -> Inquiry {
        let receipt = redirect_target(response);
        // `…/anfrage/DEFUS-2026-0001/<token>`.
        let reference = receipt
            .rsplit('/')
            .nth(1)
            .expect("a reference before the token at the end of the confirmation page's path")
            .to_owned();
        let id = sqlx::query_scalar("select id from inquiry where reference = $1")
            .bind(&reference)
            .fetch_one(&self.pool)
            .await
            .expect("the inquiry is stored");
        Inquiry { reference, id }
    }
}
