//! The public content pages: Start, Goals, History, EFUS, Membership, Contact, Legal notice,
//! Privacy and Accessibility, each in German and English.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use crate::content::{OrganisationFacts, Page, PageKey, facts, markdown, page};
use crate::error::AppError;
use crate::i18n::{self, Locale, Ui};
use crate::state::{AppState, SiteSettings};
use crate::web::layout::Layout;

#[derive(Template)]
#[template(path = "page.html")]
struct PageTemplate<'a> {
    layout: Layout<'a>,
    ui: &'static Ui,
    page: &'a Page,
    body_html: String,
    facts: &'a OrganisationFacts,
    site: &'a SiteSettings,
    updated_on: String,
    updated_on_iso: String,
}

/// Renders a page from nothing but its stored texts, the organisation facts and the site
/// settings, so a rendered page stays valid until one of those changes.
pub fn render_page(
    page: &Page,
    facts: &OrganisationFacts,
    site: &SiteSettings,
) -> Result<String, askama::Error> {
    PageTemplate {
        layout: Layout::for_page(
            page.key,
            page.locale,
            &page.title,
            &page.meta_description,
            facts,
            site,
        ),
        ui: page.locale.ui(),
        page,
        body_html: markdown::to_safe_html(&page.body_markdown),
        facts,
        site,
        updated_on: page.locale.format_date(page.updated_at),
        updated_on_iso: i18n::iso_date(page.updated_at),
    }
    .render()
}

/// Shows `key` in `locale`.
pub async fn show(
    State(state): State<AppState>,
    key: PageKey,
    locale: Locale,
) -> Result<Html<String>, AppError> {
    let (page, facts) = tokio::try_join!(
        page::find(&state.pool, key, locale),
        facts::load(&state.pool)
    )?;
    let page = page.ok_or_else(|| {
        AppError::MissingContent(format!("page {} in {}", key.key(), locale.code()))
    })?;
    let facts = facts.ok_or_else(|| AppError::MissingContent("organisation facts".into()))?;
    Ok(Html(render_page(&page, &facts, &state.site)?))
}
