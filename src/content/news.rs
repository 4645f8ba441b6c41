//! News items ("Aktuelles"): what they are, how a form becomes one, and how they are stored.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgExecutor, PgPool};

use crate::content::image::{self, ImageRef};
use crate::content::items::{self, ItemKind, Saved};
use crate::content::publication::{Publication, Visibility};
use crate::content::slug::Slug;
use crate::i18n::Locale;
use crate::input::{
    FieldError, Problems, SingleLine, one_paragraph, parse_choice, parse_date, parse_reference,
};
use crate::staff::activity::{self, ActivityKind, Actor, Subject};

/// A news item as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsItem {
    pub id: i64,
    pub slug: Slug,
    pub text: NewsText,
    pub image: Option<ImageRef>,
    pub updated_at: DateTime<Utc>,
    /// Who saved last.
    pub updated_by: String,
}

impl NewsItem {
    pub fn visibility(&self, today: NaiveDate) -> Visibility {
        Visibility::on(self.text.state, self.text.published_on, today)
    }

    pub fn locale(&self) -> Locale {
        self.text.locale
    }
}

/// What staff write: everything of a news item but its address and history. The image is
/// referred to by its id, once it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsText {
    pub locale: Locale,
    pub title: String,
    /// As typed; `None` means "made from the title".
    pub slug: Option<Slug>,
    pub teaser: String,
    pub body_markdown: String,
    pub published_on: NaiveDate,
    pub state: Publication,
    pub counterpart_id: Option<i64>,
    pub image_id: Option<i64>,
    pub image_alt: String,
}

/// The fields of the news form, for its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewsField {
    Locale,
    Title,
    Slug,
    Teaser,
    Body,
    PublishedOn,
    State,
    Counterpart,
    Image,
    ImageAlt,
}

impl items::SaveFields for NewsField {
    const SLUG: Self = NewsField::Slug;
    const COUNTERPART: Self = NewsField::Counterpart;
}

/// The news form's values, as typed.
#[derive(Debug, Clone, Copy)]
pub struct NewsInput<'a> {
    pub locale: &'a str,
    pub title: &'a str,
    pub slug: &'a str,
    pub teaser: &'a str,
    pub body: &'a str,
    pub published_on: &'a str,
    pub state: &'a str,
    pub counterpart: &'a str,
    pub image_alt: &'a str,
}

impl NewsText {
    pub const MAX_TITLE_LENGTH: usize = 200;
    pub const MAX_TEASER_LENGTH: usize = 400;
    pub const MAX_BODY_LENGTH: usize = 100_000;
    pub const MAX_ALT_LENGTH: usize = 300;

    /// Checks the form. `image_id` is the picture the item will have (already stored).
    pub fn parse(
        input: NewsInput<'_>,
        image_id: Option<i64>,
    ) -> Result<Self, Vec<(NewsField, FieldError)>> {
        let mut problems = Problems::default();
        let locale = problems.check(
            NewsField::Locale,
            parse_choice(input.locale, Locale::from_code),
        );
        let title = problems.check(
            NewsField::Title,
            SingleLine::parse(input.title, 1, Self::MAX_TITLE_LENGTH),
        );
        let slug = problems.check(
            NewsField::Slug,
            if input.slug.trim().is_empty() {
                Ok(None)
            } else {
                Slug::parse(input.slug).map(Some)
            },
        );
        let teaser = problems.check(
            NewsField::Teaser,
            one_paragraph(input.teaser, Self::MAX_TEASER_LENGTH),
        );
        let body = input.body.replace("\r\n", "\n");
        let body = problems.check(
            NewsField::Body,
            if body.chars().count() > Self::MAX_BODY_LENGTH {
                Err(FieldError::TooLong {
                    max: Self::MAX_BODY_LENGTH,
                })
            } else {
                Ok(body.trim_end().to_owned())
            },
        );
        let published_on = problems.check(NewsField::PublishedOn, parse_date(input.published_on));
        let state = problems.check(
            NewsField::State,
            parse_choice(input.state, Publication::from_code),
        );
        let counterpart_id =
            problems.check(NewsField::Counterpart, parse_reference(input.counterpart));
        let image_alt = problems.check(
            NewsField::ImageAlt,
            match image_id {
                Some(_) => SingleLine::parse(input.image_alt, 1, Self::MAX_ALT_LENGTH)
                    .map(|alt| alt.as_str().to_owned()),
                None => Ok(String::new()),
            },
        );
        match (
            locale,
            title,
            slug,
            teaser,
            body,
            published_on,
            state,
            counterpart_id,
            image_alt,
        ) {
            (
                Some(locale),
                Some(title),
                Some(slug),
                Some(teaser),
                Some(body_markdown),
                Some(published_on),
                Some(state),
                Some(counterpart_id),
                Some(image_alt),
            ) => Ok(Self {
                locale,
                title: title.as_str().to_owned(),
                slug,
                teaser,
                body_markdown,
                published_on,
                state,
                counterpart_id,
                image_id,
                image_alt,
            }),
            _ => Err(problems.into_vec()),
        }
    }
}

