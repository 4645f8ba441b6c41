//! Prometheus metrics: on their own port, never on the public one.

use std::time::Duration;

use crate::helpers::{TestDatabase, binary, free_port, terminate, wait_for_log};

#[tokio::test]
async fn metrics_are_served_on_their_own_port_and_not_on_the_public_one() {
    let database = TestDatabase::new();
    let bind = format!("127.0.0.1:{}", free_port());
    let metrics_bind = format!("127.0.0.1:{}", free_port());
    let mail_dir = database.mail_dir();
    let mut child = binary(
        &[],
        &[
            ("DATABASE_URL", &database.url()),
            ("BIND", &bind),
            ("METRICS_BIND", &metrics_bind),
            ("MAIL_DIR", &mail_dir.display().to_string()),
        ],
    )
    .spawn()
    .unwrap();
    wait_for_log(&mut child, "serving the site on").await;
    let client = reqwest::Client::new();
    for (path, status) in [
        ("/", 200),
        ("/geschichte", 200),
        ("/suche?q=Pr%C3%A4vention", 200),
        ("/gibt-es-nicht", 404),
        ("/healthz", 200),
    ] {
        let response = client
            .get(format!("http://{bind}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{path}");
    }
    // A form without its token: refused, and counted by why.
    let refused = client
        .post(format!("http://{bind}/mitgliedschaft"))
        .form(&[("organisation", "Stadt Musterstadt")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);

    let public = client
        .get(format!("http://{bind}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 404, "no metrics on the public port");

    let response = client
        .get(format!("http://{metrics_bind}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let metrics = response.text().await.unwrap();
    let value = |series: &str| -> f64 {
        metrics
            .lines()
            .find(|line| line.starts_with(series))
            .and_then(|line| line.rsplit(' ').next())
            .and_then(|number| number.parse().ok())
            .unwrap_or_else(|| panic!("{series} in:\n{metrics}"))
    };
    assert_eq!(
        value(r#"defus_http_requests_total{route="(held in memory)",status="2xx"}"#),
        2.0,
        "the two pages answered from memory"
    );
    assert_eq!(
        value(r#"defus_http_requests_total{route="/suche",status="2xx"}"#),
        1.0
    );
    assert_eq!(
        value(r#"defus_http_requests_total{route="(no route)",status="4xx"}"#),
        2.0,
        "/gibt-es-nicht, and /metrics asked of the public port"
    );
    assert!(value(r#"defus_http_request_duration_seconds_count{route="/suche"}"#) >= 1.0);
    assert_eq!(
        value(r#"defus_inquiries_total{outcome="form_token_invalid"}"#),
        1.0
    );
    assert!(value("defus_pages_rendered_total") > 20.0);
    assert_eq!(value(r#"defus_outbox_emails{state="pending"}"#), 0.0);
    assert_eq!(value("defus_outbox_oldest_pending_age_seconds"), 0.0);
    assert!(value(r#"defus_db_pool_connections{use="max"}"#) >= 1.0);
    assert!(
        !metrics.contains("Musterstadt") && !metrics.contains("Pr%C3"),
        "nothing a visitor typed"
    );

    terminate(&child).await;
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("stops after SIGTERM, the metrics listener too")
        .unwrap();
    assert!(status.success());
    let _ = std::fs::remove_dir_all(&mail_dir);
}
