//! Writing events in the staff area: the list, the editor with its preview, publishing,
//! versions and deleting. The frame is shared with news items (`admin::publishing`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use sqlx::PgPool;

use crate::content::country::{COUNTRIES, Country};
use crate::content::diff;
use crate::content::events::{self, Event, EventField, EventInput, EventText, EventTimes};
use crate::content::items::{self, ItemKind};
use crate::content::publication::Publication;
use crate::content::slug::Slug;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::staff::activity::Actor;
use crate::staff::session::StaffSession;
use crate::state::AppState;
use crate::web::admin::auth::SignedIn;
use crate::web::admin::notice::NoticeQuery;
use crate::web::admin::pages::EditAction;
use crate::web::admin::paths;
use crate::web::admin::publishing::{
    self, AfterSave, EVENT_WORDS, EditFrame, FieldName, ItemLinks, ItemRow, Message, PartChange,
    VersionPage, VersionQuery,
};
use crate::web::admin::staff_form::StaffForm;
use crate::web::events as public_events;
use crate::web::form_field::{CHECKED, Choice, Control, FormField, FormFields};

const WORDS: &publishing::KindWords = &EVENT_WORDS;

pub async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Html<String>, AppError> {
    let rows = events::list_all(&state.pool)
        .await?
        .into_iter()
        .map(|event| ItemRow {
            visibility: event.visibility(),
            language: event.locale().name_in_german(),
            lang: event.locale().code(),
            date: public_events::describe_times(Locale::De, event.text.times),
            updated: crate::i18n::berlin_date_time(event.updated_at),
            updated_by: event.updated_by.clone(),
            edit_path: paths::item(ItemKind::Event, event.id),
            title: event.text.title,
        })
        .collect();
    publishing::render_list(&session, WORDS, rows)
}

/// The event form as sent (and as shown: every value as typed).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EventForm {
    locale: String,
    title: String,
    slug: String,
    starts_at: String,
    ends_at: String,
    all_day: String,
    venue: String,
    address: String,
    city: String,
    country: String,
    online_url: String,
    registration_url: String,
    description: String,
    state: String,
    counterpart: String,
    stand: String,
    action: Option<EditAction>,
}

impl EventForm {
    fn blank() -> Self {
        Self {
            locale: Locale::De.code().to_owned(),
            country: Country::GERMANY.code().to_owned(),
            state: Publication::Draft.code().to_owned(),
            ..Self::default()
        }
    }

    fn of(text: &EventText) -> Self {
        let (starts_at, ends_at, all_day) = match text.times {
            EventTimes::WholeDays { first, last } => (
                format!("{first}T00:00"),
                format!("{last}T00:00"),
                CHECKED.to_owned(),
            ),
            EventTimes::Timed { starts, ends } => (
                starts.format("%Y-%m-%dT%H:%M").to_string(),
                ends.format("%Y-%m-%dT%H:%M").to_string(),
                String::new(),
            ),
        };
        Self {
            locale: text.locale.code().to_owned(),
            title: text.title.clone(),
            slug: text
                .slug
                .as_ref()
                .map(|slug| slug.as_str().to_owned())
                .unwrap_or_default(),
            starts_at,
            ends_at,
            all_day,
            venue: text.venue.clone(),
            address: text.address.clone(),
            city: text.city.clone(),
            country: text.country.code().to_owned(),
            online_url: text.online_url.clone().unwrap_or_default(),
            registration_url: text.registration_url.clone().unwrap_or_default(),
            description: text.description_markdown.clone(),
            state: text.state.code().to_owned(),
            counterpart: text
                .counterpart_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            ..Self::default()
        }
    }

    fn input(&self) -> EventInput<'_> {
        EventInput {
            locale: &self.locale,
            title: &self.title,
            slug: &self.slug,
            starts_at: &self.starts_at,
            ends_at: &self.ends_at,
            all_day: self.all_day == CHECKED,
            venue: &self.venue,
            address: &self.address,
            city: &self.city,
            country: &self.country,
            online_url: &self.online_url,
            registration_url: &self.registration_url,
            description: &self.description,
            state: &self.state,
            counterpart: &self.counterpart,
        }
    }
}

