//! What every page's layout needs: title, the network's or structure's name, navigation.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::Deserialize;

use crate::accounts::model::{CurrentUser, Role};
use crate::app::AppState;
use crate::structures::Access;

pub struct NavStructure {
    pub id: String,
    pub name: String,
    pub can_manage: bool,
    /// May read and record the activity log (mediators and structure admins).
    pub can_record: bool,
    /// May see the structure's beneficiaries (recorders, and volunteers if allowed).
    pub can_see_people: bool,
    /// May read the audit log (structure admins).
    pub can_audit: bool,
    pub can_see_members: bool,
}

pub struct NavUser {
    pub name: String,
    pub is_network_admin: bool,
    pub structures: Vec<(String, String)>,
}

pub struct Page {
    pub title: String,
    pub network_name: String,
    pub user: Option<NavUser>,
    pub structure: Option<NavStructure>,
    /// Which navigation entry is current (`aria-current`).
    pub section: &'static str,
    pub flash: Option<&'static str>,
}

impl Page {
    pub async fn new(state: &AppState, title: impl Into<String>) -> Page {
        Page {
            title: title.into(),
            network_name: crate::structures::store::network_name(&state.db).await,
            user: None,
            structure: None,
            section: "",
            flash: None,
        }
    }

    /// A page inside a structure, for a signed-in member (or network admin).
    pub async fn in_structure(
        state: &AppState,
        title: impl Into<String>,
        user: &CurrentUser,
        access: &Access,
    ) -> Page {
        Page::new(state, title).await.user(user).structure(access)
    }

    pub fn user(mut self, user: &CurrentUser) -> Page {
        self.user = Some(NavUser {
            name: user.name.clone(),
            is_network_admin: user.is_network_admin,
            structures: user
                .memberships
                .iter()
                .map(|m| (m.structure_id.to_string(), m.structure_name.clone()))
                .collect(),
        });
        self
    }

    pub fn structure(mut self, access: &Access) -> Page {
        self.structure = Some(NavStructure {
            id: access.structure.id.to_string(),
            name: access.structure.name.clone(),
            can_manage: access.can_manage(),
            can_record: matches!(access.role, Some(Role::StructureAdmin | Role::Mediator)),
            can_see_people: matches!(access.role, Some(Role::StructureAdmin | Role::Mediator))
                || (access.role == Some(Role::Volunteer)
                    && access.structure.volunteers_see_beneficiaries),
            can_audit: access.role == Some(Role::StructureAdmin),
            can_see_members: matches!(
                access.role,
                Some(Role::StructureAdmin | Role::Mediator | Role::Desk)
            ),
        });
        self
    }

    pub fn section(mut self, section: &'static str) -> Page {
        self.section = section;
        self
    }

    pub fn flash(mut self, flash: Flash) -> Page {
        self.flash = flash.0;
        self
    }

    /// The name in the header: the structure's when inside one, else the network's.
    pub fn header_name(&self) -> &str {
        self.structure
            .as_ref()
            .map(|s| s.name.as_str())
            .unwrap_or(&self.network_name)
    }

    pub fn current(&self, section: &str) -> &'static str {
        if self.section == section {
            "page"
        } else {
            "false"
        }
    }
}

