//! Tenancy: every route that takes an id answers 404 for another structure's object,
//! and roles limit what members may change.

use crate::harness::TestApp;
use crate::*;

#[tokio::test]
async fn another_structures_objects_answer_404_on_every_route() {
    let app = TestApp::demo().await;
    let ferrat = app.structure_id(FERRAT).await;
    let tilleuls = app.structure_id(TILLEULS).await;
    let ferrat_place = app
        .place_id("Espace numérique du centre social Jean Ferrat")
        .await;
    let nadia = app.user_id(FERRAT_ADMIN).await;
    // An invitation of Jean Ferrat (from the demo).
    let invitation = app
        .scalar_text("SELECT token_hash FROM account_tokens WHERE purpose = 'invitation'")
        .await;

    // The coordination's request waiting at Jean Ferrat (demo), and one of its e-mails.
    let request = app.scalar_text("SELECT id FROM invitation_requests").await;
    let email = app.scalar_text("SELECT id FROM emails LIMIT 1").await;

    // Sophie runs Les Tilleuls: Jean Ferrat is not hers.
    let sophie = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    let gets = [
        format!("/structures/{ferrat}/boite-d-envoi"),
        format!("/structures/{ferrat}/boite-d-envoi/{email}"),
        format!("/structures/{tilleuls}/boite-d-envoi/{email}"),
        format!("/structures/{ferrat}"),
        format!("/structures/{ferrat}/modifier"),
        format!("/structures/{ferrat}/equipe"),
        format!("/structures/{ferrat}/lieux/nouveau"),
        format!("/structures/{ferrat}/lieux/{ferrat_place}"),
        // Her own structure with another structure's place id.
        format!("/structures/{tilleuls}/lieux/{ferrat_place}"),
    ];
    for path in &gets {
        let r = sophie.get(path).await;
        assert_eq!(r.status, 404, "GET {path}");
        r.assert_contains("Page introuvable");
        assert!(
            !r.body.contains("Espace numérique du centre social"),
            "GET {path} leaked data"
        );
    }
    let place_fields = [
        ("nom", "Piraté"),
        ("pivot", "43493312300029"),
        ("adresse", "1 rue"),
        ("code_postal", "42000"),
        ("commune", "X"),
    ];
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/structures/{ferrat}/modifier"),
            vec![
                ("name", "Piraté"),
                ("kind", "Autre"),
                ("timezone", "Europe/Paris"),
            ],
        ),
        (
            format!("/structures/{ferrat}/lieux/nouveau"),
            place_fields.to_vec(),
        ),
        (
            format!("/structures/{ferrat}/lieux/{ferrat_place}"),
            place_fields.to_vec(),
        ),
        (
            format!("/structures/{tilleuls}/lieux/{ferrat_place}"),
            place_fields.to_vec(),
        ),
        (
            format!("/structures/{ferrat}/lieux/{ferrat_place}/supprimer"),
            vec![],
        ),
        (
            format!("/structures/{tilleuls}/lieux/{ferrat_place}/supprimer"),
            vec![],
        ),
        (
            format!("/structures/{ferrat}/equipe/inviter"),
            vec![("email", "intrus@pirate.test"), ("role", "structure_admin")],
        ),
        (
            format!("/structures/{ferrat}/equipe/{nadia}/role"),
            vec![("role", "volunteer")],
        ),
        (
            format!("/structures/{ferrat}/equipe/{nadia}/retirer"),
            vec![],
        ),
        (
            format!("/structures/{ferrat}/invitations/{invitation}/annuler"),
            vec![],
        ),
        (
            format!("/structures/{tilleuls}/invitations/{invitation}/annuler"),
            vec![],
        ),
        (
            format!("/structures/{ferrat}/demandes/{request}/approuver"),
            vec![],
        ),
        (
            format!("/structures/{tilleuls}/demandes/{request}/approuver"),
            vec![],
        ),
        (
            format!("/structures/{tilleuls}/demandes/{request}/refuser"),
            vec![],
        ),
    ];
    for (path, fields) in &posts {
        assert_eq!(sophie.post(path, fields).await.status, 404, "POST {path}");
    }
    // Nothing changed.
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM places WHERE id = '{ferrat_place}' AND nom LIKE 'Espace%'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar_text(&format!(
            "SELECT name FROM structures WHERE id = '{ferrat}'"
        ))
        .await,
        FERRAT
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM account_tokens WHERE email = 'intrus@pirate.test'")
            .await,
        0
    );
    assert_eq!(app.scalar_i64(&format!("SELECT COUNT(*) FROM memberships WHERE user_id = '{nadia}' AND role = 'structure_admin'")).await, 1);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM invitation_requests")
            .await,
        1,
        "the request is still waiting"
    );
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM account_tokens WHERE purpose = 'invitation' AND expires_at > 0"
        )
        .await,
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn members_who_do_not_manage_the_structure_read_but_do_not_change() {
    let app = TestApp::demo().await;
    let ferrat = app.structure_id(FERRAT).await;
    let place = app
        .place_id("Espace numérique du centre social Jean Ferrat")
        .await;
    for who in [FERRAT_VOLUNTEER, FERRAT_MEDIATOR] {
        let client = app.signed_in(who, PASSWORD).await;
        let r = client.get(&format!("/structures/{ferrat}")).await;
        assert_eq!(r.status, 200);
        assert!(!r.body.contains("Ajouter un lieu"));
        let r = client
            .get(&format!("/structures/{ferrat}/lieux/{place}"))
            .await;
        assert_eq!(r.status, 200);
        assert!(
            !r.body
                .contains("<form method=\"post\" action=\"/structures/"),
            "no edit form for {who}"
        );
        assert_eq!(
            client
                .get(&format!("/structures/{ferrat}/modifier"))
                .await
                .status,
            403
        );
        assert_eq!(
            client
                .get(&format!("/structures/{ferrat}/lieux/nouveau"))
                .await
                .status,
            403
        );
        assert_eq!(
            client
                .post(
                    &format!("/structures/{ferrat}/lieux/{place}/supprimer"),
                    &[]
                )
                .await
                .status,
            403
        );
        assert_eq!(
            client
                .post(
                    &format!("/structures/{ferrat}/equipe/inviter"),
                    &[("email", "a@b.test"), ("role", "mediator")]
                )
                .await
                .status,
            403
        );
        // Network pages are for network admins only.
        assert_eq!(client.get("/reseau").await.status, 403);
        assert_eq!(client.get("/reseau/import").await.status, 403);
        assert_eq!(client.get("/reseau/boite-d-envoi").await.status, 403);
        let email = app.scalar_text("SELECT id FROM emails LIMIT 1").await;
        assert_eq!(
            client
                .get(&format!("/reseau/boite-d-envoi/{email}"))
                .await
                .status,
            403
        );
    }
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM places").await, 5);
    app.stop().await;
}

