"""Writing a post's readable view into the WARC after a look that saw it alive (issue 14).

The platform renders it (`archiver.platforms.view`) from the answers just archived; it is
written as a ``resource`` record under `archiver.platforms.base.view_url`, naming those
records, so that a replay tool opens on what the post said rather than on a JavaScript shell
or on raw JSON. A view that cannot be made costs nothing but itself: the look stands.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archiver import platforms
from archiver.config import Settings
from archiver.core.records import RecordRef
from archiver.core.status import OutcomeKind
from archiver.net.politeness import rewrite_url
from archiver.platforms.base import Seen, Source, view_url
from archiver.runs.offload import off_loop
from archiver.warc.writer import WarcWriter

if TYPE_CHECKING:
    from archiver.runs.observe import Visit

VIEW_ROLE = "view"


def sources_of(visit: Visit) -> tuple[Source, ...]:
    """The records that say what the post said: the answers, not requests, media or views."""
    return tuple(
        Source(w.role, w.ref.target_uri, w.ref.record_id, w.ref.payload_digest, w.ref.date)
        for w in visit.records
        if w.ref.warc_type in ("response", "revisit")
        and not w.role.startswith("media:")
        and w.role != "resolve"
    )


@dataclass(frozen=True)
class WrittenView:
    record: RecordRef
    html: bytes


async def write_view(
    visit: Visit, writer: WarcWriter, settings: Settings
) -> tuple[WrittenView | None, str]:
    """Write the view of an alive post seen in ``visit``: its record, or why there is none."""
    data = visit.data
    if visit.control:
        return None, "a control post's look (issue 11): no view"
    if visit.outcome.kind is not OutcomeKind.ALIVE or data is None or not data.has_content():
        return None, "not seen alive"
    seen = Seen(
        ref=visit.ref,
        data=data,
        responses=visit.responses,
        sources=sources_of(visit),
        observed_at=visit.started_at,
        archived=functools.partial(_archived, rewrites=settings.url_rewrite),
    )
    try:
        html = platforms.view(seen)
    except Exception as exc:  # a bug in a renderer must not cost the look
        return None, f"the view could not be made: {type(exc).__name__}: {str(exc)[:200]}"
    if html is None:
        return None, "the platform's own page is its view"
    body = html.encode("utf-8", "replace")
    ref = await off_loop(
        len(body),
        writer.write_resource,
        view_url(visit.ref),
        body,
        "text/html; charset=utf-8",
        visit.started_at,
        [(s.record_id, s.payload_digest) for s in seen.sources],
    )
    return WrittenView(ref, body), ""


def _archived(url: str, rewrites: tuple[tuple[str, str], ...]) -> str:
    return rewrite_url(url, rewrites)
