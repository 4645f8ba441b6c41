//! The public news pages: the list (10 per page, newest first), one page per item, and the Atom
//! feed (RFC 4287). Rendered ahead for the page cache, like every page that is the same for
//! every visitor.

use askama::Template;
use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Europe::Berlin;

use crate::content::image::ImageRef;
use crate::content::news::NewsItem;
use crate::content::{OrganisationFacts, markdown};
use crate::i18n::{Locale, PublishingWords};
use crate::state::SiteSettings;
use crate::web::images;
use crate::web::layout::{Layout, Section, SharePicture};
use crate::web::listing::{self, Pagination};
use crate::web::structured_data;

/// Items on one page of the list, and in the feed.
pub const PER_PAGE: usize = 10;

pub fn item_path(locale: Locale, slug: &str) -> String {
    format!("{}/{slug}", Section::News.path(locale))
}

pub fn feed_path(locale: Locale) -> &'static str {
    match locale {
        Locale::De => "/aktuelles.atom",
        Locale::En => "/en/news.atom",
    }
}

/// A picture as a page shows it.
pub struct Picture {
    pub src: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

impl Picture {
    fn of(image: Option<&ImageRef>, alt: &str) -> Option<Self> {
        image.map(|image| Picture {
            src: images::path(image),
            width: image.width,
            height: image.height,
            alt: alt.to_owned(),
        })
    }
}

/// An item in a list: on the news list and the start page.
pub struct NewsCard {
    pub title: String,
    pub path: String,
    pub date: String,
    pub date_iso: String,
    pub teaser: String,
    pub picture: Option<Picture>,
}

impl NewsCard {
    pub fn of(item: &NewsItem) -> Self {
        let locale = item.locale();
        Self {
            title: item.text.title.clone(),
            path: item_path(locale, item.slug.as_str()),
            date: locale.format_day(item.text.published_on),
            date_iso: item.text.published_on.to_string(),
            teaser: item.text.teaser.clone(),
            picture: Picture::of(item.image.as_ref(), &item.text.image_alt),
        }
    }
}

#[derive(Template)]
#[template(path = "news/list.html")]
struct ListTemplate<'a> {
    layout: Layout<'a>,
    words: &'static PublishingWords,
    cards: Vec<NewsCard>,
    pagination: Pagination,
    feed_path: &'static str,
}

/// Page `page` (from 1) of the list of `visible` items, which are in one language, newest first.
pub fn render_list(
    locale: Locale,
    visible: &[&NewsItem],
    page: usize,
    facts: &OrganisationFacts,
    site: &SiteSettings,
) -> Result<String, askama::Error> {
    let words = locale.publishing();
    let pagination = Pagination::new(Section::News, locale, page, visible.len(), PER_PAGE);
    let cards = visible
        .iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|item| NewsCard::of(item))
        .collect();
    ListTemplate {
        layout: listing::layout(Section::News, locale, &pagination, facts, site),
        words,
        cards,
        pagination,
        feed_path: feed_path(locale),
    }
    .render()
}

#[derive(Template)]
#[template(path = "news/item.html")]
struct ItemTemplate<'a> {
    layout: Layout<'a>,
    words: &'static PublishingWords,
    item: &'a NewsItem,
    body_html: String,
    date: String,
    date_iso: String,
    picture: Option<Picture>,
}

/// The page of `item`; `counterpart` is the same news in the other language, if visitors see it.
pub fn render_item(
    item: &NewsItem,
    counterpart: Option<&NewsItem>,
    facts: &OrganisationFacts,
    site: &SiteSettings,
) -> Result<String, askama::Error> {
    let locale = item.locale();
    let path = item_path(locale, item.slug.as_str());
    let layout = listing::item_layout(
        Section::News,
        locale,
        &item.text.title,
        &item.text.teaser,
        (
            &path,
            counterpart.map(|other| item_path(other.locale(), other.slug.as_str())),
        ),
        facts,
        site,
    )
    .with_structured_data(structured_data::news_article(item, &path, facts, site))
    .published_at(published_time(item));
    let layout = match &item.image {
        Some(image) => layout.with_share_picture(SharePicture {
            url: site.base_url.join(&images::path(image)),
            width: image.width,
            height: image.height,
            alt: item.text.image_alt.clone(),
        }),
        None => layout,
    };
    ItemTemplate {
        layout,
        words: locale.publishing(),
        body_html: markdown::to_safe_html(&item.text.body_markdown),
        date: locale.format_day(item.text.published_on),
        date_iso: item.text.published_on.to_string(),
        picture: Picture::of(item.image.as_ref(), &item.text.image_alt),
        item,
    }
    .render()
}