fn field_name(field: EventField) -> FieldName {
    match field {
        EventField::Locale => "locale",
        EventField::Title => "title",
        EventField::Slug => "slug",
        EventField::StartsAt => "starts_at",
        EventField::EndsAt => "ends_at",
        EventField::Venue => "venue",
        EventField::Address => "address",
        EventField::City => "city",
        EventField::Country => "country",
        EventField::OnlineUrl => "online_url",
        EventField::RegistrationUrl => "registration_url",
        EventField::Description => "description",
        EventField::State => "state",
        EventField::Counterpart => "counterpart",
    }
}

fn event_fields(
    values: &EventForm,
    problems: &[(FieldName, String)],
    others: Vec<(i64, String)>,
) -> FormFields {
    let problem = |name| publishing::problem_at(problems, name);
    let written_in = Locale::from_code(&values.locale).unwrap_or(Locale::De);
    let fields = vec![
        publishing::locale_field(&values.locale, problem("locale")),
        FormField::new("title", "Titel", &values.title)
            .written_in(written_in)
            .required()
            .max_length(EventText::MAX_TITLE_LENGTH)
            .error(problem("title")),
        publishing::slug_field(WORDS, &values.slug, problem("slug")),
        FormField::new("starts_at", "Beginn", &values.starts_at)
            .required()
            .hint("Datum und Uhrzeit in Hannover (deutsche Zeit).")
            .control(Control::DateTime)
            .error(problem("starts_at")),
        FormField::new("ends_at", "Ende", &values.ends_at)
            .required()
            .hint(
                "Bei ganztägigen Terminen zählt nur das Datum; leer gelassen dauert er einen Tag.",
            )
            .control(Control::DateTime)
            .error(problem("ends_at")),
        FormField::new("all_day", "Ganztägig (ohne Uhrzeit)", &values.all_day)
            .control(Control::Checkbox),
        FormField::new("venue", "Veranstaltungsort", &values.venue)
            .hint("Zum Beispiel: Kongresszentrum, Saal 3")
            .max_length(EventText::MAX_VENUE_LENGTH)
            .error(problem("venue")),
        FormField::new("address", "Anschrift", &values.address)
            .hint("Straße und Hausnummer")
            .max_length(EventText::MAX_ADDRESS_LENGTH)
            .error(problem("address")),
        FormField::new("city", "Stadt", &values.city)
            .marked("nötig, wenn der Termin nicht nur online ist")
            .max_length(EventText::MAX_CITY_LENGTH)
            .error(problem("city")),
        FormField::new("country", "Land", &values.country)
            .hint("Für die Adresse auf der Seite, im Kalender und für Suchmaschinen.")
            .control(Control::Select(
                COUNTRIES
                    .into_iter()
                    .map(|country| Choice::new(country.code(), country.name(Locale::De)))
                    .collect(),
            ))
            .error(problem("country")),
        FormField::new(
            "online_url",
            "Link zur Online-Teilnahme",
            &values.online_url,
        )
        .hint("Nur bei Online-Terminen, z. B. https://… – er wird auf der Seite gezeigt.")
        .control(Control::Url)
        .error(problem("online_url")),
        FormField::new(
            "registration_url",
            "Link zur Anmeldung",
            &values.registration_url,
        )
        .hint("Die Seite, auf der man sich anmeldet, z. B. https://www.praeventionstag.de/…")
        .control(Control::Url)
        .error(problem("registration_url")),
        FormField::new("description", "Beschreibung", &values.description)
            .written_in(written_in)
            .control(Control::TextArea(12))
            .error(problem("description")),
        publishing::counterpart_field(WORDS, &values.counterpart, others, problem("counterpart")),
        publishing::state_field(&values.state, problem("state")),
    ];
    FormFields {
        locale: Locale::De,
        fields,
    }
}

