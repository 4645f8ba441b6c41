//! What the public site says: its pages, the organisation facts, and how both become HTML.

pub mod country;
pub mod defaults;
pub mod diff;
pub mod documents;
pub mod events;
pub mod facts;
pub mod history;
pub mod image;
pub mod items;
pub mod markdown;
pub mod members;
pub mod news;
pub mod page;
pub mod publication;
pub mod site;
pub mod slug;

pub use facts::OrganisationFacts;
pub use page::{Page, PageKey};
pub use site::SiteContent;
