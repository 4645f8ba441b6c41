//! Help pages of the staff area.

use askama::Template;
use axum::response::Html;

use crate::error::AppError;
use crate::web::admin::auth::SignedIn;
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::paths;

#[derive(Template)]
#[template(path = "admin/markdown_help.html")]
struct MarkdownHelpTemplate<'a> {
    layout: AdminLayout<'a>,
}

/// How to format the texts of pages (and later news and events): the Markdown the editor takes.
pub async fn markdown(SignedIn(session): SignedIn) -> Result<Html<String>, AppError> {
    Ok(Html(
        MarkdownHelpTemplate {
            layout: AdminLayout::new("So formatieren Sie Text", Section::Other, &session),
        }
        .render()?,
    ))
}
