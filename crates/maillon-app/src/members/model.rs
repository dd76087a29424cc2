//! A member's record as the desk sees it, and the checks of its form.

use super::{CHANNELS, LANGUAGES, PAYMENT_MODES, SECTORS};
use crate::activities::beneficiaries;
use crate::activities::vocab::{self, Choice};
use crate::validate;
use crate::web::forms::{FieldErrors, FormData};

/// One person of the structure, with what the member file holds about them. The
/// activity log's genre, statut and mediators' notes are not here: the desk never sees them.
#[derive(Debug, Clone, Default)]
pub struct Member {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub no_phone: bool,
    pub phone2: String,
    pub email: String,
    pub birth_year: Option<i64>,
    pub birth_year_text: String,
    pub address: String,
    pub postcode: String,
    pub commune: String,
    pub quartier: String,
    pub languages: Vec<String>,
    pub interests: Vec<String>,
    pub contact_pref: String,
    pub desk_notes: String,
    pub household_id: Option<String>,
    pub household_name: String,
    pub archived: bool,
    /// The season of the last membership (empty if never a member).
    pub last_season: String,
}

impl Member {
    pub fn display_name(&self) -> String {
        beneficiaries::display_name(&self.first_name, &self.last_name)
    }

    pub fn phone_display(&self) -> String {
        validate::phone_display(&self.phone)
    }

    pub fn phone2_display(&self) -> String {
        validate::phone_display(&self.phone2)
    }

    pub fn contact_pref_label(&self) -> &'static str {
        if self.contact_pref.is_empty() {
            "Pas de préférence"
        } else {
            vocab::label(CHANNELS, &self.contact_pref)
        }
    }

    pub fn languages_label(&self) -> String {
        codes_label(LANGUAGES, &self.languages)
    }

    pub fn interests_label(&self) -> String {
        codes_label(SECTORS, &self.interests)
    }

    pub fn speaks(&self, code: &&str) -> bool {
        self.languages.iter().any(|c| c == code)
    }

    pub fn likes(&self, code: &&str) -> bool {
        self.interests.iter().any(|c| c == code)
    }

    /// The address as it goes on an envelope (lines).
    pub fn postal_lines(&self) -> Vec<String> {
        let mut lines = vec![self.display_name()];
        lines.extend(
            self.address
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
        lines.push(
            format!("{} {}", self.postcode, self.commune.to_uppercase())
                .trim()
                .to_string(),
        );
        lines
    }

    pub fn has_postal_address(&self) -> bool {
        !self.address.trim().is_empty() && !self.postcode.is_empty()
    }
}

