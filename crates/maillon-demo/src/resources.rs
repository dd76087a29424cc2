//! Demo resources: what mediators of three structures made, borrowed and adapted, across
//! the vocabularies, licences and visibilities (30, as the national commons shows them).

use maillon_app::db::{Db, DbError, Tx};
use maillon_app::files::{self, sniff, upload::Upload, Storage};
use maillon_app::resources::model::{Block, Resource, Source};
use maillon_app::resources::vocab::Visibility;
use maillon_app::resources::{collection_store, moderation_store, store};
use maillon_app::tenancy::StructureId;

struct Demo {
    title: &'static str,
    summary: &'static str,
    /// Codes, separated by spaces.
    themes: &'static str,
    types: &'static str,
    publics: &'static str,
    level: &'static str,
    minutes: i64,
    licence: &'static str,
    visibility: &'static str,
    /// 0: Karim (Jean Ferrat), 1: Sophie (Les Tilleuls), 2: Thomas (Médiathèque).
    author: usize,
    material: &'static str,
    /// Blocks: "# " starts a section, "=> url | title | description" a link, the rest text.
    content: &'static [&'static str],
    sources: &'static [(&'static str, &'static str)],
    tested: &'static str,
}

const RESOURCES: &[Demo] = &[
    Demo { title: "Repérer une arnaque par SMS", summary: "Un atelier d'une heure pour reconnaître les faux SMS (colis, CPF, Ameli) à partir de vrais exemples projetés, et savoir quoi faire après.", themes: "risques_cyber", types: "pedagogique", publics: "seniors adultes", level: "debutant", minutes: 60, licence: "cc-by-sa-4.0", visibility: "public", author: 0, material: "Vidéoprojecteur, les exemples imprimés en A5", content: &["# Déroulé", "1. **Tour de table** : qui a déjà reçu un SMS bizarre ?\n2. On projette six SMS : *vrai ou faux ?* Chacun lève un carton vert ou rouge.\n3. On cherche ensemble les indices : l'expéditeur, l'urgence, le lien.", "# Que faire ?", "- Ne pas cliquer, ne pas répondre.\n- Transférer le SMS au **33700**.\n- En cas de doute, appeler l'organisme avec le numéro habituel.", "=> https://www.cybermalveillance.gouv.fr | Cybermalveillance.gouv.fr | Fiches réflexes et assistance aux victimes"], sources: &[("Cybermalveillance.gouv.fr", "https://www.cybermalveillance.gouv.fr"), ("Quiz arnaques de la MAIF", "")], tested: "Testé avec le groupe seniors du mardi (8 personnes) : les cartons vert/rouge font rire et tout le monde participe." },
    Demo { title: "Premiers pas sur la tablette : fiche pas à pas", summary: "Allumer, déverrouiller, toucher, faire glisser, revenir à l'accueil : une fiche à imprimer en gros caractères pour la première séance.", themes: "maitrise_outils", types: "pedagogique", publics: "seniors eloignes", level: "debutant", minutes: 90, licence: "cc-by-4.0", visibility: "public", author: 0, material: "Une tablette par personne", content: &["# Les gestes", "- **Toucher** : un petit coup de doigt, comme pour appuyer sur une sonnette.\n- **Faire glisser** : le doigt reste posé et avance.\n- **Pincer** : deux doigts qui se rapprochent pour rétrécir.", "# Revenir à l'accueil", "Le bouton rond en bas, ou le trait en bas de l'écran que l'on fait glisser vers le haut."], sources: &[("Les Bons Clics", "https://www.lesbonsclics.fr")], tested: "Imprimée en A4, police 18 : lisible sans lunettes pour la plupart." },
    Demo { title: "Créer son compte Ameli avec quelqu'un", summary: "Les étapes de la création du compte Ameli, les pièces à préparer et les pièges (code provisoire par courrier), pour accompagner sans faire à la place.", themes: "demarches_administratives sante", types: "methodologie", publics: "adultes seniors", level: "debutant", minutes: 45, licence: "etalab-2.0", visibility: "public", author: 1, material: "Carte Vitale, relevé d'identité bancaire, téléphone", content: &["# Avant de commencer", "Vérifier que la personne a sa **carte Vitale** et un **RIB** : ils sont demandés pour vérifier l'identité.", "# Les étapes", "1. Aller sur ameli.fr, « Créer mon compte ».\n2. Saisir le numéro de sécurité sociale (13 chiffres) et la date de naissance.\n3. Choisir un mot de passe : l'écrire sur le carnet de la personne, pas sur un papier volant.", "=> https://www.ameli.fr | ameli.fr | Le site de l'Assurance Maladie"], sources: &[("Solidarité Numérique, tutoriels", "https://solidarite-numerique.fr/tutoriels/")], tested: "" },
    Demo { title: "Quiz : vrai ou faux sur l'intelligence artificielle", summary: "Quinze affirmations sur l'IA (elle comprend ce qu'elle écrit ? elle peut se tromper ?) pour lancer la discussion avec des adolescents.", themes: "ia education_medias", types: "questionnaire", publics: "enfants adultes", level: "intermediaire", minutes: 45, licence: "cc-by-nc-sa-4.0", visibility: "public", author: 2, material: "Cartes vrai/faux", content: &["# Les affirmations", "- L'IA sait toujours d'où viennent ses informations. *Faux.*\n- Une image peut être fabriquée entièrement par une IA. *Vrai.*\n- Un texte écrit par une IA peut contenir des erreurs inventées. *Vrai.*", "# Pour aller plus loin", "Demander aux jeunes de faire écrire un exposé par un assistant, puis de vérifier trois affirmations dans des sources."], sources: &[("PIX, compétences numériques", "https://pix.fr")], tested: "Avec la classe relais du collège : 45 minutes ne suffisent pas, prévoir une heure." },
    Demo { title: "Jeu de l'info et de l'intox", summary: "Un jeu en équipes : des titres d'articles, vrais ou inventés, à classer en cherchant la source. Pour apprendre à vérifier avant de partager.", themes: "education_medias citoyennete", types: "pedagogique", publics: "enfants parents", level: "debutant", minutes: 60, licence: "cc-by-sa-4.0", visibility: "public", author: 2, material: "Smartphones ou tablettes, une par équipe", content: &["# Règle du jeu", "Chaque équipe tire cinq titres. Pour chacun, elle cherche **qui l'a publié**, **quand**, et si **d'autres médias** en parlent.", "# Débriefing", "Les équipes présentent un titre trompeur et l'indice qui l'a trahi."], sources: &[("CLEMI, éducation aux médias", "https://www.clemi.fr")], tested: "Semaine du numérique 2025 : 3 familles, très bon retour des parents." },
    Demo { title: "Sauvegarder ses photos de téléphone", summary: "Pourquoi et comment mettre ses photos à l'abri (ordinateur, clé, nuage), avec le pour et le contre de chaque solution.", themes: "maitrise_outils sobriete", types: "pedagogique", publics: "seniors adultes", level: "intermediaire", minutes: 90, licence: "cc-by-sa-4.0", visibility: "reseau", author: 0, material: "Câbles USB des téléphones, une clé USB", content: &["# Trois solutions", "- **L'ordinateur** : gratuit, mais il faut un câble et de la place.\n- **La clé USB** : simple, mais elle se perd.\n- **Le nuage** : automatique, mais payant au-delà de quelques Go et chez une entreprise."], sources: &[], tested: "" },
    Demo { title: "Reconnaître un site officiel", summary: "Les indices d'un site de l'administration (adresse en gouv.fr, Marianne) face aux sites qui font payer des démarches gratuites.", themes: "demarches_administratives navigation risques_cyber", types: "infographie", publics: "tous", level: "debutant", minutes: 30, licence: "etalab-2.0", visibility: "public", author: 1, material: "", content: &["# Les indices", "- L'adresse se termine par **.gouv.fr** ou **.fr** d'un organisme connu.\n- La démarche est **gratuite** : une carte grise en ligne ne coûte que la taxe.\n- Le bandeau porte **Marianne** et la devise."], sources: &[("Service-Public.fr", "https://www.service-public.fr")], tested: "" },
    Demo { title: "Parentalité numérique : les écrans à la maison", summary: "Un café des parents pour parler temps d'écran, contrôle parental et règles de famille, sans culpabiliser.", themes: "parentalite usages_responsables", types: "methodologie", publics: "parents", level: "debutant", minutes: 90, licence: "cc-by-nc-sa-4.0", visibility: "public", author: 1, material: "Café, un paperboard", content: &["# Déroulé", "1. Photolangage : chaque parent choisit une image qui lui évoque les écrans.\n2. Les règles de chez nous : on les écrit ensemble.\n3. Démonstration du contrôle parental sur un téléphone."], sources: &[("Je protège mon enfant", "https://jeprotegemonenfant.gouv.fr")], tested: "Quatre cafés des parents aux Tilleuls : les parents repartent avec une règle à essayer." },
    Demo { title: "Mots de passe : la phrase secrète", summary: "Fabriquer un mot de passe solide et facile à retenir avec une phrase, et comprendre pourquoi ne pas le réutiliser partout.", themes: "risques_cyber", types: "pedagogique", publics: "adultes seniors", level: "debutant", minutes: 45, licence: "cc0", visibility: "public", author: 0, material: "Papier, crayons", content: &["# La méthode", "On choisit une phrase : *Mon chat Félix dort 15 heures par jour !* et on garde les premières lettres : **McFd15hpj!**", "# À retenir", "- Un mot de passe par site important.\n- Le carnet de mots de passe rangé à la maison vaut mieux que le même mot de passe partout."], sources: &[("CNIL, les conseils pour un bon mot de passe", "https://www.cnil.fr")], tested: "" },
    Demo { title: "France Travail : actualiser sa situation", summary: "Accompagner l'actualisation mensuelle sur le site ou l'application, avec les questions qui posent problème.", themes: "demarches_administratives emploi", types: "methodologie", publics: "insertion adultes", level: "debutant", minutes: 30, licence: "etalab-2.0", visibility: "reseau", author: 1, material: "Identifiant France Travail", content: &["# Les questions", "- Avez-vous travaillé ? Indiquer les heures **même courtes**.\n- Êtes-vous toujours à la recherche d'un emploi ?"], sources: &[], tested: "" },
    Demo { title: "Visio avec ses petits-enfants", summary: "Installer une application d'appel vidéo, appeler, répondre, couper le micro : une séance pour garder le lien.", themes: "maitrise_outils reseaux_sociaux", types: "pedagogique", publics: "seniors", level: "debutant", minutes: 90, licence: "cc-by-sa-4.0", visibility: "public", author: 0, material: "Téléphones des participants, Wi-Fi", content: &["# Déroulé", "On s'appelle entre participants d'un bout à l'autre de la salle : tout le monde rit et apprend à répondre."], sources: &[], tested: "Le groupe du jeudi s'appelle maintenant chaque semaine." },
    Demo { title: "Découvrir le code avec des robots", summary: "Une initiation à la programmation sans écran puis avec de petits robots, pour les 8–12 ans.", themes: "code", types: "pedagogique", publics: "enfants", level: "debutant", minutes: 120, licence: "cc-by-sa-4.0", visibility: "public", author: 2, material: "Robots éducatifs, tapis quadrillé", content: &["# Sans écran", "Un enfant joue le robot, un autre lui donne des ordres : avancer, tourner à gauche. On écrit le programme avec des flèches.", "# Avec les robots", "Les équipes programment un parcours jusqu'au trésor."], sources: &[("Class'Code", "https://classcode.fr")], tested: "Mercredis de la médiathèque : prévoir un adulte pour 6 enfants." },
    Demo { title: "Trier ses e-mails et se désabonner", summary: "Vider une boîte aux lettres débordante : se désabonner, créer des dossiers, supprimer les gros messages.", themes: "maitrise_outils sobriete", types: "pedagogique", publics: "adultes seniors", level: "intermediaire", minutes: 60, licence: "cc-by-4.0", visibility: "public", author: 0, material: "", content: &["# Trois gestes", "- Le lien **Se désabonner** en bas des lettres d'information.\n- Un dossier « À garder ».\n- Trier par taille et supprimer les plus gros."], sources: &[("ADEME, la face cachée du numérique", "https://www.ademe.fr")], tested: "" },
    Demo { title: "Annuaire des lieux d'aide numérique du bassin roannais", summary: "Qui fait quoi près de chez vous : permanences, ateliers, conseillers numériques, avec horaires et contacts.", themes: "accessibilite demarches_administratives", types: "annuaire", publics: "tous", level: "", minutes: 0, licence: "etalab-2.0", visibility: "public", author: 2, material: "", content: &["Cet annuaire est tenu par la médiathèque ; signalez une erreur à l'accueil.", "=> https://cartographie.societenumerique.gouv.fr | Cartographie nationale | Tous les lieux de médiation numérique"], sources: &[("Cartographie nationale des lieux d'inclusion numérique", "https://cartographie.societenumerique.gouv.fr")], tested: "" },
    Demo { title: "Diagnostic des compétences numériques en 10 questions", summary: "Un questionnaire court pour le premier rendez-vous : savoir d'où part la personne sans la mettre en difficulté.", themes: "diagnostic", types: "questionnaire", publics: "adultes eloignes", level: "debutant", minutes: 15, licence: "cc-by-sa-4.0", visibility: "reseau", author: 1, material: "", content: &["# Les questions", "1. Avez-vous un téléphone qui va sur internet ?\n2. Avez-vous une adresse e-mail ? Savez-vous l'ouvrir ?\n3. Avez-vous déjà fait une démarche en ligne seul·e ?"], sources: &[("PIX, diagnostic", "https://pix.fr")], tested: "Utilisé à chaque premier accueil aux Tilleuls depuis septembre." },
    Demo { title: "Le reconditionné : bien choisir son ordinateur", summary: "Comprendre les grades, la garantie et les labels pour acheter un ordinateur ou un téléphone reconditionné.", themes: "reconditionne sobriete", types: "article", publics: "adultes", level: "intermediaire", minutes: 0, licence: "cc-by-sa-4.0", visibility: "public", author: 2, material: "", content: &["Un appareil reconditionné a été vérifié et remis en état. Il est garanti au moins **un an** par la loi.", "# Les grades", "Ils ne parlent que de l'apparence : un grade C fonctionne aussi bien qu'un grade A."], sources: &[], tested: "" },
    Demo { title: "Ma santé en ligne : Mon espace santé", summary: "Activer Mon espace santé, y retrouver ses documents et choisir qui y a accès.", themes: "sante demarches_administratives", types: "methodologie", publics: "seniors adultes", level: "intermediaire", minutes: 60, licence: "etalab-2.0", visibility: "public", author: 1, material: "Carte Vitale, téléphone", content: &["# Activer", "Avec le code reçu par courrier, ou directement avec la carte Vitale.", "=> https://www.monespacesante.fr | Mon espace santé | Le site officiel"], sources: &[], tested: "" },
    Demo { title: "Les réseaux sociaux : régler sa vie privée", summary: "Qui voit mes publications ? Régler les paramètres de confidentialité pas à pas sur les réseaux les plus utilisés.", themes: "reseaux_sociaux risques_cyber", types: "pedagogique", publics: "adultes enfants", level: "intermediaire", minutes: 60, licence: "cc-by-nc-sa-4.0", visibility: "public", author: 0, material: "", content: &["# Trois réglages", "- Profil **privé**.\n- Qui peut m'identifier sur une photo.\n- Les applications connectées à mon compte."], sources: &[], tested: "" },
    Demo { title: "Atelier photo : retoucher sans logiciel payant", summary: "Recadrer, éclaircir, redresser ses photos avec les outils déjà présents sur le téléphone.", themes: "loisirs_creations", types: "pedagogique", publics: "tous", level: "debutant", minutes: 90, licence: "cc-by-sa-4.0", visibility: "structure", author: 0, material: "Téléphones des participants", content: &["# Déroulé", "Chacun prend une photo de la salle, puis on la recadre et on l'éclaircit ensemble."], sources: &[], tested: "" },
    Demo { title: "Intelligence artificielle : écrire un courrier avec un assistant", summary: "Utiliser un assistant conversationnel pour un premier jet de lettre, puis le relire et le corriger : ce que l'outil fait bien et mal.", themes: "ia demarches_administratives", types: "pedagogique", publics: "adultes insertion", level: "intermediaire", minutes: 60, licence: "cc-by-sa-4.0", visibility: "public", author: 2, material: "Ordinateurs", content: &["# Déroulé", "1. On demande une lettre de résiliation.\n2. On relit : les dates, les numéros de contrat inventés.\n3. On corrige et on garde la version finale."], sources: &[], tested: "Atelier de février : les participants repèrent vite les informations inventées." },
    Demo { title: "Jeux vidéo en famille", summary: "Une après-midi de jeux coopératifs parents-enfants, et un temps d'échange sur les classifications d'âge.", themes: "jeux_videos parentalite", types: "pedagogique", publics: "parents enfants", level: "debutant", minutes: 120, licence: "cc-by-4.0", visibility: "public", author: 2, material: "Console, deux manettes par équipe", content: &["# Les classifications", "Le logo **PEGI** indique l'âge conseillé et le type de contenu."], sources: &[("PEGI", "https://pegi.info/fr")], tested: "" },
    Demo { title: "Données personnelles : ce que savent les applications", summary: "Regarder ensemble les autorisations des applications du téléphone et retirer celles qui ne servent pas.", themes: "donnees risques_cyber", types: "pedagogique", publics: "adultes", level: "intermediaire", minutes: 45, licence: "cc-by-sa-4.0", visibility: "reseau", author: 0, material: "", content: &["# Le geste", "Réglages, Applications, Autorisations : la localisation, le micro, les contacts."], sources: &[("CNIL", "https://www.cnil.fr")], tested: "" },
    Demo { title: "Logiciels libres au quotidien", summary: "Découvrir une suite bureautique, un navigateur et un lecteur multimédia libres et gratuits, et pourquoi ils comptent.", themes: "open_source communs", types: "article", publics: "tous", level: "debutant", minutes: 0, licence: "cc0", visibility: "public", author: 2, material: "", content: &["Un logiciel libre peut être utilisé, étudié, modifié et partagé par tous.", "=> https://framalibre.org | Framalibre | L'annuaire des logiciels libres"], sources: &[("Framasoft", "https://framasoft.org")], tested: "" },
    Demo { title: "Où sont nos données ? L'hébergement expliqué", summary: "Un jeu de cartes pour comprendre où sont stockées les données d'un service en ligne et qui peut y accéder.", themes: "souverainete donnees", types: "pedagogique", publics: "adultes", level: "avance", minutes: 60, licence: "cc-by-sa-4.0", visibility: "public", author: 1, material: "Le jeu de cartes imprimé", content: &["# Les cartes", "Un service, un hébergeur, un pays, une loi : on les relie."], sources: &[], tested: "" },
    Demo { title: "Accessibilité : agrandir, lire à voix haute", summary: "Les réglages d'accessibilité du téléphone : taille du texte, loupe, lecture à voix haute, pour les personnes qui voient mal.", themes: "accessibilite maitrise_outils", types: "pedagogique", publics: "handicap seniors", level: "debutant", minutes: 45, licence: "cc-by-sa-4.0", visibility: "public", author: 0, material: "", content: &["# Les réglages", "- Taille du texte.\n- Loupe (triple toucher).\n- Lecture de l'écran."], sources: &[], tested: "Avec l'association des malvoyants : la lecture à voix haute change tout." },
    Demo { title: "Webinaire : animer un atelier à distance", summary: "Enregistrement d'un échange entre médiateurs sur l'animation d'ateliers en visio : ce qui marche, ce qui ne marche pas.", themes: "maitrise_outils", types: "video", publics: "adultes", level: "avance", minutes: 75, licence: "cc-by-4.0", visibility: "reseau", author: 1, material: "", content: &["=> https://video.example.org/webinaire-distance | Le webinaire | 1 h 15, avec sous-titres"], sources: &[], tested: "" },
    Demo { title: "Boîte à outils de la médiation numérique", summary: "Les fiches, jeux et sites que notre équipe utilise le plus, classés par besoin de la personne accueillie.", themes: "maitrise_outils demarches_administratives", types: "boite_a_outils", publics: "tous", level: "", minutes: 0, licence: "etalab-2.0", visibility: "public", author: 0, material: "", content: &["# Démarches", "=> https://solidarite-numerique.fr | Solidarité Numérique | Tutoriels et numéro d'aide", "# Apprendre", "=> https://www.lesbonsclics.fr | Les Bons Clics | Parcours d'apprentissage"], sources: &[], tested: "" },
    Demo { title: "Sobriété numérique : le défi d'une semaine", summary: "Un défi collectif en cinq gestes pour réduire l'impact de ses usages, avec un carnet de bord.", themes: "sobriete usages_responsables environnement", types: "methodologie", publics: "tous", level: "debutant", minutes: 30, licence: "cc-by-sa-4.0", visibility: "public", author: 1, material: "Carnet de bord imprimé", content: &["# Les cinq gestes", "1. Vider sa boîte e-mail.\n2. Télécharger plutôt que regarder en ligne.\n3. Garder son téléphone un an de plus."], sources: &[], tested: "" },
    Demo { title: "Carte grise en ligne sans se faire avoir", summary: "Faire sa demande de carte grise sur le site officiel de l'ANTS, et repérer les sites qui la font payer trois fois plus cher.", themes: "demarches_administratives mobilites", types: "methodologie", publics: "adultes", level: "intermediaire", minutes: 45, licence: "aucune", visibility: "public", author: 1, material: "", content: &["Seul le site **ants.gouv.fr** est officiel."], sources: &[], tested: "" },
    Demo { title: "Repérer une arnaque par SMS — version jeunes", summary: "Le même atelier que « Repérer une arnaque par SMS », avec des exemples de jeux concours et de comptes piratés, pour les 12–16 ans.", themes: "risques_cyber reseaux_sociaux", types: "pedagogique", publics: "enfants", level: "debutant", minutes: 60, licence: "cc-by-sa-4.0", visibility: "public", author: 2, material: "Vidéoprojecteur", content: &["# Déroulé", "Les exemples viennent des messageries des jeunes : faux concours, ami qui demande un code."], sources: &[], tested: "Collège Jean Macé, deux classes de 4e." },
];