#[tokio::test]
async fn a_person_in_two_structures_sees_both_and_the_network_admin_sees_all() {
    let app = TestApp::demo().await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let r = karim.get("/tableau-de-bord").await;
    r.assert_contains(FERRAT);
    r.assert_contains(TILLEULS);
    assert!(!r.body.contains(MEDIATHEQUE));
    let mediatheque = app.structure_id(MEDIATHEQUE).await;
    assert_eq!(
        karim
            .get(&format!("/structures/{mediatheque}"))
            .await
            .status,
        404
    );

    let claire = app.signed_in(NETWORK_ADMIN, PASSWORD).await;
    let r = claire.get("/reseau").await;
    for name in [FERRAT, TILLEULS, MEDIATHEQUE] {
        r.assert_contains(name);
    }
    let r = claire.get(&format!("/structures/{mediatheque}")).await;
    assert_eq!(r.status, 200);
    r.assert_contains("Bus numérique du Roannais");
    app.stop().await;
}

#[tokio::test]
async fn a_structure_keeps_at_least_one_admin() {
    let app = TestApp::demo().await;
    let ferrat = app.structure_id(FERRAT).await;
    let karim = app.user_id(FERRAT_MEDIATOR).await;
    let nadia_id = app.user_id(FERRAT_ADMIN).await;
    let claire = app.signed_in(NETWORK_ADMIN, PASSWORD).await;
    let r = claire
        .post(
            &format!("/structures/{ferrat}/equipe/{nadia_id}/role"),
            &[("role", "mediator")],
        )
        .await;
    assert_eq!(r.status, 400);
    r.assert_contains("au moins un ou une responsable");
    let r = claire
        .post(
            &format!("/structures/{ferrat}/equipe/{karim}/role"),
            &[("role", "structure_admin")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        claire
            .post(
                &format!("/structures/{ferrat}/equipe/{nadia_id}/retirer"),
                &[]
            )
            .await
            .status,
        303
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM memberships WHERE structure_id = '{ferrat}'"
        ))
        .await,
        3,
        "Karim, Jacqueline and Fatou stay"
    );
    app.stop().await;
}
