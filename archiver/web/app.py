"""`archiver serve`: the archive in a browser (issue 17). Pages for the posts (searchable),
one post (its view or picture, text, media, timeline, evidence, downloads, review), the live
deletion report, platform health and runs — read through the library API (`archiver.Archive`),
so a read-only archive, PostgreSQL or S3 WARC files serve the same way.

Endpoints are plain functions: Starlette runs them in its thread pool, where the archive's
blocking calls (the database, WARC files, a browser for a PDF) belong.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from archiver.api import Archive, PostFilter
from archiver.core.status import PostState
from archiver.errors import ArchiverError, InputError
from archiver.report.exhibit_text import OUTCOME_WORDS
from archiver.report.html_page import report_csp
from archiver.web.security import VIEW_CSP, Guard, csrf_problem, csrf_token, set_csrf

HERE = Path(__file__).parent
PAGE_SIZE = 50
_DATES = (
    "posted_from",
    "posted_until",
    "captured_from",
    "captured_until",
    "gone_from",
    "gone_until",
)


def create_app(archive: Archive, token: str = "") -> Starlette:
    """The web app over ``archive``; with ``token``, every request must carry it."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    words = {outcome.value: text for outcome, text in OUTCOME_WORDS.items()}

    def page(request: Request, name: str, code: int = 200, **context: object) -> Response:
        csrf = csrf_token(request)
        body = env.get_template(name).render(
            url=request.url_for, readonly=archive.store.readonly, csrf=csrf, **context
        )
        response = HTMLResponse(body, code)
        set_csrf(response, csrf)
        return response

    def not_found(request: Request, message: str) -> Response:
        return page(request, "error.html", 404, status="Not found", message=message)

    def posts(request: Request) -> Response:
        q = request.query_params
        form = {name: q.get(name, "").strip() for name in ("q", "platform", "status", "author")}
        form.update({name: q.get(name, "").strip() for name in _DATES})
        try:
            offset = max(int(q.get("offset", "0") or 0), 0)
        except ValueError:
            offset = 0
        error = ""
        try:
            wanted = _filter(form)
            total, found = archive.search(wanted, PAGE_SIZE, offset)
        except InputError as exc:
            error, total, found = str(exc), 0, []

        def at(n: int) -> str:
            return str(request.url.include_query_params(offset=n))

        empty = (
            "No posts in the archive yet."
            if archive.count() == 0
            else "No post matches this search."
        )
        return page(
            request,
            "posts.html",
            f=form,
            posts=found,
            total=total,
            offset=offset,
            error=error,
            empty=empty,
            platforms=archive.platform_names(),
            statuses=[s.value for s in PostState],
            prev_url=at(max(offset - PAGE_SIZE, 0)) if offset else "",
            next_url=at(offset + PAGE_SIZE) if offset + PAGE_SIZE < total else "",
        )

    def post(request: Request) -> Response:
        post_id = request.path_params["post_id"]
        try:
            shown = archive.post(str(post_id))
            evidence = archive.evidence(str(post_id))
        except InputError:
            return not_found(request, f"No post {post_id} in this archive.")
        stamps: dict[str, list[str]] = {}
        for stamp, problem in evidence.stamps:
            line = f"{stamp.status} by {stamp.authority}"
            if stamp.gen_time:
                line += f" at {stamp.gen_time:%Y-%m-%d %H:%M:%S} UTC, serial {stamp.serial}"
            stamps.setdefault(stamp.warc_file, []).append(
                line + (f" — {problem}" if problem else "")
            )
        return page(
            request,
            "post.html",
            post=shown,
            media=[
                {"kind": m.kind, "url": m.url, "src": _data_uri(m.content_type, m.data)}
                for m in evidence.post.media
            ],
            context=evidence.post.context,
            records=evidence.records,
            files=[(name, sha, stamps.get(name, [])) for name, sha in evidence.files.items()],
            has_picture=evidence.picture is not None,
            has_view=evidence.post.view_url is not None,
            words=words,
            message=request.query_params.get("saved", ""),
        )

    async def review(request: Request) -> Response:
        post_id = request.path_params["post_id"]
        form = await request.form()
        problem = csrf_problem(request, str(form.get("csrf", "")))
        if problem:
            return page(request, "error.html", 403, status="Refused", message=problem)
        try:
            done = await _threaded(
                archive.review,
                str(post_id),
                str(form.get("verdict", "")),
                str(form.get("note", "")),
                str(form.get("by", "")),
            )
        except ArchiverError as exc:
            return page(request, "error.html", 400, status="Not saved", message=str(exc))
        saved = f"Review saved: {done['verdict']} by {done['by']}."
        target = request.url_for("post", post_id=post_id).include_query_params(saved=saved)
        return RedirectResponse(str(target) + "#review", 303)

    def view(request: Request) -> Response:
        body = archive.view_html(str(request.path_params["post_id"]))
        if body is None:
            return not_found(request, "This post has no archived view.")
        return Response(body, media_type="text/html", headers={"Content-Security-Policy": VIEW_CSP})

    def picture(request: Request) -> Response:
        body = archive.picture(str(request.path_params["post_id"]))
        if body is None:
            return not_found(request, "This post has no picture.")
        return Response(body, media_type="image/png")

    def exhibit(request: Request) -> Response:
        post_id = request.path_params["post_id"]
        fmt = "html" if request.query_params.get("format") == "html" else "pdf"
        with tempfile.TemporaryDirectory() as scratch:
            target = Path(scratch) / f"exhibit-{post_id}.{fmt}"
            try:
                result = archive.exhibit(str(post_id), target)
            except InputError as exc:
                if fmt == "pdf" and "needs a browser" in str(exc):
                    return RedirectResponse(str(request.url.include_query_params(format="html")))
                return not_found(request, str(exc))
            body = result.output.read_bytes()
        return _download(
            body,
            f"exhibit-{post_id}.{fmt}",
            f"application/{fmt}".replace("application/html", "text/html"),
        )

    def wacz(request: Request) -> Response:
        post_id = request.path_params["post_id"]
        with tempfile.TemporaryDirectory() as scratch:
            try:
                result = archive.export_wacz(Path(scratch) / "post.wacz", [str(post_id)])
            except InputError as exc:
                return not_found(request, str(exc))
            body = result.output.read_bytes()
        return _download(body, f"post-{post_id}.wacz", "application/wacz")

    def report(request: Request) -> Response:
        reviewed = request.query_params.get("reviewed_only") == "1"
        built = archive.report(with_media=True, reviewed_only=reviewed)
        # The report carries its own strict policy (no script, nothing from elsewhere).
        return HTMLResponse(
            archive.render_report(built, "html"), headers={"Content-Security-Policy": report_csp()}
        )

    def health(request: Request) -> Response:
        return page(request, "health.html", health=archive.platform_health())

    def runs(request: Request) -> Response:
        return page(request, "runs.html", runs=archive.runs(200))

    routes = [
        Route("/", posts, name="posts"),
        Route("/posts/{post_id:int}", post, name="post"),
        Route("/posts/{post_id:int}/review", review, methods=["POST"], name="review"),
        Route("/posts/{post_id:int}/view", view, name="view"),
        Route("/posts/{post_id:int}/picture.png", picture, name="picture"),
        Route("/posts/{post_id:int}/exhibit", exhibit, name="exhibit"),
        Route("/posts/{post_id:int}/post.wacz", wacz, name="wacz"),
        Route("/report", report, name="report"),
        Route("/health", health, name="health"),
        Route("/runs", runs, name="runs"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(Guard, token=token)])


async def _threaded(function, *args):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)


def _download(body: bytes, name: str, media_type: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _data_uri(content_type: str, data: bytes | None) -> str:
    import base64

    if not data or not content_type.startswith("image/"):
        return ""
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def _filter(form: dict[str, str]) -> PostFilter:
    """The search form as a filter; dates are whole days, UTC (an "until" day included)."""
    dates: dict[str, datetime | None] = {}
    for name in _DATES:
        text = form.get(name, "")
        if not text:
            dates[name] = None
            continue
        try:
            day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise InputError(
                f"{name.replace('_', ' ')} {text!r} is not a date (YYYY-MM-DD)"
            ) from None
        dates[name] = day + timedelta(days=1) if name.endswith("until") else day
    return PostFilter(
        q=form.get("q", ""),
        platform=form.get("platform") or None,
        status=form.get("status") or None,
        author=form.get("author", ""),
        **dates,
    )


def query_string(values: dict[str, str]) -> str:
    return urlencode({k: v for k, v in values.items() if v})
