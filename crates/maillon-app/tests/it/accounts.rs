//! Signing in and out, rate limiting, forgotten passwords, invitations, the account page.

use crate::harness::{link_path, SmtpSink, TestApp};
use crate::*;

#[tokio::test]
async fn a_staff_member_signs_in_and_out() {
    let app = TestApp::demo().await;
    let client = app.client();

    let r = client.get("/tableau-de-bord").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/connexion?suite=%2Ftableau-de-bord");

    let r = client.login(FERRAT_ADMIN, PASSWORD).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/tableau-de-bord");
    let cookie = r.header("set-cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    // Someone in a single structure lands on it.
    let r = client.get("/tableau-de-bord").await;
    assert_eq!(r.status, 303);
    let r = client.get(&r.location()).await;
    r.assert_contains("Centre social Jean Ferrat");
    r.assert_contains("Nadia Benali");

    let r = client.post("/deconnexion", &[]).await;
    assert_eq!(r.status, 303);
    assert_eq!(client.get("/tableau-de-bord").await.status, 303);
    app.stop().await;
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::demo().await;
    let client = app.client();
    let wrong = client.login(FERRAT_ADMIN, "pas le bon mot de passe").await;
    let unknown = client.login("personne@nulle-part.test", PASSWORD).await;
    for r in [&wrong, &unknown] {
        assert_eq!(r.status, 200);
        r.assert_contains("Adresse e-mail ou mot de passe incorrect.");
    }
    // What was typed stays in the field.
    wrong.assert_contains("value=\"direction@jeanferrat.test\"");
    let empty = client.login("", "").await;
    empty.assert_contains("Indiquez votre adresse e-mail et votre mot de passe.");
    app.stop().await;
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account() {
    let app = TestApp::demo().await;
    let client = app.client();
    for _ in 0..5 {
        client
            .login(FERRAT_MEDIATOR, "mauvais mot de passe")
            .await
            .assert_contains("incorrect");
    }
    // Even the right password is refused now (429), and the message says what to do.
    let r = client.login(FERRAT_MEDIATOR, PASSWORD).await;
    assert_eq!(r.status, 429);
    r.assert_contains("Trop de tentatives");
    // Another account from the same address still signs in.
    assert_eq!(client.login(FERRAT_ADMIN, PASSWORD).await.status, 303);
    // Attempts are stored hashed: neither the e-mail nor the address is in the table.
    let keys = app
        .scalar_text("SELECT key_hash FROM limit_hits LIMIT 1")
        .await;
    assert_eq!(keys.len(), 64);
    assert!(!keys.contains('@'));
    app.stop().await;
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_an_emailed_link() {
    let sink = SmtpSink::start().await;
    let smtp = sink.url();
    let app = TestApp::start_with(|c| c.smtp_url = Some(smtp)).await;
    maillon_demo::seed(&app.db, &app.state().files, &app.base)
        .await
        .unwrap();

    // A session opened before the reset must end with it.
    let other_device = app.signed_in(FERRAT_ADMIN, PASSWORD).await;

    let client = app.client();
    let r = client
        .post(
            "/mot-de-passe-oublie",
            &[("email", "Direction@JeanFerrat.test")],
        )
        .await;
    r.assert_contains("Si un compte existe pour");
    let message = sink.message_with("/reinitialiser/").await;
    assert!(
        message.contains("Subject: Maillon : choisir un nouveau mot de passe"),
        "{message}"
    );
    assert!(
        message.contains("To: direction@jeanferrat.test"),
        "{message}"
    );
    let path = link_path(&message, "/reinitialiser/");

    client
        .get(&path)
        .await
        .assert_contains("Nouveau mot de passe");
    let r = client
        .post(&path, &[("password", "court"), ("confirmation", "court")])
        .await;
    r.assert_contains("au moins 12 caractères");
    let new_password = "le printemps revient toujours";
    let r = client
        .post(
            &path,
            &[("password", new_password), ("confirmation", new_password)],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/tableau-de-bord?info=mot-de-passe-change");
    let r = client.get(&r.location()).await;
    client
        .get(&r.location())
        .await
        .assert_contains("Votre mot de passe a été changé.");

    assert_eq!(
        other_device.get("/tableau-de-bord").await.status,
        303,
        "old session must be closed"
    );
    app.client()
        .login(FERRAT_ADMIN, PASSWORD)
        .await
        .assert_contains("incorrect");
    assert_eq!(
        app.client().login(FERRAT_ADMIN, new_password).await.status,
        303
    );

    // The link works once only.
    let again = app
        .client()
        .post(
            &path,
            &[("password", new_password), ("confirmation", new_password)],
        )
        .await;
    again.assert_contains("déjà été utilisé");
    app.client()
        .get(&path)
        .await
        .assert_contains("déjà été utilisé");
    app.stop().await;
}

#[tokio::test]
async fn reset_requests_reveal_nothing_and_links_expire() {
    let app = TestApp::demo().await;
    let client = app.client();
    let before = app.scalar_i64("SELECT COUNT(*) FROM emails").await;
    let r = client
        .post(
            "/mot-de-passe-oublie",
            &[("email", "inconnu@nulle-part.test")],
        )
        .await;
    r.assert_contains("Si un compte existe pour");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM emails").await,
        before,
        "no e-mail for an unknown account"
    );

    client
        .post("/mot-de-passe-oublie", &[("email", "pas-une-adresse")])
        .await
        .assert_contains("n'est pas une adresse e-mail valide");

    client
        .post("/mot-de-passe-oublie", &[("email", FERRAT_MEDIATOR)])
        .await;
    app.wait_for_emails().await;
    let path = link_path(&app.last_email_to(FERRAT_MEDIATOR).await, "/reinitialiser/");
    app.exec("UPDATE account_tokens SET expires_at = 1 WHERE purpose = 'reset'")
        .await;
    client.get(&path).await.assert_contains("Ce lien a expiré.");
    let r = client
        .post(
            &path,
            &[
                ("password", "une phrase assez longue"),
                ("confirmation", "une phrase assez longue"),
            ],
        )
        .await;
    r.assert_contains("Ce lien a expiré.");
    client
        .get("/reinitialiser/0000")
        .await
        .assert_contains("n'est pas valable");
    app.stop().await;
}

#[tokio::test]
async fn an_invited_person_creates_an_account_and_joins_the_structure() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;

    let r = nadia
        .post(
            &format!("/structures/{sid}/equipe/inviter"),
            &[("email", "pas-une-adresse"), ("role", "mediator")],
        )
        .await;
    r.assert_contains("n'est pas une adresse e-mail valide");
    r.assert_contains("value=\"pas-une-adresse\"");
    let r = nadia
        .post(
            &format!("/structures/{sid}/equipe/inviter"),
            &[("email", FERRAT_MEDIATOR), ("role", "mediator")],
        )
        .await;
    r.assert_contains("fait déjà partie de l'équipe");

    let r = nadia
        .post(
            &format!("/structures/{sid}/equipe/inviter"),
            &[("email", "amina@jeanferrat.test"), ("role", "volunteer")],
        )
        .await;
    // Without an SMTP server, the inviter gets the link to pass on, once.
    assert_eq!(r.status, 200);
    r.assert_contains("transmettez vous-même ce lien");
    r.assert_contains("/invitation/");
    nadia
        .get(&format!("/structures/{sid}/equipe"))
        .await
        .assert_contains("amina@jeanferrat.test");
    app.wait_for_emails().await;
    let path = link_path(
        &app.last_email_to("amina@jeanferrat.test").await,
        "/invitation/",
    );

    let amina = app.client();
    let page = amina.get(&path).await;
    page.assert_contains("Centre social Jean Ferrat");
    page.assert_contains("bénévole");
    let r = amina
        .post(
            &path,
            &[
                ("name", ""),
                ("password", "court"),
                ("confirmation", "court"),
            ],
        )
        .await;
    r.assert_contains("Indiquez votre prénom et votre nom.");
    r.assert_contains("au moins 12 caractères");
    let r = amina
        .post(
            &path,
            &[
                ("name", "Amina Haddad"),
                ("password", "le jardin partagé du centre"),
                ("confirmation", "le jardin partagé du centre"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), format!("/structures/{sid}?info=bienvenue"));
    amina
        .get(&r.location())
        .await
        .assert_contains("Bienvenue dans l'équipe");
    nadia
        .get(&format!("/structures/{sid}/equipe"))
        .await
        .assert_contains("Amina Haddad");

    // Used once: a second use is refused and creates nothing.
    let again = app
        .client()
        .post(
            &path,
            &[
                ("name", "Quelqu'un"),
                ("password", "une autre phrase longue"),
                ("confirmation", "une autre phrase longue"),
            ],
        )
        .await;
    again.assert_contains("déjà été utilisé");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM users WHERE email = 'amina@jeanferrat.test'")
            .await,
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn an_existing_account_joins_another_structure_with_its_password() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(MEDIATHEQUE).await;
    let thomas = app.signed_in(MEDIATHEQUE_ADMIN, PASSWORD).await;
    thomas
        .post(
            &format!("/structures/{sid}/equipe/inviter"),
            &[("email", FERRAT_MEDIATOR), ("role", "mediator")],
        )
        .await;
    app.wait_for_emails().await;
    let path = link_path(&app.last_email_to(FERRAT_MEDIATOR).await, "/invitation/");
    let karim = app.client();
    karim
        .get(&path)
        .await
        .assert_contains("Vous avez déjà un compte Maillon");
    karim
        .post(&path, &[("password", "pas le bon")])
        .await
        .assert_contains("Mot de passe incorrect pour ce compte.");
    assert_eq!(
        karim.post(&path, &[("password", PASSWORD)]).await.status,
        303
    );
    let dashboard = karim.get("/tableau-de-bord").await;
    dashboard.assert_contains(MEDIATHEQUE);
    dashboard.assert_contains(TILLEULS);

    // An invitation cancelled or expired can no longer be used.
    thomas
        .post(
            &format!("/structures/{sid}/equipe/inviter"),
            &[("email", "x@roanne.test"), ("role", "volunteer")],
        )
        .await;
    app.wait_for_emails().await;
    let path = link_path(&app.last_email_to("x@roanne.test").await, "/invitation/");
    let hash = app
        .scalar_text("SELECT token_hash FROM account_tokens WHERE email = 'x@roanne.test'")
        .await;
    assert_eq!(
        thomas
            .post(
                &format!("/structures/{sid}/invitations/{hash}/annuler"),
                &[]
            )
            .await
            .status,
        303
    );
    app.client()
        .get(&path)
        .await
        .assert_contains("Invitation inutilisable");
    app.stop().await;
}

#[tokio::test]
async fn changing_the_password_signs_out_everywhere_else() {
    let app = TestApp::demo().await;
    let laptop = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    let phone = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    let r = laptop
        .post(
            "/compte/mot-de-passe",
            &[
                ("current", "faux"),
                ("password", "x"),
                ("confirmation", "x"),
            ],
        )
        .await;
    r.assert_contains("Le mot de passe actuel n'est pas le bon.");
    let r = laptop
        .post(
            "/compte/mot-de-passe",
            &[
                ("current", PASSWORD),
                ("password", "azertyuiop123"),
                ("confirmation", "azertyuiop123"),
            ],
        )
        .await;
    r.assert_contains("trop courant");
    let r = laptop
        .post(
            "/compte/mot-de-passe",
            &[
                ("current", PASSWORD),
                ("password", "les tilleuls en fleurs"),
                ("confirmation", "les tilleuls en fleurs"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        laptop.get("/compte").await.status,
        200,
        "this device stays signed in"
    );
    assert_eq!(
        phone.get("/compte").await.status,
        303,
        "the other device is signed out"
    );
    app.stop().await;
}

#[tokio::test]
async fn sessions_end_after_idle_time_and_at_their_absolute_limit() {
    let app = TestApp::demo().await;
    let client = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    app.exec("UPDATE sessions SET last_seen_at = last_seen_at - 3 * 3600")
        .await;
    assert_eq!(
        client.get("/compte").await.status,
        303,
        "idle session must end"
    );
    let client = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    app.exec("UPDATE sessions SET expires_at = 1").await;
    assert_eq!(
        client.get("/compte").await.status,
        303,
        "expired session must end"
    );
    app.stop().await;
}

#[tokio::test]
async fn accounts_follow_the_password_rules_from_the_command_line_too() {
    let app = TestApp::start().await;
    let err = maillon_app::accounts::create_user(
        &app.db,
        "admin@centre.test",
        "Admin",
        "court",
        true,
        None,
    )
    .await
    .unwrap_err();
    assert!(err.contains("12 caractères"), "{err}");
    maillon_app::accounts::create_user(
        &app.db,
        "admin@centre.test",
        "Admin",
        "une phrase de passe solide",
        true,
        None,
    )
    .await
    .unwrap();
    let err = maillon_app::accounts::create_user(
        &app.db,
        "ADMIN@centre.test",
        "Admin",
        "une phrase de passe solide",
        true,
        None,
    )
    .await
    .unwrap_err();
    assert!(err.contains("existe déjà"), "{err}");
    let r = app
        .client()
        .login("admin@centre.test", "une phrase de passe solide")
        .await;
    assert_eq!(r.status, 303);
    let hash = app.scalar_text("SELECT password_hash FROM users").await;
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    app.stop().await;
}
