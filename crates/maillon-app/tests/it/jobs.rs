//! The durable job queue and the e-mail outbox.

use maillon_app::app::{run_one_job, Senders};
use maillon_app::jobs::store;

use crate::harness::{SmtpSink, TestApp};
use crate::*;

async fn no_workers() -> TestApp {
    TestApp::start_with(|c| c.workers = 0).await
}

#[tokio::test]
async fn a_message_saved_before_a_crash_is_sent_afterwards() {
    // No worker runs: as if the server stopped right after saving.
    let app = no_workers().await;
    let mut tx = app.db.begin_write().await.unwrap();
    maillon_app::mail::queue(&mut tx, "habitant@quartier.test", "Bonjour", "Un message")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.scalar_text("SELECT status FROM emails").await, "queued");

    // Another process (or the same after a restart) picks it up.
    let sink = SmtpSink::start().await;
    let mut config = (*app.state().config).clone();
    config.smtp_url = Some(sink.url());
    let senders = Senders::from_config(&config).unwrap();
    let metrics = maillon_app::web::metrics::Metrics::default();
    assert!(run_one_job(&app.db, &config, &metrics, &senders)
        .await
        .unwrap());
    assert!(sink
        .message_with("Un message")
        .await
        .contains("To: habitant@quartier.test"));
    assert_eq!(app.scalar_text("SELECT status FROM emails").await, "sent");
    assert_eq!(app.scalar_text("SELECT status FROM jobs").await, "done");
    assert!(
        !run_one_job(&app.db, &config, &metrics, &senders)
            .await
            .unwrap(),
        "nothing left"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_failing_job_is_retried_later_then_given_up() {
    let app = no_workers().await;
    // An SMTP server that is not there.
    let mut config = (*app.state().config).clone();
    config.smtp_url = Some("smtp://127.0.0.1:9".into());
    let senders = Senders::from_config(&config).unwrap();
    let metrics = maillon_app::web::metrics::Metrics::default();
    let mut tx = app.db.begin_write().await.unwrap();
    maillon_app::mail::queue(&mut tx, "habitant@quartier.test", "Bonjour", "Un message")
        .await
        .unwrap();
    tx.commit().await.unwrap();

    assert!(run_one_job(&app.db, &config, &metrics, &senders)
        .await
        .unwrap());
    assert_eq!(app.scalar_text("SELECT status FROM jobs").await, "pending");
    assert_eq!(app.scalar_i64("SELECT attempts FROM jobs").await, 1);
    assert!(
        app.scalar_i64("SELECT run_at - created_at FROM jobs").await >= 29,
        "retried later, not at once"
    );
    assert!(!app
        .scalar_text("SELECT last_error FROM emails")
        .await
        .is_empty());
    // Not due yet: nothing runs.
    assert!(!run_one_job(&app.db, &config, &metrics, &senders)
        .await
        .unwrap());

    // On its last attempt it is given up, and says why.
    app.exec("UPDATE jobs SET run_at = 0, attempts = max_attempts - 1")
        .await;
    assert!(run_one_job(&app.db, &config, &metrics, &senders)
        .await
        .unwrap());
    assert_eq!(app.scalar_text("SELECT status FROM jobs").await, "failed");
    assert_eq!(app.scalar_text("SELECT status FROM emails").await, "failed");
    assert!(metrics
        .render(&[])
        .contains("maillon_jobs_processed_total{kind=\"send_email\",outcome=\"failed\"} 1"));
    assert_eq!(store::backoff_seconds(1), 30);
    assert_eq!(store::backoff_seconds(3), 120);
    assert_eq!(store::backoff_seconds(20), 3600);
    app.stop().await;
}

#[tokio::test]
async fn a_job_whose_worker_died_is_taken_again_and_keys_prevent_duplicates() {
    let app = no_workers().await;
    let mut tx = app.db.begin_write().await.unwrap();
    store::enqueue(&mut tx, store::JobKind::Purge, "{}", Some("purge-1"), 0)
        .await
        .unwrap();
    store::enqueue(&mut tx, store::JobKind::Purge, "{}", Some("purge-1"), 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.scalar_i64("SELECT COUNT(*) FROM jobs").await, 1);

    let claimed = store::claim(&app.db).await.unwrap().unwrap();
    assert_eq!(claimed.kind, "purge");
    assert!(
        store::claim(&app.db).await.unwrap().is_none(),
        "a running job is not taken twice"
    );
    // Its worker died: once its lease is over, another worker takes it.
    app.exec("UPDATE jobs SET locked_until = 1").await;
    let again = store::claim(&app.db).await.unwrap().unwrap();
    assert_eq!(again.id, claimed.id);
    assert_eq!(again.attempts, 2);
    app.stop().await;
}

#[tokio::test]
async fn concurrent_workers_never_run_the_same_job_twice() {
    let app = no_workers().await;
    let mut tx = app.db.begin_write().await.unwrap();
    for i in 0..40 {
        store::enqueue(
            &mut tx,
            store::JobKind::Purge,
            "{}",
            Some(&format!("k{i}")),
            0,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            while let Some(job) = store::claim(&db).await.unwrap() {
                ids.push(job.id);
            }
            ids
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!((count, all.len()), (40, 40));
    app.stop().await;
}

#[tokio::test]
async fn without_smtp_messages_wait_in_the_outbox_for_the_network_admin() {
    let app = TestApp::demo().await;
    app.wait_for_emails().await;
    let claire = app.signed_in(NETWORK_ADMIN, PASSWORD).await;
    let r = claire.get("/reseau/boite-d-envoi").await;
    r.assert_contains("Aucun serveur SMTP n'est configuré");
    r.assert_contains("lea.morel@jeanferrat.test");
    r.assert_contains("Dans la boîte d'envoi");
    let id = app
        .scalar_text("SELECT id FROM emails WHERE to_addr = 'lea.morel@jeanferrat.test'")
        .await;
    // The invitation's link is its recipient's only: masked here.
    let r = claire.get(&format!("/reseau/boite-d-envoi/{id}")).await;
    r.assert_contains("[lien personnel masqué]");
    assert!(!r.body.contains("/invitation/"));
    assert_eq!(
        claire.get("/reseau/boite-d-envoi/inconnu").await.status,
        404
    );
    app.stop().await;
}

#[tokio::test]
async fn a_job_of_an_unknown_kind_fails_with_its_kind_in_the_log_and_runs_nothing() {
    let app = no_workers().await;
    app.exec(
        "INSERT INTO jobs (id, kind, payload, status, run_at, max_attempts, created_at) \
         VALUES ('j1', 'send_emial', '{}', 'pending', 0, 1, 0)",
    )
    .await;
    let config = (*app.state().config).clone();
    let senders = Senders::from_config(&config).unwrap();
    let metrics = maillon_app::web::metrics::Metrics::default();
    assert!(run_one_job(&app.db, &config, &metrics, &senders)
        .await
        .unwrap());
    assert_eq!(app.scalar_text("SELECT status FROM jobs").await, "failed");
    let error = app.scalar_text("SELECT last_error FROM jobs").await;
    assert!(error.contains("send_emial"), "{error}");
    // Every kind reads back as itself.
    for kind in store::JobKind::ALL {
        assert_eq!(store::JobKind::parse(kind.code()).unwrap(), *kind);
    }
    app.stop().await;
}

#[test]
fn every_job_kind_has_a_handler_and_every_migration_step_is_given() {
    assert!(
        maillon_app::app::job_registry().unhandled().is_empty(),
        "a job kind no capability handles"
    );
    let given: Vec<&str> = maillon_app::app::post_steps()
        .iter()
        .map(|s| s.name)
        .collect();
    for name in maillon_app::db::post_step_names() {
        assert!(given.contains(&name), "no capability gives the step {name}");
    }
}
