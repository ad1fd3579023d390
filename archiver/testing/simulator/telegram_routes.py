"""The simulated Telegram endpoints: a post's embed widget and landing page, a channel's
landing page and preview, and the media CDN.

States (`server.STATES`) as Telegram plays them: deleted and deleted_quiet, the widget's
"Post not found" in a channel that is still there; account_gone, protected and suspended,
"Post not found" and a name no public channel has; login_wall, the widget's transient
"Channel with username @… not found" (seen under rate limiting); rate_limited, a 429 "Too
Many Requests: retry after N" page; unknown_shape, a widget of a layout no parser knows.
A post's ``account_protected`` withholds its channel's preview (t.me/s/ answers 302).
"""

from __future__ import annotations

from archiver.testing.simulator import content, telegram_pages
from archiver.testing.simulator.content import SimPost
from archiver.testing.simulator.handler import Plumbing

_CHANNEL_GONE = frozenset({"account_gone", "protected", "suspended"})


class TelegramRoutes(Plumbing):
    def _tg_posts(self, channel: str) -> list[SimPost]:
        return [
            p
            for p in self.sim.posts.values()
            if p.platform == "telegram" and p.key.split("/", 1)[0] == channel.lower()
        ]

    def _telegram(self, rest: str, query: dict[str, str]) -> None:
        segments = [s for s in rest.split("/") if s]
        if segments and segments[0] == "s":
            self._tg_preview(segments[1] if len(segments) > 1 else "")
            return
        if len(segments) == 1:
            self._tg_channel(segments[0])
            return
        if len(segments) != 2 or not segments[1].isdigit():
            self._send(404, b"<html><body>Not Found</body></html>")
            return
        channel, number = segments[0].lower(), segments[1]
        post = self.sim.get(f"telegram:{channel}/{number}")
        siblings = self._tg_posts(channel)
        title = siblings[0].name if siblings else channel
        if query.get("embed") != "1":
            # The landing page renders for any number of a channel that exists.
            shown = post if post is not None and post.state not in _CHANNEL_GONE else None
            if shown is None:
                self._send(200, telegram_pages.channel_landing(channel, None).encode())
            else:
                serial = self.sim.next_serial()
                self._send(200, telegram_pages.landing(shown, title, serial).encode())
            return
        if post is None:
            self._send(200, telegram_pages.widget_error().encode())
            return
        if post.state == "rate_limited":
            self._send(
                429,
                f"Too Many Requests: retry after {self.sim.retry_after}".encode(),
                "text/plain; charset=utf-8",
                {"Retry-After": str(self.sim.retry_after)},
            )
            return
        if self._limited(post):
            return
        state = post.state
        if state in ("deleted", "deleted_quiet", *_CHANNEL_GONE):
            self._send(200, telegram_pages.widget_error().encode())
        elif state == "login_wall":
            text = f"Channel with username @{channel} not found"
            self._send(200, telegram_pages.widget_error(text).encode())
        elif state == "unknown_shape":
            self._send(200, telegram_pages.UNKNOWN_WIDGET.encode())
        elif state == "empty":
            self._send(200, b"")
        else:
            self._send(200, telegram_pages.widget(post, self.sim.next_serial()).encode())

    def _tg_channel(self, channel: str) -> None:
        posts = self._tg_posts(channel)
        there = posts and not any(p.state in _CHANNEL_GONE for p in posts)
        title = posts[0].name if there else None
        self._send(200, telegram_pages.channel_landing(channel.lower(), title).encode())

    def _tg_preview(self, channel: str) -> None:
        posts = self._tg_posts(channel)
        if any(p.state == "rate_limited" for p in posts):
            self._send(429, b"Too Many Requests: retry after 5", "text/plain; charset=utf-8")
            return
        gone = not posts or any(p.state in _CHANNEL_GONE for p in posts)
        if gone or any(p.account_protected for p in posts):
            # As recorded: a 302 to the channel's landing page, with an empty body.
            self._redirect(f"https://t.me/{channel}")
            return
        shown = [p for p in posts if p.state in ("live", "edited", "slow")]
        shown.sort(key=lambda p: int(p.key.split("/", 1)[1]))
        page = telegram_pages.preview(channel.lower(), posts[0].name, shown, self.sim.next_serial())
        self._send(200, page.encode())

    def _tg_media(self, rest: str, query: dict[str, str]) -> None:
        name = rest.rsplit("/", 1)[-1]
        if name.endswith(".mp4"):
            self._send(
                200, content.fake_mp4(name, self.sim.video_bytes), "video/mp4", compress=False
            )
            return
        self._send(200, content.png(96, 64, content.color_for(name)), "image/png", compress=False)
