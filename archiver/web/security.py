"""What keeps `archiver serve` safe to leave open (issue 17).

* **Bound to loopback** unless ``ARCHIVER_SERVE_TOKEN`` is set; with a token, every request
  must carry it (``Authorization: Bearer …``, or the cookie set by opening ``/?token=…``
  once), compared in constant time.
* **No request leaves the machine from a page**: every answer carries a Content Security
  Policy that allows this server and ``data:`` only, and the archived view runs sandboxed,
  with no script; what came from the platforms is escaped by the templates (autoescape).
* **Writes need a CSRF token**: a random value in a ``SameSite=Strict`` cookie that the
  review form must echo (the double-submit pattern), and a cross-site ``Origin`` is refused.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; form-action 'self'; "
    "frame-src 'self'; frame-ancestors 'self'; base-uri 'none'"
)
# The archived view: its own inline style, archived images inlined as data: only (the
# platform's URLs are not requested), no script, and a sandbox of its own.
VIEW_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
TOKEN_COOKIE = "archiver_token"
CSRF_COOKIE = "archiver_csrf"


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Guard:
    """ASGI middleware: the token on every request, and the security headers on every answer."""

    def __init__(self, app: ASGIApp, token: str = ""):
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if self.token:
            offered = request.query_params.get("token")
            if offered is not None and _same(offered, self.token):
                # Once by URL, then by cookie: the token does not stay in links or history.
                answer: Response = RedirectResponse(request.url.remove_query_params("token"), 303)
                answer.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
                await answer(scope, receive, send)
                return
            bearer = request.headers.get("authorization", "")
            given = bearer[7:] if bearer.lower().startswith("bearer ") else ""
            given = given or request.cookies.get(TOKEN_COOKIE, "")
            if not _same(given, self.token):
                denied = PlainTextResponse(
                    "this archive needs its token (ARCHIVER_SERVE_TOKEN): open /?token=…", 401
                )
                await denied(scope, receive, send)
                return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", PAGE_CSP)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Cross-Origin-Resource-Policy"] = "same-origin"
                headers.setdefault("X-Frame-Options", "SAMEORIGIN")
            await send(message)

        await self.app(scope, receive, with_headers)


def _same(given: str, wanted: str) -> bool:
    return hmac.compare_digest(given.encode(), wanted.encode())


def csrf_token(request: Request) -> str:
    """The client's CSRF value (made now when it has none; `set_csrf` stores it)."""
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)


def set_csrf(response: Response, value: str) -> None:
    response.set_cookie(CSRF_COOKIE, value, httponly=True, samesite="strict")


def csrf_problem(request: Request, submitted: str) -> str:
    """Why a write must be refused ("" when it may go on)."""
    origin = request.headers.get("origin")
    host = request.headers.get("host", "").lower()
    if origin and origin != "null" and (urlsplit(origin).netloc or "").lower() != host:
        return "refused: a form from another site"
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not submitted or not _same(cookie, submitted):
        return "refused: the form's CSRF token is missing or wrong; reload the page and try again"
    return ""
