//! Writing news items in the staff area: the list, the editor with its picture upload and
//! preview, publishing, versions and deleting. The frame is shared with events
//! (`admin::publishing`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use sqlx::PgPool;

use crate::content::diff;
use crate::content::image::{self, ImageRef};
use crate::content::items::{self, ItemKind};
use crate::content::news::{self, NewsField, NewsInput, NewsItem, NewsText};
use crate::content::publication::Publication;
use crate::content::slug::Slug;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::staff::activity::Actor;
use crate::state::AppState;
use crate::web::admin::auth::SignedIn;
use crate::web::admin::notice::NoticeQuery;
use crate::web::admin::pages::EditAction;
use crate::web::admin::paths;
use crate::web::admin::publishing::{
    self, AfterSave, EditFrame, FieldName, FormPicture, ItemLinks, ItemRow, Message, NEWS_WORDS,
    PartChange, VersionPage, VersionQuery,
};
use crate::web::admin::staff_form::StaffForm;
use crate::web::form_body::Upload;
use crate::web::form_field::{CHECKED, Control, FormField, FormFields};
use crate::web::{images, news as public_news};

const WORDS: &publishing::KindWords = &NEWS_WORDS;

pub async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Html<String>, AppError> {
    let today = state.pages.clock().today();
    let rows = news::list_all(&state.pool)
        .await?
        .into_iter()
        .map(|item| ItemRow {
            visibility: item.visibility(today),
            language: item.locale().name_in_german(),
            lang: item.locale().code(),
            date: Locale::De.format_day(item.text.published_on),
            updated: crate::i18n::berlin_date_time(item.updated_at),
            updated_by: item.updated_by.clone(),
            edit_path: paths::item(ItemKind::News, item.id),
            title: item.text.title,
        })
        .collect();
    publishing::render_list(&session, WORDS, rows)
}

/// The news form as sent (and as shown: every value as typed).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewsForm {
    locale: String,
    title: String,
    slug: String,
    teaser: String,
    body: String,
    published_on: String,
    state: String,
    counterpart: String,
    image_alt: String,
    /// The picture the form has (stored with the item, or uploaded with this form before).
    image_key: String,
    remove_image: String,
    /// `EditFrame::opened_at`; missing or unreadable means "no conflict check".
    stand: String,
    /// Without a button (Enter in a field), the form is saved.
    action: Option<EditAction>,
}

impl NewsForm {
    fn blank(today: chrono::NaiveDate) -> Self {
        Self {
            locale: Locale::De.code().to_owned(),
            published_on: today.to_string(),
            state: Publication::Draft.code().to_owned(),
            ..Self::default()
        }
    }

    fn of(text: &NewsText, image: Option<&ImageRef>) -> Self {
        Self {
            locale: text.locale.code().to_owned(),
            title: text.title.clone(),
            slug: text
                .slug
                .as_ref()
                .map(|slug| slug.as_str().to_owned())
                .unwrap_or_default(),
            teaser: text.teaser.clone(),
            body: text.body_markdown.clone(),
            published_on: text.published_on.to_string(),
            state: text.state.code().to_owned(),
            counterpart: text
                .counterpart_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            image_alt: text.image_alt.clone(),
            image_key: image.map(|image| image.key.clone()).unwrap_or_default(),
            ..Self::default()
        }
    }

    fn input(&self) -> NewsInput<'_> {
        NewsInput {
            locale: &self.locale,
            title: &self.title,
            slug: &self.slug,
            teaser: &self.teaser,
            body: &self.body,
            published_on: &self.published_on,
            state: &self.state,
            counterpart: &self.counterpart,
            image_alt: &self.image_alt,
        }
    }
}

fn field_name(field: NewsField) -> FieldName {
    match field {
        NewsField::Locale => "locale",
        NewsField::Title => "title",
        NewsField::Slug => "slug",
        NewsField::Teaser => "teaser",
        NewsField::Body => "body",
        NewsField::PublishedOn => "published_on",
        NewsField::State => "state",
        NewsField::Counterpart => "counterpart",
        NewsField::Image => "image",
        NewsField::ImageAlt => "image_alt",
    }
}

