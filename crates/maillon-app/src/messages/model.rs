//! A message as written, and the checks of its form.

use super::{render, PURPOSES, SMS_MAX_PARTS};
use crate::activities::vocab;
use crate::db::{self, text, AnyRow, DbError};
use crate::web::forms::{FieldErrors, FormData};

crate::code_enum! {
    /// Where a message to members stands.
    #[derive(Default)]
    pub enum MessageStatus("état de message") {
        #[default]
        Draft = "draft", "Brouillon";
        Scheduled = "scheduled", "Programmé";
        Sent = "sent", "Envoyé";
    }
}

#[derive(Debug, Clone, Default)]
pub struct Message {
    pub id: String,
    pub subject: String,
    pub body: String,
    pub sms_text: String,
    pub purpose: String,
    /// '' : the members of the season.
    pub segment_id: String,
    pub segment_name: String,
    pub filter: String,
    pub status: MessageStatus,
    pub send_at: Option<i64>,
    pub planned_at: Option<i64>,
    pub publish: bool,
    pub published_at: Option<i64>,
    pub author_name: String,
    pub created_at: i64,
}

impl Message {
    pub fn purpose_label(&self) -> &'static str {
        vocab::label(PURPOSES, &self.purpose)
    }

    pub fn is_draft(&self) -> bool {
        self.status == MessageStatus::Draft
    }

    pub fn is_scheduled(&self) -> bool {
        self.status == MessageStatus::Scheduled
    }

    pub fn is_sent(&self) -> bool {
        self.status == MessageStatus::Sent
    }

    /// The body in paragraphs (blank lines separate them), for pages and letters.
    pub fn paragraphs(&self) -> Vec<String> {
        render::paragraphs(&self.body)
    }

    /// The SMS exactly as it will go (GSM-7, with the STOP line).
    pub fn sms_full(&self) -> String {
        render::sms(&self.sms_text)
    }

    pub fn sms_parts(&self) -> usize {
        crate::sms::gsm7::parts(&self.sms_full())
    }
}

pub fn from_row(r: &AnyRow) -> Result<Message, DbError> {
    Ok(Message {
        id: text(r, "id")?,
        subject: text(r, "subject")?,
        body: text(r, "body")?,
        sms_text: text(r, "sms_text")?,
        purpose: text(r, "purpose")?,
        segment_id: text(r, "segment_id")?,
        segment_name: text(r, "segment_name")?,
        filter: text(r, "filter")?,
        status: MessageStatus::parse(&text(r, "status")?)?,
        send_at: db::opt_int(r, "send_at")?,
        planned_at: db::opt_int(r, "planned_at")?,
        publish: db::flag(r, "publish")?,
        published_at: db::opt_int(r, "published_at")?,
        author_name: text(r, "author_name")?,
        created_at: db::int(r, "created_at")?,
    })
}

/// Reads the form; `segments` are the structure's segment ids.
pub fn from_form(form: &FormData, segments: &[String]) -> (Message, FieldErrors) {
    let mut m = Message {
        subject: form.get("subject"),
        body: form.raw("body").trim().replace("\r\n", "\n"),
        sms_text: form.raw("sms_text").trim().replace("\r\n", "\n"),
        purpose: form.get("purpose"),
        segment_id: form.get("segment_id"),
        publish: form.has("publish"),
        ..Message::default()
    };
    let errors = check(&mut m, segments);
    (m, errors)
}

pub fn check(m: &mut Message, segments: &[String]) -> FieldErrors {
    let mut errors = FieldErrors::default();
    if m.subject.is_empty() {
        errors.add("subject", "Indiquez l'objet du message.");
    } else if m.subject.chars().count() > 150 {
        errors.add("subject", "L'objet est trop long (150 caractères au plus).");
    }
    if m.body.is_empty() {
        errors.add("body", "Écrivez le texte du message.");
    } else if m.body.chars().count() > 20_000 {
        errors.add(
            "body",
            "Le texte est trop long (20 000 caractères au plus).",
        );
    }
    if !PURPOSES.iter().any(|(c, _)| *c == m.purpose) {
        errors.add("purpose", "Choisissez l'objet de l'envoi dans la liste.");
        m.purpose = "news".into();
    }
    if !m.segment_id.is_empty() && !segments.contains(&m.segment_id) {
        errors.add("segment_id", "Choisissez un segment de la liste.");
        m.segment_id.clear();
    }
    if !m.sms_text.is_empty() {
        let parts = m.sms_parts();
        if parts > SMS_MAX_PARTS {
            let over = render::sms_overflow(&m.sms_text, SMS_MAX_PARTS);
            errors.add(
                "sms_text",
                format!(
                    "Le SMS ferait {parts} parties ({SMS_MAX_PARTS} au plus, avec la mention « STOP ») : raccourcissez-le d'environ {over} caractères."
                ),
            );
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_message_needs_a_subject_a_text_and_a_known_segment() {
        let (_, errors) = from_form(
            &form(&[("purpose", "news"), ("segment_id", "autre")]),
            &["s1".into()],
        );
        assert!(errors.get("subject").is_some());
        assert!(errors.get("body").is_some());
        assert!(errors.get("segment_id").is_some());
    }

    #[test]
    fn an_sms_longer_than_three_parts_is_refused_with_how_much_to_cut() {
        let long = "Fête de quartier samedi au centre. ".repeat(16);
        let (_, errors) = from_form(
            &form(&[
                ("subject", "Fête"),
                ("body", "Texte"),
                ("purpose", "news"),
                ("sms_text", &long),
            ]),
            &[],
        );
        let e = errors.get("sms_text").unwrap();
        assert!(e.contains("3 au plus"), "{e}");
        assert!(e.contains("raccourcissez-le"), "{e}");
        let (_, ok) = from_form(
            &form(&[
                ("subject", "Fête"),
                ("body", "Texte"),
                ("purpose", "news"),
                ("sms_text", "Fête de quartier samedi 14h au centre."),
            ]),
            &[],
        );
        assert!(ok.is_empty());
    }
}
