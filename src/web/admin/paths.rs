//! Every address of the staff area, in one place: the router takes its route patterns from
//! here, and handlers, templates and tests build links with the functions beside them.
//! (Ids are taken by `Borrow`, since templates hand over references.)

use std::borrow::Borrow;
use std::fmt::Display;

use crate::content::PageKey;
use crate::i18n::Locale;
use crate::web::admin::notice::Notice;

pub const DASHBOARD: &str = "/admin";
pub const SIGN_IN: &str = "/admin/anmelden";
pub const SIGN_OUT: &str = "/admin/abmelden";
pub const INQUIRIES: &str = "/admin/anfragen";
pub const INQUIRIES_EXPORT: &str = "/admin/anfragen/export.csv";
pub const INQUIRY: &str = "/admin/anfragen/{id}";
pub const INQUIRY_STATUS: &str = "/admin/anfragen/{id}/status";
pub const INQUIRY_RESEND: &str = "/admin/anfragen/{id}/erneut-senden";
pub const INQUIRY_DELETE: &str = "/admin/anfragen/{id}/loeschen";
pub const ERASURE: &str = "/admin/loeschen-nach-email";
pub const PAGES: &str = "/admin/seiten";
pub const PAGE: &str = "/admin/seiten/{key}/{locale}";
pub const PAGE_VERSIONS: &str = "/admin/seiten/{key}/{locale}/versionen";
pub const PAGE_VERSION: &str = "/admin/seiten/{key}/{locale}/versionen/{id}";
pub const PAGE_RESTORE: &str = "/admin/seiten/{key}/{locale}/versionen/{id}/wiederherstellen";
pub const FACTS: &str = "/admin/fakten";

/// The query parameter that names a [`Notice`] after a redirect.
pub const NOTICE_PARAMETER: &str = "meldung";
/// The query parameter of the sign-in page that names where to go afterwards.
pub const RETURN_PARAMETER: &str = "weiter";

/// `pattern` with its `{name}` placeholders filled in, in order.
fn fill(pattern: &str, values: &[(&str, &dyn Display)]) -> String {
    values
        .iter()
        .fold(pattern.to_owned(), |path, (name, value)| {
            path.replace(&format!("{{{name}}}"), &value.to_string())
        })
}

pub fn inquiry(id: impl Borrow<i64>) -> String {
    let id = *id.borrow();
    fill(INQUIRY, &[("id", &id)])
}

pub fn inquiry_status(id: impl Borrow<i64>) -> String {
    let id = *id.borrow();
    fill(INQUIRY_STATUS, &[("id", &id)])
}

pub fn inquiry_resend(id: impl Borrow<i64>) -> String {
    let id = *id.borrow();
    fill(INQUIRY_RESEND, &[("id", &id)])
}

pub fn inquiry_delete(id: impl Borrow<i64>) -> String {
    let id = *id.borrow();
    fill(INQUIRY_DELETE, &[("id", &id)])
}

pub fn page(key: PageKey, locale: Locale) -> String {
    fill(PAGE, &[("key", &key.code()), ("locale", &locale.code())])
}

pub fn page_versions(key: PageKey, locale: Locale) -> String {
    fill(
        PAGE_VERSIONS,
        &[("key", &key.code()), ("locale", &locale.code())],
    )
}

pub fn page_version(key: PageKey, locale: Locale, id: i64) -> String {
    fill(
        PAGE_VERSION,
        &[
            ("key", &key.code()),
            ("locale", &locale.code()),
            ("id", &id),
        ],
    )
}

pub fn page_restore(key: PageKey, locale: Locale, id: i64) -> String {
    fill(
        PAGE_RESTORE,
        &[
            ("key", &key.code()),
            ("locale", &locale.code()),
            ("id", &id),
        ],
    )
}

/// `path` with `notice` to be shown there (`path` has no query string of its own).
pub fn with_notice(path: &str, notice: Notice) -> String {
    format!("{path}?{NOTICE_PARAMETER}={}", notice.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_in() {
        assert_eq!(inquiry(42), "/admin/anfragen/42");
        assert_eq!(
            page_restore(PageKey::Goals, Locale::En, 7),
            "/admin/seiten/goals/en/versionen/7/wiederherstellen"
        );
        assert_eq!(
            with_notice(&inquiry(3), Notice::StatusChanged),
            "/admin/anfragen/3?meldung=status"
        );
    }
}
