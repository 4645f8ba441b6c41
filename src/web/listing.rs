//! What the news and the events pages share: lists in pages of a few items, with links to the
//! newer and older ones, and the layout of a list and of one item's page.

use crate::content::{OrganisationFacts, PageKey};
use crate::i18n::{Locale, PublishingWords};
use crate::state::SiteSettings;
use crate::web::layout::{Crumb, Layout, Section};
use crate::web::structured_data;

/// The query parameter naming the page of a list: `/aktuelles?seite=2`, `/en/news?page=2`.
pub fn page_parameter(locale: Locale) -> &'static str {
    match locale {
        Locale::De => "seite",
        Locale::En => "page",
    }
}

/// The address of page `page` (from 1) of the list of `section`.
pub fn page_path(section: Section, locale: Locale, page: usize) -> String {
    let path = section.path(locale);
    if page <= 1 {
        path.to_owned()
    } else {
        format!("{path}?{}={page}", page_parameter(locale))
    }
}

/// How many pages `count` items fill, `per_page` to a page; an empty list is one page.
pub fn page_count(count: usize, per_page: usize) -> usize {
    count.div_ceil(per_page).max(1)
}

/// Where a page of a list stands among the others.
pub struct Pagination {
    pub page: usize,
    pub pages: usize,
    pub newer_path: Option<String>,
    pub older_path: Option<String>,
    pub words: &'static PublishingWords,
}

impl Pagination {
    pub fn new(
        section: Section,
        locale: Locale,
        page: usize,
        count: usize,
        per_page: usize,
    ) -> Self {
        let pages = page_count(count, per_page);
        Self {
            page,
            pages,
            newer_path: (page > 1).then(|| page_path(section, locale, page - 1)),
            older_path: (page < pages).then(|| page_path(section, locale, page + 1)),
            words: locale.publishing(),
        }
    }

    pub fn is_needed(&self) -> bool {
        self.pages > 1
    }

    /// The list's heading on this page: `Aktuelles`, or `Aktuelles – Seite 2 von 3`.
    pub fn title(&self, heading: &str) -> String {
        if self.page > 1 {
            format!("{heading} – {}", self.position())
        } else {
            heading.to_owned()
        }
    }

    /// `Seite 2 von 3`.
    pub fn position(&self) -> String {
        format!(
            "{} {} {} {}",
            self.words.page, self.page, self.words.of, self.pages
        )
    }
}

/// The layout of a page of the list of `section`. The first page has a counterpart in the other
/// language (the other list); later pages hold other items than their counterparts would.
pub fn layout<'a>(
    section: Section,
    locale: Locale,
    pagination: &Pagination,
    facts: &'a OrganisationFacts,
    site: &SiteSettings,
) -> Layout<'a> {
    if pagination.page == 1 {
        section_layout(section, locale, facts, site)
    } else {
        Layout::for_other(
            locale,
            &pagination.title(section.label(locale)),
            Some(facts),
        )
        .in_section(section)
        .with_counterpart(section.path(locale.other()).to_owned())
    }
}

/// The layout of the page where `section` begins (its list, or its first page): the section is
/// marked in the navigation, and the same page in the other language is its counterpart.
pub fn section_layout<'a>(
    section: Section,
    locale: Locale,
    facts: &'a OrganisationFacts,
    site: &SiteSettings,
) -> Layout<'a> {
    Layout::for_other(locale, section.label(locale), Some(facts))
        .in_section(section)
        .with_description(section.description(locale))
        .with_counterpart(section.path(locale.other()).to_owned())
        .with_language_versions(
            Locale::ALL
                .map(|version| (version, site.base_url.join(section.path(version))))
                .into(),
        )
}

/// The layout of one item's page at `paths.0`; `paths.1` is its counterpart in the other
/// language, if visitors see one (the language switch leads there, or else to the other list).
/// The page shows the way to it from the start page, and tells search engines the same.
pub fn item_layout<'a>(
    section: Section,
    locale: Locale,
    title: &str,
    description: &'a str,
    paths: (&str, Option<String>),
    facts: &'a OrganisationFacts,
    site: &SiteSettings,
) -> Layout<'a> {
    let (own, counterpart) = paths;
    let trail = vec![
        Crumb::new(locale.ui().home_page, PageKey::Start.path(locale)),
        Crumb::new(section.label(locale), section.path(locale)),
        Crumb::new(title, own),
    ];
    let layout = Layout::for_other(locale, title, Some(facts))
        .in_section(section)
        .with_description(description)
        .with_structured_data(structured_data::breadcrumbs(&trail, site))
        .with_trail(trail);
    match counterpart {
        Some(counterpart) => layout
            .with_language_versions(vec![
                (locale, site.base_url.join(own)),
                (locale.other(), site.base_url.join(&counterpart)),
            ])
            .with_counterpart(counterpart),
        // Its own address still names the language, and is the canonical one.
        None => layout
            .with_language_versions(vec![(locale, site.base_url.join(own))])
            .with_counterpart(section.path(locale.other()).to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_counted_and_named_per_language() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
        assert_eq!(page_path(Section::News, Locale::De, 1), "/aktuelles");
        assert_eq!(
            page_path(Section::News, Locale::De, 2),
            "/aktuelles?seite=2"
        );
        assert_eq!(
            page_path(Section::Events, Locale::En, 3),
            "/en/events?page=3"
        );
        let middle = Pagination::new(Section::News, Locale::De, 2, 25, 10);
        assert_eq!(middle.newer_path.as_deref(), Some("/aktuelles"));
        assert_eq!(middle.older_path.as_deref(), Some("/aktuelles?seite=3"));
        assert_eq!(middle.title("Aktuelles"), "Aktuelles – Seite 2 von 3");
    }
}
