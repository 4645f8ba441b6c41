"""The benchmark behind README's "Performance" section (run it with tests/bench/run).

Part 1, pages: the site (release build, default settings, fresh database) and nginx serving the
very same bytes as files (identity, and a `gzip -9` twin through gzip_static) take turns under
wrk: both servers pinned to core 0, wrk to core 1, 32 connections. Per page and encoding it
prints requests per second of both, the ratio, p50/p99, and a lone visitor's p50.

Part 2, intake: distinct valid inquiries (each with its own form token and client address) sent
as fast as the site takes them; accepted inquiries per second are counted in the database.

At the end: the site's peak resident memory (VmHWM) and how soon it serves after a start on a
migrated database. Needs PostgreSQL on localhost (trust auth for `postgres`), nginx and wrk.
"""

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import loopback  # noqa: E402  (tests/tools/loopback.py)
from loopback import FORM_TOKEN_KEY_SQL, free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "tests" / "bench"
BINARY = ROOT / "target" / "release" / "defus"
POSTGRES = os.environ.get("DEFUS_TEST_POSTGRES", "postgres://postgres@localhost")
SERVER_CORE = "0"
LOAD_CORE = "1"
CONNECTIONS = 32
ROUNDS = 3
# The site's p99 may be at most this many times nginx's for the same bytes in the same run.
P99_GOAL = 1.5

# Servers started, stopped at the end whatever happens.
RUNNING = []

PAGES = [
    ("start", "/"),
    ("history", "/geschichte"),
    ("start-en", "/en/"),
    ("membership", "/mitgliedschaft"),
    ("members", "/mitglieder"),
    ("news", "/aktuelles"),
]



def psql(database, sql):
    return subprocess.run(
        ["psql", "-qAtX", f"{POSTGRES}/{database}", "-c", sql],
        check=True, capture_output=True, text=True,
    ).stdout.strip()


def fetch(url, accept_encoding=None):
    request = urllib.request.Request(url)
    if accept_encoding:
        request.add_header("Accept-Encoding", accept_encoding)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read(), response.headers.get("Content-Encoding")


