//! The inquiries as the office works with them: listing, reading, changing their status,
//! resending their email, deleting, and erasing everything stored for one email address.

use sqlx::{PgConnection, PgPool};

use chrono::{DateTime, Utc};

use crate::config::BaseUrl;
use crate::i18n::berlin_date_time;
use crate::input::{FieldError, MultiLine};
use crate::inquiry::spam::SpamReason;
use crate::inquiry::status::InquiryStatus;
use crate::inquiry::stored::{self, InquiryFilter, StoredInquiry};
use crate::mail::composed::ComposedEmail;
use crate::mail::delivery::DeliveryState;
use crate::mail::outbox::{self, DeliveryAttempt, EmailKind, OutboxState};
use crate::staff::activity::{self, ActivityKind, Actor, Change, Subject};
use crate::web::admin::paths as staff_paths;

/// An inquiry in the office's list: what was sent, and what became of its office email.
#[derive(Debug, Clone)]
pub struct InboxEntry {
    pub inquiry: StoredInquiry,
    pub delivery: DeliveryState,
}

/// The inquiries matching `filter`, newest first, at most `limit`.
pub async fn list(
    pool: &PgPool,
    filter: &InquiryFilter,
    limit: i64,
) -> Result<Vec<InboxEntry>, sqlx::Error> {
    let inquiries = stored::list(pool, filter, limit).await?;
    let ids: Vec<i64> = inquiries.iter().map(|inquiry| inquiry.id).collect();
    let mut states = outbox::latest_states(pool, &ids).await?;
    Ok(inquiries
        .into_iter()
        .map(|inquiry| InboxEntry {
            delivery: states
                .remove(&inquiry.id)
                .unwrap_or(DeliveryState::NotQueued),
            inquiry,
        })
        .collect())
}

/// Inquiries held back as spam within the last `days`, newest first, at most `limit`: a real
/// person caught by the site's guess is to be noticed in time.
pub async fn held_spam(
    pool: &PgPool,
    days: i32,
    limit: i64,
) -> Result<Vec<InboxEntry>, sqlx::Error> {
    let filter = InquiryFilter {
        status: Some(InquiryStatus::Spam),
        received_within_days: Some(days),
        ..InquiryFilter::default()
    };
    list(pool, &filter, limit).await
}

/// One inquiry with the full history of its office emails.
#[derive(Debug, Clone)]
pub struct InquiryDetail {
    pub entry: InboxEntry,
    pub attempts: Vec<DeliveryAttempt>,
}

pub async fn find(pool: &PgPool, id: i64) -> Result<Option<InquiryDetail>, sqlx::Error> {
    let Some(inquiry) = stored::find(pool, id).await? else {
        return Ok(None);
    };
    let ids = [id];
    let (mut states, attempts) = tokio::try_join!(
        outbox::latest_states(pool, &ids),
        outbox::attempts(pool, id)
    )?;
    let delivery = states.remove(&id).unwrap_or(DeliveryState::NotQueued);
    Ok(Some(InquiryDetail {
        entry: InboxEntry { inquiry, delivery },
        attempts,
    }))
}

/// The status and reference of inquiry `id`, locked until the transaction ends, so that two
/// changes made at once (two colleagues, two clicks) happen one after the other.
async fn lock(db: &mut PgConnection, id: i64) -> Result<Option<Locked>, sqlx::Error> {
    sqlx::query_as!(
        Locked,
        r#"select status as "status: InquiryStatus", reference from inquiry where id = $1
           for update"#,
        id
    )
    .fetch_optional(db)
    .await
}

struct Locked {
    status: InquiryStatus,
    reference: String,
}

/// Records a change of inquiry `id` (named by its reference only: no personal data in the log).
async fn record(
    db: &mut PgConnection,
    actor: &Actor,
    id: i64,
    reference: &str,
    kind: ActivityKind,
    detail: &str,
) -> Result<(), sqlx::Error> {
    activity::record(
        db,
        actor,
        Change {
            kind,
            subject: Subject::Inquiry(id),
            subject_label: &format!("Anfrage {reference}"),
            detail,
        },
    )
    .await
}

