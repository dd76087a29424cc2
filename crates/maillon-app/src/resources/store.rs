//! Queries on resources and their blocks. Who may read or change a resource is decided
//! in `access.rs`; lists are filtered in SQL by the same rule (`visible_to`).

use super::model::{Block, Resource, Source};
use crate::accounts::model::CurrentUser;
use crate::db::{self, now, text, AnyRow, Db, DbError, Tx};

const COLUMNS: &str = "r.id, r.structure_id, st.name AS structure_name, COALESCE(r.author_id, '') AS author_id, \
    r.author_name, r.title, r.summary, r.level, r.duration_minutes, r.material, r.licence, r.visibility, \
    r.tested_notes, COALESCE(r.adapted_from_id, '') AS adapted_from_id, r.adapted_from_title, \
    r.adapted_from_author, r.adapted_from_structure, r.adapted_from_licence, r.updated_at, \
    COALESCE(r.cover_file_id, '') AS cover_file_id, r.cover_alt, \
    (SELECT COUNT(*) FROM resource_reviews v WHERE v.resource_id = r.id) AS review_count, \
    (SELECT CAST(COALESCE(SUM(v.rating), 0) AS BIGINT) FROM resource_reviews v WHERE v.resource_id = r.id) AS review_sum, \
    (SELECT COUNT(*) FROM resource_uses u WHERE u.resource_id = r.id) AS uses";
const FROM: &str = "FROM resources r JOIN structures st ON st.id = r.structure_id";

fn from_row(row: &AnyRow) -> Resource {
    Resource {
        id: text(row, "id"),
        structure_id: text(row, "structure_id"),
        structure_name: text(row, "structure_name"),
        author_id: text(row, "author_id"),
        author_name: text(row, "author_name"),
        title: text(row, "title"),
        summary: text(row, "summary"),
        level: text(row, "level"),
        duration_minutes: db::opt_int(row, "duration_minutes"),
        material: text(row, "material"),
        licence: text(row, "licence"),
        visibility: text(row, "visibility"),
        tested_notes: text(row, "tested_notes"),
        adapted_from_id: text(row, "adapted_from_id"),
        adapted_from_title: text(row, "adapted_from_title"),
        adapted_from_author: text(row, "adapted_from_author"),
        adapted_from_structure: text(row, "adapted_from_structure"),
        adapted_from_licence: text(row, "adapted_from_licence"),
        updated_at: db::int(row, "updated_at"),
        cover_file_id: text(row, "cover_file_id"),
        cover_alt: text(row, "cover_alt"),
        review_count: db::int(row, "review_count"),
        review_sum: db::int(row, "review_sum"),
        uses: db::int(row, "uses"),
        ..Resource::default()
    }
}

/// The SQL condition "resource `r` may be read by `user`", with its binds from `$first`
/// on: public ones for everyone; the network's for anyone signed in; a structure's for
/// its members (and the network's admins); a draft for its author.
pub fn visible_to(user: Option<&CurrentUser>, first: usize) -> (String, Vec<String>) {
    let Some(u) = user else {
        return ("r.visibility = 'public'".into(), Vec::new());
    };
    let mut binds = vec![u.id.clone()];
    let structures = if u.is_network_admin {
        "OR r.visibility = 'structure'".to_string()
    } else if u.memberships.is_empty() {
        String::new()
    } else {
        let marks: Vec<String> = u
            .memberships
            .iter()
            .enumerate()
            .map(|(i, m)| {
                binds.push(m.structure_id.clone());
                format!("${}", first + 1 + i)
            })
            .collect();
        format!(
            "OR (r.visibility = 'structure' AND r.structure_id IN ({}))",
            marks.join(", ")
        )
    };
    (
        format!(
            "(r.visibility IN ('public', 'reseau') {structures} OR (r.visibility = 'brouillon' AND r.author_id = ${first}))"
        ),
        binds,
    )
}

/// A resource with its tags and sources, whoever may read it (the caller checks).
pub async fn get(db: &Db, id: &str) -> Result<Option<Resource>, DbError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} {FROM} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(db.read())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut r = [from_row(&row)];
    fill_lists(db, &mut r).await?;
    let [r] = r;
    Ok(Some(r))
}

