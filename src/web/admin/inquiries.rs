//! The inquiry inbox of the staff area: list, detail with notes and the colleague in charge,
//! status, resend, delete, CSV export, and erasure of everything stored for one email address.
//! Every change is recorded in the activity log.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use chrono_tz::Europe::Berlin;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use crate::error::AppError;
use crate::input::FieldError;
use crate::inquiry::inbox::{
    self, Assignment, EmailContext, InboxEntry, InquiryDetail, Note, Resend, StoredForEmail,
};
use crate::inquiry::status::InquiryStatus;
use crate::inquiry::stored::InquiryFilter;
use crate::inquiry::{csv_export, reply};
use crate::staff::account::{self, Account};
use crate::staff::activity::{self, ActivityFilter, Entry, Subject};
use crate::staff::session::StaffSession;
use crate::state::AppState;
use crate::web::admin::auth::SignedIn;
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::notice::Notice;
use crate::web::admin::paths;
use crate::web::admin::staff_form::{ButtonOnly, StaffForm};
use crate::web::form_field::{Control, FormField, FormFields};

/// The most inquiries one list shows; the CSV export has no limit.
const LIST_LIMIT: i64 = 500;

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    /// Empty for "all".
    #[serde(default, deserialize_with = "empty_as_none")]
    status: Option<InquiryStatus>,
    suche: Option<String>,
    /// The id of the colleague in charge; empty for "anyone".
    #[serde(default, deserialize_with = "empty_or_number")]
    zustaendig: Option<i64>,
    meldung: Option<String>,
}

/// The status filter's "alle" is sent as an empty value.
fn empty_as_none<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<InquiryStatus>, D::Error> {
    let code = String::deserialize(deserializer)?;
    Ok(InquiryStatus::from_code(&code))
}

/// A select whose first option ("alle", "niemand") is sent as an empty value.
fn empty_or_number<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(text.trim().parse().ok())
}

impl InboxQuery {
    fn notice(&self) -> Option<Notice> {
        self.meldung.as_deref().and_then(Notice::from_code)
    }

    fn filter(&self) -> InquiryFilter {
        InquiryFilter {
            status: self.status,
            search: self
                .suche
                .clone()
                .filter(|search| !search.trim().is_empty()),
            assigned_to: self.zustaendig,
            ..InquiryFilter::default()
        }
    }

    /// The same filter as a query string, for the CSV link.
    fn query_string(&self) -> String {
        let filter = self.filter();
        let mut parts = Vec::new();
        if let Some(status) = filter.status {
            parts.push(format!("status={}", status.code()));
        }
        if let Some(search) = filter.search {
            parts.push(format!(
                "suche={}",
                utf8_percent_encode(&search, NON_ALPHANUMERIC)
            ));
        }
        if let Some(assignee) = filter.assigned_to {
            parts.push(format!("zustaendig={assignee}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

#[derive(Template)]
#[template(path = "admin/inquiries.html")]
struct ListTemplate<'a> {
    layout: AdminLayout<'a>,
    entries: Vec<InboxEntry>,
    statuses: [InquiryStatus; 4],
    selected_status: Option<InquiryStatus>,
    accounts: Vec<Account>,
    selected_assignee: Option<i64>,
    search: String,
    export_link: String,
    truncated: bool,
    confirmation: Option<&'static str>,
}

impl ListTemplate<'_> {
    fn is_selected_assignee(&self, account: &Account) -> bool {
        self.selected_assignee == Some(account.id)
    }
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(query): Query<InboxQuery>,
) -> Result<Html<String>, AppError> {
    let filter = query.filter();
    let (entries, accounts) = tokio::try_join!(
        inbox::list(&state.pool, &filter, LIST_LIMIT),
        account::list(&state.pool),
    )?;
    Ok(Html(
        ListTemplate {
            layout: AdminLayout::new("Anfragen", Section::Inquiries, &session),
            truncated: entries.len() as i64 >= LIST_LIMIT,
            entries,
            statuses: InquiryStatus::ALL,
            selected_status: filter.status,
            accounts,
            selected_assignee: filter.assigned_to,
            search: filter.search.unwrap_or_default(),
            export_link: format!("{}{}", paths::INQUIRIES_EXPORT, query.query_string()),
            confirmation: query.notice().map(Notice::text),
        }
        .render()?,
    ))
}

/// The filtered list as a CSV file for Excel.
pub async fn export(
    State(state): State<AppState>,
    SignedIn(_session): SignedIn,
    Query(query): Query<InboxQuery>,
) -> Result<Response, AppError> {
    let entries = inbox::list(&state.pool, &query.filter(), i64::MAX).await?;
    let file_name = format!(
        "defus-anfragen-{}.csv",
        Utc::now().with_timezone(&Berlin).format("%Y-%m-%d")
    );
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        csv_export::write(&entries),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "admin/inquiry.html")]
struct DetailTemplate<'a> {
    layout: AdminLayout<'a>,
    inquiry: InquiryDetail,
    notes: Vec<Note>,
    history: Vec<Entry>,
    accounts: Vec<Account>,
    reply_link: String,
    statuses: [InquiryStatus; 4],
    note_form: FormFields,
    csrf_token: &'a str,
    confirmation: Option<&'static str>,
}

impl DetailTemplate<'_> {
    fn is_assignee(&self, account: &Account) -> bool {
        self.inquiry.entry.inquiry.assigned_to == Some(account.id)
    }
}

