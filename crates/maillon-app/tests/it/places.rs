//! Editing places with every field of the national standard, and the public pages.

use crate::harness::TestApp;
use crate::*;

fn valid_place<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("nom", "Point numérique de la Cotonne"),
        ("pivot", "434 933 123 00029"),
        ("typologie", "CS"),
        ("typologie", "ASSO"),
        ("adresse", "5 rue de la Cotonne"),
        ("code_postal", "42100"),
        ("commune", "Saint-Étienne"),
        ("code_insee", "42218"),
        ("latitude", "45,4201"),
        ("longitude", "4.3950"),
        ("telephone", "04 77 00 11 22"),
        (
            "courriels",
            "cotonne@jeanferrat.test\naccueil@jeanferrat.test",
        ),
        ("site_web", "https://cotonne.example.org"),
        ("horaires", "Mo,We 14:00-17:00; PH off"),
        (
            "presentation_resume",
            "Aide aux démarches et prise en main du téléphone.",
        ),
        ("services", "Aide aux démarches administratives"),
        ("services", "Maîtrise des outils numériques du quotidien"),
        ("publics_specifiquement_adresses", "Seniors"),
        ("frais_a_charge", "Gratuit"),
        ("modalites_acces", "Se présenter"),
        ("modalites_accompagnement", "Accompagnement individuel"),
        ("dispositif_programmes_nationaux", "Conseillers numériques"),
        ("formations_labels", "Étapes numériques(La Poste)"),
        ("itinerance", "Fixe"),
        ("is_public", "1"),
    ]
}

#[tokio::test]
async fn a_structure_admin_creates_a_place_with_the_standards_fields() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let form = nadia.get(&format!("/structures/{sid}/lieux/nouveau")).await;
    form.assert_contains("Aide aux démarches administratives");
    form.assert_contains("Étapes numériques (La Poste)");
    form.assert_contains("Relais numérique (Emmaüs Connect)");

    let r = nadia
        .post(&format!("/structures/{sid}/lieux/nouveau"), &valid_place())
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let edit = nadia.get(&r.location()).await;
    edit.assert_contains("Le lieu a été créé.");
    edit.assert_contains("value=\"04 77 00 11 22\"");

    let stored = app
        .scalar_text("SELECT pivot || ' ' || telephone || ' ' || courriels || ' ' || typologie || ' ' || formations_labels FROM places WHERE nom = 'Point numérique de la Cotonne'")
        .await;
    assert_eq!(
        stored,
        "43493312300029 +33477001122 cotonne@jeanferrat.test|accueil@jeanferrat.test CS|ASSO Étapes numériques(La Poste)"
    );
    assert!(app
        .scalar_text(
            "SELECT CAST(latitude AS TEXT) FROM places WHERE nom = 'Point numérique de la Cotonne'"
        )
        .await
        .starts_with("45.4201"));

    // Public: listed, with a page that reads the hours in French.
    let public = app.client();
    let list = public.get("/lieux").await;
    list.assert_contains("Point numérique de la Cotonne");
    let id = app.place_id("Point numérique de la Cotonne").await;
    let page = public.get(&format!("/lieux/{id}")).await;
    page.assert_contains("Lundi, mercredi : de 14 h à 17 h");
    page.assert_contains("Jours fériés : fermé");
    page.assert_contains("04 77 00 11 22");
    app.stop().await;
}

#[tokio::test]
async fn a_wrong_place_keeps_what_was_typed_and_says_what_to_fix() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let before = app.scalar_i64("SELECT COUNT(*) FROM places").await;
    let long = "a".repeat(281);
    let mut fields = valid_place();
    for (k, v) in fields.iter_mut() {
        *v = match *k {
            "code_postal" => "4210",
            "pivot" => "12345678901234",
            "telephone" => "12 34",
            "horaires" => "lundi 9h-12h",
            "presentation_resume" => long.as_str(),
            "latitude" => "nord",
            "site_web" => "www.sans-protocole.fr",
            "courriels" => "cotonne@",
            _ => v,
        };
    }
    fields.push(("services", "Réparer les vélos"));
    let r = nadia
        .post(&format!("/structures/{sid}/lieux/nouveau"), &fields)
        .await;
    assert_eq!(r.status, 200);
    for message in [
        "informations sont à corriger",
        "Le code postal « 4210 » doit compter 5 chiffres",
        "n'est ni un SIRET valide",
        "« 12 34 » n'est pas un numéro de téléphone valide",
        "Horaires : « lundi » n'est pas compris",
        "La présentation courte fait 281 caractères : 280 au plus",
        "La latitude doit être un nombre",
        "n'est pas une adresse web valide",
        "« cotonne@ » n'est pas une adresse e-mail valide",
        "« Réparer les vélos » n'est pas une valeur de la liste du standard",
    ] {
        r.assert_contains(message);
    }
    // What was typed is still there.
    for typed in [
        "value=\"4210\"",
        "value=\"12 34\"",
        "value=\"lundi 9h-12h\"",
        "value=\"nord\"",
        "value=\"Point numérique de la Cotonne\"",
    ] {
        r.assert_contains(typed);
    }
    r.assert_contains("aria-invalid=\"true\"");
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM places").await,
        before,
        "nothing saved"
    );
    app.stop().await;
}

