//! Documents the office publishes: statutes, annual reports, flyers. A file is taken only when
//! its content is one of the formats the office works with (PDF, ODT, DOCX, XLSX), whatever its
//! name or the browser claims; it is stored in the database with its details and served at a
//! readable address that stays when the file is replaced (`/dokumente/satzung-2010.pdf`).

use std::io::Cursor;

use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgExecutor, PgPool};

use crate::content::slug::Slug;
use crate::i18n::Locale;
use crate::input::{FieldError, Problems, SingleLine, one_paragraph, parse_choice, parse_date};
use crate::staff::activity::{self, ActivityKind, Actor, Subject};
use crate::text_enum;

/// The largest file taken.
pub const MAX_FILE_BYTES: usize = 25 * 1024 * 1024;

text_enum! {
    /// The kinds of file taken, told apart by their content.
    pub enum DocumentFormat {
        Pdf = "pdf",
        Odt = "odt",
        Docx = "docx",
        Xlsx = "xlsx",
    }
}

impl DocumentFormat {
    /// The format of `bytes`, if it is one that is taken. Office files are ZIP archives: an
    /// OpenDocument text names its type in its first entry, Word and Excel files are known by
    /// the part that holds their content.
    pub fn recognise(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            return Some(DocumentFormat::Pdf);
        }
        if !bytes.starts_with(b"PK\x03\x04") {
            return None;
        }
        const ODT_SIGNATURE: &[u8] = b"mimetypeapplication/vnd.oasis.opendocument.text";
        if bytes.get(30..30 + ODT_SIGNATURE.len()) == Some(ODT_SIGNATURE) {
            return Some(DocumentFormat::Odt);
        }
        let archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
        let has = |name: &str| {
            archive
                .file_names()
                .any(|entry| entry.is_ok_and(|entry| entry == name))
        };
        if !has("[Content_Types].xml") {
            None
        } else if has("word/document.xml") {
            Some(DocumentFormat::Docx)
        } else if has("xl/workbook.xml") {
            Some(DocumentFormat::Xlsx)
        } else {
            None
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "application/pdf",
            DocumentFormat::Odt => "application/vnd.oasis.opendocument.text",
            DocumentFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DocumentFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }

    /// The end of the document's address and of the name it is saved under.
    pub fn extension(self) -> &'static str {
        self.code()
    }

    /// As a reader knows it: `PDF`, `Word`.
    pub fn label(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "PDF",
            DocumentFormat::Odt => "ODT",
            DocumentFormat::Docx => "Word",
            DocumentFormat::Xlsx => "Excel",
        }
    }
}

text_enum! {
    /// The language a document is written in.
    pub enum DocumentLanguage {
        German = "de",
        English = "en",
        Both = "both",
    }
}

impl DocumentLanguage {
    /// The one language it is written in (`None` for a document in both).
    pub fn locale(self) -> Option<Locale> {
        match self {
            DocumentLanguage::German => Some(Locale::De),
            DocumentLanguage::English => Some(Locale::En),
            DocumentLanguage::Both => None,
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (DocumentLanguage::German, Locale::De) => "Deutsch",
            (DocumentLanguage::German, Locale::En) => "German",
            (DocumentLanguage::English, Locale::De) => "Englisch",
            (DocumentLanguage::English, Locale::En) => "English",
            (DocumentLanguage::Both, Locale::De) => "Deutsch und Englisch",
            (DocumentLanguage::Both, Locale::En) => "German and English",
        }
    }
}

text_enum! {
    /// What kind of document it is; the public list is grouped by it, in this order.
    pub enum Category {
        Statutes = "satzung",
        AnnualReport = "jahresbericht",
        Flyer = "flyer",
        Statement = "erklaerung",
        Minutes = "protokoll",
        Other = "sonstiges",
    }
}

