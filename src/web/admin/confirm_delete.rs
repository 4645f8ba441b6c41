//! Deleting for good, as documents and members do it: a page that asks first, and after the
//! deletion the way back to the list.

use askama::Template;
use axum::response::{Html, Redirect};

use crate::error::AppError;
use crate::staff::session::StaffSession;
use crate::state::AppState;
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::notice::Notice;
use crate::web::admin::paths;

#[derive(Template)]
#[template(path = "admin/confirm_delete.html")]
struct ConfirmDeleteTemplate<'a> {
    layout: AdminLayout<'a>,
    heading: &'a str,
    explanation: &'static str,
    action: &'a str,
    cancel_path: &'a str,
    csrf_token: &'a str,
}

/// What is to be deleted, and what that means.
pub struct Question<'a> {
    pub section: Section,
    /// `Dokument „Satzung“ löschen?`
    pub heading: &'a str,
    /// What deleting means, and what cannot be undone.
    pub explanation: &'static str,
    /// Where the button sends the deletion.
    pub action: &'a str,
    /// Where "Abbrechen" leads.
    pub cancel_path: &'a str,
}

pub fn render(session: &StaffSession, question: Question<'_>) -> Result<Html<String>, AppError> {
    Ok(Html(
        ConfirmDeleteTemplate {
            layout: AdminLayout::new(question.heading, question.section, session),
            heading: question.heading,
            explanation: question.explanation,
            action: question.action,
            cancel_path: question.cancel_path,
            csrf_token: &session.csrf_token,
        }
        .render()?,
    ))
}

/// After a deletion: the public pages without what was deleted, and back to `list`.
pub async fn back_to_list(state: &AppState, list: &str) -> Redirect {
    state.pages.refresh_after_change(&state.pool).await;
    Redirect::to(&paths::with_notice(list, Notice::Deleted))
}
