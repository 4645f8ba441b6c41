"""The fault and load test behind README's "Fault and load tests" (run it with tests/fault/run).

Everything runs on loopback, against a PostgreSQL cluster of its own (so that restarting it
disturbs nobody) and a small SMTP server in this script that records what it accepts:

1. load: 60 s at 128 connections over pages, assets, 404s and inquiries; no socket errors, no
   5xx, resident memory at the end within 10 % of after the first 10 s;
2. PostgreSQL stopped for 5 s in the middle of a load: pages keep answering 200, inquiries sent
   meanwhile get 503 with their values in the form and nothing stored, inquiries are accepted
   again within 5 s of PostgreSQL being back;
3. kill -9 while one email is being sent (the SMTP server holds back its answer) and others are
   pending: after a restart every one arrives, none twice;
4. 10,000 hostile requests: no 5xx, no panic in the log, the site still answering.

At the end every inquiry the site accepted must have reached the SMTP server exactly once.
Exits non-zero when a figure misses its mark.
"""

import asyncio
import email
import email.policy
import hashlib
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import loopback  # noqa: E402  (tests/tools/loopback.py)
from loopback import FORM_TOKEN_KEY_SQL, Postgres, Site, free_port, get  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FAULT = ROOT / "tests" / "fault"
BINARY = ROOT / "target" / "release" / "defus"

LOAD_SECONDS = 60
CONNECTIONS = 128
HOSTILE_REQUESTS = 10_000
OUTAGE_SECONDS = 5
RECOVERY_LIMIT = 5.0
# Of the load's requests, inquiries (one in ten complete, accepted and mailed).
INQUIRIES_PER_MILLE = 5

FAILURES = []


def check(condition, what):
    print(f"  {'ok  ' if condition else 'FAIL'} {what}", flush=True)
    if not condition:
        FAILURES.append(what)



# --------------------------------------------------------------------------------------------
# An SMTP server that records what it accepts


class SmtpSink:
    """Accepts every message; records it only once it has answered 250 to its end of data, as a
    real mail server takes responsibility for it only then. With `hold` set, it waits before
    that answer until `release()` (or the client going away: then the message is dropped)."""

    def __init__(self):
        self.port = free_port()
        self.messages = []  # (reference, message id)
        self.lock = threading.Lock()
        self.hold = False
        self.holding = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.released = None
        started = threading.Event()
        threading.Thread(target=self.serve, args=(started,), daemon=True).start()
        started.wait()

    def serve(self, started):
        asyncio.set_event_loop(self.loop)
        self.released = asyncio.Event()
        server = self.loop.run_until_complete(
            asyncio.start_server(self.session, "127.0.0.1", self.port))
        started.set()
        self.loop.run_until_complete(server.serve_forever())

    def release(self):
        self.hold = False
        self.loop.call_soon_threadsafe(self.released.set)

    def references(self):
        with self.lock:
            return [reference for reference, _ in self.messages]

    async def session(self, reader, writer):
        async def say(line):
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        try:
            await say("220 sink.test ESMTP")
            while True:
                line = await reader.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    await say("250 sink.test")
                elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                    await say("250 OK")
                elif verb == b"DATA":
                    await say("354 go on")
                    data = await reader.readuntil(b"\r\n.\r\n")
                    if self.hold:
                        self.holding.set()
                        waiting = asyncio.ensure_future(self.released.wait())
                        gone = asyncio.ensure_future(reader.read(1))
                        done, _ = await asyncio.wait({waiting, gone},
                                                     return_when=asyncio.FIRST_COMPLETED)
                        if gone in done:
                            waiting.cancel()
                            return  # the client died before our answer: nothing accepted
                        gone.cancel()
                    await say("250 accepted")
                    self.record(data)
                elif verb == b"QUIT":
                    await say("221 bye")
                    return
                else:
                    await say("502 not here")
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    def record(self, data):
        body = data[: -len(b"\r\n.\r\n")].replace(b"\r\n..", b"\r\n.")
        message = email.message_from_bytes(body, policy=email.policy.default)
        subject = str(message["Subject"])
        found = re.search(r"\((DEFUS-\d{4}-\d+)\)", subject)
        with self.lock:
            self.messages.append((found.group(1) if found else subject, message["Message-ID"]))


