//! The places as CSV in the national standard: export, and all-or-nothing import.

use crate::harness::TestApp;
use crate::*;

const EXAMPLE: &str = include_str!("../data/exemple-valide.csv");

#[tokio::test]
async fn the_export_holds_every_public_place_in_the_standards_columns() {
    let app = TestApp::demo().await;
    let r = app.client().get("/lieux.csv").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), "text/csv; charset=utf-8");
    assert!(r
        .header("content-disposition")
        .contains("lieux-mediation-numerique-"));
    let mut lines = r.body.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header, maillon_app::places::vocab::COLUMNS);
    assert_eq!(header.len(), 32);
    let rows: Vec<_> = csv::Reader::from_reader(r.body.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 4, "the unpublished place is left out");
    let ferrat = rows
        .iter()
        .find(|r| &r[2] == "Espace numérique du centre social Jean Ferrat")
        .unwrap();
    assert_eq!(&ferrat[11], "+33477123456");
    assert_eq!(
        &ferrat[14],
        "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off"
    );
    assert_eq!(&ferrat[10], "CS|ASSO");
    app.stop().await;
}

#[tokio::test]
async fn the_standards_example_imports_and_a_second_import_updates() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(MEDIATHEQUE).await;
    let claire = app.signed_in(NETWORK_ADMIN, PASSWORD).await;
    claire
        .get("/reseau/import")
        .await
        .assert_contains("Tout ou rien");
    let r = claire
        .upload("/reseau/import", &sid, EXAMPLE.as_bytes().to_vec())
        .await;
    r.assert_contains("Import terminé :</strong> 1 lieu(x) créé(s), 0 mis à jour");
    let place = app.place_id("Anonymal").await;
    assert_eq!(
        app.scalar_text(&format!(
            "SELECT structure_id FROM places WHERE id = '{place}'"
        ))
        .await,
        sid
    );
    assert_eq!(
        app.scalar_text(&format!(
            "SELECT source_id FROM places WHERE id = '{place}'"
        ))
        .await,
        "structure-1"
    );

    let changed = EXAMPLE.replace("\"Anonymal\"", "\"Anonymal (nouveau nom)\"");
    let r = claire
        .upload("/reseau/import", &sid, changed.into_bytes())
        .await;
    r.assert_contains("0 lieu(x) créé(s), 1 mis à jour");
    assert_eq!(
        app.scalar_text(&format!("SELECT nom FROM places WHERE id = '{place}'"))
            .await,
        "Anonymal (nouveau nom)"
    );

    // Our own export imports back onto the same places.
    let export = app.client().get("/lieux.csv").await.body;
    let r = claire
        .upload("/reseau/import", &sid, export.into_bytes())
        .await;
    r.assert_contains("0 lieu(x) créé(s), 5 mis à jour");
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM places").await, 6);
    app.stop().await;
}

#[tokio::test]
async fn a_file_with_one_bad_row_imports_nothing_and_names_the_line() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let claire = app.signed_in(NETWORK_ADMIN, PASSWORD).await;
    let mut lines: Vec<String> = EXAMPLE.lines().map(str::to_string).collect();
    let good = lines[1].replace("structure-1", "structure-2");
    let bad = lines[1]
        .replace("structure-1", "structure-3")
        .replace("\"51100\"", "\"511\"")
        .replace("Jeunes|Femmes", "Jeunes|Martiens");
    lines.push(good);
    lines.push(bad);
    let before = app.scalar_i64("SELECT COUNT(*) FROM places").await;
    let r = claire
        .upload("/reseau/import", &sid, lines.join("\n").into_bytes())
        .await;
    r.assert_contains("Rien n'a été importé : 2 problème(s)");
    r.assert_contains("Ligne 4 : code_postal : Le code postal « 511 » doit compter 5 chiffres");
    r.assert_contains("Ligne 4 : publics_specifiquement_adresses : Publics spécifiquement adressés : « Martiens »");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM places").await,
        before,
        "nothing imported"
    );
    app.stop().await;
}

#[tokio::test]
async fn broken_files_get_a_clear_message() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let claire = app.signed_in(NETWORK_ADMIN, PASSWORD).await;
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            EXAMPLE.replace(',', ";").into_bytes(),
            "Le séparateur des colonnes doit être la virgule",
        ),
        (
            EXAMPLE.replacen("\"commune\",", "", 1).into_bytes(),
            "Colonne obligatoire absente : « commune »",
        ),
        (
            EXAMPLE
                .replacen("\"source\"", "\"origine\"", 1)
                .into_bytes(),
            "Colonne inconnue du standard : « origine »",
        ),
        (
            b"id,nom\n\xe9t\xe9,caf\xe9\n".to_vec(),
            "n'est pas encodé en UTF-8",
        ),
        (Vec::new(), "Choisissez un fichier CSV"),
        (
            EXAMPLE.lines().next().unwrap().as_bytes().to_vec(),
            "aucun lieu",
        ),
        (
            EXAMPLE
                .replace("\"2024-04-02\"", "\"02/04/2024\"")
                .into_bytes(),
            "Ligne 2 : date_maj : « 02/04/2024 » n'est pas une date",
        ),
        (
            EXAMPLE
                .replace(
                    "\"Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00\"",
                    "\"du lundi au vendredi\"",
                )
                .into_bytes(),
            "Ligne 2 : horaires",
        ),
    ];
    for (file, message) in cases {
        let r = claire.upload("/reseau/import", &sid, file).await;
        assert_eq!(r.status, 200);
        r.assert_contains(message);
    }
    let r = claire
        .upload("/reseau/import", "", EXAMPLE.as_bytes().to_vec())
        .await;
    r.assert_contains("Choisissez la structure");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM places WHERE nom = 'Anonymal'")
            .await,
        0
    );
    // Only network admins import.
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    assert_eq!(
        nadia
            .upload("/reseau/import", &sid, EXAMPLE.as_bytes().to_vec())
            .await
            .status,
        403
    );
    app.stop().await;
}
