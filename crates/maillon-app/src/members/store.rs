//! The member file's queries: people (rows of `beneficiaries`), households, memberships.
//! Every query carries the structure.

use super::filter::{Arg, Filter, Today};
use super::model::{Member, MembershipForm};
use crate::activities::beneficiaries::name_key;
use crate::db::{self, now, text, AnyRow, Db, DbError, Tx};
use crate::tenancy::StructureId;

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

const COLUMNS: &str = "b.id, b.first_name, b.last_name, b.phone, b.no_phone, b.phone2, b.email, \
     b.birth_year, b.address, b.postcode, b.commune, b.quartier, b.languages, b.interests, \
     b.contact_pref, b.desk_notes, b.household_id, b.archived_at, \
     COALESCE((SELECT h.name FROM households h WHERE h.id = b.household_id), '') AS household_name, \
     COALESCE((SELECT MAX(m.season) FROM adhesions m WHERE m.person_id = b.id), '') AS last_season";

fn from_row(r: &AnyRow) -> Result<Member, DbError> {
    let birth_year = db::opt_int(r, "birth_year")?;
    let words = |col: &str| -> Result<Vec<String>, DbError> {
        Ok(text(r, col)?.split_whitespace().map(String::from).collect())
    };
    Ok(Member {
        id: text(r, "id")?,
        first_name: text(r, "first_name")?,
        last_name: text(r, "last_name")?,
        phone: text(r, "phone")?,
        no_phone: db::flag(r, "no_phone")?,
        phone2: text(r, "phone2")?,
        email: text(r, "email")?,
        birth_year,
        birth_year_text: birth_year.map(|y| y.to_string()).unwrap_or_default(),
        address: text(r, "address")?,
        postcode: text(r, "postcode")?,
        commune: text(r, "commune")?,
        quartier: text(r, "quartier")?,
        languages: words("languages")?,
        interests: words("interests")?,
        contact_pref: text(r, "contact_pref")?,
        desk_notes: text(r, "desk_notes")?,
        household_id: Some(text(r, "household_id")?).filter(|h| !h.is_empty()),
        household_name: text(r, "household_name")?,
        archived: db::opt_int(r, "archived_at")?.is_some(),
        last_season: text(r, "last_season")?,
    })
}

pub fn bind_args<'q>(mut q: Query<'q>, args: &[Arg]) -> Query<'q> {
    for a in args {
        q = match a {
            Arg::Text(t) => q.bind(t.clone()),
            Arg::Int(i) => q.bind(*i),
        };
    }
    q
}

pub async fn get(db: &Db, structure_id: &StructureId, id: &str) -> Result<Option<Member>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM beneficiaries b WHERE b.id = $1 AND b.structure_id = $2"
    ))
    .bind(id)
    .bind(structure_id)
    .fetch_optional(db.read())
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// A filter reads most of a structure's people. SQLite keeps no statistics, so with
/// `structure_id = ?` it would walk the structure's index and fetch every row one by one
/// (26 ms for 20,000 people, against 3 ms for reading the table): on SQLite the member
/// file's queries read the table (decision 0015). PostgreSQL chooses with its statistics.
fn whole_file(db: &Db) -> &'static str {
    match db.backend {
        crate::db::Backend::Sqlite => " NOT INDEXED",
        crate::db::Backend::Postgres => "",
    }
}

/// How many people the filter matches.
pub async fn count(
    db: &Db,
    structure_id: &StructureId,
    f: &Filter,
    today: &Today,
) -> Result<i64, DbError> {
    let (clause, args) = f.where_sql(structure_id, today);
    let sql = format!(
        "SELECT COUNT(*) AS n FROM beneficiaries b{} WHERE {clause}",
        whole_file(db)
    );
    let row = bind_args(sqlx::query(&sql), &args)
        .fetch_one(db.read())
        .await?;
    db::int(&row, "n")
}

/// Whether the person is a member this season (own or family membership).
pub async fn is_member(
    db: &Db,
    structure_id: &StructureId,
    person_id: &str,
    today: &Today,
) -> Result<bool, DbError> {
    let (clause, mut args) = Filter::members_of_the_season().where_sql(structure_id, today);
    args.push(Arg::Text(person_id.to_string()));
    let sql = format!(
        "SELECT COUNT(*) AS n FROM beneficiaries b WHERE {clause} AND b.id = ${}",
        args.len()
    );
    let row = bind_args(sqlx::query(&sql), &args)
        .fetch_one(db.read())
        .await?;
    Ok(db::int(&row, "n")? > 0)
}

