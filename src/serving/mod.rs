//! The serving engine: how requests arrive and how answers leave, apart from what any page says.

pub mod connections;
