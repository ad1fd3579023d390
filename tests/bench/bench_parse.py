"""Parse time of a Facebook post page, real-sized and hostile (issue 10).

    .venv/bin/python tests/bench/bench_parse.py [--page FILE ...] [--size 1000000]

Each page goes through what a capture or a recheck does with it — Facebook's
page reading and classification (`archiver.platforms.facebook.examine`) — and
the time is CPU seconds, best of three. The baseline, in the same run, is
Python's ``html.parser`` (what archiver used before) reading the same page's
meta tags, given at most ``--baseline-limit`` seconds: it was quadratic on
hostile markup (a 200 KB page took 559 s).

The pages: a Facebook-shaped page of ``--fb-size`` bytes built here (a 2020
www permalink: a recent-posts column, the post, and the inline JSON payloads
and styles that make real pages large), any real pages given with ``--page``,
and ``--size``-byte hostile pages of each kind known to make an HTML parser
slow (unclosed tags, deep nesting, attribute floods, unclosed comments).
Target: under 0.2 s each.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from archiver.platforms.facebook.classify import _examine
from tests.bench.common import machine

URL = "https://www.facebook.com/SimPage/posts/700000000000101"


def facebook_shaped(size: int) -> bytes:
    """A www permalink page of about ``size`` bytes, shaped like the 2020 recordings."""
    head = (
        '<!DOCTYPE html><html lang="en" id="facebook"><head><meta charset="utf-8" />'
        '<title id="pageTitle">A post - Sim Page | Facebook</title>'
        '<meta property="og:title" content="Sim Page" /><meta property="og:description" content="A post." />'
        f'<meta property="og:url" content="{URL}" /><style>'
        + "".join(f"._{i:x}{{margin:{i % 7}px;padding:{i % 5}px}}" for i in range(2000))
        + "</style></head><body>"
    )
    sidebar = "".join(
        f'<div class="_4-u2 _74wi"><div class="_5kjo"><a href="https://www.facebook.com/SimPage/?ftentidentifier={n}">'
        f'Sim Page</a><a class="_5kjp" href="/SimPage/posts/{9_000_000 + n}"><abbr data-utime="{1_590_000_000 + n}" '
        f'title="Friday">May</abbr></a><span>Recent post number {n}, with some text of its own.</span>'
        '<img class="_s0 img" src="https://scontent.x.fbcdn.net/v/t1.0-1/cp0/p40x40/1_2_n.png?oh=a&amp;oe=B" /></div>'
        "</div>"
        for n in range(400)
    )
    post = (
        '<div class="_5pcr userContentWrapper"><h5><a href="https://www.facebook.com/SimPage/">Sim Page</a></h5>'
        '<div class="_5pcp"><a class="_5pcq" href="/SimPage/posts/700000000000101"><abbr data-utime="1413905786">'
        'October 21, 2014</abbr></a></div><div data-testid="post_message" class="userContent"><p>A post.</p></div>'
        "</div>"
    )
    payload_item = {
        "__typename": "Story",
        "id": "S:_I1:1",
        "creation_time": 1590000000,
        "message": {"text": "Somebody else's words, \u00e1 and \u00e9, in a list of stories."},
        "attachments": [
            {"url": "https:\\/\\/www.facebook.com\\/x", "media": {"image": {"uri": "u"}}}
        ],
    }
    scripts = []
    body = head + sidebar + post
    while len(body) + sum(map(len, scripts)) < size:
        chunk = json.dumps(
            {"require": [["RelayPrefetchedStreamCache", "next", [], [payload_item] * 40]]}
        )
        scripts.append(f'<script type="application/json" data-sjs>{chunk}</script>')
    return (body + "".join(scripts) + "</body></html>").encode()


def hostile(kind: str, size: int) -> bytes:
    units = {
        "unclosed tags": "<a ",
        "deep nesting": "<div>",
        "nested lists": "<ul><li>",
        "formatting": "<b><i><u><s>",
        "attribute flood": None,
        "unclosed comment": "<!--" + "-" * 16,
        "open table cells": "<table><tr><td>",
        "entities": "&#x1;&amp",
    }
    if kind == "attribute flood":
        attrs = []
        total = 5
        n = 0
        while total < size:
            attrs.append(f"a{n}=x")
            total += len(attrs[-1]) + 1
            n += 1
        return ("<div " + " ".join(attrs) + ">").encode()
    unit = units[kind]
    assert unit is not None
    # No closing markup after the hostile run: a final ">" would end an unclosed tag and
    # spare html.parser the quadratic rescan that made it take minutes.
    return (
        f'<html><head><title>Facebook</title><meta property="og:url" content="{URL}"></head><body>'
        + unit * (size // len(unit))
    ).encode()


def archiver_seconds(body: bytes) -> float:
    best = float("inf")
    for attempt in range(3):
        _examine.cache_clear()
        start = time.process_time()
        _examine(
            "post:700000000000101", URL, body + b" " * attempt, "text/html; charset=utf-8", URL
        )
        best = min(best, time.process_time() - start)
    return best


def _old_parser(body: bytes, out: multiprocessing.Queue[float]) -> None:
    from html.parser import HTMLParser

    class Meta(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            pass

    start = time.process_time()
    parser = Meta()
    parser.feed(body.decode("utf-8", "replace"))
    parser.close()
    out.put(time.process_time() - start)


def baseline_seconds(body: bytes, limit: float) -> str:
    """html.parser's time on the page, or "> limit" when it is still going."""
    queue: multiprocessing.Queue[float] = multiprocessing.Queue()
    worker = multiprocessing.Process(target=_old_parser, args=(body, queue))
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        worker.terminate()
        worker.join()
        return f"> {limit:g}"
    return f"{queue.get():.3f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000, help="bytes of each hostile page")
    parser.add_argument(
        "--fb-size", type=int, default=1_300_000, help="bytes of the Facebook-shaped page"
    )
    parser.add_argument("--page", action="append", default=[], help="a real page to time as well")
    parser.add_argument("--baseline-limit", type=float, default=60.0)
    args = parser.parse_args()
    pages: list[tuple[str, bytes]] = [("Facebook-shaped permalink", facebook_shaped(args.fb_size))]
    pages += [(f"real: {Path(p).name}", Path(p).read_bytes()) for p in args.page]
    shaped = facebook_shaped(args.size // 2)
    pages.append(
        (
            "hostile: Facebook-shaped, then unclosed tags",
            shaped + b"<a " * ((args.size - len(shaped)) // 3),
        )
    )
    pages += [
        (f"hostile: {kind}", hostile(kind, args.size))
        for kind in (
            "unclosed tags",
            "deep nesting",
            "nested lists",
            "formatting",
            "attribute flood",
            "unclosed comment",
            "open table cells",
            "entities",
        )
    ]
    print(f"Facebook page parse time, CPU seconds (best of 3); {machine()}; target < 0.2 s")
    print(f"{'page':<62}{'bytes':>10}{'archiver':>10}{'html.parser':>13}")
    for name, body in pages:
        ours = archiver_seconds(body)
        base = baseline_seconds(body, args.baseline_limit)
        mark = "✔" if ours < 0.2 else "✘"
        print(f"{name[:61]:<62}{len(body):>10}{ours:>9.3f}{mark}{base:>13}", flush=True)


if __name__ == "__main__":
    main()
