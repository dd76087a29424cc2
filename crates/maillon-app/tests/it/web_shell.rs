//! The shell every page shares: headers, cross-site protection, errors, health, metrics,
//! weight, backups.

use crate::harness::TestApp;
use crate::*;

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::demo().await;
    for path in ["/", "/connexion", "/lieux", "/page-qui-n-existe-pas"] {
        let r = app.client().get(path).await;
        let csp = r.header("content-security-policy");
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(r.header("x-content-type-options"), "nosniff");
        assert_eq!(r.header("referrer-policy"), "same-origin");
        assert_eq!(r.header("x-frame-options"), "DENY");
        assert_eq!(
            r.header("x-request-id").len(),
            32,
            "{path} has a request id"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = TestApp::demo().await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    let sid = app.structure_id(FERRAT).await;
    let path = format!("/structures/{sid}/equipe/inviter");
    let fields = [
        ("email", "piege@ailleurs.test"),
        ("role", "structure_admin"),
    ];
    let r = nadia
        .post_with(&path, &fields, &[("sec-fetch-site", "cross-site")])
        .await;
    assert_eq!(r.status, 403);
    r.assert_contains("Cette action venait d'un autre site");
    let r = nadia
        .post_with(
            &path,
            &fields,
            &[("origin", "https://site-malveillant.example")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM account_tokens WHERE email = 'piege@ailleurs.test'")
            .await,
        0
    );
    // The same form from our own pages goes through.
    let own_origin = app.base.clone();
    let r = nadia
        .post_with(&path, &fields, &[("origin", own_origin.as_str())])
        .await;
    // Sent (without an SMTP server, the page gives the link to pass on).
    assert_eq!(r.status, 200);
    r.assert_contains("transmettez vous-même ce lien");
    app.stop().await;
}

#[tokio::test]
async fn errors_are_plain_french_pages() {
    let app = TestApp::start().await;
    let r = app.client().get("/nulle-part").await;
    assert_eq!(r.status, 404);
    r.assert_contains("Page introuvable");
    r.assert_contains("lang=\"fr\"");
    let r = app
        .client()
        .post_with("/connexion", &[], &[("content-type", "text/plain")])
        .await;
    assert!(r.status == 400 || r.status == 200, "{}", r.status);
    app.stop().await;
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let app = TestApp::demo().await;
    let r = app.client().get("/healthz").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "ok\n");
    app.client().get("/lieux").await;
    let r = app.client().get("/metrics").await;
    assert_eq!(r.status, 200);
    r.assert_contains(
        "maillon_http_requests_total{method=\"GET\",route=\"/lieux\",status=\"200\"} 1",
    );
    r.assert_contains(
        "maillon_http_request_duration_seconds_bucket{route=\"/lieux\",le=\"+Inf\"} 1",
    );
    r.assert_contains("maillon_jobs{status=");
    app.stop().await;
}

#[tokio::test]
async fn metrics_can_require_a_token() {
    let app = TestApp::start_with(|c| c.metrics_token = Some("s3cret-token".into())).await;
    assert_eq!(app.client().get("/metrics").await.status, 401);
    app.stop().await;
}

#[tokio::test]
async fn pages_weigh_under_30_kilobytes_with_their_stylesheet() {
    let app = TestApp::demo().await;
    let css = app.client().get("/static/maillon.css").await.body.len();
    let sid = app.structure_id(FERRAT).await;
    let pid = app
        .place_id("Espace numérique du centre social Jean Ferrat")
        .await;
    let nadia = app.signed_in(FERRAT_ADMIN, PASSWORD).await;
    for path in [
        "/".to_string(),
        "/connexion".into(),
        "/lieux".into(),
        format!("/lieux/{pid}"),
        format!("/structures/{sid}"),
        format!("/structures/{sid}/lieux/{pid}"),
    ] {
        let html = nadia.get(&path).await.body.len();
        assert!(html + css < 30 * 1024, "{path}: {html} + {css} bytes");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_sqlite_backup_is_a_consistent_copy() {
    let app = TestApp::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("sauvegarde.db");
    let target = target.to_str().unwrap();
    match app.db.backend {
        maillon_app::db::Backend::Sqlite => {
            app.db.backup_to(target).await.unwrap();
            let copy = maillon_app::app::connect(target).await.unwrap();
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM places")
                .fetch_one(copy.read())
                .await
                .unwrap();
            assert_eq!(n, 5);
            let err = app.db.backup_to(target).await.unwrap_err();
            assert!(err.to_string().contains("existe déjà"));
        }
        maillon_app::db::Backend::Postgres => {
            let err = app.db.backup_to(target).await.unwrap_err();
            assert!(err.to_string().contains("pg_dump"));
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn migrations_apply_once_and_again_safely() {
    let app = TestApp::start().await;
    let url = app.state().config.database_url.clone();
    let again = maillon_app::app::connect(&url).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations")
        .fetch_one(again.read())
        .await
        .unwrap();
    assert_eq!(n, 15);
    again.close().await;
    app.stop().await;
}

#[tokio::test]
async fn a_fault_on_our_side_gives_a_plain_page_without_details() {
    let app = TestApp::demo().await;
    app.exec("ALTER TABLE places RENAME TO places_gone").await;
    let r = app.client().get("/lieux").await;
    assert_eq!(r.status, 500);
    r.assert_contains("Une erreur est survenue");
    r.assert_contains("Rien n'a été perdu");
    assert!(
        !r.body.to_lowercase().contains("places"),
        "no internal detail on the page"
    );
    app.stop().await;
}
