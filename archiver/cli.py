"""The `archiver` command: a thin layer over the library (`archiver.api.Archive`).

Each command parses its arguments, makes one call, prints (`archiver.console`). Errors that
archiver raises on purpose end as one ``Error: …`` line on stderr and exit 1; usage errors
exit 2 (click's convention); a run that found a platform degraded exits 3; nothing prints
a traceback.
"""

from __future__ import annotations

import sys
import time
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from archiver.api import Archive
from archiver.config import Settings
from archiver.console import (
    capture_progress,
    err,
    out,
    posts_table,
    print_capture,
    print_degraded,
    print_json,
    print_json_lines,
    print_post,
    print_repairs,
    print_run_summary,
    print_stamps,
    print_verify,
    recheck_progress,
    say,
)
from archiver.core.seedlist import count_urls
from archiver.core.status import PostState
from archiver.errors import ArchiverError, RunLocked
from archiver.report.build import parse_date
from archiver.report.output import write_output
from archiver.runs.session import check_settings
from archiver.runs.worker import check_worker_id, default_worker_id
from archiver.store import database_failure
from archiver.version import __version__

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

# A run that found a platform degraded (issue 11): its gone-type answers were held.
EXIT_DEGRADED = 3


class State:
    home: Optional[Path] = None


def settings() -> Settings:
    return Settings.from_env(home=State.home)


def archive(readonly: bool = False, fetching: bool = False) -> Archive:
    """The archive; ``readonly`` for commands that only read (they create and change nothing);
    ``fetching`` checks, before anything starts, the settings a run would trip on."""
    s = settings()
    if fetching:
        check_settings(s)
    return Archive(settings=s, readonly=readonly)


@app.callback()
def root(
    home: Optional[Path] = typer.Option(
        None, "--home", show_default=False, help="Archive directory ($ARCHIVER_HOME, ./archive)."
    ),
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", is_eager=True
    ),
) -> None:
    if version:
        out.print(f"archiver {__version__}")
        raise typer.Exit(0)
    State.home = home


