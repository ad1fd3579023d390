"""The `archiver` command: a thin layer over the library.

Each command opens the store, calls one library function, prints. Errors that
archiver raises on purpose end as one ``Error: …`` line on stderr and exit 1;
usage errors exit 2 (click's convention); nothing prints a traceback.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from archiver import __version__
from archiver.config import Settings
from archiver.errors import ArchiverError, InputError
from archiver.core.status import PostState
from archiver.core.terminal import terminal_text

app = typer.Typer(
    help="Preserve social-media posts as evidence in WARC files and tell when they vanish.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
export_app = typer.Typer(help="Export the archive in standard packages.", no_args_is_help=True)
app.add_typer(export_app, name="export")

def _console(stderr: bool) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    # Rich assumes 80 columns when output is not a terminal; tables of URLs need more.
    width = None if stream.isatty() else 160
    return Console(stderr=stderr, highlight=False, soft_wrap=True, width=width)


out = _console(False)
err = _console(True)


class State:
    home: Optional[Path] = None


def settings() -> Settings:
    return Settings.from_env(home=State.home)


def fetch_settings() -> Settings:
    """Settings for a command that fetches: a bad cookies file is refused before anything starts."""
    from archiver.net.cookies import UserCookies

    from archiver.warc.objectstore import ObjectStore

    from archiver.runs.health import controls_for

    s = settings()
    controls_for(s)  # a control that names no post is refused before anything starts
    if s.cookies_file:
        UserCookies(Path(s.cookies_file))
    if s.warc_store:
        ObjectStore.parse(s.warc_store)
    return s


def open_store(readonly: bool = False):
    """The archive; ``readonly`` for commands that only read (they create and change nothing)."""
    from archiver.store import Store

    return Store(settings(), readonly=readonly)


def safe(value: object, keep_lines: bool = False) -> Text:
    """Text from the network as a terminal shows it: never markup (rich's ``[...]`` is printed
    as written), never a control sequence (ESC, CR, bidi overrides and the like are shown as
    ``\\x1b``, ``\\u202e``…), so a post cannot retitle the window, clear the screen or fake
    a line of archiver's own output (issue 12)."""
    return Text(terminal_text(value, keep_lines))


def print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


@app.callback()
def root(
    home: Optional[Path] = typer.Option(
        None, "--home", help="Archive directory (default: $ARCHIVER_HOME or ./archive).", show_default=False
    ),
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
) -> None:
    if version:
        out.print(f"archiver {__version__}")
        raise typer.Exit(0)
    State.home = home


