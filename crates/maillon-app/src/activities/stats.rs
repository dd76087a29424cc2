//! Statistics of the activity log, as funders and the national report read them.
//! Everything is aggregated in the database; only named beneficiaries' age brackets are
//! bucketed here (from years of birth). Sums are cast to BIGINT (NUMERIC on PostgreSQL).

use super::vocab::{self, Choice};
use crate::db::{self, text, Db, DbError};

/// What the statistics are computed on.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Structures included (one, or every structure of the network).
    pub structures: Vec<String>,
    pub from: String,
    pub to: String,
    pub kind: String,
    pub mediator_id: String,
    pub place_id: String,
    pub theme: String,
    pub commune: String,
}

/// One breakdown: labelled values, in display order.
#[derive(Clone, Debug, Default)]
pub struct Breakdown {
    pub title: &'static str,
    pub rows: Vec<(String, i64)>,
}

/// One bar of an SVG chart, laid out here so that templates only place numbers.
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub y: usize,
    pub width: i64,
}

pub const BAR_STEP: usize = 26;
const BAR_SPACE: i64 = 300;

impl Breakdown {
    pub fn bars(&self) -> Vec<Bar> {
        let max = self.max();
        self.rows
            .iter()
            .enumerate()
            .map(|(i, (label, value))| {
                let mut short: String = label.chars().take(32).collect();
                if label.chars().count() > 32 {
                    short.push('…');
                }
                Bar {
                    label: short,
                    value: *value,
                    y: i * BAR_STEP,
                    width: (value * BAR_SPACE / max).max(1),
                }
            })
            .collect()
    }

    pub fn height(&self) -> usize {
        self.rows.len() * BAR_STEP
    }

    /// A share of the total, in whole percent, for the tables.
    pub fn percent(&self, value: &i64) -> i64 {
        let total = self.total();
        if total == 0 {
            0
        } else {
            (value * 100 + total / 2) / total
        }
    }

    pub fn max(&self) -> i64 {
        self.rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1)
    }

    pub fn total(&self) -> i64 {
        self.rows.iter().map(|(_, n)| *n).sum()
    }
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub accompaniments: i64,
    pub activities: i64,
    pub individual: i64,
    pub collective: i64,
    pub workshops: i64,
    pub new_people: i64,
    pub followed_people: i64,
    pub anonymous: i64,
    pub anonymous_already: i64,
    pub over_time: Breakdown,
    pub breakdowns: Vec<Breakdown>,
    pub people: Vec<Breakdown>,
}

/// The commune where an activity took place: its place's, or the one given.
const ACTIVITY_COMMUNE: &str =
    "CASE WHEN a.canal = 'lieu' THEN COALESCE(pl.commune, '') ELSE a.commune END";

/// `FROM … WHERE …` for the filter, with its bound values ($1, $2… in order).
pub(crate) fn base(f: &Filter) -> (String, Vec<String>) {
    let mut binds: Vec<String> = Vec::new();
    let next = |value: &str, binds: &mut Vec<String>| {
        binds.push(value.to_string());
        format!("${}", binds.len())
    };
    let list: Vec<String> = f.structures.iter().map(|s| next(s, &mut binds)).collect();
    let mut sql =
        format!(
        "FROM activities a LEFT JOIN places pl ON pl.id = a.place_id WHERE a.structure_id IN ({})",
        if list.is_empty() { "''".to_string() } else { list.join(", ") }
    );
    if !f.from.is_empty() {
        sql.push_str(&format!(" AND a.date >= {}", next(&f.from, &mut binds)));
    }
    if !f.to.is_empty() {
        sql.push_str(&format!(" AND a.date <= {}", next(&f.to, &mut binds)));
    }
    if !f.kind.is_empty() {
        sql.push_str(&format!(" AND a.kind = {}", next(&f.kind, &mut binds)));
    }
    if !f.mediator_id.is_empty() {
        sql.push_str(&format!(
            " AND a.mediator_id = {}",
            next(&f.mediator_id, &mut binds)
        ));
    }
    if !f.place_id.is_empty() {
        sql.push_str(&format!(
            " AND a.place_id = {}",
            next(&f.place_id, &mut binds)
        ));
    }
    if !f.theme.is_empty() {
        let p = next(&f.theme, &mut binds);
        sql.push_str(&format!(" AND EXISTS (SELECT 1 FROM activity_tags ft WHERE ft.activity_id = a.id AND ft.kind = 'theme' AND ft.code = {p})"));
    }
    if !f.commune.is_empty() {
        sql.push_str(&format!(
            " AND {ACTIVITY_COMMUNE} = {}",
            next(&f.commune, &mut binds)
        ));
    }
    (sql, binds)
}

