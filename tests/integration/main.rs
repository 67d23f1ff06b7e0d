//! willay's integration tests: real databases, a real SMTP server, the real binary.

mod cli;
mod csv_injection;
mod delivery;
mod dkim;
mod helpers;
mod lifecycle;
mod locales;
mod mail_trust;
mod pipeline;
mod scale_out;
mod smtp;
mod web;
mod web_browser;
mod web_dashboard;
mod web_public;
