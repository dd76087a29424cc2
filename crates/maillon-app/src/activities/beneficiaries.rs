//! Beneficiaries (bénéficiaires): the people a structure accompanies, named or not.
//! Personal data: only the structure's recording members see them (see `mod.rs`).

use super::vocab::{self, GENRES, NOT_GIVEN, STATUTS};
use crate::db::{self, now, text, AnyRow, Db, DbError, Tx};
use crate::tenancy::StructureId;
use crate::validate;
use crate::web::forms::{FieldErrors, FormData};

#[derive(Debug, Clone, Default)]
pub struct Beneficiary {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub no_phone: bool,
    pub email: String,
    pub birth_year: Option<i64>,
    /// What was typed in the year field, to show it back when it is wrong.
    pub birth_year_text: String,
    pub commune: String,
    pub genre: String,
    pub statut: String,
    pub notes: String,
}

impl Beneficiary {
    pub fn display_name(&self) -> String {
        display_name(&self.first_name, &self.last_name)
    }

    pub fn age_label(&self, this_year: &i64) -> &'static str {
        vocab::label(
            vocab::AGE_BRACKETS,
            vocab::age_bracket(self.birth_year, *this_year),
        )
    }

    pub fn genre_label(&self) -> &'static str {
        vocab::label(GENRES, &self.genre)
    }

    pub fn statut_label(&self) -> &'static str {
        vocab::label(STATUTS, &self.statut)
    }

    pub fn phone_display(&self) -> String {
        validate::phone_display(&self.phone)
    }
}

/// Reads a beneficiary from form fields named `{prefix}first_name`, `{prefix}last_name`…
/// (the activity form embeds the same fields with a prefix).
pub fn from_form(
    form: &FormData,
    prefix: &str,
    this_year: i64,
) -> Result<Beneficiary, (Beneficiary, FieldErrors)> {
    let field = |name: &str| form.get(&format!("{prefix}{name}"));
    let mut errors = FieldErrors::default();
    let mut b = Beneficiary {
        id: String::new(),
        first_name: field("first_name"),
        last_name: field("last_name"),
        phone: field("phone"),
        no_phone: form.has(&format!("{prefix}no_phone")),
        email: field("email"),
        birth_year: None,
        birth_year_text: field("birth_year"),
        commune: field("commune"),
        genre: field("genre"),
        statut: field("statut"),
        notes: field("notes"),
    };
    let key = |name: &str| format!("{prefix}{name}");
    if b.first_name.is_empty() && b.last_name.is_empty() {
        errors.add(
            &key("last_name"),
            "Indiquez au moins le prénom ou le nom de la personne.",
        );
    }
    if b.first_name.chars().count() > 100 || b.last_name.chars().count() > 100 {
        errors.add(
            &key("last_name"),
            "Le prénom et le nom font 100 caractères au plus.",
        );
    }
    if !b.phone.is_empty() {
        match validate::phone(&b.phone) {
            Ok(p) => b.phone = p,
            Err(e) => errors.add(&key("phone"), e),
        }
    }
    if !b.email.is_empty() {
        match validate::email(&b.email) {
            Ok(e) => b.email = e,
            Err(e) => errors.add(&key("email"), e),
        }
    }
    match birth_year(&b.birth_year_text, this_year) {
        Ok(y) => b.birth_year = y,
        Err(e) => errors.add(&key("birth_year"), e),
    }
    if b.genre.is_empty() {
        b.genre = NOT_GIVEN.into();
    }
    if b.statut.is_empty() {
        b.statut = NOT_GIVEN.into();
    }
    if !vocab::is_code(GENRES, &b.genre) {
        errors.add(&key("genre"), "Choisissez le genre dans la liste.");
    }
    if !vocab::is_code(STATUTS, &b.statut) {
        errors.add(&key("statut"), "Choisissez le statut dans la liste.");
    }
    if errors.is_empty() {
        Ok(b)
    } else {
        Err((b, errors))
    }
}

/// "First Last", or "(sans nom)" for a person recorded without a name.
pub fn display_name(first_name: &str, last_name: &str) -> String {
    let name = format!("{first_name} {last_name}").trim().to_string();
    if name.is_empty() {
        "(sans nom)".into()
    } else {
        name
    }
}

/// Reads a year of birth as typed (empty: not given).
pub fn birth_year(text: &str, this_year: i64) -> Result<Option<i64>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(y) if y > this_year => Err(format!("L'année de naissance {y} est dans le futur.")),
        Ok(y) if y < 1900 => Err("Indiquez une année de naissance après 1900.".into()),
        Ok(y) => Ok(Some(y)),
        Err(_) => Err("L'année de naissance s'écrit avec 4 chiffres, par exemple 1958.".into()),
    }
}