/// One row of `news_item` with its picture.
struct Row {
    id: i64,
    locale: Locale,
    slug: String,
    title: String,
    teaser: String,
    body_markdown: String,
    published_on: NaiveDate,
    state: Publication,
    counterpart_id: Option<i64>,
    image_alt: String,
    updated_at: DateTime<Utc>,
    updated_by: String,
    image_id: Option<i64>,
    image_key: Option<String>,
    image_type: Option<String>,
    image_width: Option<i32>,
    image_height: Option<i32>,
}

impl From<Row> for NewsItem {
    fn from(row: Row) -> Self {
        let image = match (
            row.image_id,
            row.image_key,
            row.image_type,
            row.image_width,
            row.image_height,
        ) {
            (Some(id), Some(key), Some(content_type), Some(width), Some(height)) => {
                Some(image::reference(id, key, &content_type, width, height))
            }
            _ => None,
        };
        let slug = Slug::stored(row.slug);
        NewsItem {
            id: row.id,
            text: NewsText {
                locale: row.locale,
                title: row.title,
                slug: Some(slug.clone()),
                teaser: row.teaser,
                body_markdown: row.body_markdown,
                published_on: row.published_on,
                state: row.state,
                counterpart_id: row.counterpart_id,
                image_id: image.as_ref().map(|image| image.id),
                image_alt: row.image_alt,
            },
            slug,
            image,
            updated_at: row.updated_at,
            updated_by: row.updated_by,
        }
    }
}

