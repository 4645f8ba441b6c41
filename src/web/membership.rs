//! The membership inquiry on the web: the form on the membership page, taking a submission in,
//! and the confirmation page that shows the reference.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;

use crate::content::PageKey;
use crate::error::{AppError, retry_after_value};
use crate::i18n::{FormText, Locale};
use crate::inquiry::efus::EfusMembership;
use crate::inquiry::form::{
    Field, FieldErrors, Inquiry, InquiryFormValues, Submission, TOKEN_FIELD,
};
use crate::inquiry::spam::{self, Screening};
use crate::inquiry::store::{self, Arrival, Receipt};
use crate::inquiry::token::{self, TokenCheck};
use crate::monitoring;
use crate::state::AppState;
use crate::web::form_body::Form;
use crate::web::inquiry_form::InquiryFormView;
use crate::web::layout::{Layout, Section};
use crate::web::public::render_page;

/// Route patterns of the confirmation page: the reference and its token (`inquiry::receipt`).
pub const RECEIPT_ROUTE_DE: &str = "/mitgliedschaft/anfrage/{reference}/{token}";
pub const RECEIPT_ROUTE_EN: &str = "/en/membership/inquiry/{reference}/{token}";

/// The confirmation page of the inquiry `reference` in `locale`.
pub fn receipt_path(state: &AppState, locale: Locale, reference: &str) -> String {
    let route = match locale {
        Locale::De => RECEIPT_ROUTE_DE,
        Locale::En => RECEIPT_ROUTE_EN,
    };
    route
        .replace("{reference}", reference)
        .replace("{token}", &state.intake.receipts.token(reference))
}

/// The membership page with an empty form: held in memory around the form's token, which is
/// new for every view.
pub async fn show(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    locale: Locale,
) -> Result<Response, AppError> {
    let token = state.form_tokens.issue(Utc::now());
    match state.pages.membership_form(locale) {
        Some(page) => Ok(page.respond(&method, &headers, &token)),
        None => {
            let form = InquiryFormView::blank(locale, token);
            form_page(&state, &form, StatusCode::OK)
        }
    }
}

