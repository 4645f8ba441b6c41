//! Request handlers and the page structs they render, grouped by area of the site.

pub mod admin;
pub mod calendar;
pub mod client_address;
pub mod documents;
pub mod encoding;
pub mod error_page;
pub mod events;
pub mod for_search_engines;
pub mod form_body;
pub mod form_field;
pub mod front_door;
pub mod images;
pub mod inquiry_form;
pub mod layout;
pub mod listing;
pub mod members;
pub mod membership;
pub mod news;
pub mod page_cache;
pub mod public;
pub mod publications;
pub mod representation;
pub mod search;
pub mod security_headers;
pub mod spliced;
pub mod structured_data;
