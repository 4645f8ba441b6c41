"""The attack test behind README's "Attack test" (run it with tests/attack/run).

What a hostile visitor, or someone holding a staff session, would try first against memory and
time, bounded in count and duration and only on loopback, against the release binary on a
PostgreSQL cluster of its own:

1. picture bombs (PNG 12000 x 12000 RGBA 16-bit, 11999 x 11999 RGB, 100000 x 1) sent as a news
   item's picture, for the preview and for saving, three at once;
2. 40 connections that ask for a 25 MiB document and never read;
3. 100 idle connections and 50 that send their request head a line a second, never finishing;
4. the inputs that once gave a 500, and a few hundred generated ones: searches, return paths,
   staff form fields, headers;
5. guessing the current password from inside a session.

It prints the server's resident memory (start, peak as VmHWM, end), the connections still open
after their time limits, and every 5xx; it exits non-zero when the peak is more than 150 MB above
the start, the end more than 20 % above it, a connection outlives its limit, or a 5xx appears.
"""

import hashlib
import http.client

import os
import random
import re
import shutil
import socket
import struct
import sys
import tempfile
import time
import urllib.parse
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from loopback import Postgres, Site, get  # noqa: E402  (tests/tools/loopback.py)

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "target" / "release" / "defus"

# Short limits, so that the test need not wait long for them; the code paths are the defaults'.
HEAD_TIMEOUT = 3
STALLED_ANSWER_TIMEOUT = 5
# How long after its limit a connection may still be open (the check runs once a second).
GRACE = 3

PEAK_ABOVE_START_LIMIT_MIB = 150
END_ABOVE_START_LIMIT = 0.20

EMAIL = "angriff@defus.test"
PASSWORD = "ein langes Passwort für den Angriffstest"
DOCUMENT_BYTES = 25 * 1024 * 1024
GENERATED_INPUTS = 400

FAILURES = []
SERVER_ERRORS = []


def check(condition, what):
    print(f"  {'ok  ' if condition else 'FAIL'} {what}", flush=True)
    if not condition:
        FAILURES.append(what)


# --------------------------------------------------------------------------------------------
# Talking to the site


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def text(self):
        return self.body.decode("utf-8", errors="replace")


