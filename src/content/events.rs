//! Events ("Termine"): what they are, how a form becomes one, and how they are stored. Dates
//! and times are the wall clock in Berlin, as the office writes them; they become UTC only where
//! a calendar program needs it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use serde::{Deserialize, Serialize};
use sqlx::{PgExecutor, PgPool};

use crate::content::country::Country;
use crate::content::items::{self, ItemKind, Saved};
use crate::content::publication::{Publication, Visibility};
use crate::content::slug::Slug;
use crate::i18n::Locale;
use crate::input::{
    FieldError, Problems, SingleLine, WebAddress, parse_choice, parse_date, parse_reference,
};
use crate::staff::activity::{self, ActivityKind, Actor, Subject};

/// When an event takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventTimes {
    /// From the first to the last day, whole days.
    WholeDays { first: NaiveDate, last: NaiveDate },
    /// From a start to an end, Berlin wall clock.
    Timed {
        starts: NaiveDateTime,
        ends: NaiveDateTime,
    },
}

impl EventTimes {
    pub fn first_day(self) -> NaiveDate {
        match self {
            EventTimes::WholeDays { first, .. } => first,
            EventTimes::Timed { starts, .. } => starts.date(),
        }
    }

    pub fn last_day(self) -> NaiveDate {
        match self {
            EventTimes::WholeDays { last, .. } => last,
            EventTimes::Timed { ends, .. } => ends.date(),
        }
    }

    /// Whether it still lies ahead or is going on, on `today`.
    pub fn is_upcoming(self, today: NaiveDate) -> bool {
        self.last_day() >= today
    }

    /// The instants of a timed event (`None` for whole days).
    pub fn instants(self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        match self {
            EventTimes::WholeDays { .. } => None,
            EventTimes::Timed { starts, ends } => Some((in_berlin(starts)?, in_berlin(ends)?)),
        }
    }

    /// Orders events by when they begin.
    pub fn sort_key(self) -> NaiveDateTime {
        match self {
            EventTimes::WholeDays { first, .. } => first.and_time(NaiveTime::MIN),
            EventTimes::Timed { starts, .. } => starts,
        }
    }
}

/// The instant a Berlin wall-clock time stands for: the earlier one when the clocks go back
/// (the hour from 2 to 3 happens twice), none when they skip it.
pub fn in_berlin(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    Berlin
        .from_local_datetime(&local)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// What staff write about an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventText {
    pub locale: Locale,
    pub title: String,
    /// As typed; `None` means "made from the title".
    pub slug: Option<Slug>,
    pub times: EventTimes,
    pub venue: String,
    pub address: String,
    pub city: String,
    /// Germany unless staff chose another (versions saved before there was a choice have none).
    #[serde(default)]
    pub country: Country,
    /// Where to join, for an event online.
    pub online_url: Option<String>,
    pub registration_url: Option<String>,
    pub description_markdown: String,
    pub state: Publication,
    pub counterpart_id: Option<i64>,
}

impl EventText {
    /// Where it is, part by part (venue, street, city, and the country when it is not Germany),
    /// in the event's language; empty for an event only online.
    pub fn place_parts(&self) -> Vec<&str> {
        let country = (!self.country.is_home() && !self.city.is_empty())
            .then(|| self.country.name(self.locale));
        [self.venue.as_str(), &self.address, &self.city]
            .into_iter()
            .filter(|part| !part.is_empty())
            .chain(country)
            .collect()
    }
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub slug: Slug,
    pub text: EventText,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl Event {
    /// Events have no date of publication: published is visible.
    pub fn visibility(&self) -> Visibility {
        match self.text.state {
            Publication::Draft => Visibility::Draft,
            Publication::Published => Visibility::Published,
        }
    }

    pub fn locale(&self) -> Locale {
        self.text.locale
    }
}

/// The fields of the event form, for its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventField {
    Locale,
    Title,
    Slug,
    StartsAt,
    EndsAt,
    Venue,
    Address,
    City,
    Country,
    OnlineUrl,
    RegistrationUrl,
    Description,
    State,
    Counterpart,
}

impl items::SaveFields for EventField {
    const SLUG: Self = EventField::Slug;
    const COUNTERPART: Self = EventField::Counterpart;
}

