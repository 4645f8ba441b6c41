//! Editing the organisation facts in one form. They appear in the footer, on the contact page,
//! the legal notice and the privacy page, and address the office emails, all at once. Every
//! saved state is kept, with who saved it, to compare and restore.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::content::facts::{self, Fact, FactChange, FactsForm, FactsRevision};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::input::FieldError;
use crate::state::AppState;
use crate::web::admin::auth::SignedIn;
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::notice::{Notice, NoticeQuery};
use crate::web::admin::paths;
use crate::web::admin::staff_form::{ButtonOnly, StaffForm};
use crate::web::form_field::{Control, FormField, FormFields};

/// Hint and kind of control of each fact's field.
fn presentation(fact: Fact) -> (Option<&'static str>, Control) {
    match fact {
        Fact::LegalName => (Some("Wie im Vereinsregister, mit „e.V.“."), Control::Text),
        Fact::ShortName => (
            Some("Erscheint im Seitentitel, z. B. DEFUS."),
            Control::Text,
        ),
        Fact::CareOf => (
            Some("Zum Beispiel: c/o Deutscher Präventionstag"),
            Control::Text,
        ),
        Fact::Street | Fact::PostalCode | Fact::City => (None, Control::Text),
        Fact::Phone => (
            Some("Wie es auf der Website stehen soll, z. B. 0511 120-5262."),
            Control::Tel,
        ),
        Fact::Email => (
            Some(
                "Erscheint auf der Website; an sie gehen auch die Mitgliedschaftsanfragen, sofern der Betrieb keine andere Adresse eingestellt hat.",
            ),
            Control::Email,
        ),
        Fact::ContactPerson => (Some("Zum Beispiel: Dr. Heinzelmann"), Control::Text),
        Fact::Chairs => (
            Some("Eine Zeile je Eintrag, z. B. „Landeshauptstadt Stuttgart“."),
            Control::TextArea(4),
        ),
        Fact::RepresentedBy => (
            Some("Namen der Personen, die den Verein vertreten."),
            Control::Text,
        ),
        Fact::RegisterCourt => (Some("Zum Beispiel: Amtsgericht Hannover"), Control::Text),
        Fact::RegisterNumber => (Some("Zum Beispiel: VR 123456"), Control::Text),
        Fact::ContentResponsible => (Some("Name und Anschrift."), Control::Text),
        Fact::AccessibilityMadeOn => (
            Some("Steht in der Erklärung zur Barrierefreiheit."),
            Control::Date,
        ),
        Fact::AccessibilityReviewedOn => (
            Some("Nach jeder Prüfung der Website auf Barrieren neu eintragen."),
            Control::Date,
        ),
        Fact::ArbitrationBody => (
            Some(
                "An sie kann sich wenden, wer mit unserer Antwort auf eine gemeldete Barriere nicht zufrieden ist.",
            ),
            Control::Text,
        ),
        Fact::ArbitrationAddress => (
            Some("Eine Zeile je Angabe, wie auf einem Briefumschlag."),
            Control::TextArea(3),
        ),
        Fact::ArbitrationPhone => (None, Control::Tel),
        Fact::ArbitrationEmail => (None, Control::Email),
    }
}

/// The facts are the association's, not the staff member's own, so browsers are not invited to
/// fill them in from the staff member's personal details (autocomplete stays off).
fn field_for(fact: Fact, value: &str, error: Option<FieldError>, required: bool) -> FormField {
    let (hint, control) = presentation(fact);
    let mut field = FormField::new(fact.name(), fact.label(), value)
        .control(control)
        .required_if(required)
        .error(error.map(|error| Locale::De.value_error(error)));
    if let Some(hint) = hint {
        field = field.hint(hint);
    }
    if fact.belongs_in_legal_notice() && !required {
        field = field.marked("für das Impressum nötig");
    }
    field
}

