"""JSON request bodies held to JSON itself: no NaN or Infinity, no lone surrogates.

Python's ``json`` module, which Starlette parses bodies with, reads ``NaN``, ``Infinity`` and
``-Infinity`` (not JSON) and escapes such as ``"\\ud800"`` (half a UTF-16 pair, which is no text
and which neither PostgreSQL nor a UTF-8 response can hold). Such a value reached a ``dict`` field
unchecked, or failed a field check and crashed the 422 answer echoing it. :class:`StrictJSONMiddleware`
refuses them before any route reads the body, with a 422 that names where they are.

Only bodies that may hold them are parsed a second time: a byte search for ``NaN``,
``Infinity``, a ``\\ud8xx``-``\\udfxx`` escape or the UTF-8 form of a surrogate comes first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.errors import MAX_ENTRIES, detail_entry

#: Bodies that may hold a non-finite number or a surrogate (checked by parsing them).
SUSPECT = re.compile(rb"NaN|Infinity|\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
#: Methods whose requests carry no body the routes read.
BODILESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


class _Constant:
    """Stands for a ``NaN`` or ``Infinity`` while the body is searched for it."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def _has_surrogate(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _problems(
    value: Any, loc: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Where ``value`` holds a non-finite number or a lone surrogate, and which."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, loc)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, _Constant):
            yield where, f"{item.name} is not a JSON number: give a finite number"
        elif isinstance(item, str):
            if _has_surrogate(item):
                yield where, "holds a lone UTF-16 surrogate (half of a pair), which is not text"
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                if _has_surrogate(key):
                    yield (*where, key), "the key holds a lone UTF-16 surrogate, which is not text"
                stack.append((child, (*where, key)))
        elif isinstance(item, list):
            stack.extend((child, (*where, i)) for i, child in reversed(list(enumerate(item))))


def body_problems(body: bytes) -> list[tuple[tuple[str | int, ...], str]]:
    """The places of ``body`` (JSON) holding NaN, an infinity or a lone surrogate.

    A body that is not JSON at all has none here: the route's own parsing reports it.
    """
    if not SUSPECT.search(body):
        return []
    try:
        parsed = json.loads(body, parse_constant=_Constant)
    except ValueError:
        return []
    return list(_problems(parsed, ("body",)))


def _is_json(scope: Scope) -> bool:
    """Whether the route would read the body as JSON (FastAPI also does so without a type)."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            kind: bytes = value.split(b";", 1)[0].strip().lower()
            return kind == b"application/json" or (
                kind.startswith(b"application/") and kind.endswith(b"+json")
            )
    return True


class StrictJSONMiddleware:
    """Answers 422 to a JSON body holding NaN, an infinity or a lone surrogate (pure ASGI: the
    body is read once here and handed on as it came; other requests pass untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in BODILESS or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left: nothing to answer
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problems = body_problems(body)
        if problems:
            detail = [detail_entry(loc, msg, "value_error") for loc, msg in problems]
            response = JSONResponse({"detail": detail[:MAX_ENTRIES]}, status_code=422)
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then what the client sends next (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed
