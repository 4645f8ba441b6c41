//! The public events pages: the list (every upcoming event, soonest first, then the past ones,
//! newest first, in pages) and one page per event. Their calendars are in `web::calendar`.

use askama::Template;
use chrono::NaiveDate;

use crate::content::events::{Event, EventTimes, in_berlin};
use crate::content::{OrganisationFacts, markdown};
use crate::i18n::{Locale, PublishingWords};
use crate::state::SiteSettings;
use crate::web::calendar;
use crate::web::layout::{Layout, Section};
use crate::web::listing::{self, Pagination};
use crate::web::structured_data;

/// Past events on one page of the list.
pub const PAST_PER_PAGE: usize = 10;

pub fn item_path(locale: Locale, slug: &str) -> String {
    format!("{}/{slug}", Section::Events.path(locale))
}

/// When an event takes place, as readers of `locale` write it:
/// `12. März 2027, 10:00–16:30 Uhr`, `12.–14. März 2027`, `12 March 2027, 10:00–16:30`.
pub fn describe_times(locale: Locale, times: EventTimes) -> String {
    match times {
        EventTimes::WholeDays { first, last } if first == last => locale.format_day(first),
        EventTimes::WholeDays { first, last } => {
            format!("{} – {}", locale.format_day(first), locale.format_day(last))
        }
        EventTimes::Timed { starts, ends } if starts.date() == ends.date() => {
            let from = starts.time().format("%H:%M");
            let until = locale.format_time(ends.time());
            format!("{}, {from}–{until}", locale.format_day(starts.date()))
        }
        EventTimes::Timed { starts, ends } => format!(
            "{}, {} – {}, {}",
            locale.format_day(starts.date()),
            locale.format_time(starts.time()),
            locale.format_day(ends.date()),
            locale.format_time(ends.time())
        ),
    }
}

/// The start as `<time datetime>` wants it: a date, or a time with its offset from UTC.
pub fn machine_start(times: EventTimes) -> String {
    match times {
        EventTimes::WholeDays { first, .. } => first.to_string(),
        EventTimes::Timed { starts, .. } => in_berlin(starts).map_or_else(
            || starts.format("%Y-%m-%dT%H:%M").to_string(),
            |at| {
                at.with_timezone(&chrono_tz::Europe::Berlin)
                    .format("%Y-%m-%dT%H:%M%:z")
                    .to_string()
            },
        ),
    }
}

/// How soon: `heute`, `morgen`, `in 12 Tagen`, or for one that has begun, `noch bis 14. März 2027`.
pub fn countdown(locale: Locale, times: EventTimes, today: NaiveDate) -> Option<String> {
    let (first, last) = (times.first_day(), times.last_day());
    if last < today {
        None
    } else if first >= today {
        Some(locale.days_until(first, today))
    } else {
        Some(format!(
            "{} {}",
            locale.publishing().ongoing_until,
            locale.format_day(last)
        ))
    }
}

/// Where, in one line: venue, address and city, or "Online".
pub fn describe_place(event: &Event) -> String {
    let text = &event.text;
    let parts = text.place_parts();
    match (parts.is_empty(), &text.online_url) {
        (true, _) => text.locale.publishing().online.to_owned(),
        (false, Some(_)) => format!("{} / {}", parts.join(", "), text.locale.publishing().online),
        (false, None) => parts.join(", "),
    }
}

/// An event in a list: on the events list and the start page.
pub struct EventCard {
    pub title: String,
    pub path: String,
    pub when: String,
    pub when_iso: String,
    pub place: String,
    pub countdown: Option<String>,
}

impl EventCard {
    pub fn of(event: &Event, today: NaiveDate) -> Self {
        let locale = event.locale();
        Self {
            title: event.text.title.clone(),
            path: item_path(locale, event.slug.as_str()),
            when: describe_times(locale, event.text.times),
            when_iso: machine_start(event.text.times),
            place: describe_place(event),
            countdown: countdown(locale, event.text.times, today),
        }
    }
}

#[derive(Template)]
#[template(path = "events/list.html")]
struct ListTemplate<'a> {
    layout: Layout<'a>,
    words: &'static PublishingWords,
    /// Only on the first page.
    upcoming: Option<Vec<EventCard>>,
    past: Vec<EventCard>,
    pagination: Pagination,
    calendar_path: &'static str,
}