/// Sets the status. Marking an inquiry as spam cancels its email if it has not gone out yet;
/// taking it out of spam ("Kein Spam", back to new) sends the office the email it never got.
/// Returns whether the inquiry exists.
pub async fn set_status(
    pool: &PgPool,
    id: i64,
    status: InquiryStatus,
    actor: &Actor,
) -> Result<bool, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some(Locked {
        status: previous,
        reference,
    }) = lock(&mut transaction, id).await?
    else {
        return Ok(false);
    };
    let spam_reason = (status == InquiryStatus::Spam).then_some(SpamReason::MarkedByStaff);
    sqlx::query!(
        r#"update inquiry set status = $2,
               spam_reason = case when $3::text is null then null else coalesce(spam_reason, $3) end
           where id = $1"#,
        id,
        status as InquiryStatus,
        spam_reason as Option<SpamReason>,
    )
    .execute(&mut *transaction)
    .await?;
    if status == InquiryStatus::Spam {
        outbox::cancel_pending(&mut *transaction, id).await?;
    } else if previous == InquiryStatus::Spam && status == InquiryStatus::New {
        let sent_or_on_its_way = outbox::has_email_in(
            &mut *transaction,
            id,
            &[OutboxState::Pending, OutboxState::Sent],
        )
        .await?;
        if !sent_or_on_its_way {
            outbox::enqueue(&mut transaction, id).await?;
        }
    }
    let detail = format!("{} → {}", previous.label(), status.label());
    record(
        &mut transaction,
        actor,
        id,
        &reference,
        ActivityKind::InquiryStatus,
        &detail,
    )
    .await?;
    transaction.commit().await?;
    Ok(true)
}

/// What became of a request to send an inquiry's email again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    Queued,
    /// An email for it is still waiting to go out; a second one would only duplicate it.
    AlreadyPending,
    /// Spam is not sent to the office; take it out of spam first.
    IsSpam,
    NotFound,
}

/// Queues the office email again, due now; it keeps its Message-ID.
pub async fn resend(pool: &PgPool, id: i64, actor: &Actor) -> Result<Resend, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some(Locked { status, reference }) = lock(&mut transaction, id).await? else {
        return Ok(Resend::NotFound);
    };
    if status == InquiryStatus::Spam {
        return Ok(Resend::IsSpam);
    }
    if outbox::has_email_in(&mut *transaction, id, &[OutboxState::Pending]).await? {
        return Ok(Resend::AlreadyPending);
    }
    outbox::enqueue(&mut transaction, id).await?;
    record(
        &mut transaction,
        actor,
        id,
        &reference,
        ActivityKind::InquiryResent,
        "",
    )
    .await?;
    transaction.commit().await?;
    Ok(Resend::Queued)
}

/// Deletes an inquiry with its emails, their history and its notes. Returns whether it existed.
pub async fn delete(pool: &PgPool, id: i64, actor: &Actor) -> Result<bool, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some(Locked { reference, .. }) = lock(&mut transaction, id).await? else {
        return Ok(false);
    };
    sqlx::query!("delete from inquiry where id = $1", id)
        .execute(&mut *transaction)
        .await?;
    record(
        &mut transaction,
        actor,
        id,
        &reference,
        ActivityKind::InquiryDeleted,
        "",
    )
    .await?;
    transaction.commit().await?;
    Ok(true)
}

/// A note the office keeps on an inquiry.
#[derive(Debug, Clone)]
pub struct Note {
    pub written_at: DateTime<Utc>,
    pub author: String,
    pub text: String,
}

impl Note {
    pub const MAX_LENGTH: usize = 4000;

    pub fn written_in_hannover(&self) -> String {
        berlin_date_time(self.written_at)
    }

