//! Emails composed when they are queued (to a colleague, the daily reminder): kept in the outbox
//! as they will be sent, and turned into a message with the site's sender at each attempt.

use lettre::Message;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use serde::{Deserialize, Serialize};

use crate::input::{EmailAddress, SingleLine};
use crate::mail::office_email::{ComposeError, new_message_id};
use crate::mail::outbox::EmailKind;

/// An email as it will go out: to whom, its subject and its plain-text body, and a Message-ID
/// that stays the same on every attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComposedEmail {
    pub to_address: String,
    pub to_name: Option<String>,
    pub subject: String,
    pub text: String,
    pub message_id: String,
}

impl ComposedEmail {
    /// An email of `kind` to `to_address` (`to_name` as the display name), with a new
    /// Message-ID in the site's own domain.
    pub fn new(
        kind: EmailKind,
        to_address: &str,
        to_name: Option<&str>,
        subject: String,
        text: String,
        message_id_domain: &str,
    ) -> Self {
        Self {
            to_address: to_address.to_owned(),
            to_name: to_name.map(str::to_owned),
            subject,
            text,
            message_id: new_message_id(kind.code(), message_id_domain),
        }
    }
}

/// The message to send, from `from`. The recipient and the subject are checked again, so that a
/// row edited by hand cannot put a line break into a header.
pub fn to_message(email: &ComposedEmail, from: &Mailbox) -> Result<Message, ComposeError> {
    let unsafe_field =
        |field: &'static str| move |problem| ComposeError::UnsafeField { field, problem };
    let address = EmailAddress::parse(&email.to_address).map_err(unsafe_field("to_address"))?;
    let name = email
        .to_name
        .as_deref()
        .map(|name| SingleLine::parse(name, 1, 200).map_err(unsafe_field("to_name")))
        .transpose()?;
    let subject = SingleLine::parse(&email.subject, 1, 300).map_err(unsafe_field("subject"))?;
    let message_id =
        SingleLine::parse(&email.message_id, 1, 320).map_err(unsafe_field("message_id"))?;
    Ok(Message::builder()
        .from(from.clone())
        .to(Mailbox::new(
            name.map(|name| name.as_str().to_owned()),
            address.address().clone(),
        ))
        .subject(subject.as_str())
        .message_id(Some(message_id.as_str().to_owned()))
        .header(ContentType::TEXT_PLAIN)
        .body(email.text.clone())?)
}
