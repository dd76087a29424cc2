//! Statistics: exact figures on known activities, filters, the network view, access.

use crate::harness::{Client, TestApp};
use crate::*;

/// Records, in 2025 (before the demo's data): an anonymous accompaniment, one for a new
/// named person, and a workshop with that person and five anonymous participants.
pub async fn record_2025(app: &TestApp, karim: &Client, sid: &str) {
    let place = app
        .place_id("Espace numérique du centre social Jean Ferrat")
        .await;
    let path = format!("/structures/{sid}/activites/nouvelle?type=individuel");
    let common = |date: &'static str, duration: &'static str| {
        vec![
            ("date", date),
            ("duration", duration),
            ("canal", "lieu"),
            ("place_id", place.as_str()),
            ("oriented", "non"),
        ]
    };
    let mut anonymous = common("2025-03-10", "45");
    anonymous.extend([
        ("themes", "demarches_administratives"),
        ("themes", "email"),
        ("admin_themes", "social_sante"),
        ("materials", "telephone"),
        ("person", "anonyme"),
        ("g_value", "feminin"),
        ("a_value", "70_plus"),
        ("s_value", "retraite"),
    ]);
    assert_eq!(karim.post(&path, &anonymous).await.status, 303);
    let mut named = common("2025-03-12", "30");
    named.extend([
        ("themes", "email"),
        ("person", "nouveau"),
        ("b_first_name", "Odette"),
        ("b_last_name", "Vernay"),
        ("b_birth_year", "1950"),
        ("b_genre", "feminin"),
        ("b_statut", "retraite"),
    ]);
    assert_eq!(karim.post(&path, &named).await.status, 303);
    let odette = app
        .scalar_text("SELECT id FROM beneficiaries WHERE last_name = 'Vernay'")
        .await;
    let mut workshop = common("2025-04-02", "120");
    workshop.extend([
        ("themes", "ia"),
        ("title", "L'IA sans peur"),
        ("participants", odette.as_str()),
        ("anon_count", "5"),
        ("g_feminin", "3"),
        ("g_masculin", "2"),
    ]);
    let r = karim
        .post(
            &format!("/structures/{sid}/activites/nouvelle?type=collectif"),
            &workshop,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

#[tokio::test]
async fn the_figures_count_accompaniments_as_the_field_does() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    record_2025(&app, &karim, &sid).await;

    let r = karim
        .get(&format!(
            "/structures/{sid}/statistiques?du=2025-01-01&au=2025-12-31"
        ))
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("Période du 01/01/2025 au 31/12/2025");
    r.assert_contains("<strong>8</strong> accompagnements");
    r.assert_contains("<strong>2</strong> en individuel");
    r.assert_contains("<strong>6</strong> en atelier collectif (1 ateliers)");
    r.assert_contains("<strong>7</strong> bénéficiaires : 1 nouveaux, 0 suivis, 6 anonymes");
    // Themes count accompaniments; genres count people (named once, anonymous as counted).
    r.assert_contains("<tr><th scope=\"row\">E-mail</th><td>2</td>");
    r.assert_contains("<tr><th scope=\"row\">Intelligence artificielle (IA)</th><td>6</td>");
    r.assert_contains("<tr><th scope=\"row\">Social - Santé</th><td>1</td>");
    r.assert_contains("<tr><th scope=\"row\">Féminin</th><td>5</td>");
    r.assert_contains("<tr><th scope=\"row\">Masculin</th><td>2</td>");
    r.assert_contains("<tr><th scope=\"row\">30 min à 1 h</th><td>2</td>");
    r.assert_contains("<tr><th scope=\"row\">2 h ou plus</th><td>6</td>");
    r.assert_contains("<tr><th scope=\"row\">mars 2025</th><td>2</td>");
    r.assert_contains("<tr><th scope=\"row\">avr. 2025</th><td>6</td>");
    r.assert_contains("<tr><th scope=\"row\">70 ans et plus</th><td>2</td>");

    // Filters: a short period is shown per day; type and theme narrow the figures.
    let march = karim
        .get(&format!(
            "/structures/{sid}/statistiques?du=2025-03-01&au=2025-03-31"
        ))
        .await;
    march.assert_contains("Accompagnements par jour");
    march.assert_contains("<tr><th scope=\"row\">12/03/2025</th><td>1</td>");
    karim
        .get(&format!(
            "/structures/{sid}/statistiques?du=2025-01-01&au=2025-12-31&type=collectif"
        ))
        .await
        .assert_contains("<strong>6</strong> accompagnements");
    karim
        .get(&format!(
            "/structures/{sid}/statistiques?du=2025-01-01&au=2025-12-31&theme=email"
        ))
        .await
        .assert_contains("<strong>2</strong> accompagnements");
    // A person first seen in 2025 is "followed" in 2026.
    let odette = app
        .scalar_text("SELECT id FROM beneficiaries WHERE last_name = 'Vernay'")
        .await;
    let place = app
        .place_id("Espace numérique du centre social Jean Ferrat")
        .await;
    let this_year = format!(
        "{}-01-02",
        &maillon_app::places::routes::today("Europe/Paris")[..4]
    );
    let fields = [
        ("date", this_year.as_str()),
        ("duration", "30"),
        ("canal", "lieu"),
        ("place_id", place.as_str()),
        ("themes", "email"),
        ("person", "existant"),
        ("beneficiary_id", odette.as_str()),
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
    karim
        .get(&format!("/structures/{sid}/statistiques"))
        .await
        .assert_contains("nouveaux, 1 suivis");
    // The print version has the same figures.
    let print = karim
        .get(&format!(
            "/structures/{sid}/statistiques/impression?du=2025-01-01&au=2025-12-31"
        ))
        .await;
    print.assert_contains("Version à imprimer");
    print.assert_contains("<strong>8</strong> accompagnements");
    app.stop().await;
}

#[tokio::test]
async fn the_network_sees_every_structure_side_by_side() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    record_2025(&app, &karim, &sid).await;
    let claire = app.signed_in(NETWORK_ADMIN, PASSWORD).await;
    let r = claire
        .get("/reseau/statistiques?du=2025-01-01&au=2025-12-31")
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("<strong>8</strong> accompagnements");
    r.assert_contains("<tr><th scope=\"row\">Centre social Jean Ferrat</th><td>8</td><td>2</td><td>6</td><td>1</td><td>6</td></tr>");
    r.assert_contains("<tr><th scope=\"row\">Médiathèque Louise Michel</th><td>0</td>");
    assert!(!r.body.contains("Vernay"), "no name in statistics");
    // The network admin reads each structure's statistics too.
    assert_eq!(
        claire
            .get(&format!("/structures/{sid}/statistiques"))
            .await
            .status,
        200
    );
    app.stop().await;
}

#[tokio::test]
async fn statistics_are_for_the_structures_members() {
    let app = TestApp::demo().await;
    let ferrat = app.structure_id(FERRAT).await;
    let volunteer = app.signed_in(FERRAT_VOLUNTEER, PASSWORD).await;
    assert_eq!(
        volunteer
            .get(&format!("/structures/{ferrat}/statistiques"))
            .await
            .status,
        200,
        "anonymous figures"
    );
    assert_eq!(volunteer.get("/reseau/statistiques").await.status, 403);
    let sophie = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    assert_eq!(
        sophie
            .get(&format!("/structures/{ferrat}/statistiques"))
            .await
            .status,
        404
    );
    assert_eq!(
        sophie
            .get(&format!("/structures/{ferrat}/statistiques/impression"))
            .await
            .status,
        404
    );
    // Nonsense filters are ignored, not an error.
    let r = volunteer
        .get(&format!(
            "/structures/{ferrat}/statistiques?du=hier&type=x&theme=y"
        ))
        .await;
    assert_eq!(r.status, 200);
    app.stop().await;
}

#[tokio::test]
async fn a_structure_shares_its_statistics_at_a_public_link_and_revokes_it() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let tilleuls = app.structure_id(TILLEULS).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    record_2025(&app, &karim, &sid).await;
    assert!(
        !karim
            .get(&format!("/structures/{sid}/statistiques"))
            .await
            .body
            .contains("Créer un lien public"),
        "admins only"
    );
    assert_eq!(
        karim
            .post(&format!("/structures/{sid}/statistiques/partage"), &[])
            .await
            .status,
        403
    );

    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    // The link is shown once, on the page that made it; only its hash is kept.
    let page = nadia
        .post(&format!("/structures/{sid}/statistiques/partage"), &[])
        .await;
    assert_eq!(page.status, 200);
    page.assert_contains("Le lien public a été créé");
    let shown = page.body.split("<code class=\"link\">").nth(1).unwrap();
    let link = &shown[..shown.find('<').unwrap()];
    let token = link.rsplit('/').next().unwrap().to_string();
    assert_eq!(token.len(), 64, "unguessable: {token}");
    // (The demo has a link of its own.)
    let hash = maillon_app::accounts::tokens::hash(&token);
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM stat_links WHERE token_hash = '{hash}'"
        ))
        .await,
        1,
        "kept as a hash"
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM stat_links WHERE token_hash = '{token}'"
        ))
        .await,
        0
    );
    let later = nadia.get(&format!("/structures/{sid}/statistiques")).await;
    assert!(!later.body.contains(&token), "not shown again");
    later.assert_contains(&format!("…{}", &token[58..]));
    let link_id = app
        .scalar_text(&format!(
            "SELECT id FROM stat_links WHERE token_hash = '{hash}'"
        ))
        .await;

    let public = app
        .client()
        .get(&format!(
            "/statistiques/{token}?du=2025-01-01&au=2025-12-31"
        ))
        .await;
    assert_eq!(public.status, 200);
    public.assert_contains("Statistiques — Centre social Jean Ferrat");
    public.assert_contains("<strong>8</strong> accompagnements");
    assert!(
        !public.body.contains("Vernay") && !public.body.contains("Karim"),
        "no names on a public page"
    );

    // Another structure cannot revoke it; its own admin can.
    let sophie = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    assert_eq!(
        sophie
            .post(
                &format!("/structures/{tilleuls}/statistiques/partage/{link_id}/revoquer"),
                &[]
            )
            .await
            .status,
        404
    );
    assert_eq!(
        nadia
            .post(
                &format!("/structures/{sid}/statistiques/partage/{link_id}/revoquer"),
                &[]
            )
            .await
            .status,
        303
    );
    assert_eq!(
        app.client()
            .get(&format!("/statistiques/{token}"))
            .await
            .status,
        404
    );
    assert_eq!(app.client().get("/statistiques/inconnu").await.status, 404);
    app.stop().await;
}