/// Only what decides who may read a resource (visibility, structure, author), in one
/// light query: for serving its files, where the whole resource is not needed.
pub async fn access(db: &Db, id: &str) -> Result<Option<Resource>, DbError> {
    let row = sqlx::query(
        "SELECT id, structure_id, COALESCE(author_id, '') AS author_id, visibility FROM resources WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.read())
    .await?;
    Ok(row.map(|row| Resource {
        id: text(&row, "id"),
        structure_id: text(&row, "structure_id"),
        author_id: text(&row, "author_id"),
        visibility: text(&row, "visibility"),
        ..Resource::default()
    }))
}

/// Loads the tags and sources of `resources`, in two queries.
pub async fn fill_lists(db: &Db, resources: &mut [Resource]) -> Result<(), DbError> {
    if resources.is_empty() {
        return Ok(());
    }
    let marks: Vec<String> = (1..=resources.len()).map(|i| format!("${i}")).collect();
    let ids = marks.join(", ");
    let index: std::collections::HashMap<String, usize> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let sql = format!("SELECT resource_id, kind, code FROM resource_tags WHERE resource_id IN ({ids}) ORDER BY code");
    let mut q = sqlx::query(&sql);
    for r in resources.iter() {
        q = q.bind(r.id.clone());
    }
    for t in q.fetch_all(db.read()).await? {
        let Some(&i) = index.get(&text(&t, "resource_id")) else {
            continue;
        };
        let r = &mut resources[i];
        let code = text(&t, "code");
        match text(&t, "kind").as_str() {
            "theme" => r.themes.push(code),
            "type" => r.types.push(code),
            "public" => r.publics.push(code),
            "secteur" => r.sectors.push(code),
            // niveau and licence: copies of the resource's own columns, for facets.
            _ => {}
        }
    }
    let sql = format!("SELECT resource_id, title, url FROM resource_sources WHERE resource_id IN ({ids}) ORDER BY position");
    let mut q = sqlx::query(&sql);
    for r in resources.iter() {
        q = q.bind(r.id.clone());
    }
    for s in q.fetch_all(db.read()).await? {
        let Some(&i) = index.get(&text(&s, "resource_id")) else {
            continue;
        };
        resources[i].sources.push(Source {
            title: text(&s, "title"),
            url: text(&s, "url"),
        });
    }
    Ok(())
}

/// Public resources, most recently changed first: `limit` of them after `offset`.
pub async fn public_page(db: &Db, offset: i64, limit: i64) -> Result<Vec<Resource>, DbError> {
    let mut list: Vec<Resource> = sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE r.visibility = 'public' ORDER BY r.updated_at DESC, r.id LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(db.read())
    .await?
    .iter()
    .map(from_row)
    .collect();
    fill_lists(db, &mut list).await?;
    Ok(list)
}

/// What a list of resources can be narrowed to ('' for any), and its order.
#[derive(Default)]
pub struct Filter {
    pub structure_id: String,
    pub words: String,
    pub theme: String,
    pub kind: String,
    pub public: String,
    pub sector: String,
    pub level: String,
    pub licence: String,
    /// pertinence, recentes, recommandees ('' : relevance with words, else newest).
    pub sort: String,
    /// From 1.
    pub page: i64,
}

pub const PER_PAGE: i64 = 50;

/// A page of results, how many in all, and how many per facet value ("kind:code";
/// kinds: theme, type, public, secteur, niveau, licence), for the whole result.
pub struct Results {
    pub resources: Vec<Resource>,
    pub total: i64,
    pub facets: std::collections::HashMap<String, i64>,
}

/// The resources of `ids`, in that order.
async fn by_ids(db: &Db, ids: &[String]) -> Result<Vec<Resource>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE r.id IN ({})",
        marks.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for id in ids {
        q = q.bind(id.clone());
    }
    let mut found: std::collections::HashMap<String, Resource> = q
        .fetch_all(db.read())
        .await?
        .iter()
        .map(|row| {
            let r = from_row(row);
            (r.id.clone(), r)
        })
        .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// Adds a bind; its placeholder.
fn mark(value: &str, binds: &mut Vec<String>) -> String {
    binds.push(value.to_string());
    format!("${}", binds.len())
}

/// Resources `user` may read that match `f`: its words (search.rs), its facets.
pub async fn list(db: &Db, user: Option<&CurrentUser>, f: &Filter) -> Result<Results, DbError> {
    let groups = if f.words.trim().is_empty() {
        Vec::new()
    } else {
        super::search::expand(db, &f.words).await?
    };
    let mut binds: Vec<String> = Vec::new();
    let mut with = Vec::new();
    if !groups.is_empty() {
        let all: Vec<String> = groups
            .iter()
            .flatten()
            .map(|t| mark(t, &mut binds))
            .collect();
        let cases: Vec<String> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let marks: Vec<String> = g.iter().map(|t| mark(t, &mut binds)).collect();
                format!("WHEN t.term IN ({}) THEN {}", marks.join(", "), i + 1)
            })
            .collect();
        with.push(format!(
            "hits AS (SELECT t.resource_id, CAST(SUM(t.weight) AS BIGINT) AS score FROM resource_terms t WHERE t.term IN ({}) \
             GROUP BY t.resource_id HAVING COUNT(DISTINCT CASE {} END) = {})",
            all.join(", "),
            cases.join(" "),
            groups.len()
        ));
    }
    let (visible, visible_binds) = visible_to(user, binds.len() + 1);
    binds.extend(visible_binds);
    let mut conds = vec![visible];
    if !f.structure_id.is_empty() {
        conds.push(format!(
            "r.structure_id = {}",
            mark(&f.structure_id, &mut binds)
        ));
    }
    for (kind, value) in [
        ("theme", &f.theme),
        ("type", &f.kind),
        ("public", &f.public),
        ("secteur", &f.sector),
    ] {
        if !value.is_empty() {
            conds.push(format!(
                "EXISTS (SELECT 1 FROM resource_tags g WHERE g.resource_id = r.id AND g.kind = '{kind}' AND g.code = {})",
                mark(value, &mut binds)
            ));
        }
    }
    if !f.level.is_empty() {
        conds.push(format!("r.level = {}", mark(&f.level, &mut binds)));
    }
    if !f.licence.is_empty() {
        conds.push(format!("r.licence = {}", mark(&f.licence, &mut binds)));
    }
    let (join, score) = if groups.is_empty() {
        ("", "CAST(0 AS BIGINT)")
    } else {
        ("JOIN hits h ON h.resource_id = r.id", "h.score")
    };
    with.push(format!(
        "matched AS (SELECT r.id, {score} AS score, r.updated_at FROM resources r {join} WHERE {})",
        conds.join(" AND ")
    ));
    let with = format!("WITH {}", with.join(", "));
    // The page's ids first, ordered in the matched set alone; the 50 rows are read after.
    let (order, reviews) = match (f.sort.as_str(), groups.is_empty()) {
        ("recommandees", _) => (
            "CASE WHEN v.n IS NULL THEN 0 ELSE v.total * 1000 / v.n END DESC, COALESCE(v.n, 0) DESC, m.updated_at DESC, m.id",
            "LEFT JOIN (SELECT resource_id, COUNT(*) AS n, SUM(rating) AS total FROM resource_reviews GROUP BY resource_id) v \
             ON v.resource_id = m.id",
        ),
        ("recentes", _) | ("", true) => ("m.updated_at DESC, m.id", ""),
        _ => ("m.score DESC, m.updated_at DESC, m.id", ""),
    };
    let page_sql = format!(
        "{with} SELECT m.id FROM matched m {reviews} ORDER BY {order} LIMIT {PER_PAGE} OFFSET {}",
        (f.page.max(1) - 1) * PER_PAGE
    );
    let mut q = sqlx::query_scalar::<_, String>(&page_sql);
    for b in &binds {
        q = q.bind(b.clone());
    }
    let ids = q.fetch_all(db.read()).await?;
    let resources = by_ids(db, &ids).await?;
    // Every resource has one licence: their counts add up to the total.
    let facet_sql = format!(
        "{with} SELECT t.kind AS kind, t.code AS code, COUNT(*) AS n FROM resource_tags t JOIN matched m ON m.id = t.resource_id GROUP BY t.kind, t.code"
    );
    let mut q = sqlx::query(&facet_sql);
    for b in &binds {
        q = q.bind(b.clone());
    }
    let mut facets = std::collections::HashMap::new();
    let mut total = 0;
    for row in q.fetch_all(db.read()).await? {
        let (kind, n) = (text(&row, "kind"), db::int(&row, "n"));
        if kind == "licence" {
            total += n;
        }
        facets.insert(format!("{kind}:{}", text(&row, "code")), n);
    }
    Ok(Results {
        resources,
        total,
        facets,
    })
}

