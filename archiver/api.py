"""The library: an `Archive` and everything archiver does with it.

Everything the command line does, a Python caller can do::

    from archiver import Archive

    with Archive("my-archive") as archive:
        archive.capture(["https://x.com/jack/status/20"])
        run = archive.recheck()
        for post in archive.posts(status="vanished"):
            print(post["url"], post["vanish_reason"])
        html = archive.render_report(archive.report(), "html")

Each method takes typed arguments and returns data (the reports of `archiver.runs` and
`archiver.report`); errors are `archiver.errors.ArchiverError`s.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archiver import platforms
from archiver.config import Settings
from archiver.core.seedlist import read_seed_file
from archiver.core.status import PostState
from archiver.errors import InputError
from archiver.net.fetcher import Transport, utcnow
from archiver.render.browser import BrowserUnavailable
from archiver.report.build import Report, build_report, report_post
from archiver.report.exhibit import (
    Exhibit,
    archived_picture,
    archived_view,
    gather,
    print_exhibit,
)
from archiver.report.exhibit import render_html as render_exhibit_html
from archiver.report.output import write_output
from archiver.report.posts import post_json
from archiver.report.renderers import RENDERERS
from archiver.runs.capture import CaptureItem, CaptureReport, capture_async
from archiver.runs.controls import ControlsReport, check_controls_async
from archiver.runs.custody import log, repair_and_log
from archiver.runs.recheck import CheckResult, RecheckReport, recheck_async
from archiver.runs.session import check_settings
from archiver.runs.stamping import StampReport, stamp_pending
from archiver.runs.worker import WorkerReport, run_worker
from archiver.store import Post, Run, Store
from archiver.store.posts import count_posts, find_post, iter_posts, post_ids_of
from archiver.store.reviews import VERDICTS, add_review, review_json
from archiver.store.runs import latest_health, next_due_at, recent_runs, run_json
from archiver.store.search import PostFilter, search_posts
from archiver.warc.files import file_sha256
from archiver.warc.repair import Repair
from archiver.warc.verify import VerifyReport, trusted_roots, verify
from archiver.warc.wacz import ExportResult, export_wacz


@dataclass(frozen=True)
class ExhibitResult:
    output: Path
    sha256: str
    with_picture: bool
    custody_note: str = ""


class Archive:
    """An archive: its database and its WARC files (``home``, or ``settings.home``).

    ``readonly`` opens it for reading only (it must exist; nothing is created or changed).
    ``transport`` and ``clock`` replace the network and the time, for tests.
    """

    def __init__(
        self,
        home: str | Path | None = None,
        *,
        settings: Settings | None = None,
        readonly: bool = False,
        transport: Transport | None = None,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.settings = settings or Settings.from_env(home=Path(home) if home is not None else None)
        self.store = Store(self.settings, readonly=readonly)
        self.transport = transport
        self.clock = clock

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- runs -----------------------------------------------------------------

    def capture(
        self,
        urls: Iterable[str] = (),
        pages: Iterable[str] = (),
        seed_files: Iterable[Path] = (),
        progress: Callable[[CaptureItem], None] | None = None,
    ) -> CaptureReport:
        """Capture posts (and the posts ``pages`` cite; and each URL of ``seed_files``)."""
        check_settings(self.settings)
        seed_files = list(seed_files)

        def inputs() -> Iterator[str]:
            yield from urls
            for path in seed_files:
                yield from (line.url for line in read_seed_file(path))

        return asyncio.run(
            capture_async(
                self.settings,
                self.store,
                inputs(),
                pages,
                transport=self.transport,
                clock=self.clock,
                progress=progress,
            )
        )

    def recheck(
        self,
        posts: Iterable[str] | None = None,
        check_all: bool = False,
        wait: bool = False,
        progress: Callable[[CheckResult], None] | None = None,
        on_start: Callable[[int], None] | None = None,
        notice: Callable[[str], None] | None = None,
    ) -> RecheckReport:
        """Check the posts that are due (or ``posts``: ids, URLs, ``platform:id``; or all)."""
        check_settings(self.settings)
        post_ids = self.post_ids(posts) if posts else None
        return asyncio.run(
            recheck_async(
                self.settings,
                self.store,
                post_ids=post_ids,
                check_all=check_all,
                transport=self.transport,
                clock=self.clock,
                progress=progress,
                wait=wait,
                on_start=on_start,
                notice=notice,
            )
        )

    def work(self, worker_id: str, once: bool = False) -> WorkerReport:
        """Share the recheck workload with other workers through the database (leases)."""
        return asyncio.run(
            run_worker(
                self.settings,
                self.store,
                worker_id,
                once=once,
                transport=self.transport,
                clock=self.clock,
            )
        )

    def controls(self) -> ControlsReport:
        """Look at every control post now, and say how each platform is."""
        return asyncio.run(
            check_controls_async(
                self.settings, self.store, transport=self.transport, clock=self.clock
            )
        )

    # --- reading --------------------------------------------------------------

    def post_ids(self, which: Iterable[str]) -> list[int]:
        """Internal ids of posts named by id, URL or ``platform:id``; InputError if not archived."""
        with self.store.session() as session:
            return post_ids_of(session, which)

    def posts(
        self, status: PostState | str | None = None, platform: str | None = None
    ) -> Iterator[dict]:
        """Every post (or those in ``status`` of ``platform``), as `archiver list --json` has it."""
        state = PostState(status) if status is not None else None
        with self.store.session() as session:
            for post in iter_posts(session, status=state, platform=platform):
                yield post_json(session, post)

    def post(self, which: str) -> dict:
        """One post with its observations, as `archiver show --json` prints it."""
        with self.store.session() as session:
            found = find_post(session, which)
            if found is None:
                raise InputError(f"no such post in the archive: {which}")
            return post_json(session, found, full=True)

    def report(
        self,
        status: str = "vanished",
        since: datetime | None = None,
        until: datetime | None = None,
        platform: str | None = None,
        seeds: Path | None = None,
        with_media: bool = False,
        wacz: str = "archive.wacz",
        posted_since: datetime | None = None,
        posted_until: datetime | None = None,
        reviewed_only: bool = False,
    ) -> Report:
        """The deletion report's data (`render_report` makes it HTML, CSV, JSON or Markdown).
        ``since``/``until`` are when posts went; ``posted_since``/``posted_until`` when they
        were posted; ``reviewed_only`` keeps the verdicts a person confirmed."""
        return build_report(
            self.store,
            status=status,
            since=since,
            until=until,
            platform=platform,
            seeds=seeds,
            with_media=with_media,
            wacz=wacz,
            posted_since=posted_since,
            posted_until=posted_until,
            reviewed_only=reviewed_only,
        )

    def search(
        self, wanted: PostFilter, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[dict]]:
        """How many posts match ``wanted``, and one page of them (newest first) as `list --json`
        has them."""
        with self.store.session() as session:
            total, found = search_posts(session, wanted, limit, offset)
            return total, [post_json(session, post) for post in found]

    def next_due(self) -> datetime | None:
        """When the next post is due for a check (None: none is scheduled)."""
        return next_due_at(self.store)

    def count(self) -> int:
        with self.store.session() as session:
            return count_posts(session)

    @staticmethod
    def platform_names() -> list[str]:
        return [platform.name for platform in platforms.all_platforms()]

    def evidence(self, which: str) -> Exhibit:
        """Everything an exhibit of the post says (records, hashes, stamps, custody), as data."""
        [post_id] = self.post_ids([which])
        found = gather(self.store, post_id, trusted_roots(self.store))
        found.picture = archived_picture(self.store, post_id)
        found.post.media = report_post(self.store, post_id, with_media=True).media
        return found

    def picture(self, which: str) -> bytes | None:
        """The post's newest picture (PNG), as drawn at capture."""
        [post_id] = self.post_ids([which])
        return archived_picture(self.store, post_id)

    def view_html(self, which: str) -> bytes | None:
        """The post's newest readable view (HTML), as archived."""
        [post_id] = self.post_ids([which])
        found = archived_view(self.store, post_id)
        return found[1] if found else None

    def review(self, which: str, verdict: str, note: str, by: str) -> dict[str, object]:
        """A person's review of a vanished post's verdict, kept and written to the custody log."""
        [post_id] = self.post_ids([which])
        verdict, note, by = verdict.strip().lower(), " ".join(note.split()), " ".join(by.split())
        if verdict not in VERDICTS:
            raise InputError(f"a review is confirmed or disputed, not {verdict!r}")
        if not note or not by:
            raise InputError("a review needs a note (--note) and the reviewer's name (--by)")
        if len(note) > 2000 or len(by) > 200:
            raise InputError("a review's note is at most 2000 characters, a name at most 200")
        with self.store.session(write=True) as session:
            post = session.get(Post, post_id)
            if post is None or post.status is not PostState.VANISHED:
                status = post.status.value if post else "unknown"
                raise InputError(
                    f"post {post_id} is {status}, not vanished: only a vanished verdict is reviewed"
                )
            made = review_json(add_review(session, post_id, verdict, note, by, self.clock()))
        assert made is not None
        log(self.store, "review", {"posts": [post_id]}, made, self.clock())
        return made

    def runs(self, limit: int = 100) -> list[dict[str, object]]:
        """The latest runs, newest first, with their figures."""
        return [run_json(run) for run in recent_runs(self.store, limit)]

    def platform_health(self) -> list[tuple[str, Run, dict]]:
        """Each platform's health as the latest run that checked it found it (issue 11)."""
        return latest_health(self.store)

    @staticmethod
    def render_report(report: Report, fmt: str) -> bytes:
        if fmt not in RENDERERS:
            raise InputError(f"no report format {fmt!r}; one of {', '.join(RENDERERS)}")
        return RENDERERS[fmt](report)

    def verify(self, repair: bool = False) -> tuple[VerifyReport, list[Repair]]:
        """Check every record and file with what was recorded, the timestamps and the custody
        log; ``repair`` cuts torn tails first."""
        repairs = repair_and_log(self.store, self.clock) if repair else []
        result = verify(self.store)
        result.custody_note = log(
            self.store,
            "verify",
            {},
            {
                "ok": result.ok,
                "records": result.records,
                "files": result.files,
                "problems": len(result.problems),
                "timestamps": result.as_json()["timestamps"],
            },
            self.clock(),
        )
        return result, repairs

    def export_wacz(self, output: Path, posts: Iterable[str] | None = None) -> ExportResult:
        """A WACZ of the archive, or of some posts (ids, URLs or ``platform:id``)."""
        ids = self.post_ids(posts) if posts else None
        result = export_wacz(self.store, output, ids)
        result.custody_note = log(
            self.store,
            "export",
            {"posts": ids if ids is not None else "all"},
            {
                "output": str(output),
                "sha256": file_sha256(result.output),
                "warc_files": result.warc_files,
            },
            self.clock(),
        )
        return result

    def exhibit(self, which: str, output: Path) -> ExhibitResult:
        """Write the exhibit of one post: a PDF (or, for a ``.html`` output, its HTML, which
        needs no browser); see `archiver.report.exhibit`."""
        [post_id] = self.post_ids([which])
        exhibit = gather(self.store, post_id, trusted_roots(self.store))
        exhibit.picture = archived_picture(self.store, post_id)
        if output.suffix.lower() in (".html", ".htm"):
            body, default = render_exhibit_html(exhibit), "exhibit.html"
        else:
            try:
                body = asyncio.run(print_exhibit(self.settings, self.store, exhibit))
            except BrowserUnavailable as exc:
                raise InputError(
                    f"an exhibit as PDF needs a browser: {exc}; or write it as HTML "
                    "(--output FILE.html)"
                ) from None
            default = "exhibit.pdf"
        path = write_output(output, body, default)
        digest = hashlib.sha256(body).hexdigest()
        note = log(
            self.store,
            "exhibit",
            {"posts": [post_id]},
            {"output": str(path), "sha256": digest},
            self.clock(),
        )
        return ExhibitResult(path, digest, exhibit.picture is not None, note)

    def stamp(self) -> StampReport:
        """Ask the timestamp authorities for the stamps still pending (issue 15)."""
        return asyncio.run(stamp_pending(self.settings, self.store, self.clock, None))

    def upgrade(self) -> None:
        """Apply any pending database migrations."""
        self.store.upgrade()
