//! Queries on activities. Every query is scoped by the structure.

use super::model::{Activity, Kind, Person};
use crate::db::{self, now, text, AnyRow, Db, DbError, Tx};
use crate::tenancy::StructureId;

const COLUMNS: &str = "id, kind, mediator_id, date, duration_min, canal, place_id, commune, procedure_name, autonomy, \
    level, title, oriented, orientation, notes, anon_count, anon_already, anon_commune";

fn from_row(r: &AnyRow) -> Result<Activity, DbError> {
    Ok(Activity {
        id: text(r, "id")?,
        kind: Kind::parse(&text(r, "kind")?).unwrap_or_default(),
        mediator_id: text(r, "mediator_id")?,
        date: text(r, "date")?,
        duration_min: db::int(r, "duration_min")?,
        canal: text(r, "canal")?,
        place_id: text(r, "place_id")?,
        commune: text(r, "commune")?,
        procedure_name: text(r, "procedure_name")?,
        autonomy: text(r, "autonomy")?,
        level: text(r, "level")?,
        title: text(r, "title")?,
        oriented: db::flag(r, "oriented")?,
        orientation: text(r, "orientation")?,
        notes: text(r, "notes")?,
        anon_count: db::int(r, "anon_count")?,
        anon_already: db::int(r, "anon_already")?,
        anon_commune: text(r, "anon_commune")?,
        ..Activity::default()
    })
}