/// `email_required`: see `StaffArea::office_email_from_facts`.
fn facts_form(
    input: &FactsForm,
    problems: &[(Fact, FieldError)],
    email_required: bool,
) -> FormFields {
    FormFields {
        locale: Locale::De,
        fields: Fact::ALL
            .into_iter()
            .map(|fact| {
                let error = problems
                    .iter()
                    .find(|(with_problem, _)| *with_problem == fact)
                    .map(|(_, error)| *error);
                let required = fact.is_required() || (fact == Fact::Email && email_required);
                field_for(fact, input.value(fact), error, required)
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "admin/facts.html")]
struct FactsTemplate<'a> {
    layout: AdminLayout<'a>,
    form: FormFields,
    /// The legal notice details still empty, to say so above the form.
    missing: Vec<Fact>,
    csrf_token: &'a str,
    confirmation: Option<&'static str>,
}

fn missing_legal_details(input: &FactsForm) -> Vec<Fact> {
    Fact::ALL
        .into_iter()
        .filter(|fact| fact.belongs_in_legal_notice() && input.value(*fact).trim().is_empty())
        .collect()
}

pub async fn edit(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let facts = facts::load(&state.pool)
        .await?
        .ok_or_else(|| AppError::MissingContent("organisation facts".into()))?;
    let input = FactsForm::of(&facts);
    Ok(Html(
        FactsTemplate {
            layout: AdminLayout::new("Vereinsdaten", Section::Facts, &session),
            form: facts_form(&input, &[], state.staff.office_email_from_facts),
            missing: missing_legal_details(&input),
            csrf_token: &session.csrf_token,
            confirmation: query.notice().map(Notice::text),
        }
        .render()?,
    ))
}

pub async fn save(
    State(state): State<AppState>,
    StaffForm {
        session,
        form: input,
        ..
    }: StaffForm<FactsForm>,
) -> Result<Response, AppError> {
    match input.validate(state.staff.office_email_from_facts) {
        Ok(facts) => {
            let notice = if facts::save(&state.pool, &facts, &session.actor()).await? {
                state.pages.refresh_after_change(&state.pool).await;
                Notice::Saved
            } else {
                Notice::Unchanged
            };
            Ok(Redirect::to(&paths::with_notice(paths::FACTS, notice)).into_response())
        }
        Err(problems) => {
            let form = facts_form(&input, &problems, state.staff.office_email_from_facts);
            let html = FactsTemplate {
                layout: AdminLayout::new("Vereinsdaten", Section::Facts, &session)
                    .with_errors(form.has_errors()),
                form,
                missing: missing_legal_details(&input),
                csrf_token: &session.csrf_token,
                confirmation: None,
            }
            .render()?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "admin/facts_versions.html")]
struct VersionsTemplate<'a> {
    layout: AdminLayout<'a>,
    revisions: Vec<FactsRevision>,
}

pub async fn versions(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Html<String>, AppError> {
    Ok(Html(
        VersionsTemplate {
            layout: AdminLayout::new("Frühere Vereinsdaten", Section::Facts, &session),
            revisions: facts::revisions(&state.pool).await?,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "admin/facts_version.html")]
struct VersionTemplate<'a> {
    layout: AdminLayout<'a>,
    revision: FactsRevision,
    is_current: bool,
    is_first: bool,
    changes: Vec<FactChange>,
    csrf_token: &'a str,
}

pub async fn version(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let (revision, previous) = facts::revision(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let newest = facts::revisions(&state.pool)
        .await?
        .first()
        .map(|newest| newest.id);
    Ok(Html(
        VersionTemplate {
            layout: AdminLayout::new(
                format!("Vereinsdaten: {}", revision.describe()),
                Section::Facts,
                &session,
            ),
            changes: facts::fact_changes(
                previous.as_ref().map(|previous| &previous.facts),
                &revision.facts,
            ),
            is_current: newest == Some(revision.id),
            is_first: previous.is_none(),
            revision,
            csrf_token: &session.csrf_token,
        }
        .render()?,
    ))
}

pub async fn restore(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, .. }: StaffForm<ButtonOnly>,
) -> Result<Redirect, AppError> {
    match facts::restore(&state.pool, id, &session.actor()).await? {
        None => Err(AppError::NotFound),
        Some(changed) => {
            if changed {
                state.pages.refresh_after_change(&state.pool).await;
            }
            Ok(Redirect::to(&paths::with_notice(
                paths::FACTS,
                Notice::Restored,
            )))
        }
    }
}