// ---- Store ----

const COLUMNS: &str =
    "id, first_name, last_name, phone, no_phone, email, birth_year, commune, genre, statut, notes";

fn from_row(r: &AnyRow) -> Result<Beneficiary, DbError> {
    let birth_year = db::opt_int(r, "birth_year")?;
    Ok(Beneficiary {
        id: text(r, "id")?,
        first_name: text(r, "first_name")?,
        last_name: text(r, "last_name")?,
        phone: text(r, "phone")?,
        no_phone: db::flag(r, "no_phone")?,
        email: text(r, "email")?,
        birth_year,
        birth_year_text: birth_year.map(|y| y.to_string()).unwrap_or_default(),
        commune: text(r, "commune")?,
        genre: text(r, "genre")?,
        statut: text(r, "statut")?,
        notes: text(r, "notes")?,
    })
}

fn search_name(b: &Beneficiary) -> String {
    name_key(&b.first_name, &b.last_name)
}

/// The lowercased, accent-free "last first" kept for searching and finding duplicates.
pub fn name_key(first_name: &str, last_name: &str) -> String {
    validate::search_key(&format!("{last_name} {first_name}"))
}

/// Binds the fields of a record, in the order of `FIELDS`.
fn bind_fields<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    b: &Beneficiary,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(b.first_name.clone())
        .bind(b.last_name.clone())
        .bind(b.phone.clone())
        .bind(b.no_phone as i64)
        .bind(b.email.clone())
        .bind(b.birth_year)
        .bind(b.commune.clone())
        .bind(b.genre.clone())
        .bind(b.statut.clone())
        .bind(b.notes.clone())
        .bind(search_name(b))
}

const FIELDS: &str = "first_name, last_name, phone, no_phone, email, birth_year, commune, genre, statut, notes, search_name";

pub async fn insert(
    tx: &mut Tx,
    structure_id: &StructureId,
    b: &Beneficiary,
) -> Result<String, DbError> {
    let id = db::new_id();
    let sql = format!(
        "INSERT INTO beneficiaries ({FIELDS}, id, structure_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)"
    );
    bind_fields(sqlx::query(&sql), b)
        .bind(id.clone())
        .bind(structure_id.to_string())
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// Inserts many new people at once (an import); their ids, in order.
pub async fn insert_many(
    tx: &mut Tx,
    structure_id: &StructureId,
    people: &[&Beneficiary],
) -> Result<Vec<String>, DbError> {
    use db::Cell::{Int, OptInt, Text};
    let t = now();
    let ids: Vec<String> = people.iter().map(|_| db::new_id()).collect();
    let rows: Vec<Vec<db::Cell>> = people
        .iter()
        .zip(&ids)
        .map(|(b, id)| {
            vec![
                Text(b.first_name.clone()),
                Text(b.last_name.clone()),
                Text(b.phone.clone()),
                Int(b.no_phone as i64),
                Text(b.email.clone()),
                OptInt(b.birth_year),
                Text(b.commune.clone()),
                Text(b.genre.clone()),
                Text(b.statut.clone()),
                Text(b.notes.clone()),
                Text(search_name(b)),
                Text(id.clone()),
                Text(structure_id.to_string()),
                Int(t),
                Int(t),
            ]
        })
        .collect();
    let mut columns: Vec<&str> = FIELDS.split(", ").collect();
    columns.extend(["id", "structure_id", "created_at", "updated_at"]);
    db::insert_many(tx, "beneficiaries", &columns, &rows).await?;
    Ok(ids)
}

pub async fn update(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
    b: &Beneficiary,
) -> Result<bool, DbError> {
    let q = sqlx::query(
        "UPDATE beneficiaries SET first_name = $1, last_name = $2, phone = $3, no_phone = $4, email = $5, \
         birth_year = $6, commune = $7, genre = $8, statut = $9, notes = $10, search_name = $11, updated_at = $12 \
         WHERE id = $13 AND structure_id = $14",
    );
    let done = bind_fields(q, b)
        .bind(now())
        .bind(id)
        .bind(structure_id)
        .execute(&mut **tx)
        .await?;
    // The yearly statistics hold the person's profile.
    super::rollup::refresh_people(tx, &[id.to_string()]).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(
    db: &Db,
    structure_id: &StructureId,
    id: &str,
) -> Result<Option<Beneficiary>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM beneficiaries WHERE id = $1 AND structure_id = $2"
    ))
    .bind(id)
    .bind(structure_id)
    .fetch_optional(db.read())
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The most words of a name search that are looked for.
pub const MAX_SEARCH_WORDS: usize = 8;