async fn counterpart_options(
    state: &AppState,
    locale: &str,
    own_id: Option<i64>,
) -> Result<Vec<(i64, String)>, AppError> {
    let locale = Locale::from_code(locale).unwrap_or(Locale::De);
    Ok(events::list_all(&state.pool)
        .await?
        .into_iter()
        .filter(|event| event.locale() == locale.other() && Some(event.id) != own_id)
        .map(|event| {
            let label = format!(
                "{} ({})",
                event.text.title,
                public_events::describe_times(Locale::De, event.text.times)
            );
            (event.id, label)
        })
        .collect())
}

struct Shown<'a> {
    id: Option<i64>,
    values: &'a EventForm,
    problems: Vec<(FieldName, String)>,
    preview_html: Option<String>,
    notice: Option<Message>,
    opened_at: i64,
    status: StatusCode,
}

async fn show_editor(
    state: &AppState,
    session: &StaffSession,
    shown: Shown<'_>,
) -> Result<Response, AppError> {
    let others = counterpart_options(state, &shown.values.locale, shown.id).await?;
    let (heading, action, links) = match shown.id {
        Some(id) => {
            let event = events::find(&state.pool, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let links = ItemLinks::new(
                ItemKind::Event,
                id,
                event.visibility(),
                (event.updated_at, &event.updated_by),
                public_events::item_path(event.locale(), event.slug.as_str()),
            );
            (
                format!("Termin „{}“ bearbeiten", event.text.title),
                paths::item(ItemKind::Event, id),
                Some(links),
            )
        }
        None => (
            "Neuer Termin".to_owned(),
            paths::EVENTS_NEW.to_owned(),
            None,
        ),
    };
    let frame = EditFrame {
        heading,
        action,
        preview_html: shown.preview_html,
        notice: shown.notice,
        opened_at: shown.opened_at,
        links,
        picture: None,
        uploads: false,
    };
    let form = event_fields(shown.values, &shown.problems, others);
    publishing::render_edit(session, WORDS, frame, form, shown.status)
}

pub async fn new_item(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Response, AppError> {
    let values = EventForm::blank();
    show_editor(
        &state,
        &session,
        Shown {
            id: None,
            values: &values,
            problems: Vec::new(),
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
    let event = events::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (text, notice) = match version.version() {
        Some(version) => {
            let (revision, _) =
                items::revision::<EventText>(&state.pool, ItemKind::Event, id, version)
                    .await?
                    .ok_or(AppError::NotFound)?;
            (
                revision.content,
                Some(Message::Warning(publishing::STARTED_FROM_VERSION)),
            )
        }
        None => (event.text.clone(), notice.notice().map(Message::Done)),
    };
    let values = EventForm::of(&text);
    show_editor(
        &state,
        &session,
        Shown {
            id: Some(id),
            values: &values,
            problems: Vec::new(),
            preview_html: None,
            notice,
            opened_at: event.updated_at.timestamp_micros(),
            status: StatusCode::OK,
        },
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    staff_form: StaffForm<EventForm>,
) -> Result<Response, AppError> {
    submit(&state, None, staff_form).await
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    staff_form: StaffForm<EventForm>,
) -> Result<Response, AppError> {
    submit(&state, Some(id), staff_form).await
}

async fn submit(
    state: &AppState,
    id: Option<i64>,
    StaffForm { session, form, .. }: StaffForm<EventForm>,
) -> Result<Response, AppError> {
    let opened = form.stand.parse::<i64>().ok();
    let opened_at = opened.and_then(chrono::DateTime::<Utc>::from_timestamp_micros);
    let opened = opened.unwrap_or_default();
    let shown = |problems, preview_html, notice, opened_at, status| Shown {
        id,
        values: &form,
        problems,
        preview_html,
        notice,
        opened_at,
        status,
    };
    let text = match (EventText::parse(form.input()), form.action) {
        (Ok(text), Some(EditAction::Save) | None) => text,
        (Ok(text), Some(EditAction::Preview)) => {
            let today = state.pages.clock().today();
            let preview = public_events::render_preview(&preview_event(&text), today)?;
            return show_editor(
                state,
                &session,
                shown(Vec::new(), Some(preview), None, opened, StatusCode::OK),
            )
            .await;
        }
        (Err(problems), _) => {
            let problems = problems
                .into_iter()
                .map(|(field, error)| (field_name(field), Locale::De.value_error(error)))
                .collect();
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
    let saved = events::save(&state.pool, id, &text, &session.actor(), opened_at).await?;
    match publishing::after_save(state, ItemKind::Event, saved, field_name).await? {
        AfterSave::Redirect(redirect) => Ok(redirect.into_response()),
        AfterSave::Again(problem, warning, status) => {
            let problems = problem
                .map(|(name, error)| vec![(name, Locale::De.value_error(error))])
                .unwrap_or_default();
            let opened_at = match (warning, id) {
                (Some(_), Some(id)) => events::find(&state.pool, id)
                    .await?
                    .map_or(opened, |event| event.updated_at.timestamp_micros()),
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

fn preview_event(text: &EventText) -> Event {
    let slug = text
        .slug
        .clone()
        .or_else(|| Slug::from_title(&text.title))
        .unwrap_or_else(|| Slug::stored("vorschau".into()));
    Event {
        id: 0,
        slug,
        text: text.clone(),
        updated_at: Utc::now(),
        updated_by: String::new(),
    }
}

/// The events' part in the handlers shared with events.
pub struct Events;

impl publishing::ItemHandlers for Events {
    const WORDS: &'static publishing::KindWords = WORDS;
    const LIST: &'static str = paths::EVENTS;
    type Text = EventText;

    async fn find(pool: &PgPool, id: i64) -> Result<Option<EventText>, sqlx::Error> {
        Ok(events::find(pool, id).await?.map(|event| event.text))
    }

    fn title(text: &EventText) -> &str {
        &text.title
    }

    fn with_state(text: EventText, state: Publication) -> EventText {
        EventText { state, ..text }
    }

    async fn save(
        pool: &PgPool,
        id: i64,
        text: &EventText,
        actor: &Actor,
    ) -> Result<bool, sqlx::Error> {
        let saved = events::save(pool, Some(id), text, actor, None).await?;
        Ok(matches!(saved, items::Saved::Saved(_)))
    }

    async fn delete(pool: &PgPool, id: i64, actor: &Actor) -> Result<bool, sqlx::Error> {
        events::delete(pool, id, actor).await
    }
}

pub async fn version(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path((id, version)): Path<(i64, i64)>,
) -> Result<Html<String>, AppError> {
    let (revision, previous, is_current) =
        publishing::find_version::<EventText>(&state, ItemKind::Event, id, version).await?;
    let changes = previous.map(|previous| {
        let (before, after) = (&previous.content, &revision.content);
        let when = |text: &EventText| public_events::describe_times(Locale::De, text.times);
        let place = |text: &EventText| {
            [
                text.venue.as_str(),
                &text.address,
                &text.city,
                text.online_url.as_deref().unwrap_or_default(),
            ]
            .join(" ")
        };
        vec![
            PartChange {
                label: "Titel",
                runs: diff::words(&before.title, &after.title),
                is_text: false,
            },
            PartChange {
                label: "Wann",
                runs: diff::words(&when(before), &when(after)),
                is_text: false,
            },
            PartChange {
                label: "Wo",
                runs: diff::words(&place(before), &place(after)),
                is_text: false,
            },
            PartChange {
                label: "Status",
                runs: diff::words(before.state.label(), after.state.label()),
                is_text: false,
            },
            PartChange {
                label: "Beschreibung",
                runs: diff::words(&before.description_markdown, &after.description_markdown),
                is_text: true,
            },
        ]
    });
    let preview_html = public_events::render_preview(
        &preview_event(&revision.content),
        state.pages.clock().today(),
    )?;
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
