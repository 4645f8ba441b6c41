//! The office staff: accounts (with roles), passwords, sign-in, sessions, and the activity log.

pub mod account;
pub mod activity;
pub mod password;
pub mod session;
pub mod sign_in;