#[tokio::test]
async fn places_are_edited_unpublished_and_deleted() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let pid = app.place_id("Permanence numérique de Montreynaud").await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let public = app.client();
    assert_eq!(public.get(&format!("/lieux/{pid}")).await.status, 200);

    let mut fields = valid_place();
    fields.retain(|(k, _)| *k != "is_public");
    fields[0] = ("nom", "Permanence de Montreynaud (fermée l'été)");
    let r = nadia
        .post(&format!("/structures/{sid}/lieux/{pid}"), &fields)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        public.get(&format!("/lieux/{pid}")).await.status,
        404,
        "unpublished place is not public"
    );
    assert!(!public.get("/lieux").await.body.contains("Montreynaud"));
    assert!(!public.get("/lieux.csv").await.body.contains("Montreynaud"));
    nadia
        .get(&format!("/structures/{sid}"))
        .await
        .assert_contains("Non publié");

    let r = nadia
        .post(&format!("/structures/{sid}/lieux/{pid}/supprimer"), &[])
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        app.scalar_i64(&format!("SELECT COUNT(*) FROM places WHERE id = '{pid}'"))
            .await,
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn a_structure_admin_edits_the_structure() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(TILLEULS).await;
    let sophie = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    let r = sophie
        .post(
            &format!("/structures/{sid}/modifier"),
            &[
                ("name", ""),
                ("kind", "Inconnu"),
                ("phone", "abc"),
                ("timezone", "Europe/Paris"),
            ],
        )
        .await;
    r.assert_contains("Indiquez le nom de la structure.");
    r.assert_contains("Choisissez le type de structure dans la liste.");
    r.assert_contains("value=\"abc\"");
    let fields = [
        ("name", "EVS Les Tilleuls"),
        ("kind", "Espace de vie sociale"),
        ("pivot", "W423001234"),
        ("phone", "04 77 65 43 21"),
        ("email", "Contact@Tilleuls.test"),
        ("timezone", "Europe/Paris"),
    ];
    assert_eq!(
        sophie
            .post(&format!("/structures/{sid}/modifier"), &fields)
            .await
            .status,
        303
    );
    let page = sophie.get(&format!("/structures/{sid}")).await;
    page.assert_contains("EVS Les Tilleuls");
    page.assert_contains("04 77 65 43 21");
    page.assert_contains("contact@tilleuls.test");
    app.stop().await;
}

#[tokio::test]
async fn the_network_admin_creates_a_structure_and_names_the_network() {
    let app = TestApp::demo().await;
    let claire = app.signed_in(NETWORK_ADMIN, PASSWORD).await;
    let r = claire
        .post(
            "/reseau/structures/nouvelle",
            &[
                ("name", "France Services de Rive-de-Gier"),
                ("kind", "France Services"),
                ("timezone", "Europe/Paris"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    claire
        .get(&r.location())
        .await
        .assert_contains("La structure a été créée.");
    claire
        .post("/reseau/nom", &[("network_name", "")])
        .await
        .assert_contains("Indiquez le nom du réseau");
    assert_eq!(
        claire
            .post(
                "/reseau/nom",
                &[("network_name", "Fédération des centres sociaux du Forez")]
            )
            .await
            .status,
        303
    );
    app.client()
        .get("/")
        .await
        .assert_contains("Fédération des centres sociaux du Forez");
    app.stop().await;
}

#[tokio::test]
async fn anyone_reads_the_public_places_without_an_account() {
    let app = TestApp::demo().await;
    let public = app.client();
    let home = public.get("/").await;
    home.assert_contains("Trouver un lieu près de chez moi");
    home.assert_contains("4 lieux dans 3 communes");
    let list = public.get("/lieux").await;
    list.assert_contains("Médiathèque Louise Michel");
    assert!(
        !list.body.contains("Bus numérique"),
        "unpublished place must not be listed"
    );
    let filtered = public.get("/lieux?commune=Roanne").await;
    filtered.assert_contains("1 lieux sur 4");
    let by_service = public
        .get("/lieux?service=Parentalit%C3%A9+et+%C3%A9ducation+avec+le+num%C3%A9rique")
        .await;
    by_service.assert_contains("Les Tilleuls");
    assert!(!by_service.body.contains("Médiathèque Louise Michel</a>"));
    let bus = app
        .place_id("Bus numérique du Roannais (en préparation)")
        .await;
    assert_eq!(public.get(&format!("/lieux/{bus}")).await.status, 404);
    assert_eq!(public.get("/lieux/n-importe-quoi").await.status, 404);
    app.stop().await;
}