async fn find(state: &AppState, id: i64) -> Result<InquiryDetail, AppError> {
    inbox::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The field for a new note, with `text` kept and `error` shown.
fn note_form(text: &str, error: Option<FieldError>) -> FormFields {
    FormFields {
        locale: crate::i18n::Locale::De,
        fields: vec![
            FormField::new("text", "Neue Notiz", text)
                .required()
                .hint("Nur für die Geschäftsstelle sichtbar; wird mit der Anfrage gelöscht.")
                .control(Control::TextArea(4))
                .max_length(Note::MAX_LENGTH)
                .error(error.map(|error| crate::i18n::Locale::De.value_error(error))),
        ],
    }
}

async fn render_detail(
    state: &AppState,
    session: &StaffSession,
    id: i64,
    note: (&str, Option<FieldError>),
    confirmation: Option<&'static str>,
) -> Result<String, AppError> {
    let inquiry = find(state, id).await?;
    let history_filter = ActivityFilter {
        subject: Some(Subject::Inquiry(id)),
        ..ActivityFilter::default()
    };
    let (notes, history, accounts) = tokio::try_join!(
        inbox::notes(&state.pool, id),
        activity::list(&state.pool, &history_filter, 100),
        account::list(&state.pool),
    )?;
    let association = state
        .pages
        .content()
        .facts
        .as_ref()
        .map_or_else(|| "DEFUS".to_owned(), |facts| facts.short_name.clone());
    let note_form = note_form(note.0, note.1);
    Ok(DetailTemplate {
        layout: AdminLayout::new(
            format!("Anfrage {}", inquiry.entry.inquiry.reference),
            Section::Inquiries,
            session,
        )
        .with_errors(note_form.has_errors()),
        reply_link: reply::mailto(&inquiry.entry.inquiry, &association),
        inquiry,
        notes,
        history,
        accounts: accounts
            .into_iter()
            .filter(|account| account.enabled)
            .collect(),
        statuses: InquiryStatus::ALL,
        note_form,
        csrf_token: &session.csrf_token,
        confirmation,
    }
    .render()?)
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<InboxQuery>,
) -> Result<Html<String>, AppError> {
    let confirmation = query.notice().map(Notice::text);
    Ok(Html(
        render_detail(&state, &session, id, ("", None), confirmation).await?,
    ))
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: InquiryStatus,
}

pub async fn change_status(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, form, .. }: StaffForm<StatusForm>,
) -> Result<Redirect, AppError> {
    if !inbox::set_status(&state.pool, id, form.status, &session.actor()).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&paths::with_notice(
        &paths::inquiry(id),
        Notice::StatusChanged,
    )))
}

pub async fn resend(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, .. }: StaffForm<ButtonOnly>,
) -> Result<Redirect, AppError> {
    let notice = match inbox::resend(&state.pool, id, &session.actor()).await? {
        Resend::NotFound => return Err(AppError::NotFound),
        Resend::AlreadyPending => Notice::EmailAlreadyWaiting,
        Resend::IsSpam => Notice::SpamNotSent,
        Resend::Queued => Notice::EmailQueuedAgain,
    };
    Ok(Redirect::to(&paths::with_notice(
        &paths::inquiry(id),
        notice,
    )))
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    text: String,
}