/// A page of the people the filter matches, by name.
pub async fn list(
    db: &Db,
    structure_id: &StructureId,
    f: &Filter,
    today: &Today,
    limit: i64,
    offset: i64,
) -> Result<Vec<Member>, DbError> {
    let (clause, args) = f.where_sql(structure_id, today);
    let sql = format!(
        "SELECT {COLUMNS} FROM beneficiaries b{} WHERE {clause} ORDER BY b.search_name, b.id LIMIT {limit} OFFSET {offset}",
        whole_file(db)
    );
    let rows = bind_args(sqlx::query(&sql), &args)
        .fetch_all(db.read())
        .await?;
    rows.iter().map(from_row).collect()
}

/// The ids of the people the filter matches.
pub async fn ids(
    db: &Db,
    structure_id: &StructureId,
    f: &Filter,
    today: &Today,
) -> Result<Vec<String>, DbError> {
    let (clause, args) = f.where_sql(structure_id, today);
    let sql = format!(
        "SELECT b.id FROM beneficiaries b{} WHERE {clause}",
        whole_file(db)
    );
    let rows = bind_args(sqlx::query(&sql), &args)
        .fetch_all(db.read())
        .await?;
    rows.iter()
        .map(|r| text(r, "id"))
        .collect::<Result<_, DbError>>()
}

/// Creates the household typed in the form ("nouveau"), or checks the chosen one is the
/// structure's. Returns the household to file the person under.
async fn household_for(
    tx: &mut Tx,
    structure_id: &StructureId,
    m: &Member,
) -> Result<Option<String>, DbError> {
    match m.household_id.as_deref() {
        None => Ok(None),
        Some("nouveau") => {
            let id = db::new_id();
            sqlx::query("INSERT INTO households (id, structure_id, name, created_at) VALUES ($1, $2, $3, $4)")
                .bind(id.clone())
                .bind(structure_id)
                .bind(m.household_name.trim().to_string())
                .bind(now())
                .execute(&mut **tx)
                .await?;
            Ok(Some(id))
        }
        Some(id) => {
            let found: Option<String> =
                sqlx::query_scalar("SELECT id FROM households WHERE id = $1 AND structure_id = $2")
                    .bind(id)
                    .bind(structure_id)
                    .fetch_optional(&mut **tx)
                    .await?;
            Ok(found)
        }
    }
}

const WRITTEN: &str = "first_name = $1, last_name = $2, phone = $3, no_phone = $4, phone2 = $5, \
     email = $6, birth_year = $7, address = $8, postcode = $9, commune = $10, quartier = $11, \
     languages = $12, interests = $13, contact_pref = $14, desk_notes = $15, household_id = $16, \
     search_name = $17, updated_at = $18";

fn bind_member<'q>(q: Query<'q>, m: &Member, household: Option<String>) -> Query<'q> {
    q.bind(m.first_name.clone())
        .bind(m.last_name.clone())
        .bind(m.phone.clone())
        .bind((m.no_phone && m.phone.is_empty()) as i64)
        .bind(m.phone2.clone())
        .bind(m.email.clone())
        .bind(m.birth_year)
        .bind(m.address.clone())
        .bind(m.postcode.clone())
        .bind(m.commune.clone())
        .bind(m.quartier.clone())
        .bind(m.languages.join(" "))
        .bind(m.interests.join(" "))
        .bind(m.contact_pref.clone())
        .bind(m.desk_notes.clone())
        .bind(household)
        .bind(name_key(&m.first_name, &m.last_name))
        .bind(now())
}

pub async fn insert(
    tx: &mut Tx,
    structure_id: &StructureId,
    m: &Member,
) -> Result<String, DbError> {
    let id = db::new_id();
    let household = household_for(tx, structure_id, m).await?;
    sqlx::query("INSERT INTO beneficiaries (id, structure_id, created_at, updated_at) VALUES ($1, $2, $3, $3)")
        .bind(id.clone())
        .bind(structure_id)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    let sql = update_sql();
    let q = sqlx::query(&sql);
    bind_member(q, m, household)
        .bind(id.clone())
        .bind(structure_id)
        .execute(&mut **tx)
        .await?;
    crate::activities::rollup::refresh_people(tx, std::slice::from_ref(&id)).await?;
    Ok(id)
}

