"""The user's webhook (``ARCHIVER_WEBHOOK_URL``): told what a run found, as JSON POSTs.

Not evidence, so not through the fetcher (nothing of it goes into a WARC); but HTTP, so here.
"""

from __future__ import annotations

import httpx


async def post_events(url: str, events: list[dict[str, object]]) -> list[str]:
    """POST each event as JSON. Failures are reported, never fatal: a run's results stand."""
    errors: list[str] = []
    if not events:
        return errors
    async with httpx.AsyncClient(timeout=10) as client:
        for body in events:
            try:
                response = await client.post(url, json=body)
                if response.status_code >= 400:
                    errors.append(f"webhook answered HTTP {response.status_code}")
            except httpx.HTTPError as exc:
                errors.append(f"webhook failed: {type(exc).__name__}: {exc}")
    return errors
