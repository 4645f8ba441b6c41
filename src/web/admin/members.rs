//! The staff pages of members: the list, adding one by its name (the site finds its place on
//! the map), editing, removing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::content::members::{
    self, FederalState, Member, MemberField, MemberInput, MemberKind, MemberProblems, MemberText,
};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::staff::session::StaffSession;
use crate::state::AppState;
use crate::web::admin::auth::SignedIn;
use crate::web::admin::confirm_delete::{self, Question};
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::notice::{Notice, NoticeQuery};
use crate::web::admin::paths;
use crate::web::admin::staff_form::{ButtonOnly, StaffForm};
use crate::web::form_field::{CHECKED, Choice, Control, FormField, FormFields};

struct Row {
    name: String,
    edit_path: String,
    federal_state: &'static str,
    member_since: String,
    on_map: &'static str,
}

#[derive(Template)]
#[template(path = "admin/members.html")]
struct ListTemplate<'a> {
    layout: AdminLayout<'a>,
    rows: Vec<Row>,
    notice: Option<&'static str>,
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let rows = members::list_all(&state.pool)
        .await?
        .into_iter()
        .map(|member| Row {
            edit_path: paths::member(member.id),
            federal_state: member.text.federal_state.name(Locale::De),
            member_since: member
                .text
                .member_since
                .map(|year| year.to_string())
                .unwrap_or_default(),
            on_map: if member.text.position.is_some() {
                "ja"
            } else {
                "nein"
            },
            name: member.text.name,
        })
        .collect();
    Ok(Html(
        ListTemplate {
            layout: AdminLayout::new("Mitglieder", Section::Members, &session),
            rows,
            notice: query.notice().map(Notice::text),
        }
        .render()?,
    ))
}

/// The member form as sent.
#[derive(Debug, Default, Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    federal_state: String,
    #[serde(default)]
    member_since: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    founding: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    latitude: String,
    #[serde(default)]
    longitude: String,
}

impl MemberForm {
    fn input(&self) -> MemberInput<'_> {
        MemberInput {
            name: &self.name,
            kind: &self.kind,
            federal_state: &self.federal_state,
            member_since: &self.member_since,
            website: &self.website,
            founding: self.founding == CHECKED,
            place: &self.place,
            latitude: &self.latitude,
            longitude: &self.longitude,
        }
    }

    fn of(member: &Member) -> Self {
        let text = &member.text;
        let degrees =
            |value: Option<f64>| value.map(|value| format!("{value:.4}")).unwrap_or_default();
        Self {
            name: text.name.clone(),
            kind: text.kind.code().to_owned(),
            federal_state: text.federal_state.code().to_owned(),
            member_since: text
                .member_since
                .map(|year| year.to_string())
                .unwrap_or_default(),
            website: text
                .website
                .as_ref()
                .map(|website| website.as_str().to_owned())
                .unwrap_or_default(),
            founding: if text.founding {
                CHECKED.to_owned()
            } else {
                String::new()
            },
            place: text.place.clone(),
            latitude: degrees(text.position.map(|position| position.latitude)),
            longitude: degrees(text.position.map(|position| position.longitude)),
        }
    }
}

fn field_name(field: MemberField) -> &'static str {
    match field {
        MemberField::Name => "name",
        MemberField::Kind => "kind",
        MemberField::FederalState => "federal_state",
        MemberField::MemberSince => "member_since",
        MemberField::Website => "website",
        MemberField::Place => "place",
        MemberField::Latitude => "latitude",
        MemberField::Longitude => "longitude",
    }
}

fn form_fields(values: &MemberForm, problems: &[(&'static str, String)]) -> FormFields {
    let error = |name: &str| {
        problems
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, message)| message.clone())
    };
    let kinds = MemberKind::ALL
        .map(|kind| Choice::new(kind.code(), kind.label()))
        .to_vec();
    let mut states = vec![Choice::new("", "– bitte wählen –")];
    states.extend(FederalState::ALL.map(|state| Choice::new(state.code(), state.name(Locale::De))));
    FormFields {
        locale: Locale::De,
        fields: vec![
            FormField::new("name", "Name", &values.name)
                .required()
                .max_length(MemberText::MAX_NAME_LENGTH)
                .hint("So erscheint das Mitglied in der Liste, z. B. Hannover oder Landeshauptstadt Hannover.")
                .error(error("name")),
            FormField::new("kind", "Art", &values.kind)
                .required()
                .control(Control::Choice(kinds))
                .error(error("kind")),
            FormField::new("federal_state", "Bundesland", &values.federal_state)
                .required()
                .control(Control::Select(states))
                .error(error("federal_state")),
            FormField::new("member_since", "Mitglied seit (Jahr)", &values.member_since)
                .hint("Zum Beispiel 2012.")
                .max_length(4)
                .error(error("member_since")),
            FormField::new("website", "Website", &values.website)
                .control(Control::Url)
                .hint("Die Adresse der Website, z. B. https://www.hannover.de.")
                .error(error("website")),
            FormField::new("founding", "Gründungsmitglied (2010)", &values.founding)
                .control(Control::Checkbox),
            FormField::new("place", "Ort auf der Karte", &values.place)
                .max_length(MemberText::MAX_NAME_LENGTH)
                .hint("Leer lassen, wenn der Name eine Stadt ist: Die Website sucht den Ort dann unter dem Namen im gewählten Bundesland. Bei einer Organisation den Ort ihres Sitzes eintragen, oder leer lassen (dann kein Punkt auf der Karte).")
                .error(error("place")),
            FormField::new("latitude", "Breitengrad (nur von Hand)", &values.latitude)
                .hint("Nur nötig, wenn der Ort nicht gefunden wird, z. B. bei einem Kreis: dann die Lage seines Verwaltungssitzes, z. B. 51,9386 für Detmold. Leer lassen: Die Website sucht den Ort.")
                .error(error("latitude")),
            FormField::new("longitude", "Längengrad (nur von Hand)", &values.longitude)
                .hint("Zum Beispiel 8,8792 für Detmold.")
                .error(error("longitude")),
        ],
    }
}

