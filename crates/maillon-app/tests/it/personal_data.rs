//! Personal data of the activity log: audit log, subject access, erasure that keeps the
//! statistics, retention job, and the volunteers' access chosen by the structure.

use crate::harness::TestApp;
use crate::*;

#[tokio::test]
async fn every_view_and_change_of_a_person_is_in_the_journal() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let josette = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Josette'")
        .await;
    karim
        .get(&format!("/structures/{sid}/beneficiaires/{josette}"))
        .await;
    karim
        .post(
            &format!("/structures/{sid}/beneficiaires/{josette}"),
            &[
                ("first_name", "Josette"),
                ("last_name", "Martin"),
                ("birth_year", "1948"),
            ],
        )
        .await;
    karim
        .get(&format!("/structures/{sid}/beneficiaires/export.csv"))
        .await;

    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let journal = nadia.get(&format!("/structures/{sid}/journal")).await;
    assert_eq!(journal.status, 200);
    journal.assert_contains("Karim Diallo</td><td>a consulté la fiche</td>");
    journal.assert_contains("Karim Diallo</td><td>a modifié la fiche</td>");
    journal.assert_contains("a exporté la liste des bénéficiaires");
    journal.assert_contains("Josette Martin</a>");
    // Only the structure's admins read it.
    assert_eq!(
        karim
            .get(&format!("/structures/{sid}/journal"))
            .await
            .status,
        403
    );
    let claire = app.signed_in(NETWORK_ADMIN, PASSWORD).await;
    assert_eq!(
        claire
            .get(&format!("/structures/{sid}/journal"))
            .await
            .status,
        404
    );
    app.stop().await;
}

#[tokio::test]
async fn a_person_gets_their_data_and_erasure_keeps_the_statistics() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let josette = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Josette'")
        .await;
    let (status, body) = nadia
        .get_bytes(&format!(
            "/structures/{sid}/beneficiaires/{josette}/donnees.json"
        ))
        .await;
    assert_eq!(status, 200);
    let data: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(data["personne"]["nom"], "Martin");
    let activities = data["activites"].as_array().unwrap().len();
    assert!(activities > 0);

    let stats_before = nadia
        .get(&format!(
            "/structures/{sid}/statistiques?du=2000-01-01&au=2999-12-31"
        ))
        .await;
    let figures = |page: &str| {
        page.split("<ul class=\"key-figures\">")
            .nth(1)
            .unwrap()
            .split("</ul>")
            .next()
            .unwrap()
            .to_string()
    };
    let before = figures(&stats_before.body);
    let total_before = app
        .scalar_i64("SELECT CAST(SUM(accompaniments) AS BIGINT) FROM activities")
        .await;

    assert_eq!(
        app.client()
            .post(
                &format!("/structures/{sid}/beneficiaires/{josette}/effacer"),
                &[]
            )
            .await
            .status,
        303,
        "needs sign-in"
    );
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    assert_eq!(
        karim
            .post(
                &format!("/structures/{sid}/beneficiaires/{josette}/effacer"),
                &[]
            )
            .await
            .status,
        403,
        "admins only"
    );
    let r = nadia
        .post(
            &format!("/structures/{sid}/beneficiaires/{josette}/effacer"),
            &[],
        )
        .await;
    assert_eq!(r.status, 303);
    nadia
        .get(&r.location())
        .await
        .assert_contains("La personne a été effacée.");

    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM beneficiaries WHERE first_name = 'Josette'")
            .await,
        0
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM activity_participants WHERE beneficiary_id = '{josette}'"
        ))
        .await,
        0
    );
    assert_eq!(
        app.scalar_i64("SELECT CAST(SUM(accompaniments) AS BIGINT) FROM activities")
            .await,
        total_before
    );
    let after = figures(
        &nadia
            .get(&format!(
                "/structures/{sid}/statistiques?du=2000-01-01&au=2999-12-31"
            ))
            .await
            .body,
    );
    // Same accompaniments; one named person fewer, as many more anonymous ones.
    let accompaniments = |f: &str| f.split("</strong>").next().unwrap().to_string();
    assert_eq!(accompaniments(&before), accompaniments(&after));
    assert_ne!(before, after);
    let journal = nadia.get(&format!("/structures/{sid}/journal")).await;
    journal.assert_contains("(personne effacée)");
    assert!(
        !journal.body.contains("Josette"),
        "the journal keeps no name"
    );
    app.stop().await;
}

