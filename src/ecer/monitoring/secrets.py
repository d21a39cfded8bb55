"""Device secrets (the HJ 212 PW) stored hashed: PBKDF2-HMAC-SHA256 with a per-device salt.

The format is Django's own (`pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`), so Django's
`check_password` reads it too. The iteration count is lower than for web passwords on purpose: a
logger sends its PW in clear text with every packet, the gateway verifies a PW once and then
compares in memory, and a wrong PW costs one hash on the gateway's event loop (bounded by the
authentication-failure limits). The first packet of every logger after a gateway restart also costs
one hash on the loop: with 10,000 loggers reconnecting at once, 2,000 iterations stalled the loop for
many seconds, 200 keep it near a second. A HJ 212 PW is often 6 digits, so no iteration count makes a
leaked hash safe; the hash keeps the PW out of sight (admin, backups, a readable database file).
`ECER_DEVICE_SECRET_ITERATIONS` sets it (documented in docs/configuration.md); existing hashes keep
the count they were made with.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

ALGORITHM = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 200


def iterations() -> int:
    return int(os.environ.get("ECER_DEVICE_SECRET_ITERATIONS", DEFAULT_ITERATIONS))


def hash_secret(raw: str, rounds: int | None = None, salt: str | None = None) -> str:
    rounds = rounds or iterations()
    salt = salt or secrets.token_hex(11)
    digest = hashlib.pbkdf2_hmac("sha256", raw.encode(), salt.encode(), rounds)
    return f"{ALGORITHM}${rounds}${salt}${base64.b64encode(digest).decode('ascii')}"


def is_hashed(value: str) -> bool:
    return value.startswith(ALGORITHM + "$") and value.count("$") == 3


def verify_secret(raw: str | None, encoded: str) -> bool:
    """Constant-time check of a PW as sent against a stored hash (False for anything malformed)."""
    if raw is None or not is_hashed(encoded):
        return False
    _, rounds_text, salt, _ = encoded.split("$")
    if not rounds_text.isdigit():
        return False
    return hmac.compare_digest(hash_secret(raw, int(rounds_text), salt).encode(), encoded.encode())
