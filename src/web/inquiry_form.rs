//! The inquiry form as the templates see it: labels, hints, values and messages per field,
//! wired together for assistive technology (`aria-describedby`, `aria-invalid`, error summary).

use crate::content::PageKey;
use crate::i18n::{FormText, Locale};
use crate::inquiry::efus::EfusMembership;
use crate::inquiry::form::{Field, FieldErrors, HONEYPOT_FIELD, InquiryFormValues, TOKEN_FIELD};

pub struct InquiryFormView {
    pub locale: Locale,
    pub text: &'static FormText,
    pub token: String,
    pub values: InquiryFormValues,
    pub errors: FieldErrors,
    /// A message about the whole form (expired, or not stored), shown above it.
    pub notice: Option<&'static str>,
}

pub struct SummaryLine {
    pub target: String,
    pub message: String,
}

pub struct EfusOption {
    pub id: String,
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
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

    /// The `id` of the field's control; the error summary links to it.
    pub fn id(&self, field: &Field) -> String {
        format!("inquiry-{}", field.name().replace('_', "-"))
    }

    pub fn label(&self, field: &Field) -> &'static str {
        let text = self.text;
        match field {
            Field::Organisation => text.organisation,
            Field::ContactName => text.contact_name,
            Field::Role => text.role,
            Field::Email => text.email,
            Field::Phone => text.phone,
            Field::EfusMember => text.efus_member,
            Field::Message => text.message,
        }
    }

    pub fn hint(&self, field: &Field) -> Option<&'static str> {
        let text = self.text;
        match field {
            Field::Role => Some(text.role_hint),
            Field::Email => Some(text.email_hint),
            Field::Phone => Some(text.phone_hint),
            Field::Message => Some(text.message_hint),
            Field::Organisation | Field::ContactName | Field::EfusMember => None,
        }
    }

    pub fn marker(&self, field: &Field) -> &'static str {
        if field.is_required() {
            self.text.required
        } else {
            self.text.optional
        }
    }

    /// The value as typed, except for characters HTML cannot carry (NUL and other control
    /// characters), which become U+FFFD, as a browser would read them anyway.
    pub fn value(&self, field: &Field) -> String {
        self.values
            .value(*field)
            .chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => c,
                c if c.is_control() => char::REPLACEMENT_CHARACTER,
                c => c,
            })
            .collect()
    }

    pub fn error(&self, field: &Field) -> Option<String> {
        self.errors
            .get(*field)
            .map(|error| self.locale.field_error(*field, error))
    }

    /// The ids of the hint and the error message that describe the field, if any.
    pub fn described_by(&self, field: &Field) -> Option<String> {
        let id = self.id(field);
        let mut ids = Vec::new();
        if self.hint(field).is_some() {
            ids.push(format!("{id}-hint"));
        }
        if self.errors.get(*field).is_some() {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    pub fn summary(&self) -> Vec<SummaryLine> {
        self.errors
            .0
            .iter()
            .map(|(field, error)| SummaryLine {
                target: match field {
                    // The group's first choice, so the link lands where the answer is given.
                    Field::EfusMember => self.efus_option_id(EfusMembership::Yes),
                    _ => self.id(field),
                },
                message: format!(
                    "{}: {}",
                    self.label(field),
                    self.locale.field_error(*field, *error)
                ),
            })
            .collect()
    }

    pub fn efus_options(&self) -> Vec<EfusOption> {
        EfusMembership::ALL
            .into_iter()
            .map(|choice| EfusOption {
                id: self.efus_option_id(choice),
                code: choice.code(),
                label: match choice {
                    EfusMembership::Yes => self.text.efus_yes,
                    EfusMembership::No => self.text.efus_no,
                    EfusMembership::Pending => self.text.efus_pending,
                    EfusMembership::Unknown => self.text.efus_unknown,
                },
                checked: self.values.efus_member == choice.code(),
            })
            .collect()
    }

    fn efus_option_id(&self, choice: EfusMembership) -> String {
        format!("{}-{}", self.id(&Field::EfusMember), choice.code())
    }
}
