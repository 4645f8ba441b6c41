//! What `templates/base.html` needs from every page: language, title, navigation state and the
//! organisation facts for the footer.

use crate::assets::Asset;
use crate::content::{OrganisationFacts, PageKey};
use crate::i18n::{Locale, Ui};
use crate::state::SiteSettings;
use crate::web::search;

/// A part of the site in the main navigation: a content page, or a list (news, events, members,
/// documents).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Page(PageKey),
    News,
    Events,
    Members,
    Documents,
}

impl Section {
    /// The main navigation, in its order.
    pub const MAIN_NAVIGATION: [Section; 10] = [
        Section::Page(PageKey::Start),
        Section::News,
        Section::Events,
        Section::Page(PageKey::Goals),
        Section::Page(PageKey::History),
        Section::Page(PageKey::Efus),
        Section::Members,
        Section::Documents,
        Section::Page(PageKey::Membership),
        Section::Page(PageKey::Contact),
    ];

    /// Where the section begins: the page, or the list of news or events.
    pub fn path(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Section::Page(key), _) => key.path(locale),
            (Section::News, Locale::De) => "/aktuelles",
            (Section::News, Locale::En) => "/en/news",
            (Section::Events, Locale::De) => "/termine",
            (Section::Events, Locale::En) => "/en/events",
            (Section::Members, Locale::De) => "/mitglieder",
            (Section::Members, Locale::En) => "/en/members",
            (Section::Documents, Locale::De) => "/dokumente",
            (Section::Documents, Locale::En) => "/en/documents",
        }
    }

    /// What search engines show under a list's title (the content pages have their own).
    pub fn description(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Section::Page(_), _) => "",
            (Section::News, Locale::De) => {
                "Neuigkeiten aus dem Deutsch-Europäischen Forum für Urbane Sicherheit und seinen \
                 Mitgliedsstädten: Projekte, Veranstaltungen, Veröffentlichungen."
            }
            (Section::News, Locale::En) => {
                "News from the German-European Forum for Urban Security and its member cities: \
                 projects, meetings and publications."
            }
            (Section::Events, Locale::De) => {
                "Die nächsten Termine des Forums: Mitgliederversammlungen, Fachtagungen und \
                 Werkstätten, mit Ort, Zeit und Kalenderdatei."
            }
            (Section::Events, Locale::En) => {
                "The forum's coming events: general meetings, conferences and workshops, with \
                 place, time and a calendar file."
            }
            (Section::Members, Locale::De) => {
                "Die Städte, Gemeinden und Organisationen, die im Forum für urbane Sicherheit \
                 zusammenarbeiten, auf einer Karte Deutschlands."
            }
            (Section::Members, Locale::En) => {
                "The cities, municipalities and organisations that work together in the forum \
                 for urban security, on a map of Germany."
            }
            (Section::Documents, Locale::De) => {
                "Satzung, Jahresberichte und weitere Veröffentlichungen des Forums zum Lesen und \
                 Herunterladen."
            }
            (Section::Documents, Locale::En) => {
                "The forum's statutes, annual reports and other publications to read and \
                 download."
            }
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Section::Page(key) => key.link_label(locale),
            Section::News => locale.publishing().news,
            Section::Events => locale.publishing().events,
            Section::Members => match locale {
                Locale::De => "Mitglieder",
                Locale::En => "Members",
            },
            Section::Documents => match locale {
                Locale::De => "Dokumente",
                Locale::En => "Documents",
            },
        }
    }
}

