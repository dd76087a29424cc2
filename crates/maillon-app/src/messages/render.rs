//! A message as each channel carries it: e-mail (plain text and HTML), SMS, letter.

use super::SMS_STOP;
use crate::sms::gsm7;

/// Paragraphs: blank lines separate them; single line breaks stay inside.
pub fn paragraphs(body: &str) -> Vec<String> {
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

/// The SMS as it goes: GSM-7, then the STOP line.
pub fn sms(text: &str) -> String {
    gsm7::to_gsm7(&format!("{}\n{SMS_STOP}", text.trim()))
}

/// About how many characters to remove for the SMS to fit in `max_parts`.
pub fn sms_overflow(text: &str, max_parts: usize) -> usize {
    gsm7::excess(&sms(text), max_parts)
}

/// What a person needs to read an e-mail: their first name and the unsubscribe link.
pub struct Personal<'a> {
    pub first_name: &'a str,
    pub structure_name: &'a str,
    pub purpose_label: &'a str,
    pub unsubscribe_url: &'a str,
}

pub fn email_text(body: &str, p: &Personal) -> String {
    format!(
        "{}\n\n{}\n\n— {}\n\n--\nVous recevez ce message de {} ({}). Pour ne plus le recevoir par e-mail : {}\n",
        crate::validate::greeting(p.first_name),
        paragraphs(body).join("\n\n"),
        p.structure_name,
        p.structure_name,
        p.purpose_label.to_lowercase(),
        p.unsubscribe_url
    )
}

/// Text in HTML (the Atom writer's escaping: the same characters matter).
pub fn escape(text: &str) -> String {
    crate::web::atom::escape(text)
}

/// A paragraph in HTML: escaped, line breaks kept, web addresses made links.
fn html_paragraph(text: &str) -> String {
    text.lines()
        .map(|line| {
            line.split(' ')
                .map(|word| {
                    if word.starts_with("https://") || word.starts_with("http://") {
                        let w = escape(word);
                        format!("<a href=\"{w}\">{w}</a>")
                    } else {
                        escape(word)
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("<br>\n")
}

/// The HTML version: simple, readable in every mail app, large text.
pub fn email_html(subject: &str, body: &str, p: &Personal) -> String {
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n\
         <body style=\"font-family: Arial, sans-serif; font-size: 17px; line-height: 1.5; color: #1a1a1a; max-width: 40em; margin: 0 auto; padding: 1em;\">\n\
         <p>{}</p>\n",
        escape(subject),
        escape(&crate::validate::greeting(p.first_name))
    );
    for para in paragraphs(body) {
        html.push_str(&format!("<p>{}</p>\n", html_paragraph(&para)));
    }
    html.push_str(&format!(
        "<p>— {}</p>\n<hr>\n<p style=\"font-size: 14px; color: #555;\">Vous recevez ce message de {} ({}). \
         <a href=\"{}\">Ne plus recevoir ces messages par e-mail</a>.</p>\n</body></html>\n",
        escape(p.structure_name),
        escape(p.structure_name),
        escape(&p.purpose_label.to_lowercase()),
        escape(p.unsubscribe_url)
    ));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Personal<'static> {
        Personal {
            first_name: "Aïcha",
            structure_name: "Centre social Jean Ferrat",
            purpose_label: "Actualités du centre",
            unsubscribe_url: "https://maillon.test/desabonnement/abc",
        }
    }

    #[test]
    fn the_e_mail_greets_the_person_and_says_how_to_unsubscribe() {
        let body = "La fête a lieu samedi.\n\nInscriptions : https://centre.test/fete <ici>";
        let text = email_text(body, &person());
        assert!(text.starts_with("Bonjour Aïcha,\n\nLa fête a lieu samedi."));
        assert!(text.contains("https://maillon.test/desabonnement/abc"));
        let html = email_html("Fête & repas", body, &person());
        assert!(html.contains("<title>Fête &amp; repas</title>"));
        assert!(html.contains(
            "<a href=\"https://centre.test/fete\">https://centre.test/fete</a> &lt;ici&gt;"
        ));
        assert!(html.contains("<a href=\"https://maillon.test/desabonnement/abc\">"));
    }

    #[test]
    fn the_sms_carries_the_stop_line_in_gsm7() {
        let s = sms("Fête samedi à 14h, venez nombreux·ses !");
        assert!(s.ends_with("\nSTOP SMS : répondez STOP"));
        assert!(crate::sms::gsm7::parts(&s) == 1);
        assert_eq!(sms_overflow("court", 3), 0);
        assert!(sms_overflow(&"x".repeat(500), 3) > 0);
    }
}
