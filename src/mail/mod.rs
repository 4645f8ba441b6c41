//! Email to the office: composing it, the transport (SMTP or files), the outbox and the worker
//! that delivers it, retrying until it succeeds or gives up.

pub mod office_email;
pub mod outbox;
pub mod transport;
pub mod worker;
