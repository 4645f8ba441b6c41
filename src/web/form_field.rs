//! One form control as every form of the site shows it (the public inquiry form and the staff
//! area alike): label with "required"/"optional", hint, error message, and the value typed,
//! wired for assistive technology (`aria-describedby`, `aria-invalid`, an error summary that
//! links to each field). Rendered by the macros in `templates/fields.html`.

use std::borrow::Cow;

use crate::i18n::Locale;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    Text,
    Email,
    Tel,
    /// A password: its value is never shown (not even after an error).
    Password,
    /// A multi-line text area with this many rows.
    TextArea(u8),
    /// One answer out of several, as radio buttons in a `fieldset`.
    Choice(Vec<Choice>),
    /// One answer out of many, as a drop-down list.
    Select(Vec<Choice>),
    /// A calendar date (`YYYY-MM-DD`).
    Date,
    /// A date with a time of day, without time zone (`YYYY-MM-DDTHH:MM`).
    DateTime,
    /// A web address.
    Url,
    /// Yes or no: checked when the value is `on`, as browsers send it.
    Checkbox,
    /// A file to upload, of the media types in `accept`.
    File {
        accept: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: Cow<'static, str>,
    pub label: Cow<'static, str>,
}

impl Choice {
    pub fn new(value: impl Into<Cow<'static, str>>, label: impl Into<Cow<'static, str>>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
        }
    }
}

/// The value a checked checkbox sends.
pub const CHECKED: &str = "on";

/// A hint below the label; it may end in a link (e.g. to where something is explained).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub text: Cow<'static, str>,
    pub link: Option<HintLink>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HintLink {
    pub href: &'static str,
    pub text: &'static str,
    /// What follows the link, e.g. a full stop.
    pub after: &'static str,
}

#[derive(Debug, Clone)]
pub struct FormField {
    /// The `name` under which the value is sent.
    pub name: &'static str,
    /// Distinguishes the ids of several forms on one page (`inquiry`, `field`).
    pub id_prefix: &'static str,
    pub label: &'static str,
    pub hint: Option<Hint>,
    pub value: String,
    pub error: Option<String>,
    pub required: bool,
    /// Said after the label instead of "required"/"optional".
    pub marker_text: Option<&'static str>,
    pub control: Control,
    pub max_length: Option<usize>,
    /// The `autocomplete` token: the visitor's own details are offered by the browser; what
    /// staff type is the association's, so it is `off` there.
    pub autocomplete: &'static str,
    pub locale: Locale,
    /// The language of the text typed in, when it is not the form's (an English title in the
    /// German staff area): its `lang`.
    pub content_lang: Option<&'static str>,
}

impl FormField {
    pub fn new(name: &'static str, label: &'static str, value: impl Into<String>) -> Self {
        Self {
            name,
            id_prefix: "field",
            label,
            hint: None,
            value: value.into(),
            error: None,
            required: false,
            marker_text: None,
            control: Control::Text,
            max_length: None,
            autocomplete: "off",
            locale: Locale::De,
            content_lang: None,
        }
    }

    /// The value is written in `language`: marked with `lang` when that is not the form's.
    pub fn written_in(mut self, language: Locale) -> Self {
        self.content_lang = (language != self.locale).then(|| language.code());
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Says `text` after the label instead of "optional" (e.g. what the value is needed for).
    pub fn marked(mut self, text: &'static str) -> Self {
        self.marker_text = Some(text);
        self
    }

    pub fn required_if(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    pub fn hint(mut self, text: impl Into<Cow<'static, str>>) -> Self {
        self.hint = Some(Hint {
            text: text.into(),
            link: None,
        });
        self
    }

    pub fn hint_with_link(mut self, text: &'static str, link: HintLink) -> Self {
        self.hint = Some(Hint {
            text: text.into(),
            link: Some(link),
        });
        self
    }

    pub fn control(mut self, control: Control) -> Self {
        self.control = control;
        self
    }

    pub fn error(mut self, error: Option<String>) -> Self {
        self.error = error;
        self
    }

    pub fn max_length(mut self, max_length: usize) -> Self {
        self.max_length = Some(max_length);
        self
    }

    pub fn autocomplete(mut self, token: &'static str) -> Self {
        self.autocomplete = token;
        self
    }

    /// A field of a form in `locale` whose ids start with `id_prefix`.
    pub fn in_form(mut self, locale: Locale, id_prefix: &'static str) -> Self {
        self.locale = locale;
        self.id_prefix = id_prefix;
        self
    }

    /// The `id` of the control (of a choice's group); the error summary links to it.
    pub fn id(&self) -> String {
        format!("{}-{}", self.id_prefix, self.name.replace('_', "-"))
    }

    /// The `id` of one radio button of a [`Control::Choice`].
    pub fn choice_id(&self, choice: &Choice) -> String {
        format!("{}-{}", self.id(), choice.value.replace('_', "-"))
    }

    /// Where the error summary leads: the control, or a group's first choice, so that the link
    /// lands where the answer is given.
    pub fn target_id(&self) -> String {
        match &self.control {
            Control::Choice(choices) => choices
                .first()
                .map_or_else(|| self.id(), |choice| self.choice_id(choice)),
            _ => self.id(),
        }
    }

    pub fn is_checked(&self, choice: &Choice) -> bool {
        self.value == choice.value
    }

    /// The ids of the hint and the error message that describe the field, if any.
    pub fn described_by(&self) -> Option<String> {
        let id = self.id();
        let ids: Vec<String> = [
            self.hint.as_ref().map(|_| format!("{id}-hint")),
            self.error.as_ref().map(|_| format!("{id}-error")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    /// "required" or "optional", shown after the label.
    pub fn marker(&self) -> &'static str {
        let words = self.locale.form_words();
        if let Some(text) = self.marker_text {
            text
        } else if self.required {
            words.required
        } else {
            words.optional
        }
    }

    pub fn error_prefix(&self) -> &'static str {
        self.locale.form_words().error_prefix
    }

    /// The value as typed, except for characters HTML cannot carry (NUL and other control
    /// characters), which become U+FFFD, as a browser would read them anyway.
    pub fn shown_value(&self) -> String {
        if self.control == Control::Password {
            return String::new();
        }
        self.value
            .chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => c,
                c if c.is_control() => char::REPLACEMENT_CHARACTER,
                c => c,
            })
            .collect()
    }

    pub fn is_text_area(&self) -> bool {
        matches!(self.control, Control::TextArea(_))
    }

    pub fn is_checkbox(&self) -> bool {
        self.control == Control::Checkbox
    }

    pub fn is_checked_box(&self) -> bool {
        self.value == CHECKED
    }

    /// The options of a drop-down list (empty for other controls).
    pub fn options(&self) -> &[Choice] {
        match &self.control {
            Control::Select(options) => options,
            _ => &[],
        }
    }

    pub fn is_select(&self) -> bool {
        matches!(self.control, Control::Select(_))
    }

    /// The media types a file field takes (`None` for other controls).
    pub fn accept(&self) -> Option<&'static str> {
        match self.control {
            Control::File { accept } => Some(accept),
            _ => None,
        }
    }

