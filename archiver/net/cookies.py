"""Cookies the user supplies for a login-walled platform (``ARCHIVER_COOKIES_FILE``).

A cookies file is the key to an account: it is read only when its permissions keep
other users out (no group or world bits), it is never copied anywhere, and the Cookie
header it produces is sent but never written to a WARC request record, a log or a
report. Cookies that services set in answers are never kept (see `fetcher`).
"""

from __future__ import annotations

import os
import stat
import urllib.request
from http.cookiejar import LoadError, MozillaCookieJar
from pathlib import Path

from archiver.errors import InputError


class UserCookies:
    """A Netscape/Mozilla ``cookies.txt`` file, as browser extensions export it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            info = self.path.stat()
        except OSError as exc:
            raise InputError(f"ARCHIVER_COOKIES_FILE {self.path}: {exc.strerror or exc}") from None
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise InputError(
                f"ARCHIVER_COOKIES_FILE {self.path} can be read by other users (mode "
                f"{stat.S_IMODE(info.st_mode):o}); it holds the keys to an account: chmod 600 it"
            )
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise InputError(f"ARCHIVER_COOKIES_FILE {self.path} belongs to another user")
        self._jar = MozillaCookieJar(str(self.path))
        try:
            self._jar.load(ignore_discard=True, ignore_expires=False)
        except (LoadError, OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"ARCHIVER_COOKIES_FILE {self.path} is not a cookies.txt file: {exc}"
            ) from None

    def header_for(self, url: str) -> str | None:
        """The Cookie header a browser would send to ``url``, or None."""
        request = urllib.request.Request(url)
        self._jar.add_cookie_header(request)
        return request.get_header("Cookie")

    def __len__(self) -> int:
        return len(self._jar)
