//! The rows of reports on resources and of their moderation.

use super::vocab::REPORT_REASONS;
use crate::activities::vocab::label;
use crate::db::{self, now, text, Db, DbError, Tx};

crate::code_enum! {
    /// Where a report stands: open, or closed one of three ways.
    pub enum ReportStatus("statut de signalement") {
        Open = "ouvert", "À traiter";
        Dismissed = "classe", "Classé sans suite";
        Unpublished = "depubliee", "Ressource repassée en brouillon";
        Deleted = "supprimee", "Ressource supprimée";
    }
}

pub struct Report {
    pub id: String,
    pub resource_id: String,
    pub resource_title: String,
    pub reporter: String,
    pub reason: String,
    pub comment: String,
    pub status: ReportStatus,
    pub message: String,
}

impl Report {
    pub fn reason_label(&self) -> &'static str {
        label(REPORT_REASONS, &self.reason)
    }

    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }

    pub fn is_open(&self) -> bool {
        self.status == ReportStatus::Open
    }
}

/// Open reports first, then the 50 latest closed ones.
pub async fn reports(db: &Db) -> Result<Vec<Report>, DbError> {
    sqlx::query(
        "SELECT p.id, COALESCE(p.resource_id, '') AS resource_id, p.resource_title, COALESCE(u.name, '') AS reporter, \
         p.reason, p.comment, p.status, p.message FROM resource_reports p LEFT JOIN users u ON u.id = p.reporter_id \
         ORDER BY CASE WHEN p.status = 'ouvert' THEN 0 ELSE 1 END, p.created_at DESC LIMIT 200",
    )
    .fetch_all(db.read())
    .await?
    .iter()
    .map(|r| Ok::<_, DbError>(Report {
        id: text(r, "id")?,
        resource_id: text(r, "resource_id")?,
        resource_title: text(r, "resource_title")?,
        reporter: text(r, "reporter")?,
        reason: text(r, "reason")?,
        comment: text(r, "comment")?,
        status: ReportStatus::parse(&text(r, "status")?)?,
        message: text(r, "message")?,
    }))
    .collect::<Result<_, DbError>>()
}

pub async fn insert_report(
    tx: &mut Tx,
    resource_id: &str,
    resource_title: &str,
    reporter_id: &str,
    reason: &str,
    comment: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO resource_reports (id, resource_id, resource_title, reporter_id, reason, comment, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(db::new_id())
    .bind(resource_id)
    .bind(resource_title)
    .bind(reporter_id)
    .bind(reason)
    .bind(comment)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An open report: (resource id, or '' once the resource is gone; its title).
pub async fn open_report(db: &Db, id: &str) -> Result<Option<(String, String)>, DbError> {
    let row = sqlx::query(
        "SELECT COALESCE(resource_id, '') AS resource_id, resource_title FROM resource_reports WHERE id = $1 AND status = $2",
    )
    .bind(id)
    .bind(ReportStatus::Open.code())
    .fetch_optional(db.read())
    .await?;
    row.map(|r| Ok((text(&r, "resource_id")?, text(&r, "resource_title")?)))
        .transpose()
}

/// The e-mail of a resource's author, if it still has one.
pub async fn author_email(db: &Db, resource_id: &str) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT u.email FROM resources r JOIN users u ON u.id = r.author_id WHERE r.id = $1",
    )
    .bind(resource_id)
    .fetch_optional(db.read())
    .await?)
}

/// Closes a report, and the other open reports of the same resource.
pub async fn close(
    tx: &mut Tx,
    id: &str,
    resource_id: &str,
    status: ReportStatus,
    message: &str,
    by: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE resource_reports SET status = $3, message = $4, resolved_at = $5, resolved_by = $6 \
         WHERE status = $7 AND (id = $1 OR ($2 <> '' AND resource_id = $2))",
    )
    .bind(id)
    .bind(resource_id)
    .bind(status.code())
    .bind(message)
    .bind(now())
    .bind(by)
    .bind(ReportStatus::Open.code())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Puts a reported resource back to draft (only its author sees it).
pub async fn back_to_draft(tx: &mut Tx, resource_id: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE resources SET visibility = $3, updated_at = $2 WHERE id = $1")
        .bind(resource_id)
        .bind(now())
        .bind(super::vocab::Visibility::Draft.code())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
