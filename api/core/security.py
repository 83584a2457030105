"""Passwords, access tokens and the secret that signs them, from well-kept libraries.

Passwords are hashed with Argon2 (``pwdlib``); hashes of the earlier PBKDF2 scheme
(``pbkdf2$rounds$salt$digest``) are still verified and replaced by an Argon2 hash at the next
sign-in. An access token is a JWT (PyJWT, HS256) carrying ``sub`` (the user's id), ``iat``,
``exp``, ``jti`` and ``ver``: the user's token version, which deleting the user, changing its role
or password, or signing out bumps, so that every token issued before is refused at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from routing.errors import FieldError

ALGORITHM = "HS256"
#: Bytes of a generated secret key (256 bits, as HS256 wants).
SECRET_BYTES = 32
SECRET_FILE = "secret.key"


class LegacyPbkdf2Hasher:
    """Verifies the PBKDF2-SHA256 hashes stored before Argon2 (never makes new ones)."""

    PREFIX = "pbkdf2$"

    @classmethod
    def identify(cls, hash: str | bytes) -> bool:
        text = hash.decode() if isinstance(hash, bytes) else hash
        return text.startswith(cls.PREFIX)

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        raise NotImplementedError("PBKDF2 hashes are only verified; new hashes are Argon2")

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        text = hash.decode() if isinstance(hash, bytes) else hash
        secret = password.encode() if isinstance(password, str) else password
        try:
            _, rounds, salt, digest = text.split("$")
            expected = hashlib.pbkdf2_hmac("sha256", secret, bytes.fromhex(salt), int(rounds))
        except ValueError:
            return False
        return hmac.compare_digest(expected.hex(), digest)

    def check_needs_rehash(self, hash: str | bytes) -> bool:
        return True


PASSWORDS = PasswordHash((Argon2Hasher(), LegacyPbkdf2Hasher()))
#: Verified against when the user name is unknown, so that an unknown name costs the same work
#: as a wrong password (sign-in timing does not tell which user names exist).
_DECOY_HASH = PASSWORDS.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An Argon2 hash of ``password`` to store."""
    return PASSWORDS.hash(password)


def check_password(password: str, stored: str | None) -> tuple[bool, str | None]:
    """Whether ``password`` matches ``stored``, and a new hash to store when the old one is of
    an outdated scheme. ``stored`` None (an unknown user) does the same work and fails."""
    try:
        ok, updated = PASSWORDS.verify_and_update(password, stored or _DECOY_HASH)
    except Exception:  # an unreadable stored hash is a failed sign-in, not a server error
        return False, None
    return (ok and stored is not None), updated


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a valid token says: whose it is and which of the user's token versions."""

    user_id: int
    version: int
    token_id: str


def issue_token(
    user_id: int, *, version: int, secret_key: str, ttl_s: int, now: float | None = None
) -> str:
    """A signed access token for ``user_id`` at token ``version``, valid ``ttl_s`` seconds."""
    issued = int(time.time() if now is None else now)
    claims = {
        "sub": str(user_id),
        "iat": issued,
        "exp": issued + ttl_s,
        "jti": uuid.uuid4().hex,
        "ver": version,
    }
    return jwt.encode(claims, secret_key, algorithm=ALGORITHM)


def read_token(token: str, *, secret_key: str) -> TokenClaims | None:
    """The claims of a valid, unexpired ``token`` signed with ``secret_key``, else ``None``."""
    try:
        claims = jwt.decode(
            token,
            secret_key,
            algorithms=[ALGORITHM],
            options={"require": ["sub", "iat", "exp", "jti", "ver"]},
        )
        user_id, version, token_id = int(claims["sub"]), claims["ver"], claims["jti"]
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    if not isinstance(version, int) or not isinstance(token_id, str):
        return None
    return TokenClaims(user_id=user_id, version=version, token_id=token_id)


def stored_secret(directory: Path) -> str:
    """The secret key kept in ``directory`` (:data:`SECRET_FILE`), generated on first use.

    The file is created with mode 0600 and never overwritten, so tokens survive a restart and
    several API processes sharing the directory sign with the same key.
    """
    path = directory / SECRET_FILE
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        draft = directory / f".{SECRET_FILE}.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(SECRET_BYTES))
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(draft, path)  # atomic: readers never see a half-written key
        draft.unlink()
    key = path.read_text().strip()
    if len(key) < SECRET_BYTES:
        raise FieldError("secret_key", f"the key in {path} is too short: delete the file")
    return key
