//! Resource commons: making a resource, its blocks, who sees it, adapting it with
//! attribution, and the licence that forbids it.

use crate::harness::{Client, TestApp};
use crate::*;

const SOPHIE: &str = TILLEULS_ADMIN;

/// Creates a resource through the form; returns its page's path.
pub async fn create(app: &TestApp, who: &Client, sid: &str, title: &str, licence: &str) -> String {
    let r = who
        .post(
            &format!("/structures/{sid}/ressources/nouvelle"),
            &[
                ("title", title),
                ("summary", "Reconnaître les faux messages de livraison."),
                ("themes", "risques_cyber"),
                ("types", "pedagogique"),
                ("publics", "seniors"),
                ("level", "debutant"),
                ("duration", "60"),
                ("licence", licence),
                ("visibility", "brouillon"),
                (
                    "sources",
                    "Cybermalveillance — https://www.cybermalveillance.gouv.fr\nQuiz MAIF",
                ),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let path = r.location().split('?').next().unwrap().to_string();
    assert!(path.starts_with("/ressources/"), "{path}");
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM resources WHERE title = '{}'",
            title.replace('\'', "''")
        ))
        .await,
        1
    );
    path
}

pub async fn set_visibility(who: &Client, path: &str, visibility: &str, licence: &str) -> u16 {
    who.post(
        &format!("{path}/modifier"),
        &[
            ("title", "Colis en attente : arnaque ou pas ?"),
            ("themes", "risques_cyber"),
            ("licence", licence),
            ("visibility", visibility),
        ],
    )
    .await
    .status
}

#[tokio::test]
async fn a_mediator_makes_a_resource_block_by_block() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let before = app.scalar_i64("SELECT COUNT(*) FROM resources").await;

    // Bad input: said next to each field, what was typed is kept, nothing saved.
    let long = "x".repeat(301);
    let r = karim
        .post(
            &format!("/structures/{sid}/ressources/nouvelle"),
            &[
                ("title", ""),
                ("summary", &long),
                ("duration", "une heure"),
                ("sources", "Les Bons Clics — ftp://lesbonsclics.fr"),
                ("material", "Tablettes"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("Donnez un titre à la ressource.");
    r.assert_contains("300 caractères au plus (il en a 301)");
    r.assert_contains("Choisissez au moins une thématique.");
    r.assert_contains("Choisissez la licence");
    r.assert_contains("Indiquez la durée en minutes");
    r.assert_contains("Ligne 1 : « ftp://lesbonsclics.fr » n'est pas une adresse web");
    r.assert_contains("value=\"Tablettes\"");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM resources").await,
        before
    );

    let path = create(
        &app,
        &karim,
        &sid,
        "Colis en attente : arnaque ou pas ?",
        "cc-by-sa-4.0",
    )
    .await;
    let page = karim.get(&path).await;
    page.assert_contains("Brouillon");
    page.assert_contains("Seniors &#38; personnes âgées");
    page.assert_contains("href=\"https://www.cybermalveillance.gouv.fr\"");
    page.assert_contains("1 h");

    // Blocks: a section, a text with a script in it, a link; wrong ones refused.
    let add = |fields: Vec<(&'static str, &'static str)>| {
        let karim = &karim;
        let path = path.clone();
        async move { karim.post(&format!("{path}/blocs/nouveau"), &fields).await }
    };
    let r = add(vec![
        ("kind", "lien"),
        ("url", "javascript:alert(1)"),
        ("title", ""),
    ])
    .await;
    assert_eq!(r.status, 200);
    r.assert_contains("Indiquez une adresse web complète");
    r.assert_contains("Donnez un titre au lien.");
    assert_eq!(
        add(vec![("kind", "section"), ("title", "Déroulé")])
            .await
            .status,
        303
    );
    let r = add(vec![
        ("kind", "texte"),
        (
            "body",
            "- **Ne pas cliquer**\n- <script>alert('x')</script> transférer au 33700",
        ),
    ])
    .await;
    assert_eq!(r.status, 303);
    let r = add(vec![
        ("kind", "lien"),
        ("url", "https://www.cybermalveillance.gouv.fr"),
        ("title", "Cybermalveillance"),
    ])
    .await;
    assert_eq!(r.status, 303);
    let page = karim.get(&path).await;
    page.assert_contains("<strong>Ne pas cliquer</strong>");
    page.assert_contains("&lt;script&gt;");
    assert!(
        !page.body.contains("<script>alert"),
        "a script is shown, never run"
    );

    // Reordered without JavaScript: the link goes up above the text.
    let blocks = app
        .texts(
            "SELECT b.id FROM resource_blocks b JOIN resources r ON r.id = b.resource_id \
             WHERE r.title = 'Colis en attente : arnaque ou pas ?' ORDER BY b.position",
        )
        .await;
    assert_eq!(blocks.len(), 3);
    let r = karim
        .post(&format!("{path}/blocs/{}/monter", blocks[2]), &[])
        .await;
    assert_eq!(r.status, 303);
    let kinds = app
        .texts(&format!(
            "SELECT kind FROM resource_blocks WHERE resource_id = '{}' ORDER BY position",
            path.trim_start_matches("/ressources/")
        ))
        .await;
    assert_eq!(kinds, ["section", "lien", "texte"]);
    // Changed, then deleted.
    let r = karim
        .post(
            &format!("{path}/blocs/{}/modifier", blocks[0]),
            &[("title", "")],
        )
        .await;
    r.assert_contains("Écrivez le titre de la partie.");
    karim
        .post(
            &format!("{path}/blocs/{}/modifier", blocks[0]),
            &[("title", "Les étapes")],
        )
        .await;
    karim.get(&path).await.assert_contains("Les étapes");
    karim
        .post(&format!("{path}/blocs/{}/supprimer", blocks[1]), &[])
        .await;
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM resource_blocks WHERE resource_id = '{}'",
            path.trim_start_matches("/ressources/")
        ))
        .await,
        2
    );
    app.stop().await;
}