/// When `item` was published, as a moment: the start of its day in Hannover (items are published
/// by the day).
pub fn published_time(item: &NewsItem) -> String {
    item.text
        .published_on
        .and_time(chrono::NaiveTime::MIN)
        .and_local_timezone(chrono_tz::Europe::Berlin)
        .earliest()
        .map_or_else(
            || item.text.published_on.to_string(),
            |start| start.to_rfc3339(),
        )
}

/// The article of `item` alone, as its page shows it (for the staff area's preview).
pub fn render_preview(item: &NewsItem) -> Result<String, askama::Error> {
    #[derive(Template)]
    #[template(path = "news/article.html")]
    struct Preview<'a> {
        words: &'static PublishingWords,
        item: &'a NewsItem,
        body_html: String,
        date: String,
        date_iso: String,
        picture: Option<Picture>,
    }
    let locale = item.locale();
    Preview {
        words: locale.publishing(),
        item,
        body_html: markdown::to_safe_html(&item.text.body_markdown),
        date: locale.format_day(item.text.published_on),
        date_iso: item.text.published_on.to_string(),
        picture: Picture::of(item.image.as_ref(), &item.text.image_alt),
    }
    .render()
}

/// The Atom feed of the newest `visible` items in `locale`. Its ids are tag URIs made from the
/// site's host and the item's number, so a reader knows an item again after any edit.
pub fn render_feed(locale: Locale, visible: &[&NewsItem], site: &SiteSettings) -> String {
    let words = locale.publishing();
    let host = site.base_url.host();
    let entries: Vec<Entry> = visible
        .iter()
        .take(PER_PAGE * 2)
        .map(|item| {
            let url = site.base_url.join(&item_path(locale, item.slug.as_str()));
            let mut entry = Entry::default();
            entry.set_id(format!("tag:{host},2026:news:{}", item.id));
            entry.set_title(Text::plain(item.text.title.clone()));
            entry.set_updated(fixed(item.updated_at));
            entry.set_published(Some(start_of_day(item.text.published_on)));
            entry.set_links(vec![alternate(url)]);
            entry.set_summary(Some(Text::plain(item.text.teaser.clone())));
            let mut content = Content::default();
            content.set_content_type(Some("html".to_owned()));
            content.set_value(Some(markdown::to_safe_html(&item.text.body_markdown)));
            entry.set_content(Some(content));
            entry
        })
        .collect();
    let updated = visible
        .iter()
        .map(|item| item.updated_at)
        .max()
        .map_or_else(|| start_of_day(NaiveDate::MIN), fixed);
    let mut feed = Feed::default();
    feed.set_id(format!("tag:{host},2026:news:{locale}"));
    feed.set_title(Text::plain(words.news_feed_title));
    feed.set_lang(Some(locale.code().to_owned()));
    feed.set_updated(updated);
    let mut author = Person::default();
    author.set_name(locale.ui().association_name);
    author
        .set_uri(Some(site.base_url.join(
            Section::Page(crate::content::PageKey::Start).path(locale),
        )));
    feed.set_authors(vec![author]);
    let mut own = Link::default();
    own.set_href(site.base_url.join(feed_path(locale)));
    own.set_rel("self");
    own.set_mime_type(Some("application/atom+xml".to_owned()));
    feed.set_links(vec![
        own,
        alternate(site.base_url.join(Section::News.path(locale))),
    ]);
    feed.set_entries(entries);
    feed.to_string()
}

fn alternate(href: String) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel("alternate");
    link.set_mime_type(Some("text/html".to_owned()));
    link
}

fn fixed(at: chrono::DateTime<chrono::Utc>) -> FixedDateTime {
    at.fixed_offset()
}

/// Midnight in Berlin at the start of `day`, as the time an item was published.
fn start_of_day(day: NaiveDate) -> FixedDateTime {
    Berlin
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map_or_else(
            || day.and_time(NaiveTime::MIN).and_utc().fixed_offset(),
            |at| at.fixed_offset(),
        )
}
