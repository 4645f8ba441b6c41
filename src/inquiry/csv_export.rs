//! Inquiries as a CSV file that German Excel opens directly with a double click: UTF-8 with a byte
//! order mark (so umlauts survive), semicolons between fields (Excel's separator where the
//! decimal mark is a comma), CRLF line ends, and quotes where a value needs them.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Berlin;

use crate::inquiry::inbox::InboxEntry;

const BYTE_ORDER_MARK: &str = "\u{feff}";
const HEADER: [&str; 11] = [
    "Referenz",
    "Eingegangen",
    "Status",
    "Kommune / Organisation",
    "Ansprechperson",
    "Funktion / Dienststelle",
    "E-Mail",
    "Telefon",
    "Mitglied bei EFUS",
    "Nachricht",
    "Zustellung",
];

pub fn write(entries: &[InboxEntry]) -> String {
    let mut csv = String::from(BYTE_ORDER_MARK);
    push_row(&mut csv, HEADER.iter().map(|title| (*title).to_owned()));
    for InboxEntry { inquiry, delivery } in entries {
        push_row(
            &mut csv,
            [
                inquiry.reference.clone(),
                local_time(inquiry.received_at),
                inquiry.status.label().to_owned(),
                inquiry.organisation.clone(),
                inquiry.contact_name.clone(),
                inquiry.role.clone().unwrap_or_default(),
                inquiry.email.clone(),
                inquiry.phone.as_deref().map(as_text).unwrap_or_default(),
                inquiry.efus_member.in_german().to_owned(),
                inquiry.message.clone().unwrap_or_default(),
                delivery.short(),
            ],
        );
    }
    csv
}

fn push_row(csv: &mut String, fields: impl IntoIterator<Item = String>) {
    let fields: Vec<String> = fields.into_iter().map(|field| quote(&field)).collect();
    csv.push_str(&fields.join(";"));
    csv.push_str("\r\n");
}

/// Quotes a value when it holds a separator, quote or line break. Values that a spreadsheet
/// would run as a formula (text from a public form) are defused with a leading apostrophe,
/// except the text formulas made by `as_text`.
fn quote(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_text_formula(value) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A phone number as Excel's text formula `="…"`: shown exactly as typed, where Excel would
/// otherwise take `+49 …` for a calculation and drop the leading zero of `0511…`.
fn as_text(phone: &str) -> String {
    format!("=\"{}\"", phone.replace('"', "\"\""))
}

fn is_text_formula(value: &str) -> bool {
    value
        .strip_prefix("=\"")
        .and_then(|rest| rest.strip_suffix('"'))
        .is_some_and(|inner| !inner.replace("\"\"", "").contains('"'))
}

fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Berlin)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_only_when_needed() {
        assert_eq!(quote("Stadt Leer"), "Stadt Leer");
        assert_eq!(quote("Köln; Bonn"), "\"Köln; Bonn\"");
        assert_eq!(quote("Sagte \"Hallo\""), "\"Sagte \"\"Hallo\"\"\"");
        assert_eq!(quote("Zeile 1\nZeile 2"), "\"Zeile 1\nZeile 2\"");
    }

    #[test]
    fn phone_numbers_stay_text_in_excel() {
        assert_eq!(quote(&as_text("+49 511 1")), "\"=\"\"+49 511 1\"\"\"");
        assert_eq!(quote(&as_text("05111234567")), "\"=\"\"05111234567\"\"\"");
        // A formula smuggled in as a phone number cannot break out of the text formula.
        assert!(!is_text_formula("=\"1\"&HYPERLINK(\"x\")&\"\""));
    }

    #[test]
    fn formulas_from_the_public_form_are_defused() {
        assert_eq!(
            quote("=HYPERLINK(\"http://evil\")"),
            "\"'=HYPERLINK(\"\"http://evil\"\")\""
        );
        assert_eq!(quote("+49 511 1"), "'+49 511 1");
        assert_eq!(quote("@SUM(A1)"), "'@SUM(A1)");
    }
}
