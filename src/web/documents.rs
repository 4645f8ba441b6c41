//! The documents visitors find at `/dokumente` (`/en/documents`), grouped by category, and each
//! document's file at its own address, served as PDF viewers and download managers expect:
//! validators (`ETag`, 304) and byte ranges (206, 416).

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::content::OrganisationFacts;
use crate::content::documents::{self, Category, Document};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::state::{AppState, SiteSettings};
use crate::web::conditional;
use crate::web::layout::{Layout, Section};
use crate::web::listing;

/// The route of every document's file.
pub const ROUTE: &str = "/dokumente/{file}";

/// The words of the list page.
struct Words {
    intro: &'static str,
    empty: &'static str,
}

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::De => &Words {
            intro: "Satzung, Jahresberichte und weitere Veröffentlichungen des Forums zum Lesen und Herunterladen.",
            empty: "Zurzeit sind hier keine Dokumente veröffentlicht.",
        },
        Locale::En => &Words {
            intro: "The forum's statutes, annual reports and other publications to read and download. Most are in German.",
            empty: "No documents are published here at the moment.",
        },
    }
}

/// One entry of the list.
struct Entry {
    title: String,
    path: String,
    /// What a reader needs before clicking: `PDF, 1,2 MB, Deutsch`.
    facts: String,
    date: String,
    date_iso: String,
    description: String,
    /// The document's language where it is not the page's: marked on its title and description.
    lang: Option<&'static str>,
}

impl Entry {
    fn of(document: &Document, locale: Locale) -> Self {
        Self {
            lang: document
                .text
                .language
                .locale()
                .filter(|language| *language != locale)
                .map(Locale::code),
            title: document.text.title.clone(),
            path: document.path(),
            facts: format!(
                "{}, {}, {}",
                document.format.label(),
                documents::format_size(document.size, locale),
                document.text.language.label(locale)
            ),
            date: locale.format_day(document.text.published_on),
            date_iso: document.text.published_on.to_string(),
            description: document.text.description.clone(),
        }
    }
}

struct Group {
    heading: &'static str,
    entries: Vec<Entry>,
}

#[derive(Template)]
#[template(path = "documents/list.html")]
struct ListTemplate<'a> {
    layout: Layout<'a>,
    heading: &'static str,
    words: &'static Words,
    groups: Vec<Group>,
}

/// The list page in `locale`: every document (the language of each is said), by category.
pub fn render_list(
    locale: Locale,
    all: &[Document],
    facts: &OrganisationFacts,
    site: &SiteSettings,
) -> Result<String, askama::Error> {
    let groups = Category::ALL
        .into_iter()
        .map(|category| Group {
            heading: category.label(locale),
            entries: all
                .iter()
                .filter(|document| document.text.category == category)
                .map(|document| Entry::of(document, locale))
                .collect(),
        })
        .filter(|group| !group.entries.is_empty())
        .collect();
    let section = Section::Documents;
    ListTemplate {
        layout: listing::section_layout(section, locale, facts, site),
        heading: section.label(locale),
        words: words(locale),
        groups,
    }
    .render()
}

/// The part of a file asked for by a `Range` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Whole,
    /// From `start` to `end`, both included.
    Bytes {
        start: u64,
        end: u64,
    },
    /// A range that lies outside the file.
    Unsatisfiable,
}

/// Reads a `Range` header for a file of `size` bytes. One range is served as asked; several
/// (rare, and costly to answer) get the whole file, as RFC 9110 allows, and so does a header
/// that cannot be read.
fn requested_part(range: Option<&HeaderValue>, size: u64) -> Part {
    let Some(spec) = range
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().strip_prefix("bytes="))
    else {
        return Part::Whole;
    };
    if spec.contains(',') {
        return Part::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Part::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let parse = |number: &str| number.parse::<u64>().ok();
    match (first.is_empty(), last.is_empty()) {
        // `bytes=-500`: the last 500 bytes.
        (true, false) => match parse(last) {
            Some(0) => Part::Unsatisfiable,
            Some(suffix) => Part::Bytes {
                start: size.saturating_sub(suffix),
                end: size - 1,
            },
            None => Part::Whole,
        },
        (false, _) => match (
            parse(first),
            if last.is_empty() {
                Some(None)
            } else {
                parse(last).map(Some)
            },
        ) {
            (Some(start), Some(_)) if start >= size => Part::Unsatisfiable,
            (Some(start), Some(None)) => Part::Bytes {
                start,
                end: size - 1,
            },
            (Some(start), Some(Some(end))) if end >= start => Part::Bytes {
                start,
                end: end.min(size - 1),
            },
            _ => Part::Whole,
        },
        (true, true) => Part::Whole,
    }
}