/// Inserts many new people of the member file at once (an import), each with its
/// household's id if any; their ids, in order. New people have no activity: the
/// statistics' roll-up has nothing to count for them.
pub async fn insert_many(
    tx: &mut Tx,
    structure_id: &StructureId,
    people: &[(&Member, Option<String>)],
) -> Result<Vec<String>, DbError> {
    use db::Cell::{Int, OptInt, OptText, Text};
    let t = now();
    let ids: Vec<String> = people.iter().map(|_| db::new_id()).collect();
    let rows: Vec<Vec<db::Cell>> = people
        .iter()
        .zip(&ids)
        .map(|((m, household), id)| {
            vec![
                Text(id.clone()),
                Text(structure_id.to_string()),
                Int(t),
                Text(m.first_name.clone()),
                Text(m.last_name.clone()),
                Text(m.phone.clone()),
                Int((m.no_phone && m.phone.is_empty()) as i64),
                Text(m.phone2.clone()),
                Text(m.email.clone()),
                OptInt(m.birth_year),
                Text(m.address.clone()),
                Text(m.postcode.clone()),
                Text(m.commune.clone()),
                Text(m.quartier.clone()),
                Text(m.languages.join(" ")),
                Text(m.interests.join(" ")),
                Text(m.contact_pref.clone()),
                Text(m.desk_notes.clone()),
                OptText(household.clone()),
                Text(name_key(&m.first_name, &m.last_name)),
                Int(t),
            ]
        })
        .collect();
    // The columns of WRITTEN, in its order, after the row's own.
    let mut columns = vec!["id", "structure_id", "created_at"];
    columns.extend(
        WRITTEN
            .split(", ")
            .map(|c| c.split(" = ").next().unwrap_or("").trim()),
    );
    db::insert_many(tx, "beneficiaries", &columns, &rows).await?;
    Ok(ids)
}

/// Memberships of people just inserted (an import).
pub async fn add_memberships(
    tx: &mut Tx,
    structure_id: &StructureId,
    memberships: &[(&str, &MembershipForm)],
) -> Result<(), DbError> {
    use db::Cell::{Int, Text};
    let t = now();
    let rows: Vec<Vec<db::Cell>> = memberships
        .iter()
        .map(|(person, f)| {
            vec![
                Text(db::new_id()),
                Text(structure_id.to_string()),
                Text(person.to_string()),
                Text(f.season.clone()),
                Text(f.joined_on.clone()),
                Int(f.fee_cents),
                Text(f.payment_mode.clone()),
                Int(f.family as i64),
                Int(t),
            ]
        })
        .collect();
    let columns = [
        "id",
        "structure_id",
        "person_id",
        "season",
        "joined_on",
        "fee_cents",
        "payment_mode",
        "family",
        "created_at",
    ];
    db::insert_many(tx, "adhesions", &columns, &rows).await
}

fn update_sql() -> String {
    format!("UPDATE beneficiaries SET {WRITTEN} WHERE id = $19 AND structure_id = $20")
}