# --------------------------------------------------------------------------------------------
# The site


def start_site(database_url, work, smtp_port):
    return Site(BINARY, database_url, work, {
        "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "OFFICE_EMAIL": "buero@defus.test",
        "MAIL_SEND_TIMEOUT": "30s",
        "CLIENT_IP_HEADER": "X-Forwarded-For",
    })


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def post_inquiry(site, token, organisation, client):
    fields = {
        "organisation": organisation, "contact_name": "Jürgen Weiß", "role": "Ordnungsamt",
        "email": "buero@stadt-probe.de", "phone": "0511 1234", "efus_member": "yes",
        "message": "Wir möchten beitreten.", "website": "", "form_token": token,
    }
    request = urllib.request.Request(
        site.url + "/mitgliedschaft", data=urllib.parse.urlencode(fields).encode(),
        headers={"X-Forwarded-For": client})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers.get("Location", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read()
    except OSError:
        return None, "", b""


def form_tokens(postgres, database, count):
    """Tokens as the site issues them, signed with its key."""
    return loopback.form_tokens(postgres.psql(database, FORM_TOKEN_KEY_SQL), count)


def wrk(site, seconds, paths_file, tokens_file, inquiry_per_mille):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s",
               "-s", str(FAULT / "mix.lua"), site.url, "--",
               str(paths_file), str(tokens_file) if tokens_file else "-", str(inquiry_per_mille)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wrk_result(process):
    output, errors = process.communicate()
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if not lines:
        sys.exit(f"wrk failed: {errors or output}")
    return json.loads(lines[-1])


def describe_run(result):
    seconds = result["duration_us"] / 1e6
    return (f"{result['requests']} requests in {seconds:.0f} s ({result['requests'] / seconds:.0f}/s): "
            f"2xx {result['s2xx']}, 3xx {result['s3xx']}, 4xx {result['s4xx']}, "
            f"5xx {result['s5xx']}, socket errors {result['socket_errors']}; "
            f"latency p50 {result['p50_us'] / 1000:.2f} ms, p99 {result['p99_us'] / 1000:.2f} ms, "
            f"max {result['max_us'] / 1000:.0f} ms")


def mix_paths(site, work, with_database):
    """Pages, assets and 404s, from what the start page links to."""
    _, start = get(site.url + "/")
    html = start.decode()
    assets = sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html)))
    pages = ["/", "/ziele", "/geschichte", "/efus", "/mitgliedschaft", "/kontakt", "/en/",
             "/en/goals", "/aktuelles", "/termine", "/mitglieder", "/dokumente", "/impressum",
             "/datenschutz", "/leichte-sprache", "/barrierefreiheit", "/sitemap.xml",
             "/robots.txt", "/aktuelles.atom", "/en/news.atom"]
    if with_database:
        pages += ["/suche?q=Pr%C3%A4vention", "/en/search?q=prevention"]
    missing = [f"/gibt-es-nicht-{n}" for n in range(20)] + ["/static/fehlt.css", "/en/missing"]
    lines = [f"page {path}" for path in pages for _ in range(3)]
    lines += [f"asset {path}" for path in assets]
    lines += [f"missing {path}" for path in missing]
    for line in lines:
        kind, path = line.split(" ", 1)
        status, _ = get(site.url + path)
        expected = 404 if kind == "missing" else 200
        if status != expected:
            sys.exit(f"{path} answers {status}, not {expected}: fix the mix")
    file = work / ("paths-db.txt" if with_database else "paths.txt")
    file.write_text("\n".join(lines) + "\n")
    return file, len(pages), len(assets), len(missing)


# --------------------------------------------------------------------------------------------
# 1. Load


