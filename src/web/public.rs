//! The public content pages: Start, Goals, History, EFUS, Membership, Contact, Legal notice,
//! Privacy and Accessibility, each in German and English.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use sqlx::PgPool;

use crate::content::{OrganisationFacts, Page, PageKey, facts, markdown, page};
use crate::error::AppError;
use crate::i18n::{self, Locale, Ui};
use crate::state::{AppState, SiteSettings};
use crate::web::inquiry_form::InquiryFormView;
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
    /// Only on the membership page.
    inquiry_form: Option<&'a InquiryFormView>,
}

/// Renders a page from its stored texts, the organisation facts and the site settings. The
/// membership page also shows the inquiry form, which carries a token of its own: that page is
/// different for every request and must not be cached; all others may be.
pub fn render_page(
    page: &Page,
    facts: &OrganisationFacts,
    site: &SiteSettings,
    inquiry_form: Option<&InquiryFormView>,
) -> Result<String, askama::Error> {
    let mut layout = Layout::for_page(
        page.key,
        page.locale,
        &page.title,
        &page.meta_description,
        facts,
        site,
    );
    if inquiry_form.is_some_and(InquiryFormView::has_problems) {
        layout = layout.with_title_prefix(page.locale.form_text().title_error_prefix);
    }
    PageTemplate {
        layout,
        ui: page.locale.ui(),
        page,
        body_html: markdown::to_safe_html(&page.body_markdown),
        facts,
        site,
        updated_on: page.locale.format_date(page.updated_at),
        updated_on_iso: i18n::iso_date(page.updated_at),
        inquiry_form,
    }
    .render()
}

/// The stored texts of a page and the organisation facts, both of which every page needs.
pub async fn load(
    pool: &PgPool,
    key: PageKey,
    locale: Locale,
) -> Result<(Page, OrganisationFacts), AppError> {
    let (page, facts) = tokio::try_join!(page::find(pool, key, locale), facts::load(pool))?;
    let page = page.ok_or_else(|| {
        AppError::MissingContent(format!("page {} in {}", key.code(), locale.code()))
    })?;
    let facts = facts.ok_or_else(|| AppError::MissingContent("organisation facts".into()))?;
    Ok((page, facts))
}

/// Shows `key` in `locale`.
pub async fn show(
    State(state): State<AppState>,
    key: PageKey,
    locale: Locale,
) -> Result<Html<String>, AppError> {
    let (page, facts) = load(&state.pool, key, locale).await?;
    Ok(Html(render_page(&page, &facts, &state.site, None)?))
}
