"""A Content-Security-Policy on every HTML page the server sends.

The pages are self-contained: their scripts are inline (vis-network, the map's
own script, Swagger UI's start-up). :class:`ContentSecurityPolicy` reads each
HTML answer, hashes every inline script (and inline event handler) it holds,
and sends a policy that lets the page run those and nothing else: no script
from elsewhere, no script a stored name could smuggle in, no plug-ins, no
framing by other sites, forms posting only back to this server.

Examples
--------
>>> policy('<script>go()</script><button onclick="x()">')
... # doctest: +ELLIPSIS
"default-src 'self'; script-src 'self' 'unsafe-hashes' 'sha256-...' 'sha256-...'; ..."
"""

from __future__ import annotations

import base64
import hashlib
import html
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ContentSecurityPolicy", "policy"]

_SCRIPT = re.compile(rb"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.S | re.I)
_HANDLER = re.compile(rb"""\son[a-z]+\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_NOT_RUN = re.compile(rb"""type\s*=\s*["']?application/(?:json|ld\+json)""", re.I)


def _hash(code: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code).digest()).decode("ascii") + "'"


def policy(page: str | bytes) -> str:
    """The policy for one HTML page: its own inline scripts and handlers, by hash."""
    data = page.encode("utf-8") if isinstance(page, str) else page
    scripts: list[str] = []
    for match in _SCRIPT.finditer(data):
        if _NOT_RUN.search(match.group("attrs")):
            continue  # data blocks are never run
        scripts.append(_hash(match.group("body")))
    handlers = [
        _hash(html.unescape((m.group(1) or m.group(2) or b"").decode("utf-8")).encode("utf-8"))
        for m in _HANDLER.finditer(data)
    ]
    sources = ["'self'"]
    if handlers:
        sources.append("'unsafe-hashes'")
    sources += list(dict.fromkeys(scripts + handlers))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src " + " ".join(sources),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicy:
    """ASGI middleware: every ``text/html`` answer gets its :func:`policy` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                kinds = dict(message.get("headers") or [])
                if not kinds.get(b"content-type", b"").startswith(b"text/html"):
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = [
                (k, v) for k, v in start.get("headers") or [] if k != b"content-security-policy"
            ]
            headers.append((b"content-security-policy", policy(body).encode("ascii")))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered)
