//! The inquiry form as sent: raw values to show again, and their validation into an [`Inquiry`].

use serde::Deserialize;

use crate::input::{EmailAddress, FieldError, MultiLine, PhoneNumber, SingleLine};
use crate::inquiry::efus::EfusMembership;

/// The visible fields of the form; `name()` is their `name` attribute (and the field of
/// [`InquiryFormValues`] it fills).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Organisation,
    ContactName,
    Role,
    Email,
    Phone,
    EfusMember,
    Message,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Organisation,
        Field::ContactName,
        Field::Role,
        Field::Email,
        Field::Phone,
        Field::EfusMember,
        Field::Message,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Organisation => "organisation",
            Field::ContactName => "contact_name",
            Field::Role => "role",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::EfusMember => "efus_member",
            Field::Message => "message",
        }
    }

    pub fn is_required(self) -> bool {
        matches!(
            self,
            Field::Organisation | Field::ContactName | Field::Email | Field::EfusMember
        )
    }

    /// The longest value the field takes, in characters (also the input's `maxlength`).
    pub fn max_length(self) -> usize {
        match self {
            Field::Organisation => 200,
            Field::ContactName | Field::Role => 120,
            Field::Email => EmailAddress::MAX_LENGTH,
            Field::Phone => PhoneNumber::MAX_LENGTH,
            Field::EfusMember => 7,
            Field::Message => 5000,
        }
    }
}

/// Name of the honeypot field: hidden from people and assistive technology, so whoever fills
/// it in is a program.
pub const HONEYPOT_FIELD: &str = "website";
/// Name of the hidden field that carries the signed form token.
pub const TOKEN_FIELD: &str = "form_token";

/// What the visitor typed, exactly, so that the form can be shown again with every value kept.
/// A field the browser did not send is empty, as if sent empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct InquiryFormValues {
    pub organisation: String,
    pub contact_name: String,
    pub role: String,
    pub email: String,
    pub phone: String,
    pub efus_member: String,
    pub message: String,
}

/// A sent form: the visible values plus the two hidden fields ([`HONEYPOT_FIELD`] and
/// [`TOKEN_FIELD`]). Unknown names are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Submission {
    #[serde(flatten)]
    pub values: InquiryFormValues,
    #[serde(default, rename = "website")]
    pub honeypot: String,
    #[serde(default, rename = "form_token")]
    pub token: String,
}

/// A membership inquiry whose every value has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inquiry {
    pub organisation: SingleLine,
    pub contact_name: SingleLine,
    pub role: Option<SingleLine>,
    pub email: EmailAddress,
    pub phone: Option<PhoneNumber>,
    pub efus_member: EfusMembership,
    pub message: Option<MultiLine>,
}

/// The problems found, in the order of the fields on the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(Field, FieldError)>);

