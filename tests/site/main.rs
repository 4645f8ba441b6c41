//! Integration tests: each starts the real application on a free port against a fresh
//! PostgreSQL database of its own and talks to it over HTTP, as a browser would.

mod browser;
mod helpers;
mod smtp;

mod documents_and_members;
mod error_pages;
mod form_in_browser;
mod health;
mod hostile_input;
mod inquiries_reach_a_person;
mod inquiry_form;
mod mail_delivery;
mod monitoring;
mod news_and_events;
mod operations;
mod pages_from_memory;
mod public_pages;
mod quality;
mod search;
mod search_engines;
mod staff_content;
mod staff_inbox;
mod staff_office;
mod staff_quality;
mod staff_sign_in;
mod staff_two_factor;
mod standards;
mod startup;
mod static_assets;
