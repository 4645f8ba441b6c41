//! Every address of the staff area, in one place: the router takes its route patterns from
//! here, and handlers, templates and tests build links with the functions beside them.
//! (Ids are taken by `Borrow`, since templates hand over references.)

use std::borrow::Borrow;
use std::fmt::Display;

use crate::content::PageKey;
use crate::content::items::ItemKind;
use crate::i18n::Locale;
use crate::web::admin::notice::Notice;

pub const DASHBOARD: &str = "/admin";
pub const SIGN_IN: &str = "/admin/anmelden";
pub const SIGN_IN_CODE: &str = "/admin/anmelden/code";
pub const SIGN_OUT: &str = "/admin/abmelden";
pub const INQUIRIES: &str = "/admin/anfragen";
pub const INQUIRIES_EXPORT: &str = "/admin/anfragen/export.csv";
pub const INQUIRY: &str = "/admin/anfragen/{id}";
pub const INQUIRY_STATUS: &str = "/admin/anfragen/{id}/status";
pub const INQUIRY_RESEND: &str = "/admin/anfragen/{id}/erneut-senden";
pub const INQUIRY_DELETE: &str = "/admin/anfragen/{id}/loeschen";
pub const INQUIRY_NOTES: &str = "/admin/anfragen/{id}/notizen";
pub const INQUIRY_ASSIGNMENT: &str = "/admin/anfragen/{id}/zuweisung";
pub const ERASURE: &str = "/admin/loeschen-nach-email";
pub const PAGES: &str = "/admin/seiten";
pub const PAGE: &str = "/admin/seiten/{key}/{locale}";
pub const PAGE_VERSIONS: &str = "/admin/seiten/{key}/{locale}/versionen";
pub const PAGE_VERSION: &str = "/admin/seiten/{key}/{locale}/versionen/{id}";
pub const PAGE_RESTORE: &str = "/admin/seiten/{key}/{locale}/versionen/{id}/wiederherstellen";
pub const FACTS: &str = "/admin/fakten";
pub const FACTS_VERSIONS: &str = "/admin/fakten/versionen";
pub const FACTS_VERSION: &str = "/admin/fakten/versionen/{id}";
pub const FACTS_RESTORE: &str = "/admin/fakten/versionen/{id}/wiederherstellen";
pub const OWN_ACCOUNT: &str = "/admin/konto";
pub const OWN_PASSWORD: &str = "/admin/konto/passwort";
pub const OWN_OTHER_SESSIONS: &str = "/admin/konto/andere-sitzungen-beenden";
pub const ACCOUNTS: &str = "/admin/konten";
pub const NEW_ACCOUNT: &str = "/admin/konten/neu";
pub const ACCOUNT: &str = "/admin/konten/{id}";
pub const ACCOUNT_ENABLED: &str = "/admin/konten/{id}/zugang";
pub const ACCOUNT_ROLE: &str = "/admin/konten/{id}/rolle";
pub const ACCOUNT_PASSWORD: &str = "/admin/konten/{id}/passwort";
pub const ACCOUNT_DELETE: &str = "/admin/konten/{id}/loeschen";
pub const NEWS: &str = "/admin/aktuelles";
pub const NEWS_NEW: &str = "/admin/aktuelles/neu";
pub const NEWS_ITEM: &str = "/admin/aktuelles/{id}";
pub const NEWS_STATE: &str = "/admin/aktuelles/{id}/status";
pub const NEWS_DELETE: &str = "/admin/aktuelles/{id}/loeschen";
pub const NEWS_VERSIONS: &str = "/admin/aktuelles/{id}/versionen";
pub const NEWS_VERSION: &str = "/admin/aktuelles/{id}/versionen/{version}";
pub const EVENTS: &str = "/admin/termine";
pub const EVENTS_NEW: &str = "/admin/termine/neu";
pub const EVENT: &str = "/admin/termine/{id}";
pub const EVENT_STATE: &str = "/admin/termine/{id}/status";
pub const EVENT_DELETE: &str = "/admin/termine/{id}/loeschen";
pub const EVENT_VERSIONS: &str = "/admin/termine/{id}/versionen";
pub const EVENT_VERSION: &str = "/admin/termine/{id}/versionen/{version}";
pub const DOCUMENTS: &str = "/admin/dokumente";
pub const DOCUMENTS_NEW: &str = "/admin/dokumente/neu";
pub const DOCUMENT: &str = "/admin/dokumente/{id}";
pub const DOCUMENT_DELETE: &str = "/admin/dokumente/{id}/loeschen";
pub const MEMBERS: &str = "/admin/mitglieder";
pub const MEMBERS_NEW: &str = "/admin/mitglieder/neu";
pub const MEMBER: &str = "/admin/mitglieder/{id}";
pub const MEMBER_DELETE: &str = "/admin/mitglieder/{id}/loeschen";
pub const ACTIVITY: &str = "/admin/protokoll";
pub const MARKDOWN_HELP: &str = "/admin/hilfe/markdown";

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

pub fn inquiry_notes(id: impl Borrow<i64>) -> String {
    let id = *id.borrow();
    fill(INQUIRY_NOTES, &[("id", &id)])
}

pub fn inquiry_assignment(id: impl Borrow<i64>) -> String {
    let id = *id.borrow();
    fill(INQUIRY_ASSIGNMENT, &[("id", &id)])
}

pub fn facts_version(id: impl Borrow<i64>) -> String {
    let id = *id.borrow();
    fill(FACTS_VERSION, &[("id", &id)])
}

