//! Schema migrations, written once for both backends (portable types only).
//! A migration is never edited once released: add a new one.

use super::{now, Backend, Db, DbError, Tx};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
    /// Data to derive once the schema is in place, with the code of today (a derived
    /// table is recomputed by the function that maintains it, never by frozen SQL).
    then: Option<Derive>,
}

#[derive(Clone, Copy)]
enum Derive {
    ActivityRollup,
    HashedStatisticsLinks,
}

impl Derive {
    async fn run(self, tx: &mut Tx) -> Result<(), DbError> {
        match self {
            // The statistics' roll-up (decision 0009).
            Derive::ActivityRollup => crate::activities::rollup::rebuild(tx).await,
            // Links kept in clear until then: stored as their hash from now on.
            Derive::HashedStatisticsLinks => crate::activities::shares::hash_old_links(tx).await,
        }
    }
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
        then: Some(Derive::ActivityRollup),
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
        then: Some(Derive::HashedStatisticsLinks),
    },
];

pub(super) async fn apply(db: &Db) -> Result<(), DbError> {
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
        if let Some(derive) = m.then {
            derive.run(&mut tx).await?;
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
