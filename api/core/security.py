"""Passwords and access tokens.

Passwords are stored as salted PBKDF2-SHA256 hashes. An access token is ``user_id.expiry.signature``
with an HMAC-SHA256 signature under the settings' secret key: checking one needs no database, and
the user it names is then loaded (so a deleted or re-roled user loses access at once).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

PBKDF2_ROUNDS = 120_000


def hash_password(password: str) -> str:
    """A salted hash of ``password`` to store."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ROUNDS)
    return f"pbkdf2${PBKDF2_ROUNDS}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the ``stored`` hash."""
    try:
        _, rounds, salt, digest = stored.split("$")
        expected = hashlib.pbkdf2_hmac(
            "sha256", password.encode(), bytes.fromhex(salt), int(rounds)
        )
    except ValueError:
        return False
    return hmac.compare_digest(expected.hex(), digest)


def _signature(secret_key: str, payload: str) -> str:
    mac = hmac.new(secret_key.encode(), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def issue_token(user_id: int, *, secret_key: str, ttl_s: int, now: float | None = None) -> str:
    """An access token for ``user_id`` valid ``ttl_s`` seconds."""
    expiry = int((time.time() if now is None else now) + ttl_s)
    payload = f"{user_id}.{expiry}"
    return f"{payload}.{_signature(secret_key, payload)}"


def read_token(token: str, *, secret_key: str, now: float | None = None) -> int | None:
    """The user id a valid, unexpired ``token`` names, else ``None``."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    payload = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_signature(secret_key, payload), parts[2]):
        return None
    if int(parts[1]) < (time.time() if now is None else now):
        return None
    return int(parts[0])
