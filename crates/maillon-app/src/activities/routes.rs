//! Recording, listing, editing, duplicating and deleting activities.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::beneficiaries::{self, Beneficiary};
use super::model::{self, Activity, Context, Kind, Person, DIMENSIONS};
use super::picker::{self, Picker};
use super::vocab::*;
use super::{store, this_year};
use crate::accounts::model::CurrentUser;
use crate::app::page::{Flash, Page};
use crate::app::AppState;
use crate::places::routes::today;
use crate::structures::Access;
use crate::structures::StructureAccess;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData, Query};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/structures/{sid}/activites", get(list))
        .route(
            "/structures/{sid}/activites/nouvelle",
            get(new_form).post(create),
        )
        .route(
            "/structures/{sid}/activites/{aid}",
            get(edit_form).post(update),
        )
        .route("/structures/{sid}/activites/{aid}/supprimer", post(delete))
}

#[derive(Template)]
#[template(path = "activities/form.html")]
struct FormPage {
    page: Page,
    action: String,
    delete_action: String,
    duplicate_link: String,
    is_new: bool,
    activity: Activity,
    person_mode: &'static str,
    new_person: Beneficiary,
    errors: FieldErrors,
    places: Vec<(String, String)>,
    picker: Picker,
    /// Where the search as you type reads its matches.
    picker_source: String,
    custom_hours: String,
    custom_minutes: String,
    themes: &'static [Choice],
    admin_themes: &'static [Choice],
    canals: &'static [Choice],
    materials: &'static [Choice],
    autonomy: &'static [Choice],
    levels: &'static [Choice],
    orientations: &'static [Choice],
    genres: &'static [Choice],
    statuts: &'static [Choice],
    durations: &'static [i64],
    dimensions: [(&'static str, &'static str, &'static [Choice]); 3],
}

impl FormPage {
    fn is_collective(&self) -> bool {
        self.activity.kind == Kind::Collective
    }

    fn duration_is(&self, minutes: &i64) -> bool {
        self.custom_hours.is_empty()
            && self.custom_minutes.is_empty()
            && self.activity.duration_min == *minutes
    }

    fn duration_is_custom(&self) -> bool {
        !self.custom_hours.is_empty() || !self.custom_minutes.is_empty()
    }

    fn duration_label(&self, minutes: &i64) -> String {
        model::duration_label(*minutes)
    }

    fn dimension_title(&self, dimension: &str) -> &'static str {
        match dimension {
            "genre" => "Par genre",
            "age" => "Par tranche d'âge",
            _ => "Par statut",
        }
    }

    /// The number typed for an anonymous breakdown field, empty for zero.
    fn anonymous_value(&self, dimension: &str, code: &str) -> String {
        match self.activity.anonymous_count(dimension, code) {
            0 => String::new(),
            n => n.to_string(),
        }
    }

    /// The value chosen for an anonymous individual (one person).
    fn anonymous_choice(&self, dimension: &str) -> String {
        self.activity
            .anonymous
            .iter()
            .find(|(d, _, _)| d == dimension)
            .map(|(_, v, _)| v.clone())
            .unwrap_or_else(|| NOT_GIVEN.to_string())
    }

    /// The administrative part is open when it holds something or something to fix.
    fn admin_open(&self) -> bool {
        !self.activity.admin_themes.is_empty()
            || !self.activity.procedure_name.is_empty()
            || self.errors.get("admin_themes").is_some()
            || self.errors.get("procedure_name").is_some()
    }

    fn count_text(&self, n: &i64) -> String {
        if *n == 0 {
            String::new()
        } else {
            n.to_string()
        }
    }
}

struct Draft {
    activity: Activity,
    new_person: Beneficiary,
    errors: FieldErrors,
    typed: Option<FormData>,
}

impl Draft {
    /// An activity shown as it is, nothing typed yet.
    fn of(activity: Activity) -> Draft {
        Draft {
            activity,
            new_person: Beneficiary::default(),
            errors: FieldErrors::default(),
            typed: None,
        }
    }
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    access: &Access,
    draft: Draft,
) -> AppResult<Response> {
    let sid = &access.structure.id;
    let Draft {
        activity,
        new_person,
        errors,
        typed,
    } = draft;
    let is_new = activity.id.is_empty();
    let title = match (is_new, activity.kind) {
        (true, Kind::Individual) => "Nouvel accompagnement individuel",
        (true, Kind::Collective) => "Nouvel atelier collectif",
        (false, Kind::Individual) => "Accompagnement individuel",
        (false, Kind::Collective) => "Atelier collectif",
    };
    let page = Page::in_structure(state, title, user, access)
        .await
        .section("activities");
    let places = crate::places::store::list_for_structure(&state.db, sid)
        .await?
        .into_iter()
        .map(|p| (p.id, p.nom))
        .collect();
    let (person_mode, chosen) = match (&typed, &activity.person) {
        // A search for a name means an existing person.
        (Some(form), _) if picker::wants_search(form) && form.get("person") != "nouveau" => {
            ("existant", form.get("beneficiary_id"))
        }
        (Some(form), _) => (
            match form.get("person").as_str() {
                "existant" => "existant",
                "nouveau" => "nouveau",
                _ => "anonyme",
            },
            form.get("beneficiary_id"),
        ),
        (None, Person::Existing(id)) => ("existant", id.clone()),
        (None, Person::New) => ("nouveau", String::new()),
        (None, Person::Anonymous) => ("anonyme", String::new()),
    };
    let chosen = match activity.kind {
        Kind::Individual => vec![chosen].into_iter().filter(|c| !c.is_empty()).collect(),
        Kind::Collective => match &typed {
            Some(form) => form.all("participants"),
            None => activity.participants.clone(),
        },
    };
    let picker = picker::build(&state.db, sid, typed.as_ref(), &chosen).await?;
    let (custom_hours, custom_minutes) = match &typed {
        Some(form) => (form.get("duration_hours"), form.get("duration_minutes")),
        None if !activity.is_preset_duration() && activity.duration_min > 0 => (
            (activity.duration_min / 60).to_string(),
            (activity.duration_min % 60).to_string(),
        ),
        None => (String::new(), String::new()),
    };
    let action = if is_new {
        format!(
            "/structures/{sid}/activites/nouvelle?type={}",
            activity.kind.code()
        )
    } else {
        format!("/structures/{sid}/activites/{}", activity.id)
    };
    let form = FormPage {
        page,
        delete_action: format!("/structures/{sid}/activites/{}/supprimer", activity.id),
        duplicate_link: format!(
            "/structures/{sid}/activites/nouvelle?type={}&depuis={}",
            activity.kind.code(),
            activity.id
        ),
        action,
        is_new,
        activity,
        person_mode,
        new_person,
        errors,
        places,
        picker,
        picker_source: format!("/structures/{sid}/activites/personnes"),
        custom_hours,
        custom_minutes,
        themes: THEMES,
        admin_themes: ADMIN_THEMES,
        canals: CANALS,
        materials: MATERIALS,
        autonomy: AUTONOMY,
        levels: LEVELS,
        orientations: ORIENTATIONS,
        genres: GENRES,
        statuts: STATUTS,
        durations: DURATIONS,
        dimensions: DIMENSIONS,
    };
    Ok(render(&form)?.into_response())
}

#[derive(Deserialize)]
struct NewQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    depuis: Option<String>,
}