impl Category {
    /// The heading of its group, and its name in the staff area's select.
    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Category::Statutes, Locale::De) => "Satzung",
            (Category::Statutes, Locale::En) => "Statutes",
            (Category::AnnualReport, Locale::De) => "Jahresberichte",
            (Category::AnnualReport, Locale::En) => "Annual reports",
            (Category::Flyer, Locale::De) => "Flyer",
            (Category::Flyer, Locale::En) => "Flyers",
            (Category::Statement, Locale::De) => "Erklärungen",
            (Category::Statement, Locale::En) => "Statements",
            (Category::Minutes, Locale::De) => "Protokolle",
            (Category::Minutes, Locale::En) => "Minutes",
            (Category::Other, Locale::De) => "Sonstiges",
            (Category::Other, Locale::En) => "Other documents",
        }
    }
}

/// A file size as a reader takes it in: `350 KB`, `1,2 MB` (`1.2 MB` in English).
pub fn format_size(bytes: u64, locale: Locale) -> String {
    const KB: f64 = 1024.0;
    let size = bytes as f64;
    let text = if size < KB * KB {
        format!("{} KB", (size / KB).ceil().max(1.0))
    } else {
        format!("{:.1} MB", size / KB / KB)
    };
    match locale {
        Locale::De => text.replace('.', ","),
        Locale::En => text,
    }
}

/// Why an upload is not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    TooLarge,
    NotAllowedFormat,
}

impl FileProblem {
    pub fn message(self) -> String {
        match self {
            FileProblem::TooLarge => format!(
                "Die Datei ist größer als {} MB. Bitte verkleinern Sie sie (z. B. als PDF mit geringerer Bildqualität).",
                MAX_FILE_BYTES / 1024 / 1024
            ),
            FileProblem::NotAllowedFormat => {
                "Diese Datei ist kein PDF-, ODT-, Word- (DOCX) oder Excel-Dokument (XLSX). Andere Dateiarten nimmt die Website nicht an."
                    .to_owned()
            }
        }
    }
}

/// A file that was checked and may be stored.
#[derive(Debug, Clone)]
pub struct AcceptedFile {
    pub format: DocumentFormat,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

impl AcceptedFile {
    /// Checks an upload: its size, and its format by content. `file_name` is the name on the
    /// uploader's computer; the extension of the format found replaces its own.
    pub fn check(bytes: &[u8], file_name: &str) -> Result<Self, FileProblem> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(FileProblem::TooLarge);
        }
        let format = DocumentFormat::recognise(bytes).ok_or(FileProblem::NotAllowedFormat)?;
        Ok(Self {
            format,
            file_name: download_name(file_name, format),
            bytes: bytes.to_vec(),
            sha256: hex::encode(Sha256::digest(bytes)),
        })
    }
}

/// The name a download is saved under: the uploader's, without any folder, control characters
/// and invisible format characters (a right-to-left override can make `exe.pdf` look like
/// `fdp.exe`), ending in the extension of what the file really is.
fn download_name(uploaded: &str, format: DocumentFormat) -> String {
    let base = uploaded.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    let stem: String = stem
        .chars()
        .filter(|character| !character.is_control() && !is_invisible_format(*character))
        .take(200)
        .collect();
    let stem = stem.trim();
    let stem = if stem.is_empty() { "dokument" } else { stem };
    format!("{stem}.{}", format.extension())
}

/// Unicode's format characters (Cf) and line and paragraph separators (Zl, Zp).
pub fn is_invisible_format(character: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    matches!(
        character.general_category(),
        GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// The fields of the document form, for its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentField {
    File,
    Title,
    Description,
    Language,
    PublishedOn,
    Category,
}

/// The document form's values, as typed.
#[derive(Debug, Clone, Copy)]
pub struct DocumentInput<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub published_on: &'a str,
    pub category: &'a str,
}

/// What staff say about a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentText {
    pub title: String,
    pub description: String,
    pub language: DocumentLanguage,
    pub published_on: NaiveDate,
    pub category: Category,
}

impl DocumentText {
    pub const MAX_TITLE_LENGTH: usize = 200;
    pub const MAX_DESCRIPTION_LENGTH: usize = 600;

