//! The command line of the `defus` binary.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::startup::{Application, shutdown_signal};

/// The website of the Deutsch-Europäisches Forum für Urbane Sicherheit e.V. (DEFUS).
///
/// Without a command, runs the web server. Every option can also be set through the
/// environment variable shown beside it.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
}

impl Cli {
    pub async fn run(self) -> ExitCode {
        match self.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(&self.config).await,
        }
    }
}

async fn serve(config: &Config) -> ExitCode {
    let application = match Application::build(config).await {
        Ok(application) => application,
        Err(error) => {
            tracing::error!("{error}");
            return ExitCode::FAILURE;
        }
    };
    match application.local_addr() {
        Ok(address) => tracing::info!("serving the site on http://{address}"),
        Err(error) => tracing::warn!(%error, "serving, but cannot tell on which address"),
    }
    match application.run_until(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "the server stopped with an error");
            ExitCode::FAILURE
        }
    }
}
