//! Email: composing it, the transport (SMTP or files), the outbox and the worker that delivers
//! it, retrying until it succeeds or gives up, and what the office is told of each delivery.

pub mod composed;
pub mod delivery;
pub mod office_email;
pub mod outbox;
pub mod transport;
pub mod worker;
