//! What the staff pages of news items and events share: the list with each entry's state, the
//! editor's frame (preview, messages, links, the quick publish button), deleting with a
//! confirmation, and the versions. The forms themselves are in `admin::news` and
//! `admin::events`.

use std::future::Future;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::PgPool;

use crate::content::diff::Run;
use crate::content::items::{self, ItemKind, Revision, Saved};
use crate::content::publication::{Publication, Visibility};
use crate::error::AppError;
use crate::i18n::{Locale, berlin_date_time};
use crate::input::FieldError;
use crate::staff::activity::{self, ActivityFilter, Actor, Entry};
use crate::staff::session::StaffSession;
use crate::state::AppState;
use crate::web::admin::auth::SignedIn;
use crate::web::admin::confirm_delete;
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::notice::Notice;
use crate::web::admin::paths;
use crate::web::admin::staff_form::{ButtonOnly, StaffForm};
use crate::web::form_field::{Choice, Control, FormField, FormFields};

/// What the handlers shared by news items and events need to know of each: implemented by
/// `admin::news::News` and `admin::events::Events`, which the routes name.
pub trait ItemHandlers: Send + Sync + 'static {
    const WORDS: &'static KindWords;
    /// The list the staff return to after deleting.
    const LIST: &'static str;
    /// What is saved of an item, and kept as its versions.
    type Text: Serialize + DeserializeOwned + Send + Sync;

    fn find(
        pool: &PgPool,
        id: i64,
    ) -> impl Future<Output = Result<Option<Self::Text>, sqlx::Error>> + Send;
    fn title(text: &Self::Text) -> &str;
    fn with_state(text: Self::Text, state: Publication) -> Self::Text;
    /// Saves `text` as item `id`'s new state; whether anything changed.
    fn save(
        pool: &PgPool,
        id: i64,
        text: &Self::Text,
        actor: &Actor,
    ) -> impl Future<Output = Result<bool, sqlx::Error>> + Send;
    /// Whether there was such an item to delete.
    fn delete(
        pool: &PgPool,
        id: i64,
        actor: &Actor,
    ) -> impl Future<Output = Result<bool, sqlx::Error>> + Send;
}

/// "Veröffentlichen" / "Zurückziehen" in the editor: saves the item with the other state.
pub async fn change_state<Item: ItemHandlers>(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, form, .. }: StaffForm<StateForm>,
) -> Result<Redirect, AppError> {
    let text = Item::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let text = Item::with_state(text, form.state());
    if Item::save(&state.pool, id, &text, &session.actor()).await? {
        state.pages.refresh_after_change(&state.pool).await;
    }
    Ok(Redirect::to(&paths::with_notice(
        &paths::item(Item::WORDS.kind, id),
        form.notice(),
    )))
}

/// The page that asks before deleting.
pub async fn confirm_delete<Item: ItemHandlers>(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let text = Item::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    render_delete_confirmation(&session, Item::WORDS, id, Item::title(&text))
}

pub async fn delete<Item: ItemHandlers>(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, .. }: StaffForm<ButtonOnly>,
) -> Result<Redirect, AppError> {
    if !Item::delete(&state.pool, id, &session.actor()).await? {
        return Err(AppError::NotFound);
    }
    Ok(confirm_delete::back_to_list(&state, Item::LIST).await)
}

/// Every saved version of an item, newest first, with what the log says about it.
pub async fn versions<Item: ItemHandlers>(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let kind = Item::WORDS.kind;
    let text = Item::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let revisions = items::revisions::<Item::Text>(&state.pool, kind, id, None, 200).await?;
    let rows = revisions
        .iter()
        .map(|revision| VersionRow::of(kind, id, revision, Item::title(&revision.content)))
        .collect();
    render_versions(
        &state,
        &session,
        Item::WORDS,
        (id, Item::title(&text)),
        rows,
    )
    .await
}