    pub fn choices(&self) -> &[Choice] {
        match &self.control {
            Control::Choice(choices) => choices,
            _ => &[],
        }
    }

    pub fn rows(&self) -> u8 {
        match self.control {
            Control::TextArea(rows) => rows,
            _ => 1,
        }
    }

    pub fn input_type(&self) -> &'static str {
        match self.control {
            Control::Email => "email",
            Control::Tel => "tel",
            Control::Password => "password",
            // A value the browser's date control cannot hold (typed by a tool, or a day that does
            // not exist) would be dropped by it: a text box keeps it in sight next to its message.
            Control::Date if !is_date(&self.value) => "text",
            Control::DateTime if !is_date_time(&self.value) => "text",
            Control::Date => "date",
            Control::DateTime => "datetime-local",
            Control::Url => "url",
            Control::Checkbox => "checkbox",
            Control::File { .. } => "file",
            Control::Text | Control::TextArea(_) | Control::Choice(_) | Control::Select(_) => {
                "text"
            }
        }
    }
}

/// Whether `value` is empty or a date as `<input type=date>` holds it (`2027-03-12`).
fn is_date(value: &str) -> bool {
    value.is_empty() || chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
}

/// Whether `value` is empty or a time as `<input type=datetime-local>` holds it
/// (`2027-03-12T10:00`).
fn is_date_time(value: &str) -> bool {
    value.is_empty() || chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M").is_ok()
}

/// The controls of one form, in order, with what its error summary says.
pub struct FormFields {
    pub fields: Vec<FormField>,
    pub locale: Locale,
}

pub struct SummaryLine {
    pub target: String,
    pub message: String,
}

impl FormFields {
    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|field| field.error.is_some())
    }

    pub fn summary_title(&self) -> &'static str {
        self.locale.form_words().error_summary
    }

    /// One line per field with a problem, linking to it: "Label: message".
    pub fn summary(&self) -> Vec<SummaryLine> {
        self.fields
            .iter()
            .filter_map(|field| {
                field.error.as_ref().map(|error| SummaryLine {
                    target: field.target_id(),
                    message: format!("{}: {error}", field.label),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_and_error_describe_the_field() {
        let field = FormField::new("contact_name", "Name", "Eve")
            .hint("So wie im Ausweis.")
            .error(Some("Zu kurz.".into()));
        assert_eq!(field.id(), "field-contact-name");
        assert_eq!(
            field.described_by().as_deref(),
            Some("field-contact-name-hint field-contact-name-error")
        );
        assert_eq!(FormField::new("x", "X", "").described_by(), None);
    }

    #[test]
    fn the_summary_leads_to_a_group_s_first_choice() {
        let group = FormField::new("answer", "Antwort", "")
            .control(Control::Choice(vec![
                Choice::new("yes", "Ja"),
                Choice::new("no", "Nein"),
            ]))
            .in_form(Locale::En, "inquiry")
            .error(Some("Please choose.".into()));
        let form = FormFields {
            fields: vec![group],
            locale: Locale::En,
        };
        let summary = form.summary();
        assert_eq!(summary[0].target, "inquiry-answer-yes");
        assert_eq!(summary[0].message, "Antwort: Please choose.");
    }

    #[test]
    fn control_characters_are_not_shown_raw() {
        let field = FormField::new("x", "X", "a\u{0}b\nc");
        assert_eq!(field.shown_value(), "a\u{fffd}b\nc");
    }
}
