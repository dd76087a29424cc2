//! Messages to members: each person on their allowed channel, the preview, the test
//! send, sending hours, delivery tracking (bounces, letters, calls), the unsubscribe
//! link, public news, and who may do what.

use crate::harness::{link_path, Client, SmtpSink, TestApp};
use crate::*;

const FERRAT_DESK: &str = "accueil@jeanferrat.test";

fn today() -> jiff::civil::Date {
    jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .date()
}

/// Files a person in the quartier "Testville", a member of the season unless `member`
/// is false; returns their id.
async fn person(desk: &Client, sid: &str, fields: &[(&str, &str)], member: bool) -> String {
    let mut all = vec![("quartier", "Testville"), ("commune", "Saint-Étienne")];
    all.extend_from_slice(fields);
    let r = desk
        .post(&format!("/structures/{sid}/adherents/nouveau"), &all)
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let path = r.location();
    let pid = path
        .split('/')
        .nth(4)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    if member {
        let season = maillon_app::members::season_of(today());
        let r = desk
            .post(
                &format!("/structures/{sid}/adherents/{pid}/adhesion"),
                &[
                    ("season", season.as_str()),
                    ("joined_on", &today().to_string()),
                    ("fee", "10"),
                    ("payment_mode", "especes"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.text());
    }
    pid
}

async fn channel_of(app: &TestApp, mid: &str, first_name: &str) -> String {
    app.scalar_text(&format!(
        "SELECT d.channel FROM message_deliveries d JOIN beneficiaries b ON b.id = d.person_id \
         WHERE d.message_id = '{mid}' AND b.first_name = '{first_name}'"
    ))
    .await
}

/// Plans the message at once, as its job would (None when it is no longer scheduled).
async fn plan_now(
    app: &TestApp,
    sid: &str,
    mid: &str,
) -> Result<Option<usize>, maillon_app::db::DbError> {
    let sid = maillon_app::tenancy::StructureId::stored(sid);
    maillon_app::messages::plan::plan(&app.db, &app.base, &sid, mid).await
}

async fn wait_until(app: &TestApp, sql: &str) {
    for _ in 0..200 {
        if app.scalar_i64(sql).await > 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("never true: {sql}");
}

#[tokio::test]
async fn a_message_reaches_each_person_on_an_allowed_channel_and_is_tracked() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = TestApp::start_with(|c| c.smtp_url = Some(url)).await;
    maillon_demo::seed(&app.db, &app.state().files, &app.base)
        .await
        .unwrap();
    let sid = app.structure_id(FERRAT).await;
    // Sending hours all day, so that "now" is now whenever the test runs.
    app.exec(&format!(
        "UPDATE structures SET send_from_hour = 0, send_until_hour = 24 WHERE id = '{sid}'"
    ))
    .await;
    let desk = app.signed_in(FERRAT_DESK, PASSWORD).await;
    let some =
        |first: &'static str, last: &'static str| [("first_name", first), ("last_name", last)];
    let rose = person(
        &desk,
        &sid,
        &[
            &some("Rose", "Courriel")[..],
            &[("email", "rose@example.org"), ("contact_pref", "email")],
        ]
        .concat(),
        true,
    )
    .await;
    person(
        &desk,
        &sid,
        &[
            &some("Sami", "Portable")[..],
            &[("phone", "06 11 22 33 44")],
        ]
        .concat(),
        true,
    )
    .await;
    person(
        &desk,
        &sid,
        &[
            &some("Paul", "Lettre")[..],
            &[
                ("address", "8 rue des Lilas"),
                ("postcode", "42000"),
                ("contact_pref", "post"),
                ("email", "paul@example.org"),
            ],
        ]
        .concat(),
        true,
    )
    .await;
    let lea = person(
        &desk,
        &sid,
        &[&some("Léa", "Fixe")[..], &[("phone", "04 77 12 34 56")]].concat(),
        true,
    )
    .await;
    person(&desk, &sid, &some("Nina", "Sanscontact"), true).await;
    person(
        &desk,
        &sid,
        &[
            &some("Rémi", "Rejet")[..],
            &[("email", "rejet@example.org")],
        ]
        .concat(),
        true,
    )
    .await;
    person(
        &desk,
        &sid,
        &[
            &some("Ahmed", "Pasmembre")[..],
            &[("email", "ahmed@example.org")],
        ]
        .concat(),
        false,
    )
    .await;
    let r = desk
        .post(
            &format!("/structures/{sid}/segments"),
            &[("nom", "Testville"), ("quartier", "Testville")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let segment = app
        .scalar_text("SELECT id FROM segments WHERE name = 'Testville'")
        .await;

    // Bad input: French messages next to the fields, what was typed kept, nothing saved.
    let before = app.scalar_i64("SELECT COUNT(*) FROM member_messages").await;
    let messages = format!("/structures/{sid}/messages");
    let r = desk
        .post(
            &messages,
            &[
                ("subject", ""),
                ("body", "Un texte à garder"),
                ("purpose", "news"),
                ("sms_text", &"Trop long pour un SMS. ".repeat(25)),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("Indiquez l'objet du message.");
    r.assert_contains("Un texte à garder");
    r.assert_contains("Le SMS ferait 4 parties (3 au plus");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM member_messages").await,
        before
    );

    let fields = [
        ("subject", "Repas partagé vendredi"),
        (
            "body",
            "Venez au repas partagé vendredi à midi.\n\nApportez un plat si vous pouvez.",
        ),
        (
            "sms_text",
            "Repas partagé vendredi midi au centre. Apportez un plat !",
        ),
        ("purpose", "news"),
        ("segment_id", segment.as_str()),
        ("publish", "1"),
    ];
    let r = desk.post(&messages, &fields).await;
    assert_eq!(r.status, 303, "{}", r.text());
    let path = r.location().split('?').next().unwrap().to_string();
    let mid = path.rsplit('/').next().unwrap().to_string();

    // The preview says who gets what, and who cannot be reached.
    let page = desk.get(&path).await;
    page.assert_contains("7 personne(s)");
    page.assert_contains("E-mail : 2");
    page.assert_contains("SMS : 1");
    page.assert_contains("Courrier : 1");
    page.assert_contains("Appel téléphonique : 1");
    page.assert_contains("2 personne(s) ne peuvent pas être jointes");
    page.assert_contains("Nina Sanscontact");
    page.assert_contains("Ahmed Pasmembre");
    page.assert_contains("Bonjour Rose,");
    page.assert_contains("STOP SMS : répondez STOP");

    // The letters can be previewed before sending.
    let preview = desk.get(&format!("{path}/lettres")).await;
    preview.assert_contains("Aperçu : le message n'est pas encore envoyé.");
    preview.assert_contains("8 rue des Lilas");
    // A test to oneself, recorded nowhere as a delivery.
    let r = desk
        .post(&format!("{path}/essai"), &[("telephone_essai", "")])
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    sink.message_with("Subject: [Essai] Repas").await;

    // Sent now: one delivery per person, on their channel.
    let r = desk
        .post(&format!("{path}/envoyer"), &[("quand", "maintenant")])
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    wait_until(
        &app,
        &format!("SELECT COUNT(*) FROM member_messages WHERE id = '{mid}' AND status = 'sent'"),
    )
    .await;
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM message_deliveries WHERE message_id = '{mid}'"
        ))
        .await,
        7
    );
    assert_eq!(channel_of(&app, &mid, "Rose").await, "email");
    assert_eq!(channel_of(&app, &mid, "Sami").await, "sms");
    assert_eq!(
        channel_of(&app, &mid, "Paul").await,
        "post",
        "the preferred channel first"
    );
    assert_eq!(channel_of(&app, &mid, "Léa").await, "phone");
    assert_eq!(channel_of(&app, &mid, "Nina").await, "none");
    assert_eq!(
        channel_of(&app, &mid, "Ahmed").await,
        "none",
        "news to a non-member need a yes"
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM sms_messages WHERE purpose = 'message' AND to_phone = '+33611223344'").await,
        1
    );

    // The e-mail: HTML and text, the unsubscribe header with one-click.
    let mail = sink.message_with("Bonjour Rose,").await;
    assert!(mail.contains("List-Unsubscribe: <"), "{mail}");
    assert!(
        mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{mail}"
    );
    assert!(mail.contains("multipart/alternative"), "{mail}");
    assert!(mail.contains("text/html"), "{mail}");
    // The refused address is a bounce, not retried.
    wait_until(
        &app,
        "SELECT COUNT(*) FROM emails WHERE to_addr = 'rejet@example.org' AND status = 'bounced'",
    )
    .await;

    // Tracking: totals, the bounce, letters to print, calls to make.
    let page = desk.get(&path).await;
    page.assert_contains("Suivi par moyen d'envoi");
    page.assert_contains("Adresse refusée (rejet)");
    page.assert_contains("Non envoyé : aucun moyen possible");
    page.assert_contains("Lettre à imprimer");
    let letters = desk.get(&format!("{path}/lettres")).await;
    assert_eq!(letters.status, 200);
    letters.assert_contains("8 rue des Lilas");
    letters.assert_contains("42000 SAINT-ÉTIENNE");
    letters.assert_contains("Objet : Repas partagé vendredi");
    let calls = desk.get(&format!("{path}/appels")).await;
    calls.assert_contains("Léa Fixe");
    let r = desk
        .post(&format!("{path}/appels/{lea}"), &[("resultat", "appele")])
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        app.scalar_text(&format!("SELECT state FROM message_deliveries WHERE message_id = '{mid}' AND person_id = '{lea}'")).await,
        "sent"
    );
    // The person's record lists the messages they received.
    let record = desk
        .get(&format!("/structures/{sid}/adherents/{lea}"))
        .await;
    record.assert_contains("Messages reçus");
    record.assert_contains("Repas partagé vendredi");
    record.assert_contains("— Appel téléphonique : Appelé");
    // And so does the person's own page (personal link).
    let shown = desk
        .post(&format!("/structures/{sid}/adherents/{lea}/lien"), &[])
        .await
        .text();
    let start = shown.find("/mes-donnees/").expect("the link is shown");
    let own = &shown[start..start + "/mes-donnees/".len() + 64];
    let mine = app.client().get(own).await;
    mine.assert_contains("Les messages que le centre vous a envoyés");
    mine.assert_contains("Repas partagé vendredi — Appel téléphonique");
    let r = desk.post(&format!("{path}/lettres/imprimees"), &[]).await;
    assert_eq!(r.status, 303);
    desk.get(&path).await.assert_contains("Lettre imprimée");

    // Planning again (another server, a job run twice) changes nothing.
    let emails = app.scalar_i64("SELECT COUNT(*) FROM emails").await;
    let again = plan_now(&app, &sid, &mid).await.unwrap();
    assert!(again.is_none());
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM emails").await, emails);
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM message_deliveries WHERE message_id = '{mid}'"
        ))
        .await,
        7
    );

    // A sent message is no longer edited.
    let r = desk.post(&path, &fields).await;
    assert_eq!(r.status, 200);
    r.assert_contains("n'est plus un brouillon");

    // The unsubscribe link: a page, then one click (or the mail app's POST).
    let text = app.last_email_to("rose@example.org").await;
    let link = link_path(&text, "/desabonnement/");
    let anonymous = app.client();
    anonymous
        .get(&link)
        .await
        .assert_contains("Ne plus recevoir ces e-mails");
    let r = anonymous
        .post(&link, &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("C'est noté.");
    assert_eq!(
        app.scalar_text(&format!("SELECT state FROM consents WHERE person_id = '{rose}' AND channel = 'email' AND purpose = 'news'")).await,
        "refused"
    );
    assert_eq!(
        app.scalar_text(&format!(
            "SELECT source FROM consent_events WHERE person_id = '{rose}' ORDER BY at DESC LIMIT 1"
        ))
        .await,
        "link"
    );
    anonymous
        .get("/desabonnement/essai")
        .await
        .assert_contains("e-mail d'essai");
    assert_eq!(
        anonymous.post("/desabonnement/essai", &[]).await.status,
        404
    );
    assert_eq!(
        anonymous
            .get(&format!("/desabonnement/{}", "0".repeat(64)))
            .await
            .status,
        404
    );

    // Erased, Rose leaves no address or text in the send logs.
    let mut tx = app.db.begin_write().await.unwrap();
    assert!(maillon_app::activities::beneficiaries::erase(
        &mut tx,
        &maillon_app::tenancy::StructureId::stored(sid.clone()),
        &rose,
        2026
    )
    .await
    .unwrap());
    tx.commit().await.unwrap();
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM emails WHERE to_addr = 'rose@example.org' OR body_text LIKE '%Bonjour Rose%'")
            .await,
        0
    );

    // Published as news, with its feed.
    let news = app
        .client()
        .get(&format!("/actualites?structure={sid}"))
        .await;
    news.assert_contains("Repas partagé vendredi");
    news.assert_contains("Apportez un plat si vous pouvez.");
    let feed = app
        .client()
        .get(&format!("/actualites.atom?structure={sid}"))
        .await;
    feed.assert_contains("<title>Repas partagé vendredi</title>");
    assert_eq!(
        app.client().get(&format!("/actualites/{mid}")).await.status,
        200
    );
    app.stop().await;
}