/// Adaptations of `id` that `user` may read.
pub async fn adaptations(
    db: &Db,
    user: Option<&CurrentUser>,
    id: &str,
) -> Result<Vec<Resource>, DbError> {
    let (visible, binds) = visible_to(user, 2);
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE r.adapted_from_id = $1 AND {visible} ORDER BY r.updated_at DESC");
    let mut q = sqlx::query(&sql).bind(id);
    for b in binds {
        q = q.bind(b);
    }
    Ok(q.fetch_all(db.read()).await?.iter().map(from_row).collect())
}

/// A new resource of `author` (id, name as shown).
pub async fn insert(
    tx: &mut Tx,
    structure_id: &str,
    author: (&str, &str),
    r: &Resource,
) -> Result<String, DbError> {
    let id = db::new_id();
    let t = now();
    sqlx::query(
        "INSERT INTO resources (id, structure_id, author_id, author_name, title, summary, level, duration_minutes, material, \
         licence, visibility, tested_notes, adapted_from_id, adapted_from_title, adapted_from_author, adapted_from_structure, \
         adapted_from_licence, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)",
    )
    .bind(id.clone())
    .bind(structure_id)
    .bind(author.0)
    .bind(author.1)
    .bind(r.title.clone())
    .bind(r.summary.clone())
    .bind(r.level.clone())
    .bind(r.duration_minutes)
    .bind(r.material.clone())
    .bind(r.licence.clone())
    .bind(r.visibility.clone())
    .bind(r.tested_notes.clone())
    .bind(Some(r.adapted_from_id.clone()).filter(|a| !a.is_empty()))
    .bind(r.adapted_from_title.clone())
    .bind(r.adapted_from_author.clone())
    .bind(r.adapted_from_structure.clone())
    .bind(r.adapted_from_licence.clone())
    .bind(t)
    .execute(&mut **tx)
    .await?;
    write_lists(tx, &id, r).await?;
    super::search::index(tx, &id).await?;
    Ok(id)
}