/// The event form's values, as typed.
#[derive(Debug, Clone, Copy)]
pub struct EventInput<'a> {
    pub locale: &'a str,
    pub title: &'a str,
    pub slug: &'a str,
    pub starts_at: &'a str,
    pub ends_at: &'a str,
    pub all_day: bool,
    pub venue: &'a str,
    pub address: &'a str,
    pub city: &'a str,
    pub country: &'a str,
    pub online_url: &'a str,
    pub registration_url: &'a str,
    pub description: &'a str,
    pub state: &'a str,
    pub counterpart: &'a str,
}

impl EventText {
    pub const MAX_TITLE_LENGTH: usize = 200;
    pub const MAX_VENUE_LENGTH: usize = 200;
    pub const MAX_ADDRESS_LENGTH: usize = 200;
    pub const MAX_CITY_LENGTH: usize = 100;
    pub const MAX_DESCRIPTION_LENGTH: usize = 100_000;

    pub fn parse(input: EventInput<'_>) -> Result<Self, Vec<(EventField, FieldError)>> {
        let mut problems = Problems::default();
        let locale = problems.check(
            EventField::Locale,
            parse_choice(input.locale, Locale::from_code),
        );
        let title = problems.check(
            EventField::Title,
            SingleLine::parse(input.title, 1, Self::MAX_TITLE_LENGTH)
                .map(|title| title.as_str().to_owned()),
        );
        let slug = problems.check(
            EventField::Slug,
            if input.slug.trim().is_empty() {
                Ok(None)
            } else {
                Slug::parse(input.slug).map(Some)
            },
        );
        let times = match parse_times(input.starts_at, input.ends_at, input.all_day) {
            Ok(times) => Some(times),
            Err((field, error)) => problems.check(field, Err(error)),
        };
        let optional_line = |input: &str, max| {
            SingleLine::parse_optional(input, max).map(|line| {
                line.map(|line| line.as_str().to_owned())
                    .unwrap_or_default()
            })
        };
        let venue = problems.check(
            EventField::Venue,
            optional_line(input.venue, Self::MAX_VENUE_LENGTH),
        );
        let address = problems.check(
            EventField::Address,
            optional_line(input.address, Self::MAX_ADDRESS_LENGTH),
        );
        let online_url = problems.check(
            EventField::OnlineUrl,
            WebAddress::parse_optional(input.online_url)
                .map(|url| url.map(|url| url.as_str().to_owned())),
        );
        let city = problems.check(
            EventField::City,
            optional_line(input.city, Self::MAX_CITY_LENGTH).and_then(|city| {
                // Somewhere to go: a city, or a link to join (when that one is fine or not
                // given at all, the city is what is missing).
                if city.is_empty() && input.online_url.trim().is_empty() {
                    Err(FieldError::NoPlace)
                } else {
                    Ok(city)
                }
            }),
        );
        let country = problems.check(
            EventField::Country,
            if input.country.trim().is_empty() {
                Ok(Country::GERMANY)
            } else {
                Country::from_code(input.country).ok_or(FieldError::InvalidChoice)
            },
        );
        let registration_url = problems.check(
            EventField::RegistrationUrl,
            WebAddress::parse_optional(input.registration_url)
                .map(|url| url.map(|url| url.as_str().to_owned())),
        );
        let description = input.description.replace("\r\n", "\n");
        let description = problems.check(
            EventField::Description,
            if description.chars().count() > Self::MAX_DESCRIPTION_LENGTH {
                Err(FieldError::TooLong {
                    max: Self::MAX_DESCRIPTION_LENGTH,
                })
            } else {
                Ok(description.trim_end().to_owned())
            },
        );
        let state = problems.check(
            EventField::State,
            parse_choice(input.state, Publication::from_code),
        );
        let counterpart_id =
            problems.check(EventField::Counterpart, parse_reference(input.counterpart));
        let (
            Some(locale),
            Some(title),
            Some(slug),
            Some(times),
            Some(venue),
            Some(address),
            Some(city),
            Some(country),
            Some(online_url),
            Some(registration_url),
            Some(description_markdown),
            Some(state),
            Some(counterpart_id),
        ) = (
            locale,
            title,
            slug,
            times,
            venue,
            address,
            city,
            country,
            online_url,
            registration_url,
            description,
            state,
            counterpart_id,
        )
        else {
            return Err(problems.into_vec());
        };
        Ok(Self {
            locale,
            title,
            slug,
            times,
            venue,
            address,
            city,
            country,
            online_url,
            registration_url,
            description_markdown,
            state,
            counterpart_id,
        })
    }
}

