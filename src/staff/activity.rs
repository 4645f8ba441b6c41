//! The activity log: every change made in the staff area, with who made it and when. Each change
//! records its entry in the transaction that makes it, so there is no change without an entry.
//! Entries hold no personal data of people who sent inquiries (see migration 0012).

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::content::PageKey;
use crate::i18n::{Locale, berlin_date_time};
use crate::text_enum;

/// Who made a change: the account, and its name (or address) as it was then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: i64,
    pub name: String,
}

text_enum! {
    /// The kinds of change.
    pub enum ActivityKind {
        InquiryStatus = "inquiry_status",
        InquiryNote = "inquiry_note",
        InquiryAssigned = "inquiry_assigned",
        InquiryResent = "inquiry_resent",
        InquiryDeleted = "inquiry_deleted",
        Erasure = "erasure",
        PageSaved = "page_saved",
        PageRestored = "page_restored",
        FactsSaved = "facts_saved",
        FactsRestored = "facts_restored",
        NewsCreated = "news_created",
        NewsSaved = "news_saved",
        NewsDeleted = "news_deleted",
        EventCreated = "event_created",
        EventSaved = "event_saved",
        EventDeleted = "event_deleted",
        DocumentAdded = "document_added",
        DocumentSaved = "document_saved",
        DocumentReplaced = "document_replaced",
        DocumentDeleted = "document_deleted",
        MemberAdded = "member_added",
        MemberSaved = "member_saved",
        MemberDeleted = "member_deleted",
        AccountCreated = "account_created",
        AccountLocked = "account_locked",
        AccountUnlocked = "account_unlocked",
        AccountRoleChanged = "account_role_changed",
        AccountPasswordReset = "account_password_reset",
        AccountDeleted = "account_deleted",
        OwnPasswordChanged = "own_password_changed",
    }
}

impl ActivityKind {
    /// As the office says it.
    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::InquiryStatus => "Status einer Anfrage geändert",
            ActivityKind::InquiryNote => "Notiz zu einer Anfrage",
            ActivityKind::InquiryAssigned => "Anfrage zugewiesen",
            ActivityKind::InquiryResent => "E-Mail erneut gesendet",
            ActivityKind::InquiryDeleted => "Anfrage gelöscht",
            ActivityKind::Erasure => "Daten nach E-Mail-Adresse gelöscht",
            ActivityKind::PageSaved => "Seite gespeichert",
            ActivityKind::PageRestored => "Frühere Fassung einer Seite wiederhergestellt",
            ActivityKind::FactsSaved => "Vereinsdaten gespeichert",
            ActivityKind::FactsRestored => "Frühere Vereinsdaten wiederhergestellt",
            ActivityKind::NewsCreated => "Meldung angelegt",
            ActivityKind::NewsSaved => "Meldung gespeichert",
            ActivityKind::NewsDeleted => "Meldung gelöscht",
            ActivityKind::EventCreated => "Termin angelegt",
            ActivityKind::EventSaved => "Termin gespeichert",
            ActivityKind::EventDeleted => "Termin gelöscht",
            ActivityKind::DocumentAdded => "Dokument hochgeladen",
            ActivityKind::DocumentSaved => "Angaben zu einem Dokument gespeichert",
            ActivityKind::DocumentReplaced => "Datei eines Dokuments ersetzt",
            ActivityKind::DocumentDeleted => "Dokument gelöscht",
            ActivityKind::MemberAdded => "Mitglied hinzugefügt",
            ActivityKind::MemberSaved => "Mitglied gespeichert",
            ActivityKind::MemberDeleted => "Mitglied entfernt",
            ActivityKind::AccountCreated => "Konto angelegt",
            ActivityKind::AccountLocked => "Konto gesperrt",
            ActivityKind::AccountUnlocked => "Konto entsperrt",
            ActivityKind::AccountRoleChanged => "Rolle eines Kontos geändert",
            ActivityKind::AccountPasswordReset => "Passwort eines Kontos neu vergeben",
            ActivityKind::AccountDeleted => "Konto gelöscht",
            ActivityKind::OwnPasswordChanged => "Eigenes Passwort geändert",
        }
    }
}

/// What a change was made to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Inquiry(i64),
    Page(PageKey, Locale),
    Facts,
    News(i64),
    Event(i64),
    Document(i64),
    Member(i64),
    Account(i64),
    /// The data of one email address (which is not recorded).
    Erasure,
}