/// A confirmation shown once after a redirect (`?info=code`); only known codes are shown.
#[derive(Default)]
pub struct Flash(pub Option<&'static str>);

#[derive(Deserialize)]
struct FlashQuery {
    info: Option<String>,
}

const MESSAGES: &[(&str, &str)] = &[
    ("enregistre", "Modifications enregistrées."),
    ("place-confirmee", "La place est confirmée."),
    (
        "place-plus-proposee",
        "Cette place n'est plus proposée (déjà confirmée, ou délai passé).",
    ),
    (
        "seance-annulee",
        "La séance est annulée ; les personnes inscrites sont prévenues.",
    ),
    (
        "atelier-supprime",
        "L'atelier est supprimé ; les personnes inscrites aux séances à venir sont prévenues.",
    ),
    ("lieu-cree", "Le lieu a été créé."),
    ("lieu-supprime", "Le lieu a été supprimé."),
    ("structure-creee", "La structure a été créée."),
    (
        "invitation-envoyee",
        "L'invitation a été envoyée par e-mail.",
    ),
    ("invitation-annulee", "L'invitation a été annulée."),
    (
        "invitation-demandee",
        "La demande est transmise aux responsables de la structure : l'invitation partira quand l'un ou l'une d'eux l'aura approuvée.",
    ),
    ("demande-refusee", "La demande d'invitation est refusée : rien n'a été envoyé."),
    ("role-change", "Le rôle a été modifié."),
    ("membre-retire", "La personne a été retirée de l'équipe."),
    (
        "mot-de-passe-change",
        "Votre mot de passe a été changé. Vos autres sessions ont été fermées.",
    ),
    ("sessions-fermees", "Vos autres sessions ont été fermées."),
    ("deconnecte", "Déconnexion effectuée. À bientôt !"),
    ("bienvenue", "Bienvenue dans l'équipe !"),
    ("import-fait", "L'import est terminé."),
    ("adhesion-enregistree", "L'adhésion est enregistrée."),
    ("consentement-enregistre", "La réponse est notée dans l'historique des consentements."),
    ("segment-enregistre", "Le segment est enregistré."),
    ("message-enregistre", "Le brouillon est enregistré."),
    (
        "message-programme",
        "Le message est programmé : il partira à l'heure indiquée.",
    ),
    (
        "message-en-cours",
        "Le message part maintenant : le suivi ci-dessous se remplit au fil des envois.",
    ),
    ("message-deprogramme", "La programmation est annulée : le message est redevenu un brouillon."),
    ("message-supprime", "Le brouillon est supprimé."),
    ("essai-envoye", "L'essai est envoyé : vérifiez votre boîte (ou la boîte d'envoi)."),
    ("suivi-enregistre", "Le suivi est enregistré."),
    (
        "choix-enregistres",
        "Vos choix sont enregistrés. Merci !",
    ),
    ("activite-enregistree", "L'activité a été enregistrée."),
    ("atelier-cree", "L'atelier et ses séances ont été créés."),
    ("inscription-confirmee", "La personne est inscrite : sa place est confirmée."),
    (
        "inscription-attente",
        "La séance est complète : la personne est inscrite sur la liste d'attente.",
    ),
    (
        "deja-inscrit",
        "Cette personne est déjà inscrite à cette séance (même téléphone ou même e-mail) : rien n'a été ajouté.",
    ),
    (
        "inscription-annulee",
        "L'inscription est annulée ; les places libérées sont allées à la liste d'attente.",
    ),
    ("deja-annulee", "Cette inscription était déjà annulée."),
    (
        "ressource-creee",
        "La ressource est créée, en brouillon : ajoutez-lui son contenu ci-dessous.",
    ),
    (
        "ressource-importee",
        "La ressource est importée, en brouillon, avec ses fichiers : relisez-la avant de la partager.",
    ),
    (
        "ressource-adaptee",
        "Votre version est créée, en brouillon : modifiez-la pour votre public.",
    ),
    ("ressource-supprimee", "La ressource a été supprimée."),
    ("bloc-ajoute", "Le bloc est ajouté."),
    ("avis-enregistre", "Merci : votre avis est enregistré."),
    ("ajoutee-collection", "La ressource est ajoutée à la collection."),
    ("collection-supprimee", "La collection est supprimée."),
    (
        "signalement-envoye",
        "Merci : la coordination du réseau va regarder votre signalement.",
    ),
    ("signalement-traite", "Le signalement est traité ; l'auteur a reçu votre message."),
    ("bloc-supprime", "Le bloc est supprimé."),
    (
        "cycle-termine",
        "Toutes les séances de ce cycle sont passées ou annulées : il n'y a plus d'inscription possible.",
    ),
    (
        "emargement-clos",
        "L'émargement est clos : l'atelier est enregistré dans les activités.",
    ),
    ("activite-supprimee", "L'activité a été supprimée."),
    ("fiches-fusionnees", "Les deux fiches ont été fusionnées."),
    ("rien-choisi", "Cochez d'abord les personnes à effacer."),
    (
        "personnes-effacees",
        "Les personnes choisies ont été effacées ; leurs activités restent dans les statistiques.",
    ),
    (
        "lien-cree",
        "Le lien public a été créé. Copiez-le maintenant : il ne sera plus affiché en entier.",
    ),
    (
        "lien-revoque",
        "Le lien public a été supprimé : il ne montre plus rien.",
    ),
    (
        "personne-effacee",
        "La personne a été effacée. Ses activités restent dans les statistiques, de façon anonyme.",
    ),
];

impl Flash {
    /// The message of a known code, for a page answered without a redirect.
    pub fn of(code: &str) -> Flash {
        Flash(MESSAGES.iter().find(|(k, _)| *k == code).map(|(_, m)| *m))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Flash {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let code = Query::<FlashQuery>::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|q| q.0.info);
        Ok(Flash(code.and_then(|c| {
            MESSAGES.iter().find(|(k, _)| *k == c).map(|(_, m)| *m)
        })))
    }
}