def load(site, postgres, database, work):
    print(f"1. load: {LOAD_SECONDS} s at {CONNECTIONS} connections", flush=True)
    paths, pages, assets, missing = mix_paths(site, work, with_database=True)
    tokens = work / "tokens.txt"
    tokens.write_text("\n".join(form_tokens(postgres, database, 200_000)) + "\n")
    before = int(postgres.psql(database, "select count(*) from inquiry"))
    print(f"  mix: {pages} pages (search included), {assets} assets, {missing} missing paths, "
          f"{INQUIRIES_PER_MILLE / 10} % inquiries (one in ten complete)", flush=True)
    process = wrk(site, LOAD_SECONDS, paths, tokens, INQUIRIES_PER_MILLE)
    samples = []
    started = time.monotonic()
    while process.poll() is None:
        samples.append((time.monotonic() - started, site.rss_kib()))
        time.sleep(1)
    result = wrk_result(process)
    accepted = int(postgres.psql(database, "select count(*) from inquiry")) - before
    print(f"  {describe_run(result)}; {accepted} inquiries accepted", flush=True)
    after_10 = next((rss for at, rss in samples if at >= 10), samples[0][1])
    at_end = [rss for at, rss in samples if at <= LOAD_SECONDS][-1]
    curve = ", ".join(f"{rss / 1024:.1f}" for at, rss in samples[::10])
    print(f"  resident memory every 10 s (MiB): {curve}", flush=True)
    change = (at_end - after_10) / after_10 * 100
    check(result["socket_errors"] == 0, "no socket errors")
    check(result["s5xx"] == 0, "no 5xx")
    check(abs(change) <= 10,
          f"memory flat: {after_10 / 1024:.1f} MiB after 10 s, {at_end / 1024:.1f} MiB at the "
          f"end ({change:+.1f} %)")
    check(accepted > 0, "inquiries were accepted under load")


# --------------------------------------------------------------------------------------------
# 2. PostgreSQL restarted