/// Writes the member's fields; the activity log's own fields (genre, statut, mediators'
/// notes) stay as they are. False if the person is not the structure's.
pub async fn update(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
    m: &Member,
) -> Result<bool, DbError> {
    let household = household_for(tx, structure_id, m).await?;
    let sql = update_sql();
    let q = sqlx::query(&sql);
    let done = bind_member(q, m, household)
        .bind(id)
        .bind(structure_id)
        .execute(&mut **tx)
        .await?;
    // The yearly statistics hold the person's profile (year of birth, commune).
    crate::activities::rollup::refresh_people(tx, &[id.to_string()]).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_archived(
    tx: &mut Tx,
    structure_id: &StructureId,
    id: &str,
    archived: bool,
) -> Result<bool, DbError> {
    let done = sqlx::query("UPDATE beneficiaries SET archived_at = $1, updated_at = $2 WHERE id = $3 AND structure_id = $4")
        .bind(archived.then(now))
        .bind(now())
        .bind(id)
        .bind(structure_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The structure's households, by name.
pub async fn households(
    db: &Db,
    structure_id: &StructureId,
) -> Result<Vec<(String, String)>, DbError> {
    let rows =
        sqlx::query("SELECT id, name FROM households WHERE structure_id = $1 ORDER BY name, id")
            .bind(structure_id)
            .fetch_all(db.read())
            .await?;
    rows.iter()
        .map(|r| Ok::<_, DbError>((text(r, "id")?, text(r, "name")?)))
        .collect::<Result<_, DbError>>()
}

/// The other people of a household: (id, name).
pub async fn household_members(
    db: &Db,
    structure_id: &StructureId,
    household_id: &str,
    except: &str,
) -> Result<Vec<(String, String)>, DbError> {
    let rows = sqlx::query(
        "SELECT id, first_name, last_name FROM beneficiaries WHERE structure_id = $1 AND household_id = $2 \
         AND id <> $3 ORDER BY search_name",
    )
    .bind(structure_id)
    .bind(household_id)
    .bind(except)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            let name = format!("{} {}", text(r, "first_name")?, text(r, "last_name")?);
            Ok((text(r, "id")?, name.trim().to_string()))
        })
        .collect::<Result<_, DbError>>()
}

#[derive(Debug, Clone)]
pub struct Membership {
    pub id: String,
    pub season: String,
    pub joined_on: String,
    pub fee_cents: i64,
    pub payment_mode: String,
    pub family: bool,
    /// Held by another person of the household (a family membership).
    pub holder: String,
}

impl Membership {
    pub fn fee(&self) -> String {
        super::model::euros(self.fee_cents)
    }

    pub fn payment_label(&self) -> &'static str {
        crate::activities::vocab::label(super::PAYMENT_MODES, &self.payment_mode)
    }
}

/// The person's memberships, their own and their household's family ones, newest first.
pub async fn memberships(
    db: &Db,
    structure_id: &StructureId,
    person_id: &str,
) -> Result<Vec<Membership>, DbError> {
    let rows = sqlx::query(
        "SELECT m.id, m.season, m.joined_on, m.fee_cents, m.payment_mode, m.family, \
           CASE WHEN m.person_id = $1 THEN '' ELSE h.first_name || ' ' || h.last_name END AS holder \
         FROM adhesions m JOIN beneficiaries h ON h.id = m.person_id \
         WHERE m.structure_id = $2 AND (m.person_id = $1 OR (m.family = 1 AND h.household_id IS NOT NULL \
           AND h.household_id = (SELECT p.household_id FROM beneficiaries p WHERE p.id = $1))) \
         ORDER BY m.season DESC, m.joined_on DESC",
    )
    .bind(person_id)
    .bind(structure_id)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok::<_, DbError>(Membership {
                id: text(r, "id")?,
                season: text(r, "season")?,
                joined_on: text(r, "joined_on")?,
                fee_cents: db::int(r, "fee_cents")?,
                payment_mode: text(r, "payment_mode")?,
                family: db::flag(r, "family")?,
                holder: text(r, "holder")?,
            })
        })
        .collect::<Result<_, DbError>>()
}

