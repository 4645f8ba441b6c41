//! The answer to an inquiry, as the office starts it with one click: an email to the inquirer in
//! the language of their form, with the reference in the subject and a greeting.

use crate::i18n::Locale;
use crate::input::mailto_uri;
use crate::inquiry::stored::StoredInquiry;

/// A `mailto:` link that opens the office's mail program with the answer begun.
pub fn mailto(inquiry: &StoredInquiry, association: &str) -> String {
    let reference = &inquiry.reference;
    let name = &inquiry.contact_name;
    let (subject, body) = match inquiry.locale {
        Locale::De => (
            format!("Ihre Mitgliedschaftsanfrage bei {association} ({reference})"),
            format!(
                "Guten Tag {name},\n\nvielen Dank für Ihre Anfrage zur Mitgliedschaft \
                 (Referenz {reference}).\n\n\n\nMit freundlichen Grüßen\n"
            ),
        ),
        Locale::En => (
            format!("Your membership inquiry to {association} ({reference})"),
            format!(
                "Dear {name},\n\nthank you for your inquiry about membership \
                 (reference {reference}).\n\n\n\nKind regards\n"
            ),
        ),
    };
    mailto_uri(&inquiry.email, Some(&subject), Some(&body))
}
