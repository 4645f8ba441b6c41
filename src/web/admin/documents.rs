//! The staff pages of documents: the list with each document's address (and a Markdown link to
//! paste into page texts), uploading, changing details or the file, deleting.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::content::documents::{
    self, AcceptedFile, Category, Document, DocumentField, DocumentInput, DocumentLanguage,
    DocumentText, FileProblem,
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
use crate::web::form_body::Upload;
use crate::web::form_field::{Choice, Control, FormField, FormFields};

/// The largest request of the document form: the file and some room for the other fields. A
/// file over [`documents::MAX_FILE_BYTES`] but within this gets a message at its field; a
/// larger request meets the page for bodies too large.
pub const BODY_LIMIT: usize = documents::MAX_FILE_BYTES + 1024 * 1024;

/// What the file field accepts; the site checks the content itself.
const ACCEPTED: &str = ".pdf,.odt,.docx,.xlsx,application/pdf,application/vnd.oasis.opendocument.text,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One document in the list.
struct Row {
    title: String,
    edit_path: String,
    category: &'static str,
    language: &'static str,
    date: String,
    file: String,
    address: String,
    markdown_link: String,
}

impl Row {
    fn of(document: &Document) -> Self {
        Self {
            title: document.text.title.clone(),
            edit_path: paths::document(document.id),
            category: document.text.category.label(Locale::De),
            language: document.text.language.label(Locale::De),
            date: Locale::De.format_day(document.text.published_on),
            file: file_facts(document),
            address: document.path(),
            markdown_link: markdown_link(document),
        }
    }
}

/// `PDF, 1,2 MB`.
fn file_facts(document: &Document) -> String {
    format!(
        "{}, {}",
        document.format.label(),
        documents::format_size(document.size, Locale::De)
    )
}

/// What staff paste into a page text to link the document.
fn markdown_link(document: &Document) -> String {
    format!(
        "[{}]({})",
        document.text.title.replace(['[', ']'], ""),
        document.path()
    )
}

#[derive(Template)]
#[template(path = "admin/documents.html")]
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
    let rows = documents::list_all(&state.pool)
        .await?
        .iter()
        .map(Row::of)
        .collect();
    Ok(Html(
        ListTemplate {
            layout: AdminLayout::new("Dokumente", Section::Documents, &session),
            rows,
            notice: query.notice().map(Notice::text),
        }
        .render()?,
    ))
}

/// The document form as sent (the file comes separately, in the field `file`).
#[derive(Debug, Default, Deserialize)]
pub struct DocumentForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    locale: String,
    #[serde(default)]
    published_on: String,
    #[serde(default)]
    category: String,
}

impl DocumentForm {
    fn input(&self) -> DocumentInput<'_> {
        DocumentInput {
            title: &self.title,
            description: &self.description,
            language: &self.locale,
            published_on: &self.published_on,
            category: &self.category,
        }
    }

    fn of(document: &Document) -> Self {
        Self {
            title: document.text.title.clone(),
            description: document.text.description.clone(),
            locale: document.text.language.code().to_owned(),
            published_on: document.text.published_on.to_string(),
            category: document.text.category.code().to_owned(),
        }
    }
}

fn field_name(field: DocumentField) -> &'static str {
    match field {
        DocumentField::File => "file",
        DocumentField::Title => "title",
        DocumentField::Description => "description",
        DocumentField::Language => "locale",
        DocumentField::PublishedOn => "published_on",
        DocumentField::Category => "category",
    }
}

