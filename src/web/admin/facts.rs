//! Editing the organisation facts in one form. They appear in the footer, on the contact page,
//! the legal notice and the privacy page, and address the office emails, all at once.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::content::facts::{self, Fact, FactsForm};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::input::FieldError;
use crate::state::AppState;
use crate::web::admin::auth::{SignedIn, StaffForm};
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::notice::{Notice, NoticeQuery};
use crate::web::admin::paths;
use crate::web::form_field::{Control, FormField, FormFields};

/// The facts are the association's, not the staff member's own, so browsers are not invited to
/// fill them in from the staff member's personal details (autocomplete stays off).
fn field_for(fact: Fact, value: &str, error: Option<FieldError>, required: bool) -> FormField {
    let (label, hint, control) = match fact {
        Fact::LegalName => (
            "Name des Vereins",
            Some("Wie im Vereinsregister, mit „e.V.“."),
            Control::Text,
        ),
        Fact::ShortName => (
            "Kurzname",
            Some("Erscheint im Seitentitel, z. B. DEFUS."),
            Control::Text,
        ),
        Fact::CareOf => (
            "Zusatz zur Anschrift",
            Some("Zum Beispiel: c/o Deutscher Präventionstag"),
            Control::Text,
        ),
        Fact::Street => ("Straße und Hausnummer", None, Control::Text),
        Fact::PostalCode => ("Postleitzahl", None, Control::Text),
        Fact::City => ("Ort", None, Control::Text),
        Fact::Phone => (
            "Telefon der Geschäftsstelle",
            Some("Wie es auf der Website stehen soll, z. B. 0511 120-5262."),
            Control::Tel,
        ),
        Fact::Email => (
            "E-Mail der Geschäftsstelle",
            Some(
                "Erscheint auf der Website; an sie gehen auch die Mitgliedschaftsanfragen, sofern der Betrieb keine andere Adresse eingestellt hat.",
            ),
            Control::Email,
        ),
        Fact::ContactPerson => (
            "Ansprechperson für die Mitgliedschaft",
            Some("Zum Beispiel: Dr. Heinzelmann"),
            Control::Text,
        ),
        Fact::Chairs => (
            "Vorsitz",
            Some("Eine Zeile je Eintrag, z. B. „Landeshauptstadt Stuttgart“."),
            Control::TextArea(4),
        ),
        Fact::RepresentedBy => (
            "Vertretungsberechtigter Vorstand (Impressum)",
            Some("Namen der Personen, die den Verein vertreten."),
            Control::Text,
        ),
        Fact::RegisterCourt => (
            "Registergericht (Impressum)",
            Some("Zum Beispiel: Amtsgericht Hannover"),
            Control::Text,
        ),
        Fact::RegisterNumber => (
            "Registernummer (Impressum)",
            Some("Zum Beispiel: VR 123456"),
            Control::Text,
        ),
        Fact::ContentResponsible => (
            "Verantwortlich für den Inhalt (Impressum, § 18 Abs. 2 MStV)",
            Some("Name und Anschrift."),
            Control::Text,
        ),
    };
    let mut field = FormField::new(fact.name(), label, value)
        .control(control)
        .error(error.map(|error| Locale::De.value_error(error)));
    if let Some(hint) = hint {
        field = field.hint(hint);
    }
    if required {
        field = field.required();
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
    csrf_token: &'a str,
    confirmation: Option<&'static str>,
}

pub async fn edit(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let facts = facts::load(&state.pool)
        .await?
        .ok_or_else(|| AppError::MissingContent("organisation facts".into()))?;
    Ok(Html(
        FactsTemplate {
            layout: AdminLayout::new("Vereinsdaten", Section::Facts, &session),
            form: facts_form(
                &FactsForm::of(&facts),
                &[],
                state.staff.office_email_from_facts,
            ),
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
    }: StaffForm<FactsForm>,
) -> Result<Response, AppError> {
    match input.validate(state.staff.office_email_from_facts) {
        Ok(facts) => {
            facts::update(&state.pool, &facts).await?;
            state.pages.refresh_after_change(&state.pool).await;
            tracing::info!(account = session.account_id, "saved the organisation facts");
            Ok(Redirect::to(&paths::with_notice(paths::FACTS, Notice::Saved)).into_response())
        }
        Err(problems) => {
            let html = FactsTemplate {
                layout: AdminLayout::new("Fehler: Vereinsdaten", Section::Facts, &session),
                form: facts_form(&input, &problems, state.staff.office_email_from_facts),
                csrf_token: &session.csrf_token,
                confirmation: None,
            }
            .render()?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}