def outage(site, postgres, database, work):
    seconds = 30
    print(f"2. PostgreSQL stopped for {OUTAGE_SECONDS} s during {seconds} s of load", flush=True)
    paths, *_ = mix_paths(site, work, with_database=False)
    tokens = iter(form_tokens(postgres, database, 1000))
    process = wrk(site, seconds, paths, None, 0)
    page_answers = []
    inquiries = []  # (sent at, organisation, status, location, body)
    stop = threading.Event()

    def probe_pages():
        while not stop.is_set():
            page_answers.append((time.monotonic(), get(site.url + "/")[0]))
            time.sleep(0.05)

    numbers = iter(range(1, 1_000_000))
    token_lock = threading.Lock()

    def probe_inquiries():
        while not stop.is_set():
            with token_lock:
                n, token = next(numbers), next(tokens)
            organisation = f"Stadt Ausfallprobe {n}"
            at = time.monotonic()
            status, location, body = post_inquiry(site, token, organisation,
                                                  f"192.0.2.{n % 250 + 1}")
            inquiries.append((at, organisation, status, location, body))
            time.sleep(0.25)

    # Four senders, so that inquiries start at every moment of the outage.
    probes = [threading.Thread(target=probe_pages)]
    probes += [threading.Thread(target=probe_inquiries) for _ in range(4)]
    for probe in probes:
        probe.start()
    time.sleep(8)
    down_at = time.monotonic()
    postgres.stop()
    time.sleep(OUTAGE_SECONDS)
    postgres.start()
    up_at = time.monotonic()
    process_result = wrk_result(process)
    stop.set()
    for probe in probes:
        probe.join()

    print(f"  {describe_run(process_result)}", flush=True)
    print(f"  PostgreSQL down from {down_at - down_at:.1f} s to {up_at - down_at:.1f} s "
          f"(pg_ctl start returned)", flush=True)
    check(process_result["s5xx"] == 0 and process_result["socket_errors"] == 0,
          "pages, assets and 404s: no 5xx, no socket errors (wrk)")
    not_ok = [status for _, status in page_answers if status != 200]
    check(not not_ok, f"the start page answered 200 to all {len(page_answers)} probes "
                      f"({len(not_ok)} others)")

    during = [i for i in inquiries if down_at <= i[0] < up_at]
    refused = [i for i in during if i[2] == 503]
    print(f"  inquiries sent while PostgreSQL was down: {len(during)}, answered 503: "
          f"{len(refused)}, others: {sorted(set(i[2] for i in during if i[2] != 503))}",
          flush=True)
    check(len(during) > 0 and all(i[2] in (503, 303) for i in during),
          "inquiries during the outage got 503 (or 303 if they made it before the stop)")
    kept = [i for i in refused if i[1] in i[4].decode(errors="replace")]
    check(len(kept) == len(refused), f"every 503 shows the form with the values kept "
                                     f"({len(kept)}/{len(refused)})")
    stored_refused = int(postgres.psql(database, "select count(*) from inquiry where organisation in ("
                                       + ",".join(f"'{i[1]}'" for i in refused) + ")")) if refused else 0
    check(stored_refused == 0, f"none of the refused inquiries is stored ({stored_refused})")
    after = [i for i in inquiries if i[0] >= up_at]
    first_accepted = next((i for i in after if i[2] == 303), None)
    if first_accepted:
        recovered = first_accepted[0] - up_at
        check(recovered <= RECOVERY_LIMIT,
              f"inquiries accepted again {recovered:.2f} s after PostgreSQL was back")
    else:
        check(False, "inquiries accepted again after PostgreSQL was back")
    accepted_refs = [i[3].rsplit("/", 1)[-1] for i in inquiries if i[2] == 303]
    stored = set(postgres.psql(database, "select reference from inquiry").split())
    lost = [ref for ref in accepted_refs if ref not in stored]
    check(not lost, f"every inquiry answered 303 is stored ({len(accepted_refs)} accepted, "
                    f"{len(lost)} missing)")


# --------------------------------------------------------------------------------------------
# 3. kill -9 while sending


def killed_while_sending(site, postgres, database, sink):
    count = 10
    print(f"3. kill -9 while one email is being sent and {count - 1} are pending", flush=True)
    wait_for_outbox(postgres, database, sink, limit=600)
    sink.holding.clear()
    sink.hold = True
    tokens = form_tokens(postgres, database, count)
    references = []
    for n, token in enumerate(tokens):
        status, location, _ = post_inquiry(site, token, f"Stadt Absturzprobe {n}", f"198.51.100.{n + 1}")
        if status != 303:
            sys.exit(f"an inquiry was not accepted before the kill: {status}")
        references.append(location.rsplit("/", 1)[-1])
    if not sink.holding.wait(30):
        sys.exit("no email reached the SMTP server")
    pending = int(postgres.psql(database, "select count(*) from mail_outbox where state = 'pending'"))
    site.kill_hard()
    print(f"  killed with {pending} emails pending (one of them in the middle of being sent)",
          flush=True)
    sink.release()
    restarted = time.monotonic()
    site.start()
    print(f"  restarted in {time.monotonic() - restarted:.2f} s", flush=True)
    waited = wait_for_outbox(postgres, database, sink, limit=120)
    arrived = sink.references()
    check(all(arrived.count(ref) == 1 for ref in references),
          f"all {count} emails arrived once, {waited:.1f} s after the restart "
          f"({sum(arrived.count(ref) for ref in references)} received)")


def wait_for_outbox(postgres, database, sink, limit):
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if postgres.psql(database, "select count(*) from mail_outbox where state = 'pending'") == "0":
            return time.monotonic() - started
        time.sleep(0.2)
    sys.exit(f"the outbox did not empty within {limit} s")


# --------------------------------------------------------------------------------------------
# 4. Hostile requests