impl FieldErrors {
    /// The value if `result` is one, otherwise `None` with the error noted at `field`.
    fn check<T>(&mut self, field: Field, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|error| self.0.push((field, error))).ok()
    }

    pub fn get(&self, field: Field) -> Option<FieldError> {
        self.0
            .iter()
            .find(|(with_error, _)| *with_error == field)
            .map(|(_, error)| *error)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl InquiryFormValues {
    pub fn value(&self, field: Field) -> &str {
        match field {
            Field::Organisation => &self.organisation,
            Field::ContactName => &self.contact_name,
            Field::Role => &self.role,
            Field::Email => &self.email,
            Field::Phone => &self.phone,
            Field::EfusMember => &self.efus_member,
            Field::Message => &self.message,
        }
    }
}

impl TryFrom<&InquiryFormValues> for Inquiry {
    type Error = FieldErrors;

    /// Checks every value; the problems are reported at their fields, in form order.
    fn try_from(values: &InquiryFormValues) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let organisation = errors.check(
            Field::Organisation,
            SingleLine::parse(&values.organisation, 2, Field::Organisation.max_length()),
        );
        let contact_name = errors.check(
            Field::ContactName,
            SingleLine::parse(&values.contact_name, 2, Field::ContactName.max_length()),
        );
        let role = errors.check(
            Field::Role,
            SingleLine::parse_optional(&values.role, Field::Role.max_length()),
        );
        let email = errors.check(Field::Email, EmailAddress::parse(&values.email));
        let phone = errors.check(Field::Phone, PhoneNumber::parse_optional(&values.phone));
        let efus_member = errors.check(
            Field::EfusMember,
            EfusMembership::parse(&values.efus_member),
        );
        let message = errors.check(
            Field::Message,
            MultiLine::parse_optional(&values.message, Field::Message.max_length()),
        );
        let parsed = (
            organisation,
            contact_name,
            role,
            email,
            phone,
            efus_member,
            message,
        );
        let (
            Some(organisation),
            Some(contact_name),
            Some(role),
            Some(email),
            Some(phone),
            Some(efus_member),
            Some(message),
        ) = parsed
        else {
            return Err(errors);
        };
        Ok(Inquiry {
            organisation,
            contact_name,
            role,
            email,
            phone,
            efus_member,
            message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> InquiryFormValues {
        InquiryFormValues {
            organisation: "Stadt Lüneburg".into(),
            contact_name: "Dr. Jürgen Weiß".into(),
            role: "Ordnungsamt".into(),
            email: "j.weiss@stadt.lueneburg.de".into(),
            phone: "+49 4131 309-0".into(),
            efus_member: "pending".into(),
            message: "Wir möchten gern beitreten.\r\nViele Grüße".into(),
        }
    }

    #[test]
    fn every_named_field_reaches_its_value() {
        let query: Vec<String> = Field::ALL
            .iter()
            .map(|field| format!("{}=x{}", field.name(), field.name()))
            .chain([
                format!("{HONEYPOT_FIELD}=trap"),
                format!("{TOKEN_FIELD}=token"),
                "unknown=ignored".to_owned(),
            ])
            .collect();
        let submission: Submission = serde_urlencoded::from_str(&query.join("&")).unwrap();
        for field in Field::ALL {
            assert_eq!(
                submission.values.value(field),
                format!("x{}", field.name()),
                "{field:?}"
            );
        }
        assert_eq!(submission.honeypot, "trap");
        assert_eq!(submission.token, "token");
        let empty: Submission = serde_urlencoded::from_str("").unwrap();
        assert_eq!(empty.values, InquiryFormValues::default());
    }

    #[test]
    fn a_complete_form_becomes_an_inquiry() {
        let inquiry = Inquiry::try_from(&complete()).unwrap();
        assert_eq!(inquiry.organisation.as_str(), "Stadt Lüneburg");
        assert_eq!(inquiry.efus_member, EfusMembership::Pending);
        assert_eq!(
            inquiry.message.unwrap().as_str(),
            "Wir möchten gern beitreten.\nViele Grüße"
        );
    }

    #[test]
    fn optional_fields_may_stay_empty() {
        let values = InquiryFormValues {
            role: String::new(),
            phone: " ".into(),
            message: String::new(),
            ..complete()
        };
        let inquiry = Inquiry::try_from(&values).unwrap();
        assert!(inquiry.role.is_none() && inquiry.phone.is_none() && inquiry.message.is_none());
    }

    #[test]
    fn every_problem_is_reported_at_its_field_in_form_order() {
        let values = InquiryFormValues {
            organisation: "X".into(),
            contact_name: String::new(),
            email: "kein-at".into(),
            efus_member: "vielleicht".into(),
            ..complete()
        };
        let errors = Inquiry::try_from(&values).unwrap_err();
        assert_eq!(
            errors.0,
            vec![
                (Field::Organisation, FieldError::TooShort { min: 2 }),
                (Field::ContactName, FieldError::Required),
                (Field::Email, FieldError::InvalidEmail),
                (Field::EfusMember, FieldError::InvalidChoice),
            ]
        );
    }
}
