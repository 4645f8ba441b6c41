//! Storing inquiries. An inquiry and the outbox entry for its office email are written in one
//! transaction: once the visitor has been told "received", the email is certain to follow.

use chrono::{Datelike, Utc};
use chrono_tz::Europe::Berlin;
use sqlx::{PgConnection, PgExecutor, PgPool};

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

/// Stores the inquiry and, unless it is spam, queues its office email, in one transaction. A
/// form that was already received (sent twice, even at the same moment) yields the receipt of
/// the inquiry it created the first time.
pub async fn receive(pool: &PgPool, arrival: Arrival<'_>) -> Result<Received, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some((inquiry_id, reference)) = insert(&mut transaction, &arrival).await? else {
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
            efus_member: arrival.inquiry.efus_member,
        },
        is_new: true,
    })
}

/// Inserts the inquiry with the next reference of the year in Hannover, e.g. `DEFUS-2026-0042`
/// (at least four digits), unless its form was received before. Returns its id and reference.
async fn insert(
    db: &mut PgConnection,
    arrival: &Arrival<'_>,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let year = Utc::now().with_timezone(&Berlin).year();
    let inquiry = arrival.inquiry;
    let status = if arrival.spam.is_some() {
        InquiryStatus::Spam
    } else {
        InquiryStatus::New
    };
    // The number is taken only when the form is new: a form sent twice in a row takes none.
    let inserted = sqlx::query!(
        r#"insert into inquiry (reference, organisation, contact_name, role, email, phone,
                                efus_member, message, locale, form_nonce, status, spam_reason,
                                message_id)
           select 'DEFUS-' || $1::integer || '-'
                      || lpad(taken.number::text, greatest(4, length(taken.number::text)), '0'),
                  $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
           from (select next_inquiry_number($1) as number) taken
           where not exists (select from inquiry where form_nonce = $10)
           on conflict (form_nonce) do nothing
           returning id, reference"#,
        year,
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
        new_message_id("inquiry", arrival.message_id_domain),
    )
    .fetch_optional(db)
    .await?;
    Ok(inserted.map(|row| (row.id, row.reference)))
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

#[cfg(test)]
mod tests {
    use super::*;

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
