//! Editing the texts of the public pages: a preview that shows the page as visitors will see it,
//! every version kept with who wrote it and when, what each changed, and restoring one.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::content::diff::{self, Run};
use crate::content::history::{self, PageRevision, PageText, PageTextField, Saved, page_label};
use crate::content::{Page, PageKey, page};
use crate::error::AppError;
use crate::i18n::{Locale, berlin_date_time};
use crate::input::FieldError;
use crate::staff::activity::{self, ActivityFilter, Entry, Subject};
use crate::staff::session::StaffSession;
use crate::state::AppState;
use crate::text_enum;
use crate::web::admin::auth::SignedIn;
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::notice::{Notice, NoticeQuery};
use crate::web::admin::paths;
use crate::web::admin::staff_form::{ButtonOnly, StaffForm};
use crate::web::form_field::{Control, FormField, FormFields};
use crate::web::public;

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

/// One page in the list: its name, and per language the title, last change and editor link.
pub struct PageRow {
    pub name: &'static str,
    pub versions: Vec<PageListEntry>,
}

pub struct PageListEntry {
    pub language: &'static str,
    /// The code of the page's language, marked on its title.
    pub lang: &'static str,
    pub title: String,
    pub updated: String,
    pub edit_path: String,
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
                .map(|page| PageListEntry {
                    language: page.locale.name_in_german(),
                    lang: page.locale.code(),
                    title: page.title.clone(),
                    updated: berlin_date_time(page.updated_at),
                    edit_path: paths::page(page.key, page.locale),
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
    versions_path: String,
    form: FormFields,
    preview_html: Option<String>,
    csrf_token: &'a str,
    confirmation: Option<&'static str>,
    warning: Option<&'static str>,
    opened_at: i64,
}

const DESCRIPTION_HINT: &str = "Ein bis zwei Sätze; Suchmaschinen zeigen sie unter dem Titel.";

fn page_form(
    locale: Locale,
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
    let length = description.chars().count();
    let max = PageText::MAX_DESCRIPTION_LENGTH;
    let count = if length > max {
        format!(
            "{DESCRIPTION_HINT} Höchstens {max} Zeichen; jetzt sind es {length}, {} zu viel.",
            length - max
        )
    } else {
        format!("{DESCRIPTION_HINT} Höchstens {max} Zeichen; jetzt sind es {length}.")
    };
    FormFields {
        locale: Locale::De,
        fields: vec![
            FormField::new("title", "Überschrift", title)
                .written_in(locale)
                .required()
                .max_length(PageText::MAX_TITLE_LENGTH)
                .error(problem(PageTextField::Title)),
            FormField::new("meta_description", "Kurzbeschreibung für Suchmaschinen", description)
                .written_in(locale)
                .hint(count)
                .control(Control::TextArea(3))
                .error(problem(PageTextField::MetaDescription)),
            FormField::new("body_markdown", "Text", body)
                .written_in(locale)
                .hint("Anschrift, Vorsitz und Kontaktdaten fügt die Website selbst aus den Vereinsdaten an.")
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
    let (confirmation, warning) = match state.notice {
        Some(Message::Done(notice)) => (Some(notice.text()), None),
        Some(Message::Warning(text)) => (None, Some(text)),
        None => (None, None),
    };
    Ok(EditTemplate {
        layout: AdminLayout::new(
            format!(
                "{} ({}) bearbeiten",
                page_name(key),
                locale.name_in_german()
            ),
            Section::Pages,
            session,
        )
        .with_errors(state.form.has_errors()),
        page_name: page_name(key),
        language: locale.name_in_german(),
        public_path: key.path(locale),
        action: paths::page(key, locale),
        versions_path: paths::page_versions(key, locale),
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
            locale,
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

/// The page as visitors will see it with `text`, for the preview.
fn preview(
    state: &AppState,
    key: PageKey,
    locale: Locale,
    text: &PageText,
) -> Result<Option<String>, AppError> {
    let content = state.pages.content();
    let Some(facts) = content.facts.as_ref() else {
        return Ok(None);
    };
    let page = Page {
        key,
        locale,
        title: text.title.clone(),
        meta_description: text.meta_description.clone(),
        body_markdown: text.body_markdown.clone(),
        updated_at: Utc::now(),
    };
    Ok(Some(public::render_article(&page, facts, &state.site)?))
}

/// Shows a preview (button "Vorschau") or saves (button "Speichern").
pub async fn save(
    State(state): State<AppState>,
    Path((key, locale)): Path<(String, String)>,
    StaffForm { session, form, .. }: StaffForm<PageForm>,
) -> Result<Response, AppError> {
    let (key, locale) = page_in_path(&key, &locale)?;
    let (title, description, text) = (&form.title, &form.meta_description, &form.body_markdown);
    let opened_micros = form.stand.parse::<i64>().ok();
    let opened_at = opened_micros.and_then(DateTime::<Utc>::from_timestamp_micros);
    let show_again = |problems: &[(PageTextField, FieldError)],
                      preview_html,
                      notice,
                      opened_at: i64| EditState {
        form: page_form(locale, title, description, text, problems),
        preview_html,
        notice,
        opened_at,
    };
    let text = match (PageText::parse(title, description, text), form.action) {
        (Ok(valid), Some(EditAction::Save) | None) => valid,
        (parsed, _) => {
            let (status, problems, preview_html) = match parsed {
                Ok(valid) => (
                    StatusCode::OK,
                    Vec::new(),
                    preview(&state, key, locale, &valid)?,
                ),
                Err(problems) => (StatusCode::UNPROCESSABLE_ENTITY, problems, None),
            };
            let edit_state = show_again(
                &problems,
                preview_html,
                None,
                opened_micros.unwrap_or_default(),
            );
            let html = render_edit(&session, key, locale, edit_state)?;
            return Ok((status, Html(html)).into_response());
        }
    };
    let outcome =
        history::save(&state.pool, key, locale, &text, &session.actor(), opened_at).await?;
    let done = |notice| {
        Redirect::to(&paths::with_notice(&paths::page(key, locale), notice)).into_response()
    };
    match outcome {
        Saved::Saved => {
            state.pages.refresh_after_change(&state.pool).await;
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
    key: PageKey,
    locale: Locale,
    revisions: Vec<PageRevision>,
    history: Vec<Entry>,
}

pub async fn versions(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path((key, locale)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let (key, locale) = page_in_path(&key, &locale)?;
    let history_filter = ActivityFilter {
        subject: Some(Subject::Page(key, locale)),
        ..ActivityFilter::default()
    };
    let (revisions, history) = tokio::try_join!(
        history::revisions(&state.pool, key, locale),
        activity::list(&state.pool, &history_filter, 100),
    )?;
    Ok(Html(
        VersionsTemplate {
            layout: AdminLayout::new(
                format!("Fassungen: {}", page_label(key, locale)),
                Section::Pages,
                &session,
            ),
            page_name: page_name(key),
            language: locale.name_in_german(),
            edit_path: paths::page(key, locale),
            key,
            locale,
            revisions,
            history,
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
    /// The page's language, marked on its texts (the staff area speaks German).
    text_lang: &'static str,
    versions_path: String,
    restore_path: String,
    revision: PageRevision,
    /// Whether it is the text the page shows now (then there is nothing to restore).
    is_current: bool,
    /// What it changed against the revision before it, per part (`None` for the first).
    changes: Option<RevisionChanges>,
    body_html: String,
    csrf_token: &'a str,
}

/// What a revision changed, part by part, word by word.
pub struct RevisionChanges {
    pub title: Vec<Run>,
    pub meta_description: Vec<Run>,
    pub body: Vec<Run>,
}

impl RevisionChanges {
    fn between(before: &PageRevision, after: &PageRevision) -> Self {
        Self {
            title: diff::words(&before.title, &after.title),
            meta_description: diff::words(&before.meta_description, &after.meta_description),
            body: diff::words(&before.body_markdown, &after.body_markdown),
        }
    }
}

pub async fn version(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path((key, locale, id)): Path<(String, String, i64)>,
) -> Result<Html<String>, AppError> {
    let (key, locale) = page_in_path(&key, &locale)?;
    let (revision, previous) = history::revision(&state.pool, key, locale, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let newest = history::revisions(&state.pool, key, locale)
        .await?
        .first()
        .map(|newest| newest.id);
    let changes = previous
        .as_ref()
        .map(|previous| RevisionChanges::between(previous, &revision));
    Ok(Html(
        VersionTemplate {
            layout: AdminLayout::new(
                format!("{}: {}", revision.describe(), page_label(key, locale)),
                Section::Pages,
                &session,
            ),
            page_name: page_name(key),
            text_lang: locale.code(),
            language: locale.name_in_german(),
            versions_path: paths::page_versions(key, locale),
            restore_path: paths::page_restore(key, locale, revision.id),
            is_current: newest == Some(revision.id),
            changes,
            body_html: crate::content::markdown::to_safe_html(&revision.body_markdown),
            revision,
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
    if history::restore(&state.pool, key, locale, id, &session.actor()).await? == Saved::Missing {
        return Err(AppError::NotFound);
    }
    state.pages.refresh_after_change(&state.pool).await;
    Ok(Redirect::to(&paths::with_notice(
        &paths::page(key, locale),
        Notice::Restored,
    )))
}
