//! What anyone without an account can make Maillon do, bounded (issue 16, decision 0017):
//! password guesses, public sign-ups (e-mails and paid SMS), the other public forms.

use crate::harness::{link_path, FakeSms, SmtpSink, TestApp};
use crate::workshops::workshop_on;
use crate::*;

/// Sends `n` requests at once and returns their statuses.
async fn burst(n: usize, send: impl Fn(usize) -> tokio::task::JoinHandle<u16>) -> Vec<u16> {
    let tasks: Vec<_> = (0..n).map(send).collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses
}

#[tokio::test]
async fn parallel_password_guesses_get_no_more_than_the_limit() {
    let app = TestApp::demo().await;
    // 40 wrong passwords at once to one account: five are checked, the others refused
    // with 429 before any password is checked.
    let statuses = burst(40, |_| {
        let client = app.client();
        tokio::spawn(async move { client.login(FERRAT_MEDIATOR, "devine-moi").await.status })
    })
    .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        35,
        "{statuses:?}"
    );
    let refused = app.client().login(FERRAT_MEDIATOR, PASSWORD).await;
    assert_eq!(refused.status, 429);
    assert!(!refused.header("retry-after").is_empty());
    refused.assert_contains("Trop de tentatives de connexion");
    refused.assert_contains("même quand le compte est bloqué");

    // 60 at once from one address, to as many accounts: 30 at most are checked in the
    // window (the five above included).
    let statuses = burst(60, |i| {
        let client = app.client();
        tokio::spawn(async move {
            client
                .login(&format!("personne{i}@exemple.test"), "devine-moi")
                .await
                .status
        })
    })
    .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        25,
        "{statuses:?}"
    );
    assert!(statuses.iter().all(|s| *s == 200 || *s == 429));

    // Attempts are stored hashed: no e-mail, no address.
    for key in app.texts("SELECT key_hash FROM limit_hits").await {
        assert_eq!(key.len(), 64);
    }
    app.stop().await;
}

