//! The public content pages: Start, Goals, History, EFUS, Membership, Contact, Legal notice,
//! Privacy and Accessibility, each in German and English.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::Response;

use crate::content::{OrganisationFacts, Page, PageKey, markdown};
use crate::error::AppError;
use crate::i18n::{self, Locale, Ui};
use crate::state::SiteSettings;
use crate::web::inquiry_form::InquiryFormView;
use crate::web::layout::Layout;
use crate::web::page_cache::PageCache;
use crate::web::publications::HomeSections;
use crate::web::structured_data;

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
    /// Only on the start page: the newest news and the next events.
    home: Option<&'a HomeSections>,
}

/// Renders a page from its stored texts, the organisation facts and the site settings. The
/// membership page also shows the inquiry form, which carries a token of its own; the start
/// page shows the newest news and the next events.
pub fn render_page(
    page: &Page,
    facts: &OrganisationFacts,
    site: &SiteSettings,
    inquiry_form: Option<&InquiryFormView>,
    home: Option<&HomeSections>,
) -> Result<String, askama::Error> {
    let mut layout = Layout::for_page(
        page.key,
        page.locale,
        &page.title,
        &page.meta_description,
        facts,
        site,
    );
    // Where people look for the association itself.
    if matches!(page.key, PageKey::Start | PageKey::Contact) {
        layout = layout.with_structured_data(structured_data::organization(facts, site));
    }
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
        home,
    }
    .render()
}

#[derive(Template)]
#[template(path = "page_article.html")]
struct ArticleTemplate<'a> {
    ui: &'static Ui,
    page: &'a Page,
    body_html: String,
    facts: &'a OrganisationFacts,
    site: &'a SiteSettings,
    updated_on: String,
    updated_on_iso: String,
    inquiry_form: Option<&'a InquiryFormView>,
}

/// The article of a page alone, as the public page shows it (for the staff area's preview).
pub fn render_article(
    page: &Page,
    facts: &OrganisationFacts,
    site: &SiteSettings,
) -> Result<String, askama::Error> {
    ArticleTemplate {
        ui: page.locale.ui(),
        page,
        body_html: markdown::to_safe_html(&page.body_markdown),
        facts,
        site,
        updated_on: page.locale.format_date(page.updated_at),
        updated_on_iso: i18n::iso_date(page.updated_at),
        inquiry_form: None,
    }
    .render()
}

/// Shows `key` in `locale`, as held in memory.
pub async fn show(
    State(pages): State<PageCache>,
    method: Method,
    headers: HeaderMap,
    key: PageKey,
    locale: Locale,
) -> Result<Response, AppError> {
    let page = pages
        .page(key, locale)
        .ok_or_else(|| AppError::MissingContent(format!("page {key} in {locale}")))?;
    Ok(page.respond(&method, &headers))
}
