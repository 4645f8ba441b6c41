//! What the search finds: an entry per page, visible news item and event, document and member,
//! per language, written to `search_entry` whenever the content changes.

use chrono::NaiveDate;
use sqlx::PgPool;

use crate::content::site::SiteContent;
use crate::content::{OrganisationFacts, PageKey, markdown};
use crate::i18n::Locale;
use crate::search::SearchKind;
use crate::search::words::{compound_parts, with_umlauts};
use crate::web::layout::Section;
use crate::web::{events, news};

/// One thing a visitor can find, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub locale: Locale,
    pub kind: SearchKind,
    /// The same for an entry's versions in both languages when it is one thing (a document, a
    /// member), so that a search lists it once.
    pub item_key: String,
    pub path: String,
    pub title: String,
    /// What the page shows of it, as plain text.
    pub body: String,
}

/// The entries for what visitors see on `today`.
pub fn entries(content: &SiteContent, today: NaiveDate) -> Vec<Entry> {
    let mut entries = Vec::new();
    for page in content.pages.values() {
        let mut body = markdown::to_words(&page.body_markdown);
        if let Some(facts) = &content.facts {
            for line in facts_shown_on(page.key, facts) {
                body.push('\n');
                body.push_str(line);
            }
        }
        entries.push(Entry {
            locale: page.locale,
            kind: SearchKind::Page,
            item_key: format!("page:{}:{}", page.key, page.locale),
            path: page.key.path(page.locale).to_owned(),
            title: page.title.clone(),
            body,
        });
    }
    for item in content
        .news
        .iter()
        .filter(|item| item.visibility(today).is_public())
    {
        let text = &item.text;
        entries.push(Entry {
            locale: text.locale,
            kind: SearchKind::News,
            item_key: format!("news:{}", item.id),
            path: news::item_path(text.locale, item.slug.as_str()),
            title: text.title.clone(),
            body: format!(
                "{}\n{}",
                text.teaser,
                markdown::to_words(&text.body_markdown)
            ),
        });
    }
    for event in content
        .events
        .iter()
        .filter(|event| event.visibility().is_public())
    {
        let text = &event.text;
        let place = text.place_parts().join(", ");
        entries.push(Entry {
            locale: text.locale,
            kind: SearchKind::Event,
            item_key: format!("event:{}", event.id),
            path: events::item_path(text.locale, event.slug.as_str()),
            title: text.title.clone(),
            body: format!(
                "{}\n{place}",
                markdown::to_words(&text.description_markdown)
            ),
        });
    }
    for locale in Locale::ALL {
        // Indexed in the language it is written in, so that its words are stemmed as that
        // language's and the result says which it is.
        for document in content.documents.iter().filter(|document| {
            document
                .text
                .language
                .locale()
                .is_none_or(|language| language == locale)
        }) {
            let text = &document.text;
            entries.push(Entry {
                locale,
                kind: SearchKind::Document,
                item_key: format!("document:{}", document.id),
                path: document.path(),
                title: text.title.clone(),
                body: format!("{}\n{}", text.description, text.category.label(locale)),
            });
        }
        for member in &content.members {
            let text = &member.text;
            entries.push(Entry {
                locale,
                kind: SearchKind::Member,
                item_key: format!("member:{}", member.id),
                path: Section::Members.path(locale).to_owned(),
                title: text.name.clone(),
                body: text.federal_state.name(locale).to_owned(),
            });
        }
    }
    entries
}

