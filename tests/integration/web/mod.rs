//! The web service over real HTTP: a server on a loopback port built from the
//! app, driven with reqwest. The harness is `helpers::web`; this module's files hold the
//! admin API's tests by subject; `web_public`, `web_dashboard` and
//! `web_browser` hold the rest.

mod campaigns;
mod contract;
mod subscribers;

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header;
use serde_json::{Value, json};
use willay::access::Role;
use willay::store::{ReachFilter, now_millis};
use willay::web::{self, WebConfig};

use crate::helpers::{Backend, TestApp, columns_containing, execute_sql};
use crate::on_both_backends;
use crate::smtp::SmtpServer;

// Re-exported so the tests here (and older callers of `crate::web`) name the one harness.
pub use crate::helpers::web::*;
