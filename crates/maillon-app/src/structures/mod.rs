//! Structures (centre social, espace de vie sociale, médiathèque…), their teams, and the
//! network that gathers them. Every structure-scoped page goes through [`access`].

pub mod extract;
pub mod routes;
pub mod store;
pub mod team;

pub use extract::StructureAccess;

use crate::accounts::model::{CurrentUser, Role};
use crate::app::AppState;
use crate::web::error::AppError;

pub const KINDS: &[&str] = &[
    "Centre social",
    "Espace de vie sociale",
    "Médiathèque",
    "France Services",
    "Association",
    "Collectivité",
    "Autre",
];

/// Time zones of France and its overseas territories.
pub const TIMEZONES: &[(&str, &str)] = &[
    ("Europe/Paris", "France métropolitaine et Corse"),
    (
        "America/Guadeloupe",
        "Guadeloupe, Saint-Martin, Saint-Barthélemy",
    ),
    ("America/Martinique", "Martinique"),
    ("America/Cayenne", "Guyane"),
    ("Indian/Reunion", "La Réunion"),
    ("Indian/Mayotte", "Mayotte"),
    ("America/Miquelon", "Saint-Pierre-et-Miquelon"),
    ("Pacific/Noumea", "Nouvelle-Calédonie"),
    ("Pacific/Tahiti", "Polynésie française"),
    ("Pacific/Wallis", "Wallis-et-Futuna"),
];

pub use crate::tenancy::StructureId;

#[derive(Clone, Debug, Default)]
pub struct Structure {
    pub id: StructureId,
    pub name: String,
    pub kind: String,
    pub pivot: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub timezone: String,
    /// Volunteers may see and record the structure's beneficiaries (off by default).
    pub volunteers_see_beneficiaries: bool,
    /// Workshop reminders: days before a session (0 for none), and on its morning.
    pub reminder_days: i64,
    pub reminder_morning: bool,
    /// Workshop messages go by SMS too, to mobile numbers (they cost money: off by default).
    pub sms_enabled: bool,
    /// Hours a person of the waiting list has to confirm a freed seat (0: given at once).
    pub offer_hours: i64,
    /// Messages to members go out between these local hours (start included, end excluded).
    pub send_from_hour: i64,
    pub send_until_hour: i64,
    /// The most SMS sent in a day (they cost money); beyond, they stay in the log unsent.
    pub sms_daily_budget: i64,
}

/// SMS a day unless the structure says otherwise.
pub const DEFAULT_SMS_DAILY_BUDGET: i64 = 200;

impl Structure {
    pub fn phone_display(&self) -> String {
        crate::validate::phone_display(&self.phone)
    }
}

/// What the signed-in person may do in one structure.
pub struct Access {
    pub structure: Structure,
    /// None for a network admin who is not a member of the structure.
    pub role: Option<Role>,
    pub network_admin: bool,
}

