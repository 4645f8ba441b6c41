//! An inquiry as stored, read back in one shape for everyone who reads it: the staff area's
//! list and detail, the CSV export and the office email.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::i18n::{Locale, berlin_date_time};
use crate::inquiry::efus::EfusMembership;
use crate::inquiry::spam::SpamReason;
use crate::inquiry::status::InquiryStatus;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredInquiry {
    pub id: i64,
    pub reference: String,
    pub organisation: String,
    pub contact_name: String,
    pub role: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    pub efus_member: EfusMembership,
    pub message: Option<String>,
    /// The language of the form it was sent with.
    pub locale: Locale,
    pub status: InquiryStatus,
    pub spam_reason: Option<SpamReason>,
    /// Of the office email: the same on every attempt and every resend.
    pub message_id: String,
    pub received_at: DateTime<Utc>,
    /// The colleague who takes care of it, and their name (or address).
    pub assigned_to: Option<i64>,
    pub assigned_name: Option<String>,
}

impl StoredInquiry {
    pub fn received_in_hannover(&self) -> String {
        berlin_date_time(self.received_at)
    }
}

/// Which inquiries to read.
#[derive(Debug, Clone, Default)]
pub struct InquiryFilter {
    pub status: Option<InquiryStatus>,
    /// Part of the organisation's name or of the email address.
    pub search: Option<String>,
    /// Only those a colleague takes care of.
    pub assigned_to: Option<i64>,
    /// Only those still to be dealt with (new or in progress).
    pub open_only: bool,
    /// Only those received within this many days.
    pub received_within_days: Option<i32>,
}

/// `%` and `_` typed into the search box are meant literally.
fn like_pattern(search: &str) -> String {
    let escaped = search
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The inquiry with `id`.
pub async fn find(db: impl PgExecutor<'_>, id: i64) -> Result<Option<StoredInquiry>, sqlx::Error> {
    Ok(select(db, Some(id), &InquiryFilter::default(), 1)
        .await?
        .pop())
}

/// The inquiries matching `filter`, newest first, at most `limit`.
pub async fn list(
    db: impl PgExecutor<'_>,
    filter: &InquiryFilter,
    limit: i64,
) -> Result<Vec<StoredInquiry>, sqlx::Error> {
    select(db, None, filter, limit).await
}

async fn select(
    db: impl PgExecutor<'_>,
    id: Option<i64>,
    filter: &InquiryFilter,
    limit: i64,
) -> Result<Vec<StoredInquiry>, sqlx::Error> {
    let pattern = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|search| !search.is_empty())
        .map(like_pattern);
    sqlx::query_as!(
        StoredInquiry,
        r#"select i.id, i.reference, i.organisation, i.contact_name, i.role, i.email, i.phone,
                  i.efus_member as "efus_member: EfusMembership", i.message,
                  i.locale as "locale: Locale", i.status as "status: InquiryStatus",
                  i.spam_reason as "spam_reason: SpamReason", i.message_id, i.received_at,
                  i.assigned_to,
                  coalesce(nullif(a.name, ''), a.email) as "assigned_name?"
           from inquiry i left join staff_account a on a.id = i.assigned_to
           where ($1::bigint is null or i.id = $1)
             and ($2::text is null or i.status = $2)
             and ($3::text is null or i.organisation ilike $3 or i.email ilike $3)
             and ($5::bigint is null or i.assigned_to = $5)
             and (not $6 or i.status in ($7, $8))
             and ($9::integer is null or i.received_at > now() - make_interval(days => $9))
           order by i.received_at desc, i.id desc
           limit $4"#,
        id,
        filter.status as Option<InquiryStatus>,
        pattern,
        limit,
        filter.assigned_to,
        filter.open_only,
        InquiryStatus::New as InquiryStatus,
        InquiryStatus::InProgress as InquiryStatus,
        filter.received_within_days,
    )
    .fetch_all(db)
    .await
}

/// The ids of the inquiries sent with `email`, in any capitalisation.
pub async fn ids_with_email(db: impl PgExecutor<'_>, email: &str) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "select id from inquiry where lower(email) = lower($1)",
        email.trim()
    )
    .fetch_all(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_wildcards_are_taken_literally() {
        assert_eq!(like_pattern("100%_sicher\\"), "%100\\%\\_sicher\\\\%");
    }
}