/// Start and end as `datetime-local` sends them (`YYYY-MM-DDTHH:MM`); for whole days the dates
/// alone count (and a missing end means one day).
fn parse_times(
    starts_at: &str,
    ends_at: &str,
    all_day: bool,
) -> Result<EventTimes, (EventField, FieldError)> {
    if all_day {
        let first = parse_day(starts_at).map_err(|error| (EventField::StartsAt, error))?;
        let last = if ends_at.trim().is_empty() {
            first
        } else {
            parse_day(ends_at).map_err(|error| (EventField::EndsAt, error))?
        };
        if last < first {
            return Err((EventField::EndsAt, FieldError::EndBeforeStart));
        }
        return Ok(EventTimes::WholeDays { first, last });
    }
    let starts = parse_local_time(starts_at).map_err(|error| (EventField::StartsAt, error))?;
    let ends = parse_local_time(ends_at).map_err(|error| (EventField::EndsAt, error))?;
    if ends < starts {
        return Err((EventField::EndsAt, FieldError::EndBeforeStart));
    }
    Ok(EventTimes::Timed { starts, ends })
}

/// The date of `YYYY-MM-DD` or of `YYYY-MM-DDTHH:MM`.
fn parse_day(input: &str) -> Result<NaiveDate, FieldError> {
    let text = input.trim();
    parse_date(text.split_once('T').map_or(text, |(date, _)| date))
}

/// A Berlin wall-clock time that exists.
fn parse_local_time(input: &str) -> Result<NaiveDateTime, FieldError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(FieldError::Required);
    }
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| FieldError::InvalidDateTime)?;
    match in_berlin(local) {
        Some(_) => Ok(local),
        None => Err(FieldError::SkippedTime),
    }
}

struct Row {
    id: i64,
    locale: Locale,
    slug: String,
    title: String,
    starts_on: NaiveDate,
    start_time: Option<NaiveTime>,
    ends_on: NaiveDate,
    end_time: Option<NaiveTime>,
    venue: String,
    address: String,
    city: String,
    country: String,
    online_url: String,
    registration_url: String,
    description_markdown: String,
    state: Publication,
    counterpart_id: Option<i64>,
    updated_at: DateTime<Utc>,
    updated_by: String,
}

impl From<Row> for Event {
    fn from(row: Row) -> Self {
        let times = match (row.start_time, row.end_time) {
            (Some(start), Some(end)) => EventTimes::Timed {
                starts: row.starts_on.and_time(start),
                ends: row.ends_on.and_time(end),
            },
            _ => EventTimes::WholeDays {
                first: row.starts_on,
                last: row.ends_on,
            },
        };
        let non_empty = |text: String| (!text.is_empty()).then_some(text);
        let slug = Slug::stored(row.slug);
        Event {
            id: row.id,
            text: EventText {
                locale: row.locale,
                title: row.title,
                slug: Some(slug.clone()),
                times,
                venue: row.venue,
                address: row.address,
                city: row.city,
                country: Country::from_code(&row.country).unwrap_or_default(),
                online_url: non_empty(row.online_url),
                registration_url: non_empty(row.registration_url),
                description_markdown: row.description_markdown,
                state: row.state,
                counterpart_id: row.counterpart_id,
            },
            slug,
            updated_at: row.updated_at,
            updated_by: row.updated_by,
        }
    }
}

