//! Whatever is sent, no 500, no stall, no leak (issue 16): redirects, control characters,
//! long searches, spreadsheet formulas, the coordination's reach, old links, feeds,
//! cross-site checks, metrics, images that unfold, large imports.

use crate::harness::{link_path, SmtpSink, TestApp};
use crate::*;

#[tokio::test]
async fn redirects_go_only_to_paths_of_this_site() {
    let app = TestApp::demo().await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    for suite in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D",
        "/%0B",
        "//evil.example",
        "/%5Cevil.example",
        "https://evil.example",
    ] {
        let r = nadia.get(&format!("/connexion?suite={suite}")).await;
        assert_eq!(r.status, 303, "{suite}");
        // The dashboard, or the home page when what is left is just "/".
        let to = r.location();
        assert!(to == "/tableau-de-bord" || to == "/", "{suite} → {to}");
    }
    // Through the sign-in form too, and an address with accents still works.
    let client = app.client();
    for (suite, expected) in [
        ("/\t/evil.example", "/tableau-de-bord"),
        ("/\n/evil.example", "/tableau-de-bord"),
        // Trimmed, what is left is the home page.
        ("/\n", "/"),
        ("/ressources?q=été", "/ressources?q=%C3%A9t%C3%A9"),
    ] {
        let r = client
            .post(
                "/connexion",
                &[
                    ("email", FERRAT_ADMIN),
                    ("password", PASSWORD),
                    ("suite", suite),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{suite:?}");
        assert_eq!(r.location(), expected, "{suite:?}");
        client.post("/deconnexion", &[]).await;
    }
    app.stop().await;
}

#[tokio::test]
async fn nul_bytes_control_characters_and_huge_pages_get_no_500() {
    let app = TestApp::demo().await;
    let client = app.client();
    for (path, fields) in [
        (
            "/connexion",
            vec![("email", "a\u{0}b@exemple.test"), ("password", "x\u{0}")],
        ),
        ("/mot-de-passe-oublie", vec![("email", "\u{0}")]),
    ] {
        let r = client.post(path, &fields).await;
        assert!(r.status < 500, "{path}: {}", r.status);
    }
    for path in [
        "/ateliers/%00",
        "/lieux/%00abc",
        "/inscription/%00",
        "/ressources?q=%00&page=9223372036854775807",
        "/api/ressources.json?page=9223372036854775807",
        "/ateliers?commune=%00%01",
        "/ressources?page=abc",
    ] {
        let r = client.get(path).await;
        assert!(r.status < 500, "{path}: {}", r.status);
    }
    assert_eq!(client.get("/ateliers/%00").await.status, 404);
    let r = client.get("/ressources?page=abc").await;
    assert_eq!(r.status, 400);
    r.assert_contains("valeur incorrecte");

    // A title typed with a control character is saved without it: the feeds stay XML.
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let sid = app.structure_id(FERRAT).await;
    let session = crate::workshops::workshop_on(&app, &karim, &sid, "10", "1", 5).await;
    let wid = app
        .scalar_text(&format!(
            "SELECT workshop_id FROM workshop_sessions WHERE id = '{session}'"
        ))
        .await;
    // An older row holding one (written before forms cleaned them) is cleaned on the way out.
    let control = match app.db.backend {
        maillon_app::db::Backend::Sqlite => "char(1)",
        maillon_app::db::Backend::Postgres => "chr(1)",
    };
    app.exec(&format!(
        "UPDATE workshops SET title = 'Atelier ' || {control} || ' tablette' WHERE id = '{wid}'"
    ))
    .await;
    let atom = client.get("/ateliers.atom").await;
    assert_eq!(atom.status, 200);
    assert!(
        atom.body.contains("Atelier  tablette"),
        "the entry is there"
    );
    assert!(
        !atom.body.chars().any(|c| c.is_control() && c != '\n'),
        "no control character"
    );
    let ics = client.get("/ateliers.ics").await;
    assert!(!ics
        .body
        .chars()
        .any(|c| c.is_control() && c != '\r' && c != '\n'));
    let r = karim
        .post(
            &format!("/structures/{sid}/beneficiaires/nouveau"),
            &[
                ("first_name", "Ro\u{0}se\u{1}"),
                ("last_name", "Mar\u{7f}tin"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM beneficiaries WHERE first_name = 'Rose' AND last_name = 'Martin'"
        )
        .await,
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn long_searches_are_cut_and_a_saved_one_still_opens() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    // 50,000 characters in a form; an address holds 64 KB at most, so 9,000 in a link.
    let long = "martin ".repeat(8_000);
    let q = crate::harness::url(&"martin ".repeat(1_300));
    for path in [
        format!("/structures/{sid}/beneficiaires?q={q}"),
        format!("/structures/{sid}/adherents?q={q}"),
        format!("/structures/{sid}/adherents?quartier={q}"),
        format!("/structures/{sid}/activites/personnes?q={q}"),
        format!("/ressources?q={q}"),
        format!("/structures/{sid}/segments/compte?q={q}"),
    ] {
        let r = nadia.get(&path).await;
        assert_eq!(r.status, 200, "{}", &path[..60]);
    }
    nadia
        .get(&format!("/structures/{sid}/beneficiaires?q={q}"))
        .await
        .assert_contains("Votre recherche a été raccourcie");
    nadia
        .get(&format!("/ressources?q={q}"))
        .await
        .assert_contains("Votre recherche a été raccourcie");
    nadia
        .get(&format!("/structures/{sid}/adherents?q={q}"))
        .await
        .assert_contains("Votre recherche a été raccourcie");
    // The activity form's search without JavaScript.
    let r = nadia
        .post(
            &format!("/structures/{sid}/activites/nouvelle"),
            &[("q_personne", long.as_str()), ("chercher", "1")],
        )
        .await;
    assert_eq!(r.status, 200);
    // A segment cannot be saved with such a search…
    let r = nadia
        .post(
            &format!("/structures/{sid}/segments"),
            &[("nom", "Trop long"), ("q", long.as_str())],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("Votre recherche a été raccourcie");
    // …and one saved before the limit opens, counts, and can be deleted.
    app.exec(&format!(
        "INSERT INTO segments (id, structure_id, name, filter, created_at, updated_at) \
         VALUES ('seg-long', '{sid}', 'Ancien segment', 'q={}', 0, 0)",
        crate::harness::url(&long)
    ))
    .await;
    assert_eq!(
        nadia
            .get(&format!("/structures/{sid}/segments"))
            .await
            .status,
        200
    );
    let r = nadia
        .get(&format!("/structures/{sid}/segments/seg-long"))
        .await;
    assert_eq!(r.status, 200);
    // A message to it opens, with its count of recipients.
    let r = nadia
        .post(
            &format!("/structures/{sid}/messages"),
            &[
                ("subject", "Aux anciens"),
                ("body", "Bonjour à tous."),
                ("purpose", "news"),
                ("segment_id", "seg-long"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", &r.body[..r.body.len().min(300)]);
    assert_eq!(nadia.get(&r.location()).await.status, 200);
    let r = nadia
        .post(
            &format!("/structures/{sid}/segments/seg-long/supprimer"),
            &[],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM segments WHERE id = 'seg-long'")
            .await,
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn spreadsheet_formulas_reach_the_staff_as_text() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let session = crate::workshops::workshop_on(&app, &karim, &sid, "10", "1", 6).await;
    let r = app
        .client()
        .post(
            &format!("/ateliers/{session}"),
            &[
                ("name", "=SOMME(A1:A9)*10"),
                ("phone", "06 12 12 12 12"),
                ("needs", "@cmd"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let csv = karim
        .get(&format!("/structures/{sid}/seances/{session}/inscrits.csv"))
        .await
        .body;
    assert!(csv.contains("'=SOMME(A1:A9)*10"), "{csv}");
    assert!(csv.contains("'@cmd"), "{csv}");
    assert!(!csv.contains(",=SOMME"), "{csv}");
    // Beneficiaries and members likewise; numbers stay numbers.
    let r = karim
        .post(
            &format!("/structures/{sid}/beneficiaires/nouveau"),
            &[
                ("first_name", "+cmd|' /C calc'!A0"),
                ("last_name", "-Dupont"),
                ("phone", "06 98 98 98 98"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    for path in [
        format!("/structures/{sid}/beneficiaires/export.csv"),
        format!("/structures/{sid}/adherents/export.csv"),
    ] {
        let csv = karim.get(&path).await.body;
        assert!(csv.contains("'+cmd|' /C calc'!A0"), "{path}");
        assert!(csv.contains("'-Dupont"), "{path}");
        assert!(
            !csv.contains("'+33698989898"),
            "{path}: a phone is a number"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn the_network_coordination_reaches_no_personal_data() {
    let sms = crate::harness::FakeSms::start().await;
    let app = sms.demo_app().await;
    let sid = app.structure_id(FERRAT).await;
    let claire = app.signed_in(NETWORK_ADMIN, PASSWORD).await;
    // She asks to join Jean Ferrat as a mediator: no link is made, no e-mail to her.
    let r = claire
        .post(
            &format!("/structures/{sid}/equipe/inviter"),
            &[("email", NETWORK_ADMIN), ("role", "mediator")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(
        r.location().contains("invitation-demandee"),
        "{}",
        r.location()
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM account_tokens WHERE email = '{NETWORK_ADMIN}' AND purpose = 'invitation'"
        ))
        .await,
        0
    );
    claire
        .get(&format!("/structures/{sid}/equipe"))
        .await
        .assert_contains("En attente de l'accord");
    // The structure's admin is told and decides.
    let notice = app.last_email_to(FERRAT_ADMIN).await;
    assert!(notice.contains("propose d'inviter"), "{notice}");
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let team = nadia.get(&format!("/structures/{sid}/equipe")).await;
    team.assert_contains("Approuver et envoyer");
    let request = app
        .scalar_text(&format!(
            "SELECT id FROM invitation_requests WHERE email = '{NETWORK_ADMIN}'"
        ))
        .await;
    assert_eq!(
        claire
            .post(
                &format!("/structures/{sid}/demandes/{request}/approuver"),
                &[]
            )
            .await
            .status,
        403,
        "she cannot approve her own request"
    );
    let r = nadia
        .post(
            &format!("/structures/{sid}/demandes/{request}/refuser"),
            &[],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        claire
            .get(&format!("/structures/{sid}/beneficiaires"))
            .await
            .status,
        404
    );

    // A registration with a phone and an e-mail: its SMS and its mail stay the centre's.
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let session = crate::workshops::workshop_on(&app, &karim, &sid, "10", "1", 6).await;
    let r = app
        .client()
        .post(
            &format!("/ateliers/{session}"),
            &[
                ("name", "Rose Privée"),
                ("phone", "06 31 41 59 26"),
                ("email", "rose.privee@exemple.test"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let token_path = r.location();
    app.wait_for_emails().await;
    let log = claire.get(&format!("/structures/{sid}/sms")).await;
    assert_eq!(log.status, 200);
    assert!(
        !log.body.contains("06 31 41 59 26") && !log.body.contains("Rose"),
        "no number or text"
    );
    log.assert_contains("ne sont visibles que des responsables");
    let log = nadia.get(&format!("/structures/{sid}/sms")).await;
    log.assert_contains("06 31 41 59 26");
    assert!(
        !log.body.contains(&token_path),
        "the personal link is the person's"
    );

    let outbox = claire.get("/reseau/boite-d-envoi").await;
    assert!(
        !outbox.body.contains("rose.privee@exemple.test"),
        "no member address"
    );
    outbox.assert_contains("adresse masquée");
    let id = app
        .scalar_text("SELECT id FROM emails WHERE to_addr = 'rose.privee@exemple.test'")
        .await;
    let r = claire.get(&format!("/reseau/boite-d-envoi/{id}")).await;
    assert!(
        !r.body.contains(&token_path) && !r.body.contains("Rose"),
        "{}",
        r.body
    );
    // The structure's admin reads it in her outbox, the link masked.
    let r = nadia
        .get(&format!("/structures/{sid}/boite-d-envoi/{id}"))
        .await;
    r.assert_contains("rose.privee@exemple.test");
    r.assert_contains("[lien personnel masqué]");
    assert!(!r.body.contains(&token_path));
    assert_eq!(
        claire
            .get(&format!("/structures/{sid}/boite-d-envoi"))
            .await
            .status,
        403
    );
    // An account mail (the demo's invitation) is read by the coordination, link masked.
    let invitation = app
        .scalar_text("SELECT id FROM emails WHERE to_addr = 'lea.morel@jeanferrat.test'")
        .await;
    let r = claire
        .get(&format!("/reseau/boite-d-envoi/{invitation}"))
        .await;
    r.assert_contains("lea.morel@jeanferrat.test");
    r.assert_contains("[lien personnel masqué]");
    assert!(!r.body.contains("/invitation/"));
    app.stop().await;
}

#[tokio::test]
async fn a_password_change_ends_every_link_sent_before() {
    let sink = SmtpSink::start().await;
    let smtp = sink.url();
    let app = TestApp::demo_with(|c| c.smtp_url = Some(smtp)).await;
    let client = app.client();
    client
        .post("/mot-de-passe-oublie", &[("email", FERRAT_MEDIATOR)])
        .await;
    let old_link = link_path(
        &sink.message_with("/reinitialiser/").await,
        "/reinitialiser/",
    );
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let new = "encore un autre mot de passe";
    let r = karim
        .post(
            "/compte/mot-de-passe",
            &[
                ("current", PASSWORD),
                ("password", new),
                ("confirmation", new),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = client.get(&old_link).await;
    r.assert_contains("déjà été utilisé");
    let r = client
        .post(
            &old_link,
            &[
                ("password", "le mot de passe du voleur"),
                ("confirmation", "le mot de passe du voleur"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(app.client().login(FERRAT_MEDIATOR, new).await.status, 303);
    app.stop().await;
}

#[tokio::test]
async fn a_message_sent_again_after_a_crash_keeps_its_message_id() {
    let sink = SmtpSink::start().await;
    let smtp = sink.url();
    let app = TestApp::demo_with(|c| {
        c.smtp_url = Some(smtp);
        c.public_url = "https://maillon.exemple.fr".into();
    })
    .await;
    app.wait_for_emails().await;
    let id = app
        .scalar_text("SELECT id FROM emails WHERE to_addr = 'lea.morel@jeanferrat.test'")
        .await;
    let first = sink.message_with("lea.morel@jeanferrat.test").await;
    let header = format!("Message-ID: <{id}@maillon.exemple.fr>");
    assert!(first.contains(&header), "{first}");
    // As if the server had stopped between the relay's yes and the "sent" mark.
    app.exec(&format!(
        "UPDATE emails SET status = 'sending' WHERE id = '{id}'"
    ))
    .await;
    let config = app.state().config.clone();
    let mailer = maillon_app::mail::Mailer::from_config(&config).unwrap();
    let payload = format!("{{\"email_id\": \"{id}\"}}");
    maillon_app::mail::deliver(&app.db, &config, &mailer, &payload, false)
        .await
        .unwrap();
    let copies = sink
        .messages
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.contains(&header))
        .count();
    assert_eq!(copies, 2, "sent again, known as the same message");
    assert_eq!(
        app.scalar_text(&format!("SELECT status FROM emails WHERE id = '{id}'"))
            .await,
        "sent"
    );
    app.stop().await;
}

#[tokio::test]
async fn cross_site_checks_compare_scheme_host_and_port() {
    let app = TestApp::demo().await;
    let client = app.client();
    let host = app.base.trim_start_matches("http://").to_string();
    let form = [("email", FERRAT_ADMIN), ("password", PASSWORD)];
    for (origin, allowed) in [
        (format!("http://{host}"), true),
        (format!("https://{host}"), false),
        (format!("http://{host}0"), false),
        ("http://evil.example".to_string(), false),
        ("null".to_string(), false),
    ] {
        let r = client
            .post_with("/connexion", &form, &[("origin", &origin)])
            .await;
        assert_eq!(r.status != 403, allowed, "{origin}: {}", r.status);
    }
    app.stop().await;
}

#[tokio::test]
async fn metrics_need_a_token_beyond_this_machine() {
    let app = TestApp::start_with(|c| c.addr = "0.0.0.0:0".parse().unwrap()).await;
    let port = app.base.rsplit(':').next().unwrap().to_string();
    let client = crate::harness::Client::new(&format!("http://127.0.0.1:{port}"));
    let r = client.get("/metrics").await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("MAILLON_METRICS_TOKEN"));
    app.stop().await;
    // Bound to loopback (the tests' default), it answers.
    let local = TestApp::start().await;
    assert_eq!(local.client().get("/metrics").await.status, 200);
    local.stop().await;
}

#[tokio::test]
async fn a_small_png_that_unfolds_to_a_huge_bitmap_is_refused_before_decoding() {
    let app = TestApp::demo().await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let rid = app
        .scalar_text(
            "SELECT r.id FROM resources r JOIN structures s ON s.id = r.structure_id \
             WHERE s.name = 'Centre social Jean Ferrat' ORDER BY r.created_at LIMIT 1",
        )
        .await;
    let bomb = maillon_app::files::samples::png_header_only(11_900, 11_900);
    let r = karim
        .post_files(
            &format!("/ressources/{rid}/couverture"),
            &[("alt", "Une image de test")],
            vec![("file", "couverture.png", bomb)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.assert_contains("Cette image est trop grande (11900 × 11900 pixels");
    app.stop().await;
}

/// A CSV of `n` people, each different: names of twelve letters drawn at random (from a
/// fixed seed), far from each other, so that none is "very close" to another.
fn people_csv(n: usize) -> Vec<u8> {
    let mut seed: u64 = 7;
    let mut letters = |k: usize| -> String {
        (0..k)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (b'a' + ((seed >> 33) % 26) as u8) as char
            })
            .collect()
    };
    let mut csv = String::from("Prénom;Nom;Téléphone;Année de naissance\n");
    for i in 0..n {
        csv.push_str(&format!(
            "{};{};06{:08};{}\n",
            letters(6),
            letters(12),
            i,
            1940 + i % 60
        ));
    }
    csv.into_bytes()
}

#[tokio::test]
async fn a_large_import_leaves_the_server_answering_and_goes_in_whole() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let before = app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await;
    // While a 20,000-row preview is read, /healthz answers (on one runtime thread, as
    // this test runs: reading off the async workers is what lets it).
    let file = people_csv(20_000);
    let path = format!("/structures/{sid}/beneficiaires/import");
    let preview = {
        let karim = karim.clone();
        let path = path.clone();
        tokio::spawn(async move {
            karim
                .post_files(&path, &[], vec![("file", "liste.csv", file)])
                .await
        })
    };
    // Reading the file takes a second or more here; read on the async worker, it would let
    // at most one or two probes through (after it), so several answers mean it was not.
    let probe = app.client();
    let mut answered_during = 0;
    while !preview.is_finished() {
        let r = probe.get("/healthz").await;
        assert_eq!(r.status, 200);
        if !preview.is_finished() {
            answered_during += 1;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let preview = preview.await.unwrap();
    assert_eq!(preview.status, 200);
    preview.assert_contains("20000 personne(s) seront créées");
    preview.assert_contains("autre(s) ligne(s) sans problème, non affichées");
    assert!(
        answered_during >= 5,
        "the server answered while the file was read: {answered_during}"
    );
    assert!(
        preview.body.len() < 4_000_000,
        "the page shows a part: {} bytes",
        preview.body.len()
    );
    let content = String::from_utf8(people_csv(20_000)).unwrap();
    let r = karim
        .post(
            &format!("{path}/confirmer"),
            &[("content", content.as_str())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", &r.body[..r.body.len().min(500)]);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM beneficiaries").await,
        before + 20_000
    );
    // Beyond the cap, a clear message and nothing read further.
    let r = karim
        .post_files(&path, &[], vec![("file", "trop.csv", people_csv(50_001))])
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("Le fichier a plus de 50 000 lignes");
    app.stop().await;
}

#[tokio::test]
async fn statistics_links_kept_in_clear_before_become_hashes_and_keep_working() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    // A link as migration 15 finds it: the secret in clear.
    app.exec("CREATE TABLE stat_shares (token TEXT PRIMARY KEY, structure_id TEXT NOT NULL, created_by TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT)").await;
    let token = "a".repeat(64);
    app.exec(&format!(
        "INSERT INTO stat_shares VALUES ('{token}', '{sid}', 'Nadia Benali', 0, NULL)"
    ))
    .await;
    let mut tx = app.db.begin_write().await.unwrap();
    maillon_app::activities::shares::hash_old_links(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        app.client()
            .get(&format!("/statistiques/{token}"))
            .await
            .status,
        200
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM stat_links WHERE token_hash = '{token}'"
        ))
        .await,
        0,
        "no secret in clear"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_database_out_of_reach_answers_503_and_a_duplicate_keeps_its_kind() {
    let app = TestApp::demo().await;
    // A unique violation reaches the store as such, on both databases, for it to answer.
    let mut tx = app.db.begin_write().await.unwrap();
    let err = sqlx::query("INSERT INTO users (id, email, name, password_hash, created_at, password_changed_at) SELECT id || 'x', email, name, password_hash, created_at, password_changed_at FROM users LIMIT 1")
        .execute(&mut *tx)
        .await
        .map_err(maillon_app::db::DbError::from)
        .unwrap_err();
    assert!(err.is_unique_violation(), "{err:?}");
    assert!(!err.is_unavailable());
    drop(tx);

    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let page = format!("/structures/{}", app.structure_id(FERRAT).await);
    assert_eq!(nadia.get(&page).await.status, 200);
    // The pools are shared with the server: closing them is a database gone away.
    app.db.close().await;
    let r = nadia.get(&page).await;
    assert_eq!(r.status, 503, "{}", r.body);
    r.assert_contains("momentanément indisponible");
    assert_eq!(r.header("retry-after"), "30");
    assert!(!r.body.contains("PoolClosed") && !r.body.contains("pool"));
    app.stop().await;
}

#[tokio::test]
async fn a_misspelt_or_mistyped_column_is_an_error_and_only_null_reads_empty() {
    use maillon_app::db;
    let app = TestApp::start().await;
    let row =
        sqlx::query("SELECT CAST(7 AS BIGINT) AS n, 'mot' AS word, CAST(NULL AS TEXT) AS absent")
            .fetch_one(app.db.read())
            .await
            .unwrap();
    assert_eq!(db::int(&row, "n").unwrap(), 7);
    assert_eq!(db::text(&row, "word").unwrap(), "mot");
    // NULL reads as empty.
    assert_eq!(db::text(&row, "absent").unwrap(), "");
    // A misspelt column is an error, not an empty value.
    let err = db::text(&row, "wrod").unwrap_err();
    assert!(err.to_string().contains("wrod"), "{err}");
    assert!(db::int(&row, "m").is_err());
    assert!(db::flag(&row, "nn").is_err());
    // So is a column of another type.
    assert!(db::int(&row, "word").is_err());
    assert!(db::text(&row, "n").is_err());
    app.stop().await;
}
