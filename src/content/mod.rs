//! What the public site says: its pages, the organisation facts, and how both become HTML.

pub mod defaults;
pub mod diff;
pub mod facts;
pub mod history;
pub mod markdown;
pub mod page;
pub mod site;

pub use facts::OrganisationFacts;
pub use page::{Page, PageKey};
pub use site::SiteContent;