/// Every published event, soonest first.
pub async fn list_published(db: impl PgExecutor<'_>) -> Result<Vec<Event>, sqlx::Error> {
    let rows = sqlx::query_as!(
        Row,
        r#"select id, locale as "locale: Locale", slug, title, starts_on, start_time, ends_on,
                  end_time, venue, address, city, country, online_url, registration_url,
                  description_markdown, state as "state: Publication", counterpart_id,
                  updated_at, updated_by
           from event where state = 'published'
           order by starts_on, start_time nulls first, id"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Event::from).collect())
}

/// Every event, drafts too, the latest start first (for the staff area).
pub async fn list_all(db: impl PgExecutor<'_>) -> Result<Vec<Event>, sqlx::Error> {
    let rows = sqlx::query_as!(
        Row,
        r#"select id, locale as "locale: Locale", slug, title, starts_on, start_time, ends_on,
                  end_time, venue, address, city, country, online_url, registration_url,
                  description_markdown, state as "state: Publication", counterpart_id,
                  updated_at, updated_by
           from event
           order by starts_on desc, start_time desc nulls last, id desc"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Event::from).collect())
}

pub async fn find(db: impl PgExecutor<'_>, id: i64) -> Result<Option<Event>, sqlx::Error> {
    let row = sqlx::query_as!(
        Row,
        r#"select id, locale as "locale: Locale", slug, title, starts_on, start_time, ends_on,
                  end_time, venue, address, city, country, online_url, registration_url,
                  description_markdown, state as "state: Publication", counterpart_id,
                  updated_at, updated_by
           from event where id = $1"#,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(Event::from))
}

/// The columns `times` is stored in.
struct StoredTimes {
    starts_on: NaiveDate,
    start_time: Option<NaiveTime>,
    ends_on: NaiveDate,
    end_time: Option<NaiveTime>,
    all_day: bool,
}

impl From<EventTimes> for StoredTimes {
    fn from(times: EventTimes) -> Self {
        match times {
            EventTimes::WholeDays { first, last } => Self {
                starts_on: first,
                start_time: None,
                ends_on: last,
                end_time: None,
                all_day: true,
            },
            EventTimes::Timed { starts, ends } => Self {
                starts_on: starts.date(),
                start_time: Some(starts.time()),
                ends_on: ends.date(),
                end_time: Some(ends.time()),
                all_day: false,
            },
        }
    }
}

/// Stores `text` as a new event (`id` `None`) or as the new state of event `id`, keeping it as
/// a version by `actor`. `opened_at` as for news items.
pub async fn save(
    pool: &PgPool,
    id: Option<i64>,
    text: &EventText,
    actor: &Actor,
    opened_at: Option<DateTime<Utc>>,
) -> Result<Saved<EventField>, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let saving = items::Saving {
        kind: ItemKind::Event,
        id,
        locale: text.locale,
        title: &text.title,
        typed_slug: text.slug.as_ref(),
        counterpart: text.counterpart_id,
        state: text.state,
        opened_at,
    };
    let prepared = match items::prepare_save(&mut transaction, &saving).await? {
        Ok(prepared) => prepared,
        Err(outcome) => return Ok(outcome),
    };
    let slug = &prepared.slug;
    let stored = EventText {
        slug: Some(slug.clone()),
        ..text.clone()
    };
    if let Some(id) = id
        && find(&mut *transaction, id)
            .await?
            .is_some_and(|event| event.text == stored)
    {
        return Ok(Saved::Unchanged(id));
    }
    let times = StoredTimes::from(text.times);
    let online_url = text.online_url.as_deref().unwrap_or_default();
    let registration_url = text.registration_url.as_deref().unwrap_or_default();
    let saved_id = match id {
        None => {
            sqlx::query_scalar!(
                r#"insert into event (locale, slug, title, starts_on, start_time, ends_on,
                                      end_time, all_day, venue, address, city, online_url,
                                      registration_url, description_markdown, state,
                                      updated_by, first_published_at, country)
                   values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                           $16, case when $15 = 'published' then now() end, $17)
                   returning id"#,
                text.locale as Locale,
                slug.as_str(),
                text.title,
                times.starts_on,
                times.start_time,
                times.ends_on,
                times.end_time,
                times.all_day,
                text.venue,
                text.address,
                text.city,
                online_url,
                registration_url,
                text.description_markdown,
                text.state as Publication,
                actor.name,
                text.country.code(),
            )
            .fetch_one(&mut *transaction)
            .await?
        }
        Some(id) => {
            sqlx::query!(
                r#"update event set
                       locale = $2, slug = $3, title = $4, starts_on = $5, start_time = $6,
                       ends_on = $7, end_time = $8, all_day = $9, venue = $10, address = $11,
                       city = $12, online_url = $13, registration_url = $14,
                       description_markdown = $15, state = $16, updated_by = $17,
                       first_published_at = coalesce(first_published_at,
                                                     case when $16 = 'published' then now() end),
                       country = $18
                   where id = $1"#,
                id,
                text.locale as Locale,
                slug.as_str(),
                text.title,
                times.starts_on,
                times.start_time,
                times.ends_on,
                times.end_time,
                times.all_day,
                text.venue,
                text.address,
                text.city,
                online_url,
                registration_url,
                text.description_markdown,
                text.state as Publication,
                actor.name,
                text.country.code(),
            )
            .execute(&mut *transaction)
            .await?;
            id
        }
    };
    items::finish_save(
        &mut transaction,
        saved_id,
        (&saving, &prepared),
        &stored,
        actor,
    )
    .await?;
    transaction.commit().await?;
    Ok(Saved::Saved(saved_id))
}

