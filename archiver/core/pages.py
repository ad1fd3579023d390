"""What a page says about itself: <title>, <meta>, ld+json, its text, and the links it holds.

Pages are parsed with lexbor (through selectolax), an HTML5 parser that never
raises on broken markup. Python's own `html.parser` was quadratic on some
hostile markup (a 200 KB page shaped like a social network's took 559 s of CPU, issue 10);
lexbor is linear on that, but has quadratic corners of its own (tens of
thousands of attributes on one element, or block elements nested tens of
thousands deep), so a page is first cut to `MAX_PARSE_CHARS` and passed
through `defuse`, a linear scan that bounds both. No real page comes near
those bounds; a hostile one loses only what lies beyond them.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.core.content import without_surrogates

MAX_LINKS = 10_000
# Real pages seen so far are under 2 MB of text; the rest of a longer page is not parsed.
MAX_PARSE_CHARS = 4_000_000
# An HTML5 tree costs about 200 bytes an element: 4 MB of "<a>" made 1.3 million of them and
# 290 MB of memory (issue 12). Real pages have tens of thousands; the rest of a page with
# more tags than this is not parsed.
MAX_TAGS = 150_000
MAX_DEPTH = 128  # real pages seen: at most 35 deep
MAX_ATTRIBUTES = 256

# Elements that never hold children, and those whose end tag may be left out (HTML §13.1.2.4):
# neither is counted as nesting by `defuse`, since the parser closes them on its own.
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_OPTIONAL_END = frozenset(
    [
        "html",
        "head",
        "body",
        "p",
        "li",
        "dt",
        "dd",
        "option",
        "optgroup",
        "tr",
        "td",
        "th",
        "tbody",
        "thead",
        "tfoot",
        "colgroup",
        "rb",
        "rt",
        "rp",
        "caption",
    ]
)
_RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "noembed", "noframes", "plaintext"}
)
# Start tags that make an HTML5 parser look through the whole stack of open elements (they
# close a <p> "in button scope", §13.2.6.4.7): quadratic when nested deep. Past `MAX_DEPTH`
# they are left out, which flattens the page but keeps every word and link inside them.
_FLATTEN = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "header",
        "hgroup",
        "main",
        "menu",
        "nav",
        "ol",
        "section",
        "summary",
        "ul",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "listing",
        "form",
        "table",
    ]
)
_INVISIBLE = frozenset({"script", "style", "noscript", "template"})
_ATTRIBUTE = re.compile(r"""\s*[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")


def defuse(html: str) -> str:
    """``html`` with nesting beyond `MAX_DEPTH` and attributes beyond `MAX_ATTRIBUTES` left out.

    Linear in the length: one regular-expression pass for tags with thousands of
    attributes, one pass over the tags for nesting (script and style contents skipped).
    Returns ``html`` itself when nothing had to change (every real page seen so far).
    """
    if _LONG_TAG.search(html):
        html = _LONG_TAG.sub(_trim_long_tag, html)
    # The parser's cost is at most (start tags that scan the stack) x (depth): when that
    # product is small, which it is for every real page, the per-tag pass is not needed.
    tags = html.count("<")
    if tags * tags < _SAFE_WORK:
        return html
    lower = html.lower()
    if sum(lower.count("<" + name) for name in _FLATTEN) * tags < _SAFE_WORK:
        return html
    pieces: list[str] = []
    kept_until = 0
    depth = 0
    dropped: dict[str, int] = {}
    skip_to = 0
    kinds = _KINDS
    for match in _TAG_START.finditer(html):
        name = match[2]
        kind = kinds.get(name)
        if kind is None:
            kind = kinds[name] = _kind(name.lower())
        if kind == _FREE:
            continue
        start = match.start()
        if start < skip_to:
            continue  # inside a script or style: text, not tags
        if match[1]:  # an end tag
            if dropped and dropped.get(name.lower()):
                dropped[name.lower()] -= 1
                end = html.find(">", start)
                pieces.append(html[kept_until:start])
                kept_until = len(html) if end == -1 else end + 1
            elif depth:
                depth -= 1
        elif kind == _RAW:
            skip_to = _raw_end(html, name, start + 1)
        elif depth < MAX_DEPTH or kind != _FLAT:
            depth += 1
        else:
            key = name.lower()
            dropped[key] = dropped.get(key, 0) + 1
            end = html.find(">", start)
            pieces.append(html[kept_until:start])
            kept_until = len(html) if end == -1 else end + 1
    if not pieces:
        return html
    pieces.append(html[kept_until:])
    return "".join(pieces)


_FREE, _RAW, _FLAT, _OTHER = range(4)
_KINDS: dict[str, int] = {}
_SAFE_WORK = 300_000_000
# Only the tag's name: attributes are scanned by the parser, not here.
_TAG_START = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:_-]{0,63})")
_LONG_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:_-]{0,63})([^<>]{4096,})>")