/// The fields of the news form with `values`, `problems` at their fields.
fn news_fields(
    values: &NewsForm,
    problems: &[(FieldName, String)],
    others: Vec<(i64, String)>,
    has_picture: bool,
) -> FormFields {
    let problem = |name| publishing::problem_at(problems, name);
    let written_in = Locale::from_code(&values.locale).unwrap_or(Locale::De);
    let mut fields = vec![
        publishing::locale_field(&values.locale, problem("locale")),
        FormField::new("title", "Überschrift", &values.title)
            .written_in(written_in)
            .required()
            .max_length(NewsText::MAX_TITLE_LENGTH)
            .error(problem("title")),
        publishing::slug_field(WORDS, &values.slug, problem("slug")),
        FormField::new("published_on", "Datum", &values.published_on)
            .required()
            .hint("Die Meldung erscheint an diesem Tag (ab Mitternacht) auf der Website, nicht früher. Sie steht unter diesem Datum in der Liste.")
            .control(Control::Date)
            .error(problem("published_on")),
        FormField::new("teaser", "Kurzfassung", &values.teaser)
            .written_in(written_in)
            .required()
            .hint("Ein bis zwei Sätze für die Liste, die Startseite und Suchmaschinen.")
            .max_length(NewsText::MAX_TEASER_LENGTH)
            .control(Control::TextArea(3))
            .error(problem("teaser")),
        FormField::new("body", "Text", &values.body)
            .written_in(written_in)
            .control(Control::TextArea(18))
            .error(problem("body")),
        FormField::new("image", if has_picture { "Anderes Bild hochladen" } else { "Bild" }, "")
            .hint(format!(
                "JPEG, PNG oder WebP, höchstens {} MB. Breite Bilder werden auf {} Pixel verkleinert.",
                image::MAX_UPLOAD_BYTES / 1024 / 1024,
                image::MAX_WIDTH
            ))
            .control(Control::File {
                accept: "image/jpeg,image/png,image/webp",
            })
            .error(problem("image")),
        FormField::new("image_alt", "Bildbeschreibung (Alternativtext)", &values.image_alt)
            .written_in(written_in)
            .marked("nötig, wenn es ein Bild gibt")
            .hint("Was ist auf dem Bild zu sehen? Für Menschen, die es nicht sehen können, z. B.: „Die Vorsitzende überreicht die Urkunde an die Stadt Erlangen“.")
            .max_length(NewsText::MAX_ALT_LENGTH)
            .error(problem("image_alt")),
    ];
    if has_picture {
        fields.push(
            FormField::new("remove_image", "Bild entfernen", &values.remove_image)
                .control(Control::Checkbox),
        );
    }
    fields.push(publishing::counterpart_field(
        WORDS,
        &values.counterpart,
        others,
        problem("counterpart"),
    ));
    fields.push(publishing::state_field(&values.state, problem("state")));
    FormFields {
        locale: Locale::De,
        fields,
    }
}

/// The items in the other language than `locale` (the counterparts to choose from), except
/// `own_id`.
async fn counterpart_options(
    state: &AppState,
    locale: &str,
    own_id: Option<i64>,
) -> Result<Vec<(i64, String)>, AppError> {
    let locale = Locale::from_code(locale).unwrap_or(Locale::De);
    Ok(news::list_all(&state.pool)
        .await?
        .into_iter()
        .filter(|item| item.locale() == locale.other() && Some(item.id) != own_id)
        .map(|item| {
            let label = format!(
                "{} ({})",
                item.text.title,
                Locale::De.format_day(item.text.published_on)
            );
            (item.id, label)
        })
        .collect())
}

/// Everything the editor needs to show a form.
struct Shown<'a> {
    id: Option<i64>,
    values: &'a NewsForm,
    problems: Vec<(FieldName, String)>,
    picture: Option<&'a ImageRef>,
    preview_html: Option<String>,
    notice: Option<Message>,
    opened_at: i64,
    status: StatusCode,
}

