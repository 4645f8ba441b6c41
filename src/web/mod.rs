//! Request handlers and the page structs they render, grouped by area of the site.

pub mod admin;
pub mod client_address;
pub mod error_page;
pub mod form_body;
pub mod form_field;
pub mod inquiry_form;
pub mod layout;
pub mod membership;
pub mod public;
