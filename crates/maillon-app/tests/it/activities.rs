//! Activity log: recording accompaniments and workshops, beneficiaries, bad input, and
//! who may see these personal data.

use crate::harness::{Client, TestApp};
use crate::*;

fn today() -> String {
    maillon_app::places::routes::today("Europe/Paris")
}

fn individual<'a>(date: &'a str, place: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("date", date),
        ("duration", "45"),
        ("canal", "lieu"),
        ("place_id", place),
        ("themes", "demarches_administratives"),
        ("themes", "email"),
        ("admin_themes", "social_sante"),
        ("procedure_name", "Demande de prime d'activité"),
        ("materials", "telephone"),
        ("autonomy", "avec_guidage"),
        ("oriented", "non"),
        ("person", "anonyme"),
        ("g_value", "feminin"),
        ("a_value", "70_plus"),
        ("s_value", "retraite"),
    ]
}

async fn setup() -> (TestApp, Client, String, String) {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let place = app
        .place_id("Espace numérique du centre social Jean Ferrat")
        .await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    (app, karim, sid, place)
}

async fn accompaniments(app: &TestApp, sid: &str) -> i64 {
    app.scalar_i64(&format!(
        "SELECT CAST(COALESCE(SUM(accompaniments), 0) AS BIGINT) FROM activities WHERE structure_id = '{sid}'"
    ))
    .await
}

#[tokio::test]
async fn a_mediator_records_an_anonymous_accompaniment() {
    let (app, karim, sid, place) = setup().await;
    let before = accompaniments(&app, &sid).await;
    let form = karim
        .get(&format!(
            "/structures/{sid}/activites/nouvelle?type=individuel"
        ))
        .await;
    form.assert_contains("Aide aux démarches administratives");
    form.assert_contains(&format!("value=\"{}\"", today()));
    let today = today();
    let r = karim
        .post(
            &format!("/structures/{sid}/activites/nouvelle?type=individuel"),
            &individual(&today, &place),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    karim
        .get(&r.location())
        .await
        .assert_contains("L'activité a été enregistrée.");
    assert_eq!(accompaniments(&app, &sid).await, before + 1);
    let id = app.scalar_text("SELECT id FROM activities WHERE procedure_name = 'Demande de prime d''activité' ORDER BY created_at DESC LIMIT 1").await;
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM activity_tags WHERE activity_id = '{id}'"
        ))
        .await,
        4
    );
    assert_eq!(app.scalar_i64(&format!("SELECT COUNT(*) FROM activity_anonymous WHERE activity_id = '{id}' AND value = '70_plus'")).await, 1);
    // The next form remembers the place and the duration.
    let next = karim
        .get(&format!(
            "/structures/{sid}/activites/nouvelle?type=individuel"
        ))
        .await;
    next.assert_contains("value=\"45\" checked");
    next.assert_contains(&format!("value=\"{place}\" selected"));
    app.stop().await;
}

