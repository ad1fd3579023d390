"""How the command line prints: consoles, progress bars, tables of posts, run summaries.

Everything that came from the network goes through `archiver.core.terminal.terminal_text`
and is printed as text, never as markup (issue 12).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from archiver.core.status import PostState
from archiver.core.terminal import terminal_text
from archiver.runs.capture import CaptureItem, CaptureReport
from archiver.runs.recheck import RecheckReport
from archiver.runs.stamping import StampReport
from archiver.warc.repair import Repair
from archiver.warc.verify import VerifyReport


def _console(stderr: bool) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    # Rich assumes 80 columns when output is not a terminal; tables of URLs need more.
    # COLUMNS, when set, is the width asked for (rich reads it), as in a terminal.
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 160
    return Console(stderr=stderr, highlight=False, soft_wrap=True, width=width)


out = _console(False)
err = _console(True)


def safe(value: object, keep_lines: bool = False) -> Text:
    """Text from the network as a terminal shows it: never markup (rich's ``[...]`` is printed
    as written), never a control sequence (ESC, CR, bidi overrides and the like are shown as
    ``\\x1b``, ``\\u202e``…), so a post cannot retitle the window, clear the screen or fake
    a line of archiver's own output (issue 12)."""
    return Text(terminal_text(value, keep_lines))


def say(console: Console, text: str) -> None:
    """One plain line (no markup), whatever it holds."""
    console.print(terminal_text(text), markup=False)


def print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def print_json_lines(values: Iterable[object]) -> None:
    """A JSON array written as its items come, one a line (a listing of a million posts)."""
    sys.stdout.write("[")
    for n, value in enumerate(values):
        sys.stdout.write(("," if n else "") + "\n  " + json.dumps(value, ensure_ascii=False))
    sys.stdout.write("\n]\n")


def progress_bar(total: int | None = None) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        # A bar is for a person watching; in a log or a pipe it is noise (issue 17).
        disable=not err.is_terminal,
    )


# Errors printed as they happen; the rest are counted (``--json`` lists them all).
MAX_ERROR_LINES = 50


@contextmanager
def capture_progress(total: int, lines: bool = True) -> Iterator[Callable[[CaptureItem], None]]:
    """A progress bar for a capture, and the callback that advances it and prints errors and,
    with ``lines``, one line per post captured: its id, outcome and URL (issue 17)."""
    with progress_bar() as progress:
        task = progress.add_task("capturing", total=total)
        errors = 0

        def advance(item: CaptureItem) -> None:
            nonlocal errors
            errors += not item.ok
            if not item.ok and errors <= MAX_ERROR_LINES:
                say(progress.console, f"Error: {item.message}")
            elif item.ok and lines:
                around = (
                    f"  ({str(item.context_of['relation']).replace('_', ' ')} of post "
                    f"{item.context_of['id']})"
                    if item.context_of
                    else ""
                )
                say(out, f"{item.post_id:>6}  {item.outcome:<8} {item.url}{around}")
            done = progress.tasks[0].completed + 1
            # A --from-page page adds the posts it cites: the total grows as they are found.
            progress.update(task, completed=done, total=max(progress.tasks[0].total or 0, done))

        yield advance


@contextmanager
def recheck_progress() -> Iterator[tuple[Callable[[object], None], Callable[[int], None]]]:
    """A progress bar for a recheck: the callback per check, and the one that shows the bar
    once the run lock is held (a run waiting for another shows none)."""
    progress = progress_bar()
    task = progress.add_task("checking", total=None)

    def start(total: int) -> None:
        progress.update(task, total=total)
        progress.start()

    try:
        yield (lambda _: progress.advance(task)), start
    finally:
        progress.stop()


def print_capture(report: CaptureReport, as_json: bool, home: Path) -> None:
    """What `archiver capture` prints once done: errors not shown, the JSON, the summary."""
    print_repairs(report.repairs)
    for note in [*report.notes, report.custody_note]:
        if note:
            say(err, f"note: {note}")
    if report.failed_count > MAX_ERROR_LINES:
        say(
            err,
            f"… and {report.failed_count - MAX_ERROR_LINES} more errors not shown (--json lists up "
            "to 10,000)",
        )
    if as_json:
        print_json(
            {
                "captured": report.captured_count,
                "failed": report.failed_count,
                "omitted": report.omitted,
                "items": [i.as_json() for i in report.items],
                "processes": report.processes,
            }
        )
    spread = f" by {report.processes} processes" if report.processes > 1 else ""
    say(
        err if as_json else out,
        f"{report.captured_count} captured, {report.failed_count} failed{spread}; archive: {home}",
    )


