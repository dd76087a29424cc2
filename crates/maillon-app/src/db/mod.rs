//! Database access: one SQL text for SQLite and PostgreSQL through sqlx's `Any` driver.
//!
//! Invariants (see docs/ARCHITECTURE.md):
//! - every write goes through [`Db::begin_write`]: on SQLite it is the single writer
//!   connection with `BEGIN IMMEDIATE`, so writers queue instead of failing with
//!   "database is locked"; reads use [`Db::read`], whose SQLite connections are read-only;
//! - identifiers are UUIDv7 stored as TEXT, instants are UTC Unix seconds in BIGINT,
//!   flags are BIGINT 0/1 (the `Any` driver has no portable boolean).

pub mod codes;
mod migrations;
pub use migrations::{post_step_names, PostStep, PostStepRun};

/// A future that borrows what it works on (post-steps, job handlers).
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor, Row};

pub use sqlx::any::AnyRow;
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    read: AnyPool,
    write: AnyPool,
    pub backend: Backend,
}

/// What can go wrong when talking to the database, kept with its cause.
///
/// The web layer's policy (`web::error`): [`DbError::Unavailable`] answers 503 ("Maillon
/// est momentanément indisponible"), because waiting and trying again helps;
/// [`DbError::Unique`] is for the store to turn into its own outcome (a name already
/// taken…) and is a 500 only if a store forgot to; everything else is a 500 whose detail
/// goes to the log. [`DbError::Invalid`] is data Maillon does not understand (an unknown
/// status read back, a column missing from a row): a bug or a damaged database, never a
/// default value.
#[derive(Debug)]
pub enum DbError {
    /// The pool timed out, the connection was lost or the server is shutting down.
    Unavailable(sqlx::Error),
    /// A unique constraint refused the write.
    Unique(sqlx::Error),
    /// Any other error of the driver or of the SQL.
    Query(sqlx::Error),
    /// A value read or asked for that Maillon refuses, with a French explanation.
    Invalid(String),
}

impl DbError {
    /// An error of our own, with its explanation.
    pub fn invalid(message: impl Into<String>) -> Self {
        DbError::Invalid(message.into())
    }

    /// Whether waiting and trying again may help (the page says so, with a 503).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, DbError::Unavailable(_))
    }

    pub fn is_unique_violation(&self) -> bool {
        matches!(self, DbError::Unique(_))
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Unavailable(e) => write!(f, "base de données indisponible : {e}"),
            DbError::Unique(e) | DbError::Query(e) => write!(f, "{e}"),
            DbError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DbError::Unavailable(e) | DbError::Unique(e) | DbError::Query(e) => Some(e),
            DbError::Invalid(_) => None,
        }
    }
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::Error as E;
        match &e {
            E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed | E::Io(_) => {
                DbError::Unavailable(e)
            }
            E::Database(d) if d.is_unique_violation() => DbError::Unique(e),
            E::Database(d) if d.code().is_some_and(|c| unavailable_code(&c)) => {
                DbError::Unavailable(e)
            }
            _ => DbError::Query(e),
        }
    }
}

/// PostgreSQL shutting down or refusing connections (SQLSTATE classes 57P and 08, always five
/// characters), or SQLite still busy or locked after its timeout (codes 5 and 6, with their
/// extended forms in the high bits, never five digits).
fn unavailable_code(code: &str) -> bool {
    if code.len() == 5 {
        return code.starts_with("57P") || code.starts_with("08");
    }
    code.parse::<u32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
}

/// Turns what a person may type (a path, `sqlite:…`, `postgres://…`) into a URL for sqlx.
pub fn normalise_url(url: &str) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        url.to_string()
    } else if let Some(rest) = url.strip_prefix("sqlite://") {
        format!("sqlite://{}", with_create_mode(rest))
    } else if let Some(rest) = url.strip_prefix("sqlite:") {
        format!("sqlite://{}", with_create_mode(rest))
    } else {
        format!("sqlite://{}", with_create_mode(url))
    }
}

fn with_create_mode(path: &str) -> String {
    if path.contains('?') {
        path.to_string()
    } else {
        format!("{path}?mode=rwc")
    }
}