#[tokio::test]
async fn a_new_person_is_created_with_the_accompaniment() {
    let (app, karim, sid, place) = setup().await;
    let today = today();
    let mut fields = individual(&today, &place);
    fields.retain(|(k, _)| *k != "person");
    fields.extend([
        ("person", "nouveau"),
        ("b_first_name", "Hélène"),
        ("b_last_name", "Dupré"),
        ("b_birth_year", "1950"),
        ("b_genre", "feminin"),
        ("b_statut", "retraite"),
    ]);
    let r = karim
        .post(
            &format!("/structures/{sid}/activites/nouvelle?type=individuel"),
            &fields,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let bid = app
        .scalar_text("SELECT id FROM beneficiaries WHERE last_name = 'Dupré'")
        .await;
    // Searching ignores accents and case; the detail page shows the history.
    let list = karim
        .get(&format!("/structures/{sid}/beneficiaires?q=helene+dupre"))
        .await;
    list.assert_contains("Dupré Hélène");
    list.assert_contains("70 ans et plus");
    let detail = karim
        .get(&format!("/structures/{sid}/beneficiaires/{bid}"))
        .await;
    detail.assert_contains("Accompagnement individuel");
    detail.assert_contains("Aide aux démarches administratives");
    app.stop().await;
}

#[tokio::test]
async fn a_workshop_counts_one_accompaniment_per_participant() {
    let (app, karim, sid, place) = setup().await;
    let josette = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Josette'")
        .await;
    let gerard = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Gérard'")
        .await;
    let before = accompaniments(&app, &sid).await;
    let today = today();
    let fields = [
        ("date", today.as_str()),
        ("duration", "120"),
        ("canal", "lieu"),
        ("place_id", place.as_str()),
        ("themes", "ia"),
        ("title", "L'IA au quotidien"),
        ("level", "debutant"),
        ("participants", josette.as_str()),
        ("participants", gerard.as_str()),
        ("anon_count", "5"),
        ("anon_already", "2"),
        ("g_feminin", "3"),
        ("g_masculin", "2"),
        ("a_70_plus", "5"),
        ("oriented", "non"),
    ];
    let r = karim
        .post(
            &format!("/structures/{sid}/activites/nouvelle?type=collectif"),
            &fields,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(accompaniments(&app, &sid).await, before + 7);
    let list = karim
        .get(&format!("/structures/{sid}/activites?type=collectif"))
        .await;
    list.assert_contains("L'IA au quotidien");
    app.stop().await;
}

#[tokio::test]
async fn wrong_activities_say_what_to_fix_and_save_nothing() {
    let (app, karim, sid, place) = setup().await;
    let before = app.scalar_i64("SELECT COUNT(*) FROM activities").await;
    let path = format!("/structures/{sid}/activites/nouvelle?type=individuel");
    let future = "2999-01-01";
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("date", future)], "La date est dans le futur."),
        (vec![("date", "1999-12-31")], "La date est avant l'an 2000."),
        (
            vec![
                ("duration", "autre"),
                ("duration_hours", "0"),
                ("duration_minutes", "0"),
            ],
            "La durée doit être d'au moins une minute",
        ),
        (
            vec![("duration", "autre"), ("duration_hours", "-1")],
            "La durée doit être d'au moins une minute",
        ),
        (
            vec![("themes", "email")],
            "vont avec la thématique « Aide aux démarches administratives »",
        ),
        (
            vec![("canal", "domicile")],
            "Indiquez la commune où a eu lieu l'activité.",
        ),
        (
            vec![("oriented", "oui")],
            "Choisissez vers quelle structure",
        ),
        (
            vec![
                ("person", "nouveau"),
                ("b_last_name", "Futur"),
                ("b_birth_year", "2999"),
            ],
            "L'année de naissance 2999 est dans le futur.",
        ),
        (
            vec![("person", "nouveau")],
            "Indiquez au moins le prénom ou le nom",
        ),
    ];
    let today = today();
    for (changes, message) in cases {
        let mut fields: Vec<(&str, &str)> = individual(&today, &place)
            .into_iter()
            // A changed field replaces all its default values (every theme when themes change).
            .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
            .collect();
        fields.extend(changes.iter().cloned());
        let r = karim.post(&path, &fields).await;
        assert_eq!(r.status, 200, "{message}");
        r.assert_contains(message);
        r.assert_contains("Demande de prime d'activité");
    }
    // A workshop with nobody.
    let r = karim
        .post(
            &format!("/structures/{sid}/activites/nouvelle?type=collectif"),
            &[
                ("date", today.as_str()),
                ("duration", "60"),
                ("canal", "lieu"),
                ("place_id", place.as_str()),
                ("themes", "ia"),
                ("title", "Atelier vide"),
            ],
        )
        .await;
    r.assert_contains("Un atelier compte au moins un participant");
    r.assert_contains("value=\"Atelier vide\"");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM activities").await,
        before,
        "nothing saved"
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM beneficiaries WHERE last_name = 'Futur'")
            .await,
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn activities_are_edited_duplicated_and_deleted() {
    let (app, karim, sid, place) = setup().await;
    let today = today();
    karim
        .post(
            &format!("/structures/{sid}/activites/nouvelle?type=individuel"),
            &individual(&today, &place),
        )
        .await;
    let id = app.scalar_text("SELECT id FROM activities WHERE procedure_name = 'Demande de prime d''activité' ORDER BY created_at DESC LIMIT 1").await;
    let mut fields = individual(&today, &place);
    fields.retain(|(k, _)| *k != "procedure_name" && *k != "duration");
    fields.extend([
        ("procedure_name", "Dossier APL"),
        ("duration", "autre"),
        ("duration_hours", "1"),
        ("duration_minutes", "15"),
    ]);
    assert_eq!(
        karim
            .post(&format!("/structures/{sid}/activites/{id}"), &fields)
            .await
            .status,
        303
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT duration_min FROM activities WHERE id = '{id}'"
        ))
        .await,
        75
    );
    let edit = karim
        .get(&format!("/structures/{sid}/activites/{id}"))
        .await;
    edit.assert_contains("value=\"Dossier APL\"");
    edit.assert_contains("id=\"duration_hours\" name=\"duration_hours\" value=\"1\"");

    let copy = karim
        .get(&format!(
            "/structures/{sid}/activites/nouvelle?type=individuel&depuis={id}"
        ))
        .await;
    copy.assert_contains("value=\"Dossier APL\"");
    copy.assert_contains("Nouvel accompagnement individuel");

    assert_eq!(
        karim
            .post(&format!("/structures/{sid}/activites/{id}/supprimer"), &[])
            .await
            .status,
        303
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM activity_tags WHERE activity_id = '{id}'"
        ))
        .await,
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn only_the_structures_recording_members_see_its_people() {
    let (app, karim, ferrat, place) = setup().await;
    let tilleuls = app.structure_id(TILLEULS).await;
    let activity = app
        .scalar_text(&format!(
            "SELECT id FROM activities WHERE structure_id = '{ferrat}' LIMIT 1"
        ))
        .await;
    let person = app
        .scalar_text(&format!(
            "SELECT id FROM beneficiaries WHERE structure_id = '{ferrat}' LIMIT 1"
        ))
        .await;
    let today = today();
    let fields = individual(&today, &place);
    let routes = |sid: &str| {
        vec![
            format!("/structures/{sid}/activites"),
            format!("/structures/{sid}/activites/nouvelle?type=individuel"),
            format!("/structures/{sid}/activites/{activity}"),
            format!("/structures/{sid}/activites/nouvelle?type=individuel&depuis={activity}"),
            format!("/structures/{sid}/beneficiaires"),
            format!("/structures/{sid}/beneficiaires/nouveau"),
            format!("/structures/{sid}/beneficiaires/{person}"),
        ]
    };
    let sophie = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    let volunteer = app.signed_in(FERRAT_VOLUNTEER, PASSWORD).await;
    let network_admin = app.signed_in(NETWORK_ADMIN, PASSWORD).await;
    for (who, client) in [
        ("another structure", &sophie),
        ("a volunteer", &volunteer),
        ("the network admin", &network_admin),
    ] {
        for path in routes(&ferrat) {
            let r = client.get(&path).await;
            assert_eq!(r.status, 404, "{who}: GET {path}");
            assert!(!r.body.contains("Josette"), "{who}: {path} leaked a name");
        }
        assert_eq!(
            client
                .post(
                    &format!("/structures/{ferrat}/activites/{activity}/supprimer"),
                    &[]
                )
                .await
                .status,
            404,
            "{who}"
        );
        assert_eq!(
            client
                .post(
                    &format!("/structures/{ferrat}/beneficiaires/{person}"),
                    &[("last_name", "X")]
                )
                .await
                .status,
            404,
            "{who}"
        );
    }
    // Sophie's own structure with Jean Ferrat's ids.
    for path in [
        format!("/structures/{tilleuls}/activites/{activity}"),
        format!("/structures/{tilleuls}/beneficiaires/{person}"),
    ] {
        assert_eq!(sophie.get(&path).await.status, 404, "{path}");
    }
    assert_eq!(
        sophie
            .post(
                &format!("/structures/{tilleuls}/activites/{activity}/supprimer"),
                &[]
            )
            .await
            .status,
        404
    );
    // Nor can a person of Jean Ferrat be attached to an activity of Les Tilleuls.
    let karim_tilleuls_place = app.place_id("Les Tilleuls — atelier numérique").await;
    let mut fields: Vec<(&str, &str)> = fields
        .into_iter()
        .filter(|(k, _)| *k != "person" && *k != "place_id")
        .collect();
    fields.extend([
        ("person", "existant"),
        ("beneficiary_id", person.as_str()),
        ("place_id", karim_tilleuls_place.as_str()),
    ]);
    let r = karim
        .post(
            &format!("/structures/{tilleuls}/activites/nouvelle?type=individuel"),
            &fields,
        )
        .await;
    r.assert_contains("ne fait pas partie des bénéficiaires de la structure");
    // The volunteer's navigation does not even offer the activity log.
    let page = volunteer.get(&format!("/structures/{ferrat}")).await;
    assert!(!page.body.contains("/activites"));
    assert!(karim
        .get(&format!("/structures/{ferrat}"))
        .await
        .body
        .contains("/activites"));
    assert!(!fields.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn beneficiaries_are_created_and_checked() {
    let (app, karim, sid, _) = setup().await;
    let path = format!("/structures/{sid}/beneficiaires/nouveau");
    let r = karim
        .post(
            &path,
            &[
                ("first_name", ""),
                ("last_name", ""),
                ("birth_year", "19x8"),
                ("phone", "123"),
                ("email", "a@"),
            ],
        )
        .await;
    r.assert_contains("Indiquez au moins le prénom ou le nom");
    r.assert_contains("L'année de naissance s'écrit avec 4 chiffres");
    r.assert_contains("« 123 » n'est pas un numéro de téléphone valide");
    r.assert_contains("value=\"19x8\"");
    let r = karim
        .post(
            &path,
            &[
                ("first_name", "Paul"),
                ("last_name", "Vial"),
                ("birth_year", "1972"),
                ("phone", "06 12 34 56 78"),
                ("genre", "masculin"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = karim.get(&r.location()).await;
    page.assert_contains("40 - 59 ans");
    page.assert_contains("value=\"06 12 34 56 78\"");
    app.stop().await;
}

#[tokio::test]
async fn beneficiaries_are_imported_from_a_spreadsheet_after_a_preview() {
    let (app, karim, sid, _) = setup().await;
    let path = format!("/structures/{sid}/beneficiaires/import");
    karim
        .get(&path)
        .await
        .assert_contains("XLSX (Excel), ODS (LibreOffice)");
    let before = app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await;

    let wrong = "Prénom;Nom;Année de naissance\nLéa;Morel;1990\nTom;Durand;20x0\n";
    let r = karim.upload(&path, "", wrong.as_bytes().to_vec()).await;
    r.assert_contains("1 ligne(s) à corriger");
    r.assert_contains("L'année de naissance s'écrit avec 4 chiffres");
    assert!(
        !r.body.contains("Confirmer l'import"),
        "no import while a line is wrong"
    );

    let good = "Prénom;Nom;Téléphone;Genre;Statut\nLéa;Morel;06 01 02 03 04;Féminin;En emploi\nJosette;Martin;;;\n";
    let r = karim.upload(&path, "", good.as_bytes().to_vec()).await;
    r.assert_contains("Sera créée");
    r.assert_contains("Ignorée : cette personne est déjà enregistrée (même nom)");
    r.assert_contains("Confirmer l'import de 1 personne(s)");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await,
        before,
        "a preview imports nothing"
    );
    let r = karim
        .post(&format!("{path}/confirmer"), &[("content", good)])
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await,
        before + 1
    );
    assert_eq!(
        app.scalar_text("SELECT statut FROM beneficiaries WHERE last_name = 'Morel'")
            .await,
        "en_emploi"
    );
    karim
        .upload(&path, "", b"\xff\xfe".to_vec())
        .await
        .assert_contains("n'est pas encodé en UTF-8");
    app.stop().await;
}

/// Among 1,800 people, the form lists only the people seen recently; a search sent with
/// the form (no JavaScript) comes back with the matches and everything typed, unsaved;
/// the search as you type reads the same matches as JSON; the chosen person is saved.
#[tokio::test]
async fn a_person_is_found_among_1800_without_javascript() {
    let (app, karim, sid, place) = setup().await;
    let t = maillon_app::db::now();
    let mut tx = app.state().db.begin_write().await.unwrap();
    for i in 0..1800 {
        sqlx::query(
            "INSERT INTO beneficiaries (id, structure_id, first_name, last_name, search_name, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(format!("gen-{i:04}"))
        .bind(sid.clone())
        .bind(format!("Prénom{i}"))
        .bind(format!("Nom{i:04}"))
        .bind(format!("nom{i:04} prenom{i}"))
        .bind(t)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let path = format!("/structures/{sid}/activites/nouvelle?type=individuel");
    let form = karim.get(&path).await;
    form.assert_contains("Personnes vues récemment");
    assert!(
        !form.body.contains("Nom0001"),
        "not every person in the page"
    );
    assert!(
        form.body.len() < 60_000,
        "page of {} bytes",
        form.body.len()
    );

    let date = today();
    let mut fields = individual(&date, &place);
    fields.retain(|(k, _)| !["person", "procedure_name"].contains(k));
    fields.extend([
        ("person", "anonyme"),
        ("procedure_name", "Carte grise"),
        ("q_personne", "nom012"),
        ("q_fait", ""),
    ]);
    let before = accompaniments(&app, &sid).await;
    let r = karim.post(&path, &fields).await;
    assert_eq!(r.status, 200, "a search, not a save");
    assert_eq!(accompaniments(&app, &sid).await, before);
    r.assert_contains("Personnes trouvées pour « nom012 »");
    r.assert_contains("Nom0120 Prénom120");
    r.assert_contains("value=\"Carte grise\"");
    r.assert_contains("value=\"existant\" checked");
    assert!(!r.body.contains("field-error"), "a search shows no error");
    // Too many matches: the first twenty, and a word to narrow down.
    karim
        .post(&path, &[("q_personne", "nom"), ("chercher", "1")])
        .await
        .assert_contains("Les 20 premières personnes pour « nom » : précisez la recherche");
    karim
        .post(&path, &[("q_personne", "zzz"), ("chercher", "1")])
        .await
        .assert_contains("Personne ne correspond à « zzz »");

    // The same matches as you type.
    let json = karim
        .get(&format!("/structures/{sid}/activites/personnes?q=Nom0120"))
        .await;
    assert_eq!(json.header("content-type"), "application/json");
    assert!(json.body.contains("\"id\":\"gen-0120\""), "{}", json.body);
    assert!(json.body.contains("Nom0120 Prénom120"));

    // Chosen, then saved (the search words are those shown: no new search).
    fields.retain(|(k, _)| !["person", "q_fait"].contains(k));
    fields.extend([
        ("person", "existant"),
        ("beneficiary_id", "gen-0120"),
        ("q_fait", "nom012"),
    ]);
    assert_eq!(karim.post(&path, &fields).await.status, 303);
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM activity_participants WHERE beneficiary_id = 'gen-0120'"
        )
        .await,
        1
    );
    // Seen recently now, and another structure's member cannot search these people.
    karim.get(&path).await.assert_contains("Nom0120 Prénom120");
    let other = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    assert_eq!(
        other
            .get(&format!("/structures/{sid}/activites/personnes?q=nom"))
            .await
            .status,
        404
    );
    app.stop().await;
}

/// An Excel file: numbers as numbers (a year, a phone that lost its 0), row numbers as in
/// the sheet, a wrong row named, nothing imported until it is fixed; a damaged file refused.
#[tokio::test]
async fn beneficiaries_are_imported_from_an_excel_file() {
    let (app, karim, sid, _) = setup().await;
    let path = format!("/structures/{sid}/beneficiaires/import");
    let before = app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await;
    let xlsx = |rows: &[(&str, &str, f64, f64)]| -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, title) in ["Prénom", "Nom", "Année de naissance", "Téléphone"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *title).unwrap();
        }
        for (r, (first, last, year, phone)) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            sheet.write_string(r, 0, *first).unwrap();
            sheet.write_string(r, 1, *last).unwrap();
            sheet.write_number(r, 2, *year).unwrap();
            sheet.write_number(r, 3, *phone).unwrap();
        }
        book.save_to_buffer().unwrap()
    };
    let wrong = xlsx(&[
        ("Léa", "Morel", 1990.0, 601020304.0),
        ("Tom", "Durand", 2999.0, 477123456.0),
    ]);
    let r = karim.upload(&path, "", wrong).await;
    r.assert_contains("1 ligne(s) à corriger");
    r.assert_contains("<td>3</td><td>Tom Durand</td>");
    r.assert_contains("2999 est dans le futur");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await,
        before
    );

    let good = xlsx(&[("Léa", "Morel", 1990.0, 601020304.0)]);
    let r = karim.upload(&path, "", good).await;
    r.assert_contains("Confirmer l'import de 1 personne(s)");
    let content = r
        .body
        .split("name=\"content\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&#10;", "\n")
        .replace("&quot;", "\"");
    let r = karim
        .post(
            &format!("{path}/confirmer"),
            &[("content", content.as_str())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        app.scalar_text("SELECT phone || ' ' || CAST(birth_year AS TEXT) FROM beneficiaries WHERE last_name = 'Morel'")
            .await,
        "+33601020304 1990"
    );
    karim
        .upload(&path, "", b"PK\x03\x04 damaged".to_vec())
        .await
        .assert_contains("Le tableur est illisible");
    app.stop().await;
}
