//! What each activity counts in the statistics, as rows (structure, period, dimension,
//! value, number), and their monthly roll-up per structure.
//!
//! One SQL definition, [`contributions`], serves three purposes: the statistics of a
//! filtered selection sum it directly over the activities; the roll-up table
//! `activity_monthly` stores its sums per structure and month, kept up to date in the same
//! transaction as every change of an activity; and [`rebuild`] recomputes that table from
//! the activities. The statistics of whole months then read at most one row per
//! structure, month and value instead of every activity (decision 0009).
//!
//! Dimensions: `total`, `activities`, `workshops`, `kind`, `canal`, `duration` (bucket
//! 1–4), `where` (`place id|commune`, the commune only outside the structure's places),
//! `anon` and `anon_already` (anonymous people), `anon_commune`, `theme`, `admin_theme`,
//! `material`, and `anon_genre`, `anon_age`, `anon_statut`.

use crate::db::{DbError, Tx};
use crate::tenancy::StructureId;

/// The dimensions read from the activity row itself, one output row each.
const ROW_DIMENSIONS: &str = "(SELECT 'total' AS d UNION ALL SELECT 'activities' UNION ALL SELECT 'workshops' \
    UNION ALL SELECT 'kind' UNION ALL SELECT 'canal' UNION ALL SELECT 'duration' UNION ALL SELECT 'where' \
    UNION ALL SELECT 'anon' UNION ALL SELECT 'anon_already' UNION ALL SELECT 'anon_commune')";

const ROW_VALUE: &str = "CASE k.d WHEN 'kind' THEN a.kind WHEN 'canal' THEN a.canal \
    WHEN 'duration' THEN (CASE WHEN a.duration_min < 30 THEN '1' WHEN a.duration_min < 60 THEN '2' WHEN a.duration_min < 120 THEN '3' ELSE '4' END) \
    WHEN 'where' THEN COALESCE(a.place_id, '') || '|' || (CASE WHEN a.canal = 'lieu' THEN '' ELSE a.commune END) \
    WHEN 'anon_commune' THEN a.anon_commune ELSE '' END";

const ROW_NUMBER: &str = "CASE k.d WHEN 'activities' THEN 1 \
    WHEN 'workshops' THEN (CASE WHEN a.kind = 'collectif' THEN 1 ELSE 0 END) \
    WHEN 'anon' THEN a.anon_count WHEN 'anon_already' THEN a.anon_already WHEN 'anon_commune' THEN a.anon_count \
    ELSE a.accompaniments END";

/// Rows `(s, p, d, v, n)` of the activities that `from_where` selects (`FROM activities a
/// … WHERE …`, whose binds the caller supplies); `p` is the date cut to `period`
/// characters (7: month, 10: day). Rows may carry 0; callers sum them.
pub(crate) fn contributions(from_where: &str, period: usize) -> String {
    let joined = |join: &str| from_where.replacen(" WHERE ", &format!(" {join} WHERE "), 1);
    format!(
        "SELECT a.structure_id AS s, substr(a.date, 1, {period}) AS p, k.d AS d, {ROW_VALUE} AS v, {ROW_NUMBER} AS n {} \
         UNION ALL SELECT a.structure_id AS s, substr(a.date, 1, {period}) AS p, t.kind AS d, t.code AS v, a.accompaniments AS n {} \
         UNION ALL SELECT a.structure_id AS s, substr(a.date, 1, {period}) AS p, 'anon_' || x.dimension AS d, x.value AS v, x.count AS n {}",
        joined(&format!("CROSS JOIN {ROW_DIMENSIONS} k")),
        joined("JOIN activity_tags t ON t.activity_id = a.id"),
        joined("JOIN activity_anonymous x ON x.activity_id = a.id"),
    )
}