def _trim_long_tag(match: re.Match[str]) -> str:
    return f"<{match[1]}{_first_attributes(match[2])}>"


def _kind(name: str) -> int:
    if name in _VOID or name in _OPTIONAL_END:
        return _FREE
    if name in _RAW_TEXT:
        return _RAW
    return _FLAT if name in _FLATTEN else _OTHER


def _raw_end(html: str, name: str, start: int) -> int:
    match = re.compile(f"</{re.escape(name)}", re.I).search(html, start)
    return match.start() if match else len(html)


def _first_attributes(attrs: str) -> str:
    end = 0
    for count, match in enumerate(_ATTRIBUTE.finditer(attrs)):
        if count >= MAX_ATTRIBUTES or not match.group(0).strip():
            break
        end = match.end()
    return attrs[:end]


def parse_html(html: str) -> LexborHTMLParser:
    """A parsed document; never raises, bounded in time by `defuse` and in size by
    `MAX_PARSE_CHARS` and `MAX_TAGS`."""
    html = html[:MAX_PARSE_CHARS]
    if html.count("<") > MAX_TAGS:
        html = html[: _nth_tag_start(html, MAX_TAGS)]
    return LexborHTMLParser(defuse(html))


def _nth_tag_start(html: str, n: int) -> int:
    position = -1
    for _ in range(n):
        position = html.find("<", position + 1)
    return position


def node_text(node: LexborNode | None) -> str:
    """An element's text, white space collapsed."""
    if node is None:
        return ""
    return " ".join((node.text(deep=True, separator=" ") or "").split())


def block_text(node: LexborNode) -> str:
    """An element's text with its line breaks (``<br>``, paragraphs) kept as newlines."""
    parts: list[str] = []
    for child in node.traverse(include_text=True):
        tag = child.tag
        if tag == "-text":
            parts.append(child.text_content or "")
        elif tag == "br" or tag in ("p", "div", "li") and parts and not parts[-1].endswith("\n"):
            parts.append("\n")
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@dataclass
class PageMeta:
    """What a page says about itself. ``document`` is the parsed tree, for platform parsers."""

    document: LexborHTMLParser
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    canonical: str = ""
    # Every (key, content) pair of the page's <meta> tags, in order (keys may repeat).
    meta_pairs: list[tuple[str, str]] = field(default_factory=list)
    ld_json_texts: list[str] = field(default_factory=list)

    def get(self, *names: str) -> str:
        for name in names:
            value = self.meta.get(name)
            if value:
                return value
        return ""

    def meta_all(self, name: str) -> list[str]:
        """Every value of a meta property that may repeat (``og:image``)."""
        return [value for key, value in self.meta_pairs if key == name and value]

    @cached_property
    def ld_json(self) -> list[Any]:
        found = []
        for text in self.ld_json_texts:
            try:
                found.append(without_surrogates(json.loads(text)))
            except (ValueError, RecursionError):
                continue
        return found

    @cached_property
    def links(self) -> list[str]:
        """The ``href`` of every link, first first (at most `MAX_LINKS`)."""
        return [
            (node.attributes.get("href") or "").strip()
            for node in self.document.css("a[href]")[:MAX_LINKS]
        ]

    @cached_property
    def frames(self) -> list[str]:
        """What the page frames in: the ``src`` of its iframes and embeds (often embedded posts)."""
        nodes = self.document.css("iframe[src], embed[src]")[:MAX_LINKS]
        return [(node.attributes.get("src") or "").strip() for node in nodes]

    def scripts(self) -> Iterator[str]:
        """The text of each inline script (where pages carry their JSON payloads)."""
        for node in self.document.css("script"):
            text = node.text(deep=True)
            if text:
                yield text

    def hidden_fragments(self) -> Iterator[PageMeta]:
        """Markup a page ships inside comments for its scripts to insert later (BigPipe's
        ``<code><!-- … --></code>``, seen on mobile pages of a social network in 2021), parsed."""
        for code in self.document.css("code"):
            for child in code.iter(include_text=True):
                if child.is_comment_node and child.comment_content:
                    yield read_page(child.comment_content)

    def visible_text(self) -> str:
        """The body's text without scripts and styles, white space collapsed."""
        body = self.document.body
        if body is None:
            return ""
        parts = [
            node.text_content or ""
            for node in body.traverse(include_text=True)
            if node.tag == "-text" and node.parent is not None and node.parent.tag not in _INVISIBLE
        ]
        return " ".join(" ".join(parts).split())


