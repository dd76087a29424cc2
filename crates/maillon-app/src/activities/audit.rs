//! The audit log of named beneficiaries: every view and change, readable by the
//! structure admin. It names the account that acted, never the person's name.

use crate::accounts::model::CurrentUser;
use crate::db::{self, now, text, Db, DbError, Tx};
use crate::tenancy::StructureId;

pub const ACTIONS: &[(&str, &str)] = &[
    ("consultation", "a consulté la fiche"),
    ("creation", "a créé la fiche"),
    ("modification", "a modifié la fiche"),
    ("activite", "a enregistré une activité avec la personne"),
    ("export_liste", "a exporté la liste des bénéficiaires"),
    (
        "export_activites",
        "a exporté les accompagnements (avec les noms)",
    ),
    (
        "export_personne",
        "a exporté les données de la personne (droit d'accès)",
    ),
    ("fusion", "a fusionné deux fiches de la même personne"),
    (
        "effacement",
        "a effacé la personne (statistiques conservées, anonymes)",
    ),
    ("adhesion", "a enregistré une adhésion"),
    ("adhesion_supprimee", "a supprimé une adhésion"),
    ("consentement", "a noté un consentement ou un refus"),
    (
        "choix_personne",
        "a changé ses choix de contact (lien personnel)",
    ),
    ("archivage", "a archivé la fiche"),
    ("desarchivage", "a sorti la fiche des archives"),
    (
        "lien_personnel",
        "a créé un lien personnel pour la personne",
    ),
    ("export_adherents", "a exporté le fichier des adhérents"),
    ("message_envoye", "a envoyé un message aux adhérents"),
    ("desabonnement", "s'est désabonné par le lien d'un e-mail"),
    (
        "anonymisation",
        "a anonymisé la personne après sa période d'inactivité",
    ),
];

/// Who acted: an account, or Maillon itself (retention job).
pub struct Actor<'a> {
    pub user_id: Option<&'a str>,
    pub name: &'a str,
}

impl<'a> From<&'a CurrentUser> for Actor<'a> {
    fn from(u: &'a CurrentUser) -> Self {
        Actor {
            user_id: Some(&u.id),
            name: &u.name,
        }
    }
}

pub const MAILLON: Actor<'static> = Actor {
    user_id: None,
    name: "Maillon (automatique)",
};

pub async fn write(
    tx: &mut Tx,
    structure_id: &StructureId,
    actor: &Actor<'_>,
    action: &str,
    beneficiary_id: Option<&str>,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO audit_log (id, structure_id, user_id, user_name, action, beneficiary_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(db::new_id())
        .bind(structure_id)
        .bind(actor.user_id.map(str::to_string))
        .bind(actor.name.to_string())
        .bind(action)
        .bind(beneficiary_id.map(str::to_string))
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The same event about many people (an import), in a few statements.
pub async fn write_many(
    tx: &mut Tx,
    structure_id: &StructureId,
    actor: &Actor<'_>,
    action: &str,
    beneficiary_ids: &[String],
) -> Result<(), DbError> {
    use db::Cell::{Int, OptText, Text};
    let t = now();
    let rows: Vec<Vec<db::Cell>> = beneficiary_ids
        .iter()
        .map(|id| {
            vec![
                Text(db::new_id()),
                Text(structure_id.to_string()),
                OptText(actor.user_id.map(str::to_string)),
                Text(actor.name.to_string()),
                Text(action.to_string()),
                OptText(Some(id.clone())),
                Int(t),
            ]
        })
        .collect();
    let columns = [
        "id",
        "structure_id",
        "user_id",
        "user_name",
        "action",
        "beneficiary_id",
        "at",
    ];
    db::insert_many(tx, "audit_log", &columns, &rows).await
}

/// Records an event in its own transaction (views and exports, which change nothing else).
pub async fn record(
    db: &Db,
    structure_id: &StructureId,
    actor: &Actor<'_>,
    action: &str,
    beneficiary_id: Option<&str>,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    write(&mut tx, structure_id, actor, action, beneficiary_id).await?;
    tx.commit().await?;
    Ok(())
}

pub struct Entry {
    pub at: i64,
    pub user_name: String,
    pub action: String,
    pub beneficiary_id: String,
    /// The person's current name, or empty once erased.
    pub beneficiary_name: String,
}

impl Entry {
    pub fn action_label(&self) -> &'static str {
        ACTIONS
            .iter()
            .find(|(c, _)| *c == self.action)
            .map(|(_, l)| *l)
            .unwrap_or("")
    }
}

pub async fn latest(
    db: &Db,
    structure_id: &StructureId,
    limit: i64,
) -> Result<Vec<Entry>, DbError> {
    let rows = sqlx::query(
        "SELECT l.at, l.user_name, l.action, l.beneficiary_id, b.first_name, b.last_name FROM audit_log l \
         LEFT JOIN beneficiaries b ON b.id = l.beneficiary_id WHERE l.structure_id = $1 ORDER BY l.at DESC, l.id DESC LIMIT $2",
    )
    .bind(structure_id)
    .bind(limit)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok::<_, DbError>(Entry {
                at: db::int(r, "at")?,
                user_name: text(r, "user_name")?,
                action: text(r, "action")?,
                beneficiary_id: text(r, "beneficiary_id")?,
                beneficiary_name: format!("{} {}", text(r, "first_name")?, text(r, "last_name")?)
                    .trim()
                    .to_string(),
            })
        })
        .collect::<Result<_, DbError>>()
}