/// Cover pictures (a colour each) of some demo resources.
const COVERS: &[(&str, u32, &str)] = &[
    (
        "Repérer une arnaque par SMS",
        4,
        "Un téléphone affiche un SMS suspect",
    ),
    (
        "Premiers pas sur la tablette : fiche pas à pas",
        0,
        "Une tablette posée sur une table",
    ),
    (
        "Jeu de l'info et de l'intox",
        3,
        "Des cartes du jeu étalées",
    ),
    (
        "Visio avec ses petits-enfants",
        2,
        "Un appel vidéo sur un téléphone",
    ),
    (
        "Découvrir le code avec des robots",
        5,
        "Un petit robot sur un tapis quadrillé",
    ),
    (
        "Sobriété numérique : le défi d'une semaine",
        2,
        "Le carnet de bord du défi",
    ),
];

/// Sheets to print, as downloadable PDF blocks: (resource, file name, lines).
const SHEETS: &[(&str, &str, &[&str])] = &[
    (
        "Premiers pas sur la tablette : fiche pas à pas",
        "fiche-premiers-pas-tablette.pdf",
        &[
            "Premiers pas sur la tablette",
            "",
            "Toucher : un petit coup de doigt, comme une sonnette.",
            "Faire glisser : le doigt reste posé et avance.",
            "Pincer : deux doigts se rapprochent pour rétrécir.",
            "Revenir à l'accueil : le bouton rond en bas.",
        ],
    ),
    (
        "Repérer une arnaque par SMS",
        "six-sms-vrai-ou-faux.pdf",
        &[
            "Six SMS : vrai ou faux ?",
            "",
            "1. Votre colis est en attente, réglez 1,99 EUR : FAUX",
            "2. Votre code de connexion est 482913 : VRAI si vous l'avez demandé",
            "3. Votre CPF expire aujourd'hui : FAUX",
            "Transférez les faux au 33700.",
        ],
    ),
];

