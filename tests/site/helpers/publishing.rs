//! The news items and events the office publishes: filling in their staff forms, uploading
//! pictures, and reading what comes out (Atom feeds, iCalendar files) the way a feed reader or a
//! calendar program would.

use std::time::Duration;

use chrono::NaiveDate;
use chrono_tz::Europe::Berlin;
use defus::clock::Clock;
use defus::content::items::ItemKind;
use defus::web::admin::paths;
use reqwest::multipart;

use super::{Page, Staff, TestApp, redirect_target, spawn_app_with};

/// Starts the app on a clock the test can move forward.
pub async fn spawn_app_on_movable_clock() -> TestApp {
    spawn_app_with(|config| config.clock = Clock::movable()).await
}

impl TestApp {
    /// The day in Berlin as the app sees it.
    pub fn today(&self) -> NaiveDate {
        self.config.clock.now().with_timezone(&Berlin).date_naive()
    }

    /// Moves the app's clock forward by `days` and waits until `path` answers `status`, as it
    /// will once the pages are rendered for the new day (by the app itself: nobody saves).
    pub async fn advance_days_until(&self, days: i64, path: &str, status: u16) {
        self.config.clock.advance(chrono::Duration::days(days));
        for _ in 0..100 {
            if self.get(path).await.status().as_u16() == status {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{path} does not answer {status} after the clock moved {days} days");
    }
}

/// A picture to upload.
pub struct Picture {
    pub bytes: Vec<u8>,
    pub file_name: &'static str,
    pub media_type: &'static str,
}

impl Picture {
    /// A real PNG photo-like picture of `width` × `height` pixels.
    pub fn png(width: u32, height: u32) -> Self {
        let picture = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 199) as u8])
        });
        let mut bytes = Vec::new();
        picture
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .expect("a PNG");
        Self {
            bytes,
            file_name: "foto.png",
            media_type: "image/png",
        }
    }
}

/// The fields of a complete German news item, published today (in Berlin) on `app`.
pub fn news_item(app: &TestApp, title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("locale", "de".into()),
        ("title", title.into()),
        ("teaser", format!("Kurz gesagt: {title}.")),
        (
            "body",
            "## Worum es geht\n\nDie **Mitgliedsstädte** berichten.".into(),
        ),
        ("published_on", app.today().to_string()),
        ("state", "published".into()),
    ]
}

/// The fields of a complete German event, published, from `starts_at` to `ends_at` (Berlin).
pub fn event(title: &str, starts_at: &str, ends_at: &str) -> Vec<(&'static str, String)> {
    vec![
        ("locale", "de".into()),
        ("title", title.into()),
        ("starts_at", starts_at.into()),
        ("ends_at", ends_at.into()),
        ("venue", "Congress Centrum".into()),
        ("address", "Theodor-Heuss-Platz 1-3".into()),
        ("city", "Hannover".into()),
        ("description", "Vorträge und Werkstätten.".into()),
        ("state", "published".into()),
    ]
}

