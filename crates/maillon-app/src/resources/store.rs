//! Queries on resources and their blocks. Who may read or change a resource is decided
//! in `resources/mod.rs` (`can_read`, `can_edit`); SQL lists apply the same rule
//! (`visible_to`); searches filter in the catalogue (catalogue.rs), then check each
//! row of the page (`by_ids`).

use super::model::{Block, Resource, Source};
use super::vocab::Visibility;
use crate::accounts::model::CurrentUser;
use crate::db::{self, now, text, AnyRow, Db, DbError, Tx};
use crate::tenancy::StructureId;

// The structure's name by a sub-query rather than a join: SQLite then always starts
// from the resources asked for (with a join it could scan them all, 30 ms at 50,000).
const COLUMNS: &str = "r.id, r.structure_id, (SELECT st.name FROM structures st WHERE st.id = r.structure_id) AS structure_name, COALESCE(r.author_id, '') AS author_id, \
    r.author_name, r.title, r.summary, r.level, r.duration_minutes, r.material, r.licence, r.visibility, \
    r.tested_notes, COALESCE(r.adapted_from_id, '') AS adapted_from_id, r.adapted_from_title, \
    r.adapted_from_author, r.adapted_from_structure, r.adapted_from_licence, r.updated_at, \
    COALESCE(r.cover_file_id, '') AS cover_file_id, r.cover_alt, \
    (SELECT COUNT(*) FROM resource_reviews v WHERE v.resource_id = r.id) AS review_count, \
    (SELECT CAST(COALESCE(SUM(v.rating), 0) AS BIGINT) FROM resource_reviews v WHERE v.resource_id = r.id) AS review_sum, \
    (SELECT COUNT(*) FROM resource_uses u WHERE u.resource_id = r.id) AS uses";
const FROM: &str = "FROM resources r";

fn from_row(row: &AnyRow) -> Result<Resource, DbError> {
    Ok(Resource {
        id: text(row, "id")?,
        structure_id: db::structure_id(row, "structure_id")?,
        structure_name: text(row, "structure_name")?,
        author_id: text(row, "author_id")?,
        author_name: text(row, "author_name")?,
        title: text(row, "title")?,
        summary: text(row, "summary")?,
        level: text(row, "level")?,
        duration_minutes: db::opt_int(row, "duration_minutes")?,
        material: text(row, "material")?,
        licence: text(row, "licence")?,
        visibility: Visibility::parse(&text(row, "visibility")?)?,
        tested_notes: text(row, "tested_notes")?,
        adapted_from_id: text(row, "adapted_from_id")?,
        adapted_from_title: text(row, "adapted_from_title")?,
        adapted_from_author: text(row, "adapted_from_author")?,
        adapted_from_structure: text(row, "adapted_from_structure")?,
        adapted_from_licence: text(row, "adapted_from_licence")?,
        updated_at: db::int(row, "updated_at")?,
        cover_file_id: text(row, "cover_file_id")?,
        cover_alt: text(row, "cover_alt")?,
        review_count: db::int(row, "review_count")?,
        review_sum: db::int(row, "review_sum")?,
        uses: db::int(row, "uses")?,
        ..Resource::default()
    })
}