class Site:
    def __init__(self, database, work, extra_env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "BIND", "MAIL_", "SMTP_", "CLIENT_IP"))}
        env.update({
            "DATABASE_URL": f"{POSTGRES}/{database}",
            "BIND": f"127.0.0.1:{self.port}",
            "MAIL_DIR": str(work / "mail"),
            "RUST_LOG": env.get("RUST_LOG", "info,sqlx=warn,tower_http=info"),
        })
        env.update(extra_env or {})
        self.log = open(work / f"site-{self.port}.log", "w")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            ["taskset", "-c", SERVER_CORE, str(BINARY)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        RUNNING.append(self)
        self.ready_after = self.wait_until_ready()

    def wait_until_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"the site stopped; see {self.log.name}")
            try:
                fetch(self.url + "/")
                return time.monotonic() - self.started
            except OSError:
                time.sleep(0.002)
        sys.exit("the site did not start within a minute")

    def memory_kib(self, field="VmHWM"):
        """VmHWM (the peak so far) or VmRSS (resident now) of the site, in KiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        return 0

    def peak_memory_kib(self):
        return self.memory_kib("VmHWM")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.log.close()


class Nginx:
    def __init__(self, work, files):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        root = work / "nginx-root"
        root.mkdir()
        locations = []
        for name, body in files.items():
            (root / f"{name}.html").write_bytes(body)
            (root / f"{name}.html.gz").write_bytes(gzip.compress(body, compresslevel=9, mtime=0))
            locations.append(f"location = /{name} {{ try_files /{name}.html =404; }}")
        config = work / "nginx.conf"
        config.write_text(f"""
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/html;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    open_file_cache max=100;
    gzip_static on;
    gzip_vary on;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
    server {{
        listen 127.0.0.1:{self.port};
        root {root};
        {chr(10).join(locations)}
    }}
}}
""")
        self.process = subprocess.Popen(
            ["taskset", "-c", SERVER_CORE, "nginx", "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        RUNNING.append(self)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                fetch(f"{self.url}/{next(iter(files))}")
                return
            except OSError:
                time.sleep(0.05)
        sys.exit("nginx did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            self.process.wait(timeout=30)


def wrk(url, seconds, connections, accept_encoding=None, script=BENCH / "report.lua", args=()):
    command = ["taskset", "-c", LOAD_CORE, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
               "--latency", "-s", str(script)]
    if accept_encoding:
        command += ["-H", f"Accept-Encoding: {accept_encoding}"]
    command.append(url)
    if args:
        command += ["--", *args]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = [line for line in output.splitlines() if line.startswith("{")][-1]
    result = json.loads(line)
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def median_run(runs):
    return sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]


def median_p99(runs):
    """The tail as a visitor meets it: the median of the rounds' p99, in ms (one round's p99
    alone swings with whatever else the machine did in those seconds)."""
    return sorted(run["p99_us"] for run in runs)[len(runs) // 2] / 1000


def wait_for_brotli(site):
    """Until every page has its brotli form: it is made in the background after a start, and
    measuring meanwhile would measure that work."""
    deadline = time.monotonic() + 120
    # The membership page has a token of its own in every view: it is sent gzipped, never brotli.
    for _, path in (page for page in PAGES if page[1] != "/mitgliedschaft"):
        while time.monotonic() < deadline:
            request = urllib.request.Request(site.url + path, headers={"Accept-Encoding": "br"})
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.headers.get("Content-Encoding") == "br":
                    break
            time.sleep(0.1)


def bench_pages(site, nginx, seconds):
    # One round each, not counted: the first seconds after a start are slower for both (caches,
    # the allocator's first pages), and the first page measured would pay for that alone.
    wrk(site.url + PAGES[0][1], seconds, CONNECTIONS)
    wrk(f"{nginx.url}/{PAGES[0][0]}", seconds, CONNECTIONS)
    rows = []
    for name, path in PAGES:
        for encoding in ("identity", "gzip"):
            accept = "gzip" if encoding == "gzip" else None
            site_runs, nginx_runs = [], []
            for _ in range(ROUNDS):
                site_runs.append(wrk(site.url + path, seconds, CONNECTIONS, accept))
                nginx_runs.append(wrk(f"{nginx.url}/{name}", seconds, CONNECTIONS, accept))
            lone_site = wrk(site.url + path, max(3, seconds // 2), 1, accept)
            lone_nginx = wrk(f"{nginx.url}/{name}", max(3, seconds // 2), 1, accept)
            s, n = median_run(site_runs), median_run(nginx_runs)
            for run in site_runs + nginx_runs:
                if run["socket_errors"] or run["bad_status"]:
                    sys.exit(f"errors while measuring {path}: {run}")
            rows.append({
                "page": path, "encoding": encoding,
                "site_rps": s["rps"], "nginx_rps": n["rps"], "ratio": s["rps"] / n["rps"],
                "site_p50_ms": s["p50_us"] / 1000, "site_p99_ms": median_p99(site_runs),
                "nginx_p50_ms": n["p50_us"] / 1000, "nginx_p99_ms": median_p99(nginx_runs),
                "lone_site_p50_ms": lone_site["p50_us"] / 1000,
                "lone_nginx_p50_ms": lone_nginx["p50_us"] / 1000,
            })
            print_row(rows[-1])
    return rows


def print_row(row):
    tail = row["site_p99_ms"] / row["nginx_p99_ms"]
    print(f"{row['page']:<16} {row['encoding']:<8} {row['site_rps']:>9.0f} {row['nginx_rps']:>9.0f} "
          f"{row['ratio']:>6.2f}  {row['site_p50_ms']:>6.2f}/{row['site_p99_ms']:<6.2f} "
          f"{row['nginx_p50_ms']:>6.2f}/{row['nginx_p99_ms']:<6.2f} {tail:>5.2f}{' ' if tail <= P99_GOAL else '!'} "
          f"{row['lone_site_p50_ms']:>6.3f}  {row['lone_nginx_p50_ms']:>6.3f}", flush=True)


def form_tokens(database, count):
    """Tokens as the site issues them, signed with its key."""
    return loopback.form_tokens(psql(database, FORM_TOKEN_KEY_SQL), count)


def bench_intake(database, work, seconds):
    site = Site(database, work, {"CLIENT_IP_HEADER": "X-Forwarded-For"})
    tokens = work / "tokens.txt"
    tokens.write_text("\n".join(form_tokens(database, 200_000)) + "\n")
    before = int(psql(database, "select count(*) from inquiry where status = 'new'"))
    run = wrk(site.url + "/mitgliedschaft", seconds, CONNECTIONS, script=BENCH / "intake.lua",
              args=[str(tokens)])
    accepted = int(psql(database, "select count(*) from inquiry where status = 'new'")) - before
    memory = site.peak_memory_kib()
    site.stop()
    return run, accepted / (run["duration_us"] / 1e6), memory


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    # "pages", "intake" or both (the default).
    parts = sys.argv[2:] or ["pages", "intake"]
    database = f"defus_bench_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="defus-bench-"))
    # nginx's worker runs as an unprivileged user and must read the files.
    work.chmod(0o755)
    psql("postgres", f"create database {database}")
    try:
        # First start: creates the schema and the default content. Second start: on a migrated
        # database, as after an upgrade or a restart.
        Site(database, work).stop()
        if "pages" in parts:
            bench_all_pages(database, work, seconds)
        if "intake" in parts:
            run, accepted, intake_memory = bench_intake(database, work, seconds)
            print(f"intake: {accepted:.0f} accepted inquiries/s ({run['requests']} requests, "
                  f"p50 {run['p50_us'] / 1000:.2f} ms, p99 {run['p99_us'] / 1000:.2f} ms, "
                  f"{run['bad_status']} non-2xx/3xx); memory {intake_memory / 1024:.1f} MiB")
    finally:
        for server in reversed(RUNNING):
            server.stop()
        psql("postgres", f"drop database if exists {database} with (force)")
        shutil.rmtree(work, ignore_errors=True)


def bench_all_pages(database, work, seconds):
    site = Site(database, work)
    ready = site.ready_after
    files = {}
    for name, path in PAGES:
        body, _ = fetch(site.url + path)
        files[name] = body
    nginx = Nginx(work, files)
    wait_for_brotli(site)
    resident_at_start = site.memory_kib("VmRSS")
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next((line.split(":", 1)[1].strip() for line in cpu.splitlines() if line.startswith("Model name")), "?")
    print(f"machine: {os.cpu_count()} cores, {model}; {seconds} s per round, {ROUNDS} rounds, "
          f"{CONNECTIONS} connections; site and nginx on core {SERVER_CORE}, wrk on core {LOAD_CORE}")
    print(f"{'page':<16} {'encoding':<8} {'site r/s':>9} {'nginx r/s':>9} {'ratio':>6}  "
          f"{'site p50/p99 ms':<15} {'nginx p50/p99 ms':<16} {'p99 ×':>6} {'lone site':>8} "
          f"{'lone nginx':>9}")
    rows = bench_pages(site, nginx, seconds)
    over = [row for row in rows if row["site_p99_ms"] > P99_GOAL * row["nginx_p99_ms"]]
    print(f"p99 at most {P99_GOAL} × nginx's: {len(rows) - len(over)} of {len(rows)} rows "
          f"(marked ! where not)")
    peak = site.peak_memory_kib()
    # Freed memory goes back to the system a moment after the load (jemalloc's background thread).
    time.sleep(3)
    resident_at_end = site.memory_kib("VmRSS")
    nginx.stop()
    site.stop()
    change = (resident_at_end - resident_at_start) / resident_at_start * 100
    print(f"site resident memory: {resident_at_start / 1024:.1f} MiB before the rounds, peak "
          f"(VmHWM) {peak / 1024:.1f} MiB, {resident_at_end / 1024:.1f} MiB after them "
          f"({change:+.1f} %)")
    print(f"ready to serve after a start on a migrated database: {ready * 1000:.0f} ms")


if __name__ == "__main__":
    main()
