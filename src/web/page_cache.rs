//! Every page that is the same for every visitor, rendered once per change and kept in memory
//! with its compressed forms; the static files too. Requests only pick the bytes.
//!
//! The content is read from the database at start and again whenever it changes: triggers on
//! the content tables send a `NOTIFY` (migration 0010), which reaches every instance of the site
//! on the database (`database::notifications`). After the listening connection was lost, all
//! is read again, as a change may have been missed. Pages keep being served from memory while
//! the database is away. Brotli, slow at its best level, is made in the background, page by
//! page; until a page has it, browsers get gzip.
//!
//! Besides the fixed pages, the news and events are held under their addresses
//! (`web::publications`). What visitors see of them depends on the day in Berlin, so the pages
//! are also rendered anew when the date changes.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;
use chrono::{Days, NaiveDate, NaiveTime};
use chrono_tz::Europe::Berlin;
use sqlx::PgPool;
use tokio::sync::{Notify, broadcast};
use tokio_util::sync::CancellationToken;

use crate::assets::Asset;
use crate::clock::Clock;
use crate::content::site::{ContentError, SiteContent};
use crate::content::{OrganisationFacts, Page, PageKey};
use crate::database::notifications::{Channel, DatabaseEvent};
use crate::i18n::Locale;
use crate::monitoring;
use crate::search;
use crate::state::SiteSettings;
use crate::web::error_page::{self, ErrorPage};
use crate::web::for_search_engines;
use crate::web::inquiry_form::InquiryFormView;
use crate::web::listing;
use crate::web::public;
use crate::web::publications::{self, HomeSections};
use crate::web::representation::{Caching, Representations};
use crate::web::spliced::SplicedPage;

/// Stands for the inquiry form's token in the membership page held in memory. Characters from
/// Unicode's private use area, which nobody types into a page text.
const FORM_TOKEN_HOLE: &str = "\u{e000}form-token\u{e000}";

const HTML: &str = "text/html; charset=utf-8";

/// Changes often come in bursts (a save touches several rows); they are taken together.
const SETTLE: Duration = Duration::from_millis(20);
/// After a failed refresh (the database away), the next try.
const RETRY: Duration = Duration::from_secs(2);

/// What is held in memory, by what it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Slot {
    Page(PageKey, Locale),
    Error(ErrorPage, Locale),
    Asset(Asset),
    /// A page of the news or events, a feed or a calendar, by its address (with `?seite=N`
    /// for later pages of a list).
    Published(String),
}

/// One consistent state of everything held.
#[derive(Clone)]
pub struct Snapshot {
    pub content: Arc<SiteContent>,
    bodies: HashMap<Slot, Arc<Representations>>,
    /// The membership page around its form token, per language (`None` if the page cannot be
    /// held that way, e.g. a text that contains the placeholder: it is then rendered per view).
    forms: HashMap<Locale, Arc<SplicedPage>>,
    /// The paths of the `Published` slots (without query).
    published_paths: HashSet<String>,
    /// Old addresses of news items and events, to their current ones.
    redirects: HashMap<String, String>,
    /// The day in Berlin the pages were rendered for.
    pub today: NaiveDate,
}