async fn show_editor(
    state: &AppState,
    session: &crate::staff::session::StaffSession,
    shown: Shown<'_>,
) -> Result<Response, AppError> {
    let others = counterpart_options(state, &shown.values.locale, shown.id).await?;
    let (heading, action, links) = match shown.id {
        Some(id) => {
            let item = news::find(&state.pool, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let links = ItemLinks::new(
                ItemKind::News,
                id,
                item.visibility(state.pages.clock().today()),
                (item.updated_at, &item.updated_by),
                public_news::item_path(item.locale(), item.slug.as_str()),
            );
            (
                format!("Meldung „{}“ bearbeiten", item.text.title),
                paths::item(ItemKind::News, id),
                Some(links),
            )
        }
        None => ("Neue Meldung".to_owned(), paths::NEWS_NEW.to_owned(), None),
    };
    let form = news_fields(
        shown.values,
        &shown.problems,
        others,
        shown.picture.is_some(),
    );
    let frame = EditFrame {
        heading,
        action,
        preview_html: shown.preview_html,
        notice: shown.notice,
        opened_at: shown.opened_at,
        links,
        picture: shown.picture.map(|picture| FormPicture {
            src: images::path(picture),
            width: picture.width,
            height: picture.height,
            key: picture.key.clone(),
        }),
        uploads: true,
    };
    publishing::render_edit(session, WORDS, frame, form, shown.status)
}

pub async fn new_item(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Response, AppError> {
    let values = NewsForm::blank(state.pages.clock().today());
    show_editor(
        &state,
        &session,
        Shown {
            id: None,
            values: &values,
            problems: Vec::new(),
            picture: None,
            preview_html: None,
            notice: None,
            opened_at: 0,
            status: StatusCode::OK,
        },
    )
    .await
}

pub async fn edit(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<i64>,
    Query(notice): Query<NoticeQuery>,
    Query(version): Query<VersionQuery>,
) -> Result<Response, AppError> {
    let item = news::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (text, notice) = match version.version() {
        Some(version) => {
            let (revision, _) =
                items::revision::<NewsText>(&state.pool, ItemKind::News, id, version)
                    .await?
                    .ok_or(AppError::NotFound)?;
            (
                revision.content,
                Some(Message::Warning(publishing::STARTED_FROM_VERSION)),
            )
        }
        None => (item.text.clone(), notice.notice().map(Message::Done)),
    };
    let picture = match text.image_id {
        Some(image_id)
            if item
                .image
                .as_ref()
                .is_some_and(|image| image.id == image_id) =>
        {
            item.image.clone()
        }
        Some(image_id) => image_by_id(&state, image_id).await?,
        None => None,
    };
    let values = NewsForm::of(&text, picture.as_ref());
    show_editor(
        &state,
        &session,
        Shown {
            id: Some(id),
            values: &values,
            problems: Vec::new(),
            picture: picture.as_ref(),
            preview_html: None,
            notice,
            opened_at: item.updated_at.timestamp_micros(),
            status: StatusCode::OK,
        },
    )
    .await
}

/// A stored picture by its id (an earlier version's picture).
async fn image_by_id(state: &AppState, id: i64) -> Result<Option<ImageRef>, AppError> {
    Ok(image::find_reference_by_id(&state.pool, id).await?)
}

/// The picture the item will have after this form, and what went wrong with an upload.
async fn picture_after(
    state: &AppState,
    form: &NewsForm,
    uploads: Vec<Upload>,
) -> Result<(Option<ImageRef>, Option<String>), AppError> {
    let kept = if form.remove_image == CHECKED || form.image_key.is_empty() {
        None
    } else {
        image::find_reference(&state.pool, &form.image_key).await?
    };
    let Some(upload) = uploads.into_iter().find(|upload| upload.field == "image") else {
        return Ok((kept, None));
    };
    match image::prepare_upload(upload.bytes).await {
        Ok(prepared) => {
            let id = image::store(&state.pool, &prepared).await?;
            Ok((
                Some(image::reference(
                    id,
                    prepared.key,
                    prepared.format.content_type(),
                    i32::try_from(prepared.width).unwrap_or(i32::MAX),
                    i32::try_from(prepared.height).unwrap_or(i32::MAX),
                )),
                None,
            ))
        }
        Err(problem) => Ok((kept, Some(problem.message()))),
    }
}

pub async fn create(
    State(state): State<AppState>,
    staff_form: StaffForm<NewsForm>,
) -> Result<Response, AppError> {
    submit(&state, None, staff_form).await
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    staff_form: StaffForm<NewsForm>,
) -> Result<Response, AppError> {
    submit(&state, Some(id), staff_form).await
}

/// Shows a preview (button "Vorschau") or saves (button "Speichern") the item `id` (or a new
/// one).
async fn submit(
    state: &AppState,
    id: Option<i64>,
    StaffForm {
        session,
        mut form,
        uploads,
    }: StaffForm<NewsForm>,
) -> Result<Response, AppError> {
    let opened_micros = form.stand.parse::<i64>().ok();
    let opened_at = opened_micros.and_then(chrono::DateTime::<Utc>::from_timestamp_micros);
    let (picture, upload_problem) = picture_after(state, &form, uploads).await?;
    // The form shows what it has now: the new picture, or none after removing it.
    form.image_key = picture
        .as_ref()
        .map(|picture| picture.key.clone())
        .unwrap_or_default();
    form.remove_image.clear();
    let parsed = NewsText::parse(form.input(), picture.as_ref().map(|picture| picture.id));
    let mut problems: Vec<(FieldName, String)> = match &parsed {
        Ok(_) => Vec::new(),
        Err(problems) => problems
            .iter()
            .map(|(field, error)| (field_name(*field), Locale::De.value_error(*error)))
            .collect(),
    };
    if let Some(message) = upload_problem {
        problems.push((field_name(NewsField::Image), message));
    }
    let shown = |problems, preview_html, notice, opened_at, status| Shown {
        id,
        values: &form,
        problems,
        picture: picture.as_ref(),
        preview_html,
        notice,
        opened_at,
        status,
    };
    let opened = opened_micros.unwrap_or_default();
    let text = match (parsed, form.action) {
        (Ok(text), Some(EditAction::Save) | None) if problems.is_empty() => text,
        (Ok(text), _) if problems.is_empty() => {
            let preview = public_news::render_preview(&preview_item(&text, picture.clone()))?;
            return show_editor(
                state,
                &session,
                shown(Vec::new(), Some(preview), None, opened, StatusCode::OK),
            )
            .await;
        }
        _ => {
            return show_editor(
                state,
                &session,
                shown(
                    problems,
                    None,
                    None,
                    opened,
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
            )
            .await;
        }
    };
    let saved = news::save(&state.pool, id, &text, &session.actor(), opened_at).await?;
    match publishing::after_save(state, ItemKind::News, saved, field_name).await? {
        AfterSave::Redirect(redirect) => Ok(redirect.into_response()),
        AfterSave::Again(problem, warning, status) => {
            let problems = problem
                .map(|(name, error)| vec![(name, Locale::De.value_error(error))])
                .unwrap_or_default();
            // After someone else's save, the form is checked against what is stored now.
            let opened_at = match (warning, id) {
                (Some(_), Some(id)) => news::find(&state.pool, id)
                    .await?
                    .map_or(opened, |item| item.updated_at.timestamp_micros()),
                _ => opened,
            };
            show_editor(
                state,
                &session,
                shown(
                    problems,
                    None,
                    warning.map(Message::Warning),
                    opened_at,
                    status,
                ),
            )
            .await
        }
    }
}

/// The item as it would look with `text`, for the preview.
fn preview_item(text: &NewsText, picture: Option<ImageRef>) -> NewsItem {
    let slug = text
        .slug
        .clone()
        .or_else(|| Slug::from_title(&text.title))
        .unwrap_or_else(|| Slug::stored("vorschau".into()));
    NewsItem {
        id: 0,
        slug,
        text: text.clone(),
        image: picture,
        updated_at: Utc::now(),
        updated_by: String::new(),
    }
}

/// The news items' part in the handlers shared with events.
pub struct News;

impl publishing::ItemHandlers for News {
    const WORDS: &'static publishing::KindWords = WORDS;
    const LIST: &'static str = paths::NEWS;
    type Text = NewsText;

    async fn find(pool: &PgPool, id: i64) -> Result<Option<NewsText>, sqlx::Error> {
        Ok(news::find(pool, id).await?.map(|item| item.text))
    }

    fn title(text: &NewsText) -> &str {
        &text.title
    }

    fn with_state(text: NewsText, state: Publication) -> NewsText {
        NewsText { state, ..text }
    }

    async fn save(
        pool: &PgPool,
        id: i64,
        text: &NewsText,
        actor: &Actor,
    ) -> Result<bool, sqlx::Error> {
        let saved = news::save(pool, Some(id), text, actor, None).await?;
        Ok(matches!(saved, items::Saved::Saved(_)))
    }

    async fn delete(pool: &PgPool, id: i64, actor: &Actor) -> Result<bool, sqlx::Error> {
        news::delete(pool, id, actor).await
    }
}

pub async fn version(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path((id, version)): Path<(i64, i64)>,
) -> Result<Html<String>, AppError> {
    let (revision, previous, is_current) =
        publishing::find_version::<NewsText>(&state, ItemKind::News, id, version).await?;
    let changes = previous.map(|previous| {
        let (before, after) = (&previous.content, &revision.content);
        vec![
            PartChange {
                label: "Überschrift",
                runs: diff::words(&before.title, &after.title),
                is_text: false,
            },
            PartChange {
                label: "Datum",
                runs: diff::words(
                    &before.published_on.to_string(),
                    &after.published_on.to_string(),
                ),
                is_text: false,
            },
            PartChange {
                label: "Status",
                runs: diff::words(before.state.label(), after.state.label()),
                is_text: false,
            },
            PartChange {
                label: "Kurzfassung",
                runs: diff::words(&before.teaser, &after.teaser),
                is_text: false,
            },
            PartChange {
                label: "Text",
                runs: diff::words(&before.body_markdown, &after.body_markdown),
                is_text: true,
            },
            PartChange {
                label: "Bildbeschreibung",
                runs: diff::words(&before.image_alt, &after.image_alt),
                is_text: false,
            },
        ]
    });
    let picture = match revision.content.image_id {
        Some(image_id) => image_by_id(&state, image_id).await?,
        None => None,
    };
    let preview_html = public_news::render_preview(&preview_item(&revision.content, picture))?;
    publishing::render_version(
        &session,
        WORDS,
        VersionPage {
            id,
            version,
            title: &revision.content.title,
            locale: revision.content.locale,
            written: revision.written_in_hannover(),
            author: revision.author_or_unknown().to_owned(),
            is_current,
            changes,
            preview_html,
        },
    )
}
