//! The resources' catalogue: for each resource, its words (postings.rs) and what a
//! search filters, counts and sorts on — who may read it, its vocabulary codes, its
//! date, its opinions — kept in memory (decision 0014). A search intersects its words,
//! filters the hits, counts every facet and orders them here, then reads the page's 50
//! rows from the database: thousands of hits cost microseconds, not joins.
//!
//! Every writer records the resource it changed in `resource_changes` (`changed`), in
//! its own transaction; before each search, the catalogue reads the changes it has not
//! seen yet and reloads only those resources. Several app servers on one PostgreSQL
//! database thus stay in step without talking to each other.

use std::collections::HashMap;
use std::sync::RwLock;

use super::store::{Filter, PER_PAGE};
use crate::accounts::model::CurrentUser;
use crate::db::{self, text, Db, DbError, Tx};

/// What one resource is filed under.
struct Entry {
    id: String,
    visibility: super::vocab::Visibility,
    structure_id: String,
    author_id: String,
    updated_at: i64,
    /// Its tags, level and licence included, as numbers in `Loaded::keys`.
    tags: Vec<u16>,
    review_count: i64,
    review_sum: i64,
    /// Its words' numbers in `Loaded::postings`.
    words: Vec<u32>,
}

#[derive(Default)]
struct Loaded {
    /// The last change read; `None` until the first load.
    seq: Option<i64>,
    /// By resource number (a deleted resource leaves a hole).
    entries: Vec<Option<Entry>>,
    /// Resource id → its number.
    docs: HashMap<String, u32>,
    postings: super::postings::Postings,
    /// Each "kind:code" met (the facets' keys), numbered by their place here.
    keys: Vec<String>,
    numbers: HashMap<String, u16>,
}

impl Loaded {
    /// Takes a resource out of the lists, keeping its number for its new version.
    fn take_out(&mut self, id: &str) {
        let Some(&doc) = self.docs.get(id) else {
            return;
        };
        if let Some(old) = self.entries[doc as usize].take() {
            self.postings.remove(doc, &old.words);
        }
    }

    fn put(&mut self, id: String, row: Row) {
        let doc = match self.docs.get(&id) {
            Some(doc) => *doc,
            None => {
                let doc = self.entries.len() as u32;
                self.entries.push(None);
                self.docs.insert(id.clone(), doc);
                doc
            }
        };
        let tags = row.tags.into_iter().map(|k| self.number(k)).collect();
        let words = self.postings.add(doc, &row.words);
        self.entries[doc as usize] = Some(Entry {
            id,
            tags,
            words,
            ..row.entry
        });
    }

    fn number(&mut self, key: String) -> u16 {
        if let Some(n) = self.numbers.get(&key) {
            return *n;
        }
        // The vocabularies hold a few hundred codes: u16 leaves room.
        let n = self.keys.len() as u16;
        self.keys.push(key.clone());
        self.numbers.insert(key, n);
        n
    }
}

/// The catalogue of one database, shared by the requests of an app server.
#[derive(Default)]
pub struct Catalogue {
    loaded: RwLock<Loaded>,
    /// One refresh at a time: the others wait for it, then find nothing left to read.
    refreshing: tokio::sync::Mutex<()>,
}