#[derive(Template)]
#[template(path = "admin/member_edit.html")]
struct EditTemplate<'a> {
    layout: AdminLayout<'a>,
    heading: String,
    action: String,
    form: FormFields,
    csrf_token: &'a str,
    delete_path: Option<String>,
    notice: Option<&'static str>,
}

fn render_form(
    session: &StaffSession,
    values: &MemberForm,
    problems: &[(&'static str, String)],
    existing: Option<&Member>,
    notice: Option<&'static str>,
) -> Result<String, AppError> {
    let form = form_fields(values, problems);
    let heading = match existing {
        None => "Mitglied hinzufügen".to_owned(),
        Some(member) => format!("Mitglied „{}“", member.text.name),
    };
    Ok(EditTemplate {
        layout: AdminLayout::new(heading.clone(), Section::Members, session)
            .with_errors(form.has_errors()),
        heading,
        action: existing.map_or(paths::MEMBERS_NEW.to_owned(), |member| {
            paths::member(member.id)
        }),
        form,
        csrf_token: &session.csrf_token,
        delete_path: existing.map(|member| paths::member_delete(member.id)),
        notice,
    }
    .render()?)
}

pub async fn new_member(SignedIn(session): SignedIn) -> Result<Html<String>, AppError> {
    let values = MemberForm {
        kind: MemberKind::City.code().to_owned(),
        ..MemberForm::default()
    };
    Ok(Html(render_form(&session, &values, &[], None, None)?))
}

pub async fn edit(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let member = members::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Html(render_form(
        &session,
        &MemberForm::of(&member),
        &[],
        Some(&member),
        query.notice().map(Notice::text),
    )?))
}

/// The messages at the fields for `problems`.
fn messages(problems: MemberProblems) -> Vec<(&'static str, String)> {
    match problems {
        MemberProblems::AtFields(problems) => problems
            .into_iter()
            .map(|(field, error)| (field_name(field), Locale::De.value_error(error)))
            .collect(),
        MemberProblems::PlaceNotFound { looked_up, close } => {
            let mut message = format!(
                "„{looked_up}“ ist im gewählten Bundesland nicht verzeichnet. Bitte prüfen Sie die Schreibweise und das Bundesland"
            );
            if close.is_empty() {
                message.push_str(", oder tragen Sie die Lage unten von Hand ein.");
            } else {
                message.push_str(&format!(
                    ". Ähnliche Orte: {}. Oder tragen Sie die Lage unten von Hand ein.",
                    close.join(", ")
                ));
            }
            vec![("place", message)]
        }
    }
}

/// Adds a member (`id` `None`) or saves member `id`.
async fn store(
    state: &AppState,
    session: &StaffSession,
    id: Option<i64>,
    form: &MemberForm,
) -> Result<Response, AppError> {
    let existing = match id {
        Some(id) => Some(
            members::find(&state.pool, id)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let text = match MemberText::parse(form.input()) {
        Ok(text) => text,
        Err(problems) => {
            let html = render_form(session, form, &messages(problems), existing.as_ref(), None)?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
        }
    };
    let saved = members::save(&state.pool, id, &text, &session.actor())
        .await?
        .ok_or(AppError::NotFound)?;
    state.pages.refresh_after_change(&state.pool).await;
    Ok(Redirect::to(&paths::with_notice(&paths::member(saved), Notice::Saved)).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    StaffForm { session, form, .. }: StaffForm<MemberForm>,
) -> Result<Response, AppError> {
    store(&state, &session, None, &form).await
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, form, .. }: StaffForm<MemberForm>,
) -> Result<Response, AppError> {
    store(&state, &session, Some(id), &form).await
}

pub async fn confirm_delete(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let member = members::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    confirm_delete::render(
        &session,
        Question {
            section: Section::Members,
            heading: &format!("Mitglied „{}“ entfernen?", member.text.name),
            explanation: "Das Mitglied verschwindet aus der Liste und von der Karte. Das lässt sich nicht rückgängig machen; Sie können es aber jederzeit neu hinzufügen.",
            action: &paths::member_delete(id),
            cancel_path: &paths::member(id),
        },
    )
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, .. }: StaffForm<ButtonOnly>,
) -> Result<Redirect, AppError> {
    if !members::delete(&state.pool, id, &session.actor()).await? {
        return Err(AppError::NotFound);
    }
    Ok(confirm_delete::back_to_list(&state, paths::MEMBERS).await)
}
