//! willay — multilingual awareness campaigns by email.
//!
//! A Fluent catalogue of messages, rendered per person in their language inside
//! askama templates, sent by a leased, batched worker over SMTP (or into an
//! outbox folder), with a delivery ledger that is the truth for "never twice"
//! and for reach.

pub mod access;
pub mod app;
pub mod bounces;
pub mod campaigns;
pub mod catalogue;
pub mod cli;
pub mod config;
pub mod csv_cell;
pub mod domain;
pub mod import;
pub mod mail;
pub mod privacy;
pub mod render;
pub mod store;
pub mod subscribers;
pub mod unsubscribe;
pub mod web;
pub mod worker;
