"""Stand-ins for archiver's default control posts (issue 11), so that the simulator, like the
real platforms, has them alive: a run against the simulator checks its platforms' health
exactly as a run against the real ones does. Texts are stand-ins, marked as such."""

from __future__ import annotations

from datetime import UTC, datetime

from archiver.testing.simulator.content import SimPost

STAND_IN = "[SIMULATED stand-in for a control post] "


def _at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def control_posts() -> list[SimPost]:
    return [
        SimPost(
            "twitter",
            "20",
            "jack",
            "jack",
            STAND_IN + "just setting up my twttr",
            _at(2006, 3, 21, 20, 50, 14),
        ),
        SimPost(
            "twitter",
            "266031293945503744",
            "BarackObama",
            "Barack Obama",
            STAND_IN + "Four more years.",
            _at(2012, 11, 7, 4, 16, 18),
            photos=["four-more-years.jpg"],
        ),
        SimPost(
            "twitter",
            "440322224407314432",
            "TheEllenShow",
            "Ellen DeGeneres",
            STAND_IN + "Best photo ever.",
            _at(2014, 3, 3, 3, 6, 13),
            photos=["oscars-selfie.jpg"],
        ),
        SimPost(
            "facebook",
            "post:827163017327807",
            "asociaciondag",
            "DAG, Asociación Galega de Deseño",
            STAND_IN + "Aquí vos deixamos unhas imaxes da nosa visita.",
            _at(2014, 10, 21, 15, 36, 26),
            photos=["dag-visita.jpg"],
            path="/asociaciondag/posts/827163017327807",
            lang="gl",
        ),
        SimPost(
            "facebook",
            "post:4188053201279101",
            "Nintendo",
            "Nintendo",
            STAND_IN + "Tune into the Nintendo Power Podcast.",
            _at(2021, 6, 2, 18, 0, 31),
            path="/Nintendo/posts/4188053201279101",
            fb_layout="noog",
        ),
        SimPost(
            "telegram",
            "telegram/420",
            "telegram",
            "Telegram News",
            STAND_IN + "A new update is here.",
            _at(2025, 12, 15, 8, 22, 11),
            photos=["telegram-420.jpg"],
        ),
        SimPost(
            "bluesky",
            "at://did:plc:sb54dpdfefflykmf5bcfvr7t/app.bsky.feed.post/3lcxcpgt6j42l",
            "bellingcat.com",
            "Bellingcat",
            STAND_IN + "Less than 3km from the airport.",
            _at(2024, 12, 10, 13, 7, 43),
            photos=["bellingcat-map.jpg"],
        ),
        SimPost(
            "bluesky",
            "at://did:plc:pr46lkz3rkp2yvxnvwe47ib2/app.bsky.feed.post/3lec2bqjc5s2y",
            "colborne.bsky.social",
            "Michael Colborne",
            STAND_IN + "And it's another one of my photos.",
            _at(2024, 12, 27, 13, 1, 24),
            photos=["colborne-photo.jpg"],
        ),
        SimPost(
            "web",
            "https://example.com/",
            "example",
            "IANA",
            "This domain is for use in documentation.",
            _at(1992, 1, 1),
            title="Example Domain",
        ),
        SimPost(
            "web",
            "https://example.org/",
            "example",
            "IANA",
            "This domain is for use in documentation.",
            _at(1992, 1, 1),
            title="Example Domain",
        ),
    ]