#[tokio::test]
async fn who_sees_a_resource_follows_its_visibility() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let sophie = app.signed_in(SOPHIE, PASSWORD).await;
    let anyone = app.client();
    let path = create(
        &app,
        &karim,
        &sid,
        "Colis en attente : arnaque ou pas ?",
        "cc-by-sa-4.0",
    )
    .await;
    let status = |c: &Client, p: String| {
        let c = c.clone();
        async move { c.get(&p).await.status }
    };

    // A draft: its author only.
    assert_eq!(status(&karim, path.clone()).await, 200);
    for c in [&nadia, &sophie, &anyone] {
        assert_eq!(status(c, path.clone()).await, 404);
    }
    assert!(!nadia
        .get("/ressources")
        .await
        .body
        .contains("Colis en attente"));

    // The structure: its team, who may then change it too; not another structure.
    assert_eq!(
        set_visibility(&karim, &path, "structure", "cc-by-sa-4.0").await,
        303
    );
    assert_eq!(status(&nadia, path.clone()).await, 200);
    assert_eq!(status(&sophie, path.clone()).await, 404);
    assert_eq!(status(&nadia, format!("{path}/modifier")).await, 200);

    // The network: anyone signed in, but only the structure changes it.
    assert_eq!(
        set_visibility(&karim, &path, "reseau", "cc-by-sa-4.0").await,
        303
    );
    assert_eq!(status(&sophie, path.clone()).await, 200);
    assert_eq!(status(&anyone, path.clone()).await, 404);
    assert_eq!(status(&sophie, format!("{path}/modifier")).await, 404);
    assert_eq!(
        sophie.post(&format!("{path}/supprimer"), &[]).await.status,
        404
    );

    // Public: anyone, in the list too.
    assert_eq!(
        set_visibility(&karim, &path, "public", "cc-by-sa-4.0").await,
        303
    );
    assert_eq!(status(&anyone, path.clone()).await, 200);
    anyone
        .get("/ressources?theme=risques_cyber&q=colis")
        .await
        .assert_contains("Colis en attente");

    // A volunteer makes no resource; deleting asks first, then deletes.
    let volunteer = app.signed_in(FERRAT_VOLUNTEER, PASSWORD).await;
    assert_eq!(
        status(&volunteer, format!("/structures/{sid}/ressources/nouvelle")).await,
        404
    );
    karim
        .get(&format!("{path}/supprimer"))
        .await
        .assert_contains("Supprimer « Colis en attente");
    assert_eq!(
        karim.post(&format!("{path}/supprimer"), &[]).await.status,
        303
    );
    assert_eq!(status(&karim, path.clone()).await, 404);
    app.stop().await;
}

