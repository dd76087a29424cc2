//! A resource's files: image and file blocks, cover, who may download them, what is
//! refused, and the bytes kept only while something uses them (disk and S3).

use crate::harness::TestApp;
use crate::resources::{create, set_visibility};
use crate::*;
use maillon_app::files::{samples, Storage};

/// The files in the test's storage folder.
fn stored_count(app: &TestApp) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| {
                        if e.path().is_dir() {
                            count(&e.path())
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    count(&app.state().config.files_dir)
}

#[tokio::test]
async fn images_and_files_are_checked_cleaned_and_served_to_readers_only() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let path = create(
        &app,
        &karim,
        &sid,
        "Photos de vacances sans risque",
        "cc-by-sa-4.0",
    )
    .await;
    let rid = path.trim_start_matches("/ressources/").to_string();
    let new_block = format!("{path}/blocs/nouveau");
    let files_before = stored_count(&app);

    // The form says what it takes.
    let form = karim.get(&format!("{new_block}?type=image")).await;
    form.assert_contains("enctype=\"multipart/form-data\"");
    form.assert_contains("JPG, PNG, WEBP ; 10 Mo au plus.");

    // An image without alternative text: said next to the field, caption kept, nothing kept.
    let photo = samples::photo_with_gps(60, 30);
    let r = karim
        .post_files(
            &new_block,
            &[("kind", "image"), ("title", "La carte SIM"), ("alt", "")],
            vec![("file", "IMG_2024.jpg", photo.clone())],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("Décrivez l'image en une phrase");
    r.assert_contains("value=\"La carte SIM\"");
    r.assert_contains("choisissez-le de nouveau");
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM stored_files WHERE resource_id = '{rid}'"
        ))
        .await,
        0
    );
    assert_eq!(stored_count(&app), files_before);

    // A program renamed as a picture, a PDF sent as an image, a forbidden type, too big.
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (
            "image",
            "chat.jpg",
            b"MZ\x90\x00\x03programme".to_vec(),
            "n'est pas une image JPEG",
        ),
        (
            "image",
            "fiche.png",
            samples::pdf(&["Fiche"]),
            "n'est pas une image PNG",
        ),
        (
            "fichier",
            "jeu.exe",
            b"MZ\x90\x00".to_vec(),
            "Les fichiers .exe ne sont pas acceptés",
        ),
        (
            "fichier",
            "video.mp4",
            vec![0u8; 10 * 1024 * 1024 + 1],
            "Ce fichier dépasse 10 Mo",
        ),
        (
            "fichier",
            "fiche.pdf",
            b"<html><script>alert(1)</script>".to_vec(),
            "n'est pas un document PDF",
        ),
    ];
    for (kind, name, bytes, message) in cases {
        let r = karim
            .post_files(
                &new_block,
                &[("kind", kind), ("alt", "Une image")],
                vec![("file", name, bytes)],
            )
            .await;
        assert_eq!(r.status, 200, "{name}");
        r.assert_contains(message);
        r.assert_contains("aria-invalid=\"true\"");
    }
    // A new file block needs its file.
    let r = karim
        .post_files(&new_block, &[("kind", "fichier")], vec![])
        .await;
    r.assert_contains("Choisissez le fichier à ajouter.");
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM stored_files WHERE resource_id = '{rid}'"
        ))
        .await,
        0
    );
    assert_eq!(stored_count(&app), files_before);

    // A phone photo: kept without its EXIF and GPS data, turned upright, under a random name.
    let r = karim
        .post_files(
            &new_block,
            &[
                ("kind", "image"),
                ("title", "La carte SIM"),
                ("alt", "Une carte SIM posée sur la table"),
            ],
            vec![("file", "IMG_2024.jpg", photo)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let image_id = app
        .scalar_text(&format!(
            "SELECT id FROM stored_files WHERE resource_id = '{rid}'"
        ))
        .await;
    let key = app
        .scalar_text(&format!(
            "SELECT storage_key FROM stored_files WHERE resource_id = '{rid}'"
        ))
        .await;
    assert!(!key.contains("IMG"), "{key}");
    assert_eq!(stored_count(&app), files_before + 1);
    let (status, headers, bytes) = karim.download(&format!("/fichiers/{image_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(!bytes.windows(4).any(|w| w == b"Exif"));
    assert!(!bytes.windows(3).any(|w| w == b"GPS"));
    let picture = image::load_from_memory(&bytes).unwrap();
    assert_eq!((picture.width(), picture.height()), (30, 60));
    let page = karim.get(&path).await;
    page.assert_contains(&format!(
        "<img src=\"/fichiers/{image_id}\" alt=\"Une carte SIM posée sur la table\""
    ));
    page.assert_contains("<figcaption class=\"hint\">La carte SIM</figcaption>");

    // A PDF to download: served as an attachment, with its name.
    let pdf = samples::pdf(&["Fiche : sauvegarder ses photos"]);
    let r = karim
        .post_files(
            &new_block,
            &[
                ("kind", "fichier"),
                ("title", "Fiche à imprimer"),
                ("body", "Une page A4."),
            ],
            vec![("file", "fiche sauvegarde.pdf", pdf.clone())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let pdf_id = app
        .scalar_text(&format!("SELECT id FROM stored_files WHERE content_type = 'application/pdf' AND resource_id = '{rid}'"))
        .await;
    let (status, headers, bytes) = karim.download(&format!("/fichiers/{pdf_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, pdf);
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename*=UTF-8''fiche%20sauvegarde.pdf"
    );
    karim
        .get(&path)
        .await
        .assert_contains("Fiche à imprimer</a> <span class=\"hint\">(PDF, 1 Ko)</span>");

    // A draft's files are its author's: others get "not found", as for the resource.
    let (status, _, _) = app
        .client()
        .download(&format!("/fichiers/{image_id}"))
        .await;
    assert_eq!(status, 404);
    let sophie = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    assert_eq!(sophie.download(&format!("/fichiers/{pdf_id}")).await.0, 404);
    assert_eq!(
        set_visibility(&karim, &path, "public", "cc-by-sa-4.0").await,
        303
    );
    let (status, headers, _) = app
        .client()
        .download(&format!("/fichiers/{image_id}"))
        .await;
    assert_eq!(status, 200);
    // Five minutes: a resource taken down by moderation soon leaves every cache.
    assert_eq!(headers["cache-control"], "public, max-age=300");

    // Editing the caption keeps the image; a new image replaces the old one's bytes.
    let bid = app
        .scalar_text(&format!(
            "SELECT id FROM resource_blocks WHERE kind = 'image' AND resource_id = '{rid}'"
        ))
        .await;
    let edit = format!("{path}/blocs/{bid}/modifier");
    let r = karim
        .post_files(
            &edit,
            &[("title", "La petite carte"), ("alt", "Une carte SIM")],
            vec![],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        app.scalar_text(&format!(
            "SELECT file_id FROM resource_blocks WHERE id = '{bid}'"
        ))
        .await,
        image_id
    );
    let r = karim
        .post_files(
            &edit,
            &[("title", "La petite carte"), ("alt", "Une carte SIM")],
            vec![("file", "autre.jpg", samples::picture(20, 20, 2))],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM stored_files WHERE resource_id = '{rid}'"
        ))
        .await,
        2
    );
    assert_eq!(stored_count(&app), files_before + 2);
    assert_eq!(
        karim.download(&format!("/fichiers/{image_id}")).await.0,
        404
    );

    // Deleting the file block deletes its bytes.
    let fid = app
        .scalar_text(&format!(
            "SELECT id FROM resource_blocks WHERE kind = 'fichier' AND resource_id = '{rid}'"
        ))
        .await;
    let r = karim
        .post(&format!("{path}/blocs/{fid}/supprimer"), &[])
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(stored_count(&app), files_before + 1);
    app.stop().await;
}

#[tokio::test]
async fn a_cover_and_an_adaptation_share_bytes_until_the_last_one_goes() {
    let app = TestApp::demo().await;
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let path = create(&app, &karim, &sid, "Le smartphone pas à pas", "cc-by-4.0").await;
    let rid = path.trim_start_matches("/ressources/").to_string();
    let files_before = stored_count(&app);
    let rows_before = app.scalar_i64("SELECT COUNT(*) FROM stored_files").await;

    let r = karim
        .post_files(
            &format!("{path}/couverture"),
            &[("alt", "")],
            vec![("file", "c.jpg", samples::picture(50, 40, 1))],
        )
        .await;
    r.assert_contains("Décrivez l'image en une phrase");
    let r = karim
        .post_files(
            &format!("{path}/couverture"),
            &[("alt", "Un smartphone dans une main")],
            vec![("file", "c.jpg", samples::picture(50, 40, 1))],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let cover = app
        .scalar_text(&format!(
            "SELECT cover_file_id FROM resources WHERE id = '{rid}'"
        ))
        .await;
    karim
        .get(&path)
        .await
        .assert_contains(&format!("<img class=\"cover\" src=\"/fichiers/{cover}\" alt=\"Un smartphone dans une main\" width=\"50\" height=\"40\">"));
    let r = karim
        .post_files(
            &format!("{path}/blocs/nouveau"),
            &[("kind", "fichier")],
            vec![("file", "fiche.odt", odt())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(stored_count(&app), files_before + 2);
    assert_eq!(
        set_visibility(&karim, &path, "reseau", "cc-by-4.0").await,
        303
    );

    // Sophie adapts it: the copy shows the same cover and file, without copying bytes.
    let sophie = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    let tilleuls = app.structure_id(TILLEULS).await;
    let r = sophie
        .post(&format!("{path}/adapter"), &[("structure_id", &tilleuls)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let copy = r.location().split('?').next().unwrap().to_string();
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM stored_files").await,
        rows_before + 4
    );
    assert_eq!(stored_count(&app), files_before + 2);
    let page = sophie.get(&copy).await;
    page.assert_contains("<img class=\"cover\"");
    page.assert_contains("fiche.odt</a>");

    // The original goes: the adaptation keeps the bytes, which go with it.
    let r = karim.post(&format!("{path}/supprimer"), &[]).await;
    assert_eq!(r.status, 303);
    assert_eq!(stored_count(&app), files_before + 2);
    let copy_file = app
        .scalar_text("SELECT id FROM stored_files WHERE content_type LIKE '%opendocument%'")
        .await;
    assert_eq!(
        sophie.download(&format!("/fichiers/{copy_file}")).await.0,
        200
    );
    let r = sophie
        .post(&format!("{copy}/couverture/retirer"), &[])
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(stored_count(&app), files_before + 1);
    let r = sophie.post(&format!("{copy}/supprimer"), &[]).await;
    assert_eq!(r.status, 303);
    assert_eq!(stored_count(&app), files_before);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM stored_files").await,
        rows_before
    );
    app.stop().await;
}

/// A minimal OpenDocument text, as LibreOffice starts one.
fn odt() -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("mimetype", stored).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.text")
        .unwrap();
    w.start_file("content.xml", stored).unwrap();
    w.write_all(b"<office:document-content/>").unwrap();
    w.finish().unwrap().into_inner()
}

/// The S3 backend against a real S3-compatible server (`.ci/run` starts one and sets
/// MAILLON_TEST_S3 to its address); skipped, saying so, when none is given.
#[tokio::test]
async fn an_s3_compatible_store_keeps_uploads() {
    let Ok(endpoint) = std::env::var("MAILLON_TEST_S3") else {
        eprintln!("MAILLON_TEST_S3 not set: the S3 backend is not exercised");
        return;
    };
    let bucket = format!("maillon-{}", std::process::id());
    // Create the bucket (the S3 server used in CI does not check signatures for this).
    let http = reqwest::Client::new();
    let made = http
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(made.status().is_success(), "{}", made.text().await.unwrap());
    let settings = maillon_app::files::s3::S3Settings {
        endpoint: endpoint.clone(),
        bucket: bucket.clone(),
        region: "us-east-1".into(),
        access_key: "testing".into(),
        secret_key: "testing".into(),
    };
    let storage = Storage::S3(maillon_app::files::s3::S3::new(&settings));
    let key = maillon_app::files::storage::new_key("pdf");
    storage
        .put(&key, b"%PDF-1.4".to_vec(), "application/pdf")
        .await
        .unwrap();
    assert_eq!(storage.get(&key).await.unwrap().unwrap(), b"%PDF-1.4");
    storage.delete(&key).await.unwrap();
    assert!(storage.get(&key).await.unwrap().is_none());

    // The whole application on S3: an upload lands in the bucket and is served from it.
    let app = TestApp::start_with(|c| c.s3 = Some(settings.clone())).await;
    maillon_demo::seed(&app.db, &app.state().files, &app.base)
        .await
        .unwrap();
    let sid = app.structure_id(FERRAT).await;
    let karim = app.signed_in(FERRAT_MEDIATOR, PASSWORD).await;
    let path = create(&app, &karim, &sid, "Fiche sur S3", "cc-by-4.0").await;
    let rid = path.trim_start_matches("/ressources/").to_string();
    let pdf = samples::pdf(&["Sur S3"]);
    let r = karim
        .post_files(
            &format!("{path}/blocs/nouveau"),
            &[("kind", "fichier")],
            vec![("file", "s3.pdf", pdf.clone())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (id, key) = (
        app.scalar_text(&format!(
            "SELECT id FROM stored_files WHERE resource_id = '{rid}'"
        ))
        .await,
        app.scalar_text(&format!(
            "SELECT storage_key FROM stored_files WHERE resource_id = '{rid}'"
        ))
        .await,
    );
    assert_eq!(storage.get(&key).await.unwrap().unwrap(), pdf);
    assert_eq!(karim.download(&format!("/fichiers/{id}")).await.2, pdf);
    assert_eq!(stored_count(&app), 0);
    app.stop().await;
}

#[tokio::test]
async fn a_resource_travels_as_one_archive_whole_or_not_at_all() {
    let app = TestApp::demo().await;
    let tablet = app
        .scalar_text("SELECT id FROM resources WHERE title = 'Premiers pas sur la tablette : fiche pas à pas'")
        .await;
    // Anyone may carry a public resource under an open licence.
    let (status, headers, zip) = app
        .client()
        .download(&format!("/ressources/{tablet}/archive"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/zip");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"ressource-premiers-pas-sur-la-tablette-fiche-pas-a.zip\""
    );
    // Without a licence, only its makers may.
    let no_licence = app
        .scalar_text("SELECT id FROM resources WHERE licence = 'aucune'")
        .await;
    assert_eq!(
        app.client()
            .download(&format!("/ressources/{no_licence}/archive"))
            .await
            .0,
        404
    );

    let sophie = app.signed_in(TILLEULS_ADMIN, PASSWORD).await;
    let tilleuls = app.structure_id(TILLEULS).await;
    let import = format!("/structures/{tilleuls}/ressources/importer");
    sophie.get(&import).await.assert_contains("40 Mo au plus");
    let resources = app.scalar_i64("SELECT COUNT(*) FROM resources").await;
    let rows = app.scalar_i64("SELECT COUNT(*) FROM stored_files").await;
    let files = stored_count(&app);

    // Damaged, from a newer Maillon, or missing a file: said, and nothing imported.
    let mut newer = unzip(&zip);
    let manifest = newer
        .iter_mut()
        .find(|(n, _)| n == "maillon-ressource.json")
        .unwrap();
    let text = String::from_utf8(manifest.1.clone()).unwrap();
    manifest.1 = text
        .replace("\"version\": 1", "\"version\": 2")
        .into_bytes();
    let mut without_pdf = unzip(&zip);
    without_pdf.retain(|(n, _)| !n.ends_with(".pdf"));
    let mut renamed = unzip(&zip);
    for (n, bytes) in renamed.iter_mut() {
        if n.ends_with(".pdf") {
            *bytes = b"MZ\x90\x00programme".to_vec();
        }
    }
    let cases = [
        (
            zip[..zip.len() / 2].to_vec(),
            "n'est pas une archive de ressource Maillon",
        ),
        (rezip(&newer), "version plus récente de Maillon (format 2)"),
        (rezip(&without_pdf), "manque dans l'archive"),
        (rezip(&renamed), "n'est pas un document PDF"),
    ];
    for (bytes, message) in cases {
        let r = sophie
            .post_files(&import, &[], vec![("archive", "ressource.zip", bytes)])
            .await;
        assert_eq!(r.status, 200);
        r.assert_contains(message);
    }
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM resources").await,
        resources
    );
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM stored_files").await,
        rows
    );
    assert_eq!(stored_count(&app), files);

    // The whole archive: a draft of Les Tilleuls with its content, files and origin.
    let r = sophie
        .post_files(&import, &[], vec![("archive", "ressource.zip", zip)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let path = r.location().split('?').next().unwrap().to_string();
    let id = path.trim_start_matches("/ressources/").to_string();
    assert_eq!(
        app.texts(&format!(
            "SELECT visibility FROM resources WHERE id = '{id}'"
        ))
        .await,
        ["brouillon"]
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "SELECT COUNT(*) FROM stored_files WHERE resource_id = '{id}'"
        ))
        .await,
        2
    );
    let page = sophie.get(&path).await;
    page.assert_contains("Premiers pas sur la tablette : fiche pas à pas");
    page.assert_contains("<img class=\"cover\"");
    page.assert_contains("La fiche à imprimer</a>");
    page.assert_contains("Karim Diallo, Centre social Jean Ferrat (importée d'un autre Maillon)");
    let pdf = app
        .scalar_text(&format!("SELECT id FROM stored_files WHERE resource_id = '{id}' AND content_type = 'application/pdf'"))
        .await;
    let (status, _, bytes) = sophie.download(&format!("/fichiers/{pdf}")).await;
    assert_eq!(status, 200);
    assert!(bytes.starts_with(b"%PDF-"));
    // Found by search in its new home.
    sophie
        .get("/ressources?q=tablette+gestes")
        .await
        .assert_contains(&path);
    app.stop().await;
}

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            (entry.name().unwrap().to_string(), content)
        })
        .collect()
}

fn rezip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in entries {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(content).unwrap();
    }
    w.finish().unwrap().into_inner()
}
