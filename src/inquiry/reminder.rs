//! The daily reminder: inquiries still "neu" after some working days are named in one email to
//! the office, at most once a day and only on working days, so that none waits unnoticed. It goes
//! through the outbox like every email; several instances queue it once between them.

use std::time::Duration;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Berlin;
use lettre::Address;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::config::BaseUrl;
use crate::content::facts;
use crate::i18n::berlin_date_time;
use crate::inquiry::status::InquiryStatus;
use crate::mail::composed::ComposedEmail;
use crate::mail::outbox::{self, EmailKind};
use crate::web::admin::paths as staff_paths;

/// The office hears of old inquiries from this time of day (Hannover) on.
const FROM_TIME: NaiveTime = NaiveTime::from_hms_opt(8, 0, 0).expect("a valid time");
/// How often the reminder task looks whether one is due.
const LOOK_INTERVAL: Duration = Duration::from_secs(10 * 60);

/// What the reminder needs to know.
#[derive(Debug, Clone)]
pub struct ReminderSettings {
    /// Working days an inquiry may stay "neu" before it is named (INQUIRY_REMINDER_AFTER); 0:
    /// no reminders.
    pub after_working_days: u32,
    /// OFFICE_EMAIL, if set; otherwise the facts' email.
    pub office_override: Option<Address>,
    /// For the links into the staff area.
    pub site: BaseUrl,
    pub message_id_domain: String,
}

/// What one look found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reminded {
    /// Not a working day, too early, or reminders are off.
    NotDue,
    /// No inquiry has waited that long.
    NothingOld,
    /// Queued, naming these references.
    Queued(Vec<String>),
    /// Today's reminder was queued before (by this instance or another).
    AlreadyToday,
    /// There is no office address to send it to.
    NoOfficeAddress,
}

/// Queues today's reminder if it is due at `now` and there is something to remind of.
pub async fn remind_if_due(
    pool: &PgPool,
    now: DateTime<Utc>,
    settings: &ReminderSettings,
) -> Result<Reminded, sqlx::Error> {
    let local = now.with_timezone(&Berlin);
    let today = local.date_naive();
    if settings.after_working_days == 0 || !is_working_day(today) || local.time() < FROM_TIME {
        return Ok(Reminded::NotDue);
    }
    let last_day = working_days_before(today, settings.after_working_days);
    // Received on that day or before, in Hannover's calendar.
    let received_before = Berlin
        .from_local_datetime(
            &last_day
                .succ_opt()
                .unwrap_or(last_day)
                .and_time(NaiveTime::MIN),
        )
        .earliest()
        .map_or(now, |start| start.with_timezone(&Utc));
    let waiting = sqlx::query!(
        r#"select id, reference, organisation, received_at from inquiry
           where status = $1 and received_at < $2
           order by received_at, id"#,
        InquiryStatus::New as InquiryStatus,
        received_before,
    )
    .fetch_all(pool)
    .await?;
    if waiting.is_empty() {
        return Ok(Reminded::NothingOld);
    }
    let office = match &settings.office_override {
        Some(address) => address.to_string(),
        None => match facts::load(pool).await?.and_then(|facts| facts.email) {
            Some(email) if !email.trim().is_empty() => email,
            _ => return Ok(Reminded::NoOfficeAddress),
        },
    };
    let days = settings.after_working_days;
    let mut text = format!(
        "Guten Morgen,\n\ndiese Mitgliedschaftsanfragen sind seit mindestens {days} \
         Arbeitstag{} im Status „neu“; niemand hat sie bisher übernommen:\n\n",
        if days == 1 { "" } else { "en" }
    );
    for inquiry in &waiting {
        text.push_str(&format!(
            "- {}, {} (eingegangen {})\n  {}\n",
            inquiry.reference,
            inquiry.organisation,
            berlin_date_time(inquiry.received_at),
            settings.site.join(&staff_paths::inquiry(inquiry.id)),
        ));
    }
    text.push_str(
        "\nWer eine Anfrage übernimmt, setzt sie auf „in Bearbeitung“ oder trägt sich als \
         zuständig ein; dann erscheint sie hier nicht mehr.\n\n-- \nDiese Erinnerung schickt \
         die Website an Arbeitstagen höchstens einmal am Tag.\n",
    );
    let subject = match waiting.len() {
        1 => "Erinnerung: 1 Mitgliedschaftsanfrage wartet".to_owned(),
        count => format!("Erinnerung: {count} Mitgliedschaftsanfragen warten"),
    };
    let email = ComposedEmail::new(
        EmailKind::Reminder,
        &office,
        None,
        subject,
        text,
        &settings.message_id_domain,
    );
    let mut connection = pool.acquire().await?;
    let queued = outbox::enqueue_composed(
        &mut connection,
        EmailKind::Reminder,
        None,
        &email,
        Some(&format!("reminder:{today}")),
    )
    .await?;
    Ok(if queued {
        Reminded::Queued(waiting.into_iter().map(|row| row.reference).collect())
    } else {
        Reminded::AlreadyToday
    })
}

/// Looks now and then every ten minutes, until `shutdown`.
pub async fn run(
    pool: PgPool,
    settings: ReminderSettings,
    clock: Clock,
    shutdown: CancellationToken,
) {
    if settings.after_working_days == 0 {
        return;
    }
    loop {
        match remind_if_due(&pool, clock.now(), &settings).await {
            Ok(Reminded::Queued(references)) => {
                tracing::info!(?references, "queued the reminder of inquiries still new");
            }
            Ok(Reminded::NoOfficeAddress) => {
                tracing::warn!("inquiries are waiting, but there is no office address to remind");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot look for inquiries to remind of"),
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(LOOK_INTERVAL) => {}
        }
    }
}

/// Monday to Friday. (Public holidays are working days here: a reminder on one harms no one.)
fn is_working_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The working day `count` working days before `day`.
fn working_days_before(day: NaiveDate, count: u32) -> NaiveDate {
    let mut day = day;
    let mut left = count;
    while left > 0 {
        day = day.checked_sub_days(Days::new(1)).unwrap_or(day);
        if is_working_day(day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn working_days_skip_the_weekend() {
        // Tuesday 8 December 2026.
        assert_eq!(
            working_days_before(date("2026-12-08"), 2),
            date("2026-12-04")
        );
        assert_eq!(
            working_days_before(date("2026-12-08"), 1),
            date("2026-12-07")
        );
        assert_eq!(
            working_days_before(date("2026-12-10"), 2),
            date("2026-12-08")
        );
        assert!(!is_working_day(date("2026-12-06")));
    }
}
