//! The website of the Deutsch-Europäisches Forum für Urbane Sicherheit e.V. (DEFUS).
//!
//! Start reading at [`startup::Application`], which `main` and the tests both use to start
//! the site, and at [`app::router`], the map of every URL the site answers.

pub mod app;
pub mod assets;
pub mod cli;
pub mod clock;
pub mod config;
pub mod content;
pub mod database;
pub mod error;
pub mod i18n;
pub mod input;
pub mod inquiry;
pub mod mail;
pub mod monitoring;
pub mod rate_limit;
pub mod search;
pub mod secrets;
pub mod serving;
pub mod staff;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;

/// The schema migrations, embedded in the binary and run at every start.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();
