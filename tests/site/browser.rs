//! A real headless Chromium, driven over WebDriver by ChromeDriver, for what only a browser can
//! tell: layout, keyboard focus, accessibility rules that need computed styles.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::helpers::free_port;

/// Whether pages may run JavaScript. Visitors' pages must work without it; the accessibility
/// checker itself needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JavaScript {
    On,
    Off,
}

pub struct Browser {
    pub client: Client,
    // Killed when the browser is dropped.
    _driver: Child,
}

/// Where .ci/test installs the checkers (axe-core, vnu-jar) from npm.
pub fn test_tools() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/node_modules")
}

impl Browser {
    pub async fn start(javascript: JavaScript) -> Self {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver runs (installed by .ci/test)");
        let webdriver = format!("http://127.0.0.1:{port}");

        let mut options = json!({
            "binary": "/usr/bin/chromium",
            // Without the networking flags Chromium tries to reach Google's hosts at start.
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
            ],
        });
        if javascript == JavaScript::Off {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), options);

        let mut last_error = None;
        for _ in 0..50 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&webdriver)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        _driver: driver,
                    };
                }
                Err(error) => {
                    last_error = Some(error);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("cannot start Chromium through ChromeDriver: {last_error:?}");
    }

    /// Runs axe-core's WCAG 2.1 A and AA rules on the current page; returns the violations,
    /// one line each.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let axe = std::fs::read_to_string(test_tools().join("axe-core/axe.min.js"))
            .expect("axe-core is installed (run .ci/test)");
        let script = format!(
            "{axe}\n;const done = arguments[arguments.length - 1];
             axe.run(document, {{ runOnly: {{ type: 'tag',
                 values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }} }})
               .then(result => done(result.violations.map(v =>
                   v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(error => done(['axe failed: ' + error]));"
        );
        let result = self
            .client
            .execute_async(&script, vec![])
            .await
            .expect("axe runs");
        match result {
            Value::Array(violations) => violations
                .into_iter()
                .map(|violation| violation.as_str().unwrap_or_default().to_owned())
                .collect(),
            other => panic!("unexpected axe result {other}"),
        }
    }

    /// Types `text` into the element `target` (e.g. `#field-email`).
    pub async fn type_into(&self, target: &str, text: &str) {
        self.client
            .find(fantoccini::Locator::Css(target))
            .await
            .unwrap_or_else(|error| panic!("{target}: {error}"))
            .send_keys(text)
            .await
            .unwrap_or_else(|error| panic!("typing into {target}: {error}"));
    }

    /// Opens `url`.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|error| panic!("opening {url}: {error}"));
    }

    /// Clicks the element `target`.
    pub async fn click(&self, target: &str) {
        self.client
            .find(fantoccini::Locator::Css(target))
            .await
            .unwrap_or_else(|error| panic!("{target}: {error}"))
            .click()
            .await
            .unwrap_or_else(|error| panic!("clicking {target}: {error}"));
    }

    /// The text of the element `target`, as the browser shows it.
    pub async fn text(&self, target: &str) -> String {
        self.client
            .find(fantoccini::Locator::Css(target))
            .await
            .unwrap_or_else(|error| panic!("{target}: {error}"))
            .text()
            .await
            .unwrap_or_else(|error| panic!("reading {target}: {error}"))
    }

    /// Clicks `target` and waits for `expected` to appear on the page that follows.
    pub async fn click_and_wait_for(&self, target: &str, expected: &str) {
        self.click(target).await;
        self.client
            .wait()
            .for_element(fantoccini::Locator::Css(expected))
            .await
            .unwrap_or_else(|error| panic!("waiting for {expected}: {error}"));
    }

    /// Adds the current page's accessibility violations to `problems`, each labelled.
    pub async fn audit(&self, label: &str, problems: &mut Vec<String>) {
        for violation in self.accessibility_violations().await {
            problems.push(format!("{label}: {violation}"));
        }
    }

    /// Evaluates `expression` in the page and returns its value.
    pub async fn evaluate(&self, expression: &str) -> Value {
        self.client
            .execute(&format!("return {expression};"), vec![])
            .await
            .expect("script runs")
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