/// The form's fields with `problems` at them; `existing` is the document being edited.
fn form_fields(
    values: &DocumentForm,
    problems: &[(&'static str, String)],
    existing: Option<&Document>,
) -> FormFields {
    let error = |name: &str| {
        problems
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, message)| message.clone())
    };
    let file = match existing {
        None => FormField::new("file", "Datei", "")
            .required()
            .hint("PDF, ODT, Word (DOCX) oder Excel (XLSX), höchstens 25 MB."),
        Some(document) => {
            FormField::new("file", "Neue Datei (ersetzt die bisherige)", "").hint(format!(
                "Nur wenn die Datei ersetzt werden soll; die Adresse bleibt gleich. Jetzt: {}, {}.",
                document.file_name,
                file_facts(document)
            ))
        }
    };
    let languages = DocumentLanguage::ALL
        .map(|language| Choice::new(language.code(), language.label(Locale::De)))
        .to_vec();
    let categories = Category::ALL
        .map(|category| Choice::new(category.code(), category.label(Locale::De)))
        .to_vec();
    FormFields {
        locale: Locale::De,
        fields: vec![
            file.control(Control::File { accept: ACCEPTED })
                .error(error("file")),
            FormField::new("title", "Titel", &values.title)
                .required()
                .max_length(DocumentText::MAX_TITLE_LENGTH)
                .hint("So erscheint das Dokument in der Liste, z. B. Satzung (Fassung 2010). Aus dem Titel entsteht beim Hochladen die Adresse.")
                .error(error("title")),
            FormField::new("description", "Kurzbeschreibung", &values.description)
                .control(Control::TextArea(3))
                .max_length(DocumentText::MAX_DESCRIPTION_LENGTH)
                .hint("Ein, zwei Sätze: Worum geht es?")
                .error(error("description")),
            FormField::new("locale", "Sprache des Dokuments", &values.locale)
                .required()
                .control(Control::Choice(languages))
                .error(error("locale")),
            FormField::new("published_on", "Datum", &values.published_on)
                .required()
                .control(Control::Date)
                .hint("Das Datum des Dokuments, z. B. des Beschlusses oder der Ausgabe.")
                .error(error("published_on")),
            FormField::new("category", "Art", &values.category)
                .required()
                .control(Control::Select(categories))
                .error(error("category")),
        ],
    }
}

#[derive(Template)]
#[template(path = "admin/document_edit.html")]
struct EditTemplate<'a> {
    layout: AdminLayout<'a>,
    heading: String,
    action: String,
    form: FormFields,
    csrf_token: &'a str,
    /// The document's address and Markdown link, once it exists.
    address: Option<(String, String)>,
    delete_path: Option<String>,
    notice: Option<&'static str>,
}