/// Page `page` (from 1) of the events list in `locale`: `upcoming` soonest first, `past` newest
/// first.
pub fn render_list(
    locale: Locale,
    upcoming: &[&Event],
    past: &[&Event],
    page: usize,
    today: NaiveDate,
    facts: &OrganisationFacts,
    site: &SiteSettings,
) -> Result<String, askama::Error> {
    let pagination = Pagination::new(Section::Events, locale, page, past.len(), PAST_PER_PAGE);
    ListTemplate {
        layout: listing::layout(Section::Events, locale, &pagination, facts, site),
        words: locale.publishing(),
        upcoming: (page == 1).then(|| {
            upcoming
                .iter()
                .map(|event| EventCard::of(event, today))
                .collect()
        }),
        past: past
            .iter()
            .skip((page - 1) * PAST_PER_PAGE)
            .take(PAST_PER_PAGE)
            .map(|event| EventCard::of(event, today))
            .collect(),
        pagination,
        calendar_path: calendar::calendar_path(locale),
    }
    .render()
}

/// What an event's page and its preview show.
struct EventView<'a> {
    event: &'a Event,
    words: &'static PublishingWords,
    description_html: String,
    card: EventCard,
    file_path: String,
}

impl<'a> EventView<'a> {
    fn of(event: &'a Event, today: NaiveDate) -> Self {
        let locale = event.locale();
        Self {
            words: locale.publishing(),
            description_html: markdown::to_safe_html(&event.text.description_markdown),
            card: EventCard::of(event, today),
            file_path: calendar::file_path(locale, event.slug.as_str()),
            event,
        }
    }
}

#[derive(Template)]
#[template(path = "events/item.html")]
struct ItemTemplate<'a> {
    layout: Layout<'a>,
    view: EventView<'a>,
}

/// The page of `event`; `counterpart` is the same event in the other language, if published.
pub fn render_item(
    event: &Event,
    counterpart: Option<&Event>,
    today: NaiveDate,
    facts: &OrganisationFacts,
    site: &SiteSettings,
) -> Result<String, askama::Error> {
    let locale = event.locale();
    let path = item_path(locale, event.slug.as_str());
    let description = summary(event);
    ItemTemplate {
        layout: listing::item_layout(
            Section::Events,
            locale,
            &event.text.title,
            &description,
            (
                &path,
                counterpart.map(|other| item_path(other.locale(), other.slug.as_str())),
            ),
            facts,
            site,
        )
        .with_structured_data(structured_data::event(event, &path, facts, site)),
        view: EventView::of(event, today),
    }
    .render()
}

/// The article of `event` alone (for the staff area's preview).
pub fn render_preview(event: &Event, today: NaiveDate) -> Result<String, askama::Error> {
    #[derive(Template)]
    #[template(path = "events/article.html")]
    struct Preview<'a> {
        view: EventView<'a>,
    }
    Preview {
        view: EventView::of(event, today),
    }
    .render()
}

/// One line about an event for search engines: when and where.
pub fn summary(event: &Event) -> String {
    format!(
        "{} – {}",
        describe_times(event.locale(), event.text.times),
        describe_place(event)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, month, day).unwrap()
    }

    #[test]
    fn times_are_written_the_german_and_the_english_way() {
        let timed = EventTimes::Timed {
            starts: day(3, 12).and_hms_opt(10, 0, 0).unwrap(),
            ends: day(3, 12).and_hms_opt(16, 30, 0).unwrap(),
        };
        assert_eq!(
            describe_times(Locale::De, timed),
            "12. März 2027, 10:00–16:30 Uhr"
        );
        assert_eq!(
            describe_times(Locale::En, timed),
            "12 March 2027, 10:00–16:30"
        );
        let days = EventTimes::WholeDays {
            first: day(5, 10),
            last: day(5, 11),
        };
        assert_eq!(
            describe_times(Locale::De, days),
            "10. Mai 2027 – 11. Mai 2027"
        );
        assert_eq!(machine_start(timed), "2027-03-12T10:00+01:00");
        assert_eq!(machine_start(days), "2027-05-10");
    }

    #[test]
    fn the_countdown_counts_days_in_berlin() {
        let times = EventTimes::WholeDays {
            first: day(3, 24),
            last: day(3, 26),
        };
        assert_eq!(
            countdown(Locale::De, times, day(3, 12)).unwrap(),
            "in 12 Tagen"
        );
        assert_eq!(
            countdown(Locale::En, times, day(3, 23)).unwrap(),
            "tomorrow"
        );
        assert_eq!(countdown(Locale::De, times, day(3, 24)).unwrap(), "heute");
        assert_eq!(
            countdown(Locale::De, times, day(3, 25)).unwrap(),
            "noch bis 26. März 2027"
        );
        assert_eq!(countdown(Locale::De, times, day(3, 27)), None);
    }
}
