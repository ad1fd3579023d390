"""Links inside a post, followed at capture (issue 16).

A platform may wrap every link of a post in its own shortener; the post says where it expands
to, but only following it shows where it leads *now*, and a shortener can be repointed at any
time. The
fetcher follows each redirect by hand, so every hop is its own pair of WARC records; here the
hops' end is written down beside what the platform claimed.
"""

from __future__ import annotations

from collections.abc import Mapping

from archiver.platforms.base import LINK_ROLE, PostData, Response


def followed_links(
    data: PostData | None, responses: Mapping[str, Response]
) -> list[dict[str, object]]:
    """Each link of the post: as it holds it, what the platform says it expands to, and where
    following it ended (its URL and status; null when it was not followed or failed)."""
    if data is None or not data.links:
        return []
    ends: dict[str, Response] = {
        answer.url: answer
        for role, answer in responses.items()
        if role.split(":", 1)[0] == LINK_ROLE
    }
    found: list[dict[str, object]] = []
    for link in data.links:
        end = ends.get(link.url)
        found.append(
            {
                "url": link.url,
                "expanded": link.expanded,
                "resolved": (end.final_url or end.url) if end is not None and end.status else None,
                "status": end.status if end is not None else None,
                "error": (end.problem if end is not None else "") or None,
            }
        )
    return found