def hostile_requests(site, document_path):
    """Raw requests nobody's browser sends: the site must answer each with a 4xx (or close
    the connection on bytes that are no HTTP at all), never a 5xx."""
    long = "a" * 100_000
    traversals = ["/static/../Cargo.toml", "/static/..%2f..%2f..%2fetc%2fpasswd",
                  "/static/%2e%2e/%2e%2e/etc/passwd", "/static/....//....//etc/passwd",
                  "/dokumente/..%2f..%2fetc%2fpasswd", "/dokumente/%2e%2e%2fsrc%2fmain.rs",
                  "/bilder/..%252f..%252fetc%252fpasswd", "/static/%c0%ae%c0%ae/etc/passwd",
                  "/static/..\\..\\etc\\passwd", "//etc/passwd", "/static//etc/passwd"]
    ranges = ["bytes=0-0," * 2000 + "0-0", "bytes=99999999999999999999999-",
              "bytes=-99999999999999999999", "bytes=5-1", "bytes=-0", "bytes=a-b", "lines=0-10",
              "bytes=0-" + "9" * 5000, "bytes=" + ",".join(f"{n}-{n}" for n in range(500))]
    targets = ["/", "/mitgliedschaft", "/static/style.css", document_path, "/aktuelles.atom",
               "/suche?q=Pr%C3%A4vention", "/admin/anmelden", "/bilder/fehlt.webp"]

    def request(method, target, headers=(), body=b"", host=True):
        lines = [f"{method} {target} HTTP/1.1".encode("latin-1", "replace")
                 if isinstance(target, str) else method.encode() + b" " + target + b" HTTP/1.1"]
        if host:
            lines.append(b"Host: 127.0.0.1")
        for header in headers:
            lines.append(header if isinstance(header, bytes) else header.encode("latin-1"))
        if body and not any(h.lower().startswith(b"content-length")
                            if isinstance(h, bytes) else h.lower().startswith("content-length")
                            for h in headers):
            lines.append(f"Content-Length: {len(body)}".encode())
        lines.append(b"Connection: close")
        return b"\r\n".join(lines) + b"\r\n\r\n" + body

    form = "application/x-www-form-urlencoded"
    cases = [
        lambda r: request("GET", "/" + long),
        lambda r: request("GET", "/suche?q=" + long),
        lambda r: request("GET", "/suche?q=" + "%ff%fe%00" * r.randint(1, 50)),
        lambda r: request("GET", b"/\xff\xfe\xc3\x28"),
        lambda r: request("GET", b"/suche?q=\xff\xfe"),
        lambda r: request("GET", "/%0d%0aSet-Cookie:%20x=1"),
        lambda r: request("GET", "/suche?q=a%0d%0aX-Injected:%20yes"),
        lambda r: request("GET", "/%00"),
        lambda r: request("GET", "/suche?q=%00" * 10),
        lambda r: request("GET", "/aktuelles?seite=" + r.choice(["-1", "0", "99999999999999999999", "x", "%00"])),
        lambda r: request("GET", "/en/search?q=x&seite=" + "9" * 40),
        lambda r: request("GET", r.choice(traversals)),
        lambda r: request("GET", r.choice(targets), [f"Range: {r.choice(ranges)}"]),
        lambda r: request("GET", r.choice(targets), ["If-None-Match: " + '"x",' * 3000]),
        lambda r: request("GET", r.choice(targets), [f"Accept-Encoding: {'gzip;q=0.' + '9' * 5000}"]),
        lambda r: request("GET", r.choice(targets), [f"Accept-Language: {long[:20000]}"]),
        lambda r: request("GET", r.choice(targets), [f"X-Big: {'b' * 70_000}"]),
        lambda r: request("GET", r.choice(targets), [f"X-Many-{n}: {n}" for n in range(500)]),
        lambda r: request("GET", r.choice(targets), [b"X-Bad: \x00\x01\xff"]),
        lambda r: request("GET", r.choice(targets), [b"X-Forwarded-For: \xff\xfe, ::1, nonsense"]),
        lambda r: request("GET", r.choice(targets), ["Cookie: " + "defus_staff=x; " * 400]),
        lambda r: request("GET", r.choice(targets), host=False),
        lambda r: request("GET", r.choice(targets), ["Host: a", "Host: b"]),
        lambda r: request("GET", r.choice(targets), ["Transfer-Encoding: chunked"], b"zz\r\nxx\r\n0\r\n\r\n"),
        lambda r: request("POST", "/mitgliedschaft", ["Content-Type: " + form, "Content-Length: -5"], b"a=b"),
        lambda r: request("POST", "/mitgliedschaft", ["Content-Type: " + form, "Content-Length: 999999999999"], b"a=b"),
        lambda r: request("POST", "/mitgliedschaft", ["Content-Type: " + form], b"organisation=" + b"x" * 3_000_000),
        lambda r: request("POST", "/mitgliedschaft", ["Content-Type: " + form], b"%%%%&&&===\xff\xfe\x00"),
        lambda r: request("POST", "/mitgliedschaft", ["Content-Type: " + form], b"organisation=A%00B&email=%0d%0abcc:x@y"),
        lambda r: request("POST", "/mitgliedschaft", ["Content-Type: application/json"], b'{"organisation": 1}'),
        lambda r: request("POST", "/mitgliedschaft", ["Content-Type: multipart/form-data"], b"--x\r\n"),
        lambda r: request("POST", "/mitgliedschaft", ["Content-Type: multipart/form-data; boundary=x"], b"--x\r\nbroken"),
        lambda r: request("POST", "/mitgliedschaft", [], b"organisation=Stadt"),
        lambda r: request("POST", "/en/membership", ["Content-Type: text/plain"], bytes(r.randbytes(200))),
        lambda r: request("POST", "/admin/anmelden", ["Content-Type: " + form], b"email=%ff&password=" + b"p" * 100_000),
        lambda r: request("POST", "/admin/anmelden/code", ["Content-Type: " + form], b"pruefung=%00&code=" + b"1" * 50_000),
        lambda r: request(r.choice(["PUT", "DELETE", "PATCH", "TRACE", "OPTIONS", "PROPFIND", "FOO"]), r.choice(targets)),
        lambda r: request("POST", r.choice(["/", "/ziele", "/static/style.css", "/suche", document_path]), ["Content-Type: " + form], b"a=b"),
        lambda r: request("CONNECT", "127.0.0.1:22"),
        lambda r: request("GET", "http://evil.example/"),
        lambda r: request("GET", "*"),
        lambda r: b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        lambda r: b"GET /\r\n\r\n",
        lambda r: b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + r.randbytes(100),
        lambda r: bytes(r.randbytes(r.randint(1, 3000))),
        lambda r: b"GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n",
        lambda r: b"GET / HTTP/1.1\nHost: x\n\n",
        lambda r: b"GET /  HTTP/1.1\r\nHost: x\r\n\r\n",
        lambda r: b"G\x00T / HTTP/1.1\r\nHost: x\r\n\r\n",
    ]

    statuses = {}
    unanswered = 0
    leaked = 0
    lock = threading.Lock()

    def send(n):
        nonlocal unanswered, leaked
        r = random.Random(n)
        payload = cases[n % len(cases)](r)
        status = None
        try:
            # A request cut short (no blank line after the headers, a body shorter than its
            # Content-Length) is waited for by the server, as it should be: 3 s is enough here.
            with socket.create_connection(("127.0.0.1", site.port), timeout=3) as sock:
                try:
                    sock.sendall(payload)
                except OSError:
                    pass  # the server may refuse a body before it is all sent
                received = b""
                while len(received) < 65536:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    received += chunk
                found = re.match(rb"HTTP/1\.[01] (\d{3})", received)
                status = int(found.group(1)) if found else None
                if b"root:x:0:0" in received or b"[package]" in received or b"fn main" in received:
                    with lock:
                        leaked += 1
        except OSError:
            status = None
        with lock:
            if status is None:
                unanswered += 1
            else:
                statuses[status] = statuses.get(status, 0) + 1

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(send, range(HOSTILE_REQUESTS)))
    seconds = time.monotonic() - started
    return statuses, unanswered, leaked, seconds, len(cases)


