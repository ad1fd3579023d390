"""The simulated X endpoints: syndication (checking the token as the real one does), oEmbed,
the status page, the profile timeline, and media.
"""

from __future__ import annotations

from archiver.testing.simulator import content
from archiver.testing.simulator.content import SimPost
from archiver.testing.simulator.handler import MEDIA_BASE, VIDEO_BASE, Plumbing
from archiver.testing.simulator.tokens import expected_token


class XRoutes(Plumbing):
    def _tweet(self, tweet_id: str) -> SimPost | None:
        return self.sim.get(f"twitter:{tweet_id}")

    def _syndication(self, rest: str, query: dict[str, str]) -> None:
        tweet_id = query.get("id", "")
        if rest != "/tweet-result" or not tweet_id.isdigit():
            self._send(404, b"not found")
            return
        if query.get("token") != expected_token(tweet_id):
            self._json(200, {})  # what the real endpoint answers to a bad token
            return
        if "syndication_404" in self.sim.switches:
            self._send(404, b"", compress=False)
            return
        post = self._tweet(tweet_id)
        if post is None:
            self._send(404, b"", compress=False)
            return
        if self._limited(post):
            return
        if "tweets_tombstoned" in self.sim.switches:
            self._json(200, content.tombstone_json("deleted"))
            return
        state = post.state
        if state == "login_wall":
            self._redirect("https://x.com/i/flow/login")
        elif state == "empty":
            self._json(200, {})
        elif state in ("deleted", "protected", "sensitive"):
            self._json(200, content.tombstone_json(state))
        elif state in ("deleted_quiet", "suspended", "account_gone"):
            self._send(404, b"", compress=False)
        else:
            self._json(200, content.tweet_json(post, MEDIA_BASE, VIDEO_BASE, self._tweet_by_id))

    def _tweet_by_id(self, tweet_id: str) -> SimPost | None:
        return self._tweet(tweet_id)

    def _tco(self, rest: str, query: dict[str, str]) -> None:
        """t.co: a 301 to where the link points, as X's shortener answers a non-browser."""
        code = rest.strip("/")
        key, _, n = code.rpartition("x")
        post = self._tweet(key) if key.isdigit() else None
        if post is not None and n.isdigit() and 0 < int(n) <= len(post.links):
            self._redirect(post.links[int(n) - 1], 301)
            return
        article = next(
            (
                p
                for p in self.sim.posts.values()
                if p.platform == "twitter" and p.article and p.key[-10:] == code
            ),
            None,
        )
        if article is not None:
            self._redirect(f"https://x.com/i/article/{article.key}", 301)
            return
        self._send(404, b"<html><body>Not Found</body></html>")

    def _oembed(self, rest: str, query: dict[str, str]) -> None:
        target = query.get("url", "")
        tweet_id = target.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
        post = self._tweet(tweet_id) if tweet_id.isdigit() else None
        if "oembed_403" in self.sim.switches:
            self._send(403, b"", compress=False)
            return
        if rest != "/oembed" or post is None:
            self._send(404, b"", compress=False)
            return
        if self._limited(post):
            return
        if "tweets_tombstoned" in self.sim.switches:
            self._send(404, b"", compress=False)
            return
        state = post.state
        if state == "login_wall":
            self._redirect("https://x.com/i/flow/login")
        elif state in ("deleted", "deleted_quiet", "sensitive"):
            self._send(404, b"", compress=False)
        elif state in ("protected", "suspended", "account_gone"):
            self._send(403, b"", compress=False)
        elif state == "empty":
            self._json(200, {})
        else:
            self._json(200, content.oembed_json(post))

    def _x_page(self, rest: str, query: dict[str, str]) -> None:
        segs = [s for s in rest.split("/") if s]
        tweet_id = segs[-1] if segs and segs[-1].isdigit() else ""
        post = self._tweet(tweet_id) if tweet_id else None
        if post is not None and self._limited(post):
            return
        if post is not None and post.state == "login_wall":
            self._redirect("https://x.com/i/flow/login")
            return
        visible = post is not None and post.state in ("live", "edited", "slow")
        self._send(200, content.x_status_page(post if visible else None, MEDIA_BASE).encode())

    def _profile(self, rest: str, query: dict[str, str]) -> None:
        handle = rest.rstrip("/").rsplit("/", 1)[-1]
        posts = [
            p
            for p in self.sim.posts.values()
            if p.platform == "twitter" and p.handle.lower() == handle.lower()
        ]
        states = {p.state for p in posts}
        if not posts:
            account = "gone"
        elif "suspended" in states:
            account = "suspended"
        elif "account_gone" in states:
            account = "gone"
        elif "protected" in states or any(p.account_protected for p in posts):
            account = "protected"
        else:
            account = "active"
        if (
            "rate_limited" in states
            and account == "active"
            and all(p.state == "rate_limited" for p in posts)
        ):
            self._json(429, {"errors": [{"code": 88}]}, {"Retry-After": str(self.sim.retry_after)})
            return
        self._send(
            200, content.profile_timeline(posts[0] if posts else None, handle, account).encode()
        )

    def _image(self, rest: str, query: dict[str, str]) -> None:
        name = rest.rsplit("/", 1)[-1].split(":")[0]
        if name.endswith(".mp4"):
            self._send(
                200, content.fake_mp4(name, self.sim.video_bytes), "video/mp4", compress=False
            )
            return
        self._send(200, content.png(96, 64, content.color_for(name)), "image/png", compress=False)

    def _video(self, rest: str, query: dict[str, str]) -> None:
        self._send(200, content.fake_mp4(rest, self.sim.video_bytes), "video/mp4", compress=False)