/// Writes the rows that hang off an activity: tags, participants, anonymous counts.
async fn write_children(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
    a: &Activity,
    beneficiary: Option<&str>,
) -> Result<(), DbError> {
    for (kind, codes) in [
        ("theme", &a.themes),
        ("admin_theme", &a.admin_themes),
        ("material", &a.materials),
    ] {
        for code in codes {
            sqlx::query("INSERT INTO activity_tags (activity_id, kind, code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(kind)
                .bind(code.clone())
                .execute(&mut **tx)
                .await?;
        }
    }
    let people: Vec<&str> = match (a.kind, beneficiary) {
        (Kind::Individual, Some(b)) => vec![b],
        (Kind::Collective, _) => a.participants.iter().map(String::as_str).collect(),
        _ => vec![],
    };
    for person in &people {
        sqlx::query("INSERT INTO activity_participants (activity_id, beneficiary_id, structure_id, date) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
            .bind(id)
            .bind(*person)
            .bind(structure_id)
            .bind(a.date.clone())
            .execute(&mut **tx)
            .await?;
    }
    for (dimension, value, count) in &a.anonymous {
        sqlx::query("INSERT INTO activity_anonymous (activity_id, dimension, value, count) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(dimension.clone())
            .bind(value.clone())
            .bind(*count)
            .execute(&mut **tx)
            .await?;
    }
    let people: Vec<String> = people.into_iter().map(str::to_string).collect();
    super::rollup::refresh_people(tx, &people).await?;
    super::rollup::add(tx, structure_id, id).await
}

/// The people of an activity, read inside a write (before it changes them).
async fn participants_of(tx: &mut Tx, id: &str) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT beneficiary_id FROM activity_participants WHERE activity_id = $1",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Records an activity; `beneficiary` is the person of an individual accompaniment.
pub async fn insert(
    tx: &mut Tx,
    structure_id: &StructureId,
    mediator_id: &str,
    a: &Activity,
    beneficiary: Option<&str>,
) -> Result<String, DbError> {
    let id = db::new_id();
    let sql = format!(
        "INSERT INTO activities (structure_id, accompaniments, created_at, updated_at, {COLUMNS}) \
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
    );
    let q = sqlx::query(&sql)
        .bind(structure_id.to_string())
        .bind(a.accompaniments())
        .bind(now())
        .bind(id.clone())
        .bind(a.kind.code())
        .bind(mediator_id.to_string());
    bind_fields(q, a).execute(&mut **tx).await?;
    write_children(tx, structure_id, &id, a, beneficiary).await?;
    Ok(id)
}

/// Binds the fields a form sets, in the order of `COLUMNS` after id, kind and mediator.
fn bind_fields<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    a: &Activity,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(a.date.clone())
        .bind(a.duration_min)
        .bind(a.canal.clone())
        .bind(Some(a.place_id.clone()).filter(|p| !p.is_empty()))
        .bind(a.commune.clone())
        .bind(a.procedure_name.clone())
        .bind(a.autonomy.clone())
        .bind(a.level.clone())
        .bind(a.title.clone())
        .bind(a.oriented as i64)
        .bind(a.orientation.clone())
        .bind(a.notes.clone())
        .bind(a.anon_count)
        .bind(a.anon_already)
        .bind(a.anon_commune.clone())
}

/// Replaces an activity of the structure; false when it is not one of its activities.
pub async fn update(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
    a: &Activity,
    beneficiary: Option<&str>,
) -> Result<bool, DbError> {
    super::rollup::remove(tx, structure_id, id).await?;
    let q = sqlx::query(
        "UPDATE activities SET date = $1, duration_min = $2, canal = $3, place_id = $4, commune = $5, \
         procedure_name = $6, autonomy = $7, level = $8, title = $9, oriented = $10, orientation = $11, notes = $12, \
         anon_count = $13, anon_already = $14, anon_commune = $15, accompaniments = $16, updated_at = $17 \
         WHERE id = $18 AND structure_id = $19",
    );
    let done = bind_fields(q, a)
        .bind(a.accompaniments())
        .bind(now())
        .bind(id)
        .bind(structure_id)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    let before = participants_of(tx, id).await?;
    for table in [
        "activity_tags",
        "activity_participants",
        "activity_anonymous",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE activity_id = $1"))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    write_children(tx, structure_id, id, a, beneficiary).await?;
    super::rollup::refresh_people(tx, &before).await?;
    Ok(true)
}

pub async fn delete(tx: &mut Tx, structure_id: &StructureId, id: &str) -> Result<bool, DbError> {
    super::rollup::remove(tx, structure_id, id).await?;
    let before = participants_of(tx, id).await?;
    let done = sqlx::query("DELETE FROM activities WHERE id = $1 AND structure_id = $2")
        .bind(id)
        .bind(structure_id)
        .execute(&mut **tx)
        .await?;
    super::rollup::refresh_people(tx, &before).await?;
    Ok(done.rows_affected() == 1)
}

/// An activity of the structure with everything that hangs off it.
pub async fn get(
    db: &Db,
    structure_id: &StructureId,
    id: &str,
) -> Result<Option<Activity>, DbError> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM activities WHERE id = $1 AND structure_id = $2"
    ))
    .bind(id)
    .bind(structure_id)
    .fetch_optional(db.read())
    .await?
    else {
        return Ok(None);
    };
    let mut a = from_row(&row)?;
    for r in
        sqlx::query("SELECT kind, code FROM activity_tags WHERE activity_id = $1 ORDER BY code")
            .bind(id)
            .fetch_all(db.read())
            .await?
    {
        let code = text(&r, "code")?;
        match text(&r, "kind")?.as_str() {
            "theme" => a.themes.push(code),
            "admin_theme" => a.admin_themes.push(code),
            _ => a.materials.push(code),
        }
    }
    let participants: Vec<String> = sqlx::query_scalar(
        "SELECT beneficiary_id FROM activity_participants WHERE activity_id = $1",
    )
    .bind(id)
    .fetch_all(db.read())
    .await?;
    for r in
        sqlx::query("SELECT dimension, value, count FROM activity_anonymous WHERE activity_id = $1")
            .bind(id)
            .fetch_all(db.read())
            .await?
    {
        a.anonymous.push((
            text(&r, "dimension")?,
            text(&r, "value")?,
            db::int(&r, "count")?,
        ));
    }
    match a.kind {
        Kind::Collective => a.participants = participants,
        Kind::Individual => {
            a.person = match participants.into_iter().next() {
                Some(b) => Person::Existing(b),
                None => Person::Anonymous,
            }
        }
    }
    Ok(Some(a))
}

/// One line of the list of activities.
pub struct Line {
    pub id: String,
    pub kind: Kind,
    pub date: String,
    pub duration_min: i64,
    pub title: String,
    pub accompaniments: i64,
    pub mediator: String,
    pub person: String,
    pub themes: String,
}

pub struct Filter {
    pub from: String,
    pub to: String,
    pub kind: Option<Kind>,
    pub mediator_id: String,
}