/// A document's file at `/dokumente/{slug}.{extension}`. An address with another extension
/// than the file now has (it was replaced by another format) leads to the current one.
pub async fn serve(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (slug, extension) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let document = documents::find_by_slug(&state.pool, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if extension != document.format.extension() {
        return Ok(Redirect::permanent(&document.path()).into_response());
    }
    let etag = format!("\"{}\"", &document.sha256[..32]);
    let last_modified = std::time::SystemTime::from(document.updated_at);
    let mut answer = HeaderMap::new();
    answer.insert(header::ETAG, HeaderValue::from_str(&etag)?);
    answer.insert(
        header::LAST_MODIFIED,
        HeaderValue::from_str(&httpdate::fmt_http_date(last_modified))?,
    );
    answer.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    answer.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    answer.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if conditional::is_current(&headers, &etag, Some(last_modified)) {
        return Ok((StatusCode::NOT_MODIFIED, answer).into_response());
    }
    // A range of a file that changed since the client's copy would not fit its other parts.
    let range_applies = conditional::range_applies(&headers, &etag, Some(last_modified));
    let range = headers.get(header::RANGE).filter(|_| range_applies);
    let size = document.size;
    let (status, start, end) = match requested_part(range, size) {
        Part::Whole => (StatusCode::OK, 0, size - 1),
        Part::Bytes { start, end } => {
            answer.insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes {start}-{end}/{size}"))?,
            );
            (StatusCode::PARTIAL_CONTENT, start, end)
        }
        Part::Unsatisfiable => {
            answer.insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{size}"))?,
            );
            return Ok((StatusCode::RANGE_NOT_SATISFIABLE, answer).into_response());
        }
    };
    let bytes = documents::read_in_chunks(
        &state.pool,
        document.id,
        &document.sha256,
        start,
        end - start + 1,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    answer.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(document.format.media_type()),
    );
    answer.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&inline_disposition(&document.file_name))?,
    );
    answer.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start + 1));
    Ok((status, answer, Body::from_stream(bytes)).into_response())
}

/// `inline` with the file's name: plain ASCII for old clients, and the exact name in UTF-8
/// (RFC 6266) for the rest. Invisible format characters are dropped here too, for names stored
/// before uploads were cleaned of them.
fn inline_disposition(file_name: &str) -> String {
    let file_name: String = file_name
        .chars()
        .filter(|character| !documents::is_invisible_format(*character))
        .collect();
    let file_name = file_name.as_str();
    let ascii: String = deunicode::deunicode(file_name)
        .chars()
        .map(|character| match character {
            '"' | '\\' => '_',
            character if character.is_ascii_graphic() || character == ' ' => character,
            _ => '_',
        })
        .collect();
    format!(
        "inline; filename=\"{ascii}\"; filename*=UTF-8''{}",
        utf8_percent_encode(file_name, NON_ALPHANUMERIC)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(range: &str, size: u64) -> Part {
        requested_part(Some(&HeaderValue::from_str(range).unwrap()), size)
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(part("bytes=0-99", 1000), Part::Bytes { start: 0, end: 99 });
        assert_eq!(
            part("bytes=900-", 1000),
            Part::Bytes {
                start: 900,
                end: 999
            }
        );
        assert_eq!(
            part("bytes=-100", 1000),
            Part::Bytes {
                start: 900,
                end: 999
            }
        );
        assert_eq!(
            part("bytes=-5000", 1000),
            Part::Bytes { start: 0, end: 999 }
        );
        assert_eq!(
            part("bytes=500-5000", 1000),
            Part::Bytes {
                start: 500,
                end: 999
            }
        );
        assert_eq!(part("bytes=1000-", 1000), Part::Unsatisfiable);
        assert_eq!(part("bytes=-0", 1000), Part::Unsatisfiable);
        assert_eq!(part("bytes=0-1,5-6", 1000), Part::Whole);
        assert_eq!(part("items=0-1", 1000), Part::Whole);
        assert_eq!(part("bytes=9-3", 1000), Part::Whole);
    }

    #[test]
    fn the_file_name_survives_in_utf_8() {
        assert_eq!(
            inline_disposition("Jahresbericht 2025 – Übersicht.pdf"),
            "inline; filename=\"Jahresbericht 2025 - Ubersicht.pdf\"; filename*=UTF-8''Jahresbericht%202025%20%E2%80%93%20%C3%9Cbersicht%2Epdf"
        );
    }
}