/// Version `version` of item `id`, the one before it (to show what changed), and whether it is
/// the newest.
pub async fn find_version<T: DeserializeOwned>(
    state: &AppState,
    kind: ItemKind,
    id: i64,
    version: i64,
) -> Result<(Revision<T>, Option<Revision<T>>, bool), AppError> {
    let (revision, previous) = items::revision::<T>(&state.pool, kind, id, version)
        .await?
        .ok_or(AppError::NotFound)?;
    let newest = items::revisions::<T>(&state.pool, kind, id, None, 1)
        .await?
        .first()
        .map(|newest| newest.id);
    let is_current = newest == Some(revision.id);
    Ok((revision, previous, is_current))
}

/// The words that differ between news items and events.
pub struct KindWords {
    pub kind: ItemKind,
    pub section: Section,
    /// The list's heading and the menu entry.
    pub heading: &'static str,
    /// `Meldung`, `Termin`.
    pub singular: &'static str,
    /// `die Meldung`, `der Termin`.
    pub the_item: &'static str,
    /// The same at the start of a sentence.
    pub the_item_capitalised: &'static str,
    /// `sie`, `ihn`.
    pub it: &'static str,
    pub new_item: &'static str,
    /// What the list says about itself.
    pub intro: &'static str,
    /// The date column of the list.
    pub date_column: &'static str,
}

pub static NEWS_WORDS: KindWords = KindWords {
    kind: ItemKind::News,
    section: Section::News,
    heading: "Aktuelles",
    singular: "Meldung",
    the_item: "die Meldung",
    the_item_capitalised: "Die Meldung",
    it: "sie",
    new_item: "Neue Meldung",
    intro: "Meldungen erscheinen unter „Aktuelles“, auf der Startseite und im Feed – ab dem Tag, der als Datum eingetragen ist. Ein Entwurf ist nur hier zu sehen.",
    date_column: "Datum",
};

pub static EVENT_WORDS: KindWords = KindWords {
    kind: ItemKind::Event,
    section: Section::Events,
    heading: "Termine",
    singular: "Termin",
    the_item: "der Termin",
    the_item_capitalised: "Der Termin",
    it: "ihn",
    new_item: "Neuer Termin",
    intro: "Termine erscheinen unter „Termine“, auf der Startseite (die nächsten drei) und im abonnierbaren Kalender. Ein Entwurf ist nur hier zu sehen.",
    date_column: "Wann",
};

/// One entry of the list.
pub struct ItemRow {
    pub title: String,
    pub language: &'static str,
    /// The code of the item's language, marked on its title.
    pub lang: &'static str,
    pub visibility: Visibility,
    pub date: String,
    pub updated: String,
    pub updated_by: String,
    pub edit_path: String,
}

impl ItemRow {
    pub fn last_saved(&self) -> String {
        if self.updated_by.is_empty() {
            self.updated.clone()
        } else {
            format!("{}, {}", self.updated, self.updated_by)
        }
    }
}

#[derive(Template)]
#[template(path = "admin/items.html")]
struct ListTemplate<'a> {
    layout: AdminLayout<'a>,
    words: &'static KindWords,
    rows: Vec<ItemRow>,
    new_path: &'static str,
}

pub fn render_list(
    session: &StaffSession,
    words: &'static KindWords,
    rows: Vec<ItemRow>,
) -> Result<Html<String>, AppError> {
    Ok(Html(
        ListTemplate {
            layout: AdminLayout::new(words.heading, words.section, session),
            words,
            rows,
            new_path: paths::new_item(words.kind),
        }
        .render()?,
    ))
}

/// The form fields both kinds have: the language, the address, the counterpart and the state.
pub struct CommonFields<'a> {
    pub locale: &'a str,
    pub slug: &'a str,
    pub counterpart: &'a str,
    pub state: &'a str,
}

pub fn locale_field(value: &str, error: Option<String>) -> FormField {
    FormField::new("locale", "Sprache", value)
        .required()
        .control(Control::Choice(vec![
            Choice::new("de", "Deutsch (erscheint auf der deutschen Website)"),
            Choice::new("en", "Englisch (erscheint auf der englischen Website)"),
        ]))
        .error(error)
}

