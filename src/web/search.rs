//! The search page (`/suche?q=…`, `/en/search?q=…`), which the field in every header sends to.
//! Rendered per request: results are not held, as queries are endless. Queries are never
//! logged (the request log has the path only): what people search for can be personal.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::error::AppError;
use crate::i18n::Locale;
use crate::search::excerpt::{self, Fragment};
use crate::search::query::{self, Hit, Outcome, QueryProblem, SearchQuery};
use crate::state::AppState;
use crate::web::layout::Layout;
use crate::web::listing::{self, Pagination};

/// Results on a page.
const PER_PAGE: usize = 10;

pub fn path(locale: Locale) -> &'static str {
    match locale {
        Locale::De => "/suche",
        Locale::En => "/en/search",
    }
}

/// The address of a search for `query`, on page `page` of its results.
fn query_path(locale: Locale, query: &str, page: usize) -> String {
    let mut parameters = vec![("q", query.to_owned())];
    if page > 1 {
        parameters.push((listing::page_parameter(locale), page.to_string()));
    }
    let encoded = serde_urlencoded::to_string(parameters).unwrap_or_default();
    format!("{}?{encoded}", path(locale))
}

struct Words {
    heading: &'static str,
    description: &'static str,
    field_label: &'static str,
    button: &'static str,
    hint: &'static str,
    start: &'static str,
    too_long: &'static str,
    nothing_to_search: &'static str,
    none_found: &'static str,
    suggestions: [&'static str; 3],
    previous: &'static str,
    next: &'static str,
    pagination_label: &'static str,
    results_label: &'static str,
}

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::De => &Words {
            heading: "Suche",
            description: "Durchsuchen Sie die Website von DEFUS: Seiten, Aktuelles, Termine, Dokumente und Mitglieder.",
            field_label: "Suchbegriff",
            button: "Suchen",
            hint: "Mehrere Wörter finden Seiten mit allen. „Wörter in Anführungszeichen“ finden genau diese Folge, ein Minus davor (-Wort) schließt ein Wort aus.",
            start: "Geben Sie ein Wort ein, etwa „Prävention“, „Mitgliedschaft“ oder den Namen einer Stadt.",
            too_long: "Ihr Suchbegriff ist zu lang. Bitte verwenden Sie höchstens 200 Zeichen.",
            nothing_to_search: "Ihre Suche enthält kein Wort, nach dem sich suchen lässt: Sehr häufige Wörter wie „und“ oder „die“ und Satzzeichen lassen wir aus. Versuchen Sie ein genaueres Wort, etwa „Prävention“.",
            none_found: "Keine Treffer für",
            suggestions: [
                "Prüfen Sie die Schreibweise.",
                "Versuchen Sie ein allgemeineres oder ein anderes Wort.",
                "Suchen Sie mit weniger Wörtern.",
            ],
            previous: "Vorherige Treffer",
            next: "Weitere Treffer",
            pagination_label: "Seiten der Treffer",
            results_label: "Treffer",
        },
        Locale::En => &Words {
            heading: "Search",
            description: "Search the DEFUS website: pages, news, events, documents and members.",
            field_label: "Search term",
            button: "Search",
            hint: "Several words find pages with all of them. \"Words in quotes\" find exactly that phrase; a minus in front (-word) leaves a word out.",
            start: "Enter a word, such as \"prevention\", \"membership\" or the name of a city.",
            too_long: "Your search term is too long. Please use 200 characters at most.",
            nothing_to_search: "Your search has no word to look for: very common words such as \"and\" or \"the\" and punctuation are left out. Try a more specific word, such as \"prevention\".",
            none_found: "No results for",
            suggestions: [
                "Check the spelling.",
                "Try a more general or a different word.",
                "Search with fewer words.",
            ],
            previous: "Previous results",
            next: "More results",
            pagination_label: "Pages of results",
            results_label: "Results",
        },
    }
}

/// `7 Treffer für „Prävention“`, `1 result for “prevention”`.
fn count_text(locale: Locale, total: usize, query: &str) -> String {
    match (locale, total) {
        (Locale::De, total) => format!("{total} Treffer für „{query}“"),
        (Locale::En, 1) => format!("1 result for “{query}”"),
        (Locale::En, total) => format!("{total} results for “{query}”"),
    }
}

/// One result as the page lists it.
struct HitView {
    href: String,
    title: Vec<Fragment>,
    excerpt: Vec<Fragment>,
    kind: &'static str,
    /// Set when the result is in the other language: its code, and its name in the page's.
    language: Option<(&'static str, &'static str)>,
}