def hostile(site, postgres, database):
    print(f"4. {HOSTILE_REQUESTS} hostile requests", flush=True)
    document = "/dokumente/fault-probe.pdf"
    pdf = b"%PDF-1.4\n% fault probe\n" + b"0" * 4000 + b"\n%%EOF\n"
    postgres.psql(database, f"""insert into document (slug, title, description, language,
        published_on, category, format, file_name, size, sha256, bytes)
        values ('fault-probe', 'Probe', '', 'de', current_date, 'sonstiges', 'pdf',
        'probe.pdf', {len(pdf)}, '{hashlib.sha256(pdf).hexdigest()}', '\\x{pdf.hex()}')""")
    check(get(site.url + document)[0] == 200, f"{document} is served before")
    statuses, unanswered, leaked, seconds, kinds = hostile_requests(site, document)
    summary = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
    print(f"  {kinds} kinds of request in {seconds:.1f} s; answers {summary}; connection closed "
          f"without an answer (cut short or no HTTP at all): {unanswered}", flush=True)
    fives = sum(count for status, count in statuses.items() if status >= 500)
    check(fives == 0, f"no 5xx ({fives})")
    check(leaked == 0, "no file outside the site's own was served")
    panics = site.panics()
    check(not panics, f"no panic in the log ({len(panics)})")
    status, _ = get(site.url + "/")
    check(status == 200, "the site still answers (/ is 200)")
    check(get(site.url + document)[0] == 200, f"{document} is still served")


