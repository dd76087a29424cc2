//! Statistics of the activity log, as funders and the national report read them.
//!
//! Every figure is a sum of what activities count ([`rollup::contributions`]), read in one
//! query: for whole months of an unfiltered selection, from the monthly roll-up; for the
//! rest, from the activities themselves. Named people (counted once each in a period) come
//! from the participations. Sums are cast to BIGINT (NUMERIC on PostgreSQL).

use super::breakdown::{labelled, month_label, ranked, Breakdown};
use super::rollup;
use super::vocab;
use crate::db::{self, text, Db, DbError};
use crate::tenancy::StructureId;

/// What the statistics are computed on.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Structures included (one, or every structure of the network).
    pub structures: Vec<StructureId>,
    pub from: String,
    pub to: String,
    pub kind: String,
    pub mediator_id: String,
    pub place_id: String,
    pub theme: String,
    pub commune: String,
    /// Reads every figure from the activities, never from the roll-up: for the checks
    /// that both ways agree, and for benchmarks.
    pub from_activities_only: bool,
}

impl Filter {
    /// Only structures and a period: what the roll-up and the participations answer.
    fn by_period_only(&self) -> bool {
        !self.from_activities_only
            && [
                &self.kind,
                &self.mediator_id,
                &self.place_id,
                &self.theme,
                &self.commune,
            ]
            .iter()
            .all(|v| v.is_empty())
    }

