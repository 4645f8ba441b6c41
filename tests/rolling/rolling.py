"""The rolling restart behind README's "Several instances" (run it with tests/rolling/run).

Two instances of the release binary on one PostgreSQL cluster of its own, nginx in front with
the upstream block and location of the README (read from it, so that what is measured is what
the README says), and wrk through nginx — pages, assets, missing paths and inquiries — while
the instances are restarted one after the other as the README's recipe does: stop (SIGTERM),
start, wait until /readyz answers 200, then the next. It prints every answer by status and
exits non-zero on any 502 (or other 5xx) or socket error.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import loopback  # noqa: E402  (tests/tools/loopback.py)
from loopback import FORM_TOKEN_KEY_SQL, Postgres, Site, free_port, get  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "target" / "release" / "defus"
MIX = ROOT / "tests" / "fault" / "mix.lua"
LOAD_SECONDS = 30
CONNECTIONS = 32
INQUIRIES_PER_MILLE = 20


def readme_nginx(ports):
    """The README's upstream block and location, with the test's ports."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```nginx\n(.*?)```", readme, re.S).group(1)
    upstream = re.search(r"upstream defus \{.*?\n\}", block, re.S).group(0)
    servers = [line for line in upstream.splitlines() if line.strip().startswith("server ")]
    if len(servers) != len(ports):
        sys.exit(f"the README's upstream has {len(servers)} servers, the test {len(ports)}")
    for line, port in zip(servers, ports):
        upstream = upstream.replace(line, re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", line))
    location = re.search(r"    location / \{.*?\n    \}", block, re.S).group(0)
    return upstream, location


class Nginx:
    def __init__(self, work, ports):
        self.port = free_port()
        upstream, location = readme_nginx(ports)
        config = work / "nginx.conf"
        config.write_text(f"""
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
    {upstream}
    server {{
        listen 127.0.0.1:{self.port};
        client_max_body_size 30m;
{location}
    }}
}}
""")
        subprocess.run(["nginx", "-t", "-c", str(config)], check=True, capture_output=True)
        self.process = subprocess.Popen(["nginx", "-c", str(config), "-g", "daemon off;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 10
        while get(self.url + "/healthz")[0] != 200:
            if time.monotonic() > deadline:
                sys.exit("nginx did not start")
            time.sleep(0.05)

    def stop(self):
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(timeout=30)


def restart(site, log):
    """The README's recipe for one instance: stop it, start it, wait until it is ready."""
    began = time.monotonic()
    site.process.send_signal(signal.SIGTERM)
    site.process.wait(timeout=60)
    site.log.close()
    stopped = time.monotonic()
    site.start()
    while get(site.url + "/readyz")[0] != 200:
        time.sleep(0.05)
    log.append(f"  instance on port {site.port}: stopped in {stopped - began:.2f} s, "
               f"ready again {time.monotonic() - stopped:.2f} s later")


def main():
    if not BINARY.exists():
        sys.exit("build first: cargo build --release")
    work = Path(tempfile.mkdtemp(prefix="defus-rolling-"))
    work.chmod(0o755)
    postgres = Postgres(work)
    database = "defus_rolling"
    postgres.psql("postgres", f"create database {database}")
    sites = []
    nginx = None
    try:
        settings = {"CLIENT_IP_HEADER": "X-Forwarded-For", "INQUIRY_RATE_LIMIT": "1000000"}
        for number in range(2):
            site_work = work / f"site-{number}"
            site_work.mkdir()
            sites.append(Site(BINARY, f"{postgres.url}/{database}", site_work, settings))
        nginx = Nginx(work, [site.port for site in sites])
        print(f"nginx {nginx.url} before instances on ports "
              f"{', '.join(str(site.port) for site in sites)}; {os.cpu_count()} cores", flush=True)
        paths = work / "paths.txt"
        lines = [f"page {path}" for path in ["/", "/ziele", "/en/", "/aktuelles", "/termine",
                                             "/mitglieder", "/dokumente", "/suche?q=Stadt"]]
        lines += ["missing /gibt-es-nicht"]
        paths.write_text("\n".join(lines) + "\n")
        tokens = work / "tokens.txt"
        tokens.write_text("\n".join(loopback.form_tokens(
            postgres.psql(database, FORM_TOKEN_KEY_SQL), 100_000)) + "\n")
        before = int(postgres.psql(database, "select count(*) from inquiry"))
        wrk = subprocess.Popen(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{LOAD_SECONDS}s", "--latency", "--timeout",
             "10s", "-s", str(MIX), nginx.url, "--", str(paths), str(tokens),
             str(INQUIRIES_PER_MILLE)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        log = []

        def restarts():
            time.sleep(5)
            for site in sites:
                restart(site, log)
                time.sleep(2)

        restarter = threading.Thread(target=restarts)
        restarter.start()
        output, errors = wrk.communicate()
        restarter.join()
        for line in log:
            print(line)
        result = json.loads([line for line in output.splitlines() if line.startswith("{")][-1])
        accepted = int(postgres.psql(database, "select count(*) from inquiry")) - before
        print(f"  {result['requests']} requests in {result['duration_us'] / 1e6:.0f} s through "
              f"nginx while both instances restarted: 2xx {result['s2xx']}, 3xx {result['s3xx']}, "
              f"4xx {result['s4xx']}, 5xx {result['s5xx']}, socket errors "
              f"{result['socket_errors']}; {accepted} inquiries accepted", flush=True)
        failed = result["s5xx"] > 0 or result["socket_errors"] > 0
        if failed:
            print("nginx's errors:")
            for line in (work / "nginx-error.log").read_text(errors="replace").splitlines()[-20:]:
                print(f"    {line}")
        print("FAILED" if failed else "PASSED: no 502, no other 5xx, no socket error")
        sys.exit(1 if failed else 0)
    finally:
        if nginx:
            nginx.stop()
        for site in sites:
            site.stop()
        try:
            postgres.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
