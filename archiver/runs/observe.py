"""One look at a post: plan, fetch, write every response to the WARC, parse, classify.

Used by both `capture` (everything a logged-out client can get, media too)
and `recheck` (the status-bearing endpoints only). The result, a `Visit`, is
pure data; storing it is `archiver.store.visits.record_visit`'s job.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

from archiver import platforms
from archiver.config import Settings
from archiver.core.exchange import Exchange
from archiver.core.records import RecordRef, RevisitOf
from archiver.core.status import Classification, Outcome, Signal
from archiver.net.fetcher import Fetcher, FetchResult
from archiver.platforms.base import FetchRequest, PostData, PostRef, Purpose, Response
from archiver.render.browser import Renderer
from archiver.runs.groupsync import GroupSync
from archiver.runs.links import followed_links
from archiver.runs.offload import off_loop
from archiver.runs.pictures import PICTURE_ROLE, Locate, draw_picture
from archiver.runs.views import VIEW_ROLE, write_view
from archiver.warc.fields import payload_digest
from archiver.warc.writer import WarcWriter

# For some URLs, the last full response recorded for each: its payload digest and where it is.
LastResponses = Callable[[list[str]], dict[str, tuple[str, RevisitOf]]]
RECENT_RESPONSES = 2048
# Answers that are not about the post's state: its media, and the links inside it.
_NOT_STATE = ("media:", "link:")


@dataclass
class WrittenRecord:
    role: str
    http_status: int | None
    ref: RecordRef


@dataclass
class Visit:
    """What one look at a post found and where it was written."""

    ref: PostRef
    purpose: Purpose
    started_at: datetime
    classification: Classification
    data: PostData | None = None
    records: list[WrittenRecord] = field(default_factory=list)
    statuses: dict[str, int | None] = field(default_factory=dict)
    attempts: list[dict[str, object]] = field(default_factory=list)
    main_record: RecordRef | None = None
    metadata_record: RecordRef | None = None
    resolved_from: str | None = None
    # Decoded bodies of the status-bearing responses (not media), for callers
    # that read the page itself, such as `capture --from-page`.
    responses: dict[str, Response] = field(default_factory=dict)
    control: str | None = (
        None  # a control post's expected state (issue 11), not a post of the archive
    )
    held: str = ""  # why the platform was degraded when this look was made
    view_note: str = ""  # why no view of the post was written, if none was
    picture_note: str = ""  # why no picture of it was drawn, if a browser was there but failed
    links: list[dict[str, object]] = field(default_factory=list)  # followed at capture (issue 16)

    @property
    def outcome(self) -> Outcome:
        return self.classification.outcome


class Observer:
    """Makes visits with one fetcher and one WARC writer."""

    def __init__(
        self,
        settings: Settings,
        fetcher: Fetcher,
        writer: WarcWriter,
        last_responses: LastResponses,
        clock: Callable[[], datetime],
        renderer: Renderer | None = None,
        locate: Locate | None = None,
    ):
        self.settings = settings
        self.fetcher = fetcher
        self.writer = writer
        # What a look awaits before it is stored: its records on disk, one fsync for all
        # the looks that ask at once.
        self.sync = GroupSync(writer.sync)
        self._last_responses = last_responses
        self._clock = clock
        # Draws each captured post's picture (issue 15); None without a browser.
        self.renderer = renderer
        self.picture_note = ""
        self._locate: Locate = locate or (lambda ids: {})
        # Responses written in this process, not yet visible in the database (bounded:
        # the database answers for older ones, and memory must not grow with the batch).
        self._recent: OrderedDict[str, tuple[str, RevisitOf]] = OrderedDict()

    async def visit(
        self,
        ref: PostRef,
        purpose: Purpose,
        control: str | None = None,
        held: str = "",
        keep_responses: bool = False,
    ) -> Visit:
        """One look at ``ref``. ``control`` marks a control post's look (its expected state),
        ``held`` one made while its platform was degraded; both are written into the WARC.
        The decoded answers are kept in ``Visit.responses`` only with ``keep_responses``: they
        count against ``ARCHIVER_MAX_DECODED_IN_FLIGHT`` until the look is over (issue 12)."""
        grants: list[int] = []
        try:
            visit = await self._visit(ref, purpose, control, held, grants)
            if not keep_responses:
                visit.responses = {}
            return visit
        finally:
            # The decoded answers of this look are done with: their bytes go back to the budget.
            self.fetcher.budget.give_back(sum(grants))

    async def _visit(
        self, ref: PostRef, purpose: Purpose, control: str | None, held: str, grants: list[int]
    ) -> Visit:
        started = self._clock()
        written: list[WrittenRecord] = []
        attempts: list[dict[str, object]] = []
        resolved_from = None
        if ref.unresolved:
            resolved_from = ref.url
            ref, problem = await self._resolve(ref, written, attempts, grants)
            if problem:
                visit = Visit(
                    ref,
                    purpose,
                    started,
                    Classification(Outcome.ERROR, (Signal("resolve", None, problem),), problem),
                    records=written,
                    attempts=attempts,
                    resolved_from=resolved_from,
                    control=control,
                    held=held,
                )
                self._write_metadata(visit)
                return visit
        requests = platforms.plan(ref, purpose, self.settings.options)
        responses = await self._fetch_all(requests, written, attempts, grants)
        failure = ""
        data: PostData | None = None
        try:
            data = platforms.parse(ref, responses)
            extra = platforms.followups(ref, responses, data, purpose)
        except Exception as exc:
            failure, data, extra = _unreadable(exc), None, []
        links: list[dict[str, object]] = []
        if extra:
            more = await self._fetch_all(extra, written, attempts, grants)
            links = followed_links(data, more)
            responses.update({k: v for k, v in more.items() if not k.startswith(_NOT_STATE)})
        try:
            classification = platforms.classify(ref, responses)
        except Exception as exc:
            failure = failure or _unreadable(exc)
        if failure:
            classification = Classification(
                Outcome.ERROR,
                (Signal("parse", None, failure),),
                f"the answer could not be read ({failure}); it is kept as evidence",
                anomaly="a parser failed",
            )
        visit = Visit(
            ref,
            purpose,
            started,
            classification,
            data=data,
            records=written,
            statuses={role: r.status for role, r in responses.items()},
            attempts=attempts,
            resolved_from=resolved_from,
            responses=responses,
            control=control,
            held=held,
            links=links,
        )
        visit.main_record = main_record(ref, written)
        view, visit.view_note = await write_view(visit, self.writer, self.settings)
        if view is not None:
            written.append(WrittenRecord(VIEW_ROLE, None, view.record))
            if self.renderer is not None and purpose is Purpose.CAPTURE:
                picture, visit.picture_note = await draw_picture(
                    self.renderer, self.writer, self._locate, visit, view
                )
                if picture is not None:
                    written.append(WrittenRecord(PICTURE_ROLE, None, picture))
        self._write_metadata(visit)
        return visit

    async def _resolve(
        self,
        ref: PostRef,
        written: list[WrittenRecord],
        attempts: list[dict[str, object]],
        grants: list[int],
    ) -> tuple[PostRef, str]:
        """Follow a share link's redirects (each hop recorded) to the post it names."""
        request = FetchRequest("resolve", ref.resolve_url or ref.url, accept="text/html,*/*")
        result = await self.fetcher.fetch(request)
        grants.extend(e.decoded_grant for e in result.exchanges)
        try:
            await self._write_results([result], written, attempts)
            answer = result.as_response()
        finally:
            result.close()
        if answer.status is None:
            return ref, f"could not resolve {ref.url}: {result.error or 'no response'}"
        try:
            resolved = platforms.resolve(ref, answer)
        except Exception as exc:  # a platform's reader must be total; never lose the run
            resolved = f"could not resolve {ref.url}: {_unreadable(exc)}"
        if isinstance(resolved, str):
            return ref, resolved
        return resolved, ""

    async def _fetch_all(
        self,
        requests: list[FetchRequest],
        written: list[WrittenRecord],
        attempts: list[dict[str, object]],
        grants: list[int],
    ) -> dict[str, Response]:
        results = await asyncio.gather(*(self.fetcher.fetch(r) for r in requests))
        grants.extend(e.decoded_grant for result in results for e in result.exchanges)
        try:
            await self._write_results(results, written, attempts)
            responses: dict[str, Response] = {}
            for result in results:
                responses[self._unique_role(result.request.role, responses)] = result.as_response()
            return responses
        finally:
            for result in results:
                result.close()

    @staticmethod
    def _unique_role(role: str, taken: dict[str, Response]) -> str:
        if role not in taken:
            return role
        n = 2
        while f"{role}#{n}" in taken:
            n += 1
        return f"{role}#{n}"

    async def _write_results(
        self,
        results: list[FetchResult],
        written: list[WrittenRecord],
        attempts: list[dict[str, object]],
    ) -> None:
        """Write every exchange of some fetches to the WARC, in one trip to a worker thread."""
        exchanges: list[tuple[str, Exchange]] = []
        for result in results:
            for exchange in result.exchanges:
                attempts.append(_attempt(exchange))
                if exchange.has_response:
                    exchanges.append((result.request.role, exchange))
            if result.error:
                attempts.append(
                    {"role": result.request.role, "url": result.request.url, "error": result.error}
                )
        if not exchanges:
            return
        size = sum(e.raw_length or 0 for _, e in exchanges)
        pairs = await off_loop(size, self._write_exchanges, [e for _, e in exchanges])
        for (role, exchange), pair in zip(exchanges, pairs, strict=True):
            if pair is None:
                continue
            request_ref, response_ref = pair
            written.append(WrittenRecord(f"{role}:request", None, request_ref))
            written.append(WrittenRecord(role, exchange.status, response_ref))
            if response_ref.warc_type == "response":
                self._recent[exchange.fetched_url] = (
                    response_ref.payload_digest or "",
                    RevisitOf(response_ref.record_id, response_ref.target_uri, response_ref.date),
                )
                self._recent.move_to_end(exchange.fetched_url)
                while len(self._recent) > RECENT_RESPONSES:
                    self._recent.popitem(last=False)

    def _write_exchanges(
        self, exchanges: list[Exchange]
    ) -> list[tuple[RecordRef, RecordRef] | None]:
        """Runs in a worker thread: write each exchange, as a revisit where the same URL's
        last full response had the same payload (WARC 1.1, 6.7.2 "identical payload digest")."""
        # URLs this process wrote lately are answered by `_recent` (the database may not
        # have them yet); only the others are asked of the database.
        earlier: dict[str, tuple[str, RevisitOf]] = {}
        ask = sorted(
            {
                e.fetched_url
                for e in exchanges
                if not e.truncated and e.fetched_url not in self._recent
            }
        )
        if ask:
            earlier.update(self._last_responses(ask))
        pairs = []
        for exchange in exchanges:
            revisit = None
            if not exchange.truncated:
                digest = payload_digest(exchange)
                prior = earlier.get(exchange.fetched_url) or self._recent.get(exchange.fetched_url)
                if prior is not None and prior[0] == digest:
                    revisit = prior[1]
            pair = self.writer.write_exchange(exchange, revisit)
            pairs.append(pair)
            if pair is not None and pair[1].warc_type == "response" and not exchange.truncated:
                # the same URL twice in one visit (a retry): the second may revisit the first
                earlier[exchange.fetched_url] = (
                    pair[1].payload_digest or "",
                    RevisitOf(pair[1].record_id, pair[1].target_uri, pair[1].date),
                )
        return pairs

    def _write_metadata(self, visit: Visit) -> None:
        payload: dict[str, object] = {
            "post": {
                "platform": visit.ref.platform,
                "key": visit.ref.key,
                "url": visit.ref.url,
                "resolved_from": visit.resolved_from,
            },
            "purpose": visit.purpose.value,
            "observed_at": visit.started_at.isoformat(),
            "outcome": visit.outcome.value,
            "evidence": visit.classification.evidence(),
            "statuses": visit.statuses,
            "data": visit.data.as_json() if visit.data else None,
            "records": [
                {
                    "role": w.role,
                    "record_id": w.ref.record_id,
                    "type": w.ref.warc_type,
                    "uri": w.ref.target_uri,
                }
                for w in visit.records
            ],
            "attempts": visit.attempts,
        }
        if visit.control:
            payload["control"] = {"expected": visit.control}
        if visit.held:
            payload["platform_degraded"] = visit.held
        if visit.view_note:
            payload["view"] = visit.view_note
        if visit.picture_note:
            payload["picture"] = visit.picture_note
        concurrent = visit.main_record.record_id if visit.main_record else None
        # A few kilobytes: written here, on the loop's thread (see `offload`).
        visit.metadata_record = self.writer.write_metadata(
            observation_urn(visit.ref, visit.started_at),
            payload,
            visit.started_at,
            concurrent,
        )


