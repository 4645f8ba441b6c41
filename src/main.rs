use std::process::ExitCode;

use clap::Parser;
use defus::cli::Cli;

/// jemalloc rather than the system's malloc: glibc keeps what a burst of connections or a large
/// download freed in its per-thread arenas, and the process stayed 200 % above its start after
/// the attack test; jemalloc hands it back (see README, "Attack test").
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read when it starts: a background thread returns memory freed a second
/// ago to the system, even while no request comes.
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static MALLOC_CONF: &[u8] = b"background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0\0";

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
