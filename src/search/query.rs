//! Asking PostgreSQL: what a visitor typed, made safe to search for, and the results ranked, in
//! the visitor's language first.

use sqlx::PgPool;

use crate::i18n::Locale;
use crate::search::SearchKind;
use crate::search::words::{stem_form, with_umlauts};

/// What a visitor typed, trimmed, with control characters read as spaces (they mean nothing to
/// the search, and PostgreSQL cannot take a NUL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery(String);

/// Why there is nothing to search for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryProblem {
    Empty,
    TooLong,
}

impl SearchQuery {
    /// Longer than any real search; a longer one is refused rather than cut, so that the visitor
    /// knows.
    pub const MAX_CHARS: usize = 200;

    pub fn parse(input: &str) -> Result<Self, QueryProblem> {
        let cleaned: String = input
            .chars()
            .map(|letter| if letter.is_control() { ' ' } else { letter })
            .collect();
        let words: Vec<&str> = cleaned.split_whitespace().collect();
        let query = one_minus_at_a_time(&words.join(" "));
        if query.is_empty() {
            Err(QueryProblem::Empty)
        } else if query.chars().count() > Self::MAX_CHARS {
            Err(QueryProblem::TooLong)
        } else {
            Ok(Self(query))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A run of minus signs (`--x`, `- - x`) becomes one: each would be one more "not" stacked on
/// the next word, and PostgreSQL refuses a query with a few dozen of them.
fn one_minus_at_a_time(query: &str) -> String {
    let mut folded = String::with_capacity(query.len());
    let mut in_run = false;
    for letter in query.chars() {
        match letter {
            '-' if in_run => {}
            '-' => {
                in_run = true;
                folded.push('-');
            }
            ' ' if in_run => {}
            other => {
                in_run = false;
                folded.push(other);
            }
        }
    }
    folded
}

/// Whether PostgreSQL refused the query as beyond its limits (too many operators nested, a query
/// or word too large) rather than failing: for the visitor, a query with nothing to search for.
fn is_beyond_query_limits(error: &sqlx::Error) -> bool {
    let sqlx::Error::Database(error) = error else {
        return false;
    };
    let code = error.code();
    // 54xxx: program limit exceeded. The stack of operators, alas, reports an internal error.
    code.as_deref().is_some_and(|code| code.starts_with("54"))
        || (code.as_deref() == Some("XX000") && error.message().contains("tsquery stack"))
}

/// One result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub kind: SearchKind,
    pub locale: Locale,
    pub path: String,
    pub title: String,
    pub body: String,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    /// Of all pages.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// The stems the query was made of, both languages', to mark them in the results.
    pub stems: Vec<String>,
}

/// What came of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The query has no word to search for: only common words ("die", "the"), punctuation, or
    /// only words to leave out (`-polizei`).
    NothingToSearch,
    Found(Results),
}

/// Searches for `query` in the entries (`websearch_to_tsquery` syntax: "a phrase", `-word`,
/// `or`), results in `locale` first, then by rank; page `page` (from 1) of `per_page`.
pub async fn search(
    pool: &PgPool,
    query: &SearchQuery,
    locale: Locale,
    page: usize,
    per_page: usize,
) -> Result<Outcome, sqlx::Error> {
    match search_entries(pool, query, locale, page, per_page).await {
        Err(error) if is_beyond_query_limits(&error) => Ok(Outcome::NothingToSearch),
        outcome => outcome,
    }
}

async fn search_entries(
    pool: &PgPool,
    query: &SearchQuery,
    locale: Locale,
    page: usize,
    per_page: usize,
) -> Result<Outcome, sqlx::Error> {
    let german = with_umlauts(query.as_str());
    let english = query.as_str();
    // The positive part of each query; empty or "T" when nothing is left to look up.
    let trees = sqlx::query!(
        r#"select querytree(websearch_to_tsquery('german', $1)) as "german!",
                  querytree(websearch_to_tsquery('english', $2)) as "english!""#,
        german,
        english,
    )
    .fetch_one(pool)
    .await?;
    // Judged in the visitor's language: "die" is a word in English, but not one a German
    // visitor means.
    let tree_in_locale = match locale {
        Locale::De => &trees.german,
        Locale::En => &trees.english,
    };
    if tree_in_locale.is_empty() || tree_in_locale == "T" {
        return Ok(Outcome::NothingToSearch);
    }
    let mut stems = lexemes(&trees.german);
    stems.extend(lexemes(&trees.english).iter().map(|stem| stem_form(stem)));
    stems.sort();
    stems.dedup();

    let offset = page.saturating_sub(1).saturating_mul(per_page);
    let rows = sqlx::query_file!(
        "src/search/search.sql",
        german,
        english,
        locale as Locale,
        i64::try_from(per_page).unwrap_or(i64::MAX),
        i64::try_from(offset).unwrap_or(i64::MAX),
    )
    .fetch_all(pool)
    .await?;
    let total = rows
        .first()
        .map_or(0, |row| usize::try_from(row.total).unwrap_or(0));
    let hits = rows
        .into_iter()
        .map(|row| Hit {
            kind: row.kind,
            locale: row.locale,
            path: row.path,
            title: row.title,
            body: row.body,
        })
        .collect();
    Ok(Outcome::Found(Results { total, hits, stems }))
}

/// The lexemes of a query tree as PostgreSQL prints it: `'urban' <-> 'sich' & 'pravention'`.
fn lexemes(tree: &str) -> Vec<String> {
    let mut lexemes = Vec::new();
    let mut chars = tree.chars().peekable();
    while let Some(letter) = chars.next() {
        if letter != '\'' {
            continue;
        }
        let mut lexeme = String::new();
        while let Some(letter) = chars.next() {
            match letter {
                // A quote inside a lexeme is written twice.
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    lexeme.push('\'');
                }
                '\'' => break,
                other => lexeme.push(other),
            }
        }
        if !lexeme.is_empty() {
            lexemes.push(lexeme);
        }
    }
    lexemes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_runs_of_spaces_become_single_spaces() {
        assert_eq!(
            SearchQuery::parse("  Prä\u{0}vention\r\n  Stadt\t").map(|query| query.0),
            Ok("Prä vention Stadt".to_owned())
        );
        assert_eq!(SearchQuery::parse(" \u{7} "), Err(QueryProblem::Empty));
        assert_eq!(
            SearchQuery::parse(&"a".repeat(201)),
            Err(QueryProblem::TooLong)
        );
        assert!(SearchQuery::parse(&"ä".repeat(200)).is_ok());
    }

    #[test]
    fn runs_of_minus_signs_become_one() {
        assert_eq!(
            SearchQuery::parse(&"-".repeat(40)).map(|query| query.0),
            Ok("-".to_owned())
        );
        assert_eq!(
            SearchQuery::parse("Stadt - - -- Polizei -Bahn").map(|query| query.0),
            Ok("Stadt -Polizei -Bahn".to_owned())
        );
        assert_eq!(
            SearchQuery::parse("Kriminal-Prävention").map(|query| query.0),
            Ok("Kriminal-Prävention".to_owned())
        );
    }

    #[test]
    fn lexemes_are_read_from_a_query_tree() {
        assert_eq!(
            lexemes("'urban' <-> 'sich' & 'pravention' | 'o''neil'"),
            ["urban", "sich", "pravention", "o'neil"]
        );
        assert!(lexemes("T").is_empty());
    }
}
