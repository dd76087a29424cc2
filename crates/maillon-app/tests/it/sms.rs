//! SMS: through a fake Brevo on loopback, in GSM-7, each send logged with its outcome;
//! reminders and cancellations by SMS; sessions and workshops the centre calls off.

use crate::harness::{FakeSms, TestApp};
use crate::workshops::{in_days, workshop_on};
use crate::*;

const SMS_OF: &str = "SELECT COUNT(*) FROM sms_messages WHERE to_phone = ";

/// Waits (bounded) until the SMS to `phone` left the queue; returns its status.
async fn settled(app: &TestApp, phone: &str) -> String {
    for _ in 0..200 {
        let status = app
            .scalar_text(&format!(
                "SELECT status FROM sms_messages WHERE to_phone = '{phone}' ORDER BY created_at DESC LIMIT 1"
            ))
            .await;
        if status != "queued" {
            return status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the SMS to {phone} is still queued");
}

#[tokio::test]
async fn sms_go_through_the_provider_in_gsm7_and_each_send_is_logged() {
    let fake = FakeSms::start().await;
    let app = fake.demo_app().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let session = workshop_on(&app, &karim, &sid, "10", "1", 7).await;
    let public = app.client();
    let path = format!("/ateliers/{session}");
    let sign_up = |name: &'static str, phone: &'static str| {
        let (public, path) = (&public, &path);
        async move {
            let r = public.post(path, &[("name", name), ("phone", phone)]).await;
            assert_eq!(r.status, 303, "{}", r.body);
            r.location()
        }
    };

    // A mobile: the confirmation reaches the provider, in GSM-7, with the personal link.
    let link = sign_up("Éloïse Garçon", "06 98 76 54 32").await;
    assert_eq!(settled(&app, "+33698765432").await, "sent");
    let received = fake.wait_for(1).await;
    let (key, sms) = received
        .iter()
        .find(|(_, m)| m["recipient"] == "33698765432")
        .expect("the provider received the confirmation");
    assert_eq!(key, "cle-api-de-test");
    assert_eq!(sms["sender"], "Maillon");
    assert_eq!(sms["type"], "transactional");
    let text = sms["content"].as_str().unwrap();
    assert!(text.contains("inscription confirmée"), "{text}");
    assert!(text.contains(&link), "{text}");
    assert!(
        !text.contains(['«', '»', 'ç', 'ê', '’']),
        "only GSM-7 characters: {text}"
    );
    assert!(
        text.contains("\" Bien utiliser son smartphone \""),
        "{text}"
    );
    assert_ne!(
        app.scalar_text("SELECT provider_ref FROM sms_messages WHERE to_phone = '+33698765432'")
            .await,
        "",
        "the provider's reference is kept"
    );

    // A landline gets no SMS.
    sign_up("Marcel Fixe", "04 77 12 34 56").await;
    assert_eq!(app.scalar_i64(&format!("{SMS_OF} '+33477123456'")).await, 0);

    // Refused by the provider: logged as failed, not retried.
    fake.answers.lock().unwrap().push(400);
    sign_up("Numéro Refusé", "06 98 76 54 33").await;
    assert_eq!(settled(&app, "+33698765433").await, "failed");
    assert!(app
        .scalar_text("SELECT last_error FROM sms_messages WHERE to_phone = '+33698765433'")
        .await
        .contains("400"));
    // The provider down: kept queued for a retry, the error noted.
    fake.answers.lock().unwrap().push(503);
    sign_up("Panne Passagère", "06 98 76 54 34").await;
    let mut error = String::new();
    for _ in 0..200 {
        error = app
            .scalar_text("SELECT last_error FROM sms_messages WHERE to_phone = '+33698765434'")
            .await;
        if !error.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(error.contains("503"), "{error}");
    assert_eq!(
        app.scalar_text("SELECT status FROM sms_messages WHERE to_phone = '+33698765434'")
            .await,
        "queued"
    );

    // The send log, for those who manage the structure; personal links hidden.
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let log = nadia.get(&format!("/structures/{sid}/sms")).await;
    log.assert_contains("06 98 76 54 32");
    log.assert_contains("Envoyé");
    log.assert_contains("Échec");
    log.assert_contains("Nouvel essai prévu");
    assert!(!log.body.contains(&link), "the personal link is not shown");
    assert_eq!(
        karim.get(&format!("/structures/{sid}/sms")).await.status,
        403
    );
    let other = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    assert_eq!(
        other.get(&format!("/structures/{sid}/sms")).await.status,
        404
    );

    // A structure that turns SMS off sends none.
    let fields = [
        ("name", FERRAT),
        ("kind", "Centre social"),
        ("timezone", "Europe/Paris"),
        ("reminder_days", "2"),
    ];
    let r = nadia
        .post(&format!("/structures/{sid}/modifier"), &fields)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    sign_up("Sans Sms", "06 98 76 54 35").await;
    assert_eq!(app.scalar_i64(&format!("{SMS_OF} '+33698765435'")).await, 0);
    app.stop().await;
}

#[tokio::test]
async fn reminders_go_by_sms_and_a_cancelled_session_tells_everyone() {
    use maillon_app::workshops::reminders;
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let session = workshop_on(&app, &karim, &sid, "1", "1", 3).await;
    let public = app.client();
    let path = format!("/ateliers/{session}");
    let lucie = public
        .post(&path, &[("name", "Lucie"), ("phone", "07 11 22 33 44")])
        .await
        .location();
    public
        .post(&path, &[("name", "Paul"), ("email", "paul@example.fr")])
        .await;
    app.exec("UPDATE registrations SET created_at = 0").await;

    // The reminder the day before goes by SMS to a mobile without e-mail.
    let date: jiff::civil::Date = in_days(2).parse().unwrap();
    let at = date
        .to_datetime(jiff::civil::time(10, 0, 0, 0))
        .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .unwrap()
        .timestamp();
    let (db, url) = (&app.state().db, &app.state().config.public_url);
    reminders::plan_at(db, url, at).await.unwrap();
    let reminder = app
        .scalar_text(
            "SELECT body FROM sms_messages WHERE purpose = 'rappel' AND to_phone = '+33711223344'",
        )
        .await;
    assert!(
        reminder.starts_with("Rappel Centre social Jean Ferrat"),
        "{reminder}"
    );

    // Calling the session off: a reason too long is refused, nothing changes.
    let cancel = format!("/structures/{sid}/seances/{session}/annuler");
    let form = karim.get(&cancel).await;
    form.assert_contains("(2)");
    let long = "x".repeat(201);
    let r = karim.post(&cancel, &[("reason", &long)]).await;
    r.assert_contains("200 caractères au plus");
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM workshop_sessions WHERE id = '{session}' AND cancelled_at IS NULL"
        ))
        .await,
        1
    );
    let r = karim.post(&cancel, &[("reason", "animateur malade")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location().ends_with("info=seance-annulee"));
    // Everyone told, on their channel; nobody registered any more.
    let sms = app
        .scalar_text(
            "SELECT body FROM sms_messages WHERE purpose = 'annulation' AND to_phone = '+33711223344'",
        )
        .await;
    assert!(sms.contains("animateur malade"), "{sms}");
    assert!(app
        .last_email_to("paul@example.fr")
        .await
        .contains("n'aura pas lieu (animateur malade)"));
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM registrations WHERE session_id = '{session}' AND status <> 'annulee'"
        ))
        .await,
        0
    );
    public
        .get(&lucie)
        .await
        .assert_contains("Cette séance est annulée");
    assert_eq!(public.get(&path).await.status, 404);
    assert!(!public.get("/ateliers").await.body.contains(&session));
    // Twice, or a desk registration afterwards: nothing to do.
    assert_eq!(karim.post(&cancel, &[]).await.status, 404);
    let desk = format!("/structures/{sid}/seances/{session}/inscrire");
    assert_eq!(karim.post(&desk, &[("name", "Tardif")]).await.status, 404);
    // No reminder for a cancelled session.
    let before = app.scalar_i64("SELECT COUNT(*) FROM sms_messages").await;
    let morning = date
        .checked_add(jiff::Span::new().days(1))
        .unwrap()
        .to_datetime(jiff::civil::time(9, 0, 0, 0))
        .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
        .unwrap()
        .timestamp();
    reminders::plan_at(db, url, morning).await.unwrap();
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM sms_messages").await,
        before
    );
    app.stop().await;
}

