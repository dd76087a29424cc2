//! Cycles: people register once for all the sessions of a workshop; seats, waiting list,
//! cancellation and new sessions move the whole registration together.

use crate::harness::{Client, TestApp};
use crate::workshops::in_days;
use crate::*;

/// A cycle of `weeks` weekly sessions with `capacity` seats, from in 3 days; returns the
/// workshop's id and its sessions' ids in date order.
async fn cycle(
    app: &TestApp,
    karim: &Client,
    sid: &str,
    capacity: &str,
    weeks: &str,
) -> (String, Vec<String>) {
    let r = karim
        .post(
            &format!("/structures/{sid}/ateliers/nouveau"),
            &[
                ("title", "Six mardis pour la tablette"),
                ("themes", "prise_en_main"),
                ("price_kind", "gratuit"),
                ("cycle", "1"),
                ("date", &in_days(3)),
                ("start_time", "14:00"),
                ("end_time", "16:00"),
                ("capacity", capacity),
                ("weeks", weeks),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let wid = app
        .scalar_text("SELECT id FROM workshops WHERE title = 'Six mardis pour la tablette'")
        .await;
    let ids = app
        .texts(&format!(
            "SELECT id FROM workshop_sessions WHERE workshop_id = '{wid}' ORDER BY date"
        ))
        .await;
    (wid, ids)
}

async fn seats_taken(app: &TestApp, wid: &str) -> Vec<i64> {
    app.ints(&format!(
        "SELECT seats_taken FROM workshop_sessions WHERE workshop_id = '{wid}' ORDER BY date"
    ))
    .await
}

async fn states(app: &TestApp, email: &str) -> Vec<String> {
    app.texts(&format!(
        "SELECT r.status FROM registrations r JOIN workshop_sessions s ON s.id = r.session_id \
         WHERE r.email = '{email}' ORDER BY s.date"
    ))
    .await
}

#[tokio::test]
async fn a_cycle_is_joined_once_for_all_its_sessions() {
    let app = TestApp::demo().await;
    app.exec("UPDATE structures SET offer_hours = 0").await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let (wid, sessions) = cycle(&app, &karim, &sid, "2", "3").await;
    assert_eq!(sessions.len(), 3);
    let public = app.client();

    // The page of any date shows the whole cycle; signing up holds a seat at each.
    let page = public.get(&format!("/ateliers/{}", sessions[1])).await;
    page.assert_contains("Cycle de 3 séances");
    page.assert_contains("S'inscrire au cycle");
    let r = public
        .post(
            &format!("/ateliers/{}", sessions[1]),
            &[
                ("name", "Ana Lopes"),
                ("email", "ana@example.fr"),
                ("seats", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let ana = r.location();
    assert_eq!(states(&app, "ana@example.fr").await, ["confirmee"; 3]);
    assert_eq!(seats_taken(&app, &wid).await, [2, 2, 2]);
    let mine = public.get(&ana).await;
    mine.assert_contains("cycle de 3 séances");
    mine.assert_contains("Annuler mon inscription aux séances à venir");
    let mail = app
        .scalar_text("SELECT body_text FROM emails WHERE to_addr = 'ana@example.fr'")
        .await;
    assert!(mail.contains("Cycle de 3 séances"), "{mail}");
    assert_eq!(mail.matches("14 h 00 – 16 h 00").count(), 3, "{mail}");
    // Signing up again from another date is refused kindly, nothing added.
    public
        .post(
            &format!("/ateliers/{}", sessions[2]),
            &[("name", "Ana"), ("email", "ana@example.fr")],
        )
        .await
        .assert_contains("déjà inscrit·e");
    assert_eq!(states(&app, "ana@example.fr").await.len(), 3);

    // Full: the next person waits for the whole cycle; the desk too.
    let r = public
        .post(
            &format!("/ateliers/{}", sessions[0]),
            &[("name", "Bruno Petit"), ("email", "bruno@example.fr")],
        )
        .await;
    let bruno = r.location();
    assert_eq!(states(&app, "bruno@example.fr").await, ["attente"; 3]);
    public
        .get(&bruno)
        .await
        .assert_contains("n° 1 sur la liste d'attente");
    let desk = karim
        .post(
            &format!("/structures/{sid}/seances/{}/inscrire", sessions[0]),
            &[("name", "Mme Garnier"), ("phone", "04 77 00 00 01")],
        )
        .await;
    assert!(desk.location().contains("inscription-attente"));
    karim
        .get(&format!("/structures/{sid}/seances/{}", sessions[2]))
        .await
        .assert_contains("Inscrire à tout le cycle");

    // Ana cancels: her seats go to Bruno at every session, and he is told once.
    public
        .post(&format!("{ana}/annuler"), &[])
        .await
        .assert_contains("Votre inscription est annulée");
    assert_eq!(states(&app, "ana@example.fr").await, ["annulee"; 3]);
    assert_eq!(states(&app, "bruno@example.fr").await, ["confirmee"; 3]);
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM emails WHERE to_addr = 'bruno@example.fr' AND subject LIKE 'Une place%'"
        )
        .await,
        1,
        "told once for the whole cycle"
    );
    // Mme Garnier came next, and the second seat is free everywhere: she is in too.
    assert_eq!(
        app.ints(
            "SELECT COUNT(*) FROM registrations WHERE name = 'Mme Garnier' AND status = 'confirmee'"
        )
        .await,
        [3]
    );
    assert_eq!(seats_taken(&app, &wid).await, [2, 2, 2]);

    // Bruno refuses reminders once, for every date.
    public.post(&format!("{bruno}/rappels"), &[]).await;
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM registrations WHERE email = 'bruno@example.fr' AND reminders = 1"
        )
        .await,
        0
    );

    // The centre calls the second date off: the cycle goes on at the others.
    let r = karim
        .post(
            &format!("/structures/{sid}/seances/{}/annuler", sessions[1]),
            &[("reason", "salle indisponible")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        states(&app, "bruno@example.fr").await,
        ["confirmee", "annulee", "confirmee"]
    );
    let page = public.get(&bruno).await;
    page.assert_contains("Séance annulée : salle indisponible");
    page.assert_contains("Confirmée");
    app.stop().await;
}

#[tokio::test]
async fn a_session_added_to_a_cycle_takes_its_registrants() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let (wid, sessions) = cycle(&app, &karim, &sid, "2", "2").await;
    let public = app.client();
    for (name, email, seats) in [
        ("Ana", "ana@example.fr", "2"),
        ("Bruno", "bruno@example.fr", "1"),
    ] {
        let r = public
            .post(
                &format!("/ateliers/{}", sessions[0]),
                &[("name", name), ("email", email), ("seats", seats)],
            )
            .await;
        assert_eq!(r.status, 303);
    }
    let add = |capacity: &'static str| {
        let karim = &karim;
        let path = format!("/structures/{sid}/ateliers/{wid}/seances");
        async move {
            karim
                .post(
                    &path,
                    &[
                        ("date", in_days(17).as_str()),
                        ("start_time", "14:00"),
                        ("end_time", "16:00"),
                        ("capacity", capacity),
                        ("weeks", "1"),
                    ],
                )
                .await
        }
    };
    // Too small for those already in: refused, nothing added.
    let r = add("1").await;
    assert_eq!(r.status, 200);
    r.assert_contains("2 places sont déjà prises dans ce cycle");
    assert_eq!(seats_taken(&app, &wid).await.len(), 2);
    let r = add("3").await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(seats_taken(&app, &wid).await, [2, 2, 2]);
    assert_eq!(states(&app, "ana@example.fr").await, ["confirmee"; 3]);
    assert_eq!(states(&app, "bruno@example.fr").await, ["attente"; 3]);

    // A cycle with registrations stays one; a workshop without any may change.
    let edit = format!("/structures/{sid}/ateliers/{wid}/modifier");
    let r = karim
        .post(
            &edit,
            &[
                ("title", "Six mardis pour la tablette"),
                ("themes", "prise_en_main"),
                ("price_kind", "gratuit"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("Des personnes sont déjà inscrites");
    assert_eq!(
        app.scalar_i64(&format!("SELECT cycle FROM workshops WHERE id = '{wid}'"))
            .await,
        1
    );
    app.stop().await;
}

/// Many people ask at once for the last seats of a cycle: no session is ever overbooked,
/// and every person holds the same state at every session.
#[tokio::test]
async fn concurrent_cycle_sign_ups_take_every_session_or_none() {
    let app = TestApp::demo_open().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    // 40 people, 60 seats asked for 30: a waiting list of 30 holds the others.
    let (wid, sessions) = cycle(&app, &karim, &sid, "30", "3").await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let client = app.client();
        // Each asks from a different date of the cycle, with one or two seats.
        let path = format!("/ateliers/{}", sessions[i % 3]);
        tasks.push(tokio::spawn(async move {
            let phone = format!("06 22 33 44 {i:02}");
            let seats = (1 + i % 2).to_string();
            client
                .post(
                    &path,
                    &[
                        ("name", format!("Personne {i}").as_str()),
                        ("phone", phone.as_str()),
                        ("seats", seats.as_str()),
                    ],
                )
                .await
                .status
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 303);
    }
    let taken = seats_taken(&app, &wid).await;
    assert!(
        taken.iter().all(|t| *t <= 30 && *t == taken[0]),
        "{taken:?}"
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT CAST(COALESCE(SUM(r.seats), 0) AS BIGINT) FROM registrations r WHERE r.session_id = '{}' AND r.status = 'confirmee'",
            sessions[0]
        ))
        .await,
        taken[0]
    );
    // Every person: 3 rows, all in one state.
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM (SELECT cycle_id FROM registrations r JOIN workshop_sessions s ON s.id = r.session_id \
             WHERE s.workshop_id = '{wid}' GROUP BY cycle_id HAVING COUNT(*) = 3 AND COUNT(DISTINCT status) = 1) x"
        ))
        .await,
        40
    );
    app.stop().await;
}