#[tokio::test]
async fn the_owner_of_a_locked_account_gets_in_by_a_password_link() {
    let sink = SmtpSink::start().await;
    let smtp = sink.url();
    let app = TestApp::demo_with(|c| c.smtp_url = Some(smtp)).await;
    let client = app.client();
    for _ in 0..5 {
        client.login(FERRAT_MEDIATOR, "devine-moi").await;
    }
    assert_eq!(client.login(FERRAT_MEDIATOR, PASSWORD).await.status, 429);
    let forgot = client.get("/mot-de-passe-oublie").await;
    forgot.assert_contains("Votre compte est bloqué après trop de tentatives");
    client
        .post("/mot-de-passe-oublie", &[("email", FERRAT_MEDIATOR)])
        .await
        .assert_contains("un e-mail vient de partir");
    let mail = sink.message_with("/reinitialiser/").await;
    let path = link_path(&mail, "/reinitialiser/");
    let new = "un tout nouveau mot de passe";
    let r = client
        .post(&path, &[("password", new), ("confirmation", new)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Signed in by the link, and the lock is over for the new password.
    assert_eq!(app.client().login(FERRAT_MEDIATOR, new).await.status, 303);
    app.stop().await;
}

/// A Maillon with the demo where public sign-ups from one address are not limited, to
/// test the other bounds one at a time.
async fn open_app(adjust: impl FnOnce(&mut maillon_app::config::Config)) -> TestApp {
    let app = TestApp::demo_with(|c| {
        c.public_signups_per_hour = 10_000;
        adjust(c);
    })
    .await;
    app
}

async fn new_session(app: &TestApp, capacity: &str) -> String {
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    workshop_on(app, &karim, &sid, capacity, "1", 9).await
}

#[tokio::test]
async fn public_sign_ups_are_bounded_per_address() {
    let app = TestApp::demo().await;
    let session = new_session(&app, "100").await;
    let client = app.client();
    let mut statuses = Vec::new();
    for i in 0..12 {
        let phone = format!("06 12 34 56 {i:02}");
        let name = format!("Personne {i}");
        let r = client
            .post(
                &format!("/ateliers/{session}"),
                &[("name", &name), ("phone", &phone)],
            )
            .await;
        if r.status == 429 {
            r.assert_contains("Inscription non enregistrée");
            r.assert_contains("inscrivez-vous par téléphone ou à l'accueil");
            // What was typed stays in the form.
            r.assert_contains(&format!("value=\"{name}\""));
        }
        statuses.push(r.status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        2,
        "{statuses:?}"
    );
    let registered = app
        .scalar_i64(&format!(
            "SELECT COUNT(*) FROM registrations WHERE session_id = '{session}'"
        ))
        .await;
    assert_eq!(registered, 10);
    app.stop().await;
}

#[tokio::test]
async fn one_phone_or_one_email_signs_up_a_few_times_a_day() {
    let app = open_app(|_| {}).await;
    let session = new_session(&app, "100").await;
    let client = app.client();
    let mut statuses = Vec::new();
    for i in 0..7 {
        let name = format!("Voisin {i}");
        let r = client
            .post(
                &format!("/ateliers/{session}"),
                &[("name", &name), ("phone", "06 99 88 77 66")],
            )
            .await;
        // The refusal never says who holds the number.
        assert!(!r.body.contains("Voisin 0") || i == 0, "{}", r.body);
        statuses.push(r.status);
    }
    assert_eq!(
        statuses[..5].iter().filter(|s| **s == 429).count(),
        0,
        "{statuses:?}"
    );
    assert_eq!(&statuses[5..], &[429, 429], "{statuses:?}");
    let mut statuses = Vec::new();
    for i in 0..6 {
        let r = client
            .post(
                &format!("/ateliers/{session}"),
                &[
                    ("name", &format!("Cousin {i}")),
                    ("email", "Famille@Exemple.test"),
                ],
            )
            .await;
        statuses.push(r.status);
    }
    assert_eq!(statuses[5], 429, "{statuses:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_waiting_list_has_an_end_and_names_carry_no_link() {
    let sink = SmtpSink::start().await;
    let smtp = sink.url();
    let app = open_app(|c| c.smtp_url = Some(smtp)).await;
    let session = new_session(&app, "2").await;
    let client = app.client();
    // Two seats, then a waiting list of ten (the least a waiting list takes).
    let mut refused = None;
    for i in 0..20 {
        let r = client
            .post(
                &format!("/ateliers/{session}"),
                &[
                    ("name", &format!("Personne {i}")),
                    ("phone", &format!("06 11 22 33 {i:02}")),
                ],
            )
            .await;
        if r.status != 303 {
            refused = Some((i, r));
            break;
        }
    }
    let (at, page) = refused.expect("the waiting list stops");
    assert_eq!(at, 12);
    page.assert_contains("sa liste d'attente aussi");
    page.assert_contains("04 77 ");
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM registrations WHERE session_id = '{session}' AND status = 'attente'"
        ))
        .await,
        10
    );

    // A name that reads as a link is refused on the public form, next to the field…
    let other = new_session(&app, "30").await;
    let before = app.scalar_i64("SELECT COUNT(*) FROM emails").await;
    for name in [
        "=HYPERLINK(\"http://evil.example\")",
        "Gagnez sur www.evil.example",
        "evil.example",
    ] {
        let r = client
            .post(
                &format!("/ateliers/{other}"),
                &[("name", name), ("email", "cible@exemple.test")],
            )
            .await;
        assert_eq!(r.status, 200, "{name}");
        r.assert_contains("Écrivez seulement votre nom, sans adresse de site ni e-mail.");
    }
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM emails").await, before);
    // …and one typed at the desk is never repeated in a greeting.
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let r = karim
        .post(
            &format!("/structures/{sid}/seances/{other}/inscrire"),
            &[("name", "www.evil.example"), ("email", "desk@exemple.test")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mail = app.last_email_to("desk@exemple.test").await;
    assert!(mail.starts_with("Bonjour,\n"), "{mail}");
    assert!(!mail.contains("evil"), "{mail}");
    app.stop().await;
}

#[tokio::test]
async fn a_structure_sends_no_more_sms_a_day_than_its_budget() {
    let sms = FakeSms::start().await;
    let url = sms.url();
    let app = open_app(|c| {
        c.sms_provider = Some("brevo".into());
        c.sms_api_key = Some("cle".into());
        c.sms_url = url;
    })
    .await;
    let sid = app.structure_id(FERRAT).await;
    app.exec(&format!(
        "UPDATE structures SET sms_daily_budget = 3 WHERE id = '{sid}'"
    ))
    .await;
    let session = new_session(&app, "50").await;
    let already: i64 = app
        .scalar_i64(&format!(
            "SELECT COALESCE(MAX(asked), 0) FROM sms_daily_counts WHERE structure_id = '{sid}'"
        ))
        .await;
    // Parallel sign-ups with mobiles: the budget holds exactly.
    let base = app.base.clone();
    let statuses = burst(8, |i| {
        let client = crate::harness::Client::new(&base);
        let session = session.clone();
        tokio::spawn(async move {
            client
                .post(
                    &format!("/ateliers/{session}"),
                    &[
                        ("name", &format!("Mobile {i}")),
                        ("phone", &format!("06 55 44 33 {i:02}")),
                    ],
                )
                .await
                .status
        })
    })
    .await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    let queued = app
        .scalar_i64(&format!(
            "SELECT COUNT(*) FROM sms_messages WHERE structure_id = '{sid}' AND to_phone LIKE '+3365544330%' AND status <> 'over_budget'"
        ))
        .await;
    assert_eq!(queued, (3 - already).max(0), "budget of 3 a day");
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM sms_messages WHERE structure_id = '{sid}' AND status = 'over_budget'"
        ))
        .await,
        8 - queued
    );
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let log = nadia.get(&format!("/structures/{sid}/sms")).await;
    log.assert_contains("Le plafond du jour est atteint");
    log.assert_contains("Non envoyé : plafond de SMS du jour atteint");
    // The setting is on the structure's form.
    nadia
        .get(&format!("/structures/{sid}/modifier"))
        .await
        .assert_contains("SMS par jour au plus");
    app.stop().await;
}

