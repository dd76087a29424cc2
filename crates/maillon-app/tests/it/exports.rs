//! Exports of the activity log: the national column set, streamed CSV, XLSX files.

use crate::harness::TestApp;
use crate::*;

fn is_xlsx(body: &[u8]) -> bool {
    body.starts_with(b"PK\x03\x04") && body.windows(24).any(|w| w == b"xl/worksheets/sheet1.xml")
}

#[tokio::test]
async fn accompaniments_export_with_the_national_columns() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    crate::stats::record_2025(&app, &karim, &sid).await;

    let r = karim
        .get(&format!(
            "/structures/{sid}/activites/export.csv?du=2025-01-01&au=2025-12-31"
        ))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), "text/csv; charset=utf-8");
    let mut reader = csv::Reader::from_reader(r.body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        maillon_app::activities::export::ACCOMPANIMENT_COLUMNS
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][col("Date")], "10/03/2025");
    assert_eq!(&rows[0][col("Bénéficiaire")], "Anonyme");
    assert_eq!(
        &rows[0][col("Bénéficiaire - tranche d'âge")],
        "70 ans et plus"
    );
    assert_eq!(
        &rows[0][col("Thématiques")],
        "Aide aux démarches administratives, E-mail"
    );
    assert_eq!(
        &rows[0][col("Thématiques administratives")],
        "Social - Santé"
    );
    assert_eq!(&rows[0][col("Lieu - commune")], "Saint-Étienne");
    assert_eq!(&rows[0][col("Durée (min)")], "45");
    assert_eq!(&rows[1][col("Bénéficiaire")], "Odette Vernay");
    assert_eq!(&rows[1][col("Bénéficiaire - genre")], "Féminin");
    assert_eq!(&rows[2][col("Type")], "Atelier collectif");
    assert_eq!(&rows[2][col("Participants")], "6");
    assert_eq!(&rows[2][col("Nom de l'atelier")], "L'IA sans peur");

    let r = karim
        .get_bytes(&format!(
            "/structures/{sid}/activites/export.xlsx?du=2025-01-01&au=2025-12-31"
        ))
        .await;
    assert_eq!(r.0, 200);
    assert!(is_xlsx(&r.1), "a real XLSX file");

    // The whole history, in batches: every activity of the demo comes out once.
    let all = karim
        .get(&format!(
            "/structures/{sid}/activites/export.csv?du=2000-01-01&au=2999-12-31"
        ))
        .await;
    let count = csv::Reader::from_reader(all.body.as_bytes())
        .records()
        .count() as i64;
    assert_eq!(
        count,
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM activities WHERE structure_id = '{sid}'"
        ))
        .await
    );
    app.stop().await;
}

#[tokio::test]
async fn beneficiaries_and_statistics_export() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let r = karim
        .get(&format!("/structures/{sid}/beneficiaires/export.csv"))
        .await;
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(r.body.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    // Everyone of the structure: the activity log's people and the members.
    let people = app
        .scalar_i64(&format!(
            "SELECT COUNT(*) FROM beneficiaries WHERE structure_id = '{sid}'"
        ))
        .await;
    assert_eq!(rows.len() as i64, people);
    assert!(rows
        .iter()
        .any(|r| &r[0] == "Yvette" && &r[2] == "Pas de téléphone" && &r[5] == "70 ans et plus"));
    let (status, body) = karim
        .get_bytes(&format!("/structures/{sid}/beneficiaires/export.xlsx"))
        .await;
    assert_eq!(status, 200);
    assert!(is_xlsx(&body));
    let (status, body) = karim
        .get_bytes(&format!("/structures/{sid}/statistiques/export.xlsx"))
        .await;
    assert_eq!(status, 200);
    assert!(is_xlsx(&body));
    assert_eq!(
        karim
            .get(&format!("/structures/{sid}/activites/export.pdf"))
            .await
            .status,
        404
    );
    app.stop().await;
}

#[tokio::test]
async fn exports_with_names_are_for_recording_members_only() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let volunteer = app.signed_in(FERRAT_VOLUNTEER, PASSWORD).await;
    let sophie = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    let claire = app.signed_in(NETWORK_ADMIN, PASSWORD).await;
    for client in [&volunteer, &sophie, &claire] {
        for path in [
            "activites/export.csv",
            "activites/export.xlsx",
            "beneficiaires/export.csv",
            "beneficiaires/export.xlsx",
        ] {
            assert_eq!(
                client
                    .get(&format!("/structures/{sid}/{path}"))
                    .await
                    .status,
                404,
                "{path}"
            );
        }
    }
    // Statistics hold no name: members and the network admin may download them.
    assert_eq!(
        volunteer
            .get_bytes(&format!("/structures/{sid}/statistiques/export.xlsx"))
            .await
            .0,
        200
    );
    assert_eq!(
        sophie
            .get_bytes(&format!("/structures/{sid}/statistiques/export.xlsx"))
            .await
            .0,
        404
    );
    app.stop().await;
}