#[tokio::test]
async fn people_inactive_for_the_retention_period_are_anonymised() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let place = app
        .place_id("Espace numérique du centre social Jean Ferrat")
        .await;
    let fields = [
        ("date", "2022-05-10"),
        ("duration", "30"),
        ("canal", "lieu"),
        ("place_id", place.as_str()),
        ("themes", "email"),
        ("oriented", "non"),
        ("person", "nouveau"),
        ("b_first_name", "Ancien"),
        ("b_last_name", "Visiteur"),
    ];
    assert_eq!(
        karim
            .post(
                &format!("/structures/{sid}/activites/nouvelle?type=individuel"),
                &fields
            )
            .await
            .status,
        303
    );
    karim
        .post(
            &format!("/structures/{sid}/beneficiaires/nouveau"),
            &[("first_name", "Jamais"), ("last_name", "Venu")],
        )
        .await;
    app.exec("UPDATE beneficiaries SET created_at = 1000 WHERE last_name IN ('Visiteur', 'Venu')")
        .await;
    let named_before = app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await;

    let done = maillon_app::activities::beneficiaries::anonymise_inactive(&app.db, 24)
        .await
        .unwrap();
    assert_eq!(done, 2, "the old visitor and the person never accompanied");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await,
        named_before - 2
    );
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM activities WHERE date = '2022-05-10' AND anon_count = 1"
        )
        .await,
        1
    );
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'anonymisation' AND user_name = 'Maillon (automatique)'").await, 2);
    // The demo's people, seen recently, stay.
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM beneficiaries WHERE first_name = 'Josette'")
            .await,
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn volunteers_see_beneficiaries_only_when_the_structure_allows_it() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let volunteer = app.signed_in(FERRAT_VOLUNTEER, PASSWORD).await;
    assert_eq!(
        volunteer
            .get(&format!("/structures/{sid}/beneficiaires"))
            .await
            .status,
        404
    );

    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let fields = [
        ("name", FERRAT),
        ("kind", "Centre social"),
        ("timezone", "Europe/Paris"),
        ("volunteers_see_beneficiaries", "1"),
    ];
    assert_eq!(
        nadia
            .post(&format!("/structures/{sid}/modifier"), &fields)
            .await
            .status,
        303
    );
    nadia
        .get(&format!("/structures/{sid}/modifier"))
        .await
        .assert_contains("name=\"volunteers_see_beneficiaries\" value=\"1\" checked");

    let list = volunteer
        .get(&format!("/structures/{sid}/beneficiaires"))
        .await;
    assert_eq!(list.status, 200);
    list.assert_contains("Martin Josette");
    // Still no activity log, no export, no erasure, no journal.
    for path in [
        "activites",
        "activites/export.csv",
        "beneficiaires/export.csv",
        "journal",
    ] {
        assert_eq!(
            volunteer
                .get(&format!("/structures/{sid}/{path}"))
                .await
                .status,
            404,
            "{path}"
        );
    }
    let josette = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Josette'")
        .await;
    // Her history shows what was done, without links to activities they cannot open.
    let detail = volunteer
        .get(&format!("/structures/{sid}/beneficiaires/{josette}"))
        .await;
    detail.assert_contains("Historique");
    assert!(!detail
        .body
        .contains(&format!("/structures/{sid}/activites/")));
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let links = karim
        .get(&format!("/structures/{sid}/beneficiaires/{josette}"))
        .await;
    links.assert_contains(&format!("/structures/{sid}/activites/"));
    assert_eq!(
        volunteer
            .post(
                &format!("/structures/{sid}/beneficiaires/{josette}/effacer"),
                &[]
            )
            .await
            .status,
        404
    );
    app.stop().await;
}