/// The facts a page shows besides its text (see `templates/page_article.html`), so that the
/// contact page is found by its street. The footer's address is left out: on every page, it
/// would make every page a result.
fn facts_shown_on(key: PageKey, facts: &OrganisationFacts) -> Vec<&str> {
    let address = [
        Some(facts.legal_name.as_str()),
        facts.care_of.as_deref(),
        Some(facts.street.as_str()),
        Some(facts.postal_code.as_str()),
        Some(facts.city.as_str()),
        facts.phone.as_deref(),
        facts.email.as_deref(),
        facts.contact_person.as_deref(),
    ];
    match key {
        PageKey::History => facts.chairs.iter().map(String::as_str).collect(),
        PageKey::Membership | PageKey::Contact | PageKey::Privacy | PageKey::EasyRead => {
            address.into_iter().flatten().collect()
        }
        PageKey::LegalNotice => address
            .into_iter()
            .chain([
                facts.represented_by.as_deref(),
                facts.register_court.as_deref(),
                facts.register_number.as_deref(),
                facts.content_responsible.as_deref(),
            ])
            .flatten()
            .collect(),
        PageKey::Accessibility => [facts.arbitration_body.as_deref()]
            .into_iter()
            .flatten()
            .chain(facts.arbitration_address.iter().map(String::as_str))
            .collect(),
        PageKey::Start | PageKey::Goals | PageKey::Efus => Vec::new(),
    }
}

/// Replaces every entry with those of the content as it is now. Instances that do this at the
/// same time take turns, and each reads the content only once it has its turn, so the last
/// one writes the newest content. Returns the number of entries.
pub async fn rebuild(pool: &PgPool, today: NaiveDate) -> Result<usize, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    sqlx::query!("select pg_advisory_xact_lock(hashtext('search_entry'))")
        .execute(&mut *transaction)
        .await?;
    let content = SiteContent::read(&mut transaction).await?;
    let entries = entries(&content, today);
    sqlx::query!("delete from search_entry")
        .execute(&mut *transaction)
        .await?;
    let mut columns = Columns::default();
    for entry in &entries {
        columns.push(entry);
    }
    sqlx::query!(
        r#"insert into search_entry (locale, kind, item_key, path, title, body, searchable)
           select entry.locale, entry.kind, entry.item_key, entry.path, entry.title, entry.body,
                  setweight(to_tsvector(language.config, entry.words_of_title), 'A')
                  || setweight(to_tsvector(language.config, entry.words_of_body), 'B')
                  || setweight(to_tsvector(language.config, entry.compound_parts), 'D')
           from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                       $7::text[], $8::text[], $9::text[])
                    as entry(locale, kind, item_key, path, title, body, words_of_title,
                             words_of_body, compound_parts)
           cross join lateral (
               select case entry.locale when 'de' then 'german'::regconfig
                                        else 'english'::regconfig end as config
           ) as language"#,
        &columns.locales as &[Locale],
        &columns.kinds as &[SearchKind],
        &columns.item_keys,
        &columns.paths,
        &columns.titles,
        &columns.bodies,
        &columns.words_of_titles,
        &columns.words_of_bodies,
        &columns.compound_parts,
    )
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    Ok(entries.len())
}

/// The entries column by column, as `unnest` takes them.
#[derive(Default)]
struct Columns {
    locales: Vec<Locale>,
    kinds: Vec<SearchKind>,
    item_keys: Vec<String>,
    paths: Vec<String>,
    titles: Vec<String>,
    bodies: Vec<String>,
    words_of_titles: Vec<String>,
    words_of_bodies: Vec<String>,
    compound_parts: Vec<String>,
}

impl Columns {
    fn push(&mut self, entry: &Entry) {
        // German words as the search reads them (see `words`); English ones as they are.
        let (title, body, parts) = match entry.locale {
            Locale::De => {
                let title = with_umlauts(&entry.title);
                let body = with_umlauts(&entry.body);
                let parts = compound_parts(&format!("{title} {body}"));
                (title, body, parts)
            }
            Locale::En => (entry.title.clone(), entry.body.clone(), String::new()),
        };
        self.locales.push(entry.locale);
        self.kinds.push(entry.kind);
        self.item_keys.push(entry.item_key.clone());
        self.paths.push(entry.path.clone());
        self.titles.push(entry.title.clone());
        self.bodies.push(entry.body.clone());
        self.words_of_titles.push(title);
        self.words_of_bodies.push(body);
        self.compound_parts.push(parts);
    }
}
