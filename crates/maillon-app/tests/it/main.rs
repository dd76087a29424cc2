//! The integration test suite: one binary, each test against a real server and a fresh
//! database (SQLite, or PostgreSQL when MAILLON_TEST_POSTGRES is set).

mod harness;

mod abuse;
mod accounts;
mod activities;
mod cycles;
mod exports;
mod fuzz;
mod hardening;
mod jobs;
mod members;
mod messages;
mod personal_data;
mod places;
mod places_csv;
mod resource_files;
mod resources;
mod sms;
mod snapshots;
mod stats;
mod tenancy;
mod tenancy_matrix;
mod web_shell;
mod workshops;

pub const PASSWORD: &str = maillon_demo::PASSWORD;
pub const NETWORK_ADMIN: &str = "coordination@federation.test";
pub const FERRAT_ADMIN: &str = "direction@jeanferrat.test";
pub const FERRAT_MEDIATOR: &str = "karim@jeanferrat.test";
pub const FERRAT_VOLUNTEER: &str = "benevole@jeanferrat.test";
pub const TILLEULS_ADMIN: &str = "contact@tilleuls.test";
pub const MEDIATHEQUE_ADMIN: &str = "numerique@mediatheque-roanne.test";
pub const FERRAT: &str = "Centre social Jean Ferrat";
pub const TILLEULS: &str = "Espace de vie sociale Les Tilleuls";
pub const MEDIATHEQUE: &str = "Médiathèque Louise Michel";
