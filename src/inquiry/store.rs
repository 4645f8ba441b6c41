//! Storing inquiries. An inquiry and the outbox entry for its office email are written in one
//! transaction: once the visitor has been told "received", the email is certain to follow.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Europe::Berlin;
use sqlx::{PgExecutor, PgPool};

use crate::i18n::Locale;
use crate::inquiry::efus::EfusMembership;
use crate::inquiry::form::Inquiry;
use crate::inquiry::spam::SpamReason;
use crate::inquiry::status::InquiryStatus;
use crate::mail::office_email::new_message_id;
use crate::mail::outbox;

/// A new inquiry with everything known about how it arrived.
pub struct Arrival<'a> {
    pub inquiry: &'a Inquiry,
    pub locale: Locale,
    /// The nonce of the form token: one form, one inquiry.
    pub form_nonce: &'a str,
    pub spam: Option<SpamReason>,
    /// The domain for the office email's Message-ID (that of the sender address).
    pub message_id_domain: &'a str,
}

/// What the visitor is shown after sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub reference: String,
    pub efus_member: EfusMembership,
}

/// The outcome of `receive`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub receipt: Receipt,
    /// False when the same form had been received before (sent twice).
    pub is_new: bool,
}

/// Stores the inquiry and, unless it is spam, queues its office email. A form that was already
/// received (sent twice, even at the same moment) yields the receipt of the inquiry it created
/// the first time.
pub async fn receive(pool: &PgPool, arrival: Arrival<'_>) -> Result<Received, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let reference = next_reference(&mut *transaction, Utc::now()).await?;
    let message_id = new_message_id(&reference, arrival.message_id_domain);
    let inquiry = arrival.inquiry;
    let status = if arrival.spam.is_some() {
        InquiryStatus::Spam
    } else {
        InquiryStatus::New
    };
    let inserted = sqlx::query_scalar!(
        r#"insert into inquiry (reference, organisation, contact_name, role, email, phone,
                                efus_member, message, locale, form_nonce, status, spam_reason,
                                message_id)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
           on conflict (form_nonce) do nothing
           returning id"#,
        reference,
        inquiry.organisation.as_str(),
        inquiry.contact_name.as_str(),
        inquiry.role.as_ref().map(|role| role.as_str()),
        inquiry.email.as_str(),
        inquiry.phone.as_ref().map(|phone| phone.as_str()),
        inquiry.efus_member as EfusMembership,
        inquiry.message.as_ref().map(|message| message.as_str()),
        arrival.locale as Locale,
        arrival.form_nonce,
        status as InquiryStatus,
        arrival.spam as Option<SpamReason>,
        message_id,
    )
    .fetch_optional(&mut *transaction)
    .await?;
    let Some(inquiry_id) = inserted else {
        // Rolling back also returns the reference number just taken.
        transaction.rollback().await?;
        let receipt = receipt_for_form(pool, arrival.form_nonce)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
        return Ok(Received {
            receipt,
            is_new: false,
        });
    };
    if arrival.spam.is_none() {
        outbox::enqueue(&mut transaction, inquiry_id).await?;
    }
    transaction.commit().await?;
    Ok(Received {
        receipt: Receipt {
            reference,
            efus_member: inquiry.efus_member,
        },
        is_new: true,
    })
}

/// The receipt of the inquiry that the form with `nonce` created, if it was received already.
pub async fn receipt_for_form(
    db: impl PgExecutor<'_>,
    nonce: &str,
) -> Result<Option<Receipt>, sqlx::Error> {
    find_receipt(db, Some(nonce), None).await
}

/// The receipt for `reference`, for the confirmation page. Anything not shaped like a reference
/// (say, with a NUL byte, which PostgreSQL refuses in text) is simply not found.
pub async fn receipt_for_reference(
    pool: &PgPool,
    reference: &str,
) -> Result<Option<Receipt>, sqlx::Error> {
    if !is_reference_shaped(reference) {
        return Ok(None);
    }
    find_receipt(pool, None, Some(reference)).await
}

async fn find_receipt(
    db: impl PgExecutor<'_>,
    nonce: Option<&str>,
    reference: Option<&str>,
) -> Result<Option<Receipt>, sqlx::Error> {
    sqlx::query_as!(
        Receipt,
        r#"select reference, efus_member as "efus_member: EfusMembership" from inquiry
           where form_nonce = $1 or reference = $2"#,
        nonce,
        reference
    )
    .fetch_optional(db)
    .await
}

/// `DEFUS-<year>-<number>`, digits only.
fn is_reference_shaped(text: &str) -> bool {
    let mut parts = text.splitn(3, '-');
    let all_digits = |part: Option<&str>, lengths: std::ops::RangeInclusive<usize>| {
        part.is_some_and(|part| {
            lengths.contains(&part.len()) && part.bytes().all(|byte| byte.is_ascii_digit())
        })
    };
    parts.next() == Some("DEFUS")
        && all_digits(parts.next(), 4..=4)
        && all_digits(parts.next(), 4..=9)
}

/// The next reference of the year in Hannover, e.g. `DEFUS-2026-0042`. The counter row is
/// locked until the transaction ends, so concurrent inquiries get consecutive numbers.
async fn next_reference(
    db: impl PgExecutor<'_>,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let year = now.with_timezone(&Berlin).year();
    let number = sqlx::query_scalar!(
        r#"insert into inquiry_reference_counter (year, last_number) values ($1, 1)
           on conflict (year) do update
               set last_number = inquiry_reference_counter.last_number + 1
           returning last_number"#,
        year
    )
    .fetch_one(db)
    .await?;
    Ok(format_reference(year, number))
}

fn format_reference(year: i32, number: i32) -> String {
    format!("DEFUS-{year}-{number:04}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_have_four_digits_at_least() {
        assert_eq!(format_reference(2026, 42), "DEFUS-2026-0042");
        assert_eq!(format_reference(2027, 12345), "DEFUS-2027-12345");
    }

    #[test]
    fn only_reference_shaped_text_is_looked_up() {
        assert!(is_reference_shaped("DEFUS-2026-0042"));
        assert!(is_reference_shaped("DEFUS-2027-12345"));
        for other in [
            "DEFUS-2026-42",
            "defus-2026-0042",
            "DEFUS-2026-0042-1",
            "DEFUS-26-0042",
            "\0",
            "DEFUS-2026-00\u{0}42",
        ] {
            assert!(!is_reference_shaped(other), "{other:?}");
        }
    }
}