/// The structure's beneficiaries whose name contains every word of `query` (all when empty).
pub async fn search(
    db: &Db,
    structure_id: &StructureId,
    query: &str,
    limit: i64,
) -> Result<Vec<Beneficiary>, DbError> {
    // Bounded whatever the caller sends: SQLite refuses LIKE patterns over 50,000
    // characters, and a name has a few words.
    let (query, _) = crate::web::forms::search_text(query);
    let words: Vec<String> = validate::search_key(&query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(MAX_SEARCH_WORDS)
        .map(str::to_string)
        .collect();
    let mut sql = format!("SELECT {COLUMNS} FROM beneficiaries WHERE structure_id = $1");
    for i in 0..words.len() {
        sql.push_str(&format!(" AND search_name LIKE ${}", i + 2));
    }
    sql.push_str(&format!(" ORDER BY search_name LIMIT ${}", words.len() + 2));
    let mut q = sqlx::query(&sql).bind(structure_id.to_string());
    for w in &words {
        // The key holds only letters, digits and spaces: no LIKE wildcard can slip in.
        let w: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
        q = q.bind(format!("%{w}%"));
    }
    let rows = q.bind(limit).fetch_all(db.read()).await?;
    rows.iter().map(from_row).collect()
}

/// The structure's beneficiaries among `ids`, by name.
pub async fn get_many(
    db: &Db,
    structure_id: &StructureId,
    ids: &[String],
) -> Result<Vec<Beneficiary>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM beneficiaries WHERE structure_id = $1 AND id IN ({}) ORDER BY search_name",
        marks.join(", ")
    );
    let mut q = sqlx::query(&sql).bind(structure_id.to_string());
    for id in ids {
        q = q.bind(id.clone());
    }
    q.fetch_all(db.read()).await?.iter().map(from_row).collect()
}

/// The people the structure accompanied most recently, most recent first.
pub async fn seen_recently(
    db: &Db,
    structure_id: &StructureId,
    limit: usize,
) -> Result<Vec<Beneficiary>, DbError> {
    // The latest participations (read backwards on their index), then their people.
    let latest: Vec<String> = sqlx::query_scalar(
        "SELECT beneficiary_id FROM activity_participants WHERE structure_id = $1 \
         ORDER BY date DESC, activity_id DESC LIMIT $2",
    )
    .bind(structure_id)
    .bind((limit * 5) as i64)
    .fetch_all(db.read())
    .await?;
    let mut ids: Vec<String> = Vec::new();
    for id in latest {
        if !ids.contains(&id) && ids.len() < limit {
            ids.push(id);
        }
    }
    let mut people = get_many(db, structure_id, &ids).await?;
    people.sort_by_key(|b| ids.iter().position(|id| *id == b.id));
    Ok(people)
}

pub async fn count(db: &Db, structure_id: &StructureId) -> Result<i64, DbError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM beneficiaries WHERE structure_id = $1")
            .bind(structure_id)
            .fetch_one(db.read())
            .await?,
    )
}

/// How many of `ids` are beneficiaries of the structure (to refuse another structure's).
pub async fn count_in_structure(
    tx: &mut Tx,
    structure_id: &StructureId,
    ids: &[String],
) -> Result<usize, DbError> {
    let mut n = 0;
    for id in ids {
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM beneficiaries WHERE id = $1 AND structure_id = $2",
        )
        .bind(id)
        .bind(structure_id)
        .fetch_one(&mut **tx)
        .await?;
        n += found as usize;
    }
    Ok(n)
}