fn kind_of(q: &NewQuery) -> Kind {
    q.kind.as_deref().and_then(Kind::parse).unwrap_or_default()
}

async fn new_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let today = today(&access.structure.timezone);
    let mut activity = match &q.depuis {
        // Duplicate: the same activity, today, as a new record.
        Some(source) => {
            let mut a = store::get(&state.db, &access.structure.id, source)
                .await?
                .ok_or(AppError::NotFound)?;
            a.id.clear();
            a
        }
        None => {
            let mut a = Activity {
                kind: kind_of(&q),
                duration_min: 30,
                canal: CANAL_PLACE.into(),
                ..Activity::default()
            };
            // The form remembers the mediator's last place and duration.
            if let Some((canal, place, duration)) =
                store::last_of(&state.db, &access.structure.id, &user.id).await?
            {
                a.canal = canal;
                a.place_id = place;
                a.duration_min = duration;
            }
            a
        }
    };
    activity.date = today;
    form_page(&state, &user, &access, Draft::of(activity)).await
}

/// Checks the form; on success, writes the activity (and a new beneficiary) in one
/// transaction and returns its id.
async fn save(
    state: &AppState,
    access: &Access,
    user: &CurrentUser,
    kind: Kind,
    existing: Option<&str>,
    form: &FormData,
) -> AppResult<Result<String, Draft>> {
    let sid = &access.structure.id;
    let day = crate::places::routes::today_date(&access.structure.timezone);
    let today = day.to_string();
    let places: Vec<String> = crate::places::store::list_for_structure(&state.db, sid)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let ctx = Context {
        today: &today,
        places: &places,
    };
    let (mut activity, mut errors) = match model::from_form(form, kind, &ctx) {
        Ok(a) => (a, FieldErrors::default()),
        Err((a, e)) => (a, e),
    };
    let mut new_person = Beneficiary::default();
    if kind == Kind::Individual && form.get("person") == "nouveau" {
        match beneficiaries::from_form(form, "b_", this_year(day)) {
            Ok(b) => new_person = b,
            Err((b, e)) => {
                new_person = b;
                errors.merge(e);
            }
        }
    }
    // A search for a person comes back with the matches and what was typed, unsaved.
    if picker::wants_search(form) {
        activity.id = existing.unwrap_or_default().to_string();
        return Ok(Err(Draft {
            activity,
            new_person,
            errors: FieldErrors::default(),
            typed: Some(form.clone()),
        }));
    }
    let mut tx = state.db.begin_write().await?;
    // People must be this structure's: another structure's id is refused like a typo.
    let chosen: Vec<String> = match &activity.person {
        Person::Existing(id) if !id.is_empty() => vec![id.clone()],
        _ => activity.participants.clone(),
    };
    if beneficiaries::count_in_structure(&mut tx, sid, &chosen).await? != chosen.len() {
        let field = if kind == Kind::Individual {
            "beneficiary_id"
        } else {
            "participants"
        };
        errors.add(
            field,
            "Une personne choisie ne fait pas partie des bénéficiaires de la structure.",
        );
    }
    if !errors.is_empty() {
        drop(tx);
        activity.id = existing.unwrap_or_default().to_string();
        return Ok(Err(Draft {
            activity,
            new_person,
            errors,
            typed: Some(form.clone()),
        }));
    }
    let actor = super::audit::Actor::from(user);
    let beneficiary = match &activity.person {
        Person::New => {
            let id = beneficiaries::insert(&mut tx, sid, &new_person).await?;
            super::audit::write(&mut tx, sid, &actor, "creation", Some(&id)).await?;
            Some(id)
        }
        Person::Existing(id) => Some(id.clone()),
        Person::Anonymous => None,
    };
    let named: Vec<String> = beneficiary
        .iter()
        .cloned()
        .chain(activity.participants.iter().cloned())
        .collect();
    for person in &named {
        super::audit::write(&mut tx, sid, &actor, "activite", Some(person)).await?;
    }
    let id = match existing {
        None => store::insert(&mut tx, sid, &user.id, &activity, beneficiary.as_deref()).await?,
        Some(id) => {
            if !store::update(&mut tx, sid, id, &activity, beneficiary.as_deref()).await? {
                return Err(AppError::NotFound);
            }
            id.to_string()
        }
    };
    tx.commit().await?;
    Ok(Ok(id))
}

