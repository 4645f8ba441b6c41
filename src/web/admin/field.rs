//! One form control of the staff area, with label, hint and error wired for assistive technology
//! the same way as on the public form. Rendered by `templates/admin/fields.html`. Browsers are
//! not asked to autofill: what staff type here is the association's data, not their own.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Text,
    Email,
    Tel,
    /// A multi-line text area with this many rows.
    TextArea(u8),
}

pub struct AdminField {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    pub value: String,
    pub error: Option<String>,
    pub required: bool,
    pub control: Control,
}

impl AdminField {
    pub fn new(name: &'static str, label: &'static str, value: impl Into<String>) -> Self {
        Self {
            name,
            label,
            hint: None,
            value: value.into(),
            error: None,
            required: false,
            control: Control::Text,
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
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

    pub fn id(&self) -> String {
        format!("field-{}", self.name.replace('_', "-"))
    }

    pub fn described_by(&self) -> Option<String> {
        let id = self.id();
        let ids: Vec<String> = [
            self.hint.map(|_| format!("{id}-hint")),
            self.error.as_ref().map(|_| format!("{id}-error")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    pub fn is_text_area(&self) -> bool {
        matches!(self.control, Control::TextArea(_))
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
            Control::Text | Control::TextArea(_) => "text",
        }
    }
}

/// The controls of one form, in order.
pub struct AdminForm {
    pub fields: Vec<AdminField>,
}

impl AdminForm {
    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|field| field.error.is_some())
    }
}