/// Records, in the writer's transaction, that resource `id` changed (or was deleted).
/// Called last in each change, after the resource's own rows.
pub async fn changed(tx: &mut Tx, id: &str) -> Result<(), DbError> {
    let seq: i64 = sqlx::query_scalar(
        "UPDATE resource_change_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq",
    )
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO resource_changes (seq, resource_id) VALUES ($1, $2)")
        .bind(seq)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    // The log stays short: a server further behind than this reloads everything.
    if seq % 1000 == 0 {
        sqlx::query("DELETE FROM resource_changes WHERE seq <= $1")
            .bind(seq - KEPT_CHANGES)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

const KEPT_CHANGES: i64 = 10_000;

/// What a search selected: the page's ids in order, how many in all, per facet value.
pub struct Selection {
    pub ids: Vec<String>,
    pub total: i64,
    pub facets: HashMap<String, i64>,
}

impl Catalogue {
    /// Reads the changes made since the last look (any app server's), or everything the
    /// first time and when this server is too far behind.
    pub async fn refresh(&self, db: &Db) -> Result<(), DbError> {
        let _one = self.refreshing.lock().await;
        let last: i64 = sqlx::query_scalar("SELECT seq FROM resource_change_counter WHERE id = 1")
            .fetch_one(db.read())
            .await?;
        let seen = self.loaded.read().expect("catalogue lock").seq;
        let changed: Option<Vec<String>> = match seen {
            Some(seen) if seen == last => return Ok(()),
            Some(seen) => {
                let ids: Vec<String> = sqlx::query_scalar(
                    "SELECT resource_id FROM resource_changes WHERE seq > $1 AND seq <= $2",
                )
                .bind(seen)
                .bind(last)
                .fetch_all(db.read())
                .await?;
                // A change no longer in the log: this server was too far behind.
                (ids.len() as i64 == last - seen).then_some(ids)
            }
            None => None,
        };
        // Rows are read after the counter: they hold at least every change up to `last`.
        let rows = read_entries(db, changed.as_deref()).await?;
        let mut loaded = self.loaded.write().expect("catalogue lock");
        match &changed {
            Some(ids) => {
                for id in ids {
                    loaded.take_out(id);
                }
            }
            None => *loaded = Loaded::default(),
        }
        // In a stable order, so that resources loaded together append to the lists.
        let mut rows: Vec<(String, Row)> = rows.into_iter().collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        for (id, row) in rows {
            loaded.put(id, row);
        }
        loaded.seq = Some(last);
        Ok(())
    }

    /// The resources `user` may read that match `f`: among those holding every word of
    /// `groups` (search.rs, with their score) when words were searched, else among all;
    /// the page asked for, the total and the facet counts, in the order `f.sort` asks.
    pub fn select(
        &self,
        user: Option<&CurrentUser>,
        f: &Filter,
        groups: &[Vec<String>],
    ) -> Selection {
        let loaded = self.loaded.read().expect("catalogue lock");
        let hits = (!groups.is_empty()).then(|| loaded.postings.hits(groups));
        let wanted: Vec<u16> = [
            ("theme", &f.theme),
            ("type", &f.kind),
            ("public", &f.public),
            ("secteur", &f.sector),
            ("niveau", &f.level),
            ("licence", &f.licence),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        // A code never met matches nothing.
        .map(|(k, v)| loaded.numbers.get(&format!("{k}:{v}")).copied())
        .collect::<Option<Vec<u16>>>()
        .unwrap_or_else(|| vec![u16::MAX]);
        let keep = |e: &Entry| {
            super::readable(user, e.visibility, &e.structure_id, &e.author_id)
                && (f.structure_id.is_empty() || e.structure_id == f.structure_id)
                && wanted.iter().all(|w| e.tags.contains(w))
        };
        let mut matched: Vec<(&str, i64, &Entry)> = match &hits {
            Some(hits) => hits
                .iter()
                .filter_map(|(doc, score)| {
                    let e = loaded.entries[*doc as usize].as_ref()?;
                    keep(e).then_some((e.id.as_str(), *score, e))
                })
                .collect(),
            None => loaded
                .entries
                .iter()
                .flatten()
                .filter(|e| keep(e))
                .map(|e| (e.id.as_str(), 0, e))
                .collect(),
        };
        let mut counts = vec![0i64; loaded.keys.len()];
        for (_, _, e) in &matched {
            for t in &e.tags {
                counts[*t as usize] += 1;
            }
        }
        let recommended = |e: &Entry| {
            let average = if e.review_count == 0 {
                0
            } else {
                e.review_sum * 1000 / e.review_count
            };
            (average, e.review_count)
        };
        type Hit<'a> = (&'a str, i64, &'a Entry);
        let newest = |a: &Hit, b: &Hit| b.2.updated_at.cmp(&a.2.updated_at).then(a.0.cmp(b.0));
        type Order<'a> = Box<dyn Fn(&Hit, &Hit) -> std::cmp::Ordering + 'a>;
        let order: Order = match (f.sort.as_str(), hits.is_none()) {
            ("recommandees", _) => {
                Box::new(move |a, b| recommended(b.2).cmp(&recommended(a.2)).then(newest(a, b)))
            }
            ("recentes", _) | ("", true) => Box::new(newest),
            _ => Box::new(move |a, b| b.1.cmp(&a.1).then(newest(a, b))),
        };
        let total = matched.len() as i64;
        let start = ((f.page.max(1) - 1) * PER_PAGE) as usize;
        let end = (start + PER_PAGE as usize).min(matched.len());
        // Only the results up to this page need their order.
        if end < matched.len() {
            matched.select_nth_unstable_by(end, &order);
            matched.truncate(end);
        }
        matched.sort_unstable_by(&order);
        Selection {
            ids: matched
                .iter()
                .skip(start)
                .map(|(id, _, _)| id.to_string())
                .collect(),
            total,
            facets: counts
                .into_iter()
                .enumerate()
                .filter(|(_, n)| *n > 0)
                .map(|(k, n)| (loaded.keys[k].clone(), n))
                .collect(),
        }
    }
}

/// An entry as read, before its tags and words are numbered.
struct Row {
    entry: Entry,
    tags: Vec<String>,
    /// "word:weight word:weight…"
    words: String,
}

/// The entries of `ids` (of all resources for `None`), in a few queries.
async fn read_entries(db: &Db, ids: Option<&[String]>) -> Result<HashMap<String, Row>, DbError> {
    let mut rows = HashMap::new();
    let chunks: Vec<Option<&[String]>> = match ids {
        Some(ids) => ids.chunks(500).map(Some).collect(),
        None => vec![None],
    };
    for chunk in chunks {
        let (cond, binds) = match chunk {
            Some(ids) => {
                let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
                (format!("IN ({})", marks.join(", ")), ids.to_vec())
            }
            None => ("IS NOT NULL".to_string(), Vec::new()),
        };
        let query = |sql: String| {
            let binds = binds.clone();
            async move {
                let mut q = sqlx::query(&sql);
                for b in binds {
                    q = q.bind(b);
                }
                q.fetch_all(db.read()).await
            }
        };
        for r in query(format!(
            "SELECT id, visibility, structure_id, COALESCE(author_id, '') AS author_id, updated_at \
             FROM resources WHERE id {cond}"
        ))
        .await?
        {
            rows.insert(
                text(&r, "id")?,
                Row {
                    entry: Entry {
                        id: String::new(),
                        visibility: super::vocab::Visibility::parse(&text(&r, "visibility")?)?,
                        structure_id: text(&r, "structure_id")?,
                        author_id: text(&r, "author_id")?,
                        updated_at: db::int(&r, "updated_at")?,
                        tags: Vec::new(),
                        review_count: 0,
                        review_sum: 0,
                        words: Vec::new(),
                    },
                    tags: Vec::new(),
                    words: String::new(),
                },
            );
        }
        for t in query(format!(
            "SELECT resource_id, kind, code FROM resource_tags WHERE resource_id {cond}"
        ))
        .await?
        {
            if let Some(row) = rows.get_mut(&text(&t, "resource_id")?) {
                row.tags
                    .push(format!("{}:{}", text(&t, "kind")?, text(&t, "code")?));
            }
        }
        for v in query(format!(
            "SELECT resource_id, COUNT(*) AS n, CAST(SUM(rating) AS BIGINT) AS total FROM resource_reviews \
             WHERE resource_id {cond} GROUP BY resource_id"
        ))
        .await?
        {
            if let Some(row) = rows.get_mut(&text(&v, "resource_id")?) {
                row.entry.review_count = db::int(&v, "n")?;
                row.entry.review_sum = db::int(&v, "total")?;
            }
        }
        // One row per resource rather than per word: a hundredth of the rows to decode.
        let joined = match db.backend {
            crate::db::Backend::Sqlite => "group_concat(term || ':' || weight, ' ')",
            crate::db::Backend::Postgres => "string_agg(term || ':' || weight, ' ')",
        };
        for w in query(format!(
            "SELECT resource_id, {joined} AS words FROM resource_terms WHERE resource_id {cond} GROUP BY resource_id"
        ))
        .await?
        {
            if let Some(row) = rows.get_mut(&text(&w, "resource_id")?) {
                row.words = text(&w, "words")?;
            }
        }
    }
    Ok(rows)
}