#[tokio::test]
async fn nobody_to_reach_is_said_before_sending_and_scheduling_keeps_sending_hours() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let desk = app.signed_in(FERRAT_DESK, PASSWORD).await;
    let r = desk
        .post(
            &format!("/structures/{sid}/segments"),
            &[("nom", "Personne"), ("quartier", "Nulle part")],
        )
        .await;
    assert_eq!(r.status, 303);
    let nobody = app
        .scalar_text("SELECT id FROM segments WHERE name = 'Personne'")
        .await;
    let messages = format!("/structures/{sid}/messages");
    let r = desk
        .post(
            &messages,
            &[
                ("subject", "Pour personne"),
                ("body", "Texte"),
                ("purpose", "news"),
                ("segment_id", nobody.as_str()),
            ],
        )
        .await;
    let path = r.location().split('?').next().unwrap().to_string();
    desk.get(&path)
        .await
        .assert_contains("Ce segment ne touche personne");
    let r = desk
        .post(&format!("{path}/envoyer"), &[("quand", "maintenant")])
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("le message ne partirait vers personne");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM member_messages WHERE subject = 'Pour personne' AND status = 'draft'").await,
        1
    );

    // To the members of the season, tomorrow at 21:00: after the sending hours (9–19),
    // so the next morning at 9:00.
    let r = desk
        .post(
            &messages,
            &[
                ("subject", "Assemblée générale"),
                ("body", "Elle aura lieu en janvier."),
                ("purpose", "news"),
                ("segment_id", ""),
            ],
        )
        .await;
    let path = r.location().split('?').next().unwrap().to_string();
    let mid = path.rsplit('/').next().unwrap().to_string();
    let tomorrow = today().tomorrow().unwrap();
    let r = desk
        .post(
            &format!("{path}/envoyer"),
            &[
                ("quand", "plus_tard"),
                ("date", "2020-01-01"),
                ("heure", "10:00"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("Cette date est passée");
    let r = desk
        .post(
            &format!("{path}/envoyer"),
            &[
                ("quand", "plus_tard"),
                ("date", &tomorrow.to_string()),
                ("heure", "21:00"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let expected = tomorrow
        .tomorrow()
        .unwrap()
        .to_datetime(jiff::civil::time(9, 0, 0, 0))
        .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .unwrap()
        .timestamp()
        .as_second();
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT send_at FROM member_messages WHERE id = '{mid}' AND status = 'scheduled'"
        ))
        .await,
        expected
    );
    desk.get(&path).await.assert_contains("Programmé pour le");
    // Its job is due then, not now.
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT run_at FROM jobs WHERE kind = 'plan_message' AND payload LIKE '%{mid}%'"
        ))
        .await,
        expected
    );
    // Cancelled: a draft again, and the job, when it comes, plans nothing.
    let r = desk.post(&format!("{path}/deprogrammer"), &[]).await;
    assert_eq!(r.status, 303);
    assert!(plan_now(&app, &sid, &mid).await.unwrap().is_none());
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM message_deliveries WHERE message_id = '{mid}'"
        ))
        .await,
        0
    );
    let r = desk.post(&format!("{path}/supprimer"), &[]).await;
    assert_eq!(r.status, 303);
    assert_eq!(desk.get(&path).await.status, 404);
    app.stop().await;
}