impl Db {
    /// Connects and applies pending migrations, running the capabilities' post-steps
    /// where a migration names one (`app::connect` gives them all).
    pub async fn connect(url: &str, post_steps: &[PostStep]) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let url = normalise_url(url);
        // Statements are not logged (nor slow ones with their whole text): the request log
        // says what was slow, and SQL text has no place in production logs.
        let options = AnyConnectOptions::from_str(&url)?
            .log_statements(log::LevelFilter::Off)
            .log_slow_statements(log::LevelFilter::Off, Duration::from_secs(60));
        let db = if url.starts_with("sqlite:") {
            let write = AnyPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(SQLITE_PRAGMAS).await?;
                        Ok(())
                    })
                })
                .connect_with(options.clone())
                .await?;
            // The writer has created the file and switched it to WAL before readers open it.
            let read = AnyPoolOptions::new()
                .max_connections(4)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(SQLITE_PRAGMAS).await?;
                        conn.execute("PRAGMA query_only = ON").await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await?;
            Db {
                read,
                write,
                backend: Backend::Sqlite,
            }
        } else {
            let pool = AnyPoolOptions::new()
                .max_connections(10)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options)
                .await?;
            Db {
                read: pool.clone(),
                write: pool,
                backend: Backend::Postgres,
            }
        };
        migrations::apply(&db, post_steps).await?;
        Ok(db)
    }

    /// The pool for reads. On SQLite its connections refuse to write.
    pub fn read(&self) -> &AnyPool {
        &self.read
    }

    /// Opens a write transaction (`BEGIN IMMEDIATE` on SQLite).
    pub async fn begin_write(&self) -> Result<Tx, DbError> {
        Ok(match self.backend {
            Backend::Sqlite => self.write.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.write.begin().await?,
        })
    }

    /// Checks that the database answers (for /healthz).
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    /// Folds the WAL back into the database file; run periodically on SQLite.
    pub async fn checkpoint(&self) -> Result<(), DbError> {
        if self.backend == Backend::Sqlite {
            sqlx::raw_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.write)
                .await?;
        }
        Ok(())
    }

    /// Writes a consistent copy of a SQLite database to `path` (`VACUUM INTO`).
    pub async fn backup_to(&self, path: &str) -> Result<(), DbError> {
        if self.backend != Backend::Sqlite {
            return Err(DbError::invalid(
                "la sauvegarde intégrée ne concerne que SQLite : pour PostgreSQL, utilisez pg_dump (voir README)",
            ));
        }
        if std::path::Path::new(path).exists() {
            return Err(DbError::invalid(format!(
                "le fichier {path} existe déjà : choisissez un autre nom"
            )));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path.to_string())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;";

/// A value of a row written by [`insert_many`].
#[derive(Clone, Debug)]
pub enum Cell {
    Text(String),
    Int(i64),
    OptText(Option<String>),
    OptInt(Option<i64>),
}

/// Inserts many rows into `table` 25 at a time (`VALUES (…), (…), …`) rather than one per
/// row: an import of 42,000 people takes 3.6 s instead of 12 s on PostgreSQL (fewer round
/// trips). Larger statements are slower on SQLite, whose cost per parameter grows with
/// their number in a statement (1,000 rows: 20 s; 25 rows: 3.6 s; docs/benchmarks.md).
pub async fn insert_many(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Cell>],
) -> Result<(), DbError> {
    let per_statement = 25;
    for chunk in rows.chunks(per_statement) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (i, row) in chunk.iter().enumerate() {
            debug_assert_eq!(row.len(), columns.len());
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for j in 0..row.len() {
                n += 1;
                sql.push_str(&format!("{}${n}", if j == 0 { "" } else { ", " }));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for cell in chunk.iter().flatten() {
            q = match cell {
                Cell::Text(v) => q.bind(v.clone()),
                Cell::Int(v) => q.bind(*v),
                Cell::OptText(v) => q.bind(v.clone()),
                Cell::OptInt(v) => q.bind(*v),
            };
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Current instant as UTC Unix seconds.
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A new sortable identifier.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

// Reading a row: only NULL reads as empty. A column missing from the row (misspelt,
// renamed) or of another type is an error, so that it fails in the tests instead of
// reading back as empty data.

fn column<T>(row: &AnyRow, col: &str) -> Result<Option<T>, DbError>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get::<Option<T>, _>(col)
        .map_err(|e| DbError::invalid(format!("colonne {col} illisible : {e}")))
}

/// Reads a text column; NULL reads as an empty string.
pub fn text(row: &AnyRow, col: &str) -> Result<String, DbError> {
    Ok(column::<String>(row, col)?.unwrap_or_default())
}

/// Reads a structure's id from a row (a stored id: see `tenancy::StructureId`).
pub fn structure_id(row: &AnyRow, col: &str) -> Result<crate::tenancy::StructureId, DbError> {
    Ok(crate::tenancy::StructureId::stored(text(row, col)?))
}

/// Reads a BIGINT 0/1 flag; NULL reads as false.
pub fn flag(row: &AnyRow, col: &str) -> Result<bool, DbError> {
    Ok(column::<i64>(row, col)?.is_some_and(|v| v != 0))
}

/// Reads a BIGINT; NULL reads as 0.
pub fn int(row: &AnyRow, col: &str) -> Result<i64, DbError> {
    Ok(column::<i64>(row, col)?.unwrap_or(0))
}

pub fn opt_int(row: &AnyRow, col: &str) -> Result<Option<i64>, DbError> {
    column::<i64>(row, col)
}

pub fn opt_float(row: &AnyRow, col: &str) -> Result<Option<f64>, DbError> {
    column::<f64>(row, col)
}