/// Every item published (including those scheduled for a later day), newest first; which of
/// them visitors see depends on the day.
pub async fn list_published(db: impl PgExecutor<'_>) -> Result<Vec<NewsItem>, sqlx::Error> {
    let rows = sqlx::query_as!(
        Row,
        r#"select n.id, n.locale as "locale: Locale", n.slug, n.title, n.teaser,
                  n.body_markdown, n.published_on, n.state as "state: Publication",
                  n.counterpart_id, n.image_alt, n.updated_at, n.updated_by,
                  i.id as "image_id?", i.key as "image_key?", i.content_type as "image_type?",
                  i.width as "image_width?", i.height as "image_height?"
           from news_item n left join image i on i.id = n.image_id
           where n.state = 'published'
           order by n.published_on desc, n.id desc"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(NewsItem::from).collect())
}

/// Every item, drafts too, newest first (for the staff area).
pub async fn list_all(db: impl PgExecutor<'_>) -> Result<Vec<NewsItem>, sqlx::Error> {
    let rows = sqlx::query_as!(
        Row,
        r#"select n.id, n.locale as "locale: Locale", n.slug, n.title, n.teaser,
                  n.body_markdown, n.published_on, n.state as "state: Publication",
                  n.counterpart_id, n.image_alt, n.updated_at, n.updated_by,
                  i.id as "image_id?", i.key as "image_key?", i.content_type as "image_type?",
                  i.width as "image_width?", i.height as "image_height?"
           from news_item n left join image i on i.id = n.image_id
           order by n.published_on desc, n.id desc"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(NewsItem::from).collect())
}

pub async fn find(db: impl PgExecutor<'_>, id: i64) -> Result<Option<NewsItem>, sqlx::Error> {
    let row = sqlx::query_as!(
        Row,
        r#"select n.id, n.locale as "locale: Locale", n.slug, n.title, n.teaser,
                  n.body_markdown, n.published_on, n.state as "state: Publication",
                  n.counterpart_id, n.image_alt, n.updated_at, n.updated_by,
                  i.id as "image_id?", i.key as "image_key?", i.content_type as "image_type?",
                  i.width as "image_width?", i.height as "image_height?"
           from news_item n left join image i on i.id = n.image_id
           where n.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(NewsItem::from))
}

/// Stores `text` as a new item (`id` `None`) or as the new state of item `id`, keeping it as a
/// version by `actor`. `opened_at` is the `updated_at` the form started from; when given and no
/// longer current, nothing is saved.
pub async fn save(
    pool: &PgPool,
    id: Option<i64>,
    text: &NewsText,
    actor: &Actor,
    opened_at: Option<DateTime<Utc>>,
) -> Result<Saved<NewsField>, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let saving = items::Saving {
        kind: ItemKind::News,
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
    let stored = NewsText {
        slug: Some(slug.clone()),
        ..text.clone()
    };
    if let Some(id) = id
        && find(&mut *transaction, id)
            .await?
            .is_some_and(|item| item.text == stored)
    {
        return Ok(Saved::Unchanged(id));
    }
    let saved_id = match id {
        None => {
            sqlx::query_scalar!(
                r#"insert into news_item (locale, slug, title, teaser, body_markdown,
                                          published_on, state, image_id, image_alt, updated_by,
                                          first_published_at)
                   values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                           case when $7 = 'published' then now() end)
                   returning id"#,
                text.locale as Locale,
                slug.as_str(),
                text.title,
                text.teaser,
                text.body_markdown,
                text.published_on,
                text.state as Publication,
                text.image_id,
                text.image_alt,
                actor.name,
            )
            .fetch_one(&mut *transaction)
            .await?
        }
        Some(id) => {
            sqlx::query!(
                r#"update news_item set
                       locale = $2, slug = $3, title = $4, teaser = $5, body_markdown = $6,
                       published_on = $7, state = $8, image_id = $9, image_alt = $10,
                       updated_by = $11,
                       first_published_at = coalesce(first_published_at,
                                                     case when $8 = 'published' then now() end)
                   where id = $1"#,
                id,
                text.locale as Locale,
                slug.as_str(),
                text.title,
                text.teaser,
                text.body_markdown,
                text.published_on,
                text.state as Publication,
                text.image_id,
                text.image_alt,
                actor.name,
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

/// Deletes item `id` with its versions and old addresses; its picture goes too, unless a
/// version of another item still uses it. Returns whether there was such an item.
pub async fn delete(pool: &PgPool, id: i64, actor: &Actor) -> Result<bool, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some(title) =
        sqlx::query_scalar!("delete from news_item where id = $1 returning title", id)
            .fetch_optional(&mut *transaction)
            .await?
    else {
        return Ok(false);
    };
    items::forget_addresses(&mut *transaction, ItemKind::News, id).await?;
    activity::record_titled(
        &mut *transaction,
        actor,
        ActivityKind::NewsDeleted,
        Subject::News(id),
        &title,
    )
    .await?;
    image::delete_unused(&mut *transaction).await?;
    transaction.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> NewsInput<'static> {
        NewsInput {
            locale: "de",
            title: "Jahresbericht 2025",
            slug: "",
            teaser: "Was der Verein\r\n2025 getan hat.",
            body: "## Überblick\r\nText",
            published_on: "2026-03-01",
            state: "published",
            counterpart: "",
            image_alt: "",
        }
    }

    #[test]
    fn a_complete_form_becomes_a_news_text() {
        let text = NewsText::parse(input(), None).unwrap();
        assert_eq!(text.locale, Locale::De);
        assert_eq!(text.slug, None);
        assert_eq!(text.teaser, "Was der Verein 2025 getan hat.");
        assert_eq!(text.body_markdown, "## Überblick\nText");
        assert_eq!(
            text.published_on,
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
        assert_eq!(text.state, Publication::Published);
    }

    #[test]
    fn each_problem_is_named_at_its_field() {
        let problems = NewsText::parse(
            NewsInput {
                locale: "fr",
                title: "",
                slug: "Nicht Gut",
                teaser: "",
                published_on: "2026-02-30",
                state: "live",
                counterpart: "abc",
                ..input()
            },
            Some(7),
        )
        .unwrap_err();
        assert_eq!(
            problems,
            vec![
                (NewsField::Locale, FieldError::InvalidChoice),
                (NewsField::Title, FieldError::Required),
                (NewsField::Slug, FieldError::InvalidSlug),
                (NewsField::Teaser, FieldError::Required),
                (NewsField::PublishedOn, FieldError::InvalidDate),
                (NewsField::State, FieldError::InvalidChoice),
                (NewsField::Counterpart, FieldError::InvalidChoice),
                (NewsField::ImageAlt, FieldError::Required),
            ]
        );
    }
}