pub fn slug_field(words: &KindWords, value: &str, error: Option<String>) -> FormField {
    let hint = match words.kind {
        ItemKind::News => {
            "Der letzte Teil der Adresse, z. B. /aktuelles/jahresbericht-2025. Leer lassen: Die Website bildet ihn aus der Überschrift. Ändern Sie ihn nach dem Veröffentlichen, führt die alte Adresse weiter zur neuen."
        }
        ItemKind::Event => {
            "Der letzte Teil der Adresse, z. B. /termine/praeventionstag-2027. Leer lassen: Die Website bildet ihn aus der Überschrift. Ändern Sie ihn nach dem Veröffentlichen, führt die alte Adresse weiter zur neuen."
        }
    };
    FormField::new("slug", "Adresse", value)
        .hint(hint)
        .max_length(crate::content::slug::Slug::MAX_LENGTH)
        .error(error)
}

/// The counterpart as a list of the items in the other language (`(id, title)`).
pub fn counterpart_field(
    words: &KindWords,
    value: &str,
    others: Vec<(i64, String)>,
    error: Option<String>,
) -> FormField {
    let mut options = vec![Choice::new("", "– keine –")];
    options.extend(
        others
            .into_iter()
            .map(|(id, title)| Choice::new(id.to_string(), title)),
    );
    FormField::new("counterpart", "Gleicher Eintrag in der anderen Sprache", value)
        .hint(format!(
            "Dorthin führt der Sprachwechsel auf der Seite. Gibt es {} nur in einer Sprache, führt er zur Liste der anderen Sprache.",
            words.the_item
        ))
        .control(Control::Select(options))
        .error(error)
}

pub fn state_field(value: &str, error: Option<String>) -> FormField {
    FormField::new("state", "Status", value)
        .required()
        .control(Control::Choice(
            Publication::ALL
                .into_iter()
                .map(|state| Choice::new(state.code(), state.label()))
                .collect(),
        ))
        .error(error)
}

/// The links of an item's editor once it exists.
pub struct ItemLinks {
    pub visibility: Visibility,
    pub last_saved: String,
    pub public_path: Option<String>,
    pub versions_path: String,
    pub delete_path: String,
    pub state_path: String,
}

impl ItemLinks {
    pub fn new(
        kind: ItemKind,
        id: i64,
        visibility: Visibility,
        saved: (chrono::DateTime<chrono::Utc>, &str),
        public_path: String,
    ) -> Self {
        let (at, by) = saved;
        Self {
            visibility,
            last_saved: if by.is_empty() {
                berlin_date_time(at)
            } else {
                format!("{} von {by}", berlin_date_time(at))
            },
            public_path: visibility.is_public().then_some(public_path),
            versions_path: paths::item_versions(kind, id),
            delete_path: paths::item_delete(kind, id),
            state_path: paths::item_state(kind, id),
        }
    }

    /// What the quick button does: publish a draft, withdraw what is published.
    pub fn toggled_state(&self) -> Publication {
        match self.visibility {
            Visibility::Draft => Publication::Published,
            Visibility::Scheduled | Visibility::Published => Publication::Draft,
        }
    }

    pub fn toggle_label(&self) -> &'static str {
        match self.visibility {
            Visibility::Draft => "Veröffentlichen",
            Visibility::Scheduled | Visibility::Published => "Zurückziehen (wieder Entwurf)",
        }
    }
}

/// A picture already with the form (stored, or uploaded with a form that came back).
pub struct FormPicture {
    pub src: String,
    pub width: u32,
    pub height: u32,
    pub key: String,
}

/// What the editor shows besides its fields.
pub struct EditFrame {
    pub heading: String,
    pub action: String,
    pub preview_html: Option<String>,
    pub notice: Option<Message>,
    /// `updated_at` of what the form started from, in microseconds (0 for a new item).
    pub opened_at: i64,
    pub links: Option<ItemLinks>,
    pub picture: Option<FormPicture>,
    /// The form sends a file (and so must be `multipart/form-data`).
    pub uploads: bool,
}