async fn pairs(db: &Db, sql: &str, binds: &[String]) -> Result<Vec<(String, i64)>, DbError> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(b.clone());
    }
    let rows = q.fetch_all(db.read()).await?;
    Ok(rows
        .iter()
        .map(|r| (text(r, "k"), db::int(r, "n")))
        .collect())
}

/// Sums of accompaniments grouped by `key` (an SQL expression over `a`, `pl`, `t`).
async fn grouped(
    db: &Db,
    f: &Filter,
    key: &str,
    join: &str,
) -> Result<Vec<(String, i64)>, DbError> {
    let (from, binds) = base(f);
    let from = from.replacen(" WHERE ", &format!(" {join} WHERE "), 1);
    let sql = format!("SELECT {key} AS k, CAST(SUM(a.accompaniments) AS BIGINT) AS n {from} GROUP BY {key} ORDER BY {key}");
    pairs(db, &sql, &binds).await
}

/// Rows in the vocabulary's order, with its labels; codes outside it are left out.
fn labelled(title: &'static str, list: &[Choice], counts: &[(String, i64)]) -> Breakdown {
    let rows = list
        .iter()
        .filter_map(|(code, label)| {
            counts
                .iter()
                .find(|(k, _)| k == code)
                .map(|(_, n)| (label.to_string(), *n))
        })
        .collect();
    Breakdown { title, rows }
}

/// Free values (places, communes), largest first, with a label for empty keys.
fn ranked(title: &'static str, mut counts: Vec<(String, i64)>, empty: &str) -> Breakdown {
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Breakdown {
        title,
        rows: counts
            .into_iter()
            .map(|(k, n)| (if k.is_empty() { empty.to_string() } else { k }, n))
            .collect(),
    }
}

const MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

fn month_label(key: &str) -> String {
    let month = key
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(1);
    format!(
        "{} {}",
        MONTHS[(month - 1).min(11)],
        key.get(..4).unwrap_or("")
    )
}

