use std::process::ExitCode;

use clap::Parser;
use defus::cli::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    defus::telemetry::init();
    cli.run().await
}