#[tokio::test]
async fn the_same_person_entered_twice_is_found_and_merged() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let new = format!("/structures/{sid}/beneficiaires/nouveau");
    karim
        .post(
            &new,
            &[
                ("first_name", "Josete"),
                ("last_name", "MARTIN"),
                ("phone", "06 11 22 33 44"),
                ("commune", "Saint-Étienne"),
            ],
        )
        .await;
    karim
        .post(
            &new,
            &[
                ("first_name", "Paul"),
                ("last_name", "Vial"),
                ("phone", "06 11 22 33 44"),
            ],
        )
        .await;
    let page = karim
        .get(&format!("/structures/{sid}/beneficiaires/doublons"))
        .await;
    page.assert_contains("Josete MARTIN et Josette Martin");
    page.assert_contains("noms très proches");
    page.assert_contains("même numéro de téléphone");

    let josette = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Josette'")
        .await;
    let copy = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Josete'")
        .await;
    let activities = app
        .scalar_i64(&format!(
            "SELECT COUNT(*) FROM activity_participants WHERE beneficiary_id = '{josette}'"
        ))
        .await;
    let place = app
        .place_id("Espace numérique du centre social Jean Ferrat")
        .await;
    let today = maillon_app::places::routes::today("Europe/Paris");
    let fields = [
        ("date", today.as_str()),
        ("duration", "30"),
        ("canal", "lieu"),
        ("place_id", place.as_str()),
        ("themes", "email"),
        ("person", "existant"),
        ("beneficiary_id", copy.as_str()),
        ("oriented", "non"),
    ];
    assert_eq!(
        karim
            .post(
                &format!("/structures/{sid}/activites/nouvelle?type=individuel"),
                &fields
            )
            .await
            .status,
        303
    );

    let r = karim
        .post(
            &format!("/structures/{sid}/beneficiaires/fusion"),
            &[("keep", josette.as_str()), ("other", copy.as_str())],
        )
        .await;
    assert_eq!(r.status, 303);
    karim
        .get(&r.location())
        .await
        .assert_contains("Les deux fiches ont été fusionnées.");
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM beneficiaries WHERE id = '{copy}'"
        ))
        .await,
        0
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM activity_participants WHERE beneficiary_id = '{josette}'"
        ))
        .await,
        activities + 1
    );
    assert_eq!(
        app.scalar_text(&format!(
            "SELECT phone FROM beneficiaries WHERE id = '{josette}'"
        ))
        .await,
        "+33611223344",
        "empty field filled"
    );
    // Another structure's ids are refused.
    let sophie = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    let tilleuls = app.structure_id(TILLEULS).await;
    let paul = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Paul'")
        .await;
    assert_eq!(
        sophie
            .post(
                &format!("/structures/{tilleuls}/beneficiaires/fusion"),
                &[("keep", josette.as_str()), ("other", paul.as_str())]
            )
            .await
            .status,
        404
    );
    app.stop().await;
}

#[tokio::test]
async fn several_people_are_erased_after_a_confirmation() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let a = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Gérard'")
        .await;
    let b = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Yvette'")
        .await;
    let total = app
        .scalar_i64("SELECT CAST(SUM(accompaniments) AS BIGINT) FROM activities")
        .await;
    let people = app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await;
    let path = format!("/structures/{sid}/beneficiaires/effacer-selection");
    let confirm = nadia
        .post(&path, &[("ids", a.as_str()), ("ids", b.as_str())])
        .await;
    confirm.assert_contains("Effacer 2 bénéficiaire(s) ?");
    confirm.assert_contains("Gérard Perrin");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await,
        people,
        "nothing erased before confirming"
    );
    let r = nadia
        .post(
            &path,
            &[("ids", a.as_str()), ("ids", b.as_str()), ("confirm", "oui")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await,
        people - 2
    );
    assert_eq!(
        app.scalar_i64("SELECT CAST(SUM(accompaniments) AS BIGINT) FROM activities")
            .await,
        total
    );
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let c = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Josette'")
        .await;
    assert_eq!(
        karim
            .post(&path, &[("ids", c.as_str()), ("confirm", "oui")])
            .await
            .status,
        403
    );
    app.stop().await;
}