pub struct Layout<'a> {
    pub locale: Locale,
    pub ui: &'static Ui,
    /// The text of `<title>`, naming the page and the site.
    pub document_title: String,
    pub meta_description: Option<&'a str>,
    /// The part of the site the visitor is in, marked with `aria-current` in the navigation.
    pub current: Option<Section>,
    /// The same content in the other language, for the language switch.
    pub counterpart_path: String,
    /// The absolute URLs of both language versions, for `hreflang` alternates.
    pub language_versions: Option<Vec<(Locale, String)>>,
    /// JSON-LD about what the page shows, for search engines (see `structured_data`).
    pub structured_data: Vec<String>,
    /// The way from the start page to this one (breadcrumbs), the page itself last; empty where
    /// the main navigation says it all.
    pub trail: Vec<Crumb>,
    /// Whether the header has the search field (not on the search page, which has its own).
    pub search_in_header: bool,
    /// Whether search engines are asked not to index the page (search results, say).
    pub noindex: bool,
    /// What link previews show: the page's own picture (a news item's), or else the site's.
    pub share_picture: Option<SharePicture>,
    /// For a news item, when it was published (RFC 3339): it is an `article` to Open Graph.
    pub published_time: Option<String>,
    /// `None` only when the facts could not be loaded (e.g. on an error page while the
    /// database is down); the footer then shows just its links.
    pub facts: Option<&'a OrganisationFacts>,
}

/// A picture for link previews: its absolute address, size and description.
#[derive(Debug, Clone)]
pub struct SharePicture {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

/// A step of the way to a page (breadcrumbs).
pub struct Crumb {
    pub label: String,
    pub path: String,
}

impl Crumb {
    pub fn new(label: &str, path: &str) -> Self {
        Self {
            label: label.to_owned(),
            path: path.to_owned(),
        }
    }
}

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub is_current: bool,
}

impl<'a> Layout<'a> {
    /// The page's own absolute URL, which search engines are to index it under: its version in
    /// its language (without query strings such as tracking parameters).
    pub fn canonical_url(&self) -> Option<&str> {
        self.version_in(self.locale)
    }

    /// The version for readers of neither language (`hreflang="x-default"`): the German one, the
    /// association's own language, when there is one.
    pub fn default_url(&self) -> Option<&str> {
        self.version_in(Locale::De).or_else(|| self.canonical_url())
    }

    /// The picture link previews show: the page's own, or the site's. `BASE_URL` has no path,
    /// so the canonical URL's scheme and host are the site's.
    pub fn share_picture(&self) -> Option<SharePicture> {
        if let Some(picture) = &self.share_picture {
            return Some(picture.clone());
        }
        let canonical = self.canonical_url()?;
        let after_scheme = canonical.find("://")? + 3;
        let origin = canonical[after_scheme..]
            .find('/')
            .map_or(canonical, |end| &canonical[..after_scheme + end]);
        Some(SharePicture {
            url: format!("{origin}{}", Asset::ShareImage.url()),
            width: 1200,
            height: 630,
            alt: self.ui.association_name.to_owned(),
        })
    }

