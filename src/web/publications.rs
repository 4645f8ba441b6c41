//! Everything visitors see of what the office publishes on a given day, rendered for the page
//! cache: the lists of news and events and their pages, each item's page, the feeds and
//! calendars, the old addresses that redirect, the members and documents pages, and what the
//! start page shows of them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::content::events::Event;
use crate::content::items::ItemKind;
use crate::content::news::NewsItem;
use crate::content::{OrganisationFacts, SiteContent};
use crate::i18n::{Locale, PublishingWords};
use crate::state::SiteSettings;
use crate::web::calendar;
use crate::web::documents;
use crate::web::events::{self, EventCard};
use crate::web::for_search_engines::SitemapEntry;
use crate::web::layout::Section;
use crate::web::listing::{self, page_count};
use crate::web::members;
use crate::web::news::{self, NewsCard};

const HTML: &str = "text/html; charset=utf-8";
const ATOM: &str = "application/atom+xml; charset=utf-8";

/// How many of each the start page shows.
const ON_START_PAGE: usize = 3;

/// One rendered address.
pub struct Rendered {
    /// The path, with `?seite=N` for later pages of a list.
    pub address: String,
    pub body: Vec<u8>,
    pub content_type: &'static str,
}

/// What the start page shows of the news and events, in one language.
pub struct HomeSections {
    pub words: &'static PublishingWords,
    pub news: Vec<NewsCard>,
    pub events: Vec<EventCard>,
    pub news_path: &'static str,
    pub events_path: &'static str,
    /// `23 Städte und Organisationen`, linked to the members page, and the rest of its sentence.
    pub member_count: String,
    pub member_count_end: &'static str,
    pub members_path: &'static str,
}

pub struct Publications {
    pub pages: Vec<Rendered>,
    /// Every public address rendered here that search engines should know.
    pub sitemap: Vec<SitemapEntry>,
    /// Old address → current address.
    pub redirects: HashMap<String, String>,
    pub home: HashMap<Locale, HomeSections>,
}

/// What visitors see on `today`.
struct Visible<'a> {
    /// Per language, newest first.
    news: HashMap<Locale, Vec<&'a NewsItem>>,
    /// Per language, soonest first.
    upcoming: HashMap<Locale, Vec<&'a Event>>,
    /// Per language, the latest first.
    past: HashMap<Locale, Vec<&'a Event>>,
}

impl<'a> Visible<'a> {
    fn on(content: &'a SiteContent, today: NaiveDate) -> Self {
        let mut visible = Self {
            news: HashMap::new(),
            upcoming: HashMap::new(),
            past: HashMap::new(),
        };
        for locale in Locale::ALL {
            visible.news.insert(
                locale,
                content
                    .news
                    .iter()
                    .filter(|item| item.locale() == locale && item.visibility(today).is_public())
                    .collect(),
            );
            let (mut upcoming, mut past): (Vec<&Event>, Vec<&Event>) = content
                .events
                .iter()
                .filter(|event| event.locale() == locale && event.visibility().is_public())
                .partition(|event| event.text.times.is_upcoming(today));
            upcoming.sort_by_key(|event| (event.text.times.sort_key(), event.id));
            past.sort_by_key(|event| std::cmp::Reverse((event.text.times.sort_key(), event.id)));
            visible.upcoming.insert(locale, upcoming);
            visible.past.insert(locale, past);
        }
        visible
    }

    fn news_in(&self, locale: Locale) -> &[&'a NewsItem] {
        self.news.get(&locale).map_or(&[], Vec::as_slice)
    }

    fn upcoming_in(&self, locale: Locale) -> &[&'a Event] {
        self.upcoming.get(&locale).map_or(&[], Vec::as_slice)
    }

    fn past_in(&self, locale: Locale) -> &[&'a Event] {
        self.past.get(&locale).map_or(&[], Vec::as_slice)
    }

    fn news_item(&self, id: i64) -> Option<&'a NewsItem> {
        self.news
            .values()
            .flatten()
            .find(|item| item.id == id)
            .copied()
    }

    fn event(&self, id: i64) -> Option<&'a Event> {
        self.upcoming
            .values()
            .chain(self.past.values())
            .flatten()
            .find(|event| event.id == id)
            .copied()
    }
}

