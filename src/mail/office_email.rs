//! The email that tells the office about an inquiry: from the site, to the office, with
//! `Reply-To` set to the inquirer so that one click on "Reply" answers them.

use askama::Template;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{Address, Message};

use crate::config::BaseUrl;
use crate::content::OrganisationFacts;
use crate::i18n::berlin_date_time;
use crate::input::{EmailAddress, FieldError, SingleLine};
use crate::inquiry::form::Field;
use crate::inquiry::stored::StoredInquiry;
use crate::web::admin::paths as staff_paths;

/// Who sends and who receives the office emails.
#[derive(Debug, Clone)]
pub struct Addressing {
    /// MAIL_FROM.
    pub from: Mailbox,
    /// OFFICE_EMAIL; without it, the email address of the organisation facts.
    pub office_override: Option<Address>,
    /// Where the site is reached (BASE_URL), for the link to the inquiry in the staff area.
    pub site: BaseUrl,
}

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("no office address: set OFFICE_EMAIL or the email in the organisation facts")]
    NoOfficeAddress,
    #[error("the organisation facts' email {0:?} is not a valid address")]
    InvalidOfficeAddress(String),
    /// Stored data that would not pass the form's checks (edited by hand?). Refused here rather
    /// than risking a malformed or injected header.
    #[error("stored inquiry field {field} is unusable in an email: {problem:?}")]
    UnsafeField {
        field: &'static str,
        problem: FieldError,
    },
    #[error("cannot render the email body: {0}")]
    Body(#[from] askama::Error),
    #[error("cannot build the email: {0}")]
    Build(#[from] lettre::error::Error),
}

/// Generous bounds for the values the site generates itself (`DEFUS-2026-0042`,
/// `<defus-2026-0042.1a2b3c4d5e6f@defus.org>`); they only guard against a broken row.
const MAX_REFERENCE_LENGTH: usize = 40;
const MAX_MESSAGE_ID_LENGTH: usize = 320;

#[derive(Template)]
#[template(path = "email/office_inquiry.txt")]
struct OfficeEmailBody<'a> {
    inquiry: &'a StoredInquiry,
    received: String,
    form_language: &'static str,
    efus_member: &'static str,
    association: &'a str,
    /// The inquiry in the staff area.
    staff_link: String,
    /// The inquirer's message, every line set off with `> `, so that nothing in it can pass for
    /// a line of the site's own (a link, a signature delimiter).
    quoted_message: Option<String>,
}

/// Builds the office email for `inquiry`. Every value that goes into a header is checked again
/// with the form's own parsers, so nothing unchecked reaches a header whatever the database holds.
pub fn compose(
    inquiry: &StoredInquiry,
    facts: Option<&OrganisationFacts>,
    addressing: &Addressing,
) -> Result<Message, ComposeError> {
    let office = office_address(facts, addressing)?;
    let unsafe_field =
        |field: &'static str| move |problem| ComposeError::UnsafeField { field, problem };
    let organisation =
        SingleLine::parse(&inquiry.organisation, 1, Field::Organisation.max_length())
            .map_err(unsafe_field("organisation"))?;
    let contact_name = SingleLine::parse(&inquiry.contact_name, 1, Field::ContactName.max_length())
        .map_err(unsafe_field("contact_name"))?;
    let reply_to = EmailAddress::parse(&inquiry.email).map_err(unsafe_field("email"))?;
    let reference = SingleLine::parse(&inquiry.reference, 1, MAX_REFERENCE_LENGTH)
        .map_err(unsafe_field("reference"))?;
    let message_id = SingleLine::parse(&inquiry.message_id, 1, MAX_MESSAGE_ID_LENGTH)
        .map_err(unsafe_field("message_id"))?;

    let body = OfficeEmailBody {
        inquiry,
        received: berlin_date_time(inquiry.received_at),
        form_language: inquiry.locale.name_in_german(),
        efus_member: inquiry.efus_member.in_german(),
        association: facts.map_or("DEFUS", |facts| facts.short_name.as_str()),
        staff_link: addressing.site.join(&staff_paths::inquiry(inquiry.id)),
        quoted_message: inquiry.message.as_deref().map(quoted),
    }
    .render()?;

    Ok(Message::builder()
        .from(addressing.from.clone())
        .to(Mailbox::new(None, office))
        .reply_to(Mailbox::new(
            Some(contact_name.as_str().to_owned()),
            reply_to.address().clone(),
        ))
        .subject(format!(
            "Mitgliedschaftsanfrage: {} ({})",
            organisation.as_str(),
            reference.as_str()
        ))
        .message_id(Some(message_id.as_str().to_owned()))
        .header(ContentType::TEXT_PLAIN)
        .body(body)?)
}