    /// What Open Graph calls the page.
    pub fn open_graph_type(&self) -> &'static str {
        if self.published_time.is_some() {
            "article"
        } else {
            "website"
        }
    }

    /// The news feed in the page's language, for feed readers that look for one in the head.
    pub fn feed_path(&self) -> &'static str {
        crate::web::news::feed_path(self.locale)
    }

    /// Gives the page its own picture for link previews.
    pub fn with_share_picture(mut self, picture: SharePicture) -> Self {
        self.share_picture = Some(picture);
        self
    }

    /// Marks the page as an article published at `time` (RFC 3339).
    pub fn published_at(mut self, time: String) -> Self {
        self.published_time = Some(time);
        self
    }

    /// `de_DE`, `en_GB`: the language of the page as Open Graph names it.
    pub fn open_graph_locale(&self) -> &'static str {
        match self.locale {
            Locale::De => "de_DE",
            Locale::En => "en_GB",
        }
    }

    fn version_in(&self, locale: Locale) -> Option<&str> {
        self.language_versions
            .as_ref()?
            .iter()
            .find(|(version, _)| *version == locale)
            .map(|(_, url)| url.as_str())
    }

    /// The layout of one of the site's content pages.
    pub fn for_page(
        key: PageKey,
        locale: Locale,
        title: &str,
        meta_description: &'a str,
        facts: &'a OrganisationFacts,
        site: &SiteSettings,
    ) -> Self {
        let document_title = if key == PageKey::Start {
            format!("{} – {}", facts.short_name, locale.ui().association_name)
        } else {
            format!("{title} – {}", facts.short_name)
        };
        Self {
            locale,
            ui: locale.ui(),
            document_title,
            meta_description: Some(meta_description),
            current: Some(Section::Page(key)),
            counterpart_path: key.path(locale.other()).to_owned(),
            language_versions: Some(
                Locale::ALL
                    .map(|version| (version, site.base_url.join(key.path(version))))
                    .into(),
            ),
            structured_data: Vec::new(),
            trail: Vec::new(),
            search_in_header: true,
            noindex: false,
            share_picture: None,
            published_time: None,
            facts: Some(facts),
        }
    }

    /// The layout of a page that is not one of the content pages (an error page, a form result).
    pub fn for_other(locale: Locale, title: &str, facts: Option<&'a OrganisationFacts>) -> Self {
        let site_name = facts.map_or("DEFUS", |facts| facts.short_name.as_str());
        Self {
            locale,
            ui: locale.ui(),
            document_title: format!("{title} – {site_name}"),
            meta_description: None,
            structured_data: Vec::new(),
            trail: Vec::new(),
            current: None,
            counterpart_path: PageKey::Start.path(locale.other()).to_owned(),
            language_versions: None,
            search_in_header: true,
            noindex: false,
            share_picture: None,
            published_time: None,
            facts,
        }
    }

    /// Marks the page as part of `section` in the navigation (e.g. a form's confirmation
    /// belongs to Membership).
    pub fn in_section(mut self, section: Section) -> Self {
        self.current = Some(section);
        self
    }

    /// Gives the page `description` for search engines.
    pub fn with_description(mut self, description: &'a str) -> Self {
        self.meta_description = Some(description);
        self
    }

    pub fn with_structured_data(mut self, json: String) -> Self {
        self.structured_data.push(json);
        self
    }

    pub fn with_trail(mut self, trail: Vec<Crumb>) -> Self {
        self.trail = trail;
        self
    }

    /// Names the absolute URLs of the page in both languages, for `hreflang` alternates.
    pub fn with_language_versions(mut self, versions: Vec<(Locale, String)>) -> Self {
        self.language_versions = Some(versions);
        self
    }

    /// Sets where the language switch leads, when the page has a counterpart of its own.
    pub fn with_counterpart(mut self, path: String) -> Self {
        self.counterpart_path = path;
        self
    }

    /// Leaves the search field out of the header.
    pub fn without_header_search(mut self) -> Self {
        self.search_in_header = false;
        self
    }

    /// Asks search engines not to index the page: what it shows changes with every visitor's
    /// question, and would only crowd out the pages it leads to.
    pub fn not_for_indexing(mut self) -> Self {
        self.noindex = true;
        self
    }

    /// Where the header's search field sends its query.
    pub fn search_path(&self) -> &'static str {
        search::path(self.locale)
    }

    /// Prefixes the document title, e.g. with "Fehler: " while a form shows errors, so that
    /// screen reader users hear it first.
    pub fn with_title_prefix(mut self, prefix: &str) -> Self {
        self.document_title.insert_str(0, prefix);
        self
    }

    pub fn home_path(&self) -> &'static str {
        PageKey::Start.path(self.locale)
    }

    pub fn counterpart_locale(&self) -> Locale {
        self.locale.other()
    }

    pub fn main_navigation(&self) -> Vec<NavLink> {
        self.links(Section::MAIN_NAVIGATION.into_iter())
    }

    /// The page in Leichte Sprache (Plain English), which people who need it look for at the top.
    pub fn easy_read_link(&self) -> NavLink {
        self.link(Section::Page(PageKey::EasyRead))
    }

    pub fn footer_navigation(&self) -> Vec<NavLink> {
        self.links(PageKey::FOOTER_NAVIGATION.into_iter().map(Section::Page))
    }

    fn links(&self, sections: impl Iterator<Item = Section>) -> Vec<NavLink> {
        sections.map(|section| self.link(section)).collect()
    }

    fn link(&self, section: Section) -> NavLink {
        NavLink {
            href: section.path(self.locale),
            label: section.label(self.locale),
            is_current: self.current == Some(section),
        }
    }

    pub fn stylesheet_url(&self) -> &'static str {
        Asset::Stylesheet.url()
    }

    pub fn icon_url(&self) -> &'static str {
        Asset::Icon.url()
    }
}