pub fn facts_restore(id: impl Borrow<i64>) -> String {
    let id = *id.borrow();
    fill(FACTS_RESTORE, &[("id", &id)])
}

pub fn account(id: impl Borrow<i64>) -> String {
    let id = *id.borrow();
    fill(ACCOUNT, &[("id", &id)])
}

pub fn account_enabled(id: impl Borrow<i64>) -> String {
    let id = *id.borrow();
    fill(ACCOUNT_ENABLED, &[("id", &id)])
}

pub fn account_role(id: impl Borrow<i64>) -> String {
    let id = *id.borrow();
    fill(ACCOUNT_ROLE, &[("id", &id)])
}

pub fn account_password(id: impl Borrow<i64>) -> String {
    let id = *id.borrow();
    fill(ACCOUNT_PASSWORD, &[("id", &id)])
}

pub fn account_delete(id: impl Borrow<i64>) -> String {
    let id = *id.borrow();
    fill(ACCOUNT_DELETE, &[("id", &id)])
}

pub fn page(key: impl Borrow<PageKey>, locale: impl Borrow<Locale>) -> String {
    let (key, locale) = (key.borrow().code(), locale.borrow().code());
    fill(PAGE, &[("key", &key), ("locale", &locale)])
}

pub fn page_versions(key: impl Borrow<PageKey>, locale: impl Borrow<Locale>) -> String {
    let (key, locale) = (key.borrow().code(), locale.borrow().code());
    fill(PAGE_VERSIONS, &[("key", &key), ("locale", &locale)])
}

pub fn page_version(
    key: impl Borrow<PageKey>,
    locale: impl Borrow<Locale>,
    id: impl Borrow<i64>,
) -> String {
    let (key, locale, id) = (key.borrow().code(), locale.borrow().code(), *id.borrow());
    fill(
        PAGE_VERSION,
        &[("key", &key), ("locale", &locale), ("id", &id)],
    )
}

pub fn page_restore(
    key: impl Borrow<PageKey>,
    locale: impl Borrow<Locale>,
    id: impl Borrow<i64>,
) -> String {
    let (key, locale, id) = (key.borrow().code(), locale.borrow().code(), *id.borrow());
    fill(
        PAGE_RESTORE,
        &[("key", &key), ("locale", &locale), ("id", &id)],
    )
}

/// The list of news items or events.
pub fn items(kind: impl Borrow<ItemKind>) -> &'static str {
    let kind = *kind.borrow();
    match kind {
        ItemKind::News => NEWS,
        ItemKind::Event => EVENTS,
    }
}

/// The form for a new news item or event.
pub fn new_item(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::News => NEWS_NEW,
        ItemKind::Event => EVENTS_NEW,
    }
}

/// The editor of a news item or event.
pub fn item(kind: ItemKind, id: impl Borrow<i64>) -> String {
    let pattern = match kind {
        ItemKind::News => NEWS_ITEM,
        ItemKind::Event => EVENT,
    };
    fill(pattern, &[("id", id.borrow())])
}

pub fn item_state(kind: ItemKind, id: impl Borrow<i64>) -> String {
    let pattern = match kind {
        ItemKind::News => NEWS_STATE,
        ItemKind::Event => EVENT_STATE,
    };
    fill(pattern, &[("id", id.borrow())])
}

pub fn item_delete(kind: ItemKind, id: impl Borrow<i64>) -> String {
    let pattern = match kind {
        ItemKind::News => NEWS_DELETE,
        ItemKind::Event => EVENT_DELETE,
    };
    fill(pattern, &[("id", id.borrow())])
}

pub fn item_versions(kind: ItemKind, id: impl Borrow<i64>) -> String {
    let pattern = match kind {
        ItemKind::News => NEWS_VERSIONS,
        ItemKind::Event => EVENT_VERSIONS,
    };
    fill(pattern, &[("id", id.borrow())])
}

pub fn item_version(kind: ItemKind, id: impl Borrow<i64>, version: impl Borrow<i64>) -> String {
    let pattern = match kind {
        ItemKind::News => NEWS_VERSION,
        ItemKind::Event => EVENT_VERSION,
    };
    fill(
        pattern,
        &[("id", id.borrow()), ("version", version.borrow())],
    )
}

/// The editor of an item, filled with one of its earlier versions (to save it again).
pub fn item_from_version(
    kind: ItemKind,
    id: impl Borrow<i64>,
    version: impl Borrow<i64>,
) -> String {
    format!(
        "{}?{VERSION_PARAMETER}={}",
        item(kind, id),
        version.borrow()
    )
}

/// The query parameter of an item's editor that names the version to start from.
pub const VERSION_PARAMETER: &str = "fassung";

/// `path` with `notice` to be shown there (`path` has no query string of its own).
pub fn with_notice(path: &str, notice: Notice) -> String {
    format!("{path}?{NOTICE_PARAMETER}={}", notice.code())
}

pub fn document(id: impl Borrow<i64>) -> String {
    fill(DOCUMENT, &[("id", id.borrow())])
}

pub fn document_delete(id: impl Borrow<i64>) -> String {
    fill(DOCUMENT_DELETE, &[("id", id.borrow())])
}

pub fn member(id: impl Borrow<i64>) -> String {
    fill(MEMBER, &[("id", id.borrow())])
}

pub fn member_delete(id: impl Borrow<i64>) -> String {
    fill(MEMBER_DELETE, &[("id", id.borrow())])
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