    pub fn parse(input: DocumentInput<'_>) -> Result<Self, Vec<(DocumentField, FieldError)>> {
        let mut problems = Problems::default();
        let title = problems.check(
            DocumentField::Title,
            SingleLine::parse(input.title, 1, Self::MAX_TITLE_LENGTH),
        );
        let description = problems.check(
            DocumentField::Description,
            if input.description.trim().is_empty() {
                Ok(String::new())
            } else {
                one_paragraph(input.description, Self::MAX_DESCRIPTION_LENGTH)
            },
        );
        let language = problems.check(
            DocumentField::Language,
            parse_choice(input.language, DocumentLanguage::from_code),
        );
        let published_on =
            problems.check(DocumentField::PublishedOn, parse_date(input.published_on));
        let category = problems.check(
            DocumentField::Category,
            parse_choice(input.category, Category::from_code),
        );
        match (title, description, language, published_on, category) {
            (
                Some(title),
                Some(description),
                Some(language),
                Some(published_on),
                Some(category),
            ) => Ok(Self {
                title: title.as_str().to_owned(),
                description,
                language,
                published_on,
                category,
            }),
            _ => Err(problems.into_vec()),
        }
    }
}

/// A stored document, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: i64,
    pub slug: Slug,
    pub text: DocumentText,
    pub format: DocumentFormat,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl Document {
    /// Its address: `/dokumente/satzung-2010.pdf`, the same in both languages.
    pub fn path(&self) -> String {
        file_path(&self.slug, self.format)
    }
}

/// The address of a document's file.
pub fn file_path(slug: &Slug, format: DocumentFormat) -> String {
    format!("/dokumente/{}.{}", slug.as_str(), format.extension())
}

struct Row {
    id: i64,
    slug: String,
    title: String,
    description: String,
    language: DocumentLanguage,
    published_on: NaiveDate,
    category: Category,
    format: DocumentFormat,
    file_name: String,
    size: i64,
    sha256: String,
    updated_at: DateTime<Utc>,
    updated_by: String,
}

impl From<Row> for Document {
    fn from(row: Row) -> Self {
        Self {
            id: row.id,
            slug: Slug::stored(row.slug),
            text: DocumentText {
                title: row.title,
                description: row.description,
                language: row.language,
                published_on: row.published_on,
                category: row.category,
            },
            format: row.format,
            file_name: row.file_name,
            size: u64::try_from(row.size).unwrap_or_default(),
            sha256: row.sha256,
            updated_at: row.updated_at,
            updated_by: row.updated_by,
        }
    }
}

