//! The jobs table: enqueue inside the caller's transaction, claim, finish, retry.

use crate::db::{self, now, text, Backend, Db, DbError, Tx};

crate::code_enum! {
    /// What a job does. Stored as its code; a stored code Maillon does not know fails the
    /// job with its code in the log (an older or newer server wrote it), never runs a
    /// default.
    pub enum JobKind("type de tâche") {
        SendEmail = "send_email", "Envoi d'un e-mail";
        SendSms = "send_sms", "Envoi d'un SMS";
        PlanMessage = "plan_message", "Préparation d'un message aux adhérents";
        Purge = "purge", "Nettoyage des sessions et des liens expirés";
        Anonymise = "anonymise", "Anonymisation des personnes inactives";
        Reminders = "reminders", "Rappels des ateliers";
        Offers = "offers", "Places proposées non confirmées";
    }
}

pub struct ClaimedJob {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
    pub max_attempts: i64,
}

/// How long a claimed job stays reserved; after that a crashed worker's job is taken again.
const LEASE_SECONDS: i64 = 300;

/// Adds a job in the caller's transaction: it exists exactly when the caller's data does.
/// With an idempotency key, a second job with the same key is not added.
pub async fn enqueue(
    tx: &mut Tx,
    kind: JobKind,
    payload: &str,
    key: Option<&str>,
    run_at: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO jobs (id, kind, payload, status, run_at, max_attempts, idempotency_key, created_at) \
         VALUES ($1, $2, $3, 'pending', $4, 8, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(db::new_id())
    .bind(kind.code())
    .bind(payload)
    .bind(run_at)
    .bind(key.map(str::to_string))
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Takes the next due job, or one whose worker died. On PostgreSQL, concurrent workers
/// skip each other's rows; on SQLite the single writer serialises them.
pub async fn claim(db: &Db) -> Result<Option<ClaimedJob>, DbError> {
    let lock = if db.backend == Backend::Postgres {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $1 \
         WHERE id = (SELECT id FROM jobs WHERE (status = 'pending' AND run_at <= $2) \
                     OR (status = 'running' AND locked_until < $2) ORDER BY run_at LIMIT 1 {lock}) \
         RETURNING id, kind, payload, attempts, max_attempts"
    );
    let t = now();
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(&sql)
        .bind(t + LEASE_SECONDS)
        .bind(t)
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    row.map(|r| {
        Ok::<_, DbError>(ClaimedJob {
            id: text(&r, "id")?,
            kind: text(&r, "kind")?,
            payload: text(&r, "payload")?,
            attempts: db::int(&r, "attempts")?,
            max_attempts: db::int(&r, "max_attempts")?,
        })
    })
    .transpose()
}

pub async fn finish(db: &Db, id: &str) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE jobs SET status = 'done', finished_at = $1, locked_until = NULL WHERE id = $2",
    )
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Delay before attempt n+1: 30 s, 1 min, 2 min… at most one hour.
pub fn backoff_seconds(attempts: i64) -> i64 {
    (30_i64 << (attempts - 1).clamp(0, 7)).min(3600)
}

/// Records a failure: the job is tried again later, or given up after its last attempt.
/// Returns true when it was given up.
pub async fn fail(db: &Db, job: &ClaimedJob, error: &str) -> Result<bool, DbError> {
    let give_up = job.attempts >= job.max_attempts;
    let mut tx = db.begin_write().await?;
    if give_up {
        sqlx::query("UPDATE jobs SET status = 'failed', last_error = $1, finished_at = $2, locked_until = NULL WHERE id = $3")
            .bind(error)
            .bind(now())
            .bind(job.id.clone())
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query("UPDATE jobs SET status = 'pending', last_error = $1, run_at = $2, locked_until = NULL WHERE id = $3")
            .bind(error)
            .bind(now() + backoff_seconds(job.attempts))
            .bind(job.id.clone())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(give_up)
}

pub async fn counts_by_status(db: &Db) -> Result<Vec<(String, i64)>, DbError> {
    let rows =
        sqlx::query("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status ORDER BY status")
            .fetch_all(db.read())
            .await?;
    rows.iter()
        .map(|r| Ok::<_, DbError>((text(r, "status")?, db::int(r, "n")?)))
        .collect::<Result<_, DbError>>()
}