#[derive(Clone)]
pub struct PageCache {
    snapshot: Arc<ArcSwap<Snapshot>>,
    site: Arc<SiteSettings>,
    clock: Clock,
    /// Tells the background compression that there is something new.
    published: Arc<Notify>,
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(transparent)]
    Content(#[from] ContentError),
    #[error("cannot render the pages")]
    Render(#[from] askama::Error),
    #[error("the rendering task failed")]
    Task(#[from] tokio::task::JoinError),
    #[error("cannot write the search entries")]
    Search(#[source] sqlx::Error),
}

/// What a refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refreshed {
    pub changed: usize,
    pub unchanged: usize,
}

impl PageCache {
    /// Reads the content and renders every page for the day `clock` says it is.
    pub async fn load(
        pool: &PgPool,
        site: Arc<SiteSettings>,
        clock: Clock,
    ) -> Result<Self, RefreshError> {
        let content = SiteContent::load(pool).await?;
        let render_site = Arc::clone(&site);
        let today = clock.today();
        let (snapshot, rendered) =
            tokio::task::spawn_blocking(move || render_all(content, &render_site, today, None))
                .await??;
        metrics::counter!(monitoring::PAGES_RENDERED).increment(rendered.changed as u64);
        search::index::rebuild(pool, today)
            .await
            .map_err(RefreshError::Search)?;
        Ok(Self {
            snapshot: Arc::new(ArcSwap::from_pointee(snapshot)),
            site,
            clock,
            published: Arc::new(Notify::new()),
        })
    }

    /// The clock the pages follow.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.load_full()
    }

    /// The content the pages were made from.
    pub fn content(&self) -> Arc<SiteContent> {
        Arc::clone(&self.snapshot.load().content)
    }

    pub fn page(&self, key: PageKey, locale: Locale) -> Option<Arc<Representations>> {
        self.body(Slot::Page(key, locale))
    }

    pub fn asset(&self, asset: Asset) -> Option<Arc<Representations>> {
        self.body(Slot::Asset(asset))
    }

    /// The error page of `kind`. Every kind is rendered in every language; should one be
    /// missing all the same, a bare text stands in.
    pub fn error_page(&self, kind: ErrorPage, locale: Locale) -> Arc<Representations> {
        self.body(Slot::Error(kind, locale))
            .unwrap_or_else(|| Arc::clone(&BARE_ERROR))
    }

    /// A news or events page, feed or calendar at `path`; `query` may name a later page of a
    /// list (`seite=2`, `page=2`; other parameters are ignored). `None` if there is none such.
    pub fn published(&self, path: &str, query: Option<&str>) -> Option<Arc<Representations>> {
        let snapshot = self.snapshot.load();
        if !snapshot.published_paths.contains(path) {
            return None;
        }
        let parameter = listing::page_parameter(Locale::of_path(path));
        let page = query
            .into_iter()
            .flat_map(|query| query.split('&'))
            .find_map(|pair| pair.strip_prefix(parameter)?.strip_prefix('='));
        let address = match page {
            None | Some("1") => path.to_owned(),
            Some(page) => format!("{path}?{parameter}={page}"),
        };
        snapshot.bodies.get(&Slot::Published(address)).cloned()
    }

    /// Where an old address of a news item or event leads now.
    pub fn redirect(&self, path: &str) -> Option<String> {
        self.snapshot.load().redirects.get(path).cloned()
    }

    /// The membership page with a hole for the form token.
    pub fn membership_form(&self, locale: Locale) -> Option<Arc<SplicedPage>> {
        self.snapshot.load().forms.get(&locale).cloned()
    }

    fn body(&self, slot: Slot) -> Option<Arc<Representations>> {
        self.snapshot.load().bodies.get(&slot).cloned()
    }

    /// Reads the content again and renders what changed.
    pub async fn refresh(&self, pool: &PgPool) -> Result<Refreshed, RefreshError> {
        let content = SiteContent::load(pool).await?;
        let previous = self.snapshot();
        let site = Arc::clone(&self.site);
        let today = self.clock.today();
        let (snapshot, refreshed) =
            tokio::task::spawn_blocking(move || render_all(content, &site, today, Some(&previous)))
                .await??;
        // The search finds what the pages show. Written before the pages are swapped, so that
        // if it fails the next try renders and writes both again.
        if refreshed.changed > 0 {
            search::index::rebuild(pool, today)
                .await
                .map_err(RefreshError::Search)?;
        }
        // Brotli forms made while this was rendered are kept.
        self.snapshot.rcu(|current| {
            let mut next = snapshot.clone();
            for (slot, body) in &mut next.bodies {
                if let Some(held) = current.bodies.get(slot)
                    && held.has_brotli()
                    && !body.has_brotli()
                    && held.same_content(body)
                {
                    *body = Arc::clone(held);
                }
            }
            next
        });
        if refreshed.changed > 0 {
            self.published.notify_one();
        }
        metrics::counter!(monitoring::PAGES_RENDERED).increment(refreshed.changed as u64);
        Ok(refreshed)
    }

    /// Shows a change made through this instance here at once, so that whoever made it sees it
    /// on the next page (other instances follow their notification within a second).
    pub async fn refresh_after_change(&self, pool: &PgPool) {
        if let Err(error) = self.refresh(pool).await {
            tracing::warn!(
                error = &error as &dyn std::error::Error,
                "cannot refresh the pages after a change; the notification will"
            );
        }
    }

    /// Keeps the pages current until `stop`: on every change notified by the database, after
    /// every reconnection of the notifications, and at midnight in Berlin (news scheduled for
    /// the new day, events that say "today" or "in 3 days"), or when a rehearsal moved the
    /// clock. Also makes the brotli forms in the background.
    pub async fn run(
        self,
        pool: PgPool,
        mut events: broadcast::Receiver<DatabaseEvent>,
        stop: CancellationToken,
    ) {
        let compressing = tokio::spawn(self.clone().compress_in_background(stop.clone()));
        let mut retry_at: Option<tokio::time::Instant> = None;
        let mut clock_moves = self.clock.moves();
        loop {
            let retry = async {
                match retry_at {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            let reason = tokio::select! {
                () = stop.cancelled() => break,
                event = events.recv() => match event {
                    Ok(DatabaseEvent::Notified(Channel::ContentChanged)) => "the content changed",
                    Ok(DatabaseEvent::Notified(_)) => continue,
                    Ok(DatabaseEvent::Reconnected)
                    | Err(broadcast::error::RecvError::Lagged(_)) => "changes may have been missed",
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                () = tokio::time::sleep(until_next_midnight_in_berlin(&self.clock)) => "a new day began",
                () = clock_moves.next() => "the clock was moved",
                () = retry => "trying again",
            };
            tokio::time::sleep(SETTLE).await;
            // Whatever else arrived meanwhile is covered by the refresh that follows.
            while events.try_recv().is_ok() {}
            match self.refresh(&pool).await {
                Ok(refreshed) => {
                    retry_at = None;
                    tracing::info!(
                        reason,
                        changed = refreshed.changed,
                        unchanged = refreshed.unchanged,
                        "refreshed the pages from the database"
                    );
                }
                Err(error) => {
                    retry_at = Some(tokio::time::Instant::now() + RETRY);
                    tracing::warn!(
                        error = &error as &dyn std::error::Error,
                        reason,
                        "cannot refresh the pages; serving the ones held and trying again"
                    );
                }
            }
        }
        compressing.abort();
    }

    /// Makes the brotli form of one body after another, always of what is current.
    async fn compress_in_background(self, stop: CancellationToken) {
        loop {
            let next = self
                .snapshot
                .load()
                .bodies
                .iter()
                .find(|(_, body)| !body.has_brotli())
                .map(|(slot, body)| (slot.clone(), Arc::clone(body)));
            let Some((slot, body)) = next else {
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = self.published.notified() => continue,
                }
            };
            let Ok(compressed) = tokio::task::spawn_blocking(move || body.with_brotli()).await
            else {
                return;
            };
            let compressed = Arc::new(compressed);
            self.snapshot.rcu(|current| {
                let mut next = Snapshot::clone(current);
                if let Some(entry) = next.bodies.get_mut(&slot)
                    && entry.same_content(&compressed)
                {
                    *entry = Arc::clone(&compressed);
                }
                next
            });
        }
    }
}

/// Stands in for an error page that could not be rendered.
static BARE_ERROR: std::sync::LazyLock<Arc<Representations>> = std::sync::LazyLock::new(|| {
    Arc::new(Representations::new(
        "Error",
        "text/plain; charset=utf-8",
        Caching::NoStore,
        SystemTime::now(),
        None,
        &axum::http::HeaderMap::new(),
    ))
});

/// Renders every page of `content` as it is on `today`, reusing what `previous` holds where
/// nothing changed.
fn render_all(
    content: SiteContent,
    site: &SiteSettings,
    today: NaiveDate,
    previous: Option<&Snapshot>,
) -> Result<(Snapshot, Refreshed), askama::Error> {
    // Every instance dates the same content alike: from its last change, or from the start of
    // the day for what changes with the day (the next events, say).
    let start_of_day = today
        .and_time(chrono::NaiveTime::MIN)
        .and_local_timezone(chrono_tz::Europe::Berlin)
        .earliest()
        .map_or(content.changed_at, |start| start.to_utc());
    let now = SystemTime::from(content.changed_at.max(start_of_day));
    let mut refreshed = Refreshed {
        changed: 0,
        unchanged: 0,
    };
    let mut bodies = HashMap::new();
    let mut hold = |slot: Slot, identity: Vec<u8>, content_type, caching| {
        let earlier = previous.and_then(|previous| previous.bodies.get(&slot));
        let body = Representations::new(
            identity,
            content_type,
            caching,
            now,
            earlier.map(|earlier| earlier.as_ref()),
            &site.security_headers,
        );
        match earlier {
            Some(earlier) if earlier.same_content(&body) => {
                refreshed.unchanged += 1;
                bodies.insert(slot, Arc::clone(earlier));
            }
            _ => {
                refreshed.changed += 1;
                bodies.insert(slot, Arc::new(body));
            }
        }
    };
    let publications = match &content.facts {
        Some(facts) => Some(publications::render(&content, facts, today, site)?),
        None => None,
    };
    let mut published_paths = HashSet::new();
    let mut redirects = HashMap::new();
    let mut home = HashMap::new();
    if let Some(publications) = publications {
        for page in publications.pages {
            let path = page
                .address
                .split_once('?')
                .map_or(page.address.as_str(), |(path, _)| path);
            published_paths.insert(path.to_owned());
            hold(
                Slot::Published(page.address),
                page.body,
                page.content_type,
                Caching::Revalidate,
            );
        }
        redirects = publications.redirects;
        home = publications.home;
        let facts = content.facts.as_ref();
        let mut for_search_engines = vec![
            (
                for_search_engines::ROBOTS_PATH,
                for_search_engines::robots(site),
                for_search_engines::TEXT,
            ),
            (
                for_search_engines::SITEMAP_PATH,
                for_search_engines::sitemap(&content, &publications.sitemap, site),
                for_search_engines::XML,
            ),
        ];
        if let Some(facts) = facts {
            for_search_engines.push((
                for_search_engines::SECURITY_TXT_PATH,
                for_search_engines::security_txt(facts, today, site),
                for_search_engines::TEXT,
            ));
        }
        for (path, body, content_type) in for_search_engines {
            published_paths.insert(path.to_owned());
            hold(
                Slot::Published(path.to_owned()),
                body.into_bytes(),
                content_type,
                Caching::Revalidate,
            );
        }
    }
    let mut forms = HashMap::new();
    for key in PageKey::ALL {
        for locale in Locale::ALL {
            // A page whose texts or facts are missing is not held; it answers with an error.
            let (Some(page), Some(facts)) = (content.page(key, locale), &content.facts) else {
                continue;
            };
            if key == PageKey::Membership {
                if let Some(form) = membership_form(page, facts, site)? {
                    forms.insert(locale, Arc::new(form));
                }
                continue;
            }
            let sections: Option<&HomeSections> = match key {
                PageKey::Start => home.get(&locale),
                _ => None,
            };
            let html = public::render_page(page, facts, site, None, sections)?;
            hold(
                Slot::Page(key, locale),
                html.into_bytes(),
                HTML,
                Caching::Revalidate,
            );
        }
    }
    for kind in ErrorPage::ALL {
        for locale in Locale::ALL {
            let html = error_page::render(kind, locale, content.facts.as_ref())?;
            hold(
                Slot::Error(kind, locale),
                html.into_bytes(),
                HTML,
                Caching::NoStore,
            );
        }
    }
    for asset in Asset::ALL {
        hold(
            Slot::Asset(asset),
            asset.bytes().to_vec(),
            asset.content_type(),
            Caching::Immutable,
        );
    }
    let snapshot = Snapshot {
        content: Arc::new(content),
        bodies,
        forms,
        published_paths,
        redirects,
        today,
    };
    Ok((snapshot, refreshed))
}

fn membership_form(
    page: &Page,
    facts: &OrganisationFacts,
    site: &SiteSettings,
) -> Result<Option<SplicedPage>, askama::Error> {
    let form = InquiryFormView::blank(page.locale, FORM_TOKEN_HOLE.to_owned());
    let html = public::render_page(page, facts, site, Some(&form), None)?;
    let spliced = SplicedPage::new(&html, FORM_TOKEN_HOLE, &site.security_headers);
    if spliced.is_none() {
        tracing::warn!(
            locale = %page.locale,
            "the membership page cannot be held in memory; it is rendered for every visitor"
        );
    }
    Ok(spliced)
}

/// How long until the date changes in Berlin.
fn until_next_midnight_in_berlin(clock: &Clock) -> Duration {
    let now = clock.now().with_timezone(&Berlin);
    let next_midnight = now
        .date_naive()
        .checked_add_days(Days::new(1))
        .map(|date| date.and_time(NaiveTime::MIN))
        .and_then(|midnight| midnight.and_local_timezone(Berlin).earliest());
    next_midnight
        .and_then(|midnight| (midnight - now).to_std().ok())
        // A day without a midnight (none in Berlin) or a clock gone wrong: look again in an hour.
        .unwrap_or(Duration::from_secs(3600))
}