/// Every document, newest first.
pub async fn list_all(db: impl PgExecutor<'_>) -> Result<Vec<Document>, sqlx::Error> {
    let rows = sqlx::query_as!(
        Row,
        r#"select id, slug, title, description, language as "language: DocumentLanguage",
                  published_on, category as "category: Category", format as "format: DocumentFormat",
                  file_name, size, sha256, updated_at, updated_by
           from document order by published_on desc, id desc"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Document::from).collect())
}

pub async fn find(db: impl PgExecutor<'_>, id: i64) -> Result<Option<Document>, sqlx::Error> {
    let row = sqlx::query_as!(
        Row,
        r#"select id, slug, title, description, language as "language: DocumentLanguage",
                  published_on, category as "category: Category", format as "format: DocumentFormat",
                  file_name, size, sha256, updated_at, updated_by
           from document where id = $1"#,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(Document::from))
}

pub async fn find_by_slug(
    db: impl PgExecutor<'_>,
    slug: &str,
) -> Result<Option<Document>, sqlx::Error> {
    let row = sqlx::query_as!(
        Row,
        r#"select id, slug, title, description, language as "language: DocumentLanguage",
                  published_on, category as "category: Category", format as "format: DocumentFormat",
                  file_name, size, sha256, updated_at, updated_by
           from document where slug = $1"#,
        slug
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(Document::from))
}

/// How much of a file is read from the database at a time while it is sent: the memory one
/// download holds, whatever the file's size and however slowly the client reads.
pub const CHUNK_BYTES: u64 = 256 * 1024;

/// Why a file could not be read to its end.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the document was replaced or deleted while it was being sent")]
    Replaced,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// `length` bytes of document `id` from `start` (counted from 0), read [`CHUNK_BYTES`] at a
/// time as the stream is polled, each time only if the file is still the one with digest
/// `sha256` (a file replaced halfway would reach the client as a mix of two files). The first
/// chunk is read before this returns, so that a missing file or database is known before any
/// byte is sent; `None` when the file is no longer that one.
pub async fn read_in_chunks(
    pool: &PgPool,
    id: i64,
    sha256: &str,
    start: u64,
    length: u64,
) -> Result<Option<impl Stream<Item = Result<Bytes, ReadError>> + Send + 'static>, sqlx::Error> {
    let first_length = length.min(CHUNK_BYTES);
    let Some(first) = read_chunk(pool, id, sha256, start, first_length).await? else {
        return Ok(None);
    };
    let rest = Chunks {
        pool: pool.clone(),
        id,
        sha256: sha256.to_owned(),
        next: start + first_length,
        remaining: length - first_length,
    };
    let rest = futures_util::stream::unfold(rest, |mut chunks| async move {
        if chunks.remaining == 0 {
            return None;
        }
        let chunk_length = chunks.remaining.min(CHUNK_BYTES);
        let chunk = read_chunk(
            &chunks.pool,
            chunks.id,
            &chunks.sha256,
            chunks.next,
            chunk_length,
        )
        .await;
        let chunk = match chunk {
            Ok(Some(bytes)) if bytes.len() as u64 == chunk_length => Ok(Bytes::from(bytes)),
            Ok(_) => Err(ReadError::Replaced),
            Err(error) => Err(ReadError::Database(error)),
        };
        // After a failure the stream ends: the client sees a download cut short, not wrong bytes.
        chunks.remaining = if chunk.is_ok() {
            chunks.remaining - chunk_length
        } else {
            0
        };
        chunks.next += chunk_length;
        Some((chunk, chunks))
    });
    let first = futures_util::stream::once(std::future::ready(Ok(Bytes::from(first))));
    Ok(Some(first.chain(rest)))
}

/// Where a file being sent stands.
struct Chunks {
    pool: PgPool,
    id: i64,
    sha256: String,
    next: u64,
    remaining: u64,
}

async fn read_chunk(
    db: impl PgExecutor<'_>,
    id: i64,
    sha256: &str,
    start: u64,
    length: u64,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    // Stored uncompressed and out of line, so PostgreSQL reads only the part asked for.
    let start = i32::try_from(start + 1).unwrap_or(i32::MAX);
    let length = i32::try_from(length).unwrap_or(i32::MAX);
    sqlx::query_scalar!(
        r#"select substring(bytes from $3 for $4) as "bytes!" from document
           where id = $1 and sha256 = $2"#,
        id,
        sha256,
        start,
        length
    )
    .fetch_optional(db)
    .await
}

/// A slug made from `title` that no other document has.
async fn free_slug(db: &mut PgConnection, title: &str) -> Result<Slug, sqlx::Error> {
    let base = Slug::from_title(title).unwrap_or_else(|| Slug::stored("dokument".to_owned()));
    let mut candidate = base.clone();
    let mut number = 1;
    while sqlx::query_scalar!(
        r#"select exists (select 1 from document where slug = $1) as "taken!""#,
        candidate.as_str()
    )
    .fetch_one(&mut *db)
    .await?
    {
        number += 1;
        candidate = base.numbered(number);
    }
    Ok(candidate)
}

/// Stores a new document; its address is made from its title.
pub async fn add(
    pool: &PgPool,
    text: &DocumentText,
    file: &AcceptedFile,
    actor: &Actor,
) -> Result<i64, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let slug = free_slug(&mut transaction, &text.title).await?;
    let id = sqlx::query_scalar!(
        r#"insert into document (slug, title, description, language, published_on, category,
                                 format, file_name, size, sha256, bytes, updated_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id"#,
        slug.as_str(),
        text.title,
        text.description,
        text.language as DocumentLanguage,
        text.published_on,
        text.category as Category,
        file.format as DocumentFormat,
        file.file_name,
        i64::try_from(file.bytes.len()).unwrap_or(i64::MAX),
        file.sha256,
        file.bytes,
        actor.name,
    )
    .fetch_one(&mut *transaction)
    .await?;
    activity::record_titled(
        &mut *transaction,
        actor,
        ActivityKind::DocumentAdded,
        Subject::Document(id),
        &text.title,
    )
    .await?;
    transaction.commit().await?;
    Ok(id)
}