#[tokio::test]
async fn adapting_keeps_attribution_and_respects_the_licence() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let sophie = app.signed_in(SOPHIE, PASSWORD).await;
    let path = create(
        &app,
        &karim,
        &sid,
        "Colis en attente : arnaque ou pas ?",
        "cc-by-sa-4.0",
    )
    .await;
    karim
        .post(
            &format!("{path}/blocs/nouveau"),
            &[("kind", "texte"), ("body", "Ne pas cliquer.")],
        )
        .await;
    assert_eq!(
        set_visibility(&karim, &path, "reseau", "cc-by-sa-4.0").await,
        303
    );

    // Sophie adapts it: a draft copy in her structure, content included, that cites it.
    sophie
        .get(&path)
        .await
        .assert_contains("Adapter pour mon public");
    let r = sophie.post(&format!("{path}/adapter"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let copy = r.location().split('?').next().unwrap().to_string();
    let page = sophie.get(&copy).await;
    page.assert_contains("Colis en attente : arnaque ou pas ? (adaptation)");
    page.assert_contains("Adaptée de");
    page.assert_contains("par Karim Diallo (Centre social Jean Ferrat)");
    page.assert_contains("Ne pas cliquer.");
    let tilleuls = app.structure_id(TILLEULS).await;
    assert_eq!(
        app.scalar_text(&format!(
            "SELECT structure_id FROM resources WHERE id = '{}'",
            copy.trim_start_matches("/ressources/")
        ))
        .await,
        tilleuls
    );
    // Share-alike: the adaptation keeps the licence.
    let r = sophie
        .post(
            &format!("{copy}/modifier"),
            &[
                ("title", "Colis : version Tilleuls"),
                ("themes", "risques_cyber"),
                ("licence", "cc0"),
                ("visibility", "reseau"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("elle garde la même licence");
    assert_eq!(
        set_visibility(&sophie, &copy, "reseau", "cc-by-sa-4.0").await,
        303
    );
    // The original lists its adaptations that the reader may see.
    karim.get(&path).await.assert_contains("Adaptations");

    // Without a licence, nobody adapts.
    assert_eq!(set_visibility(&karim, &path, "reseau", "aucune").await, 303);
    let page = sophie.get(&path).await;
    assert!(!page.body.contains("Adapter pour mon public"));
    page.assert_contains("demandez l'accord de son auteur");
    assert_eq!(
        sophie.post(&format!("{path}/adapter"), &[]).await.status,
        404
    );
    app.stop().await;
}

#[tokio::test]
async fn the_demo_shares_thirty_resources() {
    let app = TestApp::demo().await;
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM resources").await, 30);
    let list = app.client().get("/ressources").await;
    list.assert_contains("Repérer une arnaque par SMS");
    // Drafts, structure and network ones stay out of the public list.
    assert!(!list.body.contains("Atelier photo : retoucher"));
    let adapted = app
        .scalar_text("SELECT id FROM resources WHERE title LIKE '%version jeunes'")
        .await;
    app.client()
        .get(&format!("/ressources/{adapted}"))
        .await
        .assert_contains("Adaptée de");
    app.stop().await;
}

#[tokio::test]
async fn colleagues_recommend_use_and_report_a_resource() {
    let app = TestApp::demo().await;
    let id = app
        .scalar_text("SELECT id FROM resources WHERE title = 'Repérer une arnaque par SMS'")
        .await;
    let path = format!("/ressources/{id}");
    let sophie = app.signed_in(SOPHIE, PASSWORD).await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;

    // One answer per person, that they may change; not the author.
    let r = sophie
        .post(
            &format!("{path}/avis"),
            &[("comment", "Parfait pour nos seniors")],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("Choisissez une réponse");
    r.assert_contains("Parfait pour nos seniors");
    let review = |c: &Client, rating: &'static str| {
        let (c, path) = (c.clone(), path.clone());
        async move {
            c.post(
                &format!("{path}/avis"),
                &[("rating", rating), ("comment", "Testé")],
            )
            .await
            .status
        }
    };
    assert_eq!(review(&sophie, "4").await, 303);
    sophie
        .get(&path)
        .await
        .assert_contains("Recommandée : Beaucoup · 4,0 / 4 · 1 avis");
    assert_eq!(review(&nadia, "3").await, 303);
    assert_eq!(review(&sophie, "2").await, 303);
    app.client()
        .get(&path)
        .await
        .assert_contains("Recommandée : Oui · 2,5 / 4 · 2 avis");
    assert_eq!(karim.get(&format!("{path}/avis")).await.status, 404);
    // The most recommended come first when asked.
    let list = app.client().get("/ressources?tri=recommandees").await.body;
    let first = list
        .split("<h2><a href=\"/ressources/")
        .nth(1)
        .unwrap_or_default();
    assert!(first.starts_with(&format!("{id}\">")), "{first}");

    // "I used it": once per person, and taken back.
    sophie.post(&format!("{path}/utilisee"), &[]).await;
    nadia.post(&format!("{path}/utilisee"), &[]).await;
    sophie.get(&path).await.assert_contains("par 2 personne(s)");
    sophie.post(&format!("{path}/utilisee"), &[]).await;
    sophie.get(&path).await.assert_contains("par 1 personne(s)");

    // A report needs a reason and a comment.
    let r = sophie.post(&format!("{path}/signaler"), &[]).await;
    r.assert_contains("Choisissez la raison du signalement.");
    r.assert_contains("Expliquez ce qui ne va pas");
    let r = sophie
        .post(
            &format!("{path}/signaler"),
            &[
                ("reason", "obsolete"),
                ("comment", "Le 33700 a changé de fonctionnement."),
            ],
        )
        .await;
    assert_eq!(r.status, 303);

    // The network's admin sees it; others may not.
    assert_eq!(nadia.get("/reseau/signalements").await.status, 403);
    let claire = app.signed_in(NETWORK_ADMIN, PASSWORD).await;
    let list = claire.get("/reseau/signalements").await;
    list.assert_contains("Le contenu est obsolète");
    list.assert_contains("Le 33700 a changé");
    // (The demo has a report of its own, on another resource.)
    let rid = app
        .scalar_text("SELECT id FROM resource_reports WHERE comment LIKE 'Le 33700%'")
        .await;
    // Back to draft needs a message for the author, who gets it by e-mail.
    let r = claire
        .post(
            &format!("/reseau/signalements/{rid}"),
            &[("action", "depublier")],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("Écrivez un message à l'auteur");
    let r = claire
        .post(
            &format!("/reseau/signalements/{rid}"),
            &[
                ("action", "depublier"),
                ("message", "Merci de mettre à jour le numéro."),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(app.client().get(&path).await.status, 404);
    assert_eq!(
        karim.get(&path).await.status,
        200,
        "its author still has it"
    );
    let mail = app.last_email_to(FERRAT_MEDIATOR).await;
    assert!(mail.contains("Merci de mettre à jour le numéro."), "{mail}");
    assert!(mail.contains("repassée en brouillon"), "{mail}");

    // Deleting closes every open report of the resource.
    let other = app
        .scalar_text("SELECT id FROM resources WHERE title = 'Mots de passe : la phrase secrète'")
        .await;
    for who in [&sophie, &nadia] {
        who.post(
            &format!("/ressources/{other}/signaler"),
            &[("reason", "doublon"), ("comment", "Voir la fiche CNIL.")],
        )
        .await;
    }
    let rid = app
        .scalar_text(&format!(
            "SELECT id FROM resource_reports WHERE resource_id = '{other}' ORDER BY created_at LIMIT 1"
        ))
        .await;
    let r = claire
        .post(
            &format!("/reseau/signalements/{rid}"),
            &[
                ("action", "supprimer"),
                ("message", "Doublon de la fiche CNIL."),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM resources WHERE id = '{other}'"
        ))
        .await,
        0
    );
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM resource_reports WHERE status = 'ouvert' \
             AND comment <> 'Le site a changé de présentation depuis.'"
        )
        .await,
        0,
        "every report of this test is closed (the demo's own stays open)"
    );
    claire
        .get("/reseau/signalements")
        .await
        .assert_contains("Ressource supprimée");
    app.stop().await;
}

#[tokio::test]
async fn public_resources_are_shared_as_atom_and_json() {
    let app = TestApp::demo().await;
    let public = app
        .scalar_i64("SELECT COUNT(*) FROM resources WHERE visibility = 'public'")
        .await;
    let anyone = app.client();
    let feed = anyone.get("/ressources.atom").await;
    assert_eq!(feed.status, 200);
    assert!(feed.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/atom+xml"));
    feed.assert_contains("<title>Repérer une arnaque par SMS</title>");
    feed.assert_contains("<name>Karim Diallo, Centre social Jean Ferrat</name>");
    assert!(!feed.body.contains("Atelier photo"), "not public");
    assert_eq!(feed.body.matches("<entry>").count() as i64, public);

    let api = anyone.get("/api/ressources.json").await;
    assert_eq!(api.status, 200);
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let list = json["resources"].as_array().unwrap();
    assert_eq!(list.len() as i64, public);
    assert!(json["next"].is_null());
    let sms = list
        .iter()
        .find(|r| r["title"] == "Repérer une arnaque par SMS")
        .unwrap();
    assert_eq!(sms["licence"]["label"], "Licence CC BY-SA 4.0");
    assert_eq!(sms["licence"]["adaptation_allowed"], true);
    assert_eq!(sms["themes"][0]["label"], "Risques cyber et protection");
    assert_eq!(
        sms["sources"][0]["url"],
        "https://www.cybermalveillance.gouv.fr"
    );
    let second: serde_json::Value =
        serde_json::from_str(&anyone.get("/api/ressources.json?page=2").await.body).unwrap();
    assert_eq!(second["resources"].as_array().unwrap().len(), 0);
    app.stop().await;
}

#[tokio::test]
async fn favourites_and_collections_keep_resources_in_order() {
    let app = TestApp::demo().await;
    let id_of = |title: &'static str| {
        let app = &app;
        async move {
            app.scalar_text(&format!("SELECT id FROM resources WHERE title = '{title}'"))
                .await
        }
    };
    let sms = id_of("Repérer une arnaque par SMS").await;
    let tablet = id_of("Premiers pas sur la tablette : fiche pas à pas").await;
    let photo = id_of("Atelier photo : retoucher sans logiciel payant").await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let sophie = app.signed_in(SOPHIE, PASSWORD).await;

    // Favourites: made the first time, a toggle.
    sophie.post(&format!("/ressources/{sms}/favori"), &[]).await;
    sophie
        .get(&format!("/ressources/{sms}"))
        .await
        .assert_contains("Retirer de mes favoris");
    sophie
        .get("/collections")
        .await
        .assert_contains("Mes favoris");
    sophie.post(&format!("/ressources/{sms}/favori"), &[]).await;
    sophie
        .get(&format!("/ressources/{sms}"))
        .await
        .assert_contains("Ajouter à mes favoris");

    // A structure's collection: its team sees and changes it; others do not.
    let r = karim
        .post("/collections/nouvelle", &[("title", ""), ("owner", "moi")])
        .await;
    r.assert_contains("Donnez un titre à la collection.");
    let sid = app.structure_id(FERRAT).await;
    let r = karim
        .post(
            "/collections/nouvelle",
            &[("title", "Semaine du numérique"), ("owner", &sid)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let cid = r.location();
    let cid = cid.trim_start_matches("/collections/");
    for id in [&sms, &tablet, &photo] {
        let r = karim
            .post(
                &format!("/ressources/{id}/collection"),
                &[("collection_id", cid)],
            )
            .await;
        assert_eq!(r.status, 303);
    }
    let order = |c: &Client| {
        let c = c.clone();
        let cid = cid.to_string();
        async move {
            let body = c.get(&format!("/collections/{cid}")).await.body;
            let at = |t: &str| body.find(t).unwrap_or(usize::MAX);
            (
                at("Repérer une arnaque par SMS"),
                at("Premiers pas sur la tablette"),
            )
        }
    };
    let (a, b) = order(&nadia).await;
    assert!(a < b, "in the order they were added");
    nadia
        .post(
            &format!("/collections/{cid}/ressources/{tablet}/monter"),
            &[],
        )
        .await;
    let (a, b) = order(&karim).await;
    assert!(b < a, "moved up");
    assert_eq!(sophie.get(&format!("/collections/{cid}")).await.status, 404);
    assert_eq!(
        sophie
            .post(&format!("/collections/{cid}/ressources/{sms}/retirer"), &[])
            .await
            .status,
        404
    );
    // Someone may not add a resource they cannot read, nor to a collection not theirs.
    assert_eq!(
        sophie
            .post(&format!("/ressources/{photo}/favori"), &[])
            .await
            .status,
        404
    );
    assert_eq!(
        sophie
            .post(
                &format!("/ressources/{sms}/collection"),
                &[("collection_id", cid)]
            )
            .await
            .status,
        404
    );
    karim
        .post(&format!("/collections/{cid}/ressources/{sms}/retirer"), &[])
        .await;
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM collection_items WHERE collection_id = '{cid}'"
        ))
        .await,
        2
    );
    app.stop().await;
}

/// Search in French: case, accents, plurals, verb forms and a typo; every part of a
/// resource; facets with their counts; the same on SQLite and PostgreSQL.
#[tokio::test]
async fn search_finds_french_words_in_every_part() {
    let app = TestApp::demo().await;
    let anyone = app.client();
    let titles = |q: &'static str| {
        let anyone = anyone.clone();
        async move {
            let body = anyone
                .get(&format!(
                    "/ressources?q={}",
                    maillon_app::web::forms::url_encode(q)
                ))
                .await
                .body;
            body.split("<h2><a href=\"/ressources/")
                .skip(1)
                .filter_map(|s| s.split_once("\">").and_then(|(_, t)| t.split_once("</a>")))
                .map(|(t, _)| t.to_string())
                .collect::<Vec<_>>()
        }
    };
    // Plural and case: "ORDINATEURS" finds "ordinateur".
    assert!(titles("ORDINATEURS")
        .await
        .contains(&"Le reconditionné : bien choisir son ordinateur".to_string()));
    // Verb forms: "je trie" finds "Trier ses e-mails"; accents: "telephone".
    assert!(titles("trie")
        .await
        .contains(&"Trier ses e-mails et se désabonner".to_string()));
    assert!(titles("reglages telephone")
        .await
        .contains(&"Accessibilité : agrandir, lire à voix haute".to_string()));
    // A typo.
    assert!(titles("tabelte")
        .await
        .contains(&"Premiers pas sur la tablette : fiche pas à pas".to_string()));
    // The content (a block) and the sources.
    assert_eq!(titles("33700").await, ["Repérer une arnaque par SMS"]);
    assert!(titles("framasoft")
        .await
        .contains(&"Logiciels libres au quotidien".to_string()));
    // Every word must be found; the title weighs most.
    let arnaque = titles("arnaques sms").await;
    assert_eq!(
        arnaque.first().map(String::as_str),
        Some("Repérer une arnaque par SMS")
    );
    assert!(titles("arnaque zzzzzz").await.is_empty());
    // Drafts and structure resources stay out for who may not read them.
    assert!(titles("retoucher photos").await.is_empty());
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    karim
        .get("/ressources?q=retoucher+photos")
        .await
        .assert_contains("Atelier photo : retoucher sans logiciel payant");
    // Facets count the whole result.
    let page = anyone.get("/ressources?q=arnaque").await;
    let cyber = app
        .scalar_i64(
            "SELECT COUNT(*) FROM resources r WHERE r.visibility = 'public' \
             AND EXISTS (SELECT 1 FROM resource_terms t WHERE t.resource_id = r.id AND t.term = 'arnaqu') \
             AND EXISTS (SELECT 1 FROM resource_tags g WHERE g.resource_id = r.id AND g.code = 'risques_cyber')",
        )
        .await;
    assert!(cyber >= 2, "{cyber}");
    page.assert_contains(&format!("Risques cyber et protection ({cyber})"));
    anyone
        .get("/ressources?q=arnaque&theme=reseaux_sociaux")
        .await
        .assert_contains("1 ressource(s).");
    app.stop().await;
}

/// Several app servers share one database: what one changes, the other's search finds at
/// once (each keeps its own catalogue, brought up to date from the change log).
#[tokio::test]
async fn a_second_server_searches_what_the_first_changed() {
    let app = TestApp::demo().await;
    let (second, anyone) = app.second_server().await;
    let found = |q: &'static str| {
        let anyone = anyone.clone();
        async move { anyone.get(&format!("/ressources?q={q}")).await }
    };
    found("zebrure")
        .await
        .assert_contains("Aucune ressource ne correspond");
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let sid = app.structure_id("Centre social Jean Ferrat").await;
    let path = create(
        &app,
        &karim,
        &sid,
        "Zébrures de l'écran tactile",
        "etalab-2.0",
    )
    .await;
    let share = |visibility: &'static str| {
        let (karim, path) = (karim.clone(), path.clone());
        async move {
            let r = karim
                .post(
                    &format!("{path}/modifier"),
                    &[
                        ("title", "Zébrures de l'écran tactile"),
                        ("themes", "maitrise_outils"),
                        ("licence", "etalab-2.0"),
                        ("visibility", visibility),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "{}", r.body);
        }
    };
    // A draft: nobody else finds it.
    found("zebrure")
        .await
        .assert_contains("Aucune ressource ne correspond");
    share("public").await;
    let page = found("zebrures").await;
    page.assert_contains("1 ressource(s).");
    page.assert_contains("Zébrures de l'écran tactile");
    page.assert_contains("(1)");
    // Back to the structure only: gone for the public.
    share("structure").await;
    found("zebrure")
        .await
        .assert_contains("Aucune ressource ne correspond");
    // Deleted on the first server: gone from the second.
    share("public").await;
    found("zebrure").await.assert_contains("1 ressource(s).");
    let r = karim.post(&format!("{path}/supprimer"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    found("zebrure")
        .await
        .assert_contains("Aucune ressource ne correspond");
    second.stop().await;
    app.stop().await;
}