#[tokio::test]
async fn the_other_public_forms_are_bounded_per_address() {
    let app = TestApp::demo().await;
    let client = app.client();
    // Personal links (a registration's, the member file's) and password forms: 60 in a
    // quarter of an hour from one address, then 429.
    let paths = [
        "/inscription/inconnu/annuler".to_string(),
        "/inscription/inconnu/rappels".to_string(),
        "/mes-donnees/inconnu".to_string(),
        "/reinitialiser/inconnu".to_string(),
    ];
    let mut statuses = Vec::new();
    for i in 0..64 {
        statuses.push(client.post(&paths[i % paths.len()], &[]).await.status);
    }
    assert!(statuses[..60].iter().all(|s| *s != 429), "{statuses:?}");
    assert!(statuses[60..].iter().all(|s| *s == 429), "{statuses:?}");
    let r = client.post("/mes-donnees/inconnu", &[]).await;
    r.assert_contains("Trop de demandes");
    // Password links: three an hour for one e-mail, whether it has an account or not.
    let other = app.client();
    for _ in 0..3 {
        let r = other
            .post(
                "/mot-de-passe-oublie",
                &[("email", "quelquun@exemple.test")],
            )
            .await;
        assert_eq!(r.status, 200);
    }
    let r = other
        .post(
            "/mot-de-passe-oublie",
            &[("email", "quelquun@exemple.test")],
        )
        .await;
    assert_eq!(r.status, 429);
    r.assert_contains("Trop de demandes de lien");
    app.stop().await;
}