/// `text` as a quotation: each of its lines begins with `> ` (an empty one with `>`).
fn quoted(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                ">".to_owned()
            } else {
                format!("> {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A Message-ID for an email (`what` says what it is about: `inquiry`, `assignment`), made once
/// when the email is queued and kept for every attempt. Random, so that no two emails,
/// installations or restored backups ever issue the same one.
pub fn new_message_id(what: &str, domain: &str) -> String {
    let mut random = [0_u8; 16];
    rand::fill(&mut random);
    format!("<{what}.{}@{domain}>", hex::encode(random))
}

fn office_address(
    facts: Option<&OrganisationFacts>,
    addressing: &Addressing,
) -> Result<Address, ComposeError> {
    if let Some(office) = &addressing.office_override {
        return Ok(office.clone());
    }
    let email = facts
        .and_then(|facts| facts.email.as_deref())
        .filter(|email| !email.trim().is_empty())
        .ok_or(ComposeError::NoOfficeAddress)?;
    EmailAddress::parse(email)
        .map(|email| email.address().clone())
        .map_err(|_| ComposeError::InvalidOfficeAddress(email.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    use crate::i18n::Locale;
    use crate::inquiry::efus::EfusMembership;
    use crate::inquiry::status::InquiryStatus;

    fn inquiry() -> StoredInquiry {
        StoredInquiry {
            id: 42,
            reference: "DEFUS-2026-0042".into(),
            organisation: "Stadt Lüneburg".into(),
            contact_name: "Jürgen Weiß".into(),
            role: None,
            email: "j.weiss@stadt.lueneburg.de".into(),
            phone: Some("04131 309-0".into()),
            efus_member: EfusMembership::No,
            message: Some("Grüße\naus Lüneburg".into()),
            locale: Locale::En,
            status: InquiryStatus::New,
            spam_reason: None,
            message_id: "<defus-2026-0042.abc@defus.org>".into(),
            received_at: Utc.with_ymd_and_hms(2026, 7, 1, 8, 30, 0).unwrap(),
            assigned_to: None,
            assigned_name: None,
        }
    }

    fn addressing() -> Addressing {
        Addressing {
            from: "DEFUS-Website <website@defus.org>".parse().unwrap(),
            office_override: Some("office@defus.org".parse().unwrap()),
            site: "https://www.defus.org".parse().unwrap(),
        }
    }

    #[test]
    fn the_email_has_the_office_headers_and_a_german_body() {
        let message = compose(&inquiry(), None, &addressing()).unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(
            raw.contains("Message-ID: <defus-2026-0042.abc@defus.org>"),
            "{raw}"
        );
        assert!(raw.contains("To: office@defus.org"), "{raw}");
        assert!(
            raw.contains("Content-Type: text/plain; charset=utf-8"),
            "{raw}"
        );
        let body = mailparse::parse_mail(raw.as_bytes())
            .unwrap()
            .get_body()
            .unwrap();
        assert!(
            body.contains("https://www.defus.org/admin/anfragen/42"),
            "the office goes from the email to the inquiry in the staff area: {body}"
        );
    }

    #[test]
    fn the_inquirer_s_message_is_quoted_and_the_site_s_lines_stand_outside_it() {
        let mut imitating = inquiry();
        imitating.message = Some(
            "Bitte hier klicken:\nIn der Verwaltung:        https://evil.example/admin\n\n-- \nversteckt"
                .into(),
        );
        let message = compose(&imitating, None, &addressing()).unwrap();
        let body = mailparse::parse_mail(&message.formatted())
            .unwrap()
            .get_body()
            .unwrap();
        let lines: Vec<&str> = body.lines().collect();
        for line in &lines {
            assert!(
                !line.contains("evil.example") || line.starts_with("> "),
                "every line of the message is quoted: {line:?}"
            );
        }
        assert!(lines.contains(&"> -- "), "{body}");
        assert!(lines.contains(&">"), "{body}");
        let real_link = "https://www.defus.org/admin/anfragen/42";
        let last_quoted = lines
            .iter()
            .rposition(|line| line.starts_with('>'))
            .unwrap();
        let first_quoted = lines.iter().position(|line| line.starts_with('>')).unwrap();
        assert!(
            lines[..first_quoted]
                .iter()
                .any(|line| line.contains(real_link))
        );
        assert!(
            lines[last_quoted..]
                .iter()
                .any(|line| line.contains(real_link))
        );
        assert_eq!(
            lines.iter().filter(|line| **line == "-- ").count(),
            1,
            "only the site's own signature delimiter: {body}"
        );
    }

    #[test]
    fn a_stored_value_with_a_line_break_is_refused_not_sent() {
        let mut hostile = inquiry();
        hostile.contact_name = "Eve\r\nBcc: victim@example.org".into();
        assert!(matches!(
            compose(&hostile, None, &addressing()),
            Err(ComposeError::UnsafeField {
                field: "contact_name",
                ..
            })
        ));
    }

    #[test]
    fn message_ids_are_angle_bracketed_unique_and_on_the_sender_domain() {
        let id = new_message_id("inquiry", "defus.org");
        assert!(id.starts_with("<inquiry."), "{id}");
        assert!(id.ends_with("@defus.org>"), "{id}");
        assert_ne!(id, new_message_id("inquiry", "defus.org"));
    }

    #[test]
    fn without_override_the_facts_email_is_the_office() {
        let addressing = Addressing {
            office_override: None,
            ..addressing()
        };
        assert!(matches!(
            compose(&inquiry(), None, &addressing),
            Err(ComposeError::NoOfficeAddress)
        ));
    }
}