/// Adds a note; an empty or overlong one is shown again with a message.
pub async fn add_note(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, form, .. }: StaffForm<NoteForm>,
) -> Result<Response, AppError> {
    let text = match Note::parse(&form.text) {
        Ok(text) => text,
        Err(error) => {
            let html = render_detail(&state, &session, id, (&form.text, Some(error)), None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
        }
    };
    if !inbox::add_note(&state.pool, id, &text, &session.actor()).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&paths::with_notice(&paths::inquiry(id), Notice::NoteAdded)).into_response())
}

#[derive(Deserialize)]
pub struct AssignmentForm {
    /// An account's id, or empty for nobody.
    #[serde(default)]
    zustaendig: String,
}

impl AssignmentForm {
    /// The account chosen, or nobody; anything else is no value the form offers.
    fn assignee(&self) -> Result<Option<i64>, AppError> {
        let value = self.zustaendig.trim();
        if value.is_empty() {
            return Ok(None);
        }
        value
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::MalformedForm)
    }
}

pub async fn assign(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, form, .. }: StaffForm<AssignmentForm>,
) -> Result<Redirect, AppError> {
    let emails = EmailContext {
        site: &state.site.base_url,
        message_id_domain: &state.site.message_id_domain,
    };
    let actor = session.actor();
    let notice = match inbox::assign(&state.pool, id, form.assignee()?, &actor, emails).await? {
        Assignment::Done => Notice::AssignmentChanged,
        Assignment::NoSuchInquiry => return Err(AppError::NotFound),
        Assignment::AssigneeUnavailable => Notice::AssigneeUnavailable,
    };
    Ok(Redirect::to(&paths::with_notice(
        &paths::inquiry(id),
        notice,
    )))
}

#[derive(Template)]
#[template(path = "admin/inquiry_delete.html")]
struct ConfirmDeleteTemplate<'a> {
    layout: AdminLayout<'a>,
    inquiry: InquiryDetail,
    csrf_token: &'a str,
}

/// Deleting cannot be undone, so it is asked once more on a page of its own.
pub async fn confirm_delete(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let inquiry = find(&state, id).await?;
    Ok(Html(
        ConfirmDeleteTemplate {
            layout: AdminLayout::new("Anfrage löschen", Section::Inquiries, &session),
            inquiry,
            csrf_token: &session.csrf_token,
        }
        .render()?,
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, .. }: StaffForm<ButtonOnly>,
) -> Result<Redirect, AppError> {
    if !inbox::delete(&state.pool, id, &session.actor()).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&paths::with_notice(
        paths::INQUIRIES,
        Notice::InquiryDeleted,
    )))
}

#[derive(Template)]
#[template(path = "admin/erase.html")]
struct EraseTemplate<'a> {
    layout: AdminLayout<'a>,
    email: String,
    /// What is stored for `email`, once asked.
    found: Option<StoredForEmail>,
    /// What was erased, after erasing.
    erased: Option<StoredForEmail>,
    csrf_token: &'a str,
}

/// The address to look up (query) or to erase (form).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailToErase {
    email: String,
}

/// Looks up what is stored for an address (changing nothing) and offers to erase it.
pub async fn erase_page(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(query): Query<EmailToErase>,
) -> Result<Html<String>, AppError> {
    let email = query.email.trim().to_owned();
    let found = if email.is_empty() {
        None
    } else {
        Some(inbox::stored_for_email(&state.pool, &email).await?)
    };
    render_erasure(&session, email, found, None)
}

/// Erases everything stored for the address (GDPR Art. 17) and says how much that was.
pub async fn erase(
    State(state): State<AppState>,
    StaffForm { session, form, .. }: StaffForm<EmailToErase>,
) -> Result<Html<String>, AppError> {
    let email = form.email.trim().to_owned();
    if email.is_empty() {
        return Err(AppError::MalformedForm);
    }
    let erased = inbox::erase_email(&state.pool, &email, &session.actor()).await?;
    render_erasure(&session, email, None, Some(erased))
}

fn render_erasure(
    session: &StaffSession,
    email: String,
    found: Option<StoredForEmail>,
    erased: Option<StoredForEmail>,
) -> Result<Html<String>, AppError> {
    Ok(Html(
        EraseTemplate {
            layout: AdminLayout::new("Löschen nach E-Mail-Adresse", Section::Erasure, session),
            email,
            found,
            erased,
            csrf_token: &session.csrf_token,
        }
        .render()?,
    ))
}
