"""What the scripts under tests/ (the benchmark, the fault test) share for driving a site on
loopback: a free port, and form tokens made the way the site makes them."""

import hashlib
import hmac
import secrets
import socket
import time

# The site's key for form tokens: its row in site_secret, read as hex.
FORM_TOKEN_KEY_SQL = "select encode(value, 'hex') from site_secret where name = 'form-token'"


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