/// A page of the structure's activities, newest first, and the total matching.
pub async fn list(
    db: &Db,
    structure_id: &StructureId,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Line>, i64), DbError> {
    let mut conditions = vec!["a.structure_id = $1".to_string()];
    let mut binds: Vec<String> = vec![structure_id.to_string()];
    let mut add = |condition: &str, value: String| {
        binds.push(value);
        conditions.push(condition.replace('?', &format!("${}", binds.len())));
    };
    if !f.from.is_empty() {
        add("a.date >= ?", f.from.clone());
    }
    if !f.to.is_empty() {
        add("a.date <= ?", f.to.clone());
    }
    if let Some(kind) = f.kind {
        add("a.kind = ?", kind.code().to_string());
    }
    if !f.mediator_id.is_empty() {
        add("a.mediator_id = ?", f.mediator_id.clone());
    }
    let filter = conditions.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM activities a WHERE {filter}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for b in &binds {
        count = count.bind(b.clone());
    }
    let total = count.fetch_one(db.read()).await?;
    let n = binds.len();
    let sql = format!(
        "SELECT a.id, a.kind, a.date, a.duration_min, a.title, a.accompaniments, u.name AS mediator, \
         (SELECT b.first_name || ' ' || b.last_name FROM activity_participants p JOIN beneficiaries b ON b.id = p.beneficiary_id \
          WHERE p.activity_id = a.id ORDER BY b.search_name LIMIT 1) AS person, \
         (SELECT COUNT(*) FROM activity_tags t WHERE t.activity_id = a.id AND t.kind = 'theme') AS theme_count \
         FROM activities a LEFT JOIN users u ON u.id = a.mediator_id WHERE {filter} \
         ORDER BY a.date DESC, a.created_at DESC, a.id DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b.clone());
    }
    let rows = q.bind(limit).bind(offset).fetch_all(db.read()).await?;
    let mut lines = Vec::new();
    for r in &rows {
        let id = text(r, "id")?;
        let themes: Vec<String> = sqlx::query_scalar("SELECT code FROM activity_tags WHERE activity_id = $1 AND kind = 'theme' ORDER BY code")
            .bind(id.clone())
            .fetch_all(db.read())
            .await?;
        lines.push(Line {
            id,
            kind: Kind::parse(&text(r, "kind")?).unwrap_or_default(),
            date: text(r, "date")?,
            duration_min: db::int(r, "duration_min")?,
            title: text(r, "title")?,
            accompaniments: db::int(r, "accompaniments")?,
            mediator: text(r, "mediator")?,
            person: text(r, "person")?,
            themes: themes
                .iter()
                .map(|t| super::vocab::label(super::vocab::THEMES, t))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok((lines, total))
}

/// The mediator's last activity in the structure, to prefill place and duration.
pub async fn last_of(
    db: &Db,
    structure_id: &StructureId,
    mediator_id: &str,
) -> Result<Option<(String, String, i64)>, DbError> {
    let row = sqlx::query(
        "SELECT canal, place_id, duration_min FROM activities WHERE structure_id = $1 AND mediator_id = $2 \
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(structure_id)
    .bind(mediator_id)
    .fetch_optional(db.read())
    .await?;
    row.map(|r| {
        Ok::<_, DbError>((
            text(&r, "canal")?,
            text(&r, "place_id")?,
            db::int(&r, "duration_min")?,
        ))
    })
    .transpose()
}

/// A beneficiary's activities, newest first: (id, date, kind, title, themes).
pub async fn history(
    db: &Db,
    structure_id: &StructureId,
    beneficiary_id: &str,
) -> Result<Vec<(String, String, Kind, String, Vec<String>)>, DbError> {
    let rows = sqlx::query(
        "SELECT a.id, a.date, a.kind, a.title FROM activities a JOIN activity_participants p ON p.activity_id = a.id \
         WHERE p.beneficiary_id = $1 AND a.structure_id = $2 ORDER BY a.date DESC, a.created_at DESC, a.id DESC",
    )
    .bind(beneficiary_id)
    .bind(structure_id)
    .fetch_all(db.read())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let id = text(r, "id")?;
        let themes: Vec<String> = sqlx::query_scalar("SELECT code FROM activity_tags WHERE activity_id = $1 AND kind = 'theme' ORDER BY code")
            .bind(id.clone())
            .fetch_all(db.read())
            .await?;
        out.push((
            id,
            text(r, "date")?,
            Kind::parse(&text(r, "kind")?).unwrap_or_default(),
            text(r, "title")?,
            themes,
        ));
    }
    Ok(out)
}

/// SQL saying that the person whose id is in `person_column` took part in a collective
/// workshop on or after the date bound to its `?` (the member file's segments use it).
pub fn took_part_in_workshop_since(person_column: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM activity_participants p JOIN activities a ON a.id = p.activity_id \
         WHERE p.beneficiary_id = {person_column} AND a.kind = 'collectif' AND a.date >= ?)"
    )
}