/// Deletes event `id` with its versions and old addresses. Returns whether there was one.
pub async fn delete(pool: &PgPool, id: i64, actor: &Actor) -> Result<bool, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some(title) = sqlx::query_scalar!("delete from event where id = $1 returning title", id)
        .fetch_optional(&mut *transaction)
        .await?
    else {
        return Ok(false);
    };
    items::forget_addresses(&mut *transaction, ItemKind::Event, id).await?;
    activity::record_titled(
        &mut *transaction,
        actor,
        ActivityKind::EventDeleted,
        Subject::Event(id),
        &title,
    )
    .await?;
    transaction.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EventInput<'static> {
        EventInput {
            locale: "de",
            title: "Deutscher Präventionstag",
            slug: "",
            starts_at: "2027-03-28T10:00",
            ends_at: "2027-03-28T16:30",
            all_day: false,
            venue: "Kongresszentrum",
            address: "Theodor-Heuss-Platz 1",
            city: "Hannover",
            country: "",
            online_url: "",
            registration_url: "https://www.praeventionstag.de/anmeldung",
            description: "Zwei Tage, viele Vorträge.",
            state: "published",
            counterpart: "",
        }
    }

    #[test]
    fn berlin_wall_clock_becomes_utc_across_the_change_to_summer_time() {
        let text = EventText::parse(input()).unwrap();
        let (starts, ends) = text.times.instants().unwrap();
        assert_eq!(starts.to_rfc3339(), "2027-03-28T08:00:00+00:00");
        assert_eq!(ends.to_rfc3339(), "2027-03-28T14:30:00+00:00");
        let winter = EventText::parse(EventInput {
            starts_at: "2027-03-27T10:00",
            ends_at: "2027-03-27T11:00",
            ..input()
        })
        .unwrap();
        assert_eq!(
            winter.times.instants().unwrap().0.to_rfc3339(),
            "2027-03-27T09:00:00+00:00"
        );
    }

    #[test]
    fn whole_days_keep_their_dates_and_ignore_times() {
        let text = EventText::parse(EventInput {
            all_day: true,
            starts_at: "2027-05-10T09:00",
            ends_at: "2027-05-11",
            ..input()
        })
        .unwrap();
        assert_eq!(
            text.times,
            EventTimes::WholeDays {
                first: NaiveDate::from_ymd_opt(2027, 5, 10).unwrap(),
                last: NaiveDate::from_ymd_opt(2027, 5, 11).unwrap(),
            }
        );
        let one_day = EventText::parse(EventInput {
            all_day: true,
            starts_at: "2027-05-10",
            ends_at: "",
            ..input()
        })
        .unwrap();
        assert_eq!(one_day.times.first_day(), one_day.times.last_day());
    }

    #[test]
    fn impossible_times_are_named_at_their_field() {
        let problems = |input| EventText::parse(input).unwrap_err();
        assert_eq!(
            problems(EventInput {
                ends_at: "2027-03-28T09:00",
                ..input()
            }),
            vec![(EventField::EndsAt, FieldError::EndBeforeStart)]
        );
        assert_eq!(
            problems(EventInput {
                starts_at: "2027-03-28T02:30",
                ..input()
            }),
            vec![(EventField::StartsAt, FieldError::SkippedTime)]
        );
        assert_eq!(
            problems(EventInput {
                starts_at: "2027-02-30T10:00",
                ..input()
            }),
            vec![(EventField::StartsAt, FieldError::InvalidDateTime)]
        );
        assert_eq!(
            problems(EventInput {
                city: "",
                online_url: "",
                registration_url: "ftp://example.org",
                ..input()
            }),
            vec![
                (EventField::City, FieldError::NoPlace),
                (EventField::RegistrationUrl, FieldError::InvalidWebAddress),
            ]
        );
    }

    #[test]
    fn an_online_event_needs_no_city() {
        let text = EventText::parse(EventInput {
            venue: "",
            address: "",
            city: "",
            country: "",
            online_url: "https://meet.example.org/defus",
            ..input()
        })
        .unwrap();
        assert_eq!(
            text.online_url.as_deref(),
            Some("https://meet.example.org/defus")
        );
    }

    #[test]
    fn the_hour_that_happens_twice_means_the_first_one() {
        let local = NaiveDate::from_ymd_opt(2027, 10, 31)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(
            in_berlin(local).unwrap().to_rfc3339(),
            "2027-10-31T00:30:00+00:00"
        );
    }
}
