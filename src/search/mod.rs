//! The site search (`/suche`, `/en/search`): PostgreSQL full-text search over what visitors can
//! read — the pages with the facts they show, news, events, documents and members.
//!
//! Every change of content writes the entries again ([`index`]); a search asks PostgreSQL for
//! the matching entries, ranked, in the visitor's language first ([`query`]); the excerpt under
//! each result is cut and its matched words marked here ([`excerpt`]), as text that the template
//! escapes. German words are treated alike on both sides ([`words`]): `Praevention` is read as
//! `Prävention`, and the right-hand parts of long compounds are indexed too, so that
//! `Prävention` finds "Kriminalprävention".

pub mod excerpt;
pub mod index;
pub mod query;
pub mod words;

use crate::i18n::Locale;
use crate::text_enum;

text_enum! {
    /// What a search result is.
    pub enum SearchKind {
        Page = "page",
        News = "news",
        Event = "event",
        Document = "document",
        Member = "member",
    }
}

impl SearchKind {
    /// As the list of results names it.
    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (SearchKind::Page, Locale::De) => "Seite",
            (SearchKind::Page, Locale::En) => "Page",
            (SearchKind::News, Locale::De) => "Aktuelles",
            (SearchKind::News, Locale::En) => "News",
            (SearchKind::Event, Locale::De) => "Termin",
            (SearchKind::Event, Locale::En) => "Event",
            (SearchKind::Document, Locale::De) => "Dokument",
            (SearchKind::Document, Locale::En) => "Document",
            (SearchKind::Member, Locale::De) => "Mitglied",
            (SearchKind::Member, Locale::En) => "Member",
        }
    }
}
