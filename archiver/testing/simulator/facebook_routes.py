"""The simulated Facebook endpoints: post pages in the layouts seen on real pages, fb.watch
share links, and the Graph API's oEmbed.
"""

from __future__ import annotations

from archiver.testing.simulator import facebook_pages
from archiver.testing.simulator.handler import FB_CDN, Plumbing


class FacebookRoutes(Plumbing):
    def _facebook(self, rest: str, query: dict[str, str]) -> None:
        if rest.startswith("/share/"):
            target = self.sim.shares.get(rest.rstrip("/") + "/")
            if target is None:
                self._send(404, facebook_pages.unavailable_page().encode())
            else:
                self._redirect(target)
            return
        if rest.startswith("/login"):
            self._send(200, facebook_pages.LOGIN_PAGE.encode())
            return
        if "facebook_login_wall" in self.sim.switches:
            self._redirect(
                "https://www.facebook.com/login/?next=https%3A%2F%2Fwww.facebook.com" + rest
            )
            return
        if "facebook_unknown_shape" in self.sim.switches:
            self._send(200, facebook_pages.UNKNOWN_SHAPE.encode())
            return
        post = self.sim.facebook_post(rest, query)
        if post is None:
            self._send(200, facebook_pages.unavailable_page().encode())
            return
        if self._limited(post):
            return
        state = post.state
        post_id = post.key.rsplit(":", 1)[-1]
        if state == "login_wall":
            self._redirect(
                "https://www.facebook.com/login/?next="
                + "https%3A%2F%2Fwww.facebook.com"
                + post.path
            )
        elif state in (
            "deleted",
            "deleted_quiet",
            "protected",
            "account_gone",
            "suspended",
            "sensitive",
        ):
            self._send(
                200, facebook_pages.unavailable_page(post.locale, post.gone_form, post_id).encode()
            )
        elif state == "unknown_shape":
            self._send(200, facebook_pages.UNKNOWN_SHAPE.encode())
        else:
            self._send(200, facebook_pages.post_page(post, FB_CDN, self.sim.next_serial()).encode())

    def _fbwatch(self, rest: str, query: dict[str, str]) -> None:
        target = self.sim.shares.get("fb.watch" + rest.rstrip("/") + "/")
        if target is None:
            self._send(404, b"not found")
        else:
            self._redirect(target, 301)

    def _graph(self, rest: str, query: dict[str, str]) -> None:
        self._json(400, {"error": {"message": "oEmbed is not simulated", "code": 100}})