def observation_urn(ref: PostRef, at: datetime) -> str:
    """The target of a look's metadata record: a URI of its own. Under the post's URL, replay
    tools indexed it beside the page fetched in the same second and served the JSON instead."""
    stamp = at.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
    return f"urn:archiver:observation:{ref.platform}:{quote(ref.key, safe='')}:{stamp}"


def main_record(ref: PostRef, written: list[WrittenRecord]) -> RecordRef | None:
    """The record that best stands for the post: a full response of its main endpoint if any."""
    for role in platforms.main_roles(ref.platform):
        candidates = [w.ref for w in written if w.role == role]
        full = [r for r in candidates if r.warc_type == "response"]
        if full or candidates:
            return (full or candidates)[0]
    return None


def _unreadable(exc: Exception) -> str:
    """A parser that raised on an answer: a bug, but one that must cost this post's verdict
    only (an error, never gone), not the run; the answer is already in the WARC (issue 12)."""
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def _attempt(exchange: Exchange) -> dict[str, object]:
    entry: dict[str, object] = {
        "role": exchange.role,
        "url": exchange.logical_url,
        "attempt": exchange.attempt,
        "at": exchange.started_at.isoformat(),
        "status": exchange.status,
    }
    if exchange.fetched_url != exchange.logical_url:
        entry["fetched_url"] = exchange.fetched_url
    if exchange.with_user_cookies:
        entry["with_user_cookies"] = True  # what was seen logged in is marked as such
    for key in ("error", "truncated", "decode_error"):
        value = getattr(exchange, key)
        if value:
            entry[key] = value
    return entry
