//! Editing the texts of the public pages: with a preview before saving, and every earlier
//! version kept to look at and restore.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::content::history::{self, PageText, PageTextField, PageVersion, Saved};
use crate::content::{Page, PageKey, markdown, page};
use crate::error::AppError;
use crate::i18n::{Locale, berlin_date_time};
use crate::input::FieldError;
use crate::staff::session::StaffSession;
use crate::state::AppState;
use crate::text_enum;
use crate::web::admin::auth::{ButtonOnly, SignedIn, StaffForm};
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::notice::{Notice, NoticeQuery};
use crate::web::admin::paths;
use crate::web::form_field::{Control, FormField, FormFields};

fn page_name(key: PageKey) -> &'static str {
    key.link_label(Locale::De)
}

/// The page and language named in the path, or 404.
fn page_in_path(key: &str, locale: &str) -> Result<(PageKey, Locale), AppError> {
    Ok((
        PageKey::from_code(key).ok_or(AppError::NotFound)?,
        Locale::from_code(locale).ok_or(AppError::NotFound)?,
    ))
}

pub struct PageRow {
    pub name: &'static str,
    pub versions: Vec<(&'static str, String, String, String)>,
}

#[derive(Template)]
#[template(path = "admin/pages.html")]
struct ListTemplate<'a> {
    layout: AdminLayout<'a>,
    rows: Vec<PageRow>,
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Html<String>, AppError> {
    let pages = page::list_all(&state.pool).await?;
    let rows = PageKey::ALL
        .into_iter()
        .map(|key| PageRow {
            name: page_name(key),
            versions: pages
                .iter()
                .filter(|page| page.key == key)
                .map(|page| {
                    (
                        page.locale.name_in_german(),
                        page.title.clone(),
                        berlin_date_time(page.updated_at),
                        paths::page(page.key, page.locale),
                    )
                })
                .collect(),
        })
        .collect();
    Ok(Html(
        ListTemplate {
            layout: AdminLayout::new("Seiten", Section::Pages, &session),
            rows,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "admin/page_edit.html")]
struct EditTemplate<'a> {
    layout: AdminLayout<'a>,
    page_name: &'static str,
    language: &'static str,
    public_path: &'static str,
    action: String,
    form: FormFields,
    preview_html: Option<String>,
    csrf_token: &'a str,
    confirmation: Option<&'static str>,
    warning: Option<&'static str>,
    opened_at: i64,
}

fn page_form(
    title: &str,
    description: &str,
    body: &str,
    problems: &[(PageTextField, FieldError)],
) -> FormFields {
    let problem = |field: PageTextField| {
        problems
            .iter()
            .find(|(with_problem, _)| *with_problem == field)
            .map(|(_, error)| Locale::De.value_error(*error))
    };
    FormFields {
        locale: Locale::De,
        fields: vec![
            FormField::new("title", "Überschrift", title)
                .required()
                .error(problem(PageTextField::Title)),
            FormField::new("meta_description", "Kurzbeschreibung für Suchmaschinen", description)
                .hint("Ein bis zwei Sätze, höchstens 300 Zeichen; erscheint in Suchergebnissen.")
                .error(problem(PageTextField::MetaDescription)),
            FormField::new("body_markdown", "Text", body)
                .hint("In Markdown: ## Zwischenüberschrift, - Aufzählung, **fett**, [Linktext](https://adresse). Anschrift, Vorsitz und Kontaktdaten fügt die Website selbst aus den Vereinsdaten an.")
                .control(Control::TextArea(24))
                .error(problem(PageTextField::Body)),
        ],
    }
}

/// What the edit page shows besides the form.
struct EditState {
    form: FormFields,
    preview_html: Option<String>,
    /// A success message, or a warning about someone else's change.
    notice: Option<Message>,
    /// The `updated_at` of the text the form started from, in microseconds, sent back with
    /// the form so that a save can tell whether someone else saved in between.
    opened_at: i64,
}

enum Message {
    Done(Notice),
    Warning(&'static str),
}

const CHANGED_MEANWHILE: &str = "Jemand anderes hat diese Seite gespeichert, während Sie sie \
bearbeitet haben. Ihr Text ist unten erhalten, aber noch nicht gespeichert. Wenn Sie jetzt \
speichern, ersetzt er den anderen; der andere bleibt unter „Frühere Fassungen“ erhalten.";

fn render_edit(
    session: &StaffSession,
    key: PageKey,
    locale: Locale,
    state: EditState,
) -> Result<String, AppError> {
    let heading = format!(
        "{} ({}) bearbeiten",
        page_name(key),
        locale.name_in_german()
    );
    let title = if state.form.has_errors() {
        format!("Fehler: {heading}")
    } else {
        heading
    };
    let (confirmation, warning) = match state.notice {
        Some(Message::Done(notice)) => (Some(notice.text()), None),
        Some(Message::Warning(text)) => (None, Some(text)),
        None => (None, None),
    };
    Ok(EditTemplate {
        layout: AdminLayout::new(title, Section::Pages, session),
        page_name: page_name(key),
        language: locale.name_in_german(),
        public_path: key.path(locale),
        action: paths::page(key, locale),
        form: state.form,
        preview_html: state.preview_html,
        csrf_token: &session.csrf_token,
        confirmation,
        warning,
        opened_at: state.opened_at,
    }
    .render()?)
}

async fn current(state: &AppState, key: PageKey, locale: Locale) -> Result<Page, AppError> {
    page::find(&state.pool, key, locale)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn edit(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path((key, locale)): Path<(String, String)>,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let (key, locale) = page_in_path(&key, &locale)?;
    let page = current(&state, key, locale).await?;
    let edit_state = EditState {
        form: page_form(
            &page.title,
            &page.meta_description,
            &page.body_markdown,
            &[],
        ),
        preview_html: None,
        notice: query.notice().map(Message::Done),
        opened_at: page.updated_at.timestamp_micros(),
    };
    Ok(Html(render_edit(&session, key, locale, edit_state)?))
}

text_enum! {
    /// The two buttons of the editor.
    pub enum EditAction {
        Preview = "preview",
        Save = "save",
    }
}

/// The page editor's form as sent.
#[derive(Deserialize)]
pub struct PageForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    meta_description: String,
    #[serde(default)]
    body_markdown: String,
    /// `EditState::opened_at`; missing or unreadable means "no conflict check".
    #[serde(default)]
    stand: String,
    /// Without a button (Enter in a field of some browsers), the form is saved.
    action: Option<EditAction>,
}

/// Shows a preview (button "Vorschau") or saves (button "Speichern").
pub async fn save(
    State(state): State<AppState>,
    Path((key, locale)): Path<(String, String)>,
    StaffForm { session, form }: StaffForm<PageForm>,
) -> Result<Response, AppError> {
    let (key, locale) = page_in_path(&key, &locale)?;
    let (title, description, text) = (&form.title, &form.meta_description, &form.body_markdown);
    let opened_micros = form.stand.parse::<i64>().ok();
    let opened_at = opened_micros.and_then(DateTime::<Utc>::from_timestamp_micros);
    let show_again = |problems: &[(PageTextField, FieldError)],
                      preview_html,
                      notice,
                      opened_at: i64| EditState {
        form: page_form(title, description, text, problems),
        preview_html,
        notice,
        opened_at,
    };
    let text = match (PageText::parse(title, description, text), form.action) {
        (Ok(valid), Some(EditAction::Save) | None) => valid,
        (parsed, _) => {
            let (status, problems, preview) = match parsed {
                Ok(_) => (
                    StatusCode::OK,
                    Vec::new(),
                    Some(markdown::to_safe_html(text)),
                ),
                Err(problems) => (StatusCode::UNPROCESSABLE_ENTITY, problems, None),
            };
            let edit_state =
                show_again(&problems, preview, None, opened_micros.unwrap_or_default());
            let html = render_edit(&session, key, locale, edit_state)?;
            return Ok((status, Html(html)).into_response());
        }
    };
    let outcome = history::save(
        &state.pool,
        key,
        locale,
        &text,
        session.account_id,
        opened_at,
    )
    .await?;
    let done = |notice| {
        Redirect::to(&paths::with_notice(&paths::page(key, locale), notice)).into_response()
    };
    match outcome {
        Saved::Saved => {
            state.pages.refresh_after_change(&state.pool).await;
            tracing::info!(
                page = key.code(),
                locale = locale.code(),
                account = session.account_id,
                "saved a page text"
            );
            Ok(done(Notice::Saved))
        }
        Saved::Unchanged => Ok(done(Notice::Unchanged)),
        Saved::Missing => Err(AppError::NotFound),
        Saved::Conflict => {
            // Shown again against the text that is current now, so that saving once more is a
            // conscious decision to replace it.
            let now_current = current(&state, key, locale)
                .await?
                .updated_at
                .timestamp_micros();
            let edit_state = show_again(
                &[],
                None,
                Some(Message::Warning(CHANGED_MEANWHILE)),
                now_current,
            );
            let html = render_edit(&session, key, locale, edit_state)?;
            Ok((StatusCode::CONFLICT, Html(html)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "admin/page_versions.html")]
struct VersionsTemplate<'a> {
    layout: AdminLayout<'a>,
    page_name: &'static str,
    language: &'static str,
    edit_path: String,
    versions: Vec<PageVersion>,
}

pub async fn versions(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path((key, locale)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let (key, locale) = page_in_path(&key, &locale)?;
    let versions = history::versions(&state.pool, key, locale).await?;
    Ok(Html(
        VersionsTemplate {
            layout: AdminLayout::new(
                format!(
                    "Frühere Fassungen: {} ({})",
                    page_name(key),
                    locale.name_in_german()
                ),
                Section::Pages,
                &session,
            ),
            page_name: page_name(key),
            language: locale.name_in_german(),
            edit_path: paths::page(key, locale),
            versions,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "admin/page_version.html")]
struct VersionTemplate<'a> {
    layout: AdminLayout<'a>,
    page_name: &'static str,
    language: &'static str,
    edit_path: String,
    version: PageVersion,
    body_html: String,
    csrf_token: &'a str,
}

pub async fn version(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path((key, locale, id)): Path<(String, String, i64)>,
) -> Result<Html<String>, AppError> {
    let (key, locale) = page_in_path(&key, &locale)?;
    let version = history::version(&state.pool, key, locale, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Html(
        VersionTemplate {
            layout: AdminLayout::new(
                format!("Fassung bis {}", version.replaced_in_hannover()),
                Section::Pages,
                &session,
            ),
            page_name: page_name(key),
            language: locale.name_in_german(),
            edit_path: paths::page(key, locale),
            body_html: markdown::to_safe_html(&version.body_markdown),
            version,
            csrf_token: &session.csrf_token,
        }
        .render()?,
    ))
}

pub async fn restore(
    State(state): State<AppState>,
    Path((key, locale, id)): Path<(String, String, i64)>,
    StaffForm { session, .. }: StaffForm<ButtonOnly>,
) -> Result<Redirect, AppError> {
    let (key, locale) = page_in_path(&key, &locale)?;
    if history::restore(&state.pool, key, locale, id, session.account_id).await? == Saved::Missing {
        return Err(AppError::NotFound);
    }
    state.pages.refresh_after_change(&state.pool).await;
    tracing::info!(
        page = key.code(),
        locale = locale.code(),
        version = id,
        account = session.account_id,
        "restored a page text"
    );
    Ok(Redirect::to(&paths::with_notice(
        &paths::page(key, locale),
        Notice::Restored,
    )))
}
