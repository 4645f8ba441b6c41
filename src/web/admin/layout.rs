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
    Facts,
    SignIn,
}

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub is_current: bool,
}

pub struct AdminLayout<'a> {
    pub title: String,
    pub section: Section,
    /// `None` on the sign-in page.
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

    pub fn navigation(&self) -> Vec<NavLink> {
        [
            (paths::DASHBOARD, "Übersicht", Section::Dashboard),
            (paths::INQUIRIES, "Anfragen", Section::Inquiries),
            (paths::PAGES, "Seiten", Section::Pages),
            (paths::FACTS, "Vereinsdaten", Section::Facts),
            (paths::ERASURE, "Löschen nach E-Mail", Section::Erasure),
        ]
        .into_iter()
        .map(|(href, label, section)| NavLink {
            href,
            label,
            is_current: section == self.section,
        })
        .collect()
    }

    pub fn document_title(&self) -> String {
        format!("{} – DEFUS-Verwaltung", self.title)
    }

    pub fn stylesheet_url(&self) -> &'static str {
        Asset::Stylesheet.url()
    }

    pub fn icon_url(&self) -> &'static str {
        Asset::Icon.url()
    }
}
