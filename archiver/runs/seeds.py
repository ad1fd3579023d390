"""Where URLs to capture come from: seed lists and the pages that cite posts.

Seed list format (see seeds/README.md): UTF-8 text, one URL a line; ``#``
starts a comment, on its own line or after the URL; blank lines are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urljoin, urlsplit

from archiver import platforms
from archiver.errors import SeedFileError, UnsupportedURL
from archiver.core.pages import read_page

MAX_LINE = 8192


@dataclass(frozen=True)
class SeedLine:
    line_no: int
    url: str


def read_seed_file(path: Path) -> Iterator[SeedLine]:
    """The URLs of a seed list, lazily: a list of millions of lines stays out of memory."""
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise SeedFileError(f"cannot read seed list {path}: {exc.strerror or exc}") from None
    with handle:
        head = handle.read(4096)
        if b"\x00" in head:
            raise SeedFileError(f"seed list {path} is not a text file (it holds NUL bytes)")
        handle.seek(0)
        for line_no, raw in enumerate(handle, start=1):
            if len(raw) > MAX_LINE:
                raise SeedFileError(f"seed list {path}, line {line_no}: line longer than {MAX_LINE} bytes")
            try:
                line = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
            except UnicodeDecodeError:
                raise SeedFileError(f"seed list {path}, line {line_no}: not UTF-8 text") from None
            text = line.split(" #", 1)[0].split("\t#", 1)[0].strip()
            if not text or text.startswith("#"):
                continue
            yield SeedLine(line_no, text)


def post_links(html: str, base_url: str) -> list[str]:
    """Tweets and Facebook posts a page links to or embeds, first mention first, once each."""
    page = read_page(html)
    found: list[str] = []
    seen: set[str] = set()
    for href in page.embeds + page.links:
        try:
            absolute = _embedded_target(urljoin(base_url, href))
            ref = platforms.recognise(absolute)
        except (UnsupportedURL, ValueError):
            continue
        if ref.platform == "web" or ref.ref in seen:
            continue
        seen.add(ref.ref)
        found.append(absolute)
    return found


def _embedded_target(url: str) -> str:
    """The post an embed iframe shows: Facebook's plugins take ``href``, X's embed takes ``id``."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    host = (parts.hostname or "").lower()
    if host in ("www.facebook.com", "facebook.com") and parts.path in ("/plugins/post.php", "/plugins/video.php"):
        return query.get("href", [url])[0]
    if host == "platform.twitter.com" and parts.path.startswith("/embed/") and query.get("id", [""])[0].isdigit():
        return f"https://x.com/i/web/status/{query['id'][0]}"
    return url