/// Erases a named beneficiary and keeps the statistics: in each of their activities they
/// become an anonymous participant with the same genre, age bracket, statut and commune
/// ("already accompanied" from their second activity on). Returns false if not found.
pub async fn erase(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
    this_year: i64,
) -> Result<bool, DbError> {
    let Some(row) = sqlx::query("SELECT genre, statut, birth_year, commune FROM beneficiaries WHERE id = $1 AND structure_id = $2")
        .bind(id)
        .bind(structure_id)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(false);
    };
    let profile = [
        ("genre", text(&row, "genre")?),
        (
            "age",
            vocab::age_bracket(db::opt_int(&row, "birth_year")?, this_year).to_string(),
        ),
        ("statut", text(&row, "statut")?),
    ];
    let commune = text(&row, "commune")?;
    let activities = sqlx::query(
        "SELECT a.id, a.kind FROM activities a JOIN activity_participants p ON p.activity_id = a.id \
         WHERE p.beneficiary_id = $1 AND a.structure_id = $2 ORDER BY a.date, a.id",
    )
    .bind(id)
    .bind(structure_id)
    .fetch_all(&mut **tx)
    .await?;
    for (i, a) in activities.iter().enumerate() {
        let activity = text(a, "id")?;
        let already = i64::from(i > 0);
        super::rollup::remove(tx, structure_id, &activity).await?;
        if text(a, "kind")? == "individuel" {
            sqlx::query("UPDATE activities SET anon_count = 1, anon_already = $1, anon_commune = $2 WHERE id = $3")
                .bind(already)
                .bind(commune.clone())
                .bind(activity.clone())
                .execute(&mut **tx)
                .await?;
        } else {
            sqlx::query("UPDATE activities SET anon_count = anon_count + 1, anon_already = anon_already + $1 WHERE id = $2")
                .bind(already)
                .bind(activity.clone())
                .execute(&mut **tx)
                .await?;
        }
        for (dimension, value) in &profile {
            sqlx::query(
                "INSERT INTO activity_anonymous (activity_id, dimension, value, count) VALUES ($1, $2, $3, 1) \
                 ON CONFLICT (activity_id, dimension, value) DO UPDATE SET count = activity_anonymous.count + 1",
            )
            .bind(activity.clone())
            .bind(*dimension)
            .bind(value.clone())
            .execute(&mut **tx)
            .await?;
        }
        super::rollup::add(tx, structure_id, &activity).await?;
    }
    sqlx::query("DELETE FROM activity_participants WHERE beneficiary_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    // No participation left: the person leaves the yearly counts.
    super::rollup::refresh_people(tx, &[id.to_string()]).await?;
    crate::messages::store::forget_person(tx, structure_id, id).await?;
    sqlx::query("DELETE FROM beneficiaries WHERE id = $1 AND structure_id = $2")
        .bind(id)
        .bind(structure_id)
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

/// Named beneficiaries with no activity since `cutoff_date` (and, without any activity,
/// recorded before `cutoff_seconds`): (structure, id).
pub async fn inactive_since(
    db: &Db,
    cutoff_date: &str,
    cutoff_seconds: i64,
    limit: i64,
) -> Result<Vec<(StructureId, String)>, DbError> {
    let rows = sqlx::query(
        "SELECT x.structure_id, x.id FROM (SELECT b.structure_id, b.id, b.created_at, \
           (SELECT MAX(a.date) FROM activities a JOIN activity_participants p ON p.activity_id = a.id WHERE p.beneficiary_id = b.id) AS last_date \
           FROM beneficiaries b) x \
         WHERE (x.last_date IS NOT NULL AND x.last_date < $1) OR (x.last_date IS NULL AND x.created_at < $2) LIMIT $3",
    )
    .bind(cutoff_date)
    .bind(cutoff_seconds)
    .bind(limit)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| Ok::<_, DbError>((db::structure_id(r, "structure_id")?, text(r, "id")?)))
        .collect::<Result<_, DbError>>()
}

/// The retention job: anonymises every named beneficiary inactive for `months`.
pub async fn anonymise_inactive(db: &Db, months: i64) -> Result<usize, DbError> {
    let today = jiff::Zoned::now().date();
    let cutoff = today
        .checked_sub(jiff::Span::new().months(months))
        .unwrap_or(today);
    let cutoff_seconds = now() - months * 30 * 86_400;
    let mut done = 0;
    loop {
        let batch = inactive_since(db, &cutoff.to_string(), cutoff_seconds, 200).await?;
        if batch.is_empty() {
            return Ok(done);
        }
        for (structure_id, id) in batch {
            let mut tx = db.begin_write().await?;
            if erase(&mut tx, &structure_id, &id, i64::from(today.year())).await? {
                super::audit::write(
                    &mut tx,
                    &structure_id,
                    &super::audit::MAILLON,
                    "anonymisation",
                    Some(&id),
                )
                .await?;
                done += 1;
            }
            tx.commit().await?;
        }
    }
}

/// The structure's beneficiary with this phone or e-mail, if there is one (the oldest).
pub async fn by_phone_or_email(
    tx: &mut Tx,
    sid: &StructureId,
    phone: &str,
    email: &str,
) -> Result<Option<String>, DbError> {
    if phone.is_empty() && email.is_empty() {
        return Ok(None);
    }
    Ok(sqlx::query_scalar(
        "SELECT id FROM beneficiaries WHERE structure_id = $1 \
         AND (($2 <> '' AND phone = $2) OR ($3 <> '' AND email = $3)) ORDER BY created_at LIMIT 1",
    )
    .bind(sid)
    .bind(phone)
    .bind(email)
    .fetch_optional(&mut **tx)
    .await?)
}