pub async fn compute(db: &Db, f: &Filter, this_year: i64) -> Result<Stats, DbError> {
    let (from, binds) = base(f);
    let mut s = Stats::default();

    let totals = format!(
        "SELECT CAST(COALESCE(SUM(a.accompaniments), 0) AS BIGINT) AS total, COUNT(*) AS activities, \
         CAST(COALESCE(SUM(CASE WHEN a.kind = 'individuel' THEN a.accompaniments ELSE 0 END), 0) AS BIGINT) AS individual, \
         CAST(COALESCE(SUM(CASE WHEN a.kind = 'collectif' THEN a.accompaniments ELSE 0 END), 0) AS BIGINT) AS collective, \
         CAST(COALESCE(SUM(CASE WHEN a.kind = 'collectif' THEN 1 ELSE 0 END), 0) AS BIGINT) AS workshops, \
         CAST(COALESCE(SUM(a.anon_count), 0) AS BIGINT) AS anonymous, \
         CAST(COALESCE(SUM(a.anon_already), 0) AS BIGINT) AS anonymous_already {from}"
    );
    let mut q = sqlx::query(&totals);
    for b in &binds {
        q = q.bind(b.clone());
    }
    let row = q.fetch_one(db.read()).await?;
    s.accompaniments = db::int(&row, "total");
    s.activities = db::int(&row, "activities");
    s.individual = db::int(&row, "individual");
    s.collective = db::int(&row, "collective");
    s.workshops = db::int(&row, "workshops");
    s.anonymous = db::int(&row, "anonymous");
    s.anonymous_already = db::int(&row, "anonymous_already");

    // Over time: per day for a month or less, else per month.
    let short = match (
        jiff::civil::Date::strptime("%Y-%m-%d", &f.from),
        jiff::civil::Date::strptime("%Y-%m-%d", &f.to),
    ) {
        (Ok(a), Ok(b)) => (b - a).get_days() <= 31,
        _ => false,
    };
    s.over_time = if short {
        let days = grouped(db, f, "a.date", "").await?;
        Breakdown {
            title: "Accompagnements par jour",
            rows: days
                .into_iter()
                .map(|(d, n)| (super::routes::date_fr(&d), n))
                .collect(),
        }
    } else {
        let months = grouped(db, f, "substr(a.date, 1, 7)", "").await?;
        Breakdown {
            title: "Accompagnements par mois",
            rows: months
                .into_iter()
                .map(|(m, n)| (month_label(&m), n))
                .collect(),
        }
    };

    // Themes, administrative themes and material in one pass: keys are "kind:code".
    let all_tags = grouped(
        db,
        f,
        "t.kind || ':' || t.code",
        "JOIN activity_tags t ON t.activity_id = a.id",
    )
    .await?;
    let tags = |kind: &str| -> Vec<(String, i64)> {
        let prefix = format!("{kind}:");
        all_tags
            .iter()
            .filter_map(|(k, n)| k.strip_prefix(&prefix).map(|code| (code.to_string(), *n)))
            .collect()
    };
    let kinds = vec![
        ("individuel".to_string(), s.individual),
        ("collectif".to_string(), s.collective),
    ];
    s.breakdowns = vec![
        labelled("Type d'activité", &[("individuel", "Accompagnement individuel"), ("collectif", "Atelier collectif")], &kinds),
        labelled("Thématiques", vocab::THEMES, &tags("theme")),
        labelled("Thématiques administratives", vocab::ADMIN_THEMES, &tags("admin_theme")),
        labelled("Matériel utilisé", vocab::MATERIALS, &tags("material")),
        labelled("Canal", vocab::CANALS, &grouped(db, f, "a.canal", "").await?),
        labelled(
            "Durée",
            &[("1", "Moins de 30 min"), ("2", "30 min à 1 h"), ("3", "1 h à 2 h"), ("4", "2 h ou plus")],
            &grouped(db, f, "CASE WHEN a.duration_min < 30 THEN '1' WHEN a.duration_min < 60 THEN '2' WHEN a.duration_min < 120 THEN '3' ELSE '4' END", "").await?,
        ),
        ranked("Lieux", grouped(db, f, "COALESCE(pl.nom, '')", "").await?, "Hors des lieux de la structure"),
        ranked("Communes des activités", grouped(db, f, ACTIVITY_COMMUNE, "").await?, "Non renseignée"),
    ];

    s.people = people(db, f, this_year, &mut s).await?;
    Ok(s)
}

/// Beneficiaries seen in the period: named people once each, plus anonymous people as
/// counted in activities; new (first accompanied in the period) and followed.
async fn people(
    db: &Db,
    f: &Filter,
    this_year: i64,
    s: &mut Stats,
) -> Result<Vec<Breakdown>, DbError> {
    let (from, binds) = base(f);
    let seen = format!(
        "SELECT DISTINCT p.beneficiary_id {} ",
        from.replacen(
            " WHERE ",
            " JOIN activity_participants p ON p.activity_id = a.id WHERE ",
            1
        )
    );
    let first_from = f.from.clone();
    let named = format!(
        "SELECT b.genre, b.statut, b.commune, b.birth_year, f.first_date \
         FROM (SELECT p2.beneficiary_id, MIN(a2.date) AS first_date FROM activity_participants p2 \
               JOIN activities a2 ON a2.id = p2.activity_id WHERE p2.beneficiary_id IN ({seen}) GROUP BY p2.beneficiary_id) f \
         JOIN beneficiaries b ON b.id = f.beneficiary_id"
    );
    let mut q = sqlx::query(&named);
    for b in &binds {
        q = q.bind(b.clone());
    }
    let rows = q.fetch_all(db.read()).await?;
    let mut genre: Vec<(String, i64)> = Vec::new();
    let mut statut: Vec<(String, i64)> = Vec::new();
    let mut age: Vec<(String, i64)> = Vec::new();
    let mut commune: Vec<(String, i64)> = Vec::new();
    let bump = |list: &mut Vec<(String, i64)>, key: String, n: i64| match list
        .iter_mut()
        .find(|(k, _)| *k == key)
    {
        Some((_, v)) => *v += n,
        None => list.push((key, n)),
    };
    for r in &rows {
        if first_from.is_empty() || text(r, "first_date") >= first_from {
            s.new_people += 1;
        } else {
            s.followed_people += 1;
        }
        bump(&mut genre, text(r, "genre"), 1);
        bump(&mut statut, text(r, "statut"), 1);
        bump(
            &mut age,
            vocab::age_bracket(db::opt_int(r, "birth_year"), this_year).to_string(),
            1,
        );
        bump(&mut commune, text(r, "commune"), 1);
    }
    let anonymous = format!(
        "SELECT x.dimension AS d, x.value AS k, CAST(SUM(x.count) AS BIGINT) AS n {} GROUP BY x.dimension, x.value",
        from.replacen(" WHERE ", " JOIN activity_anonymous x ON x.activity_id = a.id WHERE ", 1)
    );
    let mut q = sqlx::query(&anonymous);
    for b in &binds {
        q = q.bind(b.clone());
    }
    for r in q.fetch_all(db.read()).await? {
        let target = match text(&r, "d").as_str() {
            "genre" => &mut genre,
            "age" => &mut age,
            _ => &mut statut,
        };
        bump(target, text(&r, "k"), db::int(&r, "n"));
    }
    let anon_communes = format!(
        "SELECT a.anon_commune AS k, CAST(SUM(a.anon_count) AS BIGINT) AS n {from} AND a.anon_count > 0 GROUP BY a.anon_commune"
    );
    for (k, n) in pairs(db, &anon_communes, &binds).await? {
        bump(&mut commune, k, n);
    }
    Ok(vec![
        labelled("Genre", vocab::GENRES, &genre),
        labelled("Tranche d'âge", vocab::AGE_BRACKETS, &age),
        labelled("Statut", vocab::STATUTS, &statut),
        ranked("Commune de résidence", commune, "Non renseignée"),
    ])
}