#[tokio::test]
async fn messages_stay_within_their_structure_and_the_member_desk_team() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let sent = app
        .scalar_text(&format!(
            "SELECT id FROM member_messages WHERE structure_id = '{sid}' AND status = 'sent'"
        ))
        .await;
    let desk = app.signed_in(FERRAT_DESK, PASSWORD).await;
    let tracking = desk
        .get(&format!("/structures/{sid}/messages/{sent}"))
        .await;
    assert_eq!(tracking.status, 200);
    tracking.assert_contains("Suivi par moyen d'envoi");
    for outsider in [TILLEULS_ADMIN, FERRAT_VOLUNTEER] {
        let client = app.signed_in(outsider, PASSWORD).await;
        for path in [
            format!("/structures/{sid}/messages"),
            format!("/structures/{sid}/messages/{sent}"),
            format!("/structures/{sid}/messages/{sent}/lettres"),
            format!("/structures/{sid}/messages/{sent}/appels"),
        ] {
            assert_eq!(client.get(&path).await.status, 404, "{outsider} {path}");
        }
        let r = client
            .post(
                &format!("/structures/{sid}/messages/{sent}/lettres/imprimees"),
                &[],
            )
            .await;
        assert_eq!(r.status, 404);
    }
    // Another structure's id in the path does not open Ferrat's message.
    let tilleuls = app.structure_id(TILLEULS).await;
    let admin = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    assert_eq!(
        admin
            .get(&format!("/structures/{tilleuls}/messages/{sent}"))
            .await
            .status,
        404
    );
    app.stop().await;
}