@app.command()
def capture(
    urls: Optional[List[str]] = typer.Argument(
        None, help="Post URLs (of any platform archiver knows, or any page)."
    ),
    from_file: Optional[List[Path]] = typer.Option(
        None, "--from-file", help="A seed list: one URL a line, # comments. Repeatable."
    ),
    from_page: Optional[List[str]] = typer.Option(
        None,
        "--from-page",
        help="Capture this page and every post it links to or embeds. Repeatable.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Snapshot posts into WARC files and record them in the database."""
    total = len(urls or []) + sum(map(count_urls, from_file or [])) + len(from_page or [])
    if not total:
        raise typer.BadParameter("give at least one URL, --from-file FILE or --from-page URL")
    with archive(fetching=True) as arc, capture_progress(total) as advance:
        report = arc.capture(urls or [], from_page or [], from_file or [], progress=advance)
    print_capture(report, as_json, settings().home)
    raise typer.Exit(1 if report.failed_count else 0)


@app.command("list")
def list_posts(
    status: Optional[PostState] = typer.Option(None, "--status", help="Only posts in this state."),
    platform: Optional[str] = typer.Option(None, "--platform", help="Only posts of this platform."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array on stdout."),
) -> None:
    """List the archived posts."""
    with archive(readonly=True) as arc:
        if as_json:
            print_json_lines(arc.posts(status, platform))
            return
        table = posts_table(arc.posts(status, platform))
    out.print(table if table is not None else "No posts in the archive yet.")


@app.command()
def show(
    post: str = typer.Argument(
        ..., help="Internal id, a post URL in any recognised form, or platform:id."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON object on stdout."),
) -> None:
    """Show one post, its captures and its timeline of observations."""
    with archive(readonly=True) as arc:
        data = arc.post(post)
    print_json(data) if as_json else print_post(data)


@app.command()
def recheck(
    check_all: bool = typer.Option(False, "--all", help="Check every post now, due or not."),
    posts: Optional[List[str]] = typer.Option(
        None, "--post", help="Check this post now (id, URL or platform:id). Repeatable."
    ),
    wait: bool = typer.Option(
        False, "--wait", help="If another run is going, wait for it instead of stopping."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the run's result as JSON on stdout."),
) -> None:
    """Check the posts that are due again, and flag the ones that really vanished."""
    with archive(fetching=True) as arc, recheck_progress() as (advance, start):
        report = arc.recheck(
            posts, check_all=check_all, wait=wait, progress=advance, on_start=start
        )
    if as_json:
        print_json(report.as_json())
    print_run_summary(report, err if as_json else out)
    raise typer.Exit(EXIT_DEGRADED if report.degraded else 0)


@app.command()
def watch(
    interval: float = typer.Option(
        300.0, "--interval", help="Seconds between recheck runs.", min=0.1
    ),
) -> None:
    """Run recheck in a loop, for machines without cron. Stop with Ctrl-C."""
    say(out, f"watching {settings().home}: a recheck run every {interval:g}s; Ctrl-C stops")
    try:
        while True:
            try:
                with archive(fetching=True) as arc:
                    print_run_summary(arc.recheck(), out)
            except RunLocked as exc:
                say(out, f"skipped: {exc}")
            time.sleep(interval)
    except KeyboardInterrupt:
        out.print("stopped")
        raise typer.Exit(0) from None


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
    output: Optional[Path] = typer.Option(
        None, "--output", help="Write here instead of to stdout."
    ),
    since: Optional[str] = typer.Option(
        None, "--since", help="Only posts gone on or after DATE (YYYY-MM-DD)."
    ),
    until: Optional[str] = typer.Option(None, "--until", help="Only posts gone on or before DATE."),
    platform: Optional[str] = typer.Option(None, "--platform", help="Only posts of this platform."),
    status: ReportStatus = typer.Option(
        ReportStatus.vanished, "--status", help="vanished, suspect, never_seen or all."
    ),
    seeds: Optional[Path] = typer.Option(
        None, "--seeds", help="Only the posts named in this seed list."
    ),
    wacz: str = typer.Option(
        "archive.wacz",
        "--wacz",
        help="The WACZ the report's links open each post's view in (a file name, or its URL).",
    ),
) -> None:
    """Export the deletion report: what vanished, when, what it said, and the evidence."""
    since_at = parse_date(since, "--since") if since else None  # the user's input is checked first
    until_at = parse_date(until, "--until") if until else None
    with archive(readonly=True) as arc:
        data = arc.report(
            status.value,
            since_at,
            until_at,
            platform,
            seeds,
            with_media=fmt is ReportFormat.html,
            wacz=wacz,
        )
    body = Archive.render_report(data, fmt.value)
    if output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return
    target = write_output(output, body, f"deletion-report.{fmt.value}")
    say(err, f"{len(data.posts)} posts in the report: {target}")


@export_app.command("wacz")
def export_wacz(
    posts: Optional[List[str]] = typer.Argument(
        None, help="Only these posts (id, URL or platform:id); default all."
    ),
    output: Path = typer.Option(Path("archive.wacz"), "--output", help="The WACZ file to write."),
) -> None:
    """Package the archive (or some posts) as a WACZ for ReplayWeb.page."""
    with archive(readonly=True) as arc:
        result = arc.export_wacz(output / "archive.wacz" if output.is_dir() else output, posts)
    say(
        out,
        f"wrote {result.output}: {result.posts} posts, {len(result.warc_files)} WARC files. "
        "Open it at https://replayweb.page (the file stays on your machine).",
    )
    if result.custody_note:
        say(err, f"note: {result.custody_note}")


@app.command()
def verify(
    repair: bool = typer.Option(
        False, "--repair", help="First cut torn tails left by interrupted runs."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Check every WARC record and file against the digests recorded when they were written."""
    with archive(readonly=not repair) as arc:
        result, repairs = arc.verify(repair)
    print_repairs(repairs)
    print_verify(result, as_json)
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def exhibit(
    post: str = typer.Argument(..., help="Internal id, a post URL, or platform:id."),
    output: Optional[Path] = typer.Option(
        None, "--output", help="The PDF to write (a .html name writes the HTML, no browser)."
    ),
) -> None:
    """Write one post's exhibit: picture, text, every look, hashes, timestamps, custody."""
    with archive(readonly=True) as arc:
        result = arc.exhibit(post, output or Path("exhibit.pdf"))
    say(out, f"wrote {result.output} (SHA-256 {result.sha256})")
    if not result.with_picture:
        say(err, "note: no picture of the post is in the archive (it was never seen alive)")
    if result.custody_note:
        say(err, f"note: {result.custody_note}")


@app.command()
def stamp(
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Ask the timestamp authorities (ARCHIVER_TSA_URLS) for the stamps still pending."""
    with archive(fetching=True) as arc:
        report = arc.stamp()
    print_stamps(report, as_json)
    raise typer.Exit(1 if report.pending else 0)


@app.command()
def worker(
    worker_id: Optional[str] = typer.Option(
        None, "--id", help="This worker's id (default: host name and pid)."
    ),
    once: bool = typer.Option(
        False, "--once", help="Stop when no post is due instead of waiting for more."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print what this worker did as JSON on stdout."
    ),
) -> None:
    """Share the recheck workload with other workers through the database (leases)."""
    name = check_worker_id(worker_id or default_worker_id())
    with archive(fetching=True) as arc:
        if not as_json:
            say(
                out,
                f"worker {name} on {arc.store.url.split('://', 1)[0]}: claiming due posts"
                + (" until none is due" if once else "; Ctrl-C stops"),
            )
        try:
            report = arc.work(name, once=once)
        except KeyboardInterrupt:
            say(out, f"worker {name} stopped")
            raise typer.Exit(0) from None
    if as_json:
        print_json(report.as_json())
    else:
        say(out, f"worker {name}: checked {report.checked} posts")
        print_degraded(report.degraded, out)
        for t in report.transitions:
            say(out, f"{t.after.value.upper()} ({t.reason}): {t.url}")
    for problem in report.webhook_errors:
        say(err, f"warning: {problem}")
    raise typer.Exit(EXIT_DEGRADED if report.degraded else 0)


@app.command()
def controls(
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Check the control posts now, and say whether each platform is healthy."""
    with archive(fetching=True) as arc:
        report = arc.controls()
    if as_json:
        print_json(report.as_json())
    for result in [] if as_json else report.results:
        detail = f" ({result.detail})" if result.detail and not result.ok else ""
        say(
            out,
            f"{'ok' if result.ok else 'FAILED':<7}{result.platform:<10}{result.url}  expected "
            f"{result.expected}, came back {result.outcome}{detail}",
        )
    for platform, health in [] if as_json else sorted(report.platform_health.items()):
        say(
            out,
            f"{platform}: {health['status']}"
            + (f" — {health['reason']}" if health["reason"] else ""),
        )
    if not as_json and not report.results:
        say(
            out, "No controls are configured (ARCHIVER_CONTROLS=none): every platform is unchecked."
        )
    raise typer.Exit(EXIT_DEGRADED if report.degraded else 0)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply any pending database migrations."""
    with archive() as arc:  # creates the home and runs migrations on first use
        arc.upgrade()
    say(out, f"database is up to date: {settings().resolved_database_url()}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app and turns archiver's errors into one line and an exit code."""
    try:
        code = app(args=argv, standalone_mode=False, prog_name="archiver")
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:
        show = getattr(exc, "show", None)
        show() if show is not None else say(err, f"Error: {exc.format_message()}")
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("Interrupted.")
        sys.exit(130)
    except ArchiverError as exc:
        say(err, f"Error: {exc}")
        sys.exit(1)
    except Exception as exc:
        failure = database_failure(exc)
        if failure is not None:
            say(err, f"Error: {failure}")
            sys.exit(1)
        if not isinstance(exc, OSError):
            raise
        # Disk full, permissions, a vanished directory: say what and where, no traceback.
        say(err, f"Error: {exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else ""))
        sys.exit(1)
    # Without standalone mode, a typer.Exit raised in a command comes back as its code.
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
