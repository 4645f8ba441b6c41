//! Events as iCalendar (RFC 5545): all upcoming ones to subscribe to, and each one as a file to
//! add to a calendar. Times go out in UTC, so that every calendar program shows them right in
//! its own time zone without needing Berlin's rules; whole days go out as dates. An event's `UID`
//! is made from its number and the site's host, so that an edited event replaces the old one.

use chrono::Days;
use icalendar::{Calendar, Component, Event as CalendarEvent, EventLike, EventStatus};

use crate::content::events::{Event, EventTimes};
use crate::content::markdown;
use crate::i18n::Locale;
use crate::state::SiteSettings;
use crate::web::events::item_path;
use crate::web::layout::Section;

pub const CONTENT_TYPE: &str = "text/calendar; charset=utf-8";

/// The calendar of all upcoming events in `locale`.
pub fn calendar_path(locale: Locale) -> &'static str {
    match locale {
        Locale::De => "/termine.ics",
        Locale::En => "/en/events.ics",
    }
}

/// One event as a calendar file.
pub fn file_path(locale: Locale, slug: &str) -> String {
    format!("{}.ics", item_path(locale, slug))
}

/// The calendar of all upcoming `events` in `locale` to subscribe to, named after the site's
/// events.
pub fn render(locale: Locale, events: &[&Event], site: &SiteSettings) -> String {
    let mut calendar = calendar_of(events, site);
    calendar
        .name(locale.publishing().calendar_name)
        .description(&site.base_url.join(Section::Events.path(locale)));
    calendar.done().to_string()
}

/// One event as a file to add to a calendar: without a calendar name, which would make some
/// programs set up a new calendar for the one event.
pub fn render_one(event: &Event, site: &SiteSettings) -> String {
    calendar_of(&[event], site).done().to_string()
}

fn calendar_of(events: &[&Event], site: &SiteSettings) -> Calendar {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//DEFUS//Website//DE"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"));
    for event in events {
        calendar.push(entry(event, site));
    }
    calendar
}

fn entry(event: &Event, site: &SiteSettings) -> CalendarEvent {
    let text = &event.text;
    let url = site
        .base_url
        .join(&item_path(text.locale, event.slug.as_str()));
    let mut entry = CalendarEvent::new();
    entry
        .uid(&format!("event-{}@{}", event.id, site.base_url.host()))
        .timestamp(event.updated_at)
        .last_modified(event.updated_at)
        .summary(&text.title)
        .url(&url)
        .status(EventStatus::Confirmed);
    match text.times {
        EventTimes::WholeDays { first, last } => {
            // The end of whole days is the day after the last one (RFC 5545, 3.6.1).
            let after_last = last.checked_add_days(Days::new(1)).unwrap_or(last);
            entry.starts(first).ends(after_last);
        }
        EventTimes::Timed { .. } => {
            if let Some((starts, ends)) = text.times.instants() {
                entry.starts(starts).ends(ends);
            }
        }
    }
    let place = text.place_parts();
    if !place.is_empty() {
        entry.location(&place.join(", "));
    } else if let Some(online) = &text.online_url {
        entry.location(online);
    }
    let mut description =
        markdown::to_plain_text(&text.description_markdown, site.base_url.as_str());
    let words = text.locale.publishing();
    for (label, link) in [
        (words.join_online, &text.online_url),
        (words.register, &text.registration_url),
    ] {
        if let Some(link) = link {
            description.push_str(&format!("\n\n{label}: {link}"));
        }
    }
    description.push_str(&format!("\n\n{url}"));
    entry.description(description.trim_start());
    entry.done()
}
