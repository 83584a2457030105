"""The response headers every answer carries, added by one pure-ASGI middleware.

===================================================  ==========================================
header                                               on
===================================================  ==========================================
``X-Content-Type-Options: nosniff``                  every answer
``Referrer-Policy: no-referrer``                     every answer (no Referer names a page)
``X-Frame-Options: DENY``,                           HTML (the pages, the API docs, reports):
``Content-Security-Policy: frame-ancestors 'none'``  no other site may frame them
``Cache-Control: no-store``                          every answer to a request with a token
                                                     (JSON, GPX, iCalendar), unless the route
                                                     set its own (the road map's)
===================================================  ==========================================

A pure-ASGI middleware only rewrites the start message's header list, so the drivers' hot path
(:class:`api.routes.driver.CachedAssignmentMiddleware`) stays a few microseconds;
``BaseHTTPMiddleware`` would add a task and a stream per request.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Headers = list[tuple[bytes, bytes]]

ALWAYS: Headers = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
NO_FRAMES = b"frame-ancestors 'none'"
CSP = b"content-security-policy"


def _kind(headers: Headers) -> bytes:
    for name, value in headers:
        if name.lower() == b"content-type":
            return value.split(b";", 1)[0].strip().lower()
    return b""


def secured(headers: Headers, *, authenticated: bool) -> Headers:
    """``headers`` of a response with the headers of the module's table added."""
    present = {name.lower() for name, _ in headers}
    out = headers + [header for header in ALWAYS if header[0] not in present]
    kind = _kind(headers)
    if kind == b"text/html":
        out = [
            (name, value + b"; " + NO_FRAMES)
            if name.lower() == CSP and b"frame-ancestors" not in value
            else (name, value)
            for name, value in out
        ]
        if CSP not in present:
            out.append((CSP, NO_FRAMES))
        if b"x-frame-options" not in present:
            out.append((b"x-frame-options", b"DENY"))
    if authenticated and b"cache-control" not in present:  # one caller's data: no shared cache
        out.append((b"cache-control", b"no-store"))
    return out


class SecurityHeadersMiddleware:
    """Adds the headers of the module's table to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        authenticated = any(name == b"authorization" for name, _ in scope["headers"])

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                message["headers"] = secured(headers, authenticated=authenticated)
            await send(message)

        await self.app(scope, receive, send_secured)