#[tokio::test]
async fn deleting_a_workshop_tells_the_people_of_its_coming_sessions() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let session = workshop_on(&app, &karim, &sid, "5", "2", 3).await;
    let wid = app
        .scalar_text(&format!(
            "SELECT workshop_id FROM workshop_sessions WHERE id = '{session}'"
        ))
        .await;
    app.client()
        .post(
            &format!("/ateliers/{session}"),
            &[("name", "Rose"), ("email", "rose@example.fr")],
        )
        .await;
    let delete = format!("/structures/{sid}/ateliers/{wid}/supprimer");
    karim
        .get(&delete)
        .await
        .assert_contains("2 séance(s) à venir sont annulées");
    // Another structure cannot even see it.
    let other = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    let tilleuls = app.structure_id(TILLEULS).await;
    assert_eq!(
        other
            .post(
                &format!("/structures/{tilleuls}/ateliers/{wid}/supprimer"),
                &[]
            )
            .await
            .status,
        404
    );
    let r = karim.post(&delete, &[("reason", "")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(app
        .last_email_to("rose@example.fr")
        .await
        .contains("n'aura pas lieu"));
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM workshops WHERE id = '{wid}'"
        ))
        .await,
        0
    );
    karim
        .get(&format!("/structures/{sid}/ateliers?info=atelier-supprime"))
        .await
        .assert_contains("L'atelier est supprimé");
    app.stop().await;
}

