"""What a page says about itself: <title>, <meta>, ld+json, and the links it holds.

Built on the standard library's tolerant `html.parser`, which never raises on
broken markup; hostile pages therefore give partial results, not errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

MAX_LINKS = 10_000


@dataclass
class PageMeta:
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    canonical: str = ""
    ld_json: list[Any] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    embeds: list[str] = field(default_factory=list)

    def get(self, *names: str) -> str:
        for name in names:
            value = self.meta.get(name)
            if value:
                return value
        return ""


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageMeta()
        self._in_title = False
        self._title_parts: list[str] = []
        self._script_type: str | None = None
        self._script_parts: list[str] = []
        self._embed_depth = 0  # inside blockquote.twitter-tweet / div.fb-post

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "title" and not self.page.title:
            self._in_title = True
        elif tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
            if key and "content" in a and key not in self.page.meta:
                self.page.meta[key] = a["content"].strip()
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.page.canonical = self.page.canonical or a.get("href", "").strip()
        elif tag == "script":
            self._script_type = a.get("type", "").lower()
            self._script_parts = []
        elif tag == "a" and a.get("href"):
            self._add(self.page.embeds if self._embed_depth else self.page.links, a["href"])
        elif tag in ("iframe", "embed") and a.get("src"):
            self._add(self.page.embeds, a["src"])
        classes = a.get("class", "").split()
        if tag == "blockquote" and ("twitter-tweet" in classes or "twitter-video" in classes):
            self._embed_depth += 1
        if tag == "div" and ("fb-post" in classes or "fb-video" in classes) and a.get("data-href"):
            self._add(self.page.embeds, a["data-href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            if not self.page.title:
                self.page.title = " ".join("".join(self._title_parts).split())
        elif tag == "script" and self._script_type is not None:
            if self._script_type == "application/ld+json":
                try:
                    self.page.ld_json.append(json.loads("".join(self._script_parts)))
                except (ValueError, RecursionError):
                    pass
            self._script_type = None
        elif tag == "blockquote" and self._embed_depth:
            self._embed_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_parts.append(data)
        elif self._script_type is not None:
            self._script_parts.append(data)

    def _add(self, bucket: list[str], url: str) -> None:
        if len(self.page.links) + len(self.page.embeds) < MAX_LINKS:
            bucket.append(url.strip())


def read_page(html: str) -> PageMeta:
    """Parse ``html`` leniently; never raises on malformed markup."""
    parser = _MetaParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError, RecursionError):  # pragma: no cover - defensive
        pass
    if parser._in_title and not parser.page.title:
        parser.page.title = " ".join("".join(parser._title_parts).split())
    return parser.page


def decode_html(body: bytes, content_type: str = "") -> str:
    """Bytes to text using the declared charset, falling back to UTF-8 with replacement."""
    charset = ""
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            charset = value.strip().strip('"')
    if not charset:
        head = body[:2048].lower()
        marker = head.find(b"charset=")
        if marker != -1:
            rest = head[marker + 8 :].lstrip(b"\"' ")
            charset = rest.split(b'"')[0].split(b"'")[0].split(b";")[0].split(b" ")[0].split(b">")[0].decode("ascii", "ignore")
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def text_of(html_fragment: str) -> str:
    """Visible text of a small fragment (an oEmbed blockquote), tags dropped."""

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.depth_p = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "p":
                self.depth_p += 1
            elif tag == "br" and self.depth_p:
                self.parts.append("\n")

        def handle_endtag(self, tag: str) -> None:
            if tag == "p" and self.depth_p:
                self.depth_p -= 1

        def handle_data(self, data: str) -> None:
            if self.depth_p:
                self.parts.append(data)

    parser = _Text()
    parser.feed(html_fragment)
    parser.close()
    return "".join(parser.parts).strip()
