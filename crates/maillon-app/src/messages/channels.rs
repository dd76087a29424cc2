//! Which channel reaches a person: their preferred one if the consents allow it and the
//! address is known, otherwise the first possible of e-mail, SMS, letter, phone call.

use crate::members::consent::{self, ConsentState};
use crate::members::model::Member;

/// In this order when the person has no preference (the cheapest first).
pub const ORDER: &[&str] = &["email", "sms", "post", "phone"];

pub fn label(channel: &str) -> &'static str {
    match channel {
        "email" => "E-mail",
        "sms" => "SMS",
        "post" => "Courrier",
        "phone" => "Appel téléphonique",
        _ => "Aucun moyen possible",
    }
}

/// What decides: the person, their consent states for the message's purpose (channel →
/// state), whether they are a member this season, and whether SMS may be used at all
/// (the structure sends SMS and the message has a short version).
pub struct Situation<'a> {
    pub person: &'a Member,
    pub states: &'a [(String, ConsentState)],
    pub member: bool,
    pub purpose: &'a str,
    pub sms_possible: bool,
}

impl Situation<'_> {
    fn state(&self, channel: &str) -> Option<ConsentState> {
        self.states
            .iter()
            .find(|(c, _)| c == channel)
            .map(|(_, s)| *s)
    }

    /// The address on a channel, if the person has one there.
    fn address(&self, channel: &str) -> Option<String> {
        let p = self.person;
        let mobile = [&p.phone, &p.phone2]
            .into_iter()
            .find(|n| !n.is_empty() && crate::sms::is_mobile(n));
        match channel {
            "email" => Some(p.email.clone()).filter(|e| !e.is_empty()),
            "sms" if self.sms_possible => mobile.cloned(),
            "post" => p.has_postal_address().then(|| p.postal_lines().join("\n")),
            "phone" => [&p.phone, &p.phone2]
                .into_iter()
                .find(|n| !n.is_empty())
                .map(|n| crate::validate::phone_display(n)),
            _ => None,
        }
    }

    /// The channel and address, or None when nothing is possible.
    pub fn choose(&self) -> Option<(&'static str, String)> {
        let preferred = ORDER.iter().find(|c| **c == self.person.contact_pref);
        preferred
            .into_iter()
            .chain(ORDER.iter())
            .filter(|c| consent::allows(self.state(c), self.purpose, self.member))
            .find_map(|c| self.address(c).map(|a| (*c, a)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Member {
        Member {
            first_name: "Rose".into(),
            last_name: "Martin".into(),
            email: "rose@example.org".into(),
            phone: "+33612345678".into(),
            address: "3 rue des Lilas".into(),
            postcode: "69100".into(),
            commune: "Villeurbanne".into(),
            ..Member::default()
        }
    }

    fn choose(
        p: &Member,
        states: &[(&str, &str)],
        member: bool,
        purpose: &str,
    ) -> Option<&'static str> {
        let states: Vec<(String, ConsentState)> = states
            .iter()
            .map(|(c, s)| (c.to_string(), ConsentState::parse(s).unwrap()))
            .collect();
        Situation {
            person: p,
            states: &states,
            member,
            purpose,
            sms_possible: true,
        }
        .choose()
        .map(|(c, _)| c)
    }

    #[test]
    fn the_preferred_channel_first_then_the_cheapest_allowed() {
        let mut p = person();
        assert_eq!(choose(&p, &[], true, "news"), Some("email"));
        p.contact_pref = "post".into();
        assert_eq!(choose(&p, &[], true, "news"), Some("post"));
        // Refused by post: the next possible.
        assert_eq!(
            choose(&p, &[("post", "refused")], true, "news"),
            Some("email")
        );
        assert_eq!(
            choose(
                &p,
                &[("post", "refused"), ("email", "refused")],
                true,
                "news"
            ),
            Some("sms")
        );
    }

    #[test]
    fn without_consent_or_address_nothing_is_sent() {
        let p = person();
        // Not a member this season: news need a yes.
        assert_eq!(choose(&p, &[], false, "news"), None);
        assert_eq!(choose(&p, &[("sms", "given")], false, "news"), Some("sms"));
        // Surveys always need a yes.
        assert_eq!(choose(&p, &[], true, "surveys"), None);
        let nobody = Member::default();
        assert_eq!(choose(&nobody, &[], true, "news"), None);
        // A landline only: a call.
        let landline = Member {
            phone: "+33478123456".into(),
            ..Member::default()
        };
        assert_eq!(choose(&landline, &[], true, "news"), Some("phone"));
    }
}
