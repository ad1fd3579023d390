"""The README's main command (``make demo``): the seed scenario against the local simulator.

Starts the simulator in this process, then runs the real ``archiver`` CLI in
subprocesses, printing each command before its output, so the transcript is
exactly what a user would type and see.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .simulator.catalog import BLOG_URL, TWEET_ADDRESS, demo_simulator

HOME = Path("demo-archive")


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
    with demo_simulator() as sim:
        env = dict(os.environ)
        env.update({
            "ARCHIVER_HOME": str(HOME),
            "ARCHIVER_URL_REWRITE": sim.rewrite_spec(),
            "ARCHIVER_POLITENESS_DELAY": "0",
        })
        say("archiver demo: every post below is SIMULATED, served by the bundled simulator on "
            f"{sim.base_url}")
        say("(ARCHIVER_URL_REWRITE sends requests for x.com, facebook.com, … there; nothing leaves this machine)")
        say()
        say("1. A blog post cites tweets and Facebook posts. Capture the page and everything it cites:")
        run(env, "capture", "--from-page", BLOG_URL)
        say("2. What is in the archive now:")
        run(env, "list")
        say("3. One post in detail, read back from the database:")
        run(env, "show", f"twitter:{TWEET_ADDRESS}")
    say(f"The WARC files are in {HOME / 'warcs'}; the database is {HOME / 'archiver.db'}.")


if __name__ == "__main__":
    main()
