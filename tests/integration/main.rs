//! willay's integration tests: real databases, a real SMTP server, the real binary.

mod binary;
mod campaign_progress;
mod cli;
mod csv_injection;
mod delivery;
mod dkim;
mod faults;
mod helpers;
mod lifecycle;
mod links_identity;
mod locales;
mod logs;
mod mail_trust;
mod pipeline;
mod poison;
mod prometheus;
mod relay_policy;
mod scale_out;
mod serve_worker;
mod smtp;
mod smtp_tls;
mod web;
mod web_browser;
mod web_dashboard;
mod web_public;
mod wide_csv;