class Browser:
    """One client: keeps the staff session cookie, never follows redirects, records 5xx."""

    def __init__(self, site, client_address="127.0.0.1"):
        self.site = site
        self.cookie = None
        self.forwarded_for = client_address

    def request(self, method, path, body=None, headers=None, timeout=60):
        connection = http.client.HTTPConnection("127.0.0.1", self.site.port, timeout=timeout)
        all_headers = {"Host": f"127.0.0.1:{self.site.port}"}
        if self.cookie:
            all_headers["Cookie"] = self.cookie
        all_headers.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            answer = Answer(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()
        cookie = answer.headers.get("set-cookie") or answer.headers.get("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        if answer.status >= 500:
            SERVER_ERRORS.append(f"{method} {path[:120]}: {answer.status}")
        return answer

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post_form(self, path, fields):
        body = urllib.parse.urlencode(fields).encode()
        return self.request("POST", path, body, {
            "Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(self, path, fields, files):
        boundary = "----defus-attack-" + os.urandom(8).hex()
        parts = []
        for name, value in fields:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                         .encode() + value.encode() + b"\r\n")
        for name, file_name, media_type, data in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                         f'filename="{file_name}"\r\nContent-Type: {media_type}\r\n\r\n'.encode()
                         + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {
            "Content-Type": f"multipart/form-data; boundary={boundary}"})

    def hidden_field(self, path, name):
        page = self.get(path).text()
        found = re.search(rf'name="{name}" value="([^"]*)"', page)
        if not found:
            sys.exit(f"{path} has no field {name}")
        return found.group(1)

    def sign_in(self):
        token = self.hidden_field("/admin/anmelden", "form_token")
        answer = self.post_form("/admin/anmelden", {
            "email": EMAIL, "password": PASSWORD, "form_token": token, "weiter": "/admin"})
        if answer.status != 303:
            sys.exit(f"cannot sign in: {answer.status}")

    def csrf_token(self):
        return self.hidden_field("/admin/konto", "csrf_token")


# --------------------------------------------------------------------------------------------
# Memory and connections


class MemoryWatch:
    """The site's resident memory; VmHWM, the kernel's record of the peak, needs no sampling."""

    def __init__(self, site):
        self.site = site
        self.start = site.memory_kib("VmRSS")
        self.peak_before = site.memory_kib("VmHWM")

    def report(self, what):
        print(f"  memory after {what}: {self.site.rss_kib() / 1024:.1f} MiB resident, peak so far "
              f"{self.site.memory_kib('VmHWM') / 1024:.1f} MiB", flush=True)


def open_connections(port):
    """Established TCP connections whose local end is the site's port (the server's side)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01":
                count += 1
    return count


def wait_until_closed(port, limit):
    """Seconds until the server holds no connection, or None if it still does after `limit`."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if open_connections(port) == 0:
            return time.monotonic() - started
        time.sleep(0.2)
    return None


# --------------------------------------------------------------------------------------------
# 1. Picture bombs


def png(width, height, bit_depth, colour_type, channels):
    """A real PNG of zeros: every row is there, compressed to almost nothing."""
    row = b"\x00" + bytes(width * channels * bit_depth // 8)
    compressor = zlib.compressobj(9)
    data = []
    for _ in range(height):
        data.append(compressor.compress(row))
    data.append(compressor.flush())
    idat = b"".join(data)

    def chunk(kind, payload):
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def picture_bombs(site, browser):
    print("1. picture bombs as a news item's picture, for preview and save, three at once",
          flush=True)
    bombs = {
        "12000 x 12000 RGBA 16-bit": png(12000, 12000, 16, 6, 4),
        "11999 x 11999 RGB": png(11999, 11999, 8, 2, 3),
        "100000 x 1 RGB": png(100000, 1, 8, 2, 3),
    }
    for name, data in bombs.items():
        print(f"  {name}: {len(data) / 1024 / 1024:.2f} MB file", flush=True)
    csrf = browser.csrf_token()
    answers = []

    def send(job):
        (name, data), action = job
        fields = [("csrf_token", csrf), ("action", action), ("locale", "de"),
                  ("title", f"Bombe {name}"), ("teaser", "Kurz."), ("body", "Text."),
                  ("published_on", time.strftime("%Y-%m-%d")), ("state", "draft"),
                  ("image_alt", "Nichts")]
        answer = browser.post_multipart("/admin/aktuelles/neu", fields,
                                        [("image", "bombe.png", "image/png", data)])
        answers.append((name, action, answer))

    jobs = [(bomb, action) for action in ("preview", "save") for bomb in bombs.items()]
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(send, jobs))
    for name, action, answer in sorted(answers, key=lambda a: (a[1], a[0])):
        message = re.search(r'id="field-image-error"[^>]*>(.*?)</p>', answer.text(), re.S)
        said = re.sub(r"<[^>]+>|\s+", " ", message.group(1)).strip() if message else ""
        print(f"  {action:7} {name}: {answer.status} {said[:110]}", flush=True)
    refused = [a for a in answers if "Megapixel" in a[2].text()]
    check(len(refused) == 4,
          f"the two bombs over the budget are refused at their field, for preview and save "
          f"({len(refused)} of 4)")


# --------------------------------------------------------------------------------------------
# 2. Downloads nobody reads


def stalled_downloads(site, path, count=40):
    print(f"2. {count} connections ask for a {DOCUMENT_BYTES // 1024 // 1024} MiB document and "
          f"never read", flush=True)
    sockets = []
    sent = time.monotonic()
    for _ in range(count):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", site.port))
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        sockets.append(sock)
    time.sleep(1)
    print(f"  open on the server after 1 s: {open_connections(site.port)}", flush=True)
    closed = wait_until_closed(site.port, STALLED_ANSWER_TIMEOUT + GRACE + 5) is not None
    closed_after = time.monotonic() - sent
    for sock in sockets:
        sock.close()
    left = open_connections(site.port)
    # Each stalls once the kernel's buffers are full, a moment after its request.
    check(closed and closed_after <= STALLED_ANSWER_TIMEOUT + GRACE,
          f"every stalled download was closed {closed_after:.1f} s after the requests "
          f"(limit {STALLED_ANSWER_TIMEOUT} s without progress)" if closed else
          f"every stalled download was closed ({left} still open)")


# --------------------------------------------------------------------------------------------
# 3. Idle and slow connections


def idle_and_slow(site, idle=100, slow=50):
    print(f"3. {idle} idle connections and {slow} that send their head a line a second",
          flush=True)
    idle_sockets = [socket.create_connection(("127.0.0.1", site.port)) for _ in range(idle)]
    slow_sockets = [socket.create_connection(("127.0.0.1", site.port)) for _ in range(slow)]
    for sock in slow_sockets:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    started = time.monotonic()
    print(f"  open on the server: {open_connections(site.port)}", flush=True)
    line = 0
    closed_after = None
    while time.monotonic() - started < HEAD_TIMEOUT + GRACE + 5:
        line += 1
        for sock in slow_sockets:
            try:
                sock.sendall(f"X-Line-{line}: a\r\n".encode())
            except OSError:
                pass
        if open_connections(site.port) == 0:
            closed_after = time.monotonic() - started
            break
        time.sleep(1)
    for sock in idle_sockets + slow_sockets:
        sock.close()
    check(closed_after is not None and closed_after <= HEAD_TIMEOUT + GRACE,
          f"all were closed {closed_after:.1f} s after opening (limit {HEAD_TIMEOUT} s)"
          if closed_after is not None else
          f"all were closed ({open_connections(site.port)} still open)")


# --------------------------------------------------------------------------------------------
# 4. Inputs that gave a 500, and generated ones


def hostile_inputs(site, browser):
    print(f"4. the inputs that gave a 500, and {GENERATED_INPUTS} generated ones", flush=True)
    rng = random.Random(19)
    visitor = Browser(site)
    statuses = {}

    def count(answer):
        statuses[answer.status] = statuses.get(answer.status, 0) + 1

    # Searches: operators, quotes, long, control and odd characters.
    known = ["-" * 33, "-" * 200, "- " * 60, '"-' * 50, "or " * 60, "!" * 100, "&|!():*<->" * 10,
             "\u0000\u0001", "\u202e\u200b", "a" * 201, "ä" * 200, "'" * 200, "\\" * 200]
    atoms = ["-", "--", '"', "or", "OR", "and", "!", "&", "|", "(", ")", ":*", "<->", "'",
             "\\", "*", "ä", "ß", "\u202e", "\u0000", "\t", "x", "Stadt", "Prävention", "🙂",
             "\udcff"]
    generated = [" ".join(rng.choice(atoms) for _ in range(rng.randint(1, 80)))
                 for _ in range(GENERATED_INPUTS // 2)]
    for query in known + generated:
        encoded = urllib.parse.quote(query.encode("utf-8", "surrogatepass"), safe="")
        for path in ("/suche", "/en/search"):
            count(visitor.get(f"{path}?q={encoded}&seite={rng.choice(['1', '2', '0', 'x'])}"))

    # Return paths after signing in: any character.
    for weiter in ["/admin/%0A", "/admin/%0D%0ASet-Cookie:%20x=1", "/admin/%00", "/admin/%FF",
                   "/admin/%E2%80%AE", "/admin/" + "%20" * 50, "/admin/\u00e4"]:
        signer = Browser(site)
        path = f"/admin/anmelden?weiter={urllib.parse.quote(weiter, safe='/%')}"
        token = signer.hidden_field(path, "form_token")
        answer = signer.post_form("/admin/anmelden", {
            "email": EMAIL, "password": PASSWORD, "form_token": token,
            "weiter": urllib.parse.unquote(weiter)})
        count(answer)

    # Staff forms with odd values in every field.
    odd = ["", "\u0000", "\r\n-- \r\n", "x" * 5000, "-1", "99999999999999999999", "abc",
           "2026-02-30", "2026-13-01T25:61", "<script>", "\u202e", "%", "🙂" * 300]
    csrf = browser.csrf_token()
    forms = {
        "/admin/aktuelles/neu": ["locale", "title", "slug", "teaser", "body", "published_on",
                                 "state", "counterpart", "image_alt", "action"],
        "/admin/termine/neu": ["locale", "title", "starts_at", "ends_at", "all_day", "venue",
                               "address", "city", "online_url", "registration_url",
                               "description", "state", "action"],
        "/admin/mitglieder/neu": ["name", "federal_state", "place", "latitude", "longitude",
                                  "kind", "member_since", "website"],
        "/admin/konten/neu": ["email", "name", "role"],
        "/admin/anfragen?suche=x": [],
    }
    for _ in range(GENERATED_INPUTS // 20):
        for path, names in forms.items():
            if not names:
                count(browser.get(f"/admin/anfragen?suche={urllib.parse.quote(rng.choice(odd))}"
                                  f"&status={urllib.parse.quote(rng.choice(odd))}"
                                  f"&zustaendig={urllib.parse.quote(rng.choice(odd))}"))
                continue
            fields = [("csrf_token", csrf)] + [(name, rng.choice(odd)) for name in names]
            count(browser.post_form(path, fields))
    inquiry = browser.get("/admin/anfragen/1")
    for value in ["abc", "-1", "99999999", "", "1e3", "\u0000"]:
        count(browser.post_form("/admin/anfragen/1/zuweisung",
                                {"csrf_token": csrf, "zustaendig": value}))
    del inquiry

    # Headers with odd values.
    header_values = ["", "\t", "bytes=0-0," * 300, "*", '"x", W/"y", *', "gzip;q=abc", "a" * 8000,
                     "bytes=-", "bytes=1-0", "W/", "Mon, 32 Foo 2099 99:99:99 GMT"]
    for _ in range(GENERATED_INPUTS // 4):
        name = rng.choice(["Range", "If-None-Match", "If-Range", "If-Modified-Since",
                           "Accept-Encoding", "Accept-Language", "Cookie", "Origin",
                           "Sec-Fetch-Site", "Content-Type", "X-Forwarded-For"])
        path = rng.choice(["/", "/mitgliedschaft", "/dokumente/angriff.pdf", "/suche?q=x",
                           "/aktuelles.atom", "/termine.ics", "/admin", "/static/style.css"])
        try:
            count(visitor.get(path, {name: rng.choice(header_values)}))
        except (http.client.HTTPException, OSError):
            pass
    summary = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
    print(f"  answers: {summary}", flush=True)


# --------------------------------------------------------------------------------------------
# 5. Guessing the current password


def guess_current_password(site, browser):
    print("5. guessing the current password from inside a session", flush=True)
    csrf = browser.csrf_token()
    outcomes = []
    for n in range(12):
        answer = browser.post_form("/admin/konto/passwort", {
            "csrf_token": csrf, "current": f"geraten {n}", "new": "ein neues langes Passwort",
            "repeat": "ein neues langes Passwort"})
        outcomes.append(answer.status)
        if answer.status != 422:
            break
    print(f"  answers: {outcomes}", flush=True)
    check(outcomes[:4] == [422] * 4 and len(outcomes) == 5,
          "four wrong guesses are answered at the field, the fifth ends the session")
    after = browser.get("/admin")
    check(after.status == 303 and "/admin/anmelden" in after.headers.get("location", ""),
          "the session has ended")
    again = Browser(site)
    token = again.hidden_field("/admin/anmelden", "form_token")
    answer = again.post_form("/admin/anmelden", {
        "email": EMAIL, "password": PASSWORD, "form_token": token, "weiter": "/admin"})
    check(answer.status == 422, "the account is locked: even the right password is refused now")


# --------------------------------------------------------------------------------------------


def store_document(postgres, database):
    """The 25 MiB document, stored as an upload would store it (the upload itself is the staff
    area's business and not part of the attack)."""
    pdf = b"%PDF-1.4\n" + os.urandom(DOCUMENT_BYTES - 9)
    source = Path(postgres.data).parent / "angriff.pdf"
    source.write_bytes(pdf)
    shutil.chown(source, "postgres") if os.geteuid() == 0 else None
    postgres.psql(database, f"""insert into document (slug, title, description, language,
        published_on, category, format, file_name, size, sha256, bytes)
        values ('angriff', 'Angriff', '', 'de', current_date, 'sonstiges', 'pdf',
        'angriff.pdf', {len(pdf)}, '{hashlib.sha256(pdf).hexdigest()}',
        pg_read_binary_file('{source}'))""")
    return "/dokumente/angriff.pdf"


def main():
    if not BINARY.exists():
        sys.exit("build first: cargo build --release")
    work = Path(tempfile.mkdtemp(prefix="defus-attack-"))
    work.chmod(0o755)
    postgres = Postgres(work)
    database = "defus_attack"
    postgres.psql("postgres", f"create database {database}")
    site = None
    started = time.monotonic()
    try:
        site = Site(BINARY, f"{postgres.url}/{database}", work, {
            "HTTP_REQUEST_HEAD_TIMEOUT": f"{HEAD_TIMEOUT}s",
            "HTTP_STALLED_ANSWER_TIMEOUT": f"{STALLED_ANSWER_TIMEOUT}s",
        })
        print(f"site {site.url}, PostgreSQL on port {postgres.port}; {os.cpu_count()} cores; "
              f"limits: request head {HEAD_TIMEOUT} s, stalled answer "
              f"{STALLED_ANSWER_TIMEOUT} s", flush=True)
        site.command("user", "add", EMAIL, "--name", "Angriff", stdin=PASSWORD + "\n")
        browser = Browser(site)
        browser.sign_in()
        document = store_document(postgres, database)
        # Warm up: every kind of page once, then let the background work settle.
        for path in ["/", "/en/", "/aktuelles", "/termine", "/mitglieder", "/dokumente",
                     "/suche?q=Stadt", "/admin", "/admin/aktuelles/neu", document]:
            browser.get(path)
        time.sleep(2)
        memory = MemoryWatch(site)
        print(f"start: {memory.start / 1024:.1f} MiB resident (peak before the attack "
              f"{memory.peak_before / 1024:.1f} MiB)", flush=True)

        picture_bombs(site, browser)
        memory.report("the picture bombs")
        stalled_downloads(site, document)
        memory.report("the stalled downloads")
        idle_and_slow(site)
        memory.report("the idle and slow connections")
        hostile_inputs(site, browser)
        memory.report("the hostile inputs")
        guess_current_password(site, browser)

        time.sleep(2)
        end = site.memory_kib("VmRSS")
        peak = site.memory_kib("VmHWM")
        print("finally", flush=True)
        print(f"  resident memory: start {memory.start / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB "
              f"(+{(peak - memory.start) / 1024:.1f}), end {end / 1024:.1f} MiB "
              f"({(end - memory.start) / memory.start * 100:+.1f} %)", flush=True)
        check(peak - memory.start <= PEAK_ABOVE_START_LIMIT_MIB * 1024,
              f"peak at most {PEAK_ABOVE_START_LIMIT_MIB} MB above the start")
        check(end <= memory.start * (1 + END_ABOVE_START_LIMIT),
              f"back within {END_ABOVE_START_LIMIT * 100:.0f} % of the start at the end")
        check(not SERVER_ERRORS, f"no 5xx ({len(SERVER_ERRORS)})")
        for error in SERVER_ERRORS[:20]:
            print(f"    {error}")
        panics = site.panics()
        check(not panics, f"no panic in the log ({len(panics)})")
        check(get(site.url + "/")[0] == 200, "the site still answers")
    finally:
        if site:
            site.stop()
        try:
            postgres.stop()
        except Exception:  # noqa: BLE001  (cleaning up after a failure)
            pass
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'PASSED' if not FAILURES else 'FAILED'} in {time.monotonic() - started:.0f} s",
          flush=True)
    if FAILURES:
        print("failed: " + "; ".join(FAILURES))
        sys.exit(1)


if __name__ == "__main__":

    main()
