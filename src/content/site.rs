//! Everything the public pages are made of, read from the database in one go, so that the
//! rendered pages can be rebuilt from one consistent state (and served while the database is
//! away).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::content::documents::{self, Document};
use crate::content::events::{self, Event};
use crate::content::facts::{self, OrganisationFacts};
use crate::content::items::{self, SlugRedirect};
use crate::content::members::{self, Member};
use crate::content::news::{self, NewsItem};
use crate::content::page::{self, Page, PageKey};
use crate::i18n::Locale;

/// What the database holds. A new installation has every page and the facts (start-up inserts
/// what is missing); should a row be deleted by hand, the pages that need it answer with an
/// error page until it is back.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteContent {
    pub pages: HashMap<(PageKey, Locale), Page>,
    pub facts: Option<OrganisationFacts>,
    /// Published news items, newest first, including those scheduled for a later day.
    pub news: Vec<NewsItem>,
    /// Published events, soonest first, past ones too.
    pub events: Vec<Event>,
    /// Addresses items had before their slug changed.
    pub redirects: Vec<SlugRedirect>,
    /// Every document's details (not its bytes), newest first.
    pub documents: Vec<Document>,
    /// Every member, by name.
    pub members: Vec<Member>,
    /// When any of it last changed (the same for every instance reading the same content).
    pub changed_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot read the content")]
pub struct ContentError(#[from] sqlx::Error);

impl SiteContent {
    /// Reads every page text, the facts and what is published, in one transaction (one snapshot
    /// of the data).
    pub async fn load(pool: &PgPool) -> Result<Self, ContentError> {
        let mut transaction = pool.begin().await?;
        sqlx::query!("set transaction isolation level repeatable read, read only")
            .execute(&mut *transaction)
            .await?;
        let content = Self::read(&mut transaction).await?;
        transaction.commit().await?;
        Ok(content)
    }

    /// Reads the content on `connection`, in whatever transaction it is in.
    pub async fn read(connection: &mut PgConnection) -> Result<Self, sqlx::Error> {
        let pages = page::list_all(&mut *connection).await?;
        let facts = facts::load(&mut *connection).await?;
        let news = news::list_published(&mut *connection).await?;
        let events = events::list_published(&mut *connection).await?;
        let redirects = items::redirects(&mut *connection).await?;
        let documents = documents::list_all(&mut *connection).await?;
        let members = members::list_all(&mut *connection).await?;
        let changed_at = sqlx::query_scalar!("select changed_at from content_version")
            .fetch_optional(&mut *connection)
            .await?
            .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let pages = pages
            .into_iter()
            .map(|page| ((page.key, page.locale), page))
            .collect();
        Ok(Self {
            pages,
            facts,
            news,
            events,
            redirects,
            documents,
            members,
            changed_at,
        })
    }

    pub fn page(&self, key: PageKey, locale: Locale) -> Option<&Page> {
        self.pages.get(&(key, locale))
    }
}
