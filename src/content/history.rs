//! Editing page texts with a memory: every text a page has had is kept as a revision, with who
//! wrote it and when; any revision can be looked at, compared with the one before, and brought
//! back. Each save is recorded in the activity log in the same transaction.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};

use crate::content::page::PageKey;
use crate::i18n::{Locale, berlin_date_time};
use crate::input::{FieldError, SingleLine};
use crate::staff::activity::{self, ActivityKind, Actor, Change, Subject};

/// A page's texts in one language, checked for the limits of the `page` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageText {
    pub title: String,
    pub meta_description: String,
    pub body_markdown: String,
}

/// Which part of a page text a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageTextField {
    Title,
    MetaDescription,
    Body,
}

impl PageText {
    pub const MAX_TITLE_LENGTH: usize = 200;
    pub const MAX_DESCRIPTION_LENGTH: usize = 300;
    pub const MAX_BODY_LENGTH: usize = 100_000;

    pub fn parse(
        title: &str,
        meta_description: &str,
        body_markdown: &str,
    ) -> Result<Self, Vec<(PageTextField, FieldError)>> {
        let mut problems = Vec::new();
        let title = SingleLine::parse(title, 1, Self::MAX_TITLE_LENGTH)
            .map_err(|error| problems.push((PageTextField::Title, error)))
            .ok();
        // Written in a box of several lines, but it is one paragraph: line breaks become spaces.
        let description = meta_description
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let meta_description = if description.is_empty() {
            Ok(String::new())
        } else {
            SingleLine::parse(&description, 1, Self::MAX_DESCRIPTION_LENGTH)
                .map(|text| text.as_str().to_owned())
        }
        .map_err(|error| problems.push((PageTextField::MetaDescription, error)))
        .ok();
        let body = body_markdown.replace("\r\n", "\n");
        if body.chars().count() > Self::MAX_BODY_LENGTH {
            problems.push((
                PageTextField::Body,
                FieldError::TooLong {
                    max: Self::MAX_BODY_LENGTH,
                },
            ));
        }
        match (title, meta_description, problems.is_empty()) {
            (Some(title), Some(meta_description), true) => Ok(Self {
                title: title.as_str().to_owned(),
                meta_description,
                body_markdown: body,
            }),
            _ => Err(problems),
        }
    }
}

/// What came of saving a page text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Saved,
    /// The text is the same as the stored one; no revision is made for nothing.
    Unchanged,
    /// Someone saved the page after the editor opened it; nothing was saved, so that their
    /// change is not overwritten unseen.
    Conflict,
    /// The page has no texts in that language.
    Missing,
}

/// The words naming a page in the staff area, e.g. `Seite „Ziele“ (Deutsch)`.
pub fn page_label(key: PageKey, locale: Locale) -> String {
    format!(
        "Seite „{}“ ({})",
        key.link_label(Locale::De),
        locale.name_in_german()
    )
}

/// Replaces the texts of `key` in `locale`, keeping them as a new revision by `actor`.
/// `opened_at` is the `updated_at` of the text the editor started from; when given and no
/// longer current, nothing is saved.
pub async fn save(
    pool: &PgPool,
    key: PageKey,
    locale: Locale,
    text: &PageText,
    actor: &Actor,
    opened_at: Option<DateTime<Utc>>,
) -> Result<Saved, sqlx::Error> {
    store(
        pool,
        key,
        locale,
        text,
        actor,
        opened_at,
        ActivityKind::PageSaved,
        "",
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn store(
    pool: &PgPool,
    key: PageKey,
    locale: Locale,
    text: &PageText,
    actor: &Actor,
    opened_at: Option<DateTime<Utc>>,
    kind: ActivityKind,
    detail: &str,
) -> Result<Saved, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some(current) = sqlx::query!(
        r#"select title, meta_description, body_markdown, updated_at from page
           where page_key = $1 and locale = $2 for update"#,
        key as PageKey,
        locale as Locale
    )
    .fetch_optional(&mut *transaction)
    .await?
    else {
        return Ok(Saved::Missing);
    };
    if opened_at.is_some_and(|opened_at| opened_at != current.updated_at) {
        return Ok(Saved::Conflict);
    }
    if current.title == text.title
        && current.meta_description == text.meta_description
        && current.body_markdown == text.body_markdown
    {
        return Ok(Saved::Unchanged);
    }
    sqlx::query!(
        r#"update page set title = $3, meta_description = $4, body_markdown = $5
           where page_key = $1 and locale = $2"#,
        key as PageKey,
        locale as Locale,
        text.title,
        text.meta_description,
        text.body_markdown
    )
    .execute(&mut *transaction)
    .await?;
    sqlx::query!(
        r#"insert into page_revision (page_key, locale, title, meta_description, body_markdown,
                                      written_at, account_id, author)
           values ($1, $2, $3, $4, $5, now(), $6, $7)"#,
        key as PageKey,
        locale as Locale,
        text.title,
        text.meta_description,
        text.body_markdown,
        actor.account_id,
        actor.name,
    )
    .execute(&mut *transaction)
    .await?;
    activity::record(
        &mut *transaction,
        actor,
        Change {
            kind,
            subject: Subject::Page(key, locale),
            subject_label: &page_label(key, locale),
            detail,
        },
    )
    .await?;
    transaction.commit().await?;
    Ok(Saved::Saved)
}

