"""Token text: generation, the stored digest, and recognising a token in an Authorization header."""

from __future__ import annotations

import hashlib
import secrets

#: Every token starts with this, so a leaked one is easy to recognise (and to scan for).
TOKEN_PREFIX = "ecer_"
#: Random bytes per token (256 bits): a plain SHA-256 is then enough, no slow password hash needed.
TOKEN_BYTES = 32
#: How many characters of a token are kept in clear to recognise it in lists.
SHOWN_CHARS = 12


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header value, or None."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        return None
    return value
