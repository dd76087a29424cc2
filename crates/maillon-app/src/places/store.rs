//! Queries on places. Every query that a signed-in person reaches is scoped by the
//! structure; public queries only ever see public places.

use std::sync::LazyLock;

use super::model::Place;
use super::vocab;
use crate::db::{self, now, opt_float, text, AnyRow, Db, DbError, Tx};
use crate::tenancy::StructureId;

/// The columns written from a [`Place`]: ours, then every column of the standard but
/// its `id` (the place's id is ours). The standard's list is the one source of truth.
static WRITTEN: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    ["is_public", "source_id"]
        .into_iter()
        .chain(vocab::COLUMNS.iter().copied().filter(|c| *c != "id"))
        .collect()
});

static SELECT_LIST: LazyLock<String> =
    LazyLock::new(|| format!("id, structure_id, {}", WRITTEN.join(", ")));

fn select(filter: &str) -> String {
    format!("SELECT {} FROM places {filter}", *SELECT_LIST)
}

static INSERT_SQL: LazyLock<String> = LazyLock::new(|| {
    let placeholders: Vec<String> = (4..4 + WRITTEN.len()).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO places (id, structure_id, created_at, {}, updated_at) VALUES ($1, $2, $3, {}, $3)",
        WRITTEN.join(", "),
        placeholders.join(", ")
    )
});

static UPDATE_SQL: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = WRITTEN
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 4))
        .collect();
    format!(
        "UPDATE places SET updated_at = $3, {} WHERE id = $1 AND structure_id = $2",
        sets.join(", ")
    )
});

fn from_row(r: &AnyRow) -> Result<Place, DbError> {
    Ok(Place {
        id: text(r, "id")?,
        structure_id: db::structure_id(r, "structure_id")?,
        is_public: db::flag(r, "is_public")?,
        source_id: text(r, "source_id")?,
        pivot: text(r, "pivot")?,
        nom: text(r, "nom")?,
        commune: text(r, "commune")?,
        code_postal: text(r, "code_postal")?,
        code_insee: text(r, "code_insee")?,
        adresse: text(r, "adresse")?,
        complement_adresse: text(r, "complement_adresse")?,
        latitude: opt_float(r, "latitude")?,
        longitude: opt_float(r, "longitude")?,
        typologie: text(r, "typologie")?,
        telephone: text(r, "telephone")?,
        courriels: text(r, "courriels")?,
        site_web: text(r, "site_web")?,
        horaires: text(r, "horaires")?,
        presentation_resume: text(r, "presentation_resume")?,
        presentation_detail: text(r, "presentation_detail")?,
        source: text(r, "source")?,
        itinerance: text(r, "itinerance")?,
        structure_parente: text(r, "structure_parente")?,
        date_maj: text(r, "date_maj")?,
        services: text(r, "services")?,
        publics_specifiquement_adresses: text(r, "publics_specifiquement_adresses")?,
        prise_en_charge_specifique: text(r, "prise_en_charge_specifique")?,
        frais_a_charge: text(r, "frais_a_charge")?,
        dispositif_programmes_nationaux: text(r, "dispositif_programmes_nationaux")?,
        formations_labels: text(r, "formations_labels")?,
        autres_formations_labels: text(r, "autres_formations_labels")?,
        modalites_acces: text(r, "modalites_acces")?,
        modalites_accompagnement: text(r, "modalites_accompagnement")?,
        fiche_acces_libre: text(r, "fiche_acces_libre")?,
        prise_rdv: text(r, "prise_rdv")?,
    })
}

pub async fn list_for_structure(
    db: &Db,
    structure_id: &StructureId,
) -> Result<Vec<Place>, DbError> {
    let rows = sqlx::query(&select("WHERE structure_id = $1 ORDER BY nom"))
        .bind(structure_id)
        .fetch_all(db.read())
        .await?;
    rows.iter().map(from_row).collect()
}

/// A place of the given structure; `None` for another structure's place.
pub async fn get_in_structure(
    db: &Db,
    structure_id: &StructureId,
    id: &str,
) -> Result<Option<Place>, DbError> {
    let row = sqlx::query(&select("WHERE id = $1 AND structure_id = $2"))
        .bind(id)
        .bind(structure_id)
        .fetch_optional(db.read())
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn get_public(db: &Db, id: &str) -> Result<Option<Place>, DbError> {
    let row = sqlx::query(&select("WHERE id = $1 AND is_public = 1"))
        .bind(id)
        .fetch_optional(db.read())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every public place of the network, by commune then name.
pub async fn list_public(db: &Db) -> Result<Vec<Place>, DbError> {
    let rows = sqlx::query(&select("WHERE is_public = 1 ORDER BY commune, nom"))
        .fetch_all(db.read())
        .await?;
    rows.iter().map(from_row).collect()
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    p: &Place,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for col in WRITTEN.iter().copied() {
        q = match col {
            "is_public" => q.bind(p.is_public as i64),
            "latitude" => q.bind(p.latitude),
            "longitude" => q.bind(p.longitude),
            other => q.bind(p.column(other)),
        };
    }
    q
}

/// Inserts a new place (its id is made here) and returns the id.
pub async fn insert(tx: &mut Tx, structure_id: &StructureId, p: &Place) -> Result<String, DbError> {
    let id = if p.id.is_empty() {
        db::new_id()
    } else {
        p.id.clone()
    };
    let q = sqlx::query(&INSERT_SQL)
        .bind(id.clone())
        .bind(structure_id.to_string())
        .bind(now());
    bind_all(q, p).execute(&mut **tx).await?;
    Ok(id)
}

/// Updates a place of the given structure; false when it is not one of its places.
pub async fn update(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
    p: &Place,
) -> Result<bool, DbError> {
    let q = sqlx::query(&UPDATE_SQL)
        .bind(id.to_string())
        .bind(structure_id.to_string())
        .bind(now());
    Ok(bind_all(q, p).execute(&mut **tx).await?.rows_affected() == 1)
}

pub async fn delete(tx: &mut Tx, structure_id: &StructureId, id: &str) -> Result<bool, DbError> {
    // Its activities keep their numbers, counted "outside the structure's places".
    crate::activities::rollup::forget_place(tx, structure_id, id).await?;
    let done = sqlx::query("DELETE FROM places WHERE id = $1 AND structure_id = $2")
        .bind(id)
        .bind(structure_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// For the import: the place that a row's `id` names, by our id or by the id it had
/// in the file it first came from.
pub async fn find_for_import(
    tx: &mut Tx,
    id: &str,
) -> Result<Option<(String, StructureId, String)>, DbError> {
    let row = sqlx::query("SELECT id, structure_id, source_id FROM places WHERE id = $1 OR source_id = $1 ORDER BY created_at LIMIT 1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| {
        Ok::<_, DbError>((
            text(&r, "id")?,
            db::structure_id(&r, "structure_id")?,
            text(&r, "source_id")?,
        ))
    })
    .transpose()
}
