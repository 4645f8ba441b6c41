//! The office staff: accounts (managed on the command line), passwords, sign-in and sessions.

pub mod account;
pub mod password;
pub mod session;
pub mod sign_in;