/// Communes where the structures' activities took place, for the filter.
pub async fn communes(db: &Db, structures: &[String]) -> Result<Vec<String>, DbError> {
    let f = Filter {
        structures: structures.to_vec(),
        ..Filter::default()
    };
    let (_, binds) = base(&f);
    // The structures' places give most communes; only activities elsewhere add others.
    let list: Vec<String> = (1..=binds.len()).map(|i| format!("${i}")).collect();
    let list = if list.is_empty() {
        "''".to_string()
    } else {
        list.join(", ")
    };
    let sql = format!(
        "SELECT commune AS k, 0 AS n FROM places WHERE structure_id IN ({list}) \
         UNION SELECT a.commune AS k, 0 AS n FROM activities a WHERE a.structure_id IN ({list}) AND a.canal <> 'lieu' ORDER BY k"
    );
    Ok(pairs(db, &sql, &binds)
        .await?
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| !k.is_empty())
        .collect())
}

/// Key figures of each structure of the filter, in two grouped queries (the network's
/// side-by-side table): (structure id, accompaniments, individual, collective, named
/// people, anonymous people).
pub async fn per_structure(db: &Db, f: &Filter) -> Result<Vec<(String, [i64; 5])>, DbError> {
    let (from, binds) = base(f);
    let sums = format!(
        "SELECT a.structure_id AS k, CAST(SUM(a.accompaniments) AS BIGINT) AS total, \
         CAST(SUM(CASE WHEN a.kind = 'individuel' THEN a.accompaniments ELSE 0 END) AS BIGINT) AS individual, \
         CAST(SUM(CASE WHEN a.kind = 'collectif' THEN a.accompaniments ELSE 0 END) AS BIGINT) AS collective, \
         CAST(SUM(a.anon_count) AS BIGINT) AS anonymous {from} GROUP BY a.structure_id"
    );
    let mut q = sqlx::query(&sums);
    for b in &binds {
        q = q.bind(b.clone());
    }
    let mut figures: Vec<(String, [i64; 5])> = q
        .fetch_all(db.read())
        .await?
        .iter()
        .map(|r| {
            (
                text(r, "k"),
                [
                    db::int(r, "total"),
                    db::int(r, "individual"),
                    db::int(r, "collective"),
                    0,
                    db::int(r, "anonymous"),
                ],
            )
        })
        .collect();
    let named = format!(
        "SELECT x.structure_id AS k, COUNT(*) AS n FROM (SELECT DISTINCT a.structure_id, p.beneficiary_id {}) x GROUP BY x.structure_id",
        from.replacen(" WHERE ", " JOIN activity_participants p ON p.activity_id = a.id WHERE ", 1)
    );
    for (k, n) in pairs(db, &named, &binds).await? {
        if let Some((_, f)) = figures.iter_mut().find(|(id, _)| *id == k) {
            f[3] = n;
        }
    }
    Ok(figures)
}
