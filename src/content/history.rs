//! Editing page texts with a memory: each save keeps the text it replaces as a version, and any
//! version can be looked at and brought back.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::content::page::PageKey;
use crate::i18n::{Locale, berlin_date_time};
use crate::input::{FieldError, SingleLine};

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
    pub const MAX_BODY_LENGTH: usize = 100_000;

    pub fn parse(
        title: &str,
        meta_description: &str,
        body_markdown: &str,
    ) -> Result<Self, Vec<(PageTextField, FieldError)>> {
        let mut problems = Vec::new();
        let title = SingleLine::parse(title, 1, 200)
            .map_err(|error| problems.push((PageTextField::Title, error)))
            .ok();
        let meta_description = if meta_description.trim().is_empty() {
            Ok(String::new())
        } else {
            SingleLine::parse(meta_description, 1, 300).map(|text| text.as_str().to_owned())
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
    /// The text is the same as the stored one; no version is made for nothing.
    Unchanged,
    /// Someone saved the page after the editor opened it; nothing was saved, so that their
    /// change is not overwritten unseen.
    Conflict,
    /// The page has no texts in that language.
    Missing,
}

/// Replaces the texts of `key` in `locale`, keeping the replaced texts as a version.
/// `opened_at` is the `updated_at` of the text the editor started from; when given and no
/// longer current, nothing is saved.
pub async fn save(
    pool: &PgPool,
    key: PageKey,
    locale: Locale,
    text: &PageText,
    by: i64,
    opened_at: Option<DateTime<Utc>>,
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
        r#"insert into page_version (page_key, locale, title, meta_description, body_markdown, replaced_by)
           values ($1, $2, $3, $4, $5, $6)"#,
        key as PageKey,
        locale as Locale,
        current.title,
        current.meta_description,
        current.body_markdown,
        by
    )
    .execute(&mut *transaction)
    .await?;
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
    transaction.commit().await?;
    Ok(Saved::Saved)
}

#[derive(Debug, Clone)]
pub struct PageVersion {
    pub id: i64,
    pub title: String,
    pub meta_description: String,
    pub body_markdown: String,
    pub replaced_at: DateTime<Utc>,
    pub replaced_by: Option<String>,
}

/// The earlier versions of a page, newest first.
pub async fn versions(
    pool: &PgPool,
    key: PageKey,
    locale: Locale,
) -> Result<Vec<PageVersion>, sqlx::Error> {
    select_versions(pool, key, locale, None).await
}

pub async fn version(
    pool: &PgPool,
    key: PageKey,
    locale: Locale,
    id: i64,
) -> Result<Option<PageVersion>, sqlx::Error> {
    Ok(select_versions(pool, key, locale, Some(id)).await?.pop())
}

/// The versions of a page (or only the one with `id`), newest first.
async fn select_versions(
    pool: &PgPool,
    key: PageKey,
    locale: Locale,
    id: Option<i64>,
) -> Result<Vec<PageVersion>, sqlx::Error> {
    sqlx::query_as!(
        PageVersion,
        r#"select v.id, v.title, v.meta_description, v.body_markdown, v.replaced_at,
                  a.email as "replaced_by?"
           from page_version v left join staff_account a on a.id = v.replaced_by
           where v.page_key = $1 and v.locale = $2 and ($3::bigint is null or v.id = $3)
           order by v.replaced_at desc, v.id desc"#,
        key as PageKey,
        locale as Locale,
        id
    )
    .fetch_all(pool)
    .await
}

/// Makes version `id` the current text again; the text it replaces becomes a version itself.
pub async fn restore(
    pool: &PgPool,
    key: PageKey,
    locale: Locale,
    id: i64,
    by: i64,
) -> Result<Saved, sqlx::Error> {
    let Some(old) = version(pool, key, locale, id).await? else {
        return Ok(Saved::Missing);
    };
    let text = PageText {
        title: old.title,
        meta_description: old.meta_description,
        body_markdown: old.body_markdown,
    };
    save(pool, key, locale, &text, by, None).await
}

impl PageVersion {
    /// When this text stopped being current, in Hannover's time, for the staff area.
    pub fn replaced_in_hannover(&self) -> String {
        berlin_date_time(self.replaced_at)
    }
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
}
