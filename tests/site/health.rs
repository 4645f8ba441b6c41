//! What load balancers and monitoring ask: is the process alive, is it ready for traffic.

use std::time::{Duration, Instant};

use crate::helpers::{TestApp, spawn_app};

async fn status_and_body(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    assert_eq!(
        response.headers()["cache-control"],
        "no-store",
        "{path} is never cached"
    );
    (status, response.text().await.expect("a body"))
}

/// Asks `path` until it answers `status`, for at most `limit`.
async fn wait_for_status(app: &TestApp, path: &str, status: u16, limit: Duration) {
    let start = Instant::now();
    loop {
        if status_and_body(app, path).await.0 == status {
            return;
        }
        assert!(
            start.elapsed() < limit,
            "{path} did not answer {status} within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn alive_and_ready_while_the_database_answers_with_every_migration() {
    let app = spawn_app().await;
    assert_eq!(
        status_and_body(&app, "/healthz").await,
        (200, "ok\n".into())
    );
    assert_eq!(
        status_and_body(&app, "/readyz").await,
        (200, "ready\n".into())
    );

    // A migration that failed (or one missing) means this version cannot work yet.
    app.execute(
        "update _sqlx_migrations set success = false
         where version = (select max(version) from _sqlx_migrations)",
    )
    .await;
    let (status, body) = status_and_body(&app, "/readyz").await;
    assert_eq!((status, body.as_str()), (503, "not ready\n"));
    assert_eq!(status_and_body(&app, "/healthz").await.0, 200);
    app.execute("update _sqlx_migrations set success = true")
        .await;
    assert_eq!(status_and_body(&app, "/readyz").await.0, 200);
}

#[tokio::test]
async fn without_the_database_the_process_is_alive_but_not_ready_and_says_no_more() {
    let app = spawn_app().await;
    let offline = app.take_database_offline().await;
    assert_eq!(
        status_and_body(&app, "/healthz").await,
        (200, "ok\n".into())
    );
    wait_for_status(&app, "/readyz", 503, Duration::from_secs(5)).await;
    let (_, body) = status_and_body(&app, "/readyz").await;
    assert_eq!(body, "not ready\n", "no errors, hosts or versions");
    offline.bring_back().await;
    wait_for_status(&app, "/readyz", 200, Duration::from_secs(10)).await;
}