/// `fields` with `name` set to `value` (added if missing).
pub fn with(
    mut fields: Vec<(&'static str, String)>,
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    match fields.iter_mut().find(|(field, _)| *field == name) {
        Some(field) => field.1 = value.to_owned(),
        None => fields.push((name, value.to_owned())),
    }
    fields
}

impl Staff<'_> {
    /// Sends a staff form as `multipart/form-data`, as a browser sends a form with a file
    /// field, with the session's CSRF token; `picture` goes in the field `image`.
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&'static str, String)],
        picture: Option<Picture>,
    ) -> reqwest::Response {
        let mut form = multipart::Form::new().text("csrf_token", self.csrf_token().to_owned());
        for (name, value) in fields {
            form = form.text(*name, value.clone());
        }
        form = match picture {
            Some(picture) => form.part(
                "image",
                multipart::Part::bytes(picture.bytes)
                    .file_name(picture.file_name)
                    .mime_str(picture.media_type)
                    .expect("a media type"),
            ),
            // A file field left empty, as browsers send it.
            None => form.part(
                "image",
                multipart::Part::bytes(Vec::new())
                    .file_name("")
                    .mime_str("application/octet-stream")
                    .expect("a media type"),
            ),
        };
        self.client
            .post(self.app.url(path))
            .multipart(form)
            .send()
            .await
            .expect("the server answers")
    }

    /// Saves a new news item with `fields` (and `picture`) and returns its editor's path.
    pub async fn create_news_item(
        &self,
        fields: &[(&'static str, String)],
        picture: Option<Picture>,
    ) -> String {
        let fields = with(fields.to_vec(), "action", "save");
        let response = self.post_multipart(paths::NEWS_NEW, &fields, picture).await;
        editor_after_save(&response)
    }

    /// Saves a new event with `fields` and returns its editor's path.
    pub async fn create_event(&self, fields: &[(&'static str, String)]) -> String {
        let mut fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        fields.push(("action", "save"));
        let response = self.post(paths::EVENTS_NEW, &fields).await;
        editor_after_save(&response)
    }

    /// Sends an item's editor form at `path` (its editor's path) with `fields`.
    pub async fn save_event(
        &self,
        path: &str,
        fields: &[(&'static str, String)],
    ) -> reqwest::Response {
        let mut fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        fields.push(("action", "save"));
        self.post(path, &fields).await
    }
}

/// The editor an answer to a successful save leads to, without its message.
fn editor_after_save(response: &reqwest::Response) -> String {
    let target = redirect_target(response);
    let (path, notice) = target
        .split_once('?')
        .unwrap_or_else(|| panic!("{target} carries a message"));
    assert_eq!(notice, "meldung=gespeichert", "the save succeeded");
    path.to_owned()
}

/// The number at the end of an editor's path.
pub fn id_in(editor_path: &str) -> i64 {
    editor_path
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{editor_path} ends in an id"))
}

/// A feed as a feed reader reads it.
pub async fn read_feed(app: &TestApp, path: &str) -> feed_rs::model::Feed {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let body = response.bytes().await.expect("body");
    feed_rs::parser::parse(&body[..]).unwrap_or_else(|error| panic!("{path} parses: {error}"))
}

/// One event of a calendar as a calendar program reads it: its properties by name, text
/// unescaped (RFC 5545, 3.3.11), parameters kept beside.
#[derive(Debug)]
pub struct CalendarEntry {
    pub properties: Vec<ical::property::Property>,
}

impl CalendarEntry {
    fn property(&self, name: &str) -> Option<&ical::property::Property> {
        self.properties
            .iter()
            .find(|property| property.name == name)
    }

    pub fn value(&self, name: &str) -> String {
        self.property(name)
            .and_then(|property| property.value.as_deref())
            .map(unescape)
            .unwrap_or_else(|| panic!("the event has a {name}"))
    }

    pub fn parameter(&self, name: &str, parameter: &str) -> Option<String> {
        self.property(name)?
            .params
            .as_ref()?
            .iter()
            .find(|(key, _)| key == parameter)
            .and_then(|(_, values)| values.first().cloned())
    }
}

/// A calendar file as a calendar program reads it, after checking that no line is longer than
/// 75 octets.
pub async fn read_calendar(app: &TestApp, path: &str) -> Vec<CalendarEntry> {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let body = response.text().await.expect("body");
    for line in body.split("\r\n") {
        assert!(
            line.len() <= 75,
            "a line of {} octets: {line:?}",
            line.len()
        );
    }
    assert!(body.ends_with("\r\n"), "lines end in CRLF");
    let mut parser = ical::IcalParser::new(body.as_bytes());
    let calendar = parser
        .next()
        .expect("a calendar")
        .unwrap_or_else(|error| panic!("{path} parses: {error}"));
    calendar
        .events
        .into_iter()
        .map(|event| CalendarEntry {
            properties: event.properties,
        })
        .collect()
}

fn unescape(text: &str) -> String {
    let mut plain = String::new();
    let mut characters = text.chars();
    while let Some(character) = characters.next() {
        if character != '\\' {
            plain.push(character);
            continue;
        }
        match characters.next() {
            Some('n' | 'N') => plain.push('\n'),
            Some(other) => plain.push(other),
            None => plain.push('\\'),
        }
    }
    plain
}

/// The titles of the cards on a list page.
pub fn card_titles(page: &Page) -> Vec<String> {
    page.texts(".card__title")
}

/// A small but real PDF.
pub fn pdf(marker: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% {marker}\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}

pub fn document_fields(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", title.to_owned()),
        (
            "description",
            "Die Satzung in der Fassung der Gründung.".to_owned(),
        ),
        ("locale", "de".to_owned()),
        ("published_on", "2010-05-10".to_owned()),
        ("category", "satzung".to_owned()),
    ]
}

impl Staff<'_> {
    /// Sends the document form at `path` with `fields` and a file `file_name` holding `bytes`.
    pub async fn send_document(
        &self,
        path: &str,
        fields: &[(&'static str, String)],
        file: Option<(&str, Vec<u8>)>,
    ) -> reqwest::Response {
        let mut form = multipart::Form::new().text("csrf_token", self.csrf_token().to_owned());
        for (name, value) in fields {
            form = form.text(*name, value.clone());
        }
        let (file_name, bytes) = file.unwrap_or(("", Vec::new()));
        form = form.part(
            "file",
            multipart::Part::bytes(bytes)
                .file_name(file_name.to_owned())
                .mime_str("application/pdf")
                .expect("a media type"),
        );
        self.client
            .post(self.app.url(path))
            .multipart(form)
            .send()
            .await
            .expect("the server answers")
    }

    /// Uploads a document and returns its editor's path.
    pub async fn upload_document(&self, title: &str, file_name: &str, bytes: Vec<u8>) -> String {
        let response = self
            .send_document(
                paths::DOCUMENTS_NEW,
                &document_fields(title),
                Some((file_name, bytes)),
            )
            .await;
        assert_eq!(response.status(), 303, "the upload is taken");
        let target = redirect_target(&response);
        target.split('?').next().unwrap_or_default().to_owned()
    }
}

/// What [`publish_samples`] put on the site: the public pages that show it and the staff pages
/// that manage it.
pub struct Samples {
    pub public_paths: Vec<String>,
    pub staff_paths: Vec<String>,
}

/// Publishes news and events of every shape through the staff forms: a German news item with a
/// picture and its English counterpart, a timed event with a place and a registration link, an
/// online event over whole days, and one that is over. For tests that look at every page.
pub async fn publish_samples(app: &TestApp, staff: &Staff<'_>) -> Samples {
    let today = app.today();
    let day = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
    let german_news = staff
        .create_news_item(
            &with(
                news_item(app, "Jahresbericht 2025"),
                "image_alt",
                "Titelseite des Jahresberichts",
            ),
            Some(Picture::png(640, 400)),
        )
        .await;
    let english_news = with(
        with(news_item(app, "Annual report 2025"), "locale", "en"),
        "counterpart",
        &id_in(&german_news).to_string(),
    );
    staff.create_news_item(&english_news, None).await;
    let timed = with(
        event(
            "Präventionstag",
            &format!("{}T10:00", day(12)),
            &format!("{}T17:30", day(13)),
        ),
        "registration_url",
        "https://praeventionstag.example/anmeldung",
    );
    let timed = staff.create_event(&timed).await;
    let mut online = with(
        event(
            "Online workshop",
            &format!("{}T00:00", day(1)),
            &format!("{}T00:00", day(1)),
        ),
        "locale",
        "en",
    );
    online.retain(|(name, _)| !["venue", "address", "city"].contains(name));
    let online = with(
        with(online, "online_url", "https://meeting.example/defus"),
        "all_day",
        "on",
    );
    staff.create_event(&online).await;
    let past = event(
        "Mitgliederversammlung",
        &format!("{}T14:00", day(-30)),
        &format!("{}T16:00", day(-30)),
    );
    staff.create_event(&past).await;

    let document = staff
        .upload_document("Satzung", "Satzung.pdf", pdf("Satzung"))
        .await;

    let (news, events) = (ItemKind::News, ItemKind::Event);
    let (news_id, event_id) = (id_in(&german_news), id_in(&timed));
    let news_version: i64 = app
        .fetch_one(&format!(
            "select max(id) from news_revision where news_id = {news_id}"
        ))
        .await;
    let event_version: i64 = app
        .fetch_one(&format!(
            "select max(id) from event_revision where event_id = {event_id}"
        ))
        .await;
    Samples {
        public_paths: [
            "/aktuelles",
            "/en/news",
            "/aktuelles/jahresbericht-2025",
            "/en/news/annual-report-2025",
            "/termine",
            "/en/events",
            "/termine/praeventionstag",
            "/termine/mitgliederversammlung",
            "/en/events/online-workshop",
            "/mitglieder",
            "/en/members",
            "/dokumente",
            "/en/documents",
        ]
        .map(str::to_owned)
        .to_vec(),
        staff_paths: vec![
            paths::NEWS.to_owned(),
            paths::NEWS_NEW.to_owned(),
            german_news.clone(),
            paths::item_versions(news, news_id),
            paths::item_version(news, news_id, news_version),
            paths::item_delete(news, news_id),
            paths::EVENTS.to_owned(),
            paths::EVENTS_NEW.to_owned(),
            timed.clone(),
            paths::item_versions(events, event_id),
            paths::item_version(events, event_id, event_version),
            paths::item_delete(events, event_id),
            paths::DOCUMENTS.to_owned(),
            paths::DOCUMENTS_NEW.to_owned(),
            document.clone(),
            format!("{document}/loeschen"),
            paths::MEMBERS.to_owned(),
            paths::MEMBERS_NEW.to_owned(),
            paths::member(1),
            paths::member_delete(1),
        ],
    }
}
