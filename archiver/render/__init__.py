"""Drawing with a browser: each post's picture, and exhibits as PDF (issue 15).

Headless Chromium (Debian's, driven by Playwright), strictly offline: a page is given its
HTML and every resource it may load, and any other request is refused — a picture is made
from the archive, never from the live site, whose pages can be faked in devtools and are
full of overlays. Scripts are off.

May import: ``archiver.errors`` and ``archiver.config``, and Playwright. Never HTTP, never
the database or the WARC files: callers hand it bytes.
"""
