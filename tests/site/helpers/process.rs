//! The real `defus` binary, run as a separate process.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The real `defus` binary with the given arguments and environment, its log captured. Settings
/// the caller does not give are removed from the environment, so the defaults apply.
pub fn binary(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_defus"));
    command.args(args);
    for variable in [
        "DATABASE_URL",
        "BIND",
        "BASE_URL",
        "SMTP_URL",
        "MAIL_DIR",
        "MAIL_FROM",
        "OFFICE_EMAIL",
        "MAIL_POLL_INTERVAL",
        "MAIL_SEND_TIMEOUT",
        "FORM_MIN_FILL_TIME",
    ] {
        command.env_remove(variable);
    }
    command
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

/// Waits until the running binary logs `needle`, returning everything logged so far.
pub async fn wait_for_log(child: &mut Child, needle: &str) -> String {
    let stderr = child.stderr.as_mut().expect("piped stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut log = String::new();
    let found = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            log.push_str(&line);
            log.push('\n');
            if line.contains(needle) {
                return true;
            }
        }
        false
    })
    .await;
    assert!(
        matches!(found, Ok(true)),
        "waited for {needle:?} in:\n{log}"
    );
    log
}

/// Sends SIGTERM to the running binary, as a service manager stopping it would.
pub async fn terminate(child: &Child) {
    let pid = child.id().expect("running").to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .expect("kill runs");
    assert!(killed.success(), "SIGTERM sent to {pid}");
}

/// Runs `defus user …` against the database at `database_url`, with `stdin` as what is typed.
pub async fn user_command(database_url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    use tokio::io::AsyncWriteExt;
    let mut command = binary(
        &[&["user"], args].concat(),
        &[("DATABASE_URL", database_url)],
    );
    command.stdin(Stdio::piped());
    let mut child = command.spawn().expect("the binary starts");
    let mut input = child.stdin.take().expect("stdin of the binary");
    input
        .write_all(stdin.as_bytes())
        .await
        .expect("the binary reads stdin");
    drop(input);
    child.wait_with_output().await.expect("the binary finishes")
}