/// Records a membership; false when the person already has one for that season.
pub async fn add_membership(
    tx: &mut Tx,
    structure_id: &StructureId,
    person_id: &str,
    f: &MembershipForm,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "INSERT INTO adhesions (id, structure_id, person_id, season, joined_on, fee_cents, payment_mode, family, created_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE EXISTS \
           (SELECT 1 FROM beneficiaries WHERE id = $3 AND structure_id = $2) \
         ON CONFLICT (person_id, season) DO NOTHING",
    )
    .bind(db::new_id())
    .bind(structure_id)
    .bind(person_id)
    .bind(f.season.clone())
    .bind(f.joined_on.clone())
    .bind(f.fee_cents)
    .bind(f.payment_mode.clone())
    .bind(f.family as i64)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_membership(
    tx: &mut Tx,
    structure_id: &StructureId,
    person_id: &str,
    id: &str,
) -> Result<bool, DbError> {
    let done =
        sqlx::query("DELETE FROM adhesions WHERE id = $1 AND person_id = $2 AND structure_id = $3")
            .bind(id)
            .bind(person_id)
            .bind(structure_id)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// When two records of one person are merged: the member file's rows of `other` go to
/// `keep` (a season both hold keeps `keep`'s; consents keep the most recent state),
/// and `keep`'s empty member fields are filled from `other`.
pub async fn merge_into(
    tx: &mut Tx,
    structure_id: &StructureId,
    keep: &str,
    other: &str,
) -> Result<(), DbError> {
    for sql in [
        "UPDATE adhesions SET person_id = $1 WHERE person_id = $2 AND structure_id = $3 \
         AND season NOT IN (SELECT season FROM adhesions WHERE person_id = $1)",
        "UPDATE consent_events SET person_id = $1 WHERE person_id = $2 AND structure_id = $3",
        // The messages the other record received stay in their tracking (a message both
        // records received keeps the kept record's delivery).
        "UPDATE message_deliveries SET person_id = $1 WHERE person_id = $2 AND structure_id = $3 \
         AND message_id NOT IN (SELECT message_id FROM message_deliveries WHERE person_id = $1)",
        "UPDATE beneficiaries SET \
           household_id = COALESCE(household_id, (SELECT o.household_id FROM beneficiaries o WHERE o.id = $2)), \
           address = CASE WHEN address = '' THEN (SELECT o.address FROM beneficiaries o WHERE o.id = $2) ELSE address END, \
           postcode = CASE WHEN address = '' THEN (SELECT o.postcode FROM beneficiaries o WHERE o.id = $2) ELSE postcode END, \
           quartier = CASE WHEN quartier = '' THEN (SELECT o.quartier FROM beneficiaries o WHERE o.id = $2) ELSE quartier END, \
           phone2 = CASE WHEN phone2 = '' THEN (SELECT o.phone2 FROM beneficiaries o WHERE o.id = $2) ELSE phone2 END, \
           languages = CASE WHEN languages = '' THEN (SELECT o.languages FROM beneficiaries o WHERE o.id = $2) ELSE languages END, \
           interests = CASE WHEN interests = '' THEN (SELECT o.interests FROM beneficiaries o WHERE o.id = $2) ELSE interests END, \
           contact_pref = CASE WHEN contact_pref = '' THEN (SELECT o.contact_pref FROM beneficiaries o WHERE o.id = $2) ELSE contact_pref END, \
           desk_notes = TRIM(desk_notes || ' ' || (SELECT o.desk_notes FROM beneficiaries o WHERE o.id = $2)) \
         WHERE id = $1 AND structure_id = $3",
    ] {
        sqlx::query(sql).bind(keep).bind(other).bind(structure_id).execute(&mut **tx).await?;
    }
    super::consent::recompute(tx, keep).await?;
    Ok(())
}

/// Stores the hash of a person's self-service link (the link itself is never kept).
pub async fn set_self_link(
    tx: &mut Tx,
    structure_id: &StructureId,
    person_id: &str,
    hash: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE beneficiaries SET self_token_hash = $1 WHERE id = $2 AND structure_id = $3",
    )
    .bind(hash)
    .bind(person_id)
    .bind(structure_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The person a self-service link (by its hash) opens: (person id, structure id, structure
/// name); archived people have none.
pub async fn by_self_link(
    db: &Db,
    hash: &str,
) -> Result<Option<(String, StructureId, String)>, DbError> {
    let row = sqlx::query(
        "SELECT b.id, b.structure_id, s.name FROM beneficiaries b JOIN structures s ON s.id = b.structure_id \
         WHERE b.self_token_hash = $1 AND b.archived_at IS NULL",
    )
    .bind(hash)
    .fetch_optional(db.read())
    .await?;
    row.map(|r| {
        Ok((
            text(&r, "id")?,
            db::structure_id(&r, "structure_id")?,
            text(&r, "name")?,
        ))
    })
    .transpose()
}

/// The channel the person prefers to be reached by.
pub async fn set_contact_pref(
    tx: &mut Tx,
    sid: &StructureId,
    person_id: &str,
    pref: &str,
) -> Result<(), DbError> {
    sqlx::query("UPDATE beneficiaries SET contact_pref = $1 WHERE id = $2 AND structure_id = $3")
        .bind(pref)
        .bind(person_id)
        .bind(sid)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The household of this name, made once per import if the structure has none.
pub async fn household_named(
    tx: &mut Tx,
    sid: &StructureId,
    name: &str,
) -> Result<String, DbError> {
    let found = sqlx::query(
        "SELECT id FROM households WHERE structure_id = $1 AND LOWER(name) = LOWER($2)",
    )
    .bind(sid)
    .bind(name)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(row) = found {
        return text(&row, "id");
    }
    let id = db::new_id();
    sqlx::query(
        "INSERT INTO households (id, structure_id, name, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id.clone())
    .bind(sid)
    .bind(name)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}
