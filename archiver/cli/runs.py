"""The commands that fetch: capture, recheck, watch, worker, controls, stamp."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import typer

from archiver.cli.app import EXIT_DEGRADED, app, archive, settings
from archiver.console import (
    capture_progress,
    err,
    out,
    print_capture,
    print_degraded,
    print_json,
    print_run_summary,
    print_stamps,
    recheck_progress,
    say,
)
from archiver.core.seedlist import count_urls
from archiver.errors import RunLocked
from archiver.runs.worker import check_worker_id, default_worker_id


@app.command()
def capture(
    urls: list[str] | None = typer.Argument(
        None, help="Post URLs (of any platform archiver knows, or any page)."
    ),
    from_file: list[Path] | None = typer.Option(
        None, "--from-file", help="A seed list: one URL a line, # comments. Repeatable."
    ),
    from_page: list[str] | None = typer.Option(
        None,
        "--from-page",
        help="Capture this page and every post it links to or embeds. Repeatable.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="No line per post: errors and the summary only."
    ),
) -> None:
    """Snapshot posts into WARC files and record them in the database."""
    total = len(urls or []) + sum(map(count_urls, from_file or [])) + len(from_page or [])
    if not total:
        raise typer.BadParameter("give at least one URL, --from-file FILE or --from-page URL")
    with (
        archive(fetching=True) as arc,
        capture_progress(total, lines=not (quiet or as_json)) as advance,
    ):
        report = arc.capture(urls or [], from_page or [], from_file or [], progress=advance)
    print_capture(report, as_json, settings().home)
    raise typer.Exit(1 if report.failed_count else 0)


@app.command()
def recheck(
    check_all: bool = typer.Option(False, "--all", help="Check every post now, due or not."),
    posts: list[str] | None = typer.Option(
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
            posts,
            check_all=check_all,
            wait=wait,
            progress=advance,
            on_start=start,
            notice=lambda text: say(err, text),
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
    stamped(f"watching {settings().home}: a recheck run every {interval:g}s; Ctrl-C stops")
    try:
        while True:
            try:
                with archive(fetching=True) as arc:
                    report = arc.recheck(notice=stamped)
                    upcoming = arc.next_due()
                if report.results:
                    print_run_summary(report, out, stamp=now_text())
                else:
                    stamped(
                        "nothing due"
                        + (f"; the next post is due {iso_text(upcoming)}" if upcoming else "")
                    )
            except RunLocked as exc:
                stamped(f"skipped: {exc}")
            time.sleep(interval)
    except KeyboardInterrupt:
        stamped("stopped")
        raise typer.Exit(0) from None


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def iso_text(value: datetime) -> str:
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def stamped(text: str) -> None:
    """A line of a long-running command, with the time it was said."""
    say(out, f"[{now_text()}] {text}")


@app.command()
def worker(
    worker_id: str | None = typer.Option(
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


@app.command()
def stamp(
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Ask the timestamp authorities (ARCHIVER_TSA_URLS) for the stamps still pending."""
    with archive(fetching=True) as arc:
        report = arc.stamp()
    print_stamps(report, as_json)
    raise typer.Exit(1 if report.pending else 0)