#[tokio::test]
async fn a_failure_while_planning_leaves_nothing_half_sent() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    app.exec(&format!(
        "UPDATE structures SET send_from_hour = 0, send_until_hour = 24 WHERE id = '{sid}'"
    ))
    .await;
    let desk = app.signed_in(FERRAT_DESK, PASSWORD).await;
    let r = desk
        .post(
            &format!("/structures/{sid}/messages"),
            &[
                ("subject", "Panne"),
                ("body", "Texte"),
                ("purpose", "news"),
                ("segment_id", ""),
            ],
        )
        .await;
    let path = r.location().split('?').next().unwrap().to_string();
    let mid = path.rsplit('/').next().unwrap().to_string();
    // Scheduled for tomorrow: the workers leave it; the test plans it itself.
    let tomorrow = today().tomorrow().unwrap().to_string();
    let r = desk
        .post(
            &format!("{path}/envoyer"),
            &[
                ("quand", "plus_tard"),
                ("date", &tomorrow),
                ("heure", "10:00"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    // The database fails at the third person, as a crash would in the middle.
    let postgres = std::env::var("MAILLON_TEST_POSTGRES").is_ok_and(|v| !v.is_empty());
    if postgres {
        app.exec(
            "CREATE FUNCTION fail_third() RETURNS trigger AS $$ BEGIN \
             IF (SELECT COUNT(*) FROM message_deliveries WHERE message_id = NEW.message_id) >= 2 \
             THEN RAISE EXCEPTION 'panne'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
        )
        .await;
        app.exec("CREATE TRIGGER fail_third BEFORE INSERT ON message_deliveries FOR EACH ROW EXECUTE FUNCTION fail_third()").await;
    } else {
        app.exec(
            "CREATE TRIGGER fail_third BEFORE INSERT ON message_deliveries \
             WHEN (SELECT COUNT(*) FROM message_deliveries WHERE message_id = NEW.message_id) >= 2 \
             BEGIN SELECT RAISE(ABORT, 'panne'); END",
        )
        .await;
    }
    let emails = app.scalar_i64("SELECT COUNT(*) FROM emails").await;
    let sms = app.scalar_i64("SELECT COUNT(*) FROM sms_messages").await;
    let failed = plan_now(&app, &sid, &mid).await;
    assert!(failed.is_err());
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM message_deliveries WHERE message_id = '{mid}'"
        ))
        .await,
        0
    );
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM emails").await, emails);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM sms_messages").await,
        sms
    );
    assert_eq!(
        app.scalar_text(&format!(
            "SELECT status FROM member_messages WHERE id = '{mid}'"
        ))
        .await,
        "scheduled",
        "still to send: the job's next attempt plans it"
    );
    // Repaired: planned once, and only once.
    app.exec(if postgres {
        "DROP TRIGGER fail_third ON message_deliveries"
    } else {
        "DROP TRIGGER fail_third"
    })
    .await;
    let planned = plan_now(&app, &sid, &mid).await.unwrap().unwrap();
    assert!(planned > 2);
    assert!(plan_now(&app, &sid, &mid).await.unwrap().is_none());
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM message_deliveries WHERE message_id = '{mid}'"
        ))
        .await,
        planned as i64
    );
    app.stop().await;
}
