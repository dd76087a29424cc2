//! `maillon demo --scale N`: a national-size network for benchmarks — 200 structures and
//! about N accompaniments over three years, written with multi-row inserts.

use maillon_app::activities::vocab;
use maillon_app::db::{self, now, Db, DbError};

pub(super) struct Dice(pub(super) u64);

impl Dice {
    pub(super) fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// Rows of one table, flushed as multi-row inserts of `per_insert` rows.
struct Batch {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
}

enum Value {
    Text(String),
    Int(i64),
}

impl Batch {
    fn new(table: &'static str, columns: &'static [&'static str]) -> Batch {
        Batch {
            table,
            columns,
            rows: Vec::new(),
        }
    }

    /// Adds a row; the caller flushes, parents before children (foreign keys).
    async fn push(&mut self, _tx: &mut db::Tx, row: Vec<Value>) -> Result<(), DbError> {
        self.rows.push(row);
        Ok(())
    }

    fn is_full(&self) -> bool {
        self.rows.len() >= 1000
    }

    async fn flush(&mut self, tx: &mut db::Tx) -> Result<(), DbError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let width = self.columns.len();
        let values: Vec<String> = (0..self.rows.len())
            .map(|r| {
                format!(
                    "({})",
                    (0..width)
                        .map(|c| format!("${}", r * width + c + 1))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {}",
            self.table,
            self.columns.join(", "),
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for row in self.rows.drain(..) {
            for v in row {
                q = match v {
                    Value::Text(t) => q.bind(t),
                    Value::Int(i) => q.bind(i),
                };
            }
        }
        q.execute(&mut **tx).await?;
        Ok(())
    }
}

use Value::{Int, Text};

/// The rows of activities and of the tables that hang off them.
struct ActivityTables {
    activities: Batch,
    tags: Batch,
    participants: Batch,
    anonymous: Batch,
}

impl ActivityTables {
    /// Writes what is pending, activities first (the others refer to them).
    async fn flush(&mut self, tx: &mut db::Tx) -> Result<(), DbError> {
        for b in [
            &mut self.activities,
            &mut self.tags,
            &mut self.participants,
            &mut self.anonymous,
        ] {
            b.flush(tx).await?;
        }
        Ok(())
    }
}

const ACTIVITY_COLUMNS: &[&str] = &[
    "id",
    "structure_id",
    "mediator_id",
    "kind",
    "date",
    "duration_min",
    "canal",
    "place_id",
    "commune",
    "title",
    "anon_count",
    "anon_already",
    "accompaniments",
    "created_at",
    "updated_at",
];

/// Adds `structures` structures and about `accompaniments` accompaniments to a seeded demo.
pub async fn generate(
    db: &Db,
    structures: usize,
    accompaniments: i64,
    mediator_id: &str,
) -> Result<(), DbError> {
    let mut dice = Dice(7);
    let today = jiff::Zoned::now().date();
    let t = now();
    let mut tx = db.begin_write().await?;
    let mut ids = Vec::new();
    let mut structure_rows = Batch::new(
        "structures",
        &["id", "name", "kind", "timezone", "created_at", "updated_at"],
    );
    let mut place_rows = Batch::new(
        "places",
        &[
            "id",
            "structure_id",
            "pivot",
            "nom",
            "commune",
            "code_postal",
            "adresse",
            "date_maj",
            "created_at",
            "updated_at",
        ],
    );
    let communes = [
        "Saint-Étienne",
        "Roanne",
        "Firminy",
        "Montbrison",
        "Saint-Chamond",
        "Rive-de-Gier",
        "Feurs",
        "Andrézieux",
    ];
    for i in 0..structures {
        let (sid, pid) = (db::new_id(), db::new_id());
        let commune = communes[i % communes.len()];
        structure_rows
            .push(
                &mut tx,
                vec![
                    Text(sid.clone()),
                    Text(format!("Centre social n° {}", i + 1)),
                    Text("Centre social".into()),
                    Text("Europe/Paris".into()),
                    Int(t),
                    Int(t),
                ],
            )
            .await?;
        place_rows
            .push(
                &mut tx,
                vec![
                    Text(pid.clone()),
                    Text(sid.clone()),
                    Text("43493312300029".into()),
                    Text(format!("Espace numérique n° {}", i + 1)),
                    Text(commune.into()),
                    Text("42000".into()),
                    Text("1 rue du Centre".into()),
                    Text(today.to_string()),
                    Int(t),
                    Int(t),
                ],
            )
            .await?;
        ids.push((sid, pid));
    }
    structure_rows.flush(&mut tx).await?;
    place_rows.flush(&mut tx).await?;
    // The benchmark's mediator belongs to every structure, to measure exports with names.
    let mut members = Batch::new(
        "memberships",
        &["user_id", "structure_id", "role", "created_at"],
    );
    for (sid, _) in &ids {
        members
            .push(
                &mut tx,
                vec![
                    Text(mediator_id.into()),
                    Text(sid.clone()),
                    Text("mediator".into()),
                    Int(t),
                ],
            )
            .await?;
    }
    members.flush(&mut tx).await?;
    tx.commit().await?;

    // People: one named beneficiary per ten accompaniments, spread over the structures.
    let people_per_structure = ((accompaniments / 10) as usize / structures).max(1);
    let mut people: Vec<Vec<String>> = Vec::new();
    let mut tx = db.begin_write().await?;
    let mut person_rows = Batch::new(
        "beneficiaries",
        &[
            "id",
            "structure_id",
            "first_name",
            "last_name",
            "birth_year",
            "commune",
            "genre",
            "statut",
            "search_name",
            "created_at",
            "updated_at",
        ],
    );
    let (firsts, lasts) = (
        [
            "Marie", "Jean", "Fatou", "Ahmed", "Josette", "Karim", "Lucie", "Paul",
        ],
        [
            "Martin", "Bernard", "Diallo", "Roux", "Garnier", "Haddad", "Perrin", "Vial",
        ],
    );
    for (sid, _) in &ids {
        let mut mine = Vec::new();
        for _ in 0..people_per_structure {
            let id = db::new_id();
            let (f, l) = (firsts[dice.next(8)], lasts[dice.next(8)]);
            person_rows
                .push(
                    &mut tx,
                    vec![
                        Text(id.clone()),
                        Text(sid.clone()),
                        Text(f.into()),
                        Text(l.into()),
                        Int(1935 + dice.next(70) as i64),
                        Text(communes[dice.next(8)].into()),
                        Text(vocab::GENRES[dice.next(3)].0.into()),
                        Text(vocab::STATUTS[dice.next(5)].0.into()),
                        Text(maillon_app::validate::search_key(&format!("{l} {f}"))),
                        Int(t),
                        Int(t),
                    ],
                )
                .await?;
            mine.push(id);
            if person_rows.is_full() {
                person_rows.flush(&mut tx).await?;
            }
        }
        people.push(mine);
    }
    person_rows.flush(&mut tx).await?;
    tx.commit().await?;

    let mut rows = ActivityTables {
        activities: Batch::new("activities", ACTIVITY_COLUMNS),
        tags: Batch::new("activity_tags", &["activity_id", "kind", "code"]),
        participants: Batch::new(
            "activity_participants",
            &["activity_id", "beneficiary_id", "structure_id", "date"],
        ),
        anonymous: Batch::new(
            "activity_anonymous",
            &["activity_id", "dimension", "value", "count"],
        ),
    };
    let mut counted = 0;
    let mut tx = db.begin_write().await?;
    let mut in_tx = 0;
    while counted < accompaniments {
        let s = dice.next(ids.len());
        let (sid, pid) = &ids[s];
        let id = db::new_id();
        let date = today
            .checked_sub(jiff::Span::new().days(dice.next(3 * 365) as i64))
            .unwrap_or(today)
            .to_string();
        let workshop = dice.next(10) == 0;
        let (kind, anon, count) = if workshop {
            ("collectif", 5, 6)
        } else if dice.next(10) < 3 {
            ("individuel", 1, 1)
        } else {
            ("individuel", 0, 1)
        };
        rows.activities
            .push(
                &mut tx,
                vec![
                    Text(id.clone()),
                    Text(sid.clone()),
                    Text(mediator_id.into()),
                    Text(kind.into()),
                    Text(date.clone()),
                    Int(vocab::DURATIONS[dice.next(6)]),
                    Text(vocab::CANAL_PLACE.into()),
                    Text(pid.clone()),
                    Text(String::new()),
                    Text(if workshop {
                        "Atelier".into()
                    } else {
                        String::new()
                    }),
                    Int(anon),
                    Int(0),
                    Int(count),
                    Int(t),
                    Int(t),
                ],
            )
            .await?;
        let theme = vocab::THEMES[dice.next(vocab::THEMES.len())].0;
        rows.tags
            .push(
                &mut tx,
                vec![Text(id.clone()), Text("theme".into()), Text(theme.into())],
            )
            .await?;
        if theme == vocab::THEME_ADMIN {
            rows.tags
                .push(
                    &mut tx,
                    vec![
                        Text(id.clone()),
                        Text("admin_theme".into()),
                        Text(vocab::ADMIN_THEMES[dice.next(11)].0.into()),
                    ],
                )
                .await?;
        }
        rows.tags
            .push(
                &mut tx,
                vec![
                    Text(id.clone()),
                    Text("material".into()),
                    Text(vocab::MATERIALS[dice.next(4)].0.into()),
                ],
            )
            .await?;
        if anon == 0 || workshop {
            let person = &people[s][dice.next(people[s].len())];
            rows.participants
                .push(
                    &mut tx,
                    vec![
                        Text(id.clone()),
                        Text(person.clone()),
                        Text(sid.clone()),
                        Text(date.clone()),
                    ],
                )
                .await?;
        }
        if anon > 0 {
            rows.anonymous
                .push(
                    &mut tx,
                    vec![
                        Text(id.clone()),
                        Text("genre".into()),
                        Text(vocab::GENRES[dice.next(3)].0.into()),
                        Int(anon),
                    ],
                )
                .await?;
        }
        counted += count;
        in_tx += 1;
        if rows.activities.is_full() {
            rows.flush(&mut tx).await?;
        }
        if in_tx == 50_000 {
            rows.flush(&mut tx).await?;
            tx.commit().await?;
            tx = db.begin_write().await?;
            in_tx = 0;
        }
    }
    rows.flush(&mut tx).await?;
    tx.commit().await?;
    // Written in bulk above, the statistics' roll-up is computed once at the end.
    let mut tx = db.begin_write().await?;
    maillon_app::activities::rollup::rebuild(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}