/// Saves new details of document `id` and, with `file`, a new file at the same address.
/// Whether there was such a document.
pub async fn save(
    pool: &PgPool,
    id: i64,
    text: &DocumentText,
    file: Option<&AcceptedFile>,
    actor: &Actor,
) -> Result<bool, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let updated = sqlx::query!(
        r#"update document set title = $2, description = $3, language = $4, published_on = $5,
                               category = $6, updated_by = $7
           where id = $1"#,
        id,
        text.title,
        text.description,
        text.language as DocumentLanguage,
        text.published_on,
        text.category as Category,
        actor.name,
    )
    .execute(&mut *transaction)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    let kind = match file {
        Some(file) => {
            sqlx::query!(
                r#"update document set format = $2, file_name = $3, size = $4, sha256 = $5,
                                       bytes = $6
                   where id = $1"#,
                id,
                file.format as DocumentFormat,
                file.file_name,
                i64::try_from(file.bytes.len()).unwrap_or(i64::MAX),
                file.sha256,
                file.bytes,
            )
            .execute(&mut *transaction)
            .await?;
            ActivityKind::DocumentReplaced
        }
        None => ActivityKind::DocumentSaved,
    };
    activity::record_titled(
        &mut *transaction,
        actor,
        kind,
        Subject::Document(id),
        &text.title,
    )
    .await?;
    transaction.commit().await?;
    Ok(true)
}

/// Deletes document `id`. Whether there was one.
pub async fn delete(pool: &PgPool, id: i64, actor: &Actor) -> Result<bool, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some(title) = sqlx::query_scalar!("delete from document where id = $1 returning title", id)
        .fetch_optional(&mut *transaction)
        .await?
    else {
        return Ok(false);
    };
    activity::record_titled(
        &mut *transaction,
        actor,
        ActivityKind::DocumentDeleted,
        Subject::Document(id),
        &title,
    )
    .await?;
    transaction.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_written_as_readers_expect() {
        assert_eq!(format_size(1_258_291, Locale::De), "1,2 MB");
        assert_eq!(format_size(1_258_291, Locale::En), "1.2 MB");
        assert_eq!(format_size(358_400, Locale::De), "350 KB");
        assert_eq!(format_size(10, Locale::En), "1 KB");
    }

    #[test]
    fn files_are_known_by_their_content_not_their_name() {
        assert_eq!(
            DocumentFormat::recognise(b"%PDF-1.7\n..."),
            Some(DocumentFormat::Pdf)
        );
        assert_eq!(DocumentFormat::recognise(b"MZ\x90\x00 an exe"), None);
        assert_eq!(DocumentFormat::recognise(b"<svg xmlns=...>"), None);
        assert_eq!(DocumentFormat::recognise(b"<!DOCTYPE html>"), None);
        assert_eq!(DocumentFormat::recognise(b"PK\x03\x04 broken zip"), None);
    }

    #[test]
    fn the_download_name_ends_in_what_the_file_is() {
        let name = |uploaded| download_name(uploaded, DocumentFormat::Pdf);
        assert_eq!(name("Satzung 2010.PDF"), "Satzung 2010.pdf");
        assert_eq!(name("C:\\Ablage\\Flyer.exe"), "Flyer.pdf");
        assert_eq!(name(""), "dokument.pdf");
        assert_eq!(
            name("Bericht\u{202e}fdp.exe\u{200b}\u{2028}\u{feff}.pdf"),
            "Berichtfdp.exe.pdf"
        );
        assert_eq!(name("\u{202e}\u{2029}.pdf"), "dokument.pdf");
    }
}
