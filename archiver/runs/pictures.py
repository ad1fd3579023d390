"""A picture of each post (issue 15): its view, drawn offline in headless Chromium from the
archive — the view record and the media records of the look that made it — and written into
the WARC as a PNG ``resource`` record naming the records it was drawn from.

Drawn at capture: one picture of how the post read when it was archived. A picture is an
aid to the eye; the evidence stays the records it names.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from archiver.core.records import RecordRef
from archiver.errors import WarcError
from archiver.platforms.base import view_url
from archiver.render.browser import Renderer, Resource
from archiver.warc.reader import read_record
from archiver.warc.writer import WarcWriter

if TYPE_CHECKING:
    from archiver.runs.observe import Visit, WrittenRecord
    from archiver.runs.views import WrittenView

PICTURE_ROLE = "picture"
# Where an earlier record is (its file and offset), by record id: for the media a revisit repeats.
Locate = Callable[[list[str]], dict[str, tuple[str, int]]]


def picture_url(visit: Visit) -> str:
    return view_url(visit.ref) + "/picture.png"


async def draw_picture(
    renderer: Renderer, writer: WarcWriter, locate: Locate, visit: Visit, view: WrittenView
) -> tuple[RecordRef | None, str]:
    """Draw and write the picture of ``view``: its record, or why there is none."""
    media = [w for w in visit.records if w.role.startswith("media:")]
    try:
        resources, used = await asyncio.to_thread(_media, writer.directory, locate, media)
        png = await renderer.picture(view.record.target_uri, view.html, resources)
    except Exception as exc:  # a picture that cannot be drawn costs only itself
        return None, f"the picture could not be drawn: {type(exc).__name__}: {str(exc)[:200]}"
    ref = await asyncio.to_thread(
        writer.write_resource,
        picture_url(visit),
        png,
        "image/png",
        visit.started_at,
        [(view.record.record_id, view.record.payload_digest), *used],
    )
    return ref, ""


def _media(
    directory: Path, locate: Locate, media: list[WrittenRecord]
) -> tuple[dict[str, Resource], list[tuple[str, str | None]]]:
    """The archived media of a look, by URL, read back from the WARC (a revisit from the
    response it repeats); and the records they came from."""
    resources: dict[str, Resource] = {}
    used: list[tuple[str, str | None]] = []
    for written in media:
        ref = written.ref
        try:
            warc, http, body = read_record(directory / ref.warc_file, ref.offset)
            if ref.warc_type == "revisit":
                original = locate([warc.get("WARC-Refers-To", "")]).get(
                    warc.get("WARC-Refers-To", "")
                )
                if original is None:
                    continue
                _, http, body = read_record(directory / original[0], original[1])
        except WarcError:
            continue
        headers = {k.lower(): v for k, v in (http or {}).items()}
        resources[ref.target_uri] = Resource(headers.get("content-type", ""), body)
        used.append((ref.record_id, ref.payload_digest))
    return resources, used
