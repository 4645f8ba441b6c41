//! What news items and events have in common: an address made from the title that stays once
//! published (old addresses redirect), a counterpart in the other language, and a version kept
//! of every save. The tables differ (`news_item`, `event`); each function here does the same
//! thing to either.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};

use crate::content::publication::Publication;
use crate::content::slug::Slug;
use crate::i18n::{Locale, berlin_date_time};
use crate::input::FieldError;
use crate::staff::activity::{self, ActivityKind, Actor, Change, Subject};
use crate::text_enum;

text_enum! {
    /// The two kinds of item the office publishes.
    pub enum ItemKind {
        News = "news",
        Event = "event",
    }
}

impl ItemKind {
    /// The item `id` as the activity log names it.
    pub fn subject(self, id: i64) -> Subject {
        match self {
            ItemKind::News => Subject::News(id),
            ItemKind::Event => Subject::Event(id),
        }
    }

    /// The slug of an item whose title has no letter or digit to make one from.
    fn fallback_slug(self, locale: Locale) -> Slug {
        Slug::stored(
            match (self, locale) {
                (ItemKind::News, Locale::De) => "meldung",
                (ItemKind::News, Locale::En) => "news-item",
                (ItemKind::Event, Locale::De) => "termin",
                (ItemKind::Event, Locale::En) => "event",
            }
            .to_owned(),
        )
    }
}

/// What came of saving an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved<Field> {
    /// Stored (a new item, or a change), under this id.
    Saved(i64),
    /// The same as what is stored; no version is made for nothing.
    Unchanged(i64),
    /// Someone else saved the item after the form was opened; nothing was saved.
    Conflict,
    /// There is no such item (deleted meanwhile).
    Missing,
    /// A value that only the database can judge is not right (a slug taken, a counterpart
    /// that does not exist).
    Refused(Field, FieldError),
}

/// Which field of an item's form a problem found while saving belongs to.
pub trait SaveFields: Copy {
    const SLUG: Self;
    const COUNTERPART: Self;
}

/// An item's stored row as a save found it, locked until the save commits.
pub struct Current {
    locale: Locale,
    slug: Slug,
    was_published: bool,
}

/// What the checks before a save settled: the row as it was (none for a new item) and the
/// address the item gets.
pub struct Prepared {
    current: Option<Current>,
    pub slug: Slug,
}

/// The item's own words in a save: what it is now, for the checks and the log.
pub struct Saving<'a> {
    pub kind: ItemKind,
    pub id: Option<i64>,
    pub locale: Locale,
    pub title: &'a str,
    pub typed_slug: Option<&'a Slug>,
    pub counterpart: Option<i64>,
    pub state: Publication,
    /// The `updated_at` the form started from; a save on a row changed since is refused.
    pub opened_at: Option<DateTime<Utc>>,
}

/// The checks every save of an item makes before writing, in its transaction: the item is
/// still there and unchanged since the form was opened, its slug is free, its counterpart
/// exists in the other language. `Err` carries the outcome when the save must not go on.
pub async fn prepare_save<Field: SaveFields>(
    db: &mut PgConnection,
    saving: &Saving<'_>,
) -> Result<Result<Prepared, Saved<Field>>, sqlx::Error> {
    let kind = saving.kind;
    let current = match saving.id {
        Some(id) => {
            let Some((current, updated_at)) = lock(db, kind, id).await? else {
                return Ok(Err(Saved::Missing));
            };
            if saving
                .opened_at
                .is_some_and(|opened_at| opened_at != updated_at)
            {
                return Ok(Err(Saved::Conflict));
            }
            Some(current)
        }
        None => None,
    };
    let slug = match choose_slug(
        db,
        kind,
        saving.locale,
        saving.id,
        saving.typed_slug,
        saving.title,
    )
    .await?
    {
        Ok(slug) => slug,
        Err(error) => return Ok(Err(Saved::Refused(Field::SLUG, error))),
    };
    if let Some(counterpart) = saving.counterpart
        && !exists_in(db, kind, counterpart, saving.locale.other()).await?
    {
        return Ok(Err(Saved::Refused(
            Field::COUNTERPART,
            FieldError::InvalidChoice,
        )));
    }
    Ok(Ok(Prepared { current, slug }))
}