impl HitView {
    fn of(hit: Hit, stems: &[String], page_locale: Locale) -> Self {
        Self {
            title: excerpt::highlight(&hit.title, stems),
            excerpt: excerpt::excerpt(&hit.body, stems),
            kind: hit.kind.label(page_locale),
            language: (hit.locale != page_locale).then(|| {
                let name = match page_locale {
                    Locale::De => "Englisch",
                    Locale::En => "German",
                };
                (hit.locale.code(), name)
            }),
            href: hit.path,
        }
    }
}

/// What the page shows under the form.
enum Shown {
    /// No query yet.
    Start,
    /// A query that cannot be searched for, and why.
    Problem(&'static str),
    NoneFound(String),
    Found {
        count: String,
        hits: Vec<HitView>,
        /// Where the previous and next results are (`newer_path`, `older_path`).
        pagination: Pagination,
    },
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTemplate<'a> {
    layout: Layout<'a>,
    words: &'static Words,
    action: &'static str,
    query: &'a str,
    shown: Shown,
}

/// Shows the search form and the results for `q`, page `seite` (`page`).
pub async fn show(
    State(state): State<AppState>,
    Query(parameters): Query<HashMap<String, String>>,
    locale: Locale,
) -> Result<Response, AppError> {
    let typed = parameters.get("q").map_or("", String::as_str);
    let page = match parameters.get(listing::page_parameter(locale)) {
        None => 1,
        Some(page) => page
            .parse::<usize>()
            .ok()
            .filter(|page| (1..=1000).contains(page))
            .ok_or(AppError::NotFound)?,
    };
    let words = words(locale);
    let parsed = SearchQuery::parse(typed);
    let title = match &parsed {
        Ok(query) => format!("{}: {}", words.heading, query.as_str()),
        Err(_) => words.heading.to_owned(),
    };
    let (status, shown) = match parsed {
        Err(QueryProblem::Empty) => (StatusCode::OK, Shown::Start),
        Err(QueryProblem::TooLong) => (StatusCode::BAD_REQUEST, Shown::Problem(words.too_long)),
        Ok(query) => {
            let outcome = query::search(&state.pool, &query, locale, page, PER_PAGE).await?;
            (StatusCode::OK, shown(outcome, &query, locale, page)?)
        }
    };
    let content = state.pages.content();
    let facts = content.facts.as_ref();
    let layout = Layout::for_other(locale, &title, facts)
        .with_description(words.description)
        .with_language_versions(
            Locale::ALL
                .map(|version| (version, state.site.base_url.join(path(version))))
                .into(),
        )
        .with_counterpart(if typed.is_empty() {
            path(locale.other()).to_owned()
        } else {
            query_path(locale.other(), typed, 1)
        })
        .without_header_search();
    let is_result_page = !typed.is_empty();
    let layout = if is_result_page {
        layout.not_for_indexing()
    } else {
        layout
    };
    let html = SearchTemplate {
        layout,
        words,
        action: path(locale),
        query: typed,
        shown,
    }
    .render()?;
    let mut response = (status, Html(html)).into_response();
    if is_result_page {
        // What someone searched for stays with them: no shared cache keeps it, and search engines
        // are told the same as the page's own meta tag says.
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    } else {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    Ok(response)
}

fn shown(
    outcome: Outcome,
    query: &SearchQuery,
    locale: Locale,
    page: usize,
) -> Result<Shown, AppError> {
    let words = words(locale);
    let results = match outcome {
        Outcome::NothingToSearch => return Ok(Shown::Problem(words.nothing_to_search)),
        Outcome::Found(results) if results.total == 0 && page == 1 => {
            return Ok(Shown::NoneFound(format!(
                "{} {}",
                words.none_found,
                quoted(locale, query.as_str())
            )));
        }
        // A later page than there are.
        Outcome::Found(results) if results.hits.is_empty() => return Err(AppError::NotFound),
        Outcome::Found(results) => results,
    };
    let pages = listing::page_count(results.total, PER_PAGE);
    Ok(Shown::Found {
        count: count_text(locale, results.total, query.as_str()),
        pagination: Pagination {
            page,
            pages,
            newer_path: (page > 1).then(|| query_path(locale, query.as_str(), page - 1)),
            older_path: (page < pages).then(|| query_path(locale, query.as_str(), page + 1)),
            words: locale.publishing(),
        },
        hits: results
            .hits
            .into_iter()
            .map(|hit| HitView::of(hit, &results.stems, locale))
            .collect(),
    })
}

fn quoted(locale: Locale, text: &str) -> String {
    match locale {
        Locale::De => format!("„{text}“."),
        Locale::En => format!("“{text}”."),
    }
}