/// Every figure of an unfiltered period is read from the monthly roll-up. It stays exact
/// through every kind of change (record, edit to another month, delete, erase a person,
/// delete a place): it equals its recomputation, and the figures read through it equal
/// the figures read from the activities alone.
#[tokio::test]
async fn the_monthly_rollup_stays_equal_to_the_activities() {
    use maillon_app::activities::{rollup, stats};
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    record_2025(&app, &karim, &sid).await;

    // Move the anonymous accompaniment of March to June, with another duration.
    let anonymous = app
        .scalar_text("SELECT id FROM activities WHERE date = '2025-03-10'")
        .await;
    let edit = [
        ("date", "2025-06-20"),
        ("duration", "90"),
        ("canal", "distance"),
        ("commune", "Mably"),
        ("themes", "email"),
        ("person", "anonyme"),
        ("g_value", "masculin"),
        ("oriented", "non"),
    ];
    let r = karim
        .post(&format!("/structures/{sid}/activites/{anonymous}"), &edit)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Delete one of the demo's activities.
    let demo_one = app
        .scalar_text(&format!(
            "SELECT id FROM activities WHERE structure_id = '{sid}' AND date > '2025-12-31' ORDER BY id LIMIT 1"
        ))
        .await;
    let path = format!("/structures/{sid}/activites/{demo_one}/supprimer");
    assert_eq!(karim.post(&path, &[]).await.status, 303);
    // Change a demo person's profile (the yearly people roll-up holds it).
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let josette = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Josette'")
        .await;
    let r = nadia
        .post(
            &format!("/structures/{sid}/beneficiaires/{josette}"),
            &[
                ("first_name", "Josette"),
                ("last_name", "Martin"),
                ("birth_year", "1948"),
                ("commune", "Firminy"),
                ("genre", "feminin"),
                ("statut", "en_emploi"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Erase the named person of 2025 (her activities count her anonymously).
    let odette = app
        .scalar_text("SELECT id FROM beneficiaries WHERE last_name = 'Vernay'")
        .await;
    let path = format!("/structures/{sid}/beneficiaires/{odette}/effacer");
    assert_eq!(nadia.post(&path, &[]).await.status, 303);
    // Delete a place that has activities.
    let place = app
        .place_id("Espace numérique du centre social Jean Ferrat")
        .await;
    let path = format!("/structures/{sid}/lieux/{place}/supprimer");
    assert_eq!(nadia.post(&path, &[]).await.status, 303);
    assert_eq!(
        app.scalar_i64(&format!("SELECT COUNT(*) FROM places WHERE id = '{place}'"))
            .await,
        0
    );

    let db = &app.state().db;
    let snapshot = || async {
        let months = sqlx::query_as::<_, (String, String, String, String, i64)>(
            "SELECT structure_id, month, dimension, value, n FROM activity_monthly ORDER BY 1, 2, 3, 4",
        )
        .fetch_all(db.read())
        .await
        .unwrap();
        let years = sqlx::query_as::<_, (String, String, String, String, i64)>(
            "SELECT structure_id, year, dimension, value, n FROM activity_yearly ORDER BY 1, 2, 3, 4",
        )
        .fetch_all(db.read())
        .await
        .unwrap();
        let people = sqlx::query_as::<_, (String, i64, String, String, String, i64)>(
            "SELECT structure_id, year, beneficiary_id, statut, commune, first_year FROM people_yearly ORDER BY 1, 2, 3",
        )
        .fetch_all(db.read())
        .await
        .unwrap();
        let counts = sqlx::query_as::<_, (String, i64, String, String, i64)>(
            "SELECT structure_id, year, dimension, value, n FROM people_counts ORDER BY 1, 2, 3, 4",
        )
        .fetch_all(db.read())
        .await
        .unwrap();
        (months, years, people, counts)
    };
    // The commune filter offers the places' communes and those of activities elsewhere.
    let sid = maillon_app::tenancy::StructureId::stored(sid);
    let communes = stats::communes(db, std::slice::from_ref(&sid))
        .await
        .unwrap();
    assert!(communes.contains(&"Mably".to_string()), "{communes:?}");
    let kept = snapshot().await;
    assert!(kept.0.len() > 100, "the demo's activities are rolled up");
    assert!(
        kept.2
            .iter()
            .any(|p| p.2 == josette && p.3 == "en_emploi" && p.4 == "Firminy"),
        "the profile is the new one"
    );
    let mut tx = db.begin_write().await.unwrap();
    rollup::rebuild(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(kept, snapshot().await, "roll-up kept = roll-up recomputed");

    // The same figures through the roll-up and from the activities, for one structure and
    // for the network, over whole months and over months plus days.
    let everyone: Vec<String> = sqlx::query_scalar("SELECT id FROM structures")
        .fetch_all(db.read())
        .await
        .unwrap();
    let today = maillon_app::places::routes::today("Europe/Paris");
    let year_start = format!("{}-01-01", &today[..4]);
    let everyone: Vec<_> = everyone
        .into_iter()
        .map(maillon_app::tenancy::StructureId::stored)
        .collect();
    for structures in [vec![sid.clone()], everyone] {
        for (from, to) in [
            ("2025-01-01", "2025-12-31"),
            (year_start.as_str(), today.as_str()),
            ("2024-11-15", "2026-02-10"),
            ("2024-11-01", "2026-01-31"),
            ("", ""),
        ] {
            let f = stats::Filter {
                structures: structures.clone(),
                from: from.into(),
                to: to.into(),
                ..stats::Filter::default()
            };
            let scan = stats::Filter {
                from_activities_only: true,
                ..f.clone()
            };
            let (a, b) = (
                stats::compute(db, &f, 2026).await.unwrap(),
                stats::compute(db, &scan, 2026).await.unwrap(),
            );
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{from}–{to}");
            assert!(a.accompaniments > 0);
            assert_eq!(
                stats::per_structure(db, &f).await.unwrap(),
                stats::per_structure(db, &scan).await.unwrap()
            );
        }
    }
    app.stop().await;
}