/// Changes the description of a resource (not its content, author nor origin).
pub async fn update(tx: &mut Tx, id: &str, r: &Resource) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE resources SET title = $2, summary = $3, level = $4, duration_minutes = $5, material = $6, licence = $7, \
         visibility = $8, tested_notes = $9, updated_at = $10 WHERE id = $1",
    )
    .bind(id)
    .bind(r.title.clone())
    .bind(r.summary.clone())
    .bind(r.level.clone())
    .bind(r.duration_minutes)
    .bind(r.material.clone())
    .bind(r.licence.clone())
    .bind(r.visibility.clone())
    .bind(r.tested_notes.clone())
    .bind(now())
    .execute(&mut **tx)
    .await?;
    for table in ["resource_tags", "resource_sources"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE resource_id = $1"))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    write_lists(tx, id, r).await?;
    super::search::index(tx, id).await
}

async fn write_lists(tx: &mut Tx, id: &str, r: &Resource) -> Result<(), DbError> {
    // Level and licence are also written as tags, so that all facets are counted in one
    // pass over the tags of the results.
    let level: Vec<String> = Some(r.level.clone())
        .filter(|l| !l.is_empty())
        .into_iter()
        .collect();
    let licence = vec![r.licence.clone()];
    for (kind, codes) in [
        ("theme", &r.themes),
        ("type", &r.types),
        ("public", &r.publics),
        ("secteur", &r.sectors),
        ("niveau", &level),
        ("licence", &licence),
    ] {
        for code in codes {
            sqlx::query("INSERT INTO resource_tags (resource_id, kind, code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(kind)
                .bind(code.clone())
                .execute(&mut **tx)
                .await?;
        }
    }
    for (i, s) in r.sources.iter().enumerate() {
        sqlx::query("INSERT INTO resource_sources (resource_id, position, title, url) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(i as i64)
            .bind(s.title.clone())
            .bind(s.url.clone())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Deletes a resource; returns its files' storage keys, to `files::release` after the
/// commit.
pub async fn delete(tx: &mut Tx, id: &str) -> Result<Vec<String>, DbError> {
    let keys = crate::files::keys_of_resource(tx, id).await?;
    sqlx::query("DELETE FROM resources WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(keys)
}

/// Marks a resource changed (its content changed or moved) and indexes it again.
pub async fn touch(tx: &mut Tx, id: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE resources SET updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    super::search::index(tx, id).await
}

const BLOCK_COLUMNS: &str = "b.id, b.kind, b.title, b.body, b.url, b.alt, COALESCE(b.file_id, '') AS file_id, \
    f.structure_id AS file_structure_id, f.storage_key, f.name AS file_name, f.content_type, f.size_bytes, f.width, f.height \
    FROM resource_blocks b LEFT JOIN stored_files f ON f.id = b.file_id";

fn block_of(row: &AnyRow) -> Block {
    let file_id = text(row, "file_id");
    let file = (!file_id.is_empty()).then(|| crate::files::StoredFile {
        id: file_id,
        structure_id: text(row, "file_structure_id"),
        resource_id: String::new(),
        key: text(row, "storage_key"),
        name: text(row, "file_name"),
        content_type: text(row, "content_type"),
        size_bytes: db::opt_int(row, "size_bytes").unwrap_or(0),
        width: db::opt_int(row, "width"),
        height: db::opt_int(row, "height"),
    });
    Block {
        id: text(row, "id"),
        kind: text(row, "kind"),
        title: text(row, "title"),
        body: text(row, "body"),
        url: text(row, "url"),
        alt: text(row, "alt"),
        file,
    }
}

pub async fn blocks(db: &Db, resource_id: &str) -> Result<Vec<Block>, DbError> {
    Ok(sqlx::query(&format!(
        "SELECT {BLOCK_COLUMNS} WHERE b.resource_id = $1 ORDER BY b.position, b.id"
    ))
    .bind(resource_id)
    .fetch_all(db.read())
    .await?
    .iter()
    .map(block_of)
    .collect())
}

pub async fn block(db: &Db, resource_id: &str, id: &str) -> Result<Option<Block>, DbError> {
    Ok(sqlx::query(&format!(
        "SELECT {BLOCK_COLUMNS} WHERE b.id = $1 AND b.resource_id = $2"
    ))
    .bind(id)
    .bind(resource_id)
    .fetch_optional(db.read())
    .await?
    .as_ref()
    .map(block_of))
}

fn file_id(b: &Block) -> Option<String> {
    b.file.as_ref().map(|f| f.id.clone())
}

/// Adds a block at the end (its file, if any, already recorded).
pub async fn add_block(tx: &mut Tx, resource_id: &str, b: &Block) -> Result<(), DbError> {
    let last: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(position), -1) FROM resource_blocks WHERE resource_id = $1",
    )
    .bind(resource_id)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO resource_blocks (id, resource_id, position, kind, title, body, url, alt, file_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(db::new_id())
    .bind(resource_id)
    .bind(last + 1)
    .bind(b.kind.clone())
    .bind(b.title.clone())
    .bind(b.body.clone())
    .bind(b.url.clone())
    .bind(b.alt.clone())
    .bind(file_id(b))
    .bind(now())
    .execute(&mut **tx)
    .await?;
    touch(tx, resource_id).await
}

/// Changes a block; with a new file, the old one's record goes and its storage key is
/// returned, to release after the commit.
pub async fn update_block(
    tx: &mut Tx,
    resource_id: &str,
    id: &str,
    b: &Block,
) -> Result<Option<String>, DbError> {
    let old = match file_id(b) {
        Some(_) => block_file(tx, resource_id, id).await?,
        None => None,
    };
    sqlx::query(
        "UPDATE resource_blocks SET title = $3, body = $4, url = $5, alt = $6, file_id = COALESCE($7, file_id) \
         WHERE id = $1 AND resource_id = $2",
    )
    .bind(id)
    .bind(resource_id)
    .bind(b.title.clone())
    .bind(b.body.clone())
    .bind(b.url.clone())
    .bind(b.alt.clone())
    .bind(file_id(b))
    .execute(&mut **tx)
    .await?;
    let released = crate::files::remove(tx, old.as_deref()).await?;
    touch(tx, resource_id).await?;
    Ok(released)
}

/// The file a block points to, if any.
async fn block_file(tx: &mut Tx, resource_id: &str, id: &str) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar::<_, Option<String>>(
        "SELECT file_id FROM resource_blocks WHERE id = $1 AND resource_id = $2",
    )
    .bind(id)
    .bind(resource_id)
    .fetch_optional(&mut **tx)
    .await?
    .flatten())
}

/// Deletes a block; returns its file's storage key, to release after the commit.
pub async fn delete_block(
    tx: &mut Tx,
    resource_id: &str,
    id: &str,
) -> Result<Option<String>, DbError> {
    let file = block_file(tx, resource_id, id).await?;
    sqlx::query("DELETE FROM resource_blocks WHERE id = $1 AND resource_id = $2")
        .bind(id)
        .bind(resource_id)
        .execute(&mut **tx)
        .await?;
    let released = crate::files::remove(tx, file.as_deref()).await?;
    touch(tx, resource_id).await?;
    Ok(released)
}

/// Sets (or, with `None`, removes) the cover image; returns the old one's storage key.
pub async fn set_cover(
    tx: &mut Tx,
    id: &str,
    file_id: Option<&str>,
    alt: &str,
) -> Result<Option<String>, DbError> {
    let old: Option<String> = sqlx::query_scalar::<_, Option<String>>(
        "SELECT cover_file_id FROM resources WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .flatten();
    let replaced = old.filter(|o| Some(o.as_str()) != file_id);
    sqlx::query(
        "UPDATE resources SET cover_file_id = $2, cover_alt = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(file_id)
    .bind(alt)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    crate::files::remove(tx, replaced.as_deref()).await
}

/// Moves a block one place up (`up`) or down: the blocks are renumbered in their new
/// order, so that positions stay 0, 1, 2… whatever happened before.
pub async fn move_block(tx: &mut Tx, resource_id: &str, id: &str, up: bool) -> Result<(), DbError> {
    let mut ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM resource_blocks WHERE resource_id = $1 ORDER BY position, id",
    )
    .bind(resource_id)
    .fetch_all(&mut **tx)
    .await?;
    let Some(i) = ids.iter().position(|b| b == id) else {
        return Ok(());
    };
    match (up, i) {
        (true, i) if i > 0 => ids.swap(i, i - 1),
        (false, i) if i + 1 < ids.len() => ids.swap(i, i + 1),
        _ => return Ok(()),
    }
    for (n, b) in ids.iter().enumerate() {
        sqlx::query("UPDATE resource_blocks SET position = $2 WHERE id = $1")
            .bind(b.clone())
            .bind(n as i64)
            .execute(&mut **tx)
            .await?;
    }
    touch(tx, resource_id).await
}

/// Copies the blocks and the cover of `from` to `to`, in structure `structure_id` (an
/// adaptation starts as a copy); files are shared, not duplicated.
pub async fn copy_blocks(
    tx: &mut Tx,
    from: &str,
    to: &str,
    structure_id: &str,
) -> Result<(), DbError> {
    let rows = sqlx::query("SELECT kind, title, body, url, alt, COALESCE(file_id, '') AS file_id FROM resource_blocks WHERE resource_id = $1 ORDER BY position, id")
        .bind(from)
        .fetch_all(&mut **tx)
        .await?;
    for (n, r) in rows.iter().enumerate() {
        let file = match text(r, "file_id").as_str() {
            "" => None,
            f => crate::files::share(tx, f, structure_id, to).await?,
        };
        sqlx::query(
            "INSERT INTO resource_blocks (id, resource_id, position, kind, title, body, url, alt, file_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(db::new_id())
        .bind(to)
        .bind(n as i64)
        .bind(text(r, "kind"))
        .bind(text(r, "title"))
        .bind(text(r, "body"))
        .bind(text(r, "url"))
        .bind(text(r, "alt"))
        .bind(file)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    }
    let cover: Option<(Option<String>, String)> =
        sqlx::query_as("SELECT cover_file_id, cover_alt FROM resources WHERE id = $1")
            .bind(from)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some((Some(cover), alt)) = cover {
        if let Some(copy) = crate::files::share(tx, &cover, structure_id, to).await? {
            set_cover(tx, to, Some(&copy), &alt).await?;
        }
    }
    super::search::index(tx, to).await
}