pub enum Message {
    Done(Notice),
    Warning(&'static str),
}

pub const CHANGED_MEANWHILE: &str = "Jemand anderes hat diesen Eintrag gespeichert, während Sie \
ihn bearbeitet haben. Ihre Fassung ist unten erhalten, aber noch nicht gespeichert. Wenn Sie jetzt \
speichern, ersetzt sie die andere; die andere bleibt unter „Frühere Fassungen“ erhalten.";

pub const STARTED_FROM_VERSION: &str = "Das Formular zeigt eine frühere Fassung. Gespeichert ist \
sie erst, wenn Sie auf „Speichern“ klicken.";

#[derive(Template)]
#[template(path = "admin/item_edit.html")]
struct EditTemplate<'a> {
    layout: AdminLayout<'a>,
    words: &'static KindWords,
    frame: EditFrame,
    form: FormFields,
    csrf_token: &'a str,
    confirmation: Option<&'static str>,
    warning: Option<&'static str>,
}

/// The editor page, with `status` (422 when the form has problems).
pub fn render_edit(
    session: &StaffSession,
    words: &'static KindWords,
    frame: EditFrame,
    form: FormFields,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (confirmation, warning) = match &frame.notice {
        Some(Message::Done(notice)) => (Some(notice.text()), None),
        Some(Message::Warning(text)) => (None, Some(*text)),
        None => (None, None),
    };
    let html = EditTemplate {
        layout: AdminLayout::new(frame.heading.clone(), words.section, session)
            .with_errors(form.has_errors()),
        words,
        frame,
        form,
        csrf_token: &session.csrf_token,
        confirmation,
        warning,
    }
    .render()?;
    Ok((status, Html(html)).into_response())
}

/// Where a save leads: back to the editor with a message, or the form again.
pub enum AfterSave {
    Redirect(Redirect),
    /// A problem at a field, or someone else's change: show the form again.
    Again(
        Option<(FieldName, FieldError)>,
        Option<&'static str>,
        StatusCode,
    ),
}

/// The name of a form field.
pub type FieldName = &'static str;

/// What a save means for the staff member.
pub async fn after_save<Field>(
    state: &AppState,
    kind: ItemKind,
    saved: Saved<Field>,
    field_name: impl Fn(Field) -> FieldName,
) -> Result<AfterSave, AppError> {
    let to_editor = |id, notice| {
        AfterSave::Redirect(Redirect::to(&paths::with_notice(
            &paths::item(kind, id),
            notice,
        )))
    };
    Ok(match saved {
        Saved::Saved(id) => {
            state.pages.refresh_after_change(&state.pool).await;
            to_editor(id, Notice::Saved)
        }
        Saved::Unchanged(id) => to_editor(id, Notice::Unchanged),
        Saved::Missing => return Err(AppError::NotFound),
        Saved::Conflict => AfterSave::Again(None, Some(CHANGED_MEANWHILE), StatusCode::CONFLICT),
        Saved::Refused(field, error) => AfterSave::Again(
            Some((field_name(field), error)),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    })
}

#[derive(Template)]
#[template(path = "admin/item_delete.html")]
struct DeleteTemplate<'a> {
    layout: AdminLayout<'a>,
    words: &'static KindWords,
    title: &'a str,
    action: String,
    cancel_path: String,
    csrf_token: &'a str,
}

pub fn render_delete_confirmation(
    session: &StaffSession,
    words: &'static KindWords,
    id: i64,
    title: &str,
) -> Result<Html<String>, AppError> {
    Ok(Html(
        DeleteTemplate {
            layout: AdminLayout::new(
                format!("{} „{title}“ löschen?", words.singular),
                words.section,
                session,
            ),
            words,
            title,
            action: paths::item_delete(words.kind, id),
            cancel_path: paths::item(words.kind, id),
            csrf_token: &session.csrf_token,
        }
        .render()?,
    ))
}

/// One version in the list of versions.
pub struct VersionRow {
    pub written: String,
    pub author: String,
    pub title: String,
    pub path: String,
}