/// Item `id`'s row as it is, locked for the transaction, with its `updated_at`.
async fn lock(
    db: &mut PgConnection,
    kind: ItemKind,
    id: i64,
) -> Result<Option<(Current, DateTime<Utc>)>, sqlx::Error> {
    let row = match kind {
        ItemKind::News => sqlx::query!(
            r#"select locale as "locale: Locale", slug, updated_at,
                      first_published_at is not null as "was_published!"
               from news_item where id = $1 for update"#,
            id
        )
        .fetch_optional(db)
        .await?
        .map(|row| (row.locale, row.slug, row.was_published, row.updated_at)),
        ItemKind::Event => sqlx::query!(
            r#"select locale as "locale: Locale", slug, updated_at,
                      first_published_at is not null as "was_published!"
               from event where id = $1 for update"#,
            id
        )
        .fetch_optional(db)
        .await?
        .map(|row| (row.locale, row.slug, row.was_published, row.updated_at)),
    };
    Ok(row.map(|(locale, slug, was_published, updated_at)| {
        (
            Current {
                locale,
                slug: Slug::stored(slug),
                was_published,
            },
            updated_at,
        )
    }))
}

/// What every save of an item does after writing its row `saved_id`, in its transaction: old
/// addresses redirect (once the item was public), the counterparts point at each other, the
/// saved state `stored` is kept as a version, and the log says who saved.
pub async fn finish_save<T: Serialize + Sync>(
    db: &mut PgConnection,
    saved_id: i64,
    (saving, prepared): (&Saving<'_>, &Prepared),
    stored: &T,
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    let kind = saving.kind;
    let new_address = (saving.locale, &prepared.slug);
    match &prepared.current {
        Some(current) if current.was_published => {
            moved(
                db,
                kind,
                saved_id,
                (current.locale, &current.slug),
                new_address,
            )
            .await?;
        }
        _ => take_over_address(db, kind, new_address.0, new_address.1).await?,
    }
    pair(db, kind, saved_id, saving.counterpart).await?;
    keep_revision(&mut *db, kind, saved_id, stored, actor).await?;
    let is_new = saving.id.is_none();
    activity::record(
        &mut *db,
        actor,
        Change {
            kind: match (kind, is_new) {
                (ItemKind::News, true) => ActivityKind::NewsCreated,
                (ItemKind::News, false) => ActivityKind::NewsSaved,
                (ItemKind::Event, true) => ActivityKind::EventCreated,
                (ItemKind::Event, false) => ActivityKind::EventSaved,
            },
            subject: kind.subject(saved_id),
            subject_label: &kind.subject(saved_id).titled(saving.title),
            detail: saving.state.label(),
        },
    )
    .await?;
    Ok(())
}

/// Whether `slug` belongs to an item of `kind` in `locale` other than `own_id`.
async fn is_taken(
    db: &mut PgConnection,
    kind: ItemKind,
    locale: Locale,
    slug: &Slug,
    own_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let own_id = own_id.unwrap_or(0);
    match kind {
        ItemKind::News => {
            sqlx::query_scalar!(
                r#"select exists (select 1 from news_item where locale = $1 and slug = $2 and id <> $3) as "taken!""#,
                locale as Locale,
                slug.as_str(),
                own_id
            )
            .fetch_one(db)
            .await
        }
        ItemKind::Event => {
            sqlx::query_scalar!(
                r#"select exists (select 1 from event where locale = $1 and slug = $2 and id <> $3) as "taken!""#,
                locale as Locale,
                slug.as_str(),
                own_id
            )
            .fetch_one(db)
            .await
        }
    }
}

/// The slug an item gets: the one typed if it is free, or else one made from the title (with a
/// number appended while that is taken). Run it in the transaction that saves the item; the
/// table's unique constraint settles the rare race with another save.
async fn choose_slug(
    db: &mut PgConnection,
    kind: ItemKind,
    locale: Locale,
    own_id: Option<i64>,
    typed: Option<&Slug>,
    title: &str,
) -> Result<Result<Slug, FieldError>, sqlx::Error> {
    if let Some(typed) = typed {
        return Ok(if is_taken(db, kind, locale, typed, own_id).await? {
            Err(FieldError::AlreadyTaken)
        } else {
            Ok(typed.clone())
        });
    }
    let base = Slug::from_title(title).unwrap_or_else(|| kind.fallback_slug(locale));
    let mut candidate = base.clone();
    let mut number = 1;
    while is_taken(db, kind, locale, &candidate, own_id).await? {
        number += 1;
        candidate = base.numbered(number);
    }
    Ok(Ok(candidate))
}

/// After an item moved from `old` to a new address: the old one redirects to the item, and the
/// new one is no longer anyone's old address.
async fn moved(
    db: &mut PgConnection,
    kind: ItemKind,
    id: i64,
    old: (Locale, &Slug),
    new: (Locale, &Slug),
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"delete from slug_redirect where kind = $1 and locale = $2 and old_slug = $3"#,
        kind as ItemKind,
        new.0 as Locale,
        new.1.as_str()
    )
    .execute(&mut *db)
    .await?;
    if old != new {
        sqlx::query!(
            r#"insert into slug_redirect (kind, locale, old_slug, item_id) values ($1, $2, $3, $4)
               on conflict (kind, locale, old_slug) do update set item_id = excluded.item_id"#,
            kind as ItemKind,
            old.0 as Locale,
            old.1.as_str(),
            id
        )
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

/// A new item takes `slug`: should it be an old address of another item, it is not any more.
async fn take_over_address(
    db: &mut PgConnection,
    kind: ItemKind,
    locale: Locale,
    slug: &Slug,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"delete from slug_redirect where kind = $1 and locale = $2 and old_slug = $3"#,
        kind as ItemKind,
        locale as Locale,
        slug.as_str()
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Whether item `id` of `kind` exists in `locale` (to be named as a counterpart).
async fn exists_in(
    db: &mut PgConnection,
    kind: ItemKind,
    id: i64,
    locale: Locale,
) -> Result<bool, sqlx::Error> {
    match kind {
        ItemKind::News => sqlx::query_scalar!(
            r#"select exists (select 1 from news_item where id = $1 and locale = $2) as "exists!""#,
            id,
            locale as Locale
        )
        .fetch_one(db)
        .await,
        ItemKind::Event => {
            sqlx::query_scalar!(
                r#"select exists (select 1 from event where id = $1 and locale = $2) as "exists!""#,
                id,
                locale as Locale
            )
            .fetch_one(db)
            .await
        }
    }
}

/// Makes `id` and `counterpart` each other's counterpart (or, with `None`, gives `id` none),
/// undoing earlier pairings of either, so that the language switch leads both ways.
async fn pair(
    db: &mut PgConnection,
    kind: ItemKind,
    id: i64,
    counterpart: Option<i64>,
) -> Result<(), sqlx::Error> {
    match kind {
        ItemKind::News => {
            sqlx::query!(
                r#"update news_item set counterpart_id = case
                       when id = $1 then $2
                       when id = $2 then $1
                       else null end
                   where id in ($1, $2) or counterpart_id in ($1, $2)"#,
                id,
                counterpart
            )
            .execute(&mut *db)
            .await?;
        }
        ItemKind::Event => {
            sqlx::query!(
                r#"update event set counterpart_id = case
                       when id = $1 then $2
                       when id = $2 then $1
                       else null end
                   where id in ($1, $2) or counterpart_id in ($1, $2)"#,
                id,
                counterpart
            )
            .execute(&mut *db)
            .await?;
        }
    }
    Ok(())
}

/// One saved state of an item.
#[derive(Debug, Clone)]
pub struct Revision<T> {
    pub id: i64,
    pub content: T,
    pub written_at: DateTime<Utc>,
    pub author: String,
}

impl<T> Revision<T> {
    pub fn written_in_hannover(&self) -> String {
        berlin_date_time(self.written_at)
    }

    pub fn author_or_unknown(&self) -> &str {
        if self.author.is_empty() {
            "–"
        } else {
            &self.author
        }
    }
}

/// Keeps `content` as the newest version of item `id`.
pub async fn keep_revision<T: Serialize + Sync>(
    db: impl PgExecutor<'_>,
    kind: ItemKind,
    id: i64,
    content: &T,
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    match kind {
        ItemKind::News => {
            sqlx::query!(
                r#"insert into news_revision (news_id, content, account_id, author)
                   values ($1, $2, $3, $4)"#,
                id,
                Json(content) as _,
                actor.account_id,
                actor.name
            )
            .execute(db)
            .await?;
        }
        ItemKind::Event => {
            sqlx::query!(
                r#"insert into event_revision (event_id, content, account_id, author)
                   values ($1, $2, $3, $4)"#,
                id,
                Json(content) as _,
                actor.account_id,
                actor.name
            )
            .execute(db)
            .await?;
        }
    }
    Ok(())
}

/// The versions of item `id`, newest first; with `up_to`, only that one and older ones, at most
/// `limit`. A version whose content no longer reads (an older shape) is left out.
pub async fn revisions<T: DeserializeOwned>(
    db: impl PgExecutor<'_>,
    kind: ItemKind,
    id: i64,
    up_to: Option<i64>,
    limit: i64,
) -> Result<Vec<Revision<T>>, sqlx::Error> {
    let rows = match kind {
        ItemKind::News => sqlx::query!(
            r#"select id, content, written_at, author from news_revision
                   where news_id = $1 and ($2::bigint is null or id <= $2)
                   order by id desc limit $3"#,
            id,
            up_to,
            limit
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row.content, row.written_at, row.author))
        .collect::<Vec<_>>(),
        ItemKind::Event => sqlx::query!(
            r#"select id, content, written_at, author from event_revision
                   where event_id = $1 and ($2::bigint is null or id <= $2)
                   order by id desc limit $3"#,
            id,
            up_to,
            limit
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row.content, row.written_at, row.author))
        .collect(),
    };
    Ok(rows
        .into_iter()
        .filter_map(|(id, content, written_at, author)| {
            let content = serde_json::from_value(content).ok()?;
            Some(Revision {
                id,
                content,
                written_at,
                author,
            })
        })
        .collect())
}

/// Revision `revision` of item `id` and the one before it, if any.
pub async fn revision<T: DeserializeOwned>(
    db: impl PgExecutor<'_>,
    kind: ItemKind,
    id: i64,
    revision: i64,
) -> Result<Option<(Revision<T>, Option<Revision<T>>)>, sqlx::Error> {
    let mut both = revisions(db, kind, id, Some(revision), 2).await?;
    if both.first().is_none_or(|found| found.id != revision) {
        return Ok(None);
    }
    let previous = (both.len() == 2).then(|| both.remove(1));
    Ok(Some((both.remove(0), previous)))
}

/// An address an item had, answering with a redirect to where it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlugRedirect {
    pub kind: ItemKind,
    pub locale: Locale,
    pub old_slug: String,
    pub item_id: i64,
}

pub async fn redirects(db: impl PgExecutor<'_>) -> Result<Vec<SlugRedirect>, sqlx::Error> {
    sqlx::query_as!(
        SlugRedirect,
        r#"select kind as "kind: ItemKind", locale as "locale: Locale", old_slug, item_id
           from slug_redirect"#
    )
    .fetch_all(db)
    .await
}

/// Forgets the old addresses of a deleted item.
pub async fn forget_addresses(
    db: impl PgExecutor<'_>,
    kind: ItemKind,
    id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from slug_redirect where kind = $1 and item_id = $2",
        kind as ItemKind,
        id
    )
    .execute(db)
    .await?;
    Ok(())
}