/// With a confirmation delay, a freed seat is offered to the next person; confirmed, it
/// is theirs; unanswered in time, it passes on and they are told.
#[tokio::test]
async fn a_freed_seat_waits_for_confirmation_then_passes_on() {
    use maillon_app::workshops::waiting;
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let settings = |hours: &'static str| {
        [
            ("name", FERRAT),
            ("kind", "Centre social"),
            ("timezone", "Europe/Paris"),
            ("reminder_days", "2"),
            ("offer_hours", hours),
        ]
    };
    nadia
        .post(&format!("/structures/{sid}/modifier"), &settings("5"))
        .await
        .assert_contains("Choisissez le délai de confirmation");
    let r = nadia
        .post(&format!("/structures/{sid}/modifier"), &settings("24"))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let session = workshop_on(&app, &karim, &sid, "1", "1", 5).await;
    let public = app.client();
    let path = format!("/ateliers/{session}");
    let mut links = Vec::new();
    for (name, email) in [
        ("Anne", "anne@example.fr"),
        ("Bruno", "bruno@example.fr"),
        ("Chloé", "chloe@example.fr"),
    ] {
        let r = public
            .post(&path, &[("name", name), ("email", email)])
            .await;
        links.push(r.location());
    }
    // Anne leaves: Bruno is offered the seat, which stays held (nobody else gets it).
    public.post(&format!("{}/annuler", links[0]), &[]).await;
    let page = public.get(&links[1]).await;
    page.assert_contains("Une place s'est libérée pour vous");
    page.assert_contains("Je confirme ma place");
    assert!(app
        .last_email_to("bruno@example.fr")
        .await
        .contains("confirmez-la"));
    let seats = format!("SELECT seats_taken FROM workshop_sessions WHERE id = '{session}'");
    assert_eq!(app.scalar_i64(&seats).await, 1);
    karim
        .get(&format!("/structures/{sid}/seances/{session}"))
        .await
        .assert_contains("Place proposée, à confirmer");
    // Bruno confirms: the seat is his, and an expiry later changes nothing.
    public
        .post(&format!("{}/confirmer", links[1]), &[])
        .await
        .assert_contains("Confirmée");
    // Confirming twice changes nothing; staff find nothing left to confirm either.
    public
        .post(&format!("{}/confirmer", links[1]), &[])
        .await
        .assert_contains("Confirmée");
    let bruno = app
        .scalar_text("SELECT id FROM registrations WHERE email = 'bruno@example.fr'")
        .await;
    let staff_confirm =
        format!("/structures/{sid}/seances/{session}/inscriptions/{bruno}/confirmer");
    let r = karim.post(&staff_confirm, &[]).await;
    assert!(
        r.location().ends_with("info=place-plus-proposee"),
        "{}",
        r.location()
    );
    let (db, url) = (&app.state().db, &app.state().config.public_url);
    let tomorrow = maillon_app::db::now() + 25 * 3600;
    assert_eq!(waiting::expire_offers(db, url, tomorrow).await.unwrap(), 0);
    // A seat offered to someone who phones to say yes: staff confirm it for them.
    let dan = public
        .post(&path, &[("name", "Dan"), ("email", "dan@example.fr")])
        .await
        .location();
    public.post(&format!("{}/annuler", links[1]), &[]).await;
    let chloe = app
        .scalar_text("SELECT id FROM registrations WHERE email = 'chloe@example.fr'")
        .await;
    let r = karim
        .post(
            &format!("/structures/{sid}/seances/{session}/inscriptions/{chloe}/confirmer"),
            &[],
        )
        .await;
    assert!(
        r.location().ends_with("info=place-confirmee"),
        "{}",
        r.location()
    );
    public.get(&links[2]).await.assert_contains("Confirmée");
    // Chloé leaves in turn: Dan is offered the seat, does not answer, and it passes on.
    public.post(&format!("{}/annuler", links[2]), &[]).await;
    public
        .get(&dan)
        .await
        .assert_contains("Je confirme ma place");
    assert_eq!(waiting::expire_offers(db, url, tomorrow).await.unwrap(), 1);
    assert!(app
        .last_email_to("dan@example.fr")
        .await
        .contains("n'a pas été confirmée à temps"));
    assert_eq!(app.scalar_i64(&seats).await, 0, "the seat is free again");
    // Confirming too late: nothing changes, the page says where things stand.
    let late = public.post(&format!("{dan}/confirmer"), &[]).await;
    late.assert_contains("Annulée");
    assert_eq!(app.scalar_i64(&seats).await, 0);
    assert_eq!(
        public
            .post("/inscription/forged/confirmer", &[])
            .await
            .status,
        404
    );
    app.stop().await;
}
