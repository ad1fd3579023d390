"""The demo's simulated posts: stand-ins for the posts of the 2022 Mongolia case.

Every post, id, handle and sentence here is made up for the demo and marked
as simulated. The scenario (see README, "The demo"): a month into Russia's
2022 invasion of Ukraine, a blog post on Mongolia's reactions cited tweets
and Facebook posts of the Russian Embassy in Mongolia and others; the
embassy's Facebook post and its first Facebook statement were later removed.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

from archiver.testing.simulator.content import SimPost, tweet_id_at
from archiver.testing.simulator.server import Simulator

BLOG_URL = "https://blog.example.org/2022/03/mongolia-reactions.html"
SIM = "[SIMULATED] "


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2022, 3, day, hour, minute, tzinfo=UTC)


EMBASSY = ("SimRusEmbassyMN", "Russian Embassy in Mongolia (simulated)")
FB_EMBASSY = ("SimRusEmbassyMN", "Russian Embassy in Mongolia (simulated)")

TWEET_ADDRESS = tweet_id_at(_at(17, 6, 12), 11)
TWEET_ADDRESS_2 = tweet_id_at(_at(17, 6, 14), 12)
TWEET_FORMER_PRESIDENT = tweet_id_at(_at(18, 9, 30), 13)
TWEET_INTERVIEW = tweet_id_at(_at(19, 11, 5), 14)
TWEET_STATEMENT = tweet_id_at(_at(21, 8, 40), 15)
FB_POST = "5100000000000001"
FB_VIDEO = "5100000000000002"
FB_STATEMENT_1 = "5100000000000003"
FB_STATEMENT_2 = "5100000000000004"


def demo_posts() -> list[SimPost]:
    e_handle, e_name = EMBASSY
    return [
        SimPost(
            "twitter",
            TWEET_ADDRESS,
            e_handle,
            e_name,
            SIM + "To the Democratic Party of Mongolia and other supporters of American liberal "
            "hegemony: read our statement before you judge. (stand-in text, not the original)",
            _at(17, 6, 12),
            photos=["embassy-card.png"],
        ),
        SimPost(
            "twitter",
            TWEET_ADDRESS_2,
            e_handle,
            e_name,
            SIM + "Our full answer is on our Facebook page. (stand-in text)",
            _at(17, 6, 14),
        ),
        SimPost(
            "twitter",
            TWEET_FORMER_PRESIDENT,
            "SimExPresMN",
            "Former President (simulated)",
            SIM
            + "A former mayor of Ulaanbaatar, E. Bat-Uul, sits in jail while the world speaks of "
            "Navalny; the comparison is ours to make. (stand-in text)",
            _at(18, 9, 30),
        ),
        SimPost(
            "twitter",
            TWEET_INTERVIEW,
            e_handle,
            e_name,
            SIM + "Watch the TV interview with a former foreign minister, broadcast on Facebook. "
            "(stand-in text)",
            _at(19, 11, 5),
            video="interview.mp4",
        ),
        SimPost(
            "twitter",
            TWEET_STATEMENT,
            e_handle,
            e_name,
            SIM
            + "A longer statement: the embassy stands by its comments and rejects the criticism "
            "of its posts. (stand-in text)",
            _at(21, 8, 40),
        ),
        SimPost(
            "facebook",
            f"post:{FB_POST}",
            *FB_EMBASSY,
            SIM + "Statement to the Democratic Party of Mongolia, repeating claims about US-funded "
            "'bio-labs' in Ukraine. (stand-in text; the original was deleted)",
            _at(17, 5, 50),
            photos=["embassy-statement.png"],
            path=f"/{FB_EMBASSY[0]}/posts/{FB_POST}",
        ),
        SimPost(
            "facebook",
            f"video:{FB_VIDEO}",
            "SimCivicVideoMN",
            "Civic video page (simulated)",
            SIM
            + "Video: a demonstration outside the Russian Embassy in Ulaanbaatar. (stand-in text)",
            _at(20, 12, 0),
            photos=["demonstration.png"],
            path=f"/SimCivicVideoMN/videos/{FB_VIDEO}",
        ),
        SimPost(
            "facebook",
            f"post:{FB_STATEMENT_1}",
            *FB_EMBASSY,
            SIM + "First long statement defending the embassy's comments on Twitter and Facebook. "
            "(stand-in text; later removed)",
            _at(21, 8, 0),
            path=f"/{FB_EMBASSY[0]}/posts/{FB_STATEMENT_1}",
        ),
        SimPost(
            "facebook",
            f"post:{FB_STATEMENT_2}",
            *FB_EMBASSY,
            SIM + "Second statement, published after the first was removed. (stand-in text)",
            _at(22, 7, 30),
            path=f"/{FB_EMBASSY[0]}/posts/{FB_STATEMENT_2}",
        ),
        SimPost(
            "web",
            BLOG_URL,
            "blog",
            "A Mongolia watcher (simulated blog)",
            "How Mongolia reacted to the first month of Russia's invasion of Ukraine.",
            _at(24, 10, 0),
            title="[SIMULATED] Mongolia's reactions, one month in",
            body_html=_blog_body(),
        ),
    ]


def _tweet_embed(handle: str, tweet_id: str, text: str) -> str:
    url = f"https://twitter.com/{handle}/status/{tweet_id}?ref_src=twsrc%5Etfw"
    return (
        f'<blockquote class="twitter-tweet"><p lang="en">{html.escape(text)}</p>'
        f'&mdash; @{handle} <a href="{url}">March 2022</a></blockquote>'
    )


def _blog_body() -> str:
    e = EMBASSY[0]
    return "".join(
        [
            "<p><strong>This page is written for archiver's demo. Every post it cites is "
            "simulated, "
            "with made-up ids; none of the texts below is an original.</strong></p>",
            "<p>A month into the invasion, the Russian Embassy in Mongolia turned on the "
            "Democratic Party "
            'of Mongolia on Twitter, in tweets addressed to it and to "other supporters of '
            "American "
            'liberal hegemony":</p>',
            _tweet_embed(e, TWEET_ADDRESS, "To the Democratic Party of Mongolia…"),
            "<p>The tweets pointed to a <a "
            f'href="https://www.facebook.com/{e}/posts/{FB_POST}?fbclid=SIMULATED">'
            "Facebook post</a>, deleted soon after; its context suggested it repeated the claims "
            "about "
            'US-funded "bio-labs" in Ukraine.</p>',
            f'<div class="fb-post" data-href="https://www.facebook.com/{e}/posts/{FB_POST}"></div>',
            _tweet_embed(e, TWEET_ADDRESS_2, "Our full answer is on our Facebook page."),
            "<p>A former president compared the jailed former mayor of Ulaanbaatar, E. Bat-Uul, "
            "with Navalny:</p>",
            _tweet_embed("SimExPresMN", TWEET_FORMER_PRESIDENT, "A former mayor of Ulaanbaatar…"),
            f'<p>The embassy also <a href="https://x.com/{e}/status/{TWEET_INTERVIEW}">tweeted</a> '
            "a TV "
            "interview with a former foreign minister, broadcast on Facebook.</p>",
            "<p>There is <a "
            f'href="https://www.facebook.com/SimCivicVideoMN/videos/{FB_VIDEO}/">video of a '
            "demonstration</a> at the embassy.</p>",
            f"<p>The embassy defended its comments in longer statements, on "
            f'<a href="https://twitter.com/{e}/status/{TWEET_STATEMENT}?s=20">Twitter</a> and on '
            "Facebook "
            f'(<a href="https://www.facebook.com/permalink.php?story_fbid={FB_STATEMENT_1}&amp;id=100000000000777">'
            "the first</a>, later removed, and "
            f'<a href="https://m.facebook.com/{e}/posts/{FB_STATEMENT_2}">the second</a>).</p>',
            '<p>Further reading: <a href="https://blog.example.org/about.html">about this '
            "blog</a>.</p>",
        ]
    )


def demo_simulator(**kwargs) -> Simulator:
    return Simulator(demo_posts(), **kwargs)
