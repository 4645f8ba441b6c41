//! The inquiry inbox of the staff area: list, detail, status, resend, delete, CSV export, and
//! erasure of everything stored for one email address.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use chrono_tz::Europe::Berlin;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use crate::error::AppError;
use crate::input::mailto_uri;
use crate::inquiry::csv_export;
use crate::inquiry::inbox::{self, InboxEntry, InquiryDetail, Resend, StoredForEmail};
use crate::inquiry::status::InquiryStatus;
use crate::inquiry::stored::InquiryFilter;
use crate::staff::session::StaffSession;
use crate::state::AppState;
use crate::web::admin::auth::{ButtonOnly, SignedIn, StaffForm};
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::notice::Notice;
use crate::web::admin::paths;

/// The most inquiries one list shows; the CSV export has no limit.
const LIST_LIMIT: i64 = 500;

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    /// Empty for "all".
    #[serde(default, deserialize_with = "empty_as_none")]
    status: Option<InquiryStatus>,
    suche: Option<String>,
    meldung: Option<String>,
}

/// The status filter's "alle" is sent as an empty value.
fn empty_as_none<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<InquiryStatus>, D::Error> {
    let code = String::deserialize(deserializer)?;
    Ok(InquiryStatus::from_code(&code))
}

impl InboxQuery {
    fn notice(&self) -> Option<Notice> {
        self.meldung.as_deref().and_then(Notice::from_code)
    }
}

impl InboxQuery {
    fn filter(&self) -> InquiryFilter {
        InquiryFilter {
            status: self.status,
            search: self
                .suche
                .clone()
                .filter(|search| !search.trim().is_empty()),
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
    search: String,
    export_link: String,
    truncated: bool,
    confirmation: Option<&'static str>,
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(query): Query<InboxQuery>,
) -> Result<Html<String>, AppError> {
    let filter = query.filter();
    let entries = inbox::list(&state.pool, &filter, LIST_LIMIT).await?;
    Ok(Html(
        ListTemplate {
            layout: AdminLayout::new("Anfragen", Section::Inquiries, &session),
            truncated: entries.len() as i64 >= LIST_LIMIT,
            entries,
            statuses: InquiryStatus::ALL,
            selected_status: filter.status,
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
    reply_link: String,
    statuses: [InquiryStatus; 4],
    csrf_token: &'a str,
    confirmation: Option<&'static str>,
}

async fn find(state: &AppState, id: i64) -> Result<InquiryDetail, AppError> {
    inbox::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<InboxQuery>,
) -> Result<Html<String>, AppError> {
    let inquiry = find(&state, id).await?;
    let subject = format!(
        "Ihre Mitgliedschaftsanfrage bei DEFUS ({})",
        inquiry.entry.inquiry.reference
    );
    let reply_link = mailto_uri(&inquiry.entry.inquiry.email, Some(&subject));
    Ok(Html(
        DetailTemplate {
            layout: AdminLayout::new(
                format!("Anfrage {}", inquiry.entry.inquiry.reference),
                Section::Inquiries,
                &session,
            ),
            inquiry,
            reply_link,
            statuses: InquiryStatus::ALL,
            csrf_token: &session.csrf_token,
            confirmation: query.notice().map(Notice::text),
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: InquiryStatus,
}

pub async fn change_status(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, form }: StaffForm<StatusForm>,
) -> Result<Redirect, AppError> {
    let status = form.status;
    if !inbox::set_status(&state.pool, id, status).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(
        id,
        status = status.code(),
        account = session.account_id,
        "changed an inquiry's status"
    );
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
    let notice = match inbox::resend(&state.pool, id).await? {
        Resend::NotFound => return Err(AppError::NotFound),
        Resend::AlreadyPending => Notice::EmailAlreadyWaiting,
        Resend::IsSpam => Notice::SpamNotSent,
        Resend::Queued => {
            tracing::info!(
                id,
                account = session.account_id,
                "queued an office email again"
            );
            Notice::EmailQueuedAgain
        }
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
    if !inbox::delete(&state.pool, id).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(id, account = session.account_id, "deleted an inquiry");
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
    StaffForm { session, form }: StaffForm<EmailToErase>,
) -> Result<Html<String>, AppError> {
    let email = form.email.trim().to_owned();
    if email.is_empty() {
        return Err(AppError::MalformedForm);
    }
    let erased = inbox::erase_email(&state.pool, &email).await?;
    tracing::info!(
        inquiries = erased.inquiries,
        account = session.account_id,
        "erased the data of one email address"
    );
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