/// Takes a sent form in: refuses or re-shows what is wrong, stores what is right, and redirects
/// to the confirmation page (303), so that reloading it sends nothing again.
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(submission): Form<Submission>,
    locale: Locale,
) -> Result<Response, AppError> {
    let intake = &state.intake;
    let client = state.clients.client_of(&headers, peer);
    let text = locale.form_text();

    let (nonce, form_age) = match state.form_tokens.check(&submission.token, Utc::now()) {
        TokenCheck::Valid { nonce, age } => (nonce, age),
        TokenCheck::Expired => {
            count_inquiry("form_expired");
            let again =
                FormAgain::new(&state, locale, submission.values, None).notice(text.notice_expired);
            return again.render(&state, StatusCode::UNPROCESSABLE_ENTITY);
        }
        // Not a token this site issued: made up, altered, or missing.
        TokenCheck::Invalid => {
            count_inquiry("form_token_invalid");
            let again =
                FormAgain::new(&state, locale, submission.values, None).notice(text.notice_invalid);
            return again.render(&state, StatusCode::FORBIDDEN);
        }
    };

    let inquiry = match Inquiry::try_from(&submission.values) {
        Ok(inquiry) => inquiry,
        Err(errors) => {
            count_inquiry("fields_invalid");
            // The same token again: the time to fill in counts from when the form was first shown.
            let again = FormAgain::new(&state, locale, submission.values, Some(submission.token))
                .errors(errors);
            return again.render(&state, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };

    let spam = match spam::screen(
        &submission.honeypot,
        form_age,
        intake.min_fill_time,
        token::is_confirmation(&nonce),
    ) {
        Screening::Person => None,
        Screening::Spam(reason) => Some(reason),
        Screening::AskToConfirm => {
            count_inquiry("asked_to_confirm");
            return confirmation_page(&state, locale, &submission.values, &inquiry);
        }
    };
    let arrival = Arrival {
        inquiry: &inquiry,
        locale,
        form_nonce: &nonce,
        spam,
        message_id_domain: &state.site.message_id_domain,
    };
    let again = |notice| {
        FormAgain::new(
            &state,
            locale,
            submission.values.clone(),
            Some(submission.token.clone()),
        )
        .notice(notice)
    };
    let is_spam = arrival.spam.is_some();
    match take_in(&state, client, arrival).await {
        Ok(Intake::Received(receipt)) => {
            // Spam gets the same answer as anyone, but is not counted as accepted.
            count_inquiry(if is_spam { "spam" } else { "accepted" });
            Ok(Redirect::to(&receipt_path(&state, locale, &receipt.reference)).into_response())
        }
        Ok(Intake::ReceivedEarlier(receipt)) => {
            count_inquiry("sent_twice");
            Ok(Redirect::to(&receipt_path(&state, locale, &receipt.reference)).into_response())
        }
        Ok(Intake::OverLimit { retry_after }) => {
            count_inquiry("rate_limited");
            let mut response =
                again(text.notice_too_many).render(&state, StatusCode::TOO_MANY_REQUESTS)?;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after_value(retry_after));
            Ok(response)
        }
        Err(error) => {
            count_inquiry("database_unavailable");
            tracing::error!(%error, "cannot store an inquiry");
            again(text.notice_unavailable).render(&state, StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

/// Counts a sent form by what became of it (for the metrics).
fn count_inquiry(outcome: &'static str) {
    metrics::counter!(monitoring::INQUIRIES, "outcome" => outcome).increment(1);
}

/// What became of a valid submission.
enum Intake {
    Received(Receipt),
    /// The same form was sent before (double click, reload): the same answer, counted once.
    ReceivedEarlier(Receipt),
    /// The client has sent its share of inquiries for now.
    OverLimit {
        retry_after: Duration,
    },
}

async fn take_in(
    state: &AppState,
    client: IpAddr,
    arrival: Arrival<'_>,
) -> Result<Intake, sqlx::Error> {
    let intake = &state.intake;
    // Only stored inquiries count against the limit: a form shown again for a typo does not.
    // A client at its limit still gets the receipt of a form it sent before (a double click).
    if intake.rate_limiter.is_exhausted(client, Instant::now()) {
        return Ok(
            match store::receipt_for_form(&state.pool, arrival.form_nonce).await? {
                Some(receipt) => Intake::ReceivedEarlier(receipt),
                None => Intake::OverLimit {
                    retry_after: intake.rate_limiter.retry_after(client, Instant::now()),
                },
            },
        );
    }
    let spam = arrival.spam;
    let received = store::receive(&state.pool, arrival).await?;
    if !received.is_new {
        return Ok(Intake::ReceivedEarlier(received.receipt));
    }
    intake.rate_limiter.record(client, Instant::now());
    let reference = &received.receipt.reference;
    match spam {
        Some(reason) => tracing::info!(%reference, %reason, "stored an inquiry as spam"),
        None => tracing::info!(%reference, "received an inquiry"),
    }
    Ok(Intake::Received(received.receipt))
}

/// The form shown again, with every value the visitor typed.
struct FormAgain {
    form: InquiryFormView,
}

impl FormAgain {
    fn new(
        state: &AppState,
        locale: Locale,
        values: InquiryFormValues,
        token: Option<String>,
    ) -> Self {
        let token = token.unwrap_or_else(|| state.form_tokens.issue(Utc::now()));
        let mut form = InquiryFormView::blank(locale, token);
        form.values = values;
        Self { form }
    }

    fn notice(mut self, notice: &'static str) -> Self {
        self.form.notice = Some(notice);
        self
    }

    fn errors(mut self, errors: FieldErrors) -> Self {
        self.form.errors = errors;
        self
    }

    /// On the membership page, made from the content held in memory: the visitor keeps their
    /// values even while the database is away.
    fn render(self, state: &AppState, status: StatusCode) -> Result<Response, AppError> {
        form_page(state, &self.form, status)
    }
}

/// The membership page with `form`, rendered for this request.
fn form_page(
    state: &AppState,
    form: &InquiryFormView,
    status: StatusCode,
) -> Result<Response, AppError> {
    let content = state.pages.content();
    let (Some(page), Some(facts)) = (
        content.page(PageKey::Membership, form.locale),
        content.facts.as_ref(),
    ) else {
        return Err(AppError::MissingContent(
            "the membership page or the facts".into(),
        ));
    };
    let html = render_page(page, facts, &state.site, Some(form), None)?;
    Ok(uncacheable(status, html))
}

#[derive(Template)]
#[template(path = "membership/confirm.html")]
struct ConfirmTemplate<'a> {
    layout: Layout<'a>,
    text: &'static FormText,
    action: &'static str,
    /// What was typed, to be sent again as it is: field name and value.
    hidden: Vec<(&'static str, &'a str)>,
    /// What was typed, as the visitor reads it back: label and value.
    summary: Vec<(&'static str, String)>,
    token_field: &'static str,
    token: String,
}

/// The page for a form that came back too quickly to tell a person from a program: what was
/// typed, and one button that sends it (with a token that says it was confirmed).
fn confirmation_page(
    state: &AppState,
    locale: Locale,
    values: &InquiryFormValues,
    inquiry: &Inquiry,
) -> Result<Response, AppError> {
    let text = locale.form_text();
    let content = state.pages.content();
    let optional = |value: Option<&str>| value.unwrap_or("–").to_owned();
    let summary = vec![
        (text.organisation, inquiry.organisation.as_str().to_owned()),
        (text.contact_name, inquiry.contact_name.as_str().to_owned()),
        (
            text.role,
            optional(inquiry.role.as_ref().map(|role| role.as_str())),
        ),
        (text.email, inquiry.email.as_str().to_owned()),
        (
            text.phone,
            optional(inquiry.phone.as_ref().map(|phone| phone.as_str())),
        ),
        (text.efus_member, inquiry.efus_member.label(text).to_owned()),
        (
            text.message,
            optional(inquiry.message.as_ref().map(|message| message.as_str())),
        ),
    ];
    let html = ConfirmTemplate {
        layout: Layout::for_other(locale, text.confirm_title, content.facts.as_ref())
            .in_section(Section::Page(PageKey::Membership)),
        text,
        action: PageKey::Membership.path(locale),
        hidden: Field::ALL
            .into_iter()
            .map(|field| (field.name(), values.value(field)))
            .collect(),
        summary,
        token_field: TOKEN_FIELD,
        token: state.form_tokens.issue_for_confirmation(Utc::now()),
    }
    .render()?;
    Ok(uncacheable(StatusCode::OK, html))
}

#[derive(Template)]
#[template(path = "membership/receipt.html")]
struct ReceiptTemplate<'a> {
    layout: Layout<'a>,
    text: &'static FormText,
    reference: &'a str,
    explain_efus: bool,
}

/// The confirmation page: the inquiry was received (not "sent": the email may still be on its
/// way), with its reference. Without the right token it is not found, whether or not there is
/// such an inquiry.
pub async fn receipt(
    State(state): State<AppState>,
    Path((reference, token)): Path<(String, String)>,
    locale: Locale,
) -> Result<Response, AppError> {
    if !state.intake.receipts.is_valid(&reference, &token) {
        return Err(AppError::NotFound);
    }
    let receipt = store::receipt_for_reference(&state.pool, &reference)
        .await?
        .ok_or(AppError::NotFound)?;
    let content = state.pages.content();
    let text = locale.form_text();
    let html = ReceiptTemplate {
        layout: Layout::for_other(locale, text.receipt_title, content.facts.as_ref())
            .in_section(Section::Page(PageKey::Membership))
            .with_counterpart(receipt_path(&state, locale.other(), &receipt.reference)),
        text,
        reference: &receipt.reference,
        explain_efus: receipt.efus_member != EfusMembership::Yes,
    }
    .render()?;
    // The address is the visitor's own: no shared cache keeps it, no search engine lists it.
    Ok((
        [
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::HeaderName::from_static("x-robots-tag"),
                HeaderValue::from_static("noindex"),
            ),
        ],
        Html(html),
    )
        .into_response())
}

/// A page with a form token must come fresh from the server every time.
fn uncacheable(status: StatusCode, html: String) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Html(html),
    )
        .into_response()
}