def posts_table(posts: Iterable[dict], wide: bool = False) -> Table | None:
    """The posts as `archiver list` shows them; None when there are none.

    The id and the status are never cut; on a narrow terminal the least useful columns go
    first (the text, then the author and date), and URLs wrap instead of being cut short
    (issue 17). ``wide`` shows every column whatever the width."""
    width = out.size.width
    columns = ["id", "status", "platform"]
    if wide or width >= 100:
        columns += ["author", "created"]
    if wide or width >= 140:
        columns.append("text")
    columns.append("url")
    table = Table(*columns, box=None, pad_edge=False)
    for column in table.columns:
        if column.header in ("id", "status", "platform", "created"):
            column.no_wrap = True
        if column.header == "url":
            column.overflow = "fold"
        if column.header in ("author", "text") and not wide:
            column.overflow = "ellipsis"
            column.no_wrap = True
            column.max_width = 20 if column.header == "author" else 40
    count = 0
    for post in posts:
        count += 1
        text = " ".join((post["text"] or "").split())
        cells = {
            "id": str(post["id"]),
            "status": post["status"],
            "platform": post["platform"],
            "author": safe(post["author"] or ""),
            "created": (post["created_at"] or "")[:10],
            "text": safe(text if wide else text[:40] + ("…" if len(text) > 40 else "")),
            "url": safe(post["url"]),
        }
        table.add_row(*(cells[name] for name in columns))
    return table if count else None


def print_table(table: Table, wide: bool = False) -> None:
    """A table on stdout; ``wide``: as wide as it needs, whatever the terminal's width (the
    terminal then wraps its lines)."""
    if not wide:
        out.print(table)
        return
    Console(file=sys.stdout, width=100_000, highlight=False).print(table)


def print_post(data: dict) -> None:
    """One post as `archiver show` shows it: its facts, text, media, timeline and captures."""
    out.print(
        Text.assemble(
            (terminal_text(data["url"]), "bold"),
            f"  ({data['platform']} ",
            terminal_text(data["post_id"]),
            ")",
        )
    )
    out.print(
        Text.assemble(
            "author:  ",
            terminal_text(data["author_name"] or ""),
            " @",
            terminal_text(data["author"] or "?"),
        )
    )
    out.print(f"created: {data['created_at'] or 'unknown'}", markup=False)
    out.print(
        Text.assemble(
            "status:  ",
            (data["status"], "bold"),
            f" ({data['vanish_reason']})" if data["vanish_reason"] else "",
        )
    )
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
        table.add_row(
            obs["observed_at"], obs["trigger"], obs["outcome"], safe(statuses), safe(note)
        )
    out.print(table)
    for cap in data["captures"]:
        out.print(
            f"capture: {cap['captured_at']}  {cap['warc_file']}"
            f" @{cap['offset']} (+{cap['length']})",
            markup=False,
        )


def print_repairs(repairs: Iterable[Repair]) -> None:
    for repair in repairs:
        say(err, f"note: {repair}")


def print_degraded(degraded: dict[str, str], console: Console) -> None:
    for platform, reason in sorted(degraded.items()):
        say(
            console,
            f"DEGRADED {platform}: {reason}; its posts' gone-type answers are kept but held "
            "(never counted towards vanishing)",
        )


def print_run_summary(report: RecheckReport, console: Console, stamp: str = "") -> None:
    """A recheck run's lines; ``stamp`` (a time) starts each, as `watch` prints them."""
    prefix = f"[{stamp}] " if stamp else ""
    print_repairs(report.repairs)
    print_degraded(report.degraded, console)
    outcomes = ", ".join(
        f"{n} {name}" for name, n in sorted(report.outcomes.items(), key=lambda kv: -kv[1])
    )
    spread = f" in {report.processes} processes" if report.processes > 1 else ""
    say(
        console,
        f"{prefix}checked {len(report.results)} posts{spread}"
        + (f": {outcomes}" if outcomes else " (none was due)"),
    )
    for problem in report.failures:
        say(console, f"{prefix}warning: process {problem}; its posts were checked by the others")
    for t in report.transitions:
        if t.after is PostState.VANISHED:
            say(console, f"{prefix}VANISHED ({t.reason}): {t.url}")
        else:
            say(console, f"{prefix}restored (seen again after vanishing): {t.url}")
    for problem in report.webhook_errors:
        say(console, f"{prefix}warning: {problem}")


def print_verify(result: VerifyReport, as_json: bool) -> None:
    """What `archiver verify` prints: each problem, then one line of counts and the verdict."""
    if as_json:
        print_json(result.as_json())
    console = err if as_json else out
    for problem in result.problems:
        say(console, f"MISMATCH {problem}")
    for name in result.untracked:
        say(console, f"note: warcs/{name} is not known to the database")
    if result.custody_note:
        say(err, f"note: {result.custody_note}")
    verdict = "OK" if result.ok else f"{len(result.problems)} problems"
    say(
        console,
        f"verified {result.records} records in {result.files} WARC files, "
        f"{result.stamps_verified} timestamps ({result.stamps_pending} pending) and "
        f"{result.custody_entries} custody log entries: {verdict}",
    )


def print_stamps(report: StampReport, as_json: bool) -> None:
    """What `archiver stamp` prints: each file and authority, then the counts."""
    if as_json:
        print_json(
            {
                "stamped": len(report.stamped),
                "pending": report.pending,
                "results": [r.as_json() for r in report.results],
            }
        )
    console = err if as_json else out
    for result in report.results:
        when = f"at {result.gen_time:%Y-%m-%d %H:%M:%S} UTC" if result.gen_time else ""
        state = f"stamped {when}" if result.ok else f"pending: {result.error}"
        say(console, f"{result.warc_file}  {result.authority}  {state}")
    say(console, f"{len(report.stamped)} stamped, {report.pending} pending")