/// A text a page had (or has: the newest revision is the current text).
#[derive(Debug, Clone)]
pub struct PageRevision {
    pub id: i64,
    pub title: String,
    pub meta_description: String,
    pub body_markdown: String,
    /// `None` for texts from before revisions were kept (the defaults of a new installation).
    pub written_at: Option<DateTime<Utc>>,
    /// Empty where unknown.
    pub author: String,
}

impl PageRevision {
    /// When it was written, in Hannover's time, for the staff area.
    pub fn written_in_hannover(&self) -> String {
        self.written_at
            .map_or_else(|| "ursprüngliche Fassung".to_owned(), berlin_date_time)
    }

    /// "Fassung vom 1.7.2026, 10:30 Uhr", or for the text from before revisions were kept,
    /// "ursprüngliche Fassung".
    pub fn describe(&self) -> String {
        match self.written_at {
            Some(at) => format!("Fassung vom {}", berlin_date_time(at)),
            None => "ursprüngliche Fassung".to_owned(),
        }
    }

    pub fn author_or_unknown(&self) -> &str {
        if self.author.is_empty() {
            "–"
        } else {
            &self.author
        }
    }
}

/// Every revision of a page, newest (the current text) first.
pub async fn revisions(
    pool: &PgPool,
    key: PageKey,
    locale: Locale,
) -> Result<Vec<PageRevision>, sqlx::Error> {
    select_revisions(pool, key, locale, None, i64::MAX).await
}

/// Revision `id` of a page, and the one before it (what it changed).
pub async fn revision(
    pool: &PgPool,
    key: PageKey,
    locale: Locale,
    id: i64,
) -> Result<Option<(PageRevision, Option<PageRevision>)>, sqlx::Error> {
    let mut both = select_revisions(pool, key, locale, Some(id), 2).await?;
    if both.first().is_none_or(|revision| revision.id != id) {
        return Ok(None);
    }
    let previous = (both.len() == 2).then(|| both.remove(1));
    Ok(Some((both.remove(0), previous)))
}

/// Revisions of a page, newest first; with `up_to`, only that one and older ones.
async fn select_revisions(
    pool: &PgPool,
    key: PageKey,
    locale: Locale,
    up_to: Option<i64>,
    limit: i64,
) -> Result<Vec<PageRevision>, sqlx::Error> {
    sqlx::query_as!(
        PageRevision,
        r#"select id, title, meta_description, body_markdown, written_at, author
           from page_revision
           where page_key = $1 and locale = $2 and ($3::bigint is null or id <= $3)
           order by id desc
           limit $4"#,
        key as PageKey,
        locale as Locale,
        up_to,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Makes revision `id` the current text again, as a new revision.
pub async fn restore(
    pool: &PgPool,
    key: PageKey,
    locale: Locale,
    id: i64,
    actor: &Actor,
) -> Result<Saved, sqlx::Error> {
    let Some((old, _)) = revision(pool, key, locale, id).await? else {
        return Ok(Saved::Missing);
    };
    let text = PageText {
        title: old.title.clone(),
        meta_description: old.meta_description.clone(),
        body_markdown: old.body_markdown.clone(),
    };
    let detail = old.describe();
    store(
        pool,
        key,
        locale,
        &text,
        actor,
        None,
        ActivityKind::PageRestored,
        &detail,
    )
    .await
}

/// Keeps the current text of every page that has no revision yet (a new installation's
/// defaults) as its first revision, so that the first save can be compared with it.
pub async fn keep_first_revisions(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    let inserted = sqlx::query!(
        r#"insert into page_revision (page_key, locale, title, meta_description, body_markdown)
           select page_key, locale, title, meta_description, body_markdown from page p
           where not exists (select from page_revision r
                             where r.page_key = p.page_key and r.locale = p.locale)"#
    )
    .execute(db)
    .await?;
    Ok(inserted.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_text_needs_a_one_line_title_and_fits_the_table() {
        assert!(PageText::parse("Ziele", "", "Text").is_ok());
        let problems = PageText::parse("", &"x".repeat(301), "").unwrap_err();
        assert_eq!(problems[0], (PageTextField::Title, FieldError::Required));
        assert_eq!(
            problems[1],
            (
                PageTextField::MetaDescription,
                FieldError::TooLong { max: 300 }
            )
        );
        assert!(PageText::parse("Titel\nZwei", "", "").is_err());
        assert_eq!(
            PageText::parse("T", "", "a\r\nb").unwrap().body_markdown,
            "a\nb"
        );
    }

    #[test]
    fn a_description_typed_over_several_lines_becomes_one() {
        let text = PageText::parse("T", "Erste Zeile\r\nzweite  Zeile ", "").unwrap();
        assert_eq!(text.meta_description, "Erste Zeile zweite Zeile");
    }
}
