//! The office staff: accounts (with roles), passwords, sign-in (with its optional second step),
//! sessions, and the activity log.

pub mod account;
pub mod activity;
pub mod device;
pub mod password;
pub mod session;
pub mod sign_in;
pub mod two_factor;
