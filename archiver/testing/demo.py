"""The README's main command (``make demo``): the seed scenario against the local simulator.

It captures the blog page and the posts it cites, has the simulator delete
two of them and wall off others, rechecks until the deletions are confirmed,
and ends with the deletion report, a WACZ and a verification.

Starts the simulator in this process, serving HTTPS under the real host names, then runs the
real ``archiver`` CLI in subprocesses with ``ARCHIVER_RESOLVE`` and ``ARCHIVER_CA_BUNDLE``
pointing it there, printing each command before its output: the transcript is exactly what a
user would type and see, and the archive holds ``https://x.com/…`` as in real use.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
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
from archiver.testing.tsa import LocalTSA

HOME = Path("demo-archive")
TSA_HOST = "timestamp.demo.invalid"
TSA_CA = "demo-tsa-root.pem"
CONFIRM_INTERVAL = 3  # seconds; the default is one hour


def say(text: str = "") -> None:
    print(text, flush=True)


def run(env: dict[str, str], *args: str) -> int:
    say(f"$ archiver {shlex.join(args)}")
    done = subprocess.run([sys.executable, "-m", "archiver", *args], env=env)
    say()
    return done.returncode


def main() -> None:
    if HOME.exists():
        shutil.rmtree(HOME)
    with (
        demo_simulator(retry_after=3600, tls=True) as sim,
        LocalTSA() as tsa,
        tempfile.TemporaryDirectory() as tmp,
    ):
        assert sim.ca is not None
        HOME.mkdir(mode=0o700)
        env = dict(os.environ)
        env.update(
            {
                "ARCHIVER_HOME": str(HOME),
                "ARCHIVER_RESOLVE": f"{sim.resolve_spec()},{TSA_HOST}:80=127.0.0.1:{tsa.port}",
                "ARCHIVER_CA_BUNDLE": str(sim.ca.write_pem(Path(tmp) / "simulator-ca.pem")),
                "ARCHIVER_TSA_URLS": f"http://{TSA_HOST}/tsr",
                # Kept with the archive: its stamps verify against it after the demo too.
                "ARCHIVER_TSA_CA": str(tsa.write_ca(HOME / TSA_CA)),
                "ARCHIVER_POLITENESS_DELAY": "0",
                "ARCHIVER_CONFIRM_INTERVAL": str(CONFIRM_INTERVAL),
                "ARCHIVER_MAX_RETRY_WAIT": "5",
                # One post at a time: the same ids, order and counts on every run (issue 17).
                "ARCHIVER_CONCURRENCY": "1",
            }
        )
        say("archiver demo. Every post below is SIMULATED (made-up ids and texts), served over")
        say("HTTPS by the bundled simulator on a loopback port under the real host names:")
        say("ARCHIVER_RESOLVE sends archiver's connections for x.com, facebook.com and the rest")
        say("there, and ARCHIVER_CA_BUNDLE trusts the simulator's throwaway CA. The archive holds")
        say("https://x.com/… exactly as in real use, and nothing leaves this machine. A local")
        say("timestamp authority (its own throwaway CA) stamps each sealed WARC file.")
        say()
        say("1. March 2022: a blog post on Mongolia's reactions to the invasion of Ukraine cites")
        say("   tweets and Facebook posts of the Russian Embassy in Mongolia and others. Capture")
        say("   the page and all it cites:")
        run(env, "capture", "--from-page", BLOG_URL)
        run(env, "list")

        say("2. Days later: the embassy deletes its Facebook post and removes its first Facebook")
        say("   statement. Meanwhile the former president's tweet sits behind a rate limit, and")
        say("   the demonstration video behind Facebook's login wall.")
        sim.set_state(f"facebook:post:{FB_POST}", "deleted")
        sim.set_state(f"facebook:post:{FB_STATEMENT_1}", "deleted")
        sim.set_state(f"twitter:{TWEET_FORMER_PRESIDENT}", "rate_limited")
        sim.set_state(f"facebook:video:{FB_VIDEO}", "login_wall")
        say()
        say("3. Recheck. One look is never enough: a post is flagged vanished only after two")
        say("   gone-type observations at least ARCHIVER_CONFIRM_INTERVAL apart (shortened to")
        say(f"   {CONFIRM_INTERVAL}s for the demo; the default is one hour). Rate limits and login")
        say("   walls never count.")
        run(env, "recheck", "--all")
        time.sleep(CONFIRM_INTERVAL + 0.5)
        run(env, "recheck", "--all")
        run(env, "list")

        say("4. The deleted post, as archived before it went: its text, and the evidence timeline.")
        run(env, "show", f"https://www.facebook.com/SimRusEmbassyMN/posts/{FB_POST}")
        say("The rate-limited tweet and the login-walled video are 'unknown', not vanished:")
        say("nothing we saw says they are gone, so nothing is claimed. The rate limit also made")
        say("archiver leave that host alone for the rest of the run, so tweets checked after it")
        say("are 'unknown' too, for now.")
        say()
        say("   Later the rate limit lifts and the login wall goes. The next check finds those")
        say("   posts alive; at no point were they flagged:")
        sim.set_state(f"twitter:{TWEET_FORMER_PRESIDENT}", "live")
        sim.set_state(f"facebook:video:{FB_VIDEO}", "live")
        run(env, "recheck", "--all")
        run(env, "list", "--status", "vanished")
        say("5. A person looks at the evidence and confirms the verdict (the report and the")
        say("   exhibit say so; a disputed verdict would leave the report):")
        run(
            env,
            "review",
            f"https://www.facebook.com/SimRusEmbassyMN/posts/{FB_POST}",
            "--confirm",
            "--note",
            "Checked the archived view and the Facebook page by hand.",
            "--by",
            "Demo Reviewer",
        )
        say("   The deletion report, as Markdown to paste into an article:")
        run(env, "report", "--format", "md", "--wacz", "demo.wacz", "--output", "-")
        say("   as a self-contained HTML page, and the archive as a WACZ package whose pages open")
        say("   on each post as archived (a vanished post on what it said before it went):")
        report = HOME / "deletion-report.html"
        run(env, "report", "--wacz", "demo.wacz", "--output", str(report))
        run(env, "export", "wacz", "--output", str(HOME / "demo.wacz"))
        say("6. An exhibit of the deleted post, to hand over: its picture and text, every look,")
        say("   the SHA-256 of every record and file, the timestamps, the custody log:")
        exhibit = HOME / ("exhibit.pdf" if shutil.which("chromium") else "exhibit.html")
        run(
            env,
            "exhibit",
            f"https://www.facebook.com/SimRusEmbassyMN/posts/{FB_POST}",
            "--output",
            str(exhibit),
        )
        say("7. And a check that nothing in the archive changed since it was written, that every")
        say("   timestamp holds, and that the custody log's chain is whole:")
        run(env, "verify")
    say("To browse the archive, search it and review verdicts in a browser:")
    say(f"  ARCHIVER_HOME={HOME} .venv/bin/archiver serve    (then open http://127.0.0.1:8000/)")
    say()
    say("Where things are:")
    say(f"  {report}  open it in any browser; it loads nothing from the network")
    say(f"  {exhibit}  the exhibit of the deleted post")
    say(f"  {HOME / 'demo.wacz'}  open it at https://replayweb.page (choose the file; it stays")
    say("      on your machine): each post opens on its archived view")
    say(f"  {HOME / 'warcs'}/  the WARC files, readable by warcio, pywb and any WARC tool")
    say(f"  {HOME / 'archiver.db'}  the SQLite database")
    say(f"  {HOME / TSA_CA}  the demo authority's root: ARCHIVER_TSA_CA={HOME / TSA_CA}")
    say("      archiver verify checks the stamps against it")


if __name__ == "__main__":
    main()