/// The SQL condition "resource `r` may be read by `user`", with its binds from `$first`
/// on: public ones for everyone; the network's for anyone signed in; a structure's for
/// its members (and the network's admins); a draft for its author.
pub fn visible_to(user: Option<&CurrentUser>, first: usize) -> (String, Vec<String>) {
    let Some(u) = user else {
        return (
            format!("r.visibility = '{}'", Visibility::Public.code()),
            Vec::new(),
        );
    };
    let mut binds = vec![u.id.clone()];
    let structures = if u.is_network_admin {
        format!("OR r.visibility = '{}'", Visibility::Structure.code())
    } else if u.memberships.is_empty() {
        String::new()
    } else {
        let marks: Vec<String> = u
            .memberships
            .iter()
            .enumerate()
            .map(|(i, m)| {
                binds.push(m.structure_id.to_string());
                format!("${}", first + 1 + i)
            })
            .collect();
        format!(
            "OR (r.visibility = '{}' AND r.structure_id IN ({}))",
            Visibility::Structure.code(),
            marks.join(", ")
        )
    };
    (
        // The codes are the enum's own (never a person's input), written into the SQL.
        format!(
            "(r.visibility IN ('{}', '{}') {structures} OR (r.visibility = '{}' AND r.author_id = ${first}))",
            Visibility::Public.code(),
            Visibility::Network.code(),
            Visibility::Draft.code(),
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
    let mut r = [from_row(&row)?];
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
    row.map(|row| {
        Ok::<_, DbError>(Resource {
            id: text(&row, "id")?,
            structure_id: db::structure_id(&row, "structure_id")?,
            author_id: text(&row, "author_id")?,
            visibility: Visibility::parse(&text(&row, "visibility")?)?,
            ..Resource::default()
        })
    })
    .transpose()
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
        let Some(&i) = index.get(&text(&t, "resource_id")?) else {
            continue;
        };
        let r = &mut resources[i];
        let code = text(&t, "code")?;
        match text(&t, "kind")?.as_str() {
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
        let Some(&i) = index.get(&text(&s, "resource_id")?) else {
            continue;
        };
        resources[i].sources.push(Source {
            title: text(&s, "title")?,
            url: text(&s, "url")?,
        });
    }
    Ok(())
}

/// Public resources, most recently changed first: `limit` of them after `offset`.
pub async fn public_page(db: &Db, offset: i64, limit: i64) -> Result<Vec<Resource>, DbError> {
    let mut list: Vec<Resource> = sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE r.visibility = $3 ORDER BY r.updated_at DESC, r.id LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .bind(Visibility::Public.code())
    .fetch_all(db.read())
    .await?
    .iter()
    .map(from_row)
    .collect::<Result<_, DbError>>()?;
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

/// The resources of `ids` that `user` may read, in that order: who may read them is
/// checked again against the rows themselves.
async fn by_ids(
    db: &Db,
    user: Option<&CurrentUser>,
    ids: &[String],
) -> Result<Vec<Resource>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    // The rule is applied here rather than in SQL: with it, SQLite could prefer the
    // visibility index to the identifiers.
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
        .map(from_row)
        .collect::<Result<Vec<_>, DbError>>()?
        .into_iter()
        .filter(|r| super::can_read(user, r))
        .map(|r| (r.id.clone(), r))
        .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The resources of `ids` that `user` may read, in that order, with their lists (themes…).
pub async fn readable_in_order(
    db: &Db,
    user: Option<&CurrentUser>,
    ids: &[String],
) -> Result<Vec<Resource>, DbError> {
    let mut found = by_ids(db, user, ids).await?;
    fill_lists(db, &mut found).await?;
    Ok(found)
}

/// Resources `user` may read that match `f`: its words (search.rs), its facets. Words,
/// filters, facet counts and order come from the catalogue; the page's rows from here.
pub async fn list(
    db: &Db,
    catalogue: &super::catalogue::Catalogue,
    user: Option<&CurrentUser>,
    f: &Filter,
) -> Result<Results, DbError> {
    catalogue.refresh(db).await?;
    // Words that are all too common to search for: the list as without words.
    let groups = super::search::expand(db, &f.words).await?;
    let selection = catalogue.select(user, f, &groups);
    Ok(Results {
        resources: by_ids(db, user, &selection.ids).await?,
        total: selection.total,
        facets: selection.facets,
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
    q.fetch_all(db.read()).await?.iter().map(from_row).collect()
}

/// A new resource of `author` (id, name as shown).
pub async fn insert(
    tx: &mut Tx,
    structure_id: &StructureId,
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
    .bind(r.visibility.code())
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
    .bind(r.visibility.code())
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
    super::catalogue::changed(tx, id).await?;
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

fn block_of(row: &AnyRow) -> Result<Block, DbError> {
    let file_id = text(row, "file_id")?;
    let file = if file_id.is_empty() {
        None
    } else {
        Some(crate::files::StoredFile {
            id: file_id,
            structure_id: text(row, "file_structure_id")?,
            resource_id: String::new(),
            key: text(row, "storage_key")?,
            name: text(row, "file_name")?,
            content_type: text(row, "content_type")?,
            size_bytes: db::opt_int(row, "size_bytes")?.unwrap_or(0),
            width: db::opt_int(row, "width")?,
            height: db::opt_int(row, "height")?,
        })
    };
    Ok(Block {
        id: text(row, "id")?,
        kind: text(row, "kind")?,
        title: text(row, "title")?,
        body: text(row, "body")?,
        url: text(row, "url")?,
        alt: text(row, "alt")?,
        file,
    })
}

pub async fn blocks(db: &Db, resource_id: &str) -> Result<Vec<Block>, DbError> {
    sqlx::query(&format!(
        "SELECT {BLOCK_COLUMNS} WHERE b.resource_id = $1 ORDER BY b.position, b.id"
    ))
    .bind(resource_id)
    .fetch_all(db.read())
    .await?
    .iter()
    .map(block_of)
    .collect::<Result<_, DbError>>()
}

pub async fn block(db: &Db, resource_id: &str, id: &str) -> Result<Option<Block>, DbError> {
    sqlx::query(&format!(
        "SELECT {BLOCK_COLUMNS} WHERE b.id = $1 AND b.resource_id = $2"
    ))
    .bind(id)
    .bind(resource_id)
    .fetch_optional(db.read())
    .await?
    .as_ref()
    .map(block_of)
    .transpose()
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
    let released = crate::files::remove(tx, replaced.as_deref()).await?;
    super::catalogue::changed(tx, id).await?;
    Ok(released)
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
    structure_id: &StructureId,
) -> Result<(), DbError> {
    let rows = sqlx::query("SELECT kind, title, body, url, alt, COALESCE(file_id, '') AS file_id FROM resource_blocks WHERE resource_id = $1 ORDER BY position, id")
        .bind(from)
        .fetch_all(&mut **tx)
        .await?;
    for (n, r) in rows.iter().enumerate() {
        let file = match text(r, "file_id")?.as_str() {
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
        .bind(text(r, "kind")?)
        .bind(text(r, "title")?)
        .bind(text(r, "body")?)
        .bind(text(r, "url")?)
        .bind(text(r, "alt")?)
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