async fn create(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path(sid): Path<String>,
    Query(q): Query<NewQuery>,
    form: FormData,
) -> AppResult<Response> {
    match save(&state, &access, &user, kind_of(&q), None, &form).await? {
        Ok(_) => Ok(Redirect::to(&format!(
            "/structures/{sid}/activites?info=activite-enregistree"
        ))
        .into_response()),
        Err(draft) => form_page(&state, &user, &access, draft).await,
    }
}

async fn edit_form(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((_, aid)): Path<(String, String)>,
) -> AppResult<Response> {
    let activity = store::get(&state.db, &access.structure.id, &aid)
        .await?
        .ok_or(AppError::NotFound)?;
    form_page(&state, &user, &access, Draft::of(activity)).await
}

async fn update(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path((sid, aid)): Path<(String, String)>,
    form: FormData,
) -> AppResult<Response> {
    let existing = store::get(&state.db, &access.structure.id, &aid)
        .await?
        .ok_or(AppError::NotFound)?;
    match save(&state, &access, &user, existing.kind, Some(&aid), &form).await? {
        Ok(_) => Ok(
            Redirect::to(&format!("/structures/{sid}/activites?info=enregistre")).into_response(),
        ),
        Err(draft) => form_page(&state, &user, &access, draft).await,
    }
}