impl Subject {
    /// As stored in `activity.subject`.
    pub fn code(self) -> String {
        match self {
            Subject::Inquiry(id) => format!("inquiry:{id}"),
            Subject::Page(key, locale) => format!("page:{key}:{locale}"),
            Subject::Facts => "facts".into(),
            Subject::News(id) => format!("news:{id}"),
            Subject::Event(id) => format!("event:{id}"),
            Subject::Document(id) => format!("document:{id}"),
            Subject::Member(id) => format!("member:{id}"),
            Subject::Account(id) => format!("account:{id}"),
            Subject::Erasure => "erasure".into(),
        }
    }

    /// The log's words for a published thing with `title`: `Meldung „Jahresbericht 2025“`.
    pub fn titled(self, title: &str) -> String {
        let kind = match self {
            Subject::News(_) => "Meldung",
            Subject::Event(_) => "Termin",
            Subject::Document(_) => "Dokument",
            Subject::Member(_) => "Mitglied",
            _ => return title.to_owned(),
        };
        format!("{kind} „{title}“")
    }
}

/// One change to record.
pub struct Change<'a> {
    pub kind: ActivityKind,
    pub subject: Subject,
    /// The subject in words, e.g. `Anfrage DEFUS-2026-0042` or `Seite „Ziele“ (Deutsch)`.
    pub subject_label: &'a str,
    /// What exactly changed, e.g. `neu → erledigt`; empty if the kind says it all.
    pub detail: &'a str,
}

/// Records `change`, made by `actor`; run it in the transaction that makes the change.
pub async fn record(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    change: Change<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"insert into activity (account_id, actor, kind, subject, subject_label, detail)
           values ($1, $2, $3, $4, $5, $6)"#,
        actor.account_id,
        actor.name,
        change.kind as ActivityKind,
        change.subject.code(),
        change.subject_label,
        change.detail,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Records `kind` on `subject`, named in the log by its `title` ([`Subject::titled`]), when the
/// kind says all there is to say.
pub async fn record_titled(
    db: impl PgExecutor<'_>,
    actor: &Actor,
    kind: ActivityKind,
    subject: Subject,
    title: &str,
) -> Result<(), sqlx::Error> {
    let label = subject.titled(title);
    record(
        db,
        actor,
        Change {
            kind,
            subject,
            subject_label: &label,
            detail: "",
        },
    )
    .await
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub at: DateTime<Utc>,
    pub account_id: Option<i64>,
    pub actor: String,
    pub kind: ActivityKind,
    pub subject_label: String,
    pub detail: String,
}

impl Entry {
    pub fn at_in_hannover(&self) -> String {
        berlin_date_time(self.at)
    }
}

/// Which entries to show.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub account_id: Option<i64>,
    pub kind: Option<ActivityKind>,
    pub subject: Option<Subject>,
}

/// The newest entries matching `filter`, at most `limit`.
pub async fn list(
    db: impl PgExecutor<'_>,
    filter: &ActivityFilter,
    limit: i64,
) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as!(
        Entry,
        r#"select at, account_id, actor, kind as "kind: ActivityKind", subject_label, detail
           from activity
           where ($1::bigint is null or account_id = $1)
             and ($2::text is null or kind = $2)
             and ($3::text is null or subject = $3)
           order by at desc, id desc
           limit $4"#,
        filter.account_id,
        filter.kind as Option<ActivityKind>,
        filter.subject.map(Subject::code),
        limit
    )
    .fetch_all(db)
    .await
}

/// The people who appear in the log, for the filter: account id and name, by name.
pub async fn actors(db: impl PgExecutor<'_>) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select distinct on (account_id) account_id as "account_id!", actor
           from activity where account_id is not null
           order by account_id, at desc"#
    )
    .fetch_all(db)
    .await?;
    let mut actors: Vec<(i64, String)> = rows
        .into_iter()
        .map(|row| (row.account_id, row.actor))
        .collect();
    actors.sort_by_key(|(_, name)| name.to_lowercase());
    Ok(actors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_have_codes_the_log_can_be_filtered_by() {
        assert_eq!(Subject::Inquiry(42).code(), "inquiry:42");
        assert_eq!(
            Subject::Page(PageKey::Goals, Locale::En).code(),
            "page:goals:en"
        );
        assert_eq!(Subject::Facts.code(), "facts");
    }
}