/// Renders what visitors see of the news and events on `today`.
pub fn render(
    content: &SiteContent,
    facts: &OrganisationFacts,
    today: NaiveDate,
    site: &SiteSettings,
) -> Result<Publications, askama::Error> {
    let visible = Visible::on(content, today);
    let mut sitemap = Vec::new();
    for section in [
        Section::News,
        Section::Events,
        Section::Members,
        Section::Documents,
    ] {
        let last_modified = match section {
            // A list changes when one of its entries does.
            Section::News => content.news.iter().map(|item| item.updated_at).max(),
            Section::Events => content.events.iter().map(|event| event.updated_at).max(),
            Section::Members => content.members.iter().map(|member| member.updated_at).max(),
            _ => content
                .documents
                .iter()
                .map(|document| document.updated_at)
                .max(),
        };
        sitemap.extend(SitemapEntry::each_of(
            Locale::ALL
                .map(|locale| (locale, section.path(locale).to_owned()))
                .into(),
            last_modified,
        ));
    }
    for document in &content.documents {
        sitemap.push(SitemapEntry {
            path: document.path(),
            last_modified: Some(document.updated_at),
            versions: Vec::new(),
        });
    }
    let mut pages = Vec::new();
    let mut home = HashMap::new();
    let mut html = |address: String, body: String| {
        pages.push(Rendered {
            address,
            body: body.into_bytes(),
            content_type: HTML,
        });
    };
    for locale in Locale::ALL {
        let news = visible.news_in(locale);
        for page in 1..=page_count(news.len(), news::PER_PAGE) {
            html(
                listing::page_path(Section::News, locale, page),
                news::render_list(locale, news, page, facts, site)?,
            );
        }
        for item in news {
            let counterpart = item
                .text
                .counterpart_id
                .and_then(|id| visible.news_item(id));
            sitemap.push(item_entry(
                news::item_path(locale, item.slug.as_str()),
                item.updated_at,
                counterpart.map(|other| {
                    (
                        other.locale(),
                        news::item_path(other.locale(), other.slug.as_str()),
                    )
                }),
                locale,
            ));
            html(
                news::item_path(locale, item.slug.as_str()),
                news::render_item(item, counterpart, facts, site)?,
            );
        }
        let (upcoming, past) = (visible.upcoming_in(locale), visible.past_in(locale));
        for page in 1..=page_count(past.len(), events::PAST_PER_PAGE) {
            html(
                listing::page_path(Section::Events, locale, page),
                events::render_list(locale, upcoming, past, page, today, facts, site)?,
            );
        }
        for event in upcoming.iter().chain(past) {
            let counterpart = event.text.counterpart_id.and_then(|id| visible.event(id));
            sitemap.push(item_entry(
                events::item_path(locale, event.slug.as_str()),
                event.updated_at,
                counterpart.map(|other| {
                    (
                        other.locale(),
                        events::item_path(other.locale(), other.slug.as_str()),
                    )
                }),
                locale,
            ));
            html(
                events::item_path(locale, event.slug.as_str()),
                events::render_item(event, counterpart, today, facts, site)?,
            );
        }
        home.insert(
            locale,
            HomeSections {
                words: locale.publishing(),
                news: news
                    .iter()
                    .take(ON_START_PAGE)
                    .map(|item| NewsCard::of(item))
                    .collect(),
                events: upcoming
                    .iter()
                    .take(ON_START_PAGE)
                    .map(|event| EventCard::of(event, today))
                    .collect(),
                news_path: Section::News.path(locale),
                events_path: Section::Events.path(locale),
                member_count: members::count_text(content.members.len(), locale),
                member_count_end: members::count_sentence_end(content.members.len(), locale),
                members_path: Section::Members.path(locale),
            },
        );
        html(
            Section::Members.path(locale).to_owned(),
            members::render_list(locale, &content.members, facts, site)?,
        );
        html(
            Section::Documents.path(locale).to_owned(),
            documents::render_list(locale, &content.documents, facts, site)?,
        );
    }
    for locale in Locale::ALL {
        pages.push(Rendered {
            address: news::feed_path(locale).to_owned(),
            body: news::render_feed(locale, visible.news_in(locale), site).into_bytes(),
            content_type: ATOM,
        });
        let upcoming = visible.upcoming_in(locale);
        pages.push(Rendered {
            address: calendar::calendar_path(locale).to_owned(),
            body: calendar::render(locale, upcoming, site).into_bytes(),
            content_type: calendar::CONTENT_TYPE,
        });
        for event in upcoming.iter().chain(visible.past_in(locale)) {
            pages.push(Rendered {
                address: calendar::file_path(locale, event.slug.as_str()),
                body: calendar::render_one(event, site).into_bytes(),
                content_type: calendar::CONTENT_TYPE,
            });
        }
    }
    Ok(Publications {
        pages,
        sitemap,
        redirects: redirects(content, &visible),
        home,
    })
}

/// The sitemap entry of an item at `path` in `locale`, with its counterpart if visitors see one.
fn item_entry(
    path: String,
    last_modified: DateTime<Utc>,
    counterpart: Option<(Locale, String)>,
    locale: Locale,
) -> SitemapEntry {
    let mut versions = vec![(locale, path.clone())];
    versions.extend(counterpart);
    SitemapEntry {
        path,
        last_modified: Some(last_modified),
        versions,
    }
}

/// Old addresses of items visitors see, to their current ones (an item's calendar file too).
fn redirects(content: &SiteContent, visible: &Visible<'_>) -> HashMap<String, String> {
    let mut redirects = HashMap::new();
    for old in &content.redirects {
        match old.kind {
            ItemKind::News => {
                if let Some(item) = visible.news_item(old.item_id) {
                    redirects.insert(
                        news::item_path(old.locale, &old.old_slug),
                        news::item_path(item.locale(), item.slug.as_str()),
                    );
                }
            }
            ItemKind::Event => {
                if let Some(event) = visible.event(old.item_id) {
                    redirects.insert(
                        events::item_path(old.locale, &old.old_slug),
                        events::item_path(event.locale(), event.slug.as_str()),
                    );
                    redirects.insert(
                        calendar::file_path(old.locale, &old.old_slug),
                        calendar::file_path(event.locale(), event.slug.as_str()),
                    );
                }
            }
        }
    }
    redirects
}