def read_page(html: str) -> PageMeta:
    """Parse ``html`` leniently; never raises on malformed markup."""
    document = parse_html(html)
    page = PageMeta(document)
    # One walk of the tree for everything a page says about itself (each query is a walk).
    for node in document.css('title, meta, link[rel][href], script[type="application/ld+json"]'):
        tag, attrs = node.tag, node.attributes
        if tag == "meta":
            key = (
                (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "")
                .strip()
                .lower()
            )
            content = attrs.get("content")
            if key and content is not None:
                page.meta_pairs.append((key, content.strip()))
                page.meta.setdefault(key, content.strip())
        elif tag == "title":
            if not page.title:
                page.title = node_text(node)
        elif tag == "link":
            if not page.canonical and "canonical" in (attrs.get("rel") or "").lower().split():
                page.canonical = (attrs.get("href") or "").strip()
        else:
            page.ld_json_texts.append(node.text(deep=True) or "")
    return page


def decode_html(body: bytes, content_type: str = "") -> str:
    """Bytes to text using the declared charset, falling back to UTF-8 with replacement.

    A charset is used only if Python knows it as a text encoding; anything else
    (``charset=idna``, ``undefined``, a binary codec, a typo) is ignored, and a
    decoder that fails anyway falls back to UTF-8: a page's own label never stops a parse.
    """
    charset = _declared_charset(content_type) or _sniffed_charset(body)
    if charset:
        try:
            if codecs.lookup(charset)._is_text_encoding and charset.lower() not in _NOT_FOR_PAGES:
                return body.decode(charset, errors="replace")
        except (LookupError, UnicodeError, ValueError, TypeError):
            pass
    return body.decode("utf-8", errors="replace")


# Text encodings Python has that no web page is served in; WHATWG's Encoding standard maps
# unknown labels to failure and the HTML spec then uses UTF-8, as we do.
_NOT_FOR_PAGES = frozenset(
    {
        "idna",
        "punycode",
        "raw_unicode_escape",
        "unicode_escape",
        "undefined",
        "utf_7",
        "utf-7",
        "raw-unicode-escape",
        "unicode-escape",
    }
)


def _declared_charset(content_type: str) -> str:
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'")[:40]
    return ""


def _sniffed_charset(body: bytes) -> str:
    head = body[:2048].lower()
    marker = head.find(b"charset=")
    if marker == -1:
        return ""
    rest = head[marker + 8 :].lstrip(b"\"' ")
    match = re.match(rb"[a-z0-9_.:-]{1,40}", rest)
    return match.group(0).decode("ascii") if match else ""


def text_of(html_fragment: str) -> str:
    """The text of an oEmbed blockquote's paragraphs, line breaks kept."""
    document = parse_html(html_fragment)
    paragraphs = document.css("p")
    return "\n".join(block_text(p) for p in paragraphs).strip()
