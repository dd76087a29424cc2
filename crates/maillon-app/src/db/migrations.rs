//! Schema migrations, written once for both backends (portable types only).
//! A migration is never edited once released: add a new one.

use super::{now, Backend, BoxFuture, Db, DbError, Tx};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
    /// Data to derive once the schema is in place, with the code of today (a derived
    /// table is recomputed by the function that maintains it, never by frozen SQL). The
    /// capability that owns the data gives the step (`PostStep`) under this name.
    then: Option<&'static str>,
}

/// What a post-step does, in the migration's transaction.
pub type PostStepRun = for<'a> fn(&'a mut Tx) -> BoxFuture<'a, Result<(), DbError>>;

/// A step a capability runs after the migration that names it: `db/` knows the schema,
/// not what the statistics' roll-up or a link's hash are.
#[derive(Clone, Copy)]
pub struct PostStep {
    pub name: &'static str,
    pub run: PostStepRun,
}

/// The names of the post-steps the migrations expect, so a missing one is found in a
/// test rather than on the day of an upgrade.
pub fn post_step_names() -> impl Iterator<Item = &'static str> {
    MIGRATIONS.iter().filter_map(|m| m.then)
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../../migrations/0001_foundation.sql"),
        then: None,
    },
    Migration {
        version: 2,
        name: "activities",
        sql: include_str!("../../migrations/0002_activities.sql"),
        then: None,
    },
    Migration {
        version: 3,
        name: "personal data",
        sql: include_str!("../../migrations/0003_personal_data.sql"),
        then: None,
    },
    Migration {
        version: 4,
        name: "statistics shares",
        sql: include_str!("../../migrations/0004_stat_shares.sql"),
        then: None,
    },
    Migration {
        version: 5,
        name: "activity date index",
        sql: include_str!("../../migrations/0005_activity_date_index.sql"),
        then: None,
    },
    Migration {
        version: 6,
        name: "activity roll-up",
        sql: include_str!("../../migrations/0006_activity_rollup.sql"),
        then: Some("activity-rollup"),
    },
    Migration {
        version: 7,
        name: "workshops",
        sql: include_str!("../../migrations/0007_workshops.sql"),
        then: None,
    },
    Migration {
        version: 8,
        name: "workshop messages",
        sql: include_str!("../../migrations/0008_workshop_messages.sql"),
        then: None,
    },
    Migration {
        version: 9,
        name: "workshop cycles",
        sql: include_str!("../../migrations/0009_workshop_cycles.sql"),
        then: None,
    },
    Migration {
        version: 10,
        name: "resources",
        sql: include_str!("../../migrations/0010_resources.sql"),
        then: None,
    },
    Migration {
        version: 11,
        name: "files",
        sql: include_str!("../../migrations/0011_files.sql"),
        then: None,
    },
    Migration {
        version: 12,
        name: "search catalogue",
        sql: include_str!("../../migrations/0012_search_catalogue.sql"),
        then: None,
    },
    Migration {
        version: 13,
        name: "members",
        sql: include_str!("../../migrations/0013_members.sql"),
        then: None,
    },
    Migration {
        version: 14,
        name: "member messages",
        sql: include_str!("../../migrations/0014_member_messages.sql"),
        then: None,
    },
    Migration {
        version: 15,
        name: "hardening",
        sql: include_str!("../../migrations/0015_hardening.sql"),
        then: Some("hashed-statistics-links"),
    },
];

pub(super) async fn apply(db: &Db, post_steps: &[PostStep]) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    if db.backend == Backend::Postgres {
        // Several app servers may start at once: one migrates, the others wait.
        sqlx::query("SELECT pg_advisory_xact_lock(7426001)")
            .execute(&mut *tx)
            .await?;
    }
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *tx)
    .await?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
        .fetch_all(&mut *tx)
        .await?;
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        sqlx::raw_sql(m.sql)
            .execute(&mut *tx)
            .await
            .map_err(|e| DbError::invalid(format!("migration {} ({}) : {e}", m.version, m.name)))?;
        if let Some(name) = m.then {
            let step = post_steps.iter().find(|s| s.name == name).ok_or_else(|| {
                DbError::invalid(format!(
                    "migration {} : étape « {name} » non fournie",
                    m.version
                ))
            })?;
            (step.run)(&mut tx).await?;
        }
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tracing::info!(version = m.version, name = m.name, "migration applied");
    }
    tx.commit().await?;
    Ok(())
}
