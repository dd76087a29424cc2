//! Workshops and registration: staff build a programme of sessions; anyone signs up
//! without an account (or is signed up at the desk), with a waiting list when a session
//! is full and a personal link to see or cancel (decision 0010).

pub mod attendance;
pub mod cancelling;
pub mod cycles;
pub mod editing;
pub mod feeds;
pub mod model;
pub mod notify;
pub mod programme_store;
pub mod programmes;
pub mod public;
pub mod registration;
pub mod reminders;
pub mod routes;
pub mod store;
pub mod waiting;
