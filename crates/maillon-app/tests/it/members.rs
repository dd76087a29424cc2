//! The member file: records with households and memberships, the consent ledger,
//! segments, import and export, the personal link, and who may see what.

use crate::harness::TestApp;
use crate::*;

const FERRAT_DESK: &str = "accueil@jeanferrat.test";

#[tokio::test]
async fn the_desk_files_a_member_and_bad_input_keeps_what_was_typed() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let fatou = app.signed_in(FERRAT_DESK, PASSWORD).await;
    let before = app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await;
    let new = format!("/structures/{sid}/adherents/nouveau");
    let r = fatou
        .post(
            &new,
            &[
                ("first_name", "Rose"),
                ("last_name", "Lacroix"),
                ("email", "rose@"),
                ("phone", "06 12"),
                ("address", "4 rue des Lilas"),
                ("commune", "Saint-Étienne"),
                ("contact_pref", "sms"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("Une adresse postale a besoin de son code postal");
    r.assert_contains("Pour recevoir des SMS, il faut un numéro de portable");
    r.assert_contains("4 rue des Lilas");
    r.assert_contains("value=\"Lacroix\"");
    assert!(r.text().contains("field--error"));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await,
        before
    );

    let r = fatou
        .post(
            &new,
            &[
                ("first_name", "Rose"),
                ("last_name", "Lacroix"),
                ("email", "rose.lacroix@example.org"),
                ("phone", "06 12 34 56 78"),
                ("address", "4 rue des Lilas"),
                ("postcode", "42000"),
                ("commune", "Saint-Étienne"),
                ("quartier", "Jean Ferrat"),
                ("languages", "fr"),
                ("languages", "pt"),
                ("interests", "numerique"),
                ("contact_pref", "email"),
                ("household", "nouveau"),
                ("household_name", "Famille Lacroix"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let page = fatou.get(&r.location()).await;
    page.assert_contains("Modifications enregistrées.");
    page.assert_contains("Famille Lacroix");
    let rose = app
        .scalar_text("SELECT id FROM beneficiaries WHERE last_name = 'Lacroix'")
        .await;
    let person = format!("/structures/{sid}/adherents/{rose}");

    // A membership for the season, then the same season again.
    let membership = [
        ("season", "2026-2027"),
        ("joined_on", "2026-09-15"),
        ("fee", "12,50"),
        ("payment_mode", "cheque"),
    ];
    assert_eq!(
        fatou
            .post(&format!("{person}/adhesion"), &membership)
            .await
            .status,
        303
    );
    let again = fatou.post(&format!("{person}/adhesion"), &membership).await;
    assert_eq!(again.status, 200);
    again.assert_contains("Rose Lacroix a déjà une adhésion pour la saison 2026-2027");
    let bad = fatou
        .post(
            &format!("{person}/adhesion"),
            &[
                ("season", "2026"),
                ("joined_on", "2026-09-15"),
                ("fee", "douze"),
                ("payment_mode", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, 200);
    bad.assert_contains("La saison s'écrit comme « 2026-2027 »");
    bad.assert_contains("« douze » n'est pas un montant");
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM adhesions WHERE person_id = '{rose}'"
        ))
        .await,
        1
    );
    let page = fatou.get(&person).await;
    page.assert_contains("12,50 €");
    page.assert_contains("Chèque");

    // Consent given at the desk, then withdrawn in one click: both stay in the ledger.
    let give = [
        ("channel", "email"),
        ("purpose", "surveys"),
        ("state", "given"),
        ("source", "paper"),
    ];
    assert_eq!(
        fatou
            .post(&format!("{person}/consentement"), &give)
            .await
            .status,
        303
    );
    let withdraw = [
        ("channel", "email"),
        ("purpose", "surveys"),
        ("state", "refused"),
        ("source", "desk"),
    ];
    assert_eq!(
        fatou
            .post(&format!("{person}/consentement"), &withdraw)
            .await
            .status,
        303
    );
    assert_eq!(
        app.texts(&format!(
            "SELECT state FROM consent_events WHERE person_id = '{rose}' ORDER BY at, id"
        ))
        .await,
        vec!["given", "refused"]
    );
    assert_eq!(
        app.scalar_text(&format!("SELECT state FROM consents WHERE person_id = '{rose}' AND channel = 'email' AND purpose = 'surveys'")).await,
        "refused"
    );
    let page = fatou.get(&person).await;
    page.assert_contains("Enquêtes par E-mail : Refusé (À l'accueil, Fatou Ndiaye)");
    let refused = fatou
        .post(
            &format!("{person}/consentement"),
            &[
                ("channel", "fax"),
                ("purpose", "news"),
                ("state", "given"),
                ("source", "desk"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400);

    // Archived: out of the list, still readable among the archives.
    assert_eq!(
        fatou
            .post(&format!("{person}/archiver"), &[("archived", "1")])
            .await
            .status,
        303
    );
    let list = fatou
        .get(&format!("/structures/{sid}/adherents?q=lacroix"))
        .await;
    list.assert_contains("0 personne(s)");
    let list = fatou
        .get(&format!("/structures/{sid}/adherents?q=lacroix&archives=1"))
        .await;
    list.assert_contains("Rose Lacroix");
    app.stop().await;
}

#[tokio::test]
async fn the_desk_never_sees_the_activity_log_and_other_structures_see_nothing() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let josette = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Josette'")
        .await;
    app.exec(&format!("UPDATE beneficiaries SET notes = 'Note du médiateur : dossier retraite' WHERE id = '{josette}'")).await;
    let person = format!("/structures/{sid}/adherents/{josette}");

    let fatou = app.signed_in(FERRAT_DESK, PASSWORD).await;
    let page = fatou.get(&person).await;
    assert_eq!(page.status, 200);
    assert!(!page.text().contains("dossier retraite"));
    assert!(!page.text().contains("Suivi des activités"));
    assert_eq!(
        fatou
            .get(&format!("/structures/{sid}/beneficiaires/{josette}"))
            .await
            .status,
        404
    );
    assert_eq!(
        fatou
            .get(&format!("/structures/{sid}/activites"))
            .await
            .status,
        404
    );
    // Saving the member record leaves the mediator's notes as they were.
    let r = fatou
        .post(
            &person,
            &[
                ("first_name", "Josette"),
                ("last_name", "Martin"),
                ("phone", "04 77 12 34 56"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        app.scalar_text(&format!(
            "SELECT notes FROM beneficiaries WHERE id = '{josette}'"
        ))
        .await,
        "Note du médiateur : dossier retraite"
    );

    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    karim
        .get(&person)
        .await
        .assert_contains("Suivi des activités");
    // And from the activity log, the mediator reaches the same person's member record.
    karim
        .get(&format!("/structures/{sid}/beneficiaires/{josette}"))
        .await
        .assert_contains(&format!("href=\"{person}\""));
    let jacqueline = app.signed_in(FERRAT_VOLUNTEER, PASSWORD).await;
    assert_eq!(jacqueline.get(&person).await.status, 404);
    let sophie = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    for path in [
        person.clone(),
        format!("/structures/{sid}/adherents"),
        format!("/structures/{sid}/segments"),
        format!("/structures/{sid}/adherents/export.csv"),
    ] {
        assert_eq!(sophie.get(&path).await.status, 404, "{path}");
    }
    // Another structure's id with a person of Jean Ferrat: 404 too.
    let tilleuls = app.structure_id(TILLEULS).await;
    assert_eq!(
        sophie
            .get(&format!("/structures/{tilleuls}/adherents/{josette}"))
            .await
            .status,
        404
    );
    assert_eq!(
        sophie
            .post(
                &format!("/structures/{tilleuls}/adherents/{josette}/consentement"),
                &[
                    ("channel", "email"),
                    ("purpose", "news"),
                    ("state", "given"),
                    ("source", "desk")
                ]
            )
            .await
            .status,
        404
    );
    app.stop().await;
}

#[tokio::test]
async fn segments_count_while_built_and_follow_the_file() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let fatou = app.signed_in(FERRAT_DESK, PASSWORD).await;
    let count = |body: String| -> i64 {
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        v["count"].as_i64().unwrap()
    };
    let seniors = "adhesion=adherent&age_min=65&quartier=Jean%20Ferrat";
    let n = count(
        fatou
            .get(&format!("/structures/{sid}/segments/compte?{seniors}"))
            .await
            .text(),
    );
    let expected = app
        .scalar_i64(&format!(
            "SELECT COUNT(*) FROM beneficiaries b WHERE b.structure_id = '{sid}' AND b.quartier = 'Jean Ferrat' \
             AND b.birth_year <= {} AND b.archived_at IS NULL AND EXISTS (SELECT 1 FROM adhesions m WHERE m.person_id = b.id AND m.season = '{}')",
            maillon_app::activities::this_year(maillon_app::places::routes::today_date("Europe/Paris")) - 65,
            maillon_app::members::season_of(maillon_app::places::routes::today_date("Europe/Paris"))
        ))
        .await;
    assert!(n > 0);
    assert_eq!(n, expected);

    // Without JavaScript: "Compter" gives the page back with the count and what was typed.
    let page = fatou
        .get(&format!(
            "/structures/{sid}/segments/nouveau?nom=Seniors&{seniors}"
        ))
        .await;
    page.assert_contains(&format!("{n} personne(s)"));
    page.assert_contains("Adhérent de la saison · 65 ans et plus · quartier Jean Ferrat");
    page.assert_contains("value=\"Seniors\"");
    // A bad age is said next to its field.
    let page = fatou
        .get(&format!("/structures/{sid}/segments/nouveau?age_min=vieux"))
        .await;
    page.assert_contains("« vieux » n'est pas un âge");

    let r = fatou
        .post(
            &format!("/structures/{sid}/segments"),
            &[
                ("nom", "Mes seniors"),
                ("adhesion", "adherent"),
                ("age_min", "65"),
                ("quartier", "Jean Ferrat"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let list = fatou.get(&format!("/structures/{sid}/segments")).await;
    list.assert_contains("Mes seniors");
    list.assert_contains(&format!("{n} personne(s)"));
    // Without a name nothing is saved.
    let r = fatou
        .post(
            &format!("/structures/{sid}/segments"),
            &[("nom", ""), ("age_min", "65")],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("Donnez un nom au segment");

    // A new senior member of the neighbourhood joins the segment: it is dynamic.
    let r = fatou
        .post(
            &format!("/structures/{sid}/adherents/nouveau"),
            &[
                ("first_name", "Marcel"),
                ("last_name", "Pagnol"),
                ("birth_year", "1940"),
                ("quartier", "Jean Ferrat"),
            ],
        )
        .await;
    let marcel = r
        .location()
        .split('/')
        .next_back()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let season =
        maillon_app::members::season_of(maillon_app::places::routes::today_date("Europe/Paris"));
    fatou
        .post(
            &format!("/structures/{sid}/adherents/{marcel}/adhesion"),
            &[
                ("season", season.as_str()),
                ("joined_on", "2026-10-01"),
                ("fee", "0"),
                ("payment_mode", "gratuit"),
            ],
        )
        .await;
    fatou
        .get(&format!("/structures/{sid}/segments"))
        .await
        .assert_contains(&format!("{} personne(s)", n + 1));

    // A filter that matches nobody says so.
    let page = fatou
        .get(&format!("/structures/{sid}/segments/nouveau?q=zzzz"))
        .await;
    page.assert_contains("Ce segment ne touche personne");
    app.stop().await;
}

#[tokio::test]
async fn an_import_with_errors_imports_nothing_and_a_good_one_everything() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let fatou = app.signed_in(FERRAT_DESK, PASSWORD).await;
    let before = app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await;
    let wrong = "Prénom;Nom;Téléphone;E-mail;Adresse;Code postal;Commune;Foyer;Saison;Cotisation;Mode de paiement\n\
        Lucien;Garnaud;06 55 44 33 22;;8 rue Basse;42000;Saint-Étienne;Famille Garnaud;2026-2027;10;Espèces\n\
        Lucie;Garnaud;;lucie@;8 rue Basse;42000;Saint-Étienne;Famille Garnaud;;;\n\
        Lucien;Garnaud;06 55 44 33 22;;;;;;;;\n";
    let r = fatou
        .post_files(
            &format!("/structures/{sid}/adherents/import"),
            &[],
            vec![("file", "adherents.csv", wrong.as_bytes().to_vec())],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("2 ligne(s) à corriger");
    r.assert_contains("Même personne que la ligne 2");
    assert!(!r.text().contains("Confirmer l'import"));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await,
        before
    );

    let good = wrong.lines().take(2).collect::<Vec<_>>().join("\n")
        + "\nLucie;Garnaud;;lucie@example.org;8 rue Basse;42000;Saint-Étienne;Famille Garnaud;;;\n";
    let r = fatou
        .post_files(
            &format!("/structures/{sid}/adherents/import"),
            &[],
            vec![("file", "adherents.csv", good.as_bytes().to_vec())],
        )
        .await;
    r.assert_contains("2 personne(s) seront créées");
    let content = good.clone();
    let r = fatou
        .post(
            &format!("/structures/{sid}/adherents/import/confirmer"),
            &[("content", content.as_str())],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await,
        before + 2
    );
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(DISTINCT household_id) FROM beneficiaries WHERE last_name = 'Garnaud'"
        )
        .await,
        1
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM adhesions m JOIN beneficiaries b ON b.id = m.person_id WHERE b.last_name = 'Garnaud'").await,
        1
    );
    // Importing the same file again creates nobody twice.
    let r = fatou
        .post_files(
            &format!("/structures/{sid}/adherents/import"),
            &[],
            vec![("file", "adherents.csv", good.as_bytes().to_vec())],
        )
        .await;
    r.assert_contains("Ignorée : cette personne est déjà enregistrée.");

    // The export has the import's columns, and is in the journal.
    let (status, _, bytes) = fatou
        .download(&format!("/structures/{sid}/adherents/export.csv?q=garnaud"))
        .await;
    assert_eq!(status, 200);
    let csv = String::from_utf8(bytes).unwrap();
    assert!(
        csv.starts_with("Prénom,Nom,Année de naissance,Téléphone"),
        "{csv}"
    );
    assert!(csv.contains("Lucien,Garnaud"), "{csv}");
    assert!(csv.contains("Famille Garnaud"), "{csv}");
    assert_eq!(csv.lines().count(), 3);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'export_adherents'")
            .await,
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn a_person_changes_their_choices_with_their_personal_link() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let fatou = app.signed_in(FERRAT_DESK, PASSWORD).await;
    let samira = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Samira'")
        .await;
    let page = fatou
        .post(&format!("/structures/{sid}/adherents/{samira}/lien"), &[])
        .await;
    assert_eq!(page.status, 200);
    let text = page.text();
    let start = text.find("/mes-donnees/").expect("the link is shown");
    let link = text[start..start + "/mes-donnees/".len() + 64].to_string();
    assert!(
        app.scalar_text(&format!(
            "SELECT self_token_hash FROM beneficiaries WHERE id = '{samira}'"
        ))
        .await
        .len()
            == 64
    );

    let visitor = app.client();
    let mine = visitor.get(&link).await;
    assert_eq!(mine.status, 200);
    mine.assert_contains("Bonjour Samira Benali");
    mine.assert_contains("Famille Benali");
    // Samira gave her e-mail for news, surveys and photos (paper form): those boxes are ticked.
    assert!(mine
        .text()
        .contains("name=\"c_surveys_email\" value=\"1\" checked"));
    // She keeps news by e-mail and workshop reminders by SMS, and withdraws the rest.
    let r = visitor
        .post(
            &link,
            &[
                ("contact_pref", "email"),
                ("c_news_email", "1"),
                ("c_reminders_sms", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    visitor
        .get(&r.location())
        .await
        .assert_contains("Vos choix sont enregistrés.");
    let states = app
        .texts(&format!("SELECT channel || ':' || purpose || ':' || state || ':' || source || ':' || text_version FROM consent_events WHERE person_id = '{samira}' AND source = 'link' ORDER BY channel, purpose"))
        .await;
    assert!(
        states.contains(&"email:surveys:refused:link:2026-11".to_string()),
        "{states:?}"
    );
    assert!(
        states.contains(&"email:photos:refused:link:2026-11".to_string()),
        "{states:?}"
    );
    assert!(
        states.contains(&"sms:news:refused:link:2026-11".to_string()),
        "{states:?}"
    );
    // Unchanged answers are not written again: news by e-mail was given, and reminders
    // by SMS go to a member of the season until she objects.
    assert!(
        !states
            .iter()
            .any(|s| s.starts_with("email:news") || s.starts_with("sms:reminders")),
        "{states:?}"
    );
    // A wrong or old link opens nothing.
    assert_eq!(
        visitor
            .get(&format!("/mes-donnees/{}", "0".repeat(64)))
            .await
            .status,
        404
    );
    fatou
        .post(&format!("/structures/{sid}/adherents/{samira}/lien"), &[])
        .await;
    assert_eq!(visitor.get(&link).await.status, 404);
    app.stop().await;
}

#[tokio::test]
async fn merging_two_records_keeps_memberships_and_consents() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let fatou = app.signed_in(FERRAT_DESK, PASSWORD).await;
    let r = fatou
        .post(
            &format!("/structures/{sid}/adherents/nouveau"),
            &[
                ("first_name", "Josete"),
                ("last_name", "MARTIN"),
                ("address", "1 rue Neuve"),
                ("postcode", "42100"),
                ("commune", "Saint-Étienne"),
            ],
        )
        .await;
    let copy = r
        .location()
        .split('/')
        .next_back()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    fatou
        .post(
            &format!("/structures/{sid}/adherents/{copy}/adhesion"),
            &[
                ("season", "2024-2025"),
                ("joined_on", "2024-09-20"),
                ("fee", "8"),
                ("payment_mode", "especes"),
            ],
        )
        .await;
    fatou
        .post(
            &format!("/structures/{sid}/adherents/{copy}/consentement"),
            &[
                ("channel", "post"),
                ("purpose", "surveys"),
                ("state", "given"),
                ("source", "paper"),
            ],
        )
        .await;
    let josette = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Josette'")
        .await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let r = karim
        .post(
            &format!("/structures/{sid}/beneficiaires/fusion"),
            &[("keep", josette.as_str()), ("other", copy.as_str())],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM adhesions WHERE person_id = '{josette}' AND season = '2024-2025'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar_text(&format!("SELECT state FROM consents WHERE person_id = '{josette}' AND channel = 'post' AND purpose = 'surveys'")).await,
        "given"
    );
    app.stop().await;
}

#[tokio::test]
async fn every_member_route_answers_404_for_another_structures_objects() {
    let app = TestApp::demo().await;
    let ferrat = app.structure_id(FERRAT).await;
    let tilleuls = app.structure_id(TILLEULS).await;
    let samira = app
        .scalar_text("SELECT id FROM beneficiaries WHERE first_name = 'Samira'")
        .await;
    let adhesion = app
        .scalar_text(&format!(
            "SELECT id FROM adhesions WHERE person_id = '{samira}'"
        ))
        .await;
    let segment = app
        .scalar_text("SELECT id FROM segments WHERE name = 'Adhérents sans e-mail'")
        .await;
    let sophie = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    for sid in [&ferrat, &tilleuls] {
        for path in [
            format!("/structures/{sid}/adherents/{samira}"),
            format!("/structures/{sid}/segments/{segment}"),
        ] {
            let r = sophie.get(&path).await;
            assert_eq!(r.status, 404, "GET {path}");
            assert!(!r.text().contains("Benali"), "GET {path} leaked data");
        }
        let person = format!("/structures/{sid}/adherents/{samira}");
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                person.clone(),
                vec![("first_name", "Piratée"), ("last_name", "X")],
            ),
            (
                format!("{person}/adhesion"),
                vec![
                    ("season", "2030-2031"),
                    ("joined_on", "2030-09-01"),
                    ("fee", "1"),
                    ("payment_mode", "especes"),
                ],
            ),
            (format!("{person}/adhesion/{adhesion}/supprimer"), vec![]),
            (
                format!("{person}/consentement"),
                vec![
                    ("channel", "email"),
                    ("purpose", "news"),
                    ("state", "refused"),
                    ("source", "desk"),
                ],
            ),
            (format!("{person}/archiver"), vec![("archived", "1")]),
            (format!("{person}/lien"), vec![]),
            (
                format!("/structures/{sid}/segments/{segment}"),
                vec![("nom", "Piraté")],
            ),
            (
                format!("/structures/{sid}/segments/{segment}/supprimer"),
                vec![],
            ),
        ];
        for (path, fields) in &posts {
            assert_eq!(sophie.post(path, fields).await.status, 404, "POST {path}");
        }
    }
    // Nothing changed.
    assert_eq!(
        app.scalar_text(&format!(
            "SELECT first_name FROM beneficiaries WHERE id = '{samira}'"
        ))
        .await,
        "Samira"
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM adhesions WHERE person_id = '{samira}'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM consent_events WHERE person_id = '{samira}'"
        ))
        .await,
        3
    );
    assert_eq!(app.scalar_i64(&format!("SELECT COUNT(*) FROM beneficiaries WHERE id = '{samira}' AND (archived_at IS NOT NULL OR self_token_hash IS NOT NULL)")).await, 0);
    assert_eq!(
        app.scalar_text(&format!("SELECT name FROM segments WHERE id = '{segment}'"))
            .await,
        "Adhérents sans e-mail"
    );
    app.stop().await;
}