/// Adds (`sign` 1) or takes away (`sign` -1) what the structure's activities selected by
/// `only` (SQL over `a`; `$2` is `activity`) count in the roll-up. Rows are written in key
/// order so that concurrent transactions lock them in the same order.
async fn apply(
    tx: &mut Tx,
    structure_id: &StructureId,
    only: &str,
    activity: &str,
    sign: i64,
) -> Result<(), DbError> {
    for (table, period, length) in ROLLUPS {
        let source = contributions(
            &format!("FROM activities a WHERE a.structure_id = $1 {only}"),
            length,
        );
        let sql = format!(
            "INSERT INTO {table} (structure_id, {period}, dimension, value, n) \
             SELECT s, p, d, v, {sign} * CAST(SUM(n) AS BIGINT) FROM ({source}) c GROUP BY s, p, d, v \
             HAVING SUM(n) <> 0 ORDER BY s, p, d, v \
             ON CONFLICT (structure_id, {period}, dimension, value) DO UPDATE SET n = {table}.n + excluded.n"
        );
        let mut q = sqlx::query(&sql).bind(structure_id);
        if !only.is_empty() {
            q = q.bind(activity);
        }
        q.execute(&mut **tx).await?;
        if sign < 0 {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE structure_id = $1 AND n = 0"
            ))
            .bind(structure_id)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// The roll-up tables: name, period column, length of the date prefix it keeps.
const ROLLUPS: [(&str, &str, usize); 2] = [
    ("activity_monthly", "month", 7),
    ("activity_yearly", "year", 4),
];

const ONE_ACTIVITY: &str = "AND a.id = $2";

/// Counts an activity just written (call after its tags, participants and counts).
pub async fn add(
    tx: &mut Tx,
    structure_id: &StructureId,
    activity_id: &str,
) -> Result<(), DbError> {
    apply(tx, structure_id, ONE_ACTIVITY, activity_id, 1).await
}

/// Takes an activity out of the roll-up (call before changing or deleting it).
pub async fn remove(
    tx: &mut Tx,
    structure_id: &StructureId,
    activity_id: &str,
) -> Result<(), DbError> {
    apply(tx, structure_id, ONE_ACTIVITY, activity_id, -1).await
}

/// A deleted place leaves its activities without a place (`ON DELETE SET NULL`): their
/// `where` rows move to the empty place.
pub async fn forget_place(
    tx: &mut Tx,
    structure_id: &StructureId,
    place_id: &str,
) -> Result<(), DbError> {
    let prefix = format!("{place_id}|");
    for (table, period, _) in ROLLUPS {
        let rows = format!(
            "FROM {table} WHERE structure_id = $1 AND dimension = 'where' \
             AND substr(value, 1, CAST($3 AS INTEGER)) = $2"
        );
        sqlx::query(&format!(
            "INSERT INTO {table} (structure_id, {period}, dimension, value, n) \
             SELECT structure_id, {period}, dimension, substr(value, CAST($3 AS INTEGER)), n {rows} ORDER BY {period}, value \
             ON CONFLICT (structure_id, {period}, dimension, value) DO UPDATE SET n = {table}.n + excluded.n"
        ))
        .bind(structure_id)
        .bind(prefix.clone())
        .bind(prefix.len() as i64)
        .execute(&mut **tx)
        .await?;
        sqlx::query(&format!("DELETE {rows}"))
            .bind(structure_id)
            .bind(prefix.clone())
            .bind(prefix.len() as i64)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Recomputes both roll-ups from the activities and participations, one structure at a time.
pub async fn rebuild(tx: &mut Tx) -> Result<(), DbError> {
    for table in [
        "activity_monthly",
        "activity_yearly",
        "people_yearly",
        "people_counts",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut **tx)
            .await?;
    }
    let structures: Vec<String> = sqlx::query_scalar("SELECT id FROM structures ORDER BY id")
        .fetch_all(&mut **tx)
        .await?;
    for s in structures {
        apply(tx, &StructureId::stored(s.clone()), "", "", 1).await?;
        write_people(tx, "structure_id = $1", std::slice::from_ref(&s)).await?;
        count_people(tx, "structure_id = $1", &[s], 1).await?;
    }
    Ok(())
}

/// Writes the `people_yearly` rows of the participations selected by `condition` (over
/// `activity_participants`; binds $1, $2…), whose people must have none yet.
async fn write_people(tx: &mut Tx, condition: &str, binds: &[String]) -> Result<(), DbError> {
    let sql = format!(
        "INSERT INTO people_yearly (structure_id, year, beneficiary_id, genre, statut, commune, birth_year, first_year) \
         SELECT p.structure_id, p.year, b.id, b.genre, b.statut, b.commune, b.birth_year, f.first_year \
         FROM (SELECT DISTINCT structure_id, CAST(substr(date, 1, 4) AS BIGINT) AS year, beneficiary_id \
               FROM activity_participants WHERE {condition}) p \
         JOIN beneficiaries b ON b.id = p.beneficiary_id \
         JOIN (SELECT beneficiary_id, MIN(CAST(substr(date, 1, 4) AS BIGINT)) AS first_year \
               FROM activity_participants WHERE {condition} GROUP BY beneficiary_id) f ON f.beneficiary_id = p.beneficiary_id"
    );
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(b.clone());
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// Recomputes the yearly rows of these people (after their participations or their
/// profile changed).
pub async fn refresh_people(tx: &mut Tx, people: &[String]) -> Result<(), DbError> {
    if people.is_empty() {
        return Ok(());
    }
    let marks: Vec<String> = (1..=people.len()).map(|i| format!("${i}")).collect();
    let condition = format!("beneficiary_id IN ({})", marks.join(", "));
    count_people(tx, &condition, people, -1).await?;
    for sql in [
        format!("DELETE FROM people_yearly WHERE {condition}"),
        format!(
            "DELETE FROM people_counts WHERE n = 0 AND structure_id IN \
             (SELECT structure_id FROM beneficiaries WHERE id IN ({}))",
            marks.join(", ")
        ),
    ] {
        let mut q = sqlx::query(&sql);
        for p in people {
            q = q.bind(p.clone());
        }
        q.execute(&mut **tx).await?;
    }
    write_people(tx, &condition, people).await?;
    count_people(tx, &condition, people, 1).await
}

/// Adds (`sign` 1) or takes away (-1) the `people_yearly` rows selected by `condition` in
/// `people_counts`: genre, statut, commune, birth_year, and new (first year = this year).
async fn count_people(
    tx: &mut Tx,
    condition: &str,
    binds: &[String],
    sign: i64,
) -> Result<(), DbError> {
    let sql = format!(
        "INSERT INTO people_counts (structure_id, year, dimension, value, n) \
         SELECT y.structure_id, y.year, k.d, \
                CASE k.d WHEN 'genre' THEN y.genre WHEN 'statut' THEN y.statut WHEN 'commune' THEN y.commune \
                WHEN 'birth_year' THEN COALESCE(CAST(y.birth_year AS TEXT), '') \
                ELSE (CASE WHEN y.first_year = y.year THEN '1' ELSE '0' END) END, \
                {sign} * COUNT(*) \
         FROM people_yearly y CROSS JOIN (SELECT 'genre' AS d UNION ALL SELECT 'statut' UNION ALL SELECT 'commune' \
              UNION ALL SELECT 'birth_year' UNION ALL SELECT 'new') k \
         WHERE {condition} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 \
         ON CONFLICT (structure_id, year, dimension, value) DO UPDATE SET n = people_counts.n + excluded.n"
    );
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(b.clone());
    }
    q.execute(&mut **tx).await?;
    Ok(())
}