    /// A note as typed: several lines, not empty.
    pub fn parse(text: &str) -> Result<MultiLine, FieldError> {
        MultiLine::parse_optional(text, Self::MAX_LENGTH)?.ok_or(FieldError::Required)
    }
}

/// The notes on inquiry `id`, oldest first.
pub async fn notes(pool: &PgPool, id: i64) -> Result<Vec<Note>, sqlx::Error> {
    sqlx::query_as!(
        Note,
        r#"select written_at, author, text from inquiry_note
           where inquiry_id = $1 order by written_at, id"#,
        id
    )
    .fetch_all(pool)
    .await
}

/// Adds a note by `actor`. Returns whether the inquiry exists.
pub async fn add_note(
    pool: &PgPool,
    id: i64,
    text: &MultiLine,
    actor: &Actor,
) -> Result<bool, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some(Locked { reference, .. }) = lock(&mut transaction, id).await? else {
        return Ok(false);
    };
    sqlx::query!(
        "insert into inquiry_note (inquiry_id, account_id, author, text) values ($1, $2, $3, $4)",
        id,
        actor.account_id,
        actor.name,
        text.as_str()
    )
    .execute(&mut *transaction)
    .await?;
    // The note's text may be personal; the log only says that there is one.
    record(
        &mut transaction,
        actor,
        id,
        &reference,
        ActivityKind::InquiryNote,
        "",
    )
    .await?;
    transaction.commit().await?;
    Ok(true)
}

/// Makes `assignee` (an account, or nobody) responsible for inquiry `id`. Returns whether the
/// inquiry exists; an assignee that is not an account makes nobody responsible.
/// What came of assigning an inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignment {
    Done,
    NoSuchInquiry,
    /// The account does not exist (any more) or is locked: nothing was changed.
    AssigneeUnavailable,
}

/// Where links in the site's emails lead, and the domain of their Message-IDs.
#[derive(Debug, Clone, Copy)]
pub struct EmailContext<'a> {
    pub site: &'a BaseUrl,
    pub message_id_domain: &'a str,
}

/// Makes `assignee` (an enabled account) responsible for inquiry `id`, or nobody. A colleague
/// made responsible by someone else is told by email (queued in the same transaction).
pub async fn assign(
    pool: &PgPool,
    id: i64,
    assignee: Option<i64>,
    actor: &Actor,
    emails: EmailContext<'_>,
) -> Result<Assignment, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some(Locked { reference, .. }) = lock(&mut transaction, id).await? else {
        return Ok(Assignment::NoSuchInquiry);
    };
    let colleague = match assignee {
        None => None,
        // Locked against a concurrent change of the account until the assignment is stored.
        Some(account_id) => match sqlx::query!(
            r#"select coalesce(nullif(name, ''), email) as "name!", email from staff_account
               where id = $1 and enabled
               for share"#,
            account_id
        )
        .fetch_optional(&mut *transaction)
        .await?
        {
            Some(row) => Some((account_id, row.name, row.email)),
            None => return Ok(Assignment::AssigneeUnavailable),
        },
    };
    let name = colleague.as_ref().map(|(_, name, _)| name.clone());
    if let Some((account_id, name, email)) = &colleague
        && *account_id != actor.account_id
    {
        let organisation =
            sqlx::query_scalar!("select organisation from inquiry where id = $1", id)
                .fetch_one(&mut *transaction)
                .await?;
        let message = assignment_email(
            (name, email),
            actor,
            (id, &reference, &organisation),
            emails,
        );
        outbox::enqueue_composed(
            &mut transaction,
            EmailKind::Assignment,
            Some(id),
            &message,
            None,
        )
        .await?;
    }
    sqlx::query!(
        "update inquiry set assigned_to = $2 where id = $1",
        id,
        assignee
    )
    .execute(&mut *transaction)
    .await?;
    let detail = match name {
        Some(name) => format!("zuständig: {name}"),
        None => "niemand zuständig".to_owned(),
    };
    record(
        &mut transaction,
        actor,
        id,
        &reference,
        ActivityKind::InquiryAssigned,
        &detail,
    )
    .await?;
    transaction.commit().await?;
    Ok(Assignment::Done)
}

