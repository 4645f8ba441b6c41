"""What the scripts under tests/ (the benchmark, the fault test, the attack test) share for
driving a site on loopback: a free port, a PostgreSQL cluster of their own, the site's release
binary as a process, plain GETs, and form tokens made the way the site makes them."""

import hashlib
import hmac
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# The site's key for form tokens: its row in site_secret, read as hex.
FORM_TOKEN_KEY_SQL = "select encode(value, 'hex') from site_secret where name = 'form-token'"

# Settings of the site that the environment of whoever runs a script must not change.
SITE_SETTINGS = ("DATABASE_URL", "BIND", "MAIL_", "SMTP_", "CLIENT_IP", "BASE_URL",
                 "OFFICE_EMAIL", "METRICS", "FORM_", "INQUIRY_", "HTTP_", "STAFF_")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def form_tokens(key_hex, count):
    """Tokens exactly as the site issues them (signed with its key), shown ten seconds ago, so
    that the minimum fill time has passed."""
    key = bytes.fromhex(key_hex)
    issued = int(time.time()) - 10
    tokens = []
    for _ in range(count):
        payload = f"{issued}.{secrets.token_hex(16)}"
        signature = hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
        tokens.append(f"{payload}.{signature}")
    return tokens


def get(url, timeout=5):
    """A plain GET: (status, body), or (None, b"") when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return None, b""


class Postgres:
    """A throw-away cluster in a temporary folder, trust auth, listening on loopback only, so
    that stopping it disturbs nobody."""

    def __init__(self, work):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not bins:
            sys.exit("PostgreSQL's server programs are not installed (/usr/lib/postgresql/*/bin)")
        self.bin = bins[-1]
        self.port = free_port()
        self.data = work / "pgdata"
        self.data.mkdir()
        # PostgreSQL refuses to run as root: then the cluster belongs to the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(work, "postgres")
            shutil.chown(self.data, "postgres")
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                 "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"
        self.start()

    def run(self, program, *args):
        subprocess.run([*self.as_user, str(self.bin / program), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                 str(self.data / "log"), "-w", "start")

    def stop(self):
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def psql(self, database, sql):
        return subprocess.run(
            ["psql", "-qAtX", f"{self.url}/{database}", "-c", sql],
            check=True, capture_output=True, text=True,
        ).stdout.strip()


class Site:
    """The site's binary on a free port of loopback, with `settings` (environment variables)
    over its defaults; its log goes to `work`/site.log."""

    def __init__(self, binary, database_url, work, settings):
        self.binary = binary
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(SITE_SETTINGS)}
        env.update({
            "DATABASE_URL": database_url,
            "BIND": f"127.0.0.1:{self.port}",
            "MAIL_DIR": str(work / "mail"),
            "RUST_LOG": "info,sqlx=warn,tower_http=warn",
        })
        env.update(settings)
        self.env = env
        self.log_path = work / "site.log"
        self.process = None
        self.start()

    def start(self):
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen([str(self.binary)], env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"the site stopped; see {self.log_path}")
            if get(self.url + "/healthz")[0] == 200:
                return
            time.sleep(0.02)
        sys.exit("the site did not start within a minute")

    def command(self, *args, stdin=""):
        """Runs the binary's command line (`user add …`) with the site's settings."""
        return subprocess.run([str(self.binary), *args], env=self.env, input=stdin, text=True,
                              capture_output=True, check=True).stdout

    def memory_kib(self, field):
        """A line of /proc/PID/status in KiB: VmRSS (resident now), VmHWM (the peak so far)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        return 0

    def rss_kib(self):
        return self.memory_kib("VmRSS")

    def kill_hard(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.log.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.log.close()

    def panics(self):
        return [line for line in self.log_path.read_text(errors="replace").splitlines()
                if "panicked" in line]