def main():
    if not BINARY.exists():
        sys.exit("build first: cargo build --release")
    work = Path(tempfile.mkdtemp(prefix="defus-fault-"))
    work.chmod(0o755)
    postgres = Postgres(work)
    database = "defus_fault"
    postgres.psql("postgres", f"create database {database}")
    sink = SmtpSink()
    site = None
    started = time.monotonic()
    try:
        site = start_site(f"{postgres.url}/{database}", work, sink.port)
        print(f"site {site.url}, PostgreSQL {postgres.bin.parent.name} on port {postgres.port}, "
              f"SMTP sink on port {sink.port}; {os.cpu_count()} cores", flush=True)
        load(site, postgres, database, work)
        outage(site, postgres, database, work)
        killed_while_sending(site, postgres, database, sink)
        hostile(site, postgres, database)
        print("finally: every accepted inquiry mailed exactly once", flush=True)
        waited = wait_for_outbox(postgres, database, sink, limit=600)
        stored = postgres.psql(database, """select reference from inquiry i
            where exists (select from mail_outbox o where o.inquiry_id = i.id)""").split()
        arrived = sink.references()
        missing = [ref for ref in stored if ref not in set(arrived)]
        counts = {}
        for ref in arrived:
            counts[ref] = counts.get(ref, 0) + 1
        twice = [ref for ref, count in counts.items() if count > 1]
        failed = postgres.psql(database, "select count(*) from mail_outbox where state <> 'sent'")
        print(f"  {len(stored)} inquiries with an office email, {len(arrived)} emails received "
              f"(outbox empty after {waited:.1f} s more)", flush=True)
        check(not missing, f"none missing ({len(missing)})")
        check(not twice, f"none twice ({len(twice)}{': ' + ', '.join(twice) if twice else ''})")
        check(failed == "0", f"no email failed or left pending ({failed})")
    finally:
        if site:
            site.stop()
        try:
            postgres.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'PASSED' if not FAILURES else 'FAILED'} in {time.monotonic() - started:.0f} s",
          flush=True)
    if FAILURES:
        print("failed: " + "; ".join(FAILURES))
        sys.exit(1)


if __name__ == "__main__":
    main()