fn render_form(
    session: &StaffSession,
    values: &DocumentForm,
    problems: &[(&'static str, String)],
    existing: Option<&Document>,
    notice: Option<&'static str>,
) -> Result<String, AppError> {
    let form = form_fields(values, problems, existing);
    let heading = match existing {
        None => "Dokument hochladen".to_owned(),
        Some(document) => format!("Dokument „{}“", document.text.title),
    };
    Ok(EditTemplate {
        layout: AdminLayout::new(heading.clone(), Section::Documents, session)
            .with_errors(form.has_errors()),
        heading,
        action: existing.map_or(paths::DOCUMENTS_NEW.to_owned(), |document| {
            paths::document(document.id)
        }),
        form,
        csrf_token: &session.csrf_token,
        address: existing.map(|document| (document.path(), markdown_link(document))),
        delete_path: existing.map(|document| paths::document_delete(document.id)),
        notice,
    }
    .render()?)
}

pub async fn new_document(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Html<String>, AppError> {
    let values = DocumentForm {
        locale: DocumentLanguage::German.code().to_owned(),
        published_on: state.pages.clock().today().to_string(),
        ..DocumentForm::default()
    };
    Ok(Html(render_form(&session, &values, &[], None, None)?))
}

/// The file sent in the field `file`, checked: `Ok(None)` when none was chosen.
fn sent_file(uploads: Vec<Upload>) -> Result<Option<AcceptedFile>, FileProblem> {
    uploads
        .into_iter()
        .find(|upload| upload.field == "file")
        .map(|upload| AcceptedFile::check(&upload.bytes, &upload.file_name))
        .transpose()
}

/// The messages for a form that is shown again: at the fields, and at the file field what
/// became of the file.
fn problems_of(
    parsed: &Result<DocumentText, Vec<(DocumentField, crate::input::FieldError)>>,
    file: &Result<Option<AcceptedFile>, FileProblem>,
    file_required: bool,
) -> Vec<(&'static str, String)> {
    let mut problems: Vec<(&'static str, String)> = match parsed {
        Ok(_) => Vec::new(),
        Err(problems) => problems
            .iter()
            .map(|(field, error)| (field_name(*field), Locale::De.value_error(*error)))
            .collect(),
    };
    match file {
        Err(problem) => problems.insert(0, ("file", problem.message())),
        Ok(None) if file_required => problems.insert(
            0,
            ("file", "Bitte wählen Sie die Datei aus, die veröffentlicht werden soll.".to_owned()),
        ),
        // A good file is not kept by the browser when the form comes back.
        Ok(Some(_)) if !problems.is_empty() => problems.insert(
            0,
            (
                "file",
                "Die Datei war in Ordnung; bitte wählen Sie sie noch einmal aus, wenn Sie die übrigen Angaben berichtigt haben."
                    .to_owned(),
            ),
        ),
        Ok(_) => {}
    }
    problems
}

pub async fn create(
    State(state): State<AppState>,
    StaffForm {
        session,
        form,
        uploads,
    }: StaffForm<DocumentForm>,
) -> Result<Response, AppError> {
    store(&state, &session, None, &form, uploads).await
}

pub async fn edit(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let document = documents::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let values = DocumentForm::of(&document);
    Ok(Html(render_form(
        &session,
        &values,
        &[],
        Some(&document),
        query.notice().map(Notice::text),
    )?))
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm {
        session,
        form,
        uploads,
    }: StaffForm<DocumentForm>,
) -> Result<Response, AppError> {
    let document = documents::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    store(&state, &session, Some(&document), &form, uploads).await
}

/// Adds a document (`existing` `None`; a file is needed) or saves new details, and a new file
/// if one was sent, of `existing`.
async fn store(
    state: &AppState,
    session: &StaffSession,
    existing: Option<&Document>,
    form: &DocumentForm,
    uploads: Vec<Upload>,
) -> Result<Response, AppError> {
    let parsed = DocumentText::parse(form.input());
    let file = sent_file(uploads);
    let problems = problems_of(&parsed, &file, existing.is_none());
    let (Ok(text), Ok(file), true) = (parsed, file, problems.is_empty()) else {
        let html = render_form(session, form, &problems, existing, None)?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    };
    let actor = session.actor();
    let id = match (existing, file) {
        (Some(document), file) => {
            if !documents::save(&state.pool, document.id, &text, file.as_ref(), &actor).await? {
                return Err(AppError::NotFound);
            }
            document.id
        }
        (None, Some(file)) => documents::add(&state.pool, &text, &file, &actor).await?,
        // `problems_of` asks for the file of a new document.
        (None, None) => return Err(AppError::MalformedForm),
    };
    state.pages.refresh_after_change(&state.pool).await;
    Ok(Redirect::to(&paths::with_notice(&paths::document(id), Notice::Saved)).into_response())
}

pub async fn confirm_delete(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let document = documents::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    confirm_delete::render(
        &session,
        Question {
            section: Section::Documents,
            heading: &format!("Dokument „{}“ löschen?", document.text.title),
            explanation: "Die Datei verschwindet von der Website; Links auf ihre Adresse führen danach ins Leere. Das lässt sich nicht rückgängig machen.",
            action: &paths::document_delete(id),
            cancel_path: &paths::document(id),
        },
    )
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, .. }: StaffForm<ButtonOnly>,
) -> Result<Redirect, AppError> {
    if !documents::delete(&state.pool, id, &session.actor()).await? {
        return Err(AppError::NotFound);
    }
    Ok(confirm_delete::back_to_list(&state, paths::DOCUMENTS).await)
}
