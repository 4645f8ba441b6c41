//! The membership inquiry: what a city sends through the form on the membership page, from the
//! form's values to the stored inquiry whose email to the office is on its way.

pub mod csv_export;
pub mod efus;
pub mod form;
pub mod inbox;
pub mod receipt;
pub mod reminder;
pub mod reply;
pub mod retention;
pub mod spam;
pub mod status;
pub mod store;
pub mod stored;
pub mod token;
