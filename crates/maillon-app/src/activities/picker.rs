//! Choosing people in the activity form among a structure's hundreds or thousands of
//! beneficiaries. Without JavaScript the search field works by sending the form: the page
//! comes back with the matches and everything typed (`wants_search`). With JavaScript the
//! same matches come as you type from [`matches`]. Either way the page lists only the
//! people already chosen, the matches, or else the people seen most recently.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::beneficiaries::{self, Beneficiary};
use crate::app::AppState;
use crate::db::{Db, DbError};
use crate::structures::StructureAccess;
use crate::tenancy::StructureId;
use crate::web::error::AppResult;
use crate::web::forms::{FormData, Query};

/// Matches shown at once; a longer list asks for a more precise search.
const SHOWN: usize = 20;
/// People seen most recently, offered before any search.
const RECENT: usize = 8;

pub fn routes() -> Router<AppState> {
    Router::new().route("/structures/{sid}/activites/personnes", get(matches_json))
}

/// One person in the list: id, label, ticked.
pub struct Choice {
    pub id: String,
    pub label: String,
    pub chosen: bool,
}

pub struct Picker {
    /// What was searched ('' before any search).
    pub query: String,
    pub choices: Vec<Choice>,
    /// More people match than are shown.
    pub more: bool,
}

impl Picker {
    pub fn heading(&self) -> String {
        match (self.query.is_empty(), self.choices.iter().any(|c| !c.chosen)) {
            (true, _) => "Personnes vues récemment".into(),
            (false, true) if self.more => format!(
                "Les {SHOWN} premières personnes pour « {} » : précisez la recherche",
                self.query
            ),
            (false, true) => format!("Personnes trouvées pour « {} »", self.query),
            (false, false) => format!(
                "Personne ne correspond à « {} » : vérifiez l'orthographe, ou enregistrez une nouvelle personne",
                self.query
            ),
        }
    }
}

/// "Nom Prénom (1958, Roanne)": the year and the commune tell namesakes apart.
pub fn label(b: &Beneficiary) -> String {
    let name = format!("{} {}", b.last_name, b.first_name)
        .trim()
        .to_string();
    let details: Vec<String> = b
        .birth_year
        .map(|y| y.to_string())
        .into_iter()
        .chain((!b.commune.is_empty()).then(|| b.commune.clone()))
        .collect();
    let name = if name.is_empty() {
        "(sans nom)".to_string()
    } else {
        name
    };
    if details.is_empty() {
        name
    } else {
        format!("{name} ({})", details.join(", "))
    }
}

/// The form was sent to search, not to save: the "Chercher" button, or Enter (which
/// presses no named button) with search words not searched yet. "Enregistrer" saves.
pub fn wants_search(form: &FormData) -> bool {
    let query = form.get("q_personne");
    form.get("chercher") == "1"
        || (form.get("enregistrer") != "1"
            && !query.trim().is_empty()
            && query.trim() != form.get("q_fait"))
}

/// The list to show: people already chosen (ticked) first, then the matches of the search
/// typed in `form`, or the people seen most recently.
pub async fn build(
    db: &Db,
    structure_id: &StructureId,
    form: Option<&FormData>,
    chosen: &[String],
) -> Result<Picker, DbError> {
    let query = form
        .map(|f| crate::web::forms::search_text(&f.get("q_personne")).0)
        .unwrap_or_default();
    let mut choices: Vec<Choice> = beneficiaries::get_many(db, structure_id, chosen)
        .await?
        .iter()
        .map(|b| Choice {
            id: b.id.clone(),
            label: label(b),
            chosen: true,
        })
        .collect();
    let (found, more) = if query.is_empty() {
        (
            beneficiaries::seen_recently(db, structure_id, RECENT).await?,
            false,
        )
    } else {
        let mut found = beneficiaries::search(db, structure_id, &query, SHOWN as i64 + 1).await?;
        let more = found.len() > SHOWN;
        found.truncate(SHOWN);
        (found, more)
    };
    for b in found {
        if !choices.iter().any(|c| c.id == b.id) {
            choices.push(Choice {
                label: label(&b),
                id: b.id,
                chosen: false,
            });
        }
    }
    Ok(Picker {
        query,
        choices,
        more,
    })
}

#[derive(Deserialize)]
struct MatchesQuery {
    q: Option<String>,
}

#[derive(serde::Serialize)]
struct Match {
    id: String,
    label: String,
}

/// `[{id, label}]` for the search as you type (same access as the form).
async fn matches_json(
    State(state): State<AppState>,
    StructureAccess { access, .. }: StructureAccess<crate::activities::Recorder>,
    Query(q): Query<MatchesQuery>,
) -> AppResult<Response> {
    let query = q.q.unwrap_or_default();
    let found = if query.trim().is_empty() {
        beneficiaries::seen_recently(&state.db, &access.structure.id, RECENT).await?
    } else {
        beneficiaries::search(&state.db, &access.structure.id, &query, SHOWN as i64).await?
    };
    let list: Vec<Match> = found
        .iter()
        .map(|b| Match {
            id: b.id.clone(),
            label: label(b),
        })
        .collect();
    let body = serde_json::to_string(&list).unwrap_or_else(|_| "[]".into());
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
