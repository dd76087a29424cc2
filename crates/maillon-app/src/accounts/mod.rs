//! Accounts: sign-in, sessions, password resets, invitations, the account page.

pub mod model;
pub mod password;
pub mod routes;
pub mod session;
pub mod store;
pub mod tokens;

use model::Role;

/// Creates an account from the command line or the demo, with the same rules as the
/// web forms. Optionally makes it a member of a structure.
pub async fn create_user(
    db: &crate::db::Db,
    email: &str,
    name: &str,
    password_text: &str,
    network_admin: bool,
    membership: Option<(&crate::tenancy::StructureId, Role)>,
) -> Result<String, String> {
    let email = crate::validate::email(email)?;
    if name.trim().is_empty() {
        return Err("indiquez un nom (--name)".into());
    }
    if let Some(problem) = password::check_new(password_text, password_text) {
        return Err(problem);
    }
    if store::find_by_email(db, &email)
        .await
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Err(format!("un compte existe déjà pour {email}"));
    }
    let hash = password::hash(password_text.to_string()).await?;
    let mut tx = db.begin_write().await.map_err(|e| e.to_string())?;
    let id = store::insert_user(&mut tx, &email, name, &hash, network_admin)
        .await
        .map_err(|e| e.to_string())?;
    if let Some((structure_id, role)) = membership {
        store::add_membership(&mut tx, &id, structure_id, role)
            .await
            .map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(id)
}

/// Every hour: expired sessions and tokens go.
pub fn register_jobs(jobs: &mut crate::jobs::Registry<crate::app::Worker>) {
    use crate::jobs::store::JobKind;
    jobs.on(JobKind::Purge, |w, _| {
        Box::pin(async move {
            store::purge_expired(&w.db, w.config.session_idle_minutes * 60)
                .await
                .map_err(Into::into)
        })
    })
    .every(JobKind::Purge, 3600);
}

/// Every route of this capability (`app::router` merges one router per capability).
pub fn router() -> axum::Router<crate::app::AppState> {
    axum::Router::new().merge(routes::routes())
}