fn codes_label(list: &[Choice], codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| vocab::label(list, c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Keeps the known codes of a multiple choice, in the list's order.
fn known(list: &[Choice], chosen: &[String]) -> Vec<String> {
    list.iter()
        .filter(|(c, _)| chosen.iter().any(|x| x == c))
        .map(|(c, _)| c.to_string())
        .collect()
}

/// Reads and checks the member form. On error, gives back what was typed.
pub fn from_form(form: &FormData, this_year: i64) -> Result<Member, (Member, FieldErrors)> {
    let mut m = Member {
        first_name: form.get("first_name"),
        last_name: form.get("last_name"),
        phone: form.get("phone"),
        no_phone: form.has("no_phone"),
        phone2: form.get("phone2"),
        email: form.get("email"),
        birth_year_text: form.get("birth_year"),
        address: form.raw("address").trim().to_string(),
        postcode: form.get("postcode"),
        commune: form.get("commune"),
        quartier: form.get("quartier"),
        languages: known(LANGUAGES, &form.all("languages")),
        interests: known(SECTORS, &form.all("interests")),
        contact_pref: form.get("contact_pref"),
        desk_notes: form.raw("desk_notes").trim().to_string(),
        household_id: Some(form.get("household")).filter(|h| !h.is_empty()),
        household_name: form.get("household_name"),
        ..Member::default()
    };
    let errors = check(&mut m, this_year);
    if errors.is_empty() {
        Ok(m)
    } else {
        Err((m, errors))
    }
}

/// Checks and normalises a member (form and import share it).
pub fn check(m: &mut Member, this_year: i64) -> FieldErrors {
    let mut errors = FieldErrors::default();
    if m.first_name.is_empty() && m.last_name.is_empty() {
        errors.add(
            "last_name",
            "Indiquez au moins le prénom ou le nom de la personne.",
        );
    }
    if m.first_name.chars().count() > 100 || m.last_name.chars().count() > 100 {
        errors.add(
            "last_name",
            "Le prénom et le nom font 100 caractères au plus.",
        );
    }
    for (field, value) in [("phone", &mut m.phone), ("phone2", &mut m.phone2)] {
        if !value.is_empty() {
            match validate::phone(value) {
                Ok(p) => *value = p,
                Err(e) => errors.add(field, e),
            }
        }
    }
    if !m.email.is_empty() {
        match validate::email(&m.email) {
            Ok(e) => m.email = e,
            Err(e) => errors.add("email", e),
        }
    }
    match beneficiaries::birth_year(&m.birth_year_text, this_year) {
        Ok(y) => m.birth_year = y,
        Err(e) => errors.add("birth_year", e),
    }
    if !m.postcode.is_empty() {
        match validate::postal_code(&m.postcode) {
            Ok(p) => m.postcode = p,
            Err(e) => errors.add("postcode", e),
        }
    } else if !m.address.is_empty() {
        errors.add(
            "postcode",
            "Une adresse postale a besoin de son code postal (5 chiffres) : sans lui, le courrier n'arrive pas.",
        );
    }
    if !m.address.is_empty() && m.commune.is_empty() {
        errors.add("commune", "Indiquez la commune de l'adresse.");
    }
    if m.address.chars().count() > 300 || m.desk_notes.chars().count() > 2000 {
        errors.add(
            "address",
            "L'adresse fait 300 caractères au plus, les notes 2 000.",
        );
    }
    match m.contact_pref.as_str() {
        "" => {}
        "email" if m.email.is_empty() => errors.add(
            "contact_pref",
            "Pour être prévenu par e-mail, il faut une adresse e-mail.",
        ),
        "sms" if !crate::sms::is_mobile(&m.phone) && !crate::sms::is_mobile(&m.phone2) => errors
            .add(
                "contact_pref",
                "Pour recevoir des SMS, il faut un numéro de portable (06 ou 07).",
            ),
        "post" if m.address.is_empty() => errors.add(
            "contact_pref",
            "Pour recevoir du courrier, il faut une adresse postale.",
        ),
        "phone" if m.phone.is_empty() && m.phone2.is_empty() => errors.add(
            "contact_pref",
            "Pour être appelé, il faut un numéro de téléphone.",
        ),
        code if !vocab::is_code(CHANNELS, code) => errors.add(
            "contact_pref",
            "Choisissez un moyen de contact de la liste.",
        ),
        _ => {}
    }
    if m.household_id.as_deref() == Some("nouveau") && m.household_name.trim().is_empty() {
        errors.add(
            "household_name",
            "Donnez un nom au nouveau foyer, par exemple « Famille Benali ».",
        );
    }
    errors
}

/// A membership as typed in its form.
#[derive(Debug, Clone, Default)]
pub struct MembershipForm {
    pub season: String,
    pub joined_on: String,
    pub fee: String,
    pub fee_cents: i64,
    pub payment_mode: String,
    pub family: bool,
}

pub fn membership_from_form(
    form: &FormData,
) -> Result<MembershipForm, (MembershipForm, FieldErrors)> {
    let mut f = MembershipForm {
        season: form.get("season"),
        joined_on: form.get("joined_on"),
        fee: form.get("fee"),
        fee_cents: 0,
        payment_mode: form.get("payment_mode"),
        family: form.has("family"),
    };
    let mut errors = FieldErrors::default();
    if !is_season(&f.season) {
        errors.add("season", "La saison s'écrit comme « 2026-2027 ».");
    }
    if f.joined_on.parse::<jiff::civil::Date>().is_err() {
        errors.add("joined_on", "Indiquez la date d'adhésion (jj/mm/aaaa).");
    }
    match fee_cents(&f.fee) {
        Ok(cents) => f.fee_cents = cents,
        Err(e) => errors.add("fee", e),
    }
    if !vocab::is_code(PAYMENT_MODES, &f.payment_mode) {
        errors.add("payment_mode", "Choisissez le mode de paiement.");
    }
    if errors.is_empty() {
        Ok(f)
    } else {
        Err((f, errors))
    }
}

/// A fee typed as "12", "12,50" or "12.50 €", in cents.
pub fn fee_cents(text: &str) -> Result<i64, String> {
    let t = text.replace('€', "").replace(',', ".").trim().to_string();
    if t.is_empty() {
        return Err("Indiquez le montant de la cotisation (0 si elle est offerte).".into());
    }
    match t.parse::<f64>() {
        Ok(n) if n.is_finite() && (0.0..=10_000.0).contains(&n) => Ok((n * 100.0).round() as i64),
        _ => Err(format!(
            "« {} » n'est pas un montant : écrivez par exemple 12 ou 12,50.",
            text.trim()
        )),
    }
}

pub fn is_season(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    match parts.as_slice() {
        [a, b] => match (a.parse::<i64>(), b.parse::<i64>()) {
            (Ok(a), Ok(b)) => a.to_string().len() == 4 && b == a + 1,
            _ => false,
        },
        _ => false,
    }
}

/// "12,50 €"
pub fn euros(cents: i64) -> String {
    let s = format!("{},{:02} €", cents / 100, cents % 100);
    s.replace(",00 €", " €")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_needs_a_postcode_and_the_preferred_channel_must_be_reachable() {
        let form = FormData::from_pairs(vec![
            ("first_name".into(), "Rose".into()),
            ("address".into(), "12 rue des Lilas".into()),
            ("commune".into(), "Saint-Étienne".into()),
            ("contact_pref".into(), "email".into()),
        ]);
        let (m, errors) = from_form(&form, 2026).unwrap_err();
        assert!(errors.get("postcode").is_some());
        assert!(errors.get("contact_pref").is_some());
        assert_eq!(m.address, "12 rue des Lilas");
    }

    #[test]
    fn seasons_and_fees() {
        assert!(is_season("2026-2027"));
        assert!(!is_season("2026-2028"));
        assert!(!is_season("2026"));
        assert_eq!(euros(1250), "12,50 €");
        assert_eq!(euros(1000), "10 €");
        assert_eq!(fee_cents("12,50 €"), Ok(1250));
        assert!(fee_cents("douze").is_err());
    }
}