impl Access {
    /// What this access lets a store read: this structure (the check ran to make it).
    pub fn scope(&self) -> crate::tenancy::Scope<'_> {
        crate::tenancy::Scope::Structure(&self.structure.id)
    }

    /// Edit the structure, its places and its team.
    pub fn can_manage(&self) -> bool {
        self.network_admin || self.role == Some(Role::StructureAdmin)
    }

    pub fn require_manage(&self) -> Result<(), AppError> {
        if self.can_manage() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The structure `id` if the person belongs to it (or runs the network); otherwise 404,
/// whether it exists or not, so that nothing is learnt about other structures.
pub async fn access(state: &AppState, user: &CurrentUser, id: &str) -> Result<Access, AppError> {
    let role = user.role_in(id);
    if role.is_none() && !user.is_network_admin {
        return Err(AppError::NotFound);
    }
    let structure = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok(Access {
        structure,
        role,
        network_admin: user.is_network_admin,
    })
}

/// The structure `id` for one of its own admins; 404 for others (as [`access`]), 403 for
/// its other members and the network coordination: what only the structure's admins may
/// do or read (approve an invitation, read its members' e-mails).
pub async fn admin_access(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Access, AppError> {
    let access = access(state, user, id).await?;
    if access.role != Some(Role::StructureAdmin) {
        return Err(AppError::Forbidden);
    }
    Ok(access)
}

/// When workshop reminders go out, before a session.
pub const REMINDER_DAYS: &[(i64, &str)] = &[
    (0, "Pas de rappel avant le jour même"),
    (1, "La veille (24 heures avant)"),
    (2, "Deux jours avant (48 heures)"),
    (3, "Trois jours avant"),
    (7, "Une semaine avant"),
];

/// How long a person of the waiting list has to confirm a freed seat.
pub const OFFER_HOURS: &[(i64, &str)] = &[
    (0, "l'obtient aussitôt, sans avoir à confirmer"),
    (12, "a 12 heures pour la confirmer"),
    (24, "a 24 heures pour la confirmer"),
    (48, "a 48 heures pour la confirmer"),
];

/// A number of the form (an hour…): the default when left empty, -1 when not a number.
fn hour_field(form: &crate::web::forms::FormData, name: &str, default: i64) -> i64 {
    let value = form.get(name);
    if value.is_empty() {
        default
    } else {
        value.parse().unwrap_or(-1)
    }
}

/// Reads and checks the structure form; shared by creation and edition.
pub fn validate_form(
    form: &crate::web::forms::FormData,
) -> Result<Structure, (Structure, crate::web::forms::FieldErrors)> {
    use crate::validate;
    let mut errors = crate::web::forms::FieldErrors::default();
    let mut s = Structure {
        id: StructureId::default(),
        name: form.get("name"),
        kind: form.get("kind"),
        pivot: form.get("pivot"),
        email: form.get("email"),
        phone: form.get("phone"),
        website: form.get("website"),
        timezone: form.get("timezone"),
        volunteers_see_beneficiaries: form.has("volunteers_see_beneficiaries"),
        reminder_days: form.get("reminder_days").parse().unwrap_or(2),
        reminder_morning: form.has("reminder_morning"),
        sms_enabled: form.has("sms_enabled"),
        offer_hours: form.get("offer_hours").parse().unwrap_or(0),
        send_from_hour: hour_field(form, "send_from_hour", 9),
        send_until_hour: hour_field(form, "send_until_hour", 19),
        sms_daily_budget: hour_field(form, "sms_daily_budget", DEFAULT_SMS_DAILY_BUDGET),
    };
    if !(0..=100_000).contains(&s.sms_daily_budget) {
        errors.add(
            "sms_daily_budget",
            "Indiquez un nombre de SMS par jour entre 0 et 100 000.",
        );
        s.sms_daily_budget = DEFAULT_SMS_DAILY_BUDGET;
    }
    if !(0..=23).contains(&s.send_from_hour) {
        errors.add("send_from_hour", "Indiquez une heure entre 0 et 23.");
        s.send_from_hour = 9;
    }
    if !(1..=24).contains(&s.send_until_hour) {
        errors.add("send_until_hour", "Indiquez une heure entre 1 et 24.");
        s.send_until_hour = 19;
    } else if s.send_until_hour <= s.send_from_hour {
        errors.add(
            "send_until_hour",
            "L'heure de fin doit venir après l'heure de début.",
        );
    }
    if !OFFER_HOURS.iter().any(|(h, _)| *h == s.offer_hours) {
        errors.add(
            "offer_hours",
            "Choisissez le délai de confirmation dans la liste.",
        );
        s.offer_hours = 0;
    }
    if !REMINDER_DAYS.iter().any(|(d, _)| *d == s.reminder_days) {
        errors.add(
            "reminder_days",
            "Choisissez quand envoyer le rappel dans la liste.",
        );
        s.reminder_days = 2;
    }
    if s.name.is_empty() {
        errors.add("name", "Indiquez le nom de la structure.");
    } else if s.name.chars().count() > 150 {
        errors.add("name", "Le nom est trop long (150 caractères au plus).");
    }
    if !KINDS.contains(&s.kind.as_str()) {
        errors.add("kind", "Choisissez le type de structure dans la liste.");
    }
    if s.timezone.is_empty() {
        s.timezone = "Europe/Paris".into();
    }
    if !TIMEZONES.iter().any(|(tz, _)| *tz == s.timezone) {
        errors.add("timezone", "Choisissez un fuseau horaire dans la liste.");
    }
    if !s.pivot.is_empty() {
        match validate::pivot(&s.pivot) {
            Ok(v) => s.pivot = v,
            Err(e) => errors.add("pivot", e),
        }
    }
    if !s.email.is_empty() {
        match validate::email(&s.email) {
            Ok(v) => s.email = v,
            Err(e) => errors.add("email", e),
        }
    }
    if !s.phone.is_empty() {
        match validate::phone(&s.phone) {
            Ok(v) => s.phone = v,
            Err(e) => errors.add("phone", e),
        }
    }
    if !s.website.is_empty() {
        if let Err(e) = validate::url(&s.website) {
            errors.add("website", e);
        }
    }
    if errors.is_empty() {
        Ok(s)
    } else {
        Err((s, errors))
    }
}

/// Every route of this capability (`app::router` merges one router per capability).
pub fn router() -> axum::Router<crate::app::AppState> {
    axum::Router::new().merge(routes::routes())
}
