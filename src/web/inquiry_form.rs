//! The inquiry form as the templates see it: its fields with labels, hints, values and messages
//! in the visitor's language, the hidden token and the honeypot.

use crate::content::PageKey;
use crate::i18n::{FormText, Locale};
use crate::input::FieldError;
use crate::inquiry::efus::EfusMembership;
use crate::inquiry::form::{Field, FieldErrors, HONEYPOT_FIELD, InquiryFormValues, TOKEN_FIELD};
use crate::web::form_field::{Choice, Control, FormField, FormFields, HintLink};

/// Where the hint of the EFUS question leads.
const EFUS_SITE: &str = "https://efus.eu";

pub struct InquiryFormView {
    pub locale: Locale,
    pub text: &'static FormText,
    pub token: String,
    pub values: InquiryFormValues,
    pub errors: FieldErrors,
    /// A message about the whole form (expired, or not stored), shown above it.
    pub notice: Option<&'static str>,
}

impl InquiryFormView {
    /// An empty form with a fresh token.
    pub fn blank(locale: Locale, token: String) -> Self {
        Self {
            locale,
            text: locale.form_text(),
            token,
            values: InquiryFormValues::default(),
            errors: FieldErrors::default(),
            notice: None,
        }
    }

    /// Where the form is sent. The fragment makes the browser scroll the answer to the form
    /// (and its error summary) without any script.
    pub fn action(&self) -> String {
        format!("{}#inquiry", PageKey::Membership.path(self.locale))
    }

    pub fn privacy_path(&self) -> &'static str {
        PageKey::Privacy.path(self.locale)
    }

    pub fn honeypot_name(&self) -> &'static str {
        HONEYPOT_FIELD
    }

    pub fn token_name(&self) -> &'static str {
        TOKEN_FIELD
    }

    pub fn has_problems(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The visible fields, in order.
    pub fn fields(&self) -> FormFields {
        FormFields {
            fields: Field::ALL.map(|field| self.field(field)).into(),
            locale: self.locale,
        }
    }

    fn field(&self, field: Field) -> FormField {
        let text = self.text;
        let (label, control, autocomplete) = match field {
            Field::Organisation => (text.organisation, Control::Text, "organization"),
            Field::ContactName => (text.contact_name, Control::Text, "name"),
            Field::Role => (text.role, Control::Text, "organization-title"),
            Field::Email => (text.email, Control::Email, "email"),
            Field::Phone => (text.phone, Control::Tel, "tel"),
            Field::EfusMember => (text.efus_member, self.efus_choices(), "off"),
            Field::Message => (text.message, Control::TextArea(8), "off"),
        };
        let shown = FormField::new(field.name(), label, self.values.value(field))
            .in_form(self.locale, "inquiry")
            .required_if(field.is_required())
            .control(control)
            .autocomplete(autocomplete)
            .error(
                self.errors
                    .get(field)
                    .map(|error| field_error(self.locale, field, error)),
            );
        let shown = match field {
            // A choice has no length to limit.
            Field::EfusMember => shown,
            _ => shown.max_length(field.max_length()),
        };
        match field {
            Field::Role => shown.hint(text.role_hint),
            Field::Email => shown.hint(text.email_hint),
            Field::Phone => shown.hint(text.phone_hint),
            Field::Message => shown.hint(text.message_hint),
            Field::EfusMember => shown.hint_with_link(
                text.efus_hint_before_link,
                HintLink {
                    href: EFUS_SITE,
                    text: text.efus_link,
                    after: text.efus_hint_after_link,
                },
            ),
            Field::Organisation | Field::ContactName => shown,
        }
    }

    fn efus_choices(&self) -> Control {
        let text = self.text;
        Control::Choice(
            EfusMembership::ALL
                .into_iter()
                .map(|choice| {
                    Choice::new(
                        choice.code(),
                        match choice {
                            EfusMembership::Yes => text.efus_yes,
                            EfusMembership::No => text.efus_no,
                            EfusMembership::Pending => text.efus_pending,
                            EfusMembership::Unknown => text.efus_unknown,
                        },
                    )
                })
                .collect(),
        )
    }
}

/// The message shown at `field` for `error`: for a missing answer, what is missing.
fn field_error(locale: Locale, field: Field, error: FieldError) -> String {
    let specific = match (locale, error, field) {
        (Locale::De, FieldError::Required, Field::Organisation) => {
            "Bitte geben Sie Ihre Kommune oder Organisation an."
        }
        (Locale::De, FieldError::Required, Field::ContactName) => "Bitte geben Sie Ihren Namen an.",
        (Locale::De, FieldError::Required, Field::Email) => {
            "Bitte geben Sie Ihre dienstliche E-Mail-Adresse an."
        }
        (Locale::De, FieldError::Required, Field::EfusMember) => {
            "Bitte wählen Sie aus, ob Ihre Kommune Mitglied bei EFUS ist."
        }
        (Locale::En, FieldError::Required, Field::Organisation) => {
            "Please enter your municipality or organisation."
        }
        (Locale::En, FieldError::Required, Field::ContactName) => "Please enter your name.",
        (Locale::En, FieldError::Required, Field::Email) => "Please enter your work email address.",
        (Locale::En, FieldError::Required, Field::EfusMember) => {
            "Please choose whether your municipality is a member of EFUS."
        }
        _ => return locale.value_error(error),
    };
    specific.to_owned()
}
