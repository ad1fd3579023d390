"""The README's main command (``make demo``): the seed scenario against the local simulator.

It captures the blog page and the posts it cites, has the simulator delete
two of them and wall off others, rechecks until the deletions are confirmed,
and ends with the deletion report, a WACZ and a verification.

Starts the simulator in this process, then runs the real ``archiver`` CLI in
subprocesses, printing each command before its output, so the transcript is
exactly what a user would type and see.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from archiver.testing.simulator.catalog import (
    BLOG_URL,
    FB_POST,
    FB_STATEMENT_1,
    FB_VIDEO,
    TWEET_FORMER_PRESIDENT,
    demo_simulator,
)

HOME = Path("demo-archive")
CONFIRM_INTERVAL = 3  # seconds; the default is one hour


def say(text: str = "") -> None:
    print(text, flush=True)


def run(env: dict[str, str], *args: str) -> int:
    say(f"$ archiver {' '.join(args)}")
    done = subprocess.run([sys.executable, "-m", "archiver", *args], env=env)
    say()
    return done.returncode


def main() -> None:
    if HOME.exists():
        shutil.rmtree(HOME)
    with demo_simulator(retry_after=3600) as sim:
        env = dict(os.environ)
        env.update(
            {
                "ARCHIVER_HOME": str(HOME),
                "ARCHIVER_URL_REWRITE": sim.rewrite_spec(),
                "ARCHIVER_POLITENESS_DELAY": "0",
                "ARCHIVER_CONFIRM_INTERVAL": str(CONFIRM_INTERVAL),
                "ARCHIVER_MAX_RETRY_WAIT": "5",
            }
        )
        say(
            "archiver demo. Every post below is SIMULATED (made-up ids and texts), served by the "
            "bundled"
        )
        say(
            f"simulator on {sim.base_url}; ARCHIVER_URL_REWRITE sends archiver's requests for "
            "x.com,"
        )
        say("facebook.com and the rest there, so nothing leaves this machine.")
        say()
        say(
            "1. March 2022: a blog post on Mongolia's reactions to the invasion of Ukraine cites "
            "tweets and"
        )
        say(
            "   Facebook posts of the Russian Embassy in Mongolia and others. Capture the page and "
            "all it cites:"
        )
        run(env, "capture", "--from-page", BLOG_URL)
        run(env, "list")

        say(
            "2. Days later: the embassy deletes its Facebook post and removes its first Facebook "
            "statement."
        )
        say(
            "   Meanwhile the former president's tweet sits behind a rate limit, and the "
            "demonstration video"
        )
        say("   behind Facebook's login wall.")
        sim.set_state(f"facebook:post:{FB_POST}", "deleted")
        sim.set_state(f"facebook:post:{FB_STATEMENT_1}", "deleted")
        sim.set_state(f"twitter:{TWEET_FORMER_PRESIDENT}", "rate_limited")
        sim.set_state(f"facebook:video:{FB_VIDEO}", "login_wall")
        say()
        say(
            "3. Recheck. One look is never enough: a post is flagged vanished only after two "
            "gone-type"
        )
        say(
            "   observations at least ARCHIVER_CONFIRM_INTERVAL apart (shortened to "
            f"{CONFIRM_INTERVAL}s for the"
        )
        say("   demo; the default is one hour). Rate limits and login walls never count.")
        run(env, "recheck", "--all")
        time.sleep(CONFIRM_INTERVAL + 0.5)
        run(env, "recheck", "--all")
        run(env, "list")

        say("4. The deleted post, as archived before it went: its text, and the evidence timeline.")
        run(env, "show", f"https://www.facebook.com/SimRusEmbassyMN/posts/{FB_POST}")
        say(
            "The rate-limited tweet and the login-walled video are 'unknown', not vanished: "
            "nothing we saw"
        )
        say(
            "says they are gone, so nothing is claimed. The rate limit also made archiver leave "
            "that host"
        )
        say("alone for the rest of the run, so tweets checked after it are 'unknown' too, for now.")
        say()
        say(
            "   Later the rate limit lifts and the login wall goes. The next check finds those "
            "posts alive;"
        )
        say("   at no point were they flagged:")
        sim.set_state(f"twitter:{TWEET_FORMER_PRESIDENT}", "live")
        sim.set_state(f"facebook:video:{FB_VIDEO}", "live")
        run(env, "recheck", "--all")
        run(env, "list", "--status", "vanished")
        say("5. The deletion report, as Markdown to paste into an article:")
        run(env, "report", "--format", "md")
        say("   as a self-contained HTML page, and the archive as a WACZ package:")
        run(env, "report", "--output", str(HOME / "deletion-report.html"))
        run(env, "export", "wacz", "--output", str(HOME / "demo.wacz"))
        say("6. And a check that nothing in the archive changed since it was written:")
        run(env, "verify")
    say("Where things are:")
    say(
        f"  {HOME / 'deletion-report.html'}  open it in any browser; it loads nothing from the "
        "network"
    )
    say(
        f"  {HOME / 'demo.wacz'}  open it at https://replayweb.page (choose the file; it stays on "
        "your machine)"
    )
    say(f"  {HOME / 'warcs'}/  the WARC files, readable by warcio, pywb and any WARC tool")
    say(f"  {HOME / 'archiver.db'}  the SQLite database")


if __name__ == "__main__":
    main()