async fn delete(
    State(state): State<AppState>,
    StructureAccess { access, .. }: StructureAccess<crate::activities::Recorder>,
    Path((sid, aid)): Path<(String, String)>,
) -> AppResult<Response> {
    let mut tx = state.db.begin_write().await?;
    if !store::delete(&mut tx, &access.structure.id, &aid).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/structures/{sid}/activites?info=activite-supprimee"
    ))
    .into_response())
}

// ---- List ----

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default)]
struct ListQuery {
    du: Option<String>,
    au: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    mediateur: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "activities/list.html")]
struct ListPage {
    page: Page,
    sid: String,
    lines: Vec<store::Line>,
    total: i64,
    from: String,
    to: String,
    kind: String,
    mediator: String,
    mediators: Vec<(String, String)>,
    page_number: i64,
    pages: i64,
    query_without_page: String,
    /// The same activities for the export (the whole history when no period is chosen).
    export_query: String,
}

impl ListPage {
    fn date_fr(&self, date: &str) -> String {
        date_fr(date)
    }

    fn duration(&self, minutes: &i64) -> String {
        model::duration_label(*minutes)
    }
}

pub fn date_fr(date: &str) -> String {
    match jiff::civil::Date::strptime("%Y-%m-%d", date) {
        Ok(d) => d.strftime("%d/%m/%Y").to_string(),
        Err(_) => date.to_string(),
    }
}

async fn list(
    State(state): State<AppState>,
    StructureAccess { access, user, .. }: StructureAccess<crate::activities::Recorder>,
    Path(sid): Path<String>,
    Query(q): Query<ListQuery>,
    flash: Flash,
) -> AppResult<Response> {
    let valid_date = |d: &Option<String>| {
        d.clone()
            .filter(|d| jiff::civil::Date::strptime("%Y-%m-%d", d).is_ok())
            .unwrap_or_default()
    };
    let filter = store::Filter {
        from: valid_date(&q.du),
        to: valid_date(&q.au),
        kind: q.kind.as_deref().and_then(Kind::parse),
        mediator_id: q.mediateur.clone().unwrap_or_default(),
    };
    let page_number = crate::web::forms::page_number(q.page);
    let (lines, total) = store::list(
        &state.db,
        &access.structure.id,
        &filter,
        PAGE_SIZE,
        (page_number - 1) * PAGE_SIZE,
    )
    .await?;
    let mediators = crate::structures::store::members(&state.db, &access.structure.id)
        .await?
        .into_iter()
        .filter(|m| m.role != crate::accounts::model::Role::Volunteer)
        .map(|m| (m.user_id, m.name))
        .collect();
    let query_without_page = form_urlencoded::Serializer::new(String::new())
        .append_pair("du", &filter.from)
        .append_pair("au", &filter.to)
        .append_pair("type", filter.kind.map(Kind::code).unwrap_or(""))
        .append_pair("mediateur", &filter.mediator_id)
        .finish();
    let export_query = form_urlencoded::Serializer::new(String::new())
        .append_pair(
            "du",
            if filter.from.is_empty() {
                "2000-01-01"
            } else {
                &filter.from
            },
        )
        .append_pair(
            "au",
            if filter.to.is_empty() {
                "2999-12-31"
            } else {
                &filter.to
            },
        )
        .append_pair("type", filter.kind.map(Kind::code).unwrap_or(""))
        .append_pair("mediateur", &filter.mediator_id)
        .finish();
    let page = Page::in_structure(&state, "Activités", &user, &access)
        .await
        .section("activities")
        .flash(flash);
    Ok(render(&ListPage {
        page,
        sid,
        lines,
        total,
        from: filter.from,
        to: filter.to,
        kind: filter.kind.map(Kind::code).unwrap_or("").to_string(),
        mediator: filter.mediator_id,
        mediators,
        page_number,
        pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
        query_without_page,
        export_query,
    })?
    .into_response())
}