/// Stores a demo file through the same checks as an upload (images re-encoded).
async fn demo_file(
    tx: &mut Tx,
    storage: &Storage,
    (sid, rid): (&StructureId, &str),
    name: &str,
    bytes: Vec<u8>,
) -> Result<String, DbError> {
    let upload = Upload::named(name, bytes);
    let err = DbError::Invalid;
    let prepared = files::prepare(&upload, sniff::DOCUMENTS, usize::MAX).map_err(err)?;
    let key = files::put(storage, &prepared)
        .await
        .map_err(|e| err(e.to_string()))?;
    files::insert(tx, sid, rid, &key, &prepared).await
}

/// Adds the demo resources; `authors` are (structure id, user id, name) of Karim,
/// Sophie and Thomas. The last one adapts the first.
pub async fn seed(
    db: &Db,
    storage: &Storage,
    authors: &[(StructureId, String, String); 3],
) -> Result<(), DbError> {
    let mut first = None;
    let (mut ferrats, mut to_report) = (Vec::new(), None);
    let mut tx = db.begin_write().await?;
    for d in RESOURCES {
        let (sid, uid, name) = &authors[d.author];
        let words = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let mut r = Resource {
            title: d.title.into(),
            summary: d.summary.into(),
            themes: words(d.themes),
            types: words(d.types),
            publics: words(d.publics),
            level: d.level.into(),
            duration_minutes: (d.minutes > 0).then_some(d.minutes),
            material: d.material.into(),
            licence: d.licence.into(),
            visibility: Visibility::parse(d.visibility)?,
            tested_notes: d.tested.into(),
            sources: d
                .sources
                .iter()
                .map(|(t, u)| Source {
                    title: t.to_string(),
                    url: u.to_string(),
                })
                .collect(),
            ..Resource::default()
        };
        if d.title.ends_with("version jeunes") {
            if let Some((id, original)) = &first {
                let original: &Resource = original;
                r.adapted_from_id = String::clone(id);
                r.adapted_from_title = original.title.clone();
                r.adapted_from_author = authors[0].2.clone();
                r.adapted_from_structure = "Centre social Jean Ferrat".into();
                r.adapted_from_licence = original.licence.clone();
            }
        }
        let id = store::insert(&mut tx, sid, (uid, name), &r).await?;
        for part in d.content {
            store::add_block(&mut tx, &id, &block_of(part)).await?;
        }
        if let Some((_, hue, alt)) = COVERS.iter().find(|c| c.0 == d.title) {
            let picture = files::samples::picture(960, 540, *hue);
            let cover = demo_file(&mut tx, storage, (sid, &id), "couverture.jpg", picture).await?;
            store::set_cover(&mut tx, &id, Some(&cover), alt).await?;
        }
        for (_, name, lines) in SHEETS.iter().filter(|s| s.0 == d.title) {
            let file = demo_file(
                &mut tx,
                storage,
                (sid, &id),
                name,
                files::samples::pdf(lines),
            )
            .await?;
            let block = Block {
                kind: "fichier".into(),
                title: "La fiche à imprimer".into(),
                body: "Une page A4, en gros caractères.".into(),
                file: Some(files::StoredFile::recorded(file)),
                ..Block::default()
            };
            store::add_block(&mut tx, &id, &block).await?;
        }
        if d.author == 0 {
            ferrats.push(id.clone());
        }
        if d.author == 2 && d.visibility == "public" && to_report.is_none() {
            to_report = Some((id.clone(), r.title.clone()));
        }
        if first.is_none() {
            first = Some((id, r));
        }
    }
    // Jean Ferrat's team keeps a collection of its own resources for the seniors' course.
    let ferrat = &authors[0].0;
    let cid = collection_store::insert(
        &mut tx,
        (None, Some(ferrat.as_str())),
        "Parcours seniors : premiers pas",
        "Les fiches que l'équipe donne aux seniors, dans l'ordre des séances.",
        false,
    )
    .await?;
    for id in ferrats.iter().take(3) {
        collection_store::put(&mut tx, &cid, id).await?;
    }
    // A colleague of Les Tilleuls reported a resource as out of date: the network's
    // moderation has one report to look at.
    if let Some((id, title)) = &to_report {
        moderation_store::insert_report(
            &mut tx,
            id,
            title,
            &authors[1].1,
            "obsolete",
            "Le site a changé de présentation depuis.",
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn block_of(part: &str) -> Block {
    if let Some(title) = part.strip_prefix("# ") {
        return Block {
            kind: "section".into(),
            title: title.into(),
            ..Block::default()
        };
    }
    if let Some(link) = part.strip_prefix("=> ") {
        let mut bits = link.split(" | ");
        return Block {
            kind: "lien".into(),
            url: bits.next().unwrap_or_default().into(),
            title: bits.next().unwrap_or_default().into(),
            body: bits.next().unwrap_or_default().into(),
            ..Block::default()
        };
    }
    Block {
        kind: "texte".into(),
        body: part.into(),
        ..Block::default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_resources_use_the_vocabularies() {
        use maillon_app::resources::vocab;
        assert_eq!(super::RESOURCES.len(), 30);
        for d in super::RESOURCES {
            for t in d.themes.split_whitespace() {
                assert!(vocab::themes().any(|c| c.0 == t), "{t}");
            }
            for t in d.types.split_whitespace() {
                assert!(vocab::TYPES.iter().any(|c| c.0 == t), "{t}");
            }
            for t in d.publics.split_whitespace() {
                assert!(vocab::PUBLICS.iter().any(|c| c.0 == t), "{t}");
            }
            assert!(
                vocab::LICENCES.iter().any(|l| l.code == d.licence),
                "{}",
                d.licence
            );
            assert!(d.summary.chars().count() <= 300, "{}", d.title);
        }
    }
}
