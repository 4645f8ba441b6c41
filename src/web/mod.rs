//! Request handlers and the page structs they render, grouped by area of the site.

pub mod error_page;
pub mod layout;
pub mod public;
