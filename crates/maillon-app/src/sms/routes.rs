//! The send log of a structure's SMS: what was sent to whom, when, and what came of it,
//! with the parts of the last 30 days (what the provider bills). For those who manage the
//! structure.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::Sms;
use crate::accounts::model::Role;
use crate::app::page::Page;
use crate::app::AppState;
use crate::mail::routes::local_time;
use crate::structures::StructureAccess;
use crate::web::error::AppResult;
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new().route("/structures/{sid}/sms", get(log))
}

#[derive(Template)]
#[template(path = "sms/log.html")]
struct LogPage {
    page: Page,
    sid: String,
    enabled: bool,
    provider: bool,
    messages: Vec<(Sms, String)>,
    parts_month: i64,
    /// Numbers and texts are personal data: for the structure's admins only (the network
    /// coordination sees dates, purposes and states).
    personal: bool,
    /// The structure's daily budget, and how many SMS it asked today.
    budget: i64,
    asked_today: i64,
}

async fn log(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::structures::extract::Member>,
    Path(sid): Path<String>,
) -> AppResult<Response> {
    access.require_manage()?;
    let messages = super::latest(&state.db, &access.structure.id, 200)
        .await?
        .into_iter()
        .map(|m| {
            let at = local_time(&state, m.created_at);
            (m, at)
        })
        .collect();
    let parts_month = super::parts_since(
        &state.db,
        &access.structure.id,
        crate::db::now() - 30 * 86_400,
    )
    .await?;
    let (budget, asked_today) = super::over_budget_today(&state.db, &access.structure.id).await?;
    let page = Page::in_structure(&state, "SMS envoyés", &user, &access)
        .await
        .section("structure");
    Ok(render(&LogPage {
        page,
        sid,
        enabled: access.structure.sms_enabled,
        provider: state.config.sms_provider.is_some(),
        messages,
        parts_month,
        personal: access.role == Some(Role::StructureAdmin),
        budget,
        asked_today,
    })?
    .into_response())
}
