"""The commands that read the archive or write from it: list, show, report, export, verify,
exhibit, and database maintenance."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from archiver.api import Archive
from archiver.cli.app import (
    app,
    archive,
    db_app,
    export_app,
    platform_choice,
    settings,
    status_choice,
)
from archiver.console import (
    err,
    out,
    posts_table,
    print_json,
    print_json_lines,
    print_post,
    print_repairs,
    print_table,
    print_verify,
    say,
)
from archiver.core.status import PostState
from archiver.report.output import write_output
from archiver.report.selection import parse_date

STATES = tuple(state.value for state in PostState)


@app.command("list")
def list_posts(
    status: str | None = typer.Option(
        None, "--status", help=f"Only posts in this state: {', '.join(STATES)}."
    ),
    platform: str | None = typer.Option(
        None, "--platform", help="Only posts of this platform: its name or alias, in any case."
    ),
    wide: bool = typer.Option(False, "--wide", help="Every column, whatever the terminal's width."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array on stdout."),
) -> None:
    """List the archived posts."""
    state, name = status_choice(status, STATES), platform_choice(platform)
    with archive(readonly=True) as arc:
        if as_json:
            print_json_lines(arc.posts(state, name))
            return
        table = posts_table(arc.posts(state, name), wide=wide)
        total = arc.count() if table is None else 0
    if table is not None:
        print_table(table, wide)
    elif total == 0:
        say(out, "No posts in the archive yet.")
    else:
        wanted = " and ".join(
            f"{flag} {value}"
            for flag, value in (("--status", state), ("--platform", name))
            if value
        )
        plural = "post" if total == 1 else "posts"
        say(out, f"No post matches {wanted} ({total} {plural} in the archive).")


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


class ReportFormat(str, Enum):
    html = "html"
    csv = "csv"
    json = "json"
    md = "md"


REPORT_STATUSES = ("vanished", "suspect", "restored", "never_seen", "all")


@app.command()
def report(
    fmt: ReportFormat = typer.Option(ReportFormat.html, "--format", help="html, csv, json or md."),
    output: str | None = typer.Option(
        None,
        "--output",
        help="Where to write (default: deletion-report.FORMAT in the archive; - for stdout).",
    ),
    since: str | None = typer.Option(
        None, "--since", help="Only posts that went (vanished) on or after DATE (YYYY-MM-DD)."
    ),
    until: str | None = typer.Option(
        None, "--until", help="Only posts that went on or before DATE."
    ),
    posted_since: str | None = typer.Option(
        None, "--posted-since", help="Only posts posted on or after DATE."
    ),
    posted_until: str | None = typer.Option(
        None, "--posted-until", help="Only posts posted on or before DATE."
    ),
    platform: str | None = typer.Option(None, "--platform", help="Only posts of this platform."),
    status: str = typer.Option(
        "vanished", "--status", help=f"One of {', '.join(REPORT_STATUSES)}."
    ),
    reviewed_only: bool = typer.Option(
        False, "--reviewed-only", help="Only the verdicts a person confirmed (archiver review)."
    ),
    seeds: Path | None = typer.Option(
        None, "--seeds", help="Only the posts named in this seed list."
    ),
    wacz: str = typer.Option(
        "archive.wacz",
        "--wacz",
        help="The WACZ the report's links open each post's view in (a file name, or its URL).",
    ),
) -> None:
    """Export the deletion report: what vanished, when, what it said, and the evidence."""
    # The user's input is checked before anything is read.
    dates = {
        option: parse_date(value, option) if value else None
        for option, value in (
            ("--since", since),
            ("--until", until),
            ("--posted-since", posted_since),
            ("--posted-until", posted_until),
        )
    }
    wanted = status_choice(status, REPORT_STATUSES) or "vanished"
    name = platform_choice(platform)
    with archive(readonly=True) as arc:
        data = arc.report(
            wanted,
            dates["--since"],
            dates["--until"],
            name,
            seeds,
            with_media=fmt is ReportFormat.html,
            wacz=wacz,
            posted_since=dates["--posted-since"],
            posted_until=dates["--posted-until"],
            reviewed_only=reviewed_only,
        )
    body = Archive.render_report(data, fmt.value)
    if output == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return
    default = f"deletion-report.{fmt.value}"
    target = write_output(Path(output) if output else settings().home / default, body, default)
    say(out, f"{len(data.posts)} posts in the report: {target}")


@app.command()
def review(
    post: str = typer.Argument(..., help="The vanished post: internal id, URL or platform:id."),
    confirm: bool = typer.Option(False, "--confirm", help="The post is really gone."),
    dispute: bool = typer.Option(False, "--dispute", help="The verdict is wrong or unsure."),
    note: str = typer.Option(..., "--note", help="Why: what you checked."),
    by: str = typer.Option(..., "--by", help="Your name, as the custody log will keep it."),
) -> None:
    """Review a vanished post's verdict: confirm it or dispute it (kept in the custody log)."""
    if confirm == dispute:
        raise typer.BadParameter("give exactly one of --confirm or --dispute")
    with archive() as arc:
        made = arc.review(post, "confirmed" if confirm else "disputed", note, by)
    say(out, f"reviewed post {post}: {made['verdict']} by {made['by']} at {made['at']}")


@export_app.command("wacz")
def export_wacz(
    posts: list[str] | None = typer.Argument(
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
    output: Path | None = typer.Option(
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


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply any pending database migrations."""
    with archive() as arc:  # creates the home and runs migrations on first use
        arc.upgrade()
    say(out, f"database is up to date: {settings().resolved_database_url()}")
