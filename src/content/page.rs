//! The pages of the public site: which exist, their paths per language, and their stored texts.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::i18n::Locale;
use crate::text_enum;

text_enum! {
    /// Every page of the public site. Paths are fixed here; the texts are rows in the `page`
    /// table, under the page's code (`page.page_key`).
    pub enum PageKey {
        Start = "start",
        Goals = "goals",
        History = "history",
        Efus = "efus",
        Membership = "membership",
        Contact = "contact",
        LegalNotice = "legal-notice",
        Privacy = "privacy",
        Accessibility = "accessibility",
        /// The site in Leichte Sprache (German) and Plain English, linked from every header.
        EasyRead = "easy-read",
    }
}

impl PageKey {
    /// The pages linked from every footer.
    pub const FOOTER_NAVIGATION: [PageKey; 3] = [
        PageKey::LegalNotice,
        PageKey::Privacy,
        PageKey::Accessibility,
    ];

    pub fn path(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (PageKey::Start, Locale::De) => "/",
            (PageKey::Start, Locale::En) => "/en/",
            (PageKey::Goals, Locale::De) => "/ziele",
            (PageKey::Goals, Locale::En) => "/en/goals",
            (PageKey::History, Locale::De) => "/geschichte",
            (PageKey::History, Locale::En) => "/en/history",
            (PageKey::Efus, Locale::De) => "/efus",
            (PageKey::Efus, Locale::En) => "/en/efus",
            (PageKey::Membership, Locale::De) => "/mitgliedschaft",
            (PageKey::Membership, Locale::En) => "/en/membership",
            (PageKey::Contact, Locale::De) => "/kontakt",
            (PageKey::Contact, Locale::En) => "/en/contact",
            (PageKey::LegalNotice, Locale::De) => "/impressum",
            (PageKey::LegalNotice, Locale::En) => "/en/legal-notice",
            (PageKey::Privacy, Locale::De) => "/datenschutz",
            (PageKey::Privacy, Locale::En) => "/en/privacy",
            (PageKey::Accessibility, Locale::De) => "/barrierefreiheit",
            (PageKey::Accessibility, Locale::En) => "/en/accessibility",
            (PageKey::EasyRead, Locale::De) => "/leichte-sprache",
            (PageKey::EasyRead, Locale::En) => "/en/plain-english",
        }
    }

    /// The short name of the page in menus.
    pub fn link_label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (PageKey::Start, Locale::De) => "Start",
            (PageKey::Start, Locale::En) => "Home",
            (PageKey::Goals, Locale::De) => "Ziele",
            (PageKey::Goals, Locale::En) => "Goals",
            (PageKey::History, Locale::De) => "Geschichte",
            (PageKey::History, Locale::En) => "History",
            (PageKey::Efus, _) => "EFUS",
            (PageKey::Membership, Locale::De) => "Mitgliedschaft",
            (PageKey::Membership, Locale::En) => "Membership",
            (PageKey::Contact, Locale::De) => "Kontakt",
            (PageKey::Contact, Locale::En) => "Contact",
            (PageKey::LegalNotice, Locale::De) => "Impressum",
            (PageKey::LegalNotice, Locale::En) => "Legal notice",
            (PageKey::Privacy, Locale::De) => "Datenschutz",
            (PageKey::Privacy, Locale::En) => "Privacy",
            (PageKey::Accessibility, Locale::De) => "Barrierefreiheit",
            (PageKey::Accessibility, Locale::En) => "Accessibility",
            // The labels people who need them look for, as the Netzwerk Leichte Sprache uses it.
            (PageKey::EasyRead, Locale::De) => "Leichte Sprache",
            (PageKey::EasyRead, Locale::En) => "Plain English",
        }
    }
}

/// One page's texts in one language, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub key: PageKey,
    pub locale: Locale,
    pub title: String,
    pub meta_description: String,
    pub body_markdown: String,
    pub updated_at: DateTime<Utc>,
}

/// The stored texts of `key` in `locale`, or `None` if that row is missing.
pub async fn find(
    db: impl PgExecutor<'_>,
    key: PageKey,
    locale: Locale,
) -> Result<Option<Page>, sqlx::Error> {
    sqlx::query_as!(
        Page,
        r#"select page_key as "key: PageKey", locale as "locale: Locale", title,
                  meta_description, body_markdown, updated_at
           from page where page_key = $1 and locale = $2"#,
        key as PageKey,
        locale as Locale,
    )
    .fetch_optional(db)
    .await
}

/// Every stored page text, for the staff area's list.
pub async fn list_all(db: impl PgExecutor<'_>) -> Result<Vec<Page>, sqlx::Error> {
    sqlx::query_as!(
        Page,
        r#"select page_key as "key: PageKey", locale as "locale: Locale", title,
                  meta_description, body_markdown, updated_at
           from page order by page_key, locale"#
    )
    .fetch_all(db)
    .await
}

/// Stores a page's texts unless the page already has texts in that language, so that an edit
/// made by staff is never overwritten. Returns whether the texts were stored.
pub async fn insert_if_missing(
    db: impl PgExecutor<'_>,
    key: PageKey,
    locale: Locale,
    title: &str,
    meta_description: &str,
    body_markdown: &str,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        r#"insert into page (page_key, locale, title, meta_description, body_markdown)
           values ($1, $2, $3, $4, $5)
           on conflict (page_key, locale) do nothing"#,
        key as PageKey,
        locale as Locale,
        title,
        meta_description,
        body_markdown,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_page_has_its_own_path_in_each_language() {
        let paths: HashSet<_> = PageKey::ALL
            .iter()
            .flat_map(|page| Locale::ALL.map(|locale| page.path(locale)))
            .collect();
        assert_eq!(paths.len(), PageKey::ALL.len() * Locale::ALL.len());
    }

    #[test]
    fn english_paths_live_under_en_and_german_ones_do_not() {
        for page in PageKey::ALL {
            assert_eq!(Locale::of_path(page.path(Locale::En)), Locale::En);
            assert_eq!(Locale::of_path(page.path(Locale::De)), Locale::De);
        }
    }
}
