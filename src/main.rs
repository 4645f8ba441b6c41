use std::process::ExitCode;

use clap::Parser;
use defus::cli::Cli;

/// Threads for blocking work (password hashing, brotli, writing mail files): a few are plenty
/// for a site on a small server; tokio's default (512) would let a burst start hundreds.
const BLOCKING_THREADS: usize = 8;

fn main() -> ExitCode {
    let cli = Cli::parse();
    defus::telemetry::init(cli.log_format());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(cli.run()),
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}