@app.command()
def capture(
    urls: Optional[List[str]] = typer.Argument(None, help="Post URLs (of any platform archiver knows, or any web page)."),
    from_file: Optional[List[Path]] = typer.Option(
        None, "--from-file", help="A seed list: one URL a line, # comments. Repeatable."
    ),
    from_page: Optional[List[str]] = typer.Option(
        None, "--from-page", help="Capture this page and every post it links to or embeds. Repeatable."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Snapshot posts into WARC files and record them in the database."""
    from archiver.runs.capture import capture as run_capture
    from archiver.runs.seeds import read_seed_file

    fetch_settings()
    seed_lines = 0
    for path in from_file or []:
        seed_lines += sum(1 for _ in read_seed_file(path))  # a first pass: checks the file, counts for the bar
    pages = list(from_page or [])
    total = len(urls or []) + seed_lines + len(pages)
    if not total:
        raise typer.BadParameter("give at least one URL, --from-file FILE or --from-page URL")

    def inputs():
        yield from urls or []
        for path in from_file or []:
            yield from (line.url for line in read_seed_file(path))

    store = open_store()
    report_out = err if as_json else out
    shown = 0
    with _progress(total) as progress:
        task = progress.add_task("capturing", total=total)

        def advance(item) -> None:
            nonlocal shown
            if not item.ok:
                shown += 1
                if shown <= MAX_ERROR_LINES:
                    progress.console.print(f"Error: {terminal_text(item.message)}", markup=False, style="red")
            bar = progress.tasks[0]
            progress.update(task, completed=bar.completed + 1, total=max(bar.total or 0, bar.completed + 1))

        report = run_capture(settings(), store, inputs(), pages, progress=advance)
    store.close()
    for repair in report.repairs:
        err.print(f"note: {repair}", markup=False)
    captured, failed = report.captured_count, report.failed_count
    if failed > MAX_ERROR_LINES:
        err.print(f"… and {failed - MAX_ERROR_LINES} more errors not shown (--json lists up to 10,000)", markup=False)
    if as_json:
        print_json({"captured": captured, "failed": failed, "omitted": report.omitted,
                    "items": [i.as_json() for i in report.items]})
    report_out.print(f"{captured} captured, {failed} failed; archive: {settings().home}", markup=False)
    raise typer.Exit(1 if failed else 0)


MAX_ERROR_LINES = 50


def _progress(total: int) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=False,
    )


@app.command("list")
def list_posts(
    status: Optional[PostState] = typer.Option(None, "--status", help="Only posts in this state."),
    platform: Optional[str] = typer.Option(None, "--platform", help="Only posts of this platform."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array on stdout."),
) -> None:
    """List the archived posts."""
    from archiver.store.posts import iter_posts
    from archiver.report.posts import post_json

    store = open_store(readonly=True)
    with store.session() as session:
        posts = iter_posts(session, status=status, platform=platform)
        if as_json:
            sys.stdout.write("[")
            for n, post in enumerate(posts):
                sys.stdout.write(("," if n else "") + "\n  " + json.dumps(post_json(session, post), ensure_ascii=False))
            sys.stdout.write("\n]\n")
            return
        table = Table("id", "platform", "status", "author", "created", "text", "url", box=None)
        table.columns[5].no_wrap = True
        table.columns[5].overflow = "ellipsis"
        count = 0
        for post in posts:
            count += 1
            text = " ".join((post.text or "").split())
            table.add_row(str(post.id), post.platform, post.status.value, safe(post.author or ""),
                          post.created_at.strftime("%Y-%m-%d") if post.created_at else "",
                          safe(text[:40] + ("…" if len(text) > 40 else "")), safe(post.url))
        if count:
            out.print(table)
        else:
            out.print("No posts in the archive yet.")


@app.command()
def show(
    post: str = typer.Argument(..., help="Internal id, a post URL in any recognised form, or platform:id."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON object on stdout."),
) -> None:
    """Show one post, its captures and its timeline of observations."""
    from archiver.store.posts import find_post
    from archiver.report.posts import post_json

    store = open_store(readonly=True)
    with store.session() as session:
        found = find_post(session, post)
        if found is None:
            raise InputError(f"no such post in the archive: {post}")
        data = post_json(session, found, full=True)
    if as_json:
        print_json(data)
        return
    out.print(Text.assemble((terminal_text(data["url"]), "bold"), f"  ({data['platform']} ",
                            terminal_text(data["post_id"]), ")"))
    out.print(Text.assemble("author:  ", terminal_text(data["author_name"] or ""), " @",
                            terminal_text(data["author"] or "?")))
    out.print(f"created: {data['created_at'] or 'unknown'}", markup=False)
    out.print(Text.assemble("status:  ", (data["status"], "bold"),
                            f" ({data['vanish_reason']})" if data["vanish_reason"] else ""))
    for key in ("last_seen_alive_at", "first_seen_gone_at", "vanished_at", "next_check_at"):
        if data[key]:
            out.print(f"{key.replace('_', ' ')}: {data[key]}", markup=False)
    text = terminal_text(data["text"] or "(none archived)", keep_lines=True)
    out.print(Text("text:\n  " + "\n  ".join(text.splitlines())))
    for media in data["media"]:
        out.print(Text.assemble(f"media:   {media['kind']} ", terminal_text(media["url"])))
    table = Table("observed", "trigger", "outcome", "statuses", "note", box=None, title="timeline")
    for obs in data["observations"]:
        statuses = " ".join(f"{k}={v}" for k, v in obs["statuses"].items())
        note = obs["note"] + (f" [held: {obs['held']}]" if obs.get("held") else "")
        table.add_row(obs["observed_at"], obs["trigger"], obs["outcome"], safe(statuses), safe(note))
    out.print(table)
    for cap in data["captures"]:
        out.print(f"capture: {cap['captured_at']}  {cap['warc_file']} @{cap['offset']} (+{cap['length']})",
                  markup=False)


@app.command()
def recheck(
    check_all: bool = typer.Option(False, "--all", help="Check every post now, due or not."),
    posts: Optional[List[str]] = typer.Option(None, "--post", help="Check this post now (id, URL or platform:id). Repeatable."),
    wait: bool = typer.Option(False, "--wait", help="If another run is going, wait for it instead of stopping."),
    as_json: bool = typer.Option(False, "--json", help="Print the run's result as JSON on stdout."),
) -> None:
    """Check the posts that are due again, and flag the ones that really vanished."""
    from archiver.runs.recheck import recheck as run_recheck
    from archiver.store.posts import post_ids_of

    fetch_settings()
    store = open_store()
    post_ids = None
    if posts:
        with store.session() as session:
            post_ids = post_ids_of(session, posts)
    progress = _progress(0)
    task = progress.add_task("checking", total=None)

    def start(total: int) -> None:
        progress.update(task, total=total)
        progress.start()

    try:
        report = run_recheck(settings(), store, post_ids=post_ids, check_all=check_all, wait=wait,
                             progress=lambda result: progress.advance(task), on_start=start)
    finally:
        progress.stop()
        store.close()
    if as_json:
        print_json(report.as_json())
    _print_run_summary(report, err if as_json else out)
    raise typer.Exit(EXIT_DEGRADED if report.degraded else 0)


# A run that found a platform degraded exits 3 (issue 11): its gone-type answers were held.
EXIT_DEGRADED = 3


def _print_degraded(degraded: dict[str, str], console: Console) -> None:
    for platform, reason in sorted(degraded.items()):
        console.print(f"DEGRADED {platform}: {terminal_text(reason)}; its posts' gone-type answers are kept but held "
                      "(never counted towards vanishing)", markup=False)


def _print_run_summary(report, console: Console) -> None:
    for repair in report.repairs:
        err.print(f"note: {repair}", markup=False)
    _print_degraded(report.degraded, console)
    outcomes = ", ".join(f"{n} {name}" for name, n in sorted(report.outcomes.items(), key=lambda kv: -kv[1]))
    console.print(f"checked {len(report.results)} posts" + (f": {outcomes}" if outcomes else " (none was due)"),
                  markup=False)
    for t in report.transitions:
        if t.after is PostState.VANISHED:
            console.print(f"VANISHED ({t.reason}): {t.url}", markup=False)
        else:
            console.print(f"restored (seen again after vanishing): {t.url}", markup=False)
    for problem in report.webhook_errors:
        console.print(f"warning: {problem}", markup=False)


@app.command()
def watch(
    interval: float = typer.Option(300.0, "--interval", help="Seconds between recheck runs.", min=0.1),
) -> None:
    """Run recheck in a loop, for machines without cron. Stop with Ctrl-C."""
    import time

    from archiver.errors import RunLocked
    from archiver.runs.recheck import recheck as run_recheck

    out.print(f"watching {settings().home}: a recheck run every {interval:g}s; Ctrl-C stops")
    try:
        while True:
            store = open_store()
            try:
                report = run_recheck(settings(), store)
                _print_run_summary(report, out)
            except RunLocked as exc:
                out.print(f"skipped: {exc}", markup=False)
            finally:
                store.close()
            time.sleep(interval)
    except KeyboardInterrupt:
        out.print("stopped")
        raise typer.Exit(0)


class ReportFormat(str, Enum):
    html = "html"
    csv = "csv"
    json = "json"
    md = "md"


class ReportStatus(str, Enum):
    vanished = "vanished"
    suspect = "suspect"
    never_seen = "never_seen"
    all = "all"


@app.command()
def report(
    fmt: ReportFormat = typer.Option(ReportFormat.html, "--format", help="html, csv, json or md."),
    output: Optional[Path] = typer.Option(None, "--output", help="Write here instead of to stdout."),
    since: Optional[str] = typer.Option(None, "--since", help="Only posts gone on or after DATE (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="Only posts gone on or before DATE."),
    platform: Optional[str] = typer.Option(None, "--platform", help="Only posts of this platform."),
    status: ReportStatus = typer.Option(ReportStatus.vanished, "--status", help="vanished, suspect, never_seen or all."),
    seeds: Optional[Path] = typer.Option(None, "--seeds", help="Only the posts named in this seed list."),
) -> None:
    """Export the deletion report: what vanished, when, what it said, and the evidence."""
    from archiver.report.renderers import RENDERERS
    from archiver.report.build import build_report, parse_date

    since_at = parse_date(since, "--since") if since else None  # the user's input is checked first
    until_at = parse_date(until, "--until") if until else None
    store = open_store(readonly=True)
    data = build_report(store, status=status.value, platform=platform, seeds=seeds, since=since_at,
                        until=until_at, with_media=fmt is ReportFormat.html)
    store.close()
    body = RENDERERS[fmt.value](data)
    if output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return
    target = write_output(output, body, f"deletion-report.{fmt.value}")
    err.print(f"{len(data.posts)} posts in the report: {target}", markup=False)


def write_output(path: Path, body: bytes, default_name: str) -> Path:
    """Write ``body`` to ``path`` (inside it, as ``default_name``, when it is a directory), atomically."""
    import os
    import tempfile

    target = path / default_name if path.is_dir() else path
    if not target.parent.exists():
        raise InputError(f"cannot write {target}: the directory {target.parent} does not exist")
    try:
        fd, staged = tempfile.mkstemp(dir=target.parent, prefix=".archiver-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        os.replace(staged, target)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target


@export_app.command("wacz")
def export_wacz(
    posts: Optional[List[str]] = typer.Argument(None, help="Only these posts (id, URL or platform:id); default all."),
    output: Path = typer.Option(Path("archive.wacz"), "--output", help="The WACZ file to write."),
) -> None:
    """Package the archive (or some posts) as a WACZ for ReplayWeb.page."""
    from archiver.warc.wacz import export_wacz as run_export
    from archiver.store.posts import post_ids_of

    store = open_store(readonly=True)
    post_ids = None
    if posts:
        with store.session() as session:
            post_ids = post_ids_of(session, posts)
    target = output / "archive.wacz" if output.is_dir() else output
    result = run_export(store, target, post_ids)
    store.close()
    out.print(f"wrote {result.output}: {result.posts} posts, {len(result.warc_files)} WARC files. "
              "Open it at https://replayweb.page (the file stays on your machine).", markup=False)


@app.command()
def verify(
    repair: bool = typer.Option(False, "--repair", help="First cut torn tails left by interrupted runs."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Check every WARC record and file against the digests recorded when they were written."""
    from archiver.warc.repair import repair_torn_files
    from archiver.warc.verify import verify as run_verify

    store = open_store(readonly=not repair)
    if repair:
        for done in repair_torn_files(store):
            err.print(f"note: {done}", markup=False)
    result = run_verify(store)
    store.close()
    if as_json:
        print_json(result.as_json())
    console = err if as_json else out
    for problem in result.problems:
        console.print(f"MISMATCH {terminal_text(problem)}", markup=False)
    for name in result.untracked:
        console.print(f"note: warcs/{name} is not known to the database", markup=False)
    verdict = "OK" if result.ok else f"{len(result.problems)} problems"
    console.print(f"verified {result.records} records in {result.files} WARC files: {verdict}", markup=False)
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def worker(
    worker_id: Optional[str] = typer.Option(None, "--id", help="This worker's id (default: host name and pid)."),
    once: bool = typer.Option(False, "--once", help="Stop when no post is due instead of waiting for more."),
    as_json: bool = typer.Option(False, "--json", help="Print what this worker did as JSON on stdout."),
) -> None:
    """Share the recheck workload with other workers through the database (leases)."""
    import asyncio

    from archiver.runs.worker import check_worker_id, default_worker_id, run_worker

    s = fetch_settings()
    name = check_worker_id(worker_id or default_worker_id())
    store = open_store()
    if not as_json:
        out.print(f"worker {name} on {store.url.split('://', 1)[0]}: claiming due posts"
                  + (" until none is due" if once else "; Ctrl-C stops"), markup=False)
    try:
        report = asyncio.run(run_worker(s, store, name, once=once))
    except KeyboardInterrupt:
        out.print(f"worker {name} stopped")
        raise typer.Exit(0)
    finally:
        store.close()
    checked = [r for r in report.results if r.outcome != "skipped"]
    if as_json:
        print_json({"worker": name, "claimed": report.claimed, "checked": len(checked),
                    "transitions": [t.as_json() for t in report.transitions],
                    "platform_health": report.platform_health})
    else:
        out.print(f"worker {name}: checked {len(checked)} posts", markup=False)
        _print_degraded(report.degraded, out)
        for t in report.transitions:
            out.print(f"{t.after.value.upper()} ({t.reason}): {t.url}", markup=False)
    for problem in report.webhook_errors:
        err.print(f"warning: {problem}", markup=False)
    raise typer.Exit(EXIT_DEGRADED if report.degraded else 0)


@app.command()
def controls(
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Check the control posts now, and say whether each platform is healthy."""
    from archiver.runs.controls import check_controls

    store = open_store()
    try:
        report = check_controls(fetch_settings(), store)
    finally:
        store.close()
    if as_json:
        print_json(report.as_json())
    else:
        for result in report.results:
            mark = "ok" if result.ok else "FAILED"
            detail = f" ({terminal_text(result.detail)})" if result.detail and not result.ok else ""
            out.print(f"{mark:<7}{result.platform:<10}{result.url}  expected {result.expected}, "
                      f"came back {result.outcome}{detail}", markup=False)
        for platform, health in sorted(report.platform_health.items()):
            out.print(f"{platform}: {health['status']}" + (f" — {terminal_text(health['reason'])}" if health["reason"] else ""),
                      markup=False)
        if not report.results:
            out.print("No controls are configured (ARCHIVER_CONTROLS=none): every platform is unchecked.")
    raise typer.Exit(EXIT_DEGRADED if report.degraded else 0)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply any pending database migrations."""
    from archiver.store.db import upgrade

    s = settings()
    store = open_store()  # creates the home and runs migrations on first use
    upgrade(store.url, store.engine)
    store.close()
    out.print(f"database is up to date: {s.resolved_database_url()}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app and turns archiver's errors into one line and an exit code."""
    try:
        code = app(args=argv, standalone_mode=False, prog_name="archiver")
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            err.print(f"Error: {exc.format_message()}", markup=False)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("Interrupted.")
        sys.exit(130)
    except ArchiverError as exc:
        err.print(f"Error: {terminal_text(exc)}", markup=False)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - last resort: a one-line error, never a traceback
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            err.print(f"Error: the database failed: {terminal_text(getattr(exc, 'orig', None) or exc)}", markup=False)
            sys.exit(1)
        if not isinstance(exc, OSError):
            raise
        # Disk full, permissions, a vanished directory: say what and where, no traceback.
        where = f" ({exc.filename})" if exc.filename else ""
        err.print(f"Error: {exc.strerror or exc}{where}", markup=False)
        sys.exit(1)
    # Without standalone mode, a typer.Exit raised in a command comes back as its code.
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