/// The email that tells a colleague an inquiry is theirs now: who gave it to them, which one, and
/// the link to it. Nothing of the inquirer's but the organisation's name.
fn assignment_email(
    (name, email): (&str, &str),
    actor: &Actor,
    (id, reference, organisation): (i64, &str, &str),
    emails: EmailContext<'_>,
) -> ComposedEmail {
    let text = format!(
        "Hallo {name},\n\n{actor} hat Ihnen die Mitgliedschaftsanfrage {reference} von \
         {organisation} zugewiesen. Sie finden sie in der Verwaltung der Website:\n\n{link}\n\n\
         Dort sehen Sie die ganze Anfrage, können sie beantworten und ihren Status ändern.\n\n\
         -- \nDiese E-Mail hat die Website automatisch geschickt, weil Ihnen eine Anfrage \
         zugewiesen wurde.\n",
        actor = actor.name,
        link = emails.site.join(&staff_paths::inquiry(id)),
    );
    ComposedEmail::new(
        EmailKind::Assignment,
        email,
        Some(name),
        format!("Ihnen zugewiesen: Anfrage {reference} ({organisation})"),
        text,
        emails.message_id_domain,
    )
}

/// What is stored for one email address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoredForEmail {
    pub inquiries: i64,
    pub emails: i64,
    pub attempts: i64,
}

impl StoredForEmail {
    pub fn is_empty(&self) -> bool {
        self.inquiries == 0
    }
}

async fn count_for(db: &mut PgConnection, ids: &[i64]) -> Result<StoredForEmail, sqlx::Error> {
    let (emails, attempts) = outbox::count_for(&mut *db, ids).await?;
    Ok(StoredForEmail {
        inquiries: i64::try_from(ids.len()).unwrap_or(i64::MAX),
        emails,
        attempts,
    })
}

/// What `erase_email` would remove.
pub async fn stored_for_email(pool: &PgPool, email: &str) -> Result<StoredForEmail, sqlx::Error> {
    let mut connection = pool.acquire().await?;
    let ids = stored::ids_with_email(&mut *connection, email).await?;
    count_for(&mut connection, &ids).await
}

/// Erases every inquiry sent with `email` (in any capitalisation), with its emails, their
/// history and its notes (GDPR Art. 17), and says how much was removed. The activity log notes
/// the erasure without the address.
pub async fn erase_email(
    pool: &PgPool,
    email: &str,
    actor: &Actor,
) -> Result<StoredForEmail, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let ids = stored::ids_with_email(&mut *transaction, email).await?;
    let counts = count_for(&mut transaction, &ids).await?;
    sqlx::query!("delete from inquiry where id = any($1)", &ids)
        .execute(&mut *transaction)
        .await?;
    let detail = format!(
        "{} Anfrage(n), {} E-Mail(s), {} Zustellversuch(e)",
        counts.inquiries, counts.emails, counts.attempts
    );
    activity::record(
        &mut *transaction,
        actor,
        Change {
            kind: ActivityKind::Erasure,
            subject: Subject::Erasure,
            subject_label: "Daten zu einer E-Mail-Adresse",
            detail: &detail,
        },
    )
    .await?;
    transaction.commit().await?;
    Ok(counts)
}

/// How many inquiries have each status.
pub async fn count_by_status(pool: &PgPool) -> Result<Vec<(InquiryStatus, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select status as "status: InquiryStatus", count(*) as "count!"
           from inquiry group by status"#
    )
    .fetch_all(pool)
    .await?;
    Ok(InquiryStatus::ALL
        .into_iter()
        .map(|status| {
            let count = rows
                .iter()
                .find(|row| row.status == status)
                .map_or(0, |row| row.count);
            (status, count)
        })
        .collect())
}
