//! What `templates/admin/layout.html` needs from every staff page.

use crate::assets::Asset;
use crate::staff::session::StaffSession;
use crate::web::admin::paths;

/// The parts of the staff area, for the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Inquiries,
    Erasure,
    Pages,
    News,
    Events,
    Documents,
    Members,
    Facts,
    Activity,
    Accounts,
    OwnAccount,
    SignIn,
    /// A page outside the sections (an error, the Markdown help).
    Other,
}

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub is_current: bool,
}

pub struct AdminLayout<'a> {
    pub title: String,
    pub section: Section,
    /// `None` on the sign-in page (and error pages without a session).
    pub session: Option<&'a StaffSession>,
}

impl<'a> AdminLayout<'a> {
    pub fn new(title: impl Into<String>, section: Section, session: &'a StaffSession) -> Self {
        Self {
            title: title.into(),
            section,
            session: Some(session),
        }
    }

    pub fn signed_out(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            section: Section::SignIn,
            session: None,
        }
    }

    /// Prefixes the title with "Fehler: " when the page shows a form's problems, so that screen
    /// reader users hear it first.
    pub fn with_errors(mut self, has_errors: bool) -> Self {
        if has_errors {
            self.title.insert_str(0, "Fehler: ");
        }
        self
    }

    pub fn document_title(&self) -> String {
        format!("{} – DEFUS-Verwaltung", self.title)
    }

    /// The staff member's name as the header shows it.
    pub fn who(&self) -> Option<&str> {
        self.session.map(|session| {
            if session.name.is_empty() {
                session.email.as_str()
            } else {
                session.name.as_str()
            }
        })
    }

    pub fn navigation(&self) -> Vec<NavLink> {
        let may_manage_accounts = self
            .session
            .is_some_and(|session| session.role.may_manage_accounts());
        [
            (paths::DASHBOARD, "Übersicht", Section::Dashboard),
            (paths::INQUIRIES, "Anfragen", Section::Inquiries),
            (paths::PAGES, "Seiten", Section::Pages),
            (paths::NEWS, "Aktuelles", Section::News),
            (paths::EVENTS, "Termine", Section::Events),
            (paths::DOCUMENTS, "Dokumente", Section::Documents),
            (paths::MEMBERS, "Mitglieder", Section::Members),
            (paths::FACTS, "Vereinsdaten", Section::Facts),
            (paths::ACTIVITY, "Protokoll", Section::Activity),
            (paths::ACCOUNTS, "Konten", Section::Accounts),
            (paths::ERASURE, "Löschen nach E-Mail", Section::Erasure),
        ]
        .into_iter()
        .filter(|(_, _, section)| *section != Section::Accounts || may_manage_accounts)
        .map(|(href, label, section)| NavLink {
            href,
            label,
            is_current: section == self.section,
        })
        .collect()
    }

    pub fn own_account_is_current(&self) -> bool {
        self.section == Section::OwnAccount
    }

    pub fn stylesheet_url(&self) -> &'static str {
        Asset::Stylesheet.url()
    }

    pub fn icon_url(&self) -> &'static str {
        Asset::Icon.url()
    }
}