    fn between(&self, from: String, to: String) -> Filter {
        Filter {
            from,
            to,
            ..self.clone()
        }
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

/// Bound values of a query being written: `push` returns the placeholder.
#[derive(Default)]
struct Binds(Vec<String>);

impl Binds {
    fn push(&mut self, value: &str) -> String {
        self.0.push(value.to_string());
        format!("${}", self.0.len())
    }

    fn list<S: AsRef<str>>(&mut self, values: &[S]) -> String {
        if values.is_empty() {
            return "''".into();
        }
        let marks: Vec<String> = values.iter().map(|v| self.push(v.as_ref())).collect();
        marks.join(", ")
    }

    fn query<'q>(
        &self,
        sql: &'q str,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        let mut q = sqlx::query(sql);
        for b in &self.0 {
            q = q.bind(b.clone());
        }
        q
    }
}

/// `FROM … WHERE …` for the filter, with its bound values ($1, $2… in order).
pub(crate) fn base(f: &Filter) -> (String, Vec<String>) {
    let mut binds = Binds::default();
    let sql = from_where(f, &mut binds);
    (sql, binds.0)
}

fn from_where(f: &Filter, binds: &mut Binds) -> String {
    let mut sql = format!(
        "FROM activities a LEFT JOIN places pl ON pl.id = a.place_id WHERE a.structure_id IN ({})",
        binds.list(&f.structures)
    );
    let mut and = |condition: &str, value: &str| {
        if !value.is_empty() {
            let mark = binds.push(value);
            sql.push_str(&format!(" AND {}", condition.replace('?', &mark)));
        }
    };
    and("a.date >= ?", &f.from);
    and("a.date <= ?", &f.to);
    and("a.kind = ?", &f.kind);
    and("a.mediator_id = ?", &f.mediator_id);
    and("a.place_id = ?", &f.place_id);
    and("EXISTS (SELECT 1 FROM activity_tags ft WHERE ft.activity_id = a.id AND ft.kind = 'theme' AND ft.code = ?)", &f.theme);
    and(&format!("{ACTIVITY_COMMUNE} = ?"), &f.commune);
    sql
}

/// How a period splits between the roll-ups (whole calendar years, whole months) and the
/// activities (the days before the first whole month and after the last one).
#[derive(Debug, PartialEq)]
struct Split {
    /// First and last year read from the yearly roll-up ('' for no bound).
    years: Option<(String, String)>,
    /// Ranges of months read from the monthly roll-up ('' for no bound).
    months: Vec<(String, String)>,
    /// Date ranges read from the activities.
    days: Vec<(String, String)>,
}

fn split(from: &str, to: &str) -> Split {
    use jiff::civil::Date;
    let scan_all = Split {
        years: None,
        months: Vec::new(),
        days: vec![(from.to_string(), to.to_string())],
    };
    let parse = |s: &str| (!s.is_empty()).then(|| Date::strptime("%Y-%m-%d", s).ok());
    let (Some(start), Some(end)) = (
        parse(from).unwrap_or(Some(Date::MIN)),
        parse(to).unwrap_or(Some(Date::MAX)),
    ) else {
        return scan_all;
    };
    let first = if start.day() == 1 {
        Some(start)
    } else {
        start.last_of_month().tomorrow().ok()
    };
    let last = if end == end.last_of_month() {
        Some(end)
    } else {
        end.first_of_month().yesterday().ok()
    };
    let (Some(first), Some(last)) = (first, last) else {
        return scan_all;
    };
    if first > last {
        return scan_all;
    }
    let mut days = Vec::new();
    if first != start {
        days.push((
            from.to_string(),
            first.yesterday().unwrap_or(first).to_string(),
        ));
    }
    if last != end {
        days.push((last.tomorrow().unwrap_or(last).to_string(), to.to_string()));
    }
    let month = |d: Date, bound: Date| {
        if d == bound {
            String::new()
        } else {
            d.strftime("%Y-%m").to_string()
        }
    };
    let first_year = first.year() + i16::from(first.month() != 1);
    let last_year = last.year() - i16::from(last.month() != 12);
    if first_year > last_year {
        return Split {
            years: None,
            months: vec![(month(first, Date::MIN), month(last, Date::MAX))],
            days,
        };
    }
    let mut months = Vec::new();
    if first.month() != 1 {
        months.push((month(first, Date::MIN), format!("{:04}-12", first.year())));
    }
    if last.month() != 12 {
        months.push((format!("{:04}-01", last.year()), month(last, Date::MAX)));
    }
    let year = |y: i16, d: Date, bound: Date| {
        if d == bound {
            String::new()
        } else {
            format!("{y:04}")
        }
    };
    Split {
        years: Some((
            year(first_year, first, Date::MIN),
            year(last_year, last, Date::MAX),
        )),
        months,
        days,
    }
}

/// `AND column >= low AND column <= high`, leaving out empty bounds.
fn bounds(binds: &mut Binds, column: &str, low: &str, high: &str) -> String {
    let mut sql = String::new();
    if !low.is_empty() {
        sql.push_str(&format!(" AND {column} >= {}", binds.push(low)));
    }
    if !high.is_empty() {
        sql.push_str(&format!(" AND {column} <= {}", binds.push(high)));
    }
    sql
}

/// Sums of contributions by (key, dimension, value).
struct Counts(Vec<(String, String, String, i64)>);

impl Counts {
    /// Sums the contributions of the filter, keyed by `key` (an SQL expression over `s`,
    /// `p`, `d`), keeping only the dimensions `only` when given. `period` is 7 (months) or
    /// 10 (days, always read from the activities).
    async fn read(
        db: &Db,
        f: &Filter,
        period: usize,
        key: &str,
        only: &[&str],
    ) -> Result<Counts, DbError> {
        let mut binds = Binds::default();
        let mut sources = Vec::new();
        let plan = if period == 7 && f.by_period_only() {
            split(&f.from, &f.to)
        } else {
            Split {
                years: None,
                months: Vec::new(),
                days: vec![(f.from.clone(), f.to.clone())],
            }
        };
        for (from, to) in plan.days {
            sources.push(rollup::contributions(
                &from_where(&f.between(from, to), &mut binds),
                period,
            ));
        }
        const MONTHLY: &str =
            "SELECT structure_id AS s, month AS p, dimension AS d, value AS v, n FROM activity_monthly";
        for (first, last) in plan.months {
            let list = binds.list(&f.structures);
            let range = bounds(&mut binds, "month", &first, &last);
            sources.push(format!("{MONTHLY} WHERE structure_id IN ({list}){range}"));
        }
        if let Some((first, last)) = plan.years {
            // Every figure from the years' rows, but the totals per month, for the chart.
            let list = binds.list(&f.structures);
            let range = bounds(&mut binds, "year", &first, &last);
            sources.push(format!(
                "SELECT structure_id AS s, year AS p, dimension AS d, value AS v, n FROM activity_yearly \
                 WHERE structure_id IN ({list}){range} AND dimension <> 'total'"
            ));
            let (low, high) = (
                if first.is_empty() {
                    first.clone()
                } else {
                    format!("{first}-01")
                },
                if last.is_empty() {
                    last.clone()
                } else {
                    format!("{last}-12")
                },
            );
            let range = bounds(&mut binds, "month", &low, &high);
            sources.push(format!(
                "{MONTHLY} WHERE structure_id IN ({list}){range} AND dimension = 'total'"
            ));
        }
        let only = if only.is_empty() {
            String::new()
        } else {
            format!(
                "WHERE d IN ({})",
                only.iter()
                    .map(|d| format!("'{d}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let sql = format!(
            "SELECT {key} AS k, d, v, CAST(SUM(n) AS BIGINT) AS n FROM ({}) c {only} GROUP BY {key}, d, v",
            sources.join(" UNION ALL ")
        );
        let rows = binds.query(&sql).fetch_all(db.read()).await?;
        Ok(Counts(
            rows.iter()
                .map(|r| {
                    Ok((
                        text(r, "k")?,
                        text(r, "d")?,
                        text(r, "v")?,
                        db::int(r, "n")?,
                    ))
                })
                .filter(|c: &Result<_, DbError>| c.as_ref().map_or(true, |c| c.3 != 0))
                .collect::<Result<_, DbError>>()?,
        ))
    }

    fn get(&self, d: &str, v: &str) -> i64 {
        self.0
            .iter()
            .filter(|c| c.1 == d && c.2 == v)
            .map(|c| c.3)
            .sum()
    }

    /// Values of a dimension with their sums (over every key).
    fn by_value(&self, d: &str) -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> = Vec::new();
        for c in self.0.iter().filter(|c| c.1 == d) {
            bump(&mut out, c.2.clone(), c.3);
        }
        out.sort();
        out
    }

    /// Keys of a dimension with their sums (over every value).
    fn by_key(&self, d: &str) -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> = Vec::new();
        for c in self.0.iter().filter(|c| c.1 == d) {
            bump(&mut out, c.0.clone(), c.3);
        }
        out.sort();
        out
    }
}

fn bump(list: &mut Vec<(String, i64)>, key: String, n: i64) {
    match list.iter_mut().find(|(k, _)| *k == key) {
        Some((_, v)) => *v += n,
        None => list.push((key, n)),
    }
}

/// Per day for a month or less, else per month.
fn is_short(f: &Filter) -> bool {
    match (
        jiff::civil::Date::strptime("%Y-%m-%d", &f.from),
        jiff::civil::Date::strptime("%Y-%m-%d", &f.to),
    ) {
        (Ok(a), Ok(b)) => (b - a).get_days() <= 31,
        _ => false,
    }
}

pub async fn compute(db: &Db, f: &Filter, this_year: i64) -> Result<Stats, DbError> {
    let short = is_short(f);
    let c = Counts::read(
        db,
        f,
        if short { 10 } else { 7 },
        "CASE WHEN d = 'total' THEN p ELSE '' END",
        &[],
    )
    .await?;
    let mut s = Stats {
        accompaniments: c.get("total", ""),
        activities: c.get("activities", ""),
        individual: c.get("kind", "individuel"),
        collective: c.get("kind", "collectif"),
        workshops: c.get("workshops", ""),
        anonymous: c.get("anon", ""),
        anonymous_already: c.get("anon_already", ""),
        ..Stats::default()
    };
    s.over_time = if short {
        Breakdown {
            title: "Accompagnements par jour",
            rows: c
                .by_key("total")
                .into_iter()
                .map(|(d, n)| (super::routes::date_fr(&d), n))
                .collect(),
        }
    } else {
        Breakdown {
            title: "Accompagnements par mois",
            rows: c
                .by_key("total")
                .into_iter()
                .map(|(m, n)| (month_label(&m), n))
                .collect(),
        }
    };
    let (places, communes) = where_breakdowns(db, f, &c.by_value("where")).await?;
    s.breakdowns = vec![
        labelled(
            "Type d'activité",
            &[
                ("individuel", "Accompagnement individuel"),
                ("collectif", "Atelier collectif"),
            ],
            &c.by_value("kind"),
        ),
        labelled("Thématiques", vocab::THEMES, &c.by_value("theme")),
        labelled(
            "Thématiques administratives",
            vocab::ADMIN_THEMES,
            &c.by_value("admin_theme"),
        ),
        labelled(
            "Matériel utilisé",
            vocab::MATERIALS,
            &c.by_value("material"),
        ),
        labelled("Canal", vocab::CANALS, &c.by_value("canal")),
        labelled(
            "Durée",
            &[
                ("1", "Moins de 30 min"),
                ("2", "30 min à 1 h"),
                ("3", "1 h à 2 h"),
                ("4", "2 h ou plus"),
            ],
            &c.by_value("duration"),
        ),
        places,
        communes,
    ];
    s.people = people(db, f, this_year, &c, &mut s).await?;
    Ok(s)
}

/// Places and communes of the activities, from `where` values (`place id|commune`).
async fn where_breakdowns(
    db: &Db,
    f: &Filter,
    values: &[(String, i64)],
) -> Result<(Breakdown, Breakdown), DbError> {
    let mut binds = Binds::default();
    let sql = format!(
        "SELECT id, nom, commune FROM places WHERE structure_id IN ({})",
        binds.list(&f.structures)
    );
    let known: Vec<(String, String, String)> = binds
        .query(&sql)
        .fetch_all(db.read())
        .await?
        .iter()
        .map(|r| Ok::<_, DbError>((text(r, "id")?, text(r, "nom")?, text(r, "commune")?)))
        .collect::<Result<_, DbError>>()?;
    let (mut places, mut communes) = (Vec::new(), Vec::new());
    for (value, n) in values {
        let (place_id, commune) = value.split_once('|').unwrap_or(("", value));
        let place = known.iter().find(|p| p.0 == place_id);
        bump(
            &mut places,
            place.map(|p| p.1.clone()).unwrap_or_default(),
            *n,
        );
        // Outside its places an activity gives its commune; at a place, the place's.
        let commune = if commune.is_empty() {
            place.map(|p| p.2.clone()).unwrap_or_default()
        } else {
            commune.to_string()
        };
        bump(&mut communes, commune, *n);
    }
    Ok((
        ranked("Lieux", places, "Hors des lieux de la structure"),
        ranked("Communes des activités", communes, "Non renseignée"),
    ))
}

/// The calendar year that the period covers whole, as far as participations go (none
/// after its end date in that year): its named people are read from `people_yearly`.
async fn whole_year(db: &Db, f: &Filter) -> Result<Option<i64>, DbError> {
    let year = match f.from.strip_suffix("-01-01").map(str::parse::<i64>) {
        Some(Ok(year)) if f.by_period_only() && f.from.len() == 10 => year,
        _ => return Ok(None),
    };
    let end = format!("{year}-12-31");
    if f.to == end {
        return Ok(Some(year));
    }
    if f.to.as_str() < f.from.as_str() || f.to.as_str() > end.as_str() {
        return Ok(None);
    }
    let mut binds = Binds::default();
    let sql = format!(
        "SELECT COUNT(*) AS n FROM activity_participants WHERE structure_id IN ({}) AND date > {} AND date <= {}",
        binds.list(&f.structures),
        binds.push(&f.to),
        binds.push(&end)
    );
    let later = db::int(&binds.query(&sql).fetch_one(db.read()).await?, "n")?;
    Ok((later == 0).then_some(year))
}

/// `SELECT DISTINCT s, b` — the named people (and their structure) seen under the filter:
/// from the participations alone when only the period matters, else through the activities.
fn seen(f: &Filter, binds: &mut Binds) -> String {
    if f.by_period_only() {
        let mut sql = format!(
            "SELECT DISTINCT p.structure_id AS s, p.beneficiary_id AS b FROM activity_participants p WHERE p.structure_id IN ({})",
            binds.list(&f.structures)
        );
        if !f.from.is_empty() {
            sql.push_str(&format!(" AND p.date >= {}", binds.push(&f.from)));
        }
        if !f.to.is_empty() {
            sql.push_str(&format!(" AND p.date <= {}", binds.push(&f.to)));
        }
        sql
    } else {
        let from = from_where(f, binds).replacen(
            " WHERE ",
            " JOIN activity_participants p ON p.activity_id = a.id WHERE ",
            1,
        );
        format!("SELECT DISTINCT p.structure_id AS s, p.beneficiary_id AS b {from}")
    }
}

/// Beneficiaries seen in the period: named people once each, plus anonymous people as
/// counted in activities; new (first accompanied in the period) and followed.
async fn people(
    db: &Db,
    f: &Filter,
    this_year: i64,
    c: &Counts,
    s: &mut Stats,
) -> Result<Vec<Breakdown>, DbError> {
    let mut binds = Binds::default();
    // (dimension, value, people): genre, statut, commune, birth_year, new ("1" or "0").
    let mut named: Vec<(String, String, i64)> = Vec::new();
    if let Some(year) = whole_year(db, f).await? {
        let sql = format!(
            "SELECT dimension AS d, value AS v, CAST(SUM(n) AS BIGINT) AS n FROM people_counts \
             WHERE structure_id IN ({}) AND year = {year} GROUP BY dimension, value",
            binds.list(&f.structures)
        );
        for r in binds.query(&sql).fetch_all(db.read()).await? {
            named.push((text(&r, "d")?, text(&r, "v")?, db::int(&r, "n")?));
        }
    } else {
        // Grouped by every profile field at once: at most one row per combination.
        let seen = seen(f, &mut binds);
        let from = binds.push(&f.from);
        let sql = format!(
            "SELECT genre, statut, commune, birth_year, is_new, COUNT(*) AS n FROM \
             (SELECT b.genre, b.statut, b.commune, b.birth_year, \
                     CAST(CASE WHEN {from} = '' OR first.date >= {from} THEN 1 ELSE 0 END AS BIGINT) AS is_new \
              FROM (SELECT p2.beneficiary_id AS id, MIN(p2.date) AS date FROM activity_participants p2 \
                    WHERE p2.beneficiary_id IN (SELECT b FROM ({seen}) x) GROUP BY p2.beneficiary_id) first \
              JOIN beneficiaries b ON b.id = first.id) y \
             GROUP BY genre, statut, commune, birth_year, is_new"
        );
        for r in binds.query(&sql).fetch_all(db.read()).await? {
            let n = db::int(&r, "n")?;
            let birth = db::opt_int(&r, "birth_year")?.map(|y| y.to_string());
            for (d, v) in [
                ("genre", text(&r, "genre")?),
                ("statut", text(&r, "statut")?),
                ("commune", text(&r, "commune")?),
                ("birth_year", birth.unwrap_or_default()),
                ("new", db::int(&r, "is_new")?.to_string()),
            ] {
                named.push((d.to_string(), v, n));
            }
        }
    }
    let (mut genre, mut statut, mut age, mut commune) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (d, v, n) in named {
        match d.as_str() {
            "genre" => bump(&mut genre, v, n),
            "statut" => bump(&mut statut, v, n),
            "commune" => bump(&mut commune, v, n),
            "birth_year" => bump(
                &mut age,
                vocab::age_bracket(v.parse().ok(), this_year).to_string(),
                n,
            ),
            _ if v == "1" => s.new_people += n,
            _ => s.followed_people += n,
        }
    }
    for (dimension, target) in [
        ("anon_genre", &mut genre),
        ("anon_age", &mut age),
        ("anon_statut", &mut statut),
        ("anon_commune", &mut commune),
    ] {
        for (k, n) in c.by_value(dimension) {
            bump(target, k, n);
        }
    }
    Ok(vec![
        labelled("Genre", vocab::GENRES, &genre),
        labelled("Tranche d'âge", vocab::AGE_BRACKETS, &age),
        labelled("Statut", vocab::STATUTS, &statut),
        ranked("Commune de résidence", commune, "Non renseignée"),
    ])
}

/// Communes where the structures' activities took place, for the filter.
pub async fn communes(db: &Db, structures: &[StructureId]) -> Result<Vec<String>, DbError> {
    let mut binds = Binds::default();
    let list = binds.list(structures);
    // The structures' places give most communes; activities elsewhere add theirs, read
    // from the roll-up's `where` values (`place id|commune`).
    let sql = format!(
        "SELECT commune AS k FROM places WHERE structure_id IN ({list}) \
         UNION SELECT value AS k FROM activity_monthly WHERE structure_id IN ({list}) AND dimension = 'where'"
    );
    let mut list: Vec<String> = binds
        .query(&sql)
        .fetch_all(db.read())
        .await?
        .iter()
        .map(|r| {
            let k = text(r, "k")?;
            Ok(k.split_once('|').map(|(_, c)| c.to_string()).unwrap_or(k))
        })
        .collect::<Result<Vec<String>, DbError>>()?;
    list.retain(|k| !k.is_empty());
    list.sort();
    list.dedup();
    Ok(list)
}

/// Key figures of each structure of the filter (the network's side-by-side table):
/// (structure id, [accompaniments, individual, collective, named people, anonymous people]).
pub async fn per_structure(db: &Db, f: &Filter) -> Result<Vec<(String, [i64; 5])>, DbError> {
    let c = Counts::read(db, f, 7, "s", &["total", "kind", "anon"]).await?;
    let mut ids: Vec<&String> = c.0.iter().map(|c| &c.0).collect();
    ids.sort();
    ids.dedup();
    let mut binds = Binds::default();
    let named = match whole_year(db, f).await? {
        Some(year) => format!(
            "SELECT structure_id AS k, CAST(SUM(n) AS BIGINT) AS n FROM people_counts \
             WHERE structure_id IN ({}) AND year = {year} AND dimension = 'new' GROUP BY structure_id",
            binds.list(&f.structures)
        ),
        None => format!("SELECT s AS k, COUNT(*) AS n FROM ({}) x GROUP BY s", seen(f, &mut binds)),
    };
    let named: Vec<(String, i64)> = binds
        .query(&named)
        .fetch_all(db.read())
        .await?
        .iter()
        .map(|r| Ok::<_, DbError>((text(r, "k")?, db::int(r, "n")?)))
        .collect::<Result<_, DbError>>()?;
    let sum = |id: &str, d: &str, v: Option<&str>| -> i64 {
        c.0.iter()
            .filter(|x| x.0 == id && x.1 == d && v.is_none_or(|v| x.2 == v))
            .map(|x| x.3)
            .sum()
    };
    Ok(ids
        .into_iter()
        .map(|id| {
            let people = named
                .iter()
                .find(|(k, _)| k == id)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            (
                id.clone(),
                [
                    sum(id, "total", None),
                    sum(id, "kind", Some("individuel")),
                    sum(id, "kind", Some("collectif")),
                    people,
                    sum(id, "anon", None),
                ],
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    type Range<'a> = (&'a str, &'a str);

    fn expect(years: Option<Range>, months: &[Range], days: &[Range]) -> Split {
        let owned = |list: &[Range]| -> Vec<(String, String)> {
            list.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        Split {
            years: years.map(|(a, b)| (a.into(), b.into())),
            months: owned(months),
            days: owned(days),
        }
    }

    #[test]
    fn a_period_splits_into_whole_years_months_and_the_days_around_them() {
        // A calendar year: only the year.
        assert_eq!(
            split("2025-01-01", "2025-12-31"),
            expect(Some(("2025", "2025")), &[], &[])
        );
        // Months and days, no whole year.
        assert_eq!(
            split("2025-03-15", "2026-03-14"),
            expect(
                None,
                &[("2025-04", "2026-02")],
                &[("2025-03-15", "2025-03-31"), ("2026-03-01", "2026-03-14")]
            )
        );
        // Years with months on both sides.
        assert_eq!(
            split("2023-11-01", "2026-02-28"),
            expect(
                Some(("2024", "2025")),
                &[("2023-11", "2023-12"), ("2026-01", "2026-02")],
                &[]
            )
        );
        // Inside one month: only days.
        assert_eq!(
            split("2025-03-02", "2025-03-20"),
            expect(None, &[], &[("2025-03-02", "2025-03-20")])
        );
        // Open ends: every year up to the last whole one, then months, then days.
        assert_eq!(
            split("", "2024-02-10"),
            expect(
                Some(("", "2023")),
                &[("2024-01", "2024-01")],
                &[("2024-02-01", "2024-02-10")]
            )
        );
        assert_eq!(split("", ""), expect(Some(("", "")), &[], &[]));
        // A leap day ends February; a date that is no date reads the activities.
        assert_eq!(
            split("2024-02-01", "2024-02-29"),
            expect(None, &[("2024-02", "2024-02")], &[])
        );
        assert_eq!(
            split("2024-02-30", ""),
            expect(None, &[], &[("2024-02-30", "")])
        );
    }
}