impl VersionRow {
    pub fn of<T>(kind: ItemKind, id: i64, revision: &Revision<T>, title: &str) -> Self {
        Self {
            written: revision.written_in_hannover(),
            author: revision.author_or_unknown().to_owned(),
            title: title.to_owned(),
            path: paths::item_version(kind, id, revision.id),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/item_versions.html")]
struct VersionsTemplate<'a> {
    layout: AdminLayout<'a>,
    words: &'static KindWords,
    title: &'a str,
    edit_path: String,
    rows: Vec<VersionRow>,
    history: Vec<Entry>,
}

pub async fn render_versions(
    state: &AppState,
    session: &StaffSession,
    words: &'static KindWords,
    (id, title): (i64, &str),
    rows: Vec<VersionRow>,
) -> Result<Html<String>, AppError> {
    let filter = ActivityFilter {
        subject: Some(words.kind.subject(id)),
        ..ActivityFilter::default()
    };
    let history = activity::list(&state.pool, &filter, 100).await?;
    Ok(Html(
        VersionsTemplate {
            layout: AdminLayout::new(
                format!("Fassungen: {} „{title}“", words.singular),
                words.section,
                session,
            ),
            words,
            title,
            edit_path: paths::item(words.kind, id),
            rows,
            history,
        }
        .render()?,
    ))
}

/// What a version changed in one part, word by word.
pub struct PartChange {
    pub label: &'static str,
    pub runs: Vec<Run>,
    /// Long text, shown with its line breaks.
    pub is_text: bool,
}

#[derive(Template)]
#[template(path = "admin/item_version.html")]
struct VersionTemplate<'a> {
    layout: AdminLayout<'a>,
    words: &'static KindWords,
    title: &'a str,
    /// The item's language, marked on its texts (the staff area speaks German).
    text_lang: &'static str,
    written: String,
    author: String,
    is_current: bool,
    versions_path: String,
    load_path: String,
    /// `None` for the first version.
    changes: Option<Vec<PartChange>>,
    preview_html: String,
}

/// A version of item `id`: who saved it, what it changed, how it looked.
pub struct VersionPage<'a> {
    pub id: i64,
    pub version: i64,
    pub title: &'a str,
    /// The language the item is written in.
    pub locale: Locale,
    pub written: String,
    pub author: String,
    pub is_current: bool,
    pub changes: Option<Vec<PartChange>>,
    pub preview_html: String,
}

pub fn render_version(
    session: &StaffSession,
    words: &'static KindWords,
    page: VersionPage<'_>,
) -> Result<Html<String>, AppError> {
    Ok(Html(
        VersionTemplate {
            layout: AdminLayout::new(
                format!(
                    "Fassung vom {}: {} „{}“",
                    page.written, words.singular, page.title
                ),
                words.section,
                session,
            ),
            words,
            title: page.title,
            text_lang: page.locale.code(),
            written: page.written,
            author: page.author,
            is_current: page.is_current,
            versions_path: paths::item_versions(words.kind, page.id),
            load_path: paths::item_from_version(words.kind, page.id, page.version),
            changes: page.changes,
            preview_html: page.preview_html,
        }
        .render()?,
    ))
}

/// The quick button of the editor: publish, or withdraw.
#[derive(Debug, serde::Deserialize)]
pub struct StateForm {
    state: Publication,
}

impl StateForm {
    pub fn state(&self) -> Publication {
        self.state
    }

    /// What the editor says afterwards.
    pub fn notice(&self) -> Notice {
        match self.state {
            Publication::Published => Notice::Published,
            Publication::Draft => Notice::Unpublished,
        }
    }
}

/// Which version an editor starts from (`?fassung=…`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct VersionQuery {
    fassung: Option<i64>,
}

impl VersionQuery {
    pub fn version(&self) -> Option<i64> {
        self.fassung
    }
}

/// The problem at `name` among `problems`, in the staff area's words.
pub fn problem_at(problems: &[(FieldName, String)], name: FieldName) -> Option<String> {
    problems
        .iter()
        .find(|(with_problem, _)| *with_problem == name)
        .map(|(_, message)| message.clone())
}
