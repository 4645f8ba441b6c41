//! Inquiries as a CSV file that German Excel opens directly with a double click: UTF-8 with a byte
//! order mark (so umlauts survive), semicolons between fields (Excel's separator where the
//! decimal mark is a comma), CRLF line ends, and quotes where a value needs them.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Berlin;

use crate::inquiry::inbox::InquirySummary;

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

pub fn write(inquiries: &[InquirySummary]) -> String {
    let mut csv = String::from(BYTE_ORDER_MARK);
    push_row(&mut csv, HEADER.iter().map(|title| (*title).to_owned()));
    for inquiry in inquiries {
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
                inquiry.phone.clone().unwrap_or_default(),
                inquiry.efus_member_in_german().to_owned(),
                inquiry.message.clone().unwrap_or_default(),
                inquiry.delivery.describe(),
            ],
        );
    }
    csv
}

fn push_row(csv: &mut String, fields: impl IntoIterator<Item = String>) {
    let fields: Vec<String> = fields.into_iter().map(|field| escape(&field)).collect();
    csv.push_str(&fields.join(";"));
    csv.push_str("\r\n");
}

/// Quotes a value when it holds a separator, quote or line break; and defuses values that
/// spreadsheet programs would run as formulas (the text comes from a public form) by
/// prefixing an apostrophe.
fn escape(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
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
        assert_eq!(escape("Stadt Leer"), "Stadt Leer");
        assert_eq!(escape("Köln; Bonn"), "\"Köln; Bonn\"");
        assert_eq!(escape("Sagte \"Hallo\""), "\"Sagte \"\"Hallo\"\"\"");
        assert_eq!(escape("Zeile 1\nZeile 2"), "\"Zeile 1\nZeile 2\"");
    }

    #[test]
    fn formulas_from_the_public_form_are_defused() {
        assert_eq!(
            escape("=HYPERLINK(\"http://evil\")"),
            "\"'=HYPERLINK(\"\"http://evil\"\")\""
        );
        assert_eq!(escape("+49 511 1"), "'+49 511 1");
        assert_eq!(escape("@SUM(A1)"), "'@SUM(A1)");
    }
}
