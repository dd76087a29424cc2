//! Maillon: the application. One folder per capability (model, store, routes, templates);
//! `app` wires them together; `web` is the shared shell, `db` the database, `jobs` the
//! durable queue — these three name no capability.

// A form that fails validation comes back with what was typed and its errors: a large
// `Err`, but on a cold path, and boxing it everywhere would only add noise.
#![allow(clippy::result_large_err)]

pub mod accounts;
pub mod activities;
pub mod app;
pub mod config;
pub mod db;
pub mod exports;
pub mod files;
pub mod heavy;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod members;
pub mod messages;
pub mod places;
pub mod resources;
pub mod sms;
pub mod structures;
pub mod tenancy;
pub mod validate;
pub mod web;
pub mod workshops;

pub use app::{router, start, start_with_db, Running};

/// Logs for people (default) or JSON lines (`MAILLON_LOG_FORMAT=json`); the level
/// comes from `MAILLON_LOG` (e.g. `info`, `maillon_app=debug`).
pub fn init_logging() {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;
    let filter: Targets = std::env::var("MAILLON_LOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| "info,sqlx=warn".parse().expect("valid default filter"));
    let json = std::env::var("MAILLON_LOG_FORMAT").is_ok_and(|v| v == "json");
    let registry = tracing_subscriber::registry().with(filter);
    if json {
        let _ = registry
            .with(tracing_subscriber::fmt::layer().json())
            .try_init();
    } else {
        let _ = registry.with(tracing_subscriber::fmt::layer()).try_init();
    }
}
