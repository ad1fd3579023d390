"""For tests and the demo: the local simulator of the platforms, and the demo's story.

The simulator is the model of the platforms that archiver is tested against, so it never
imports archiver's own platform code (its tokens, its URL rules): a regression there must
fail a test, not pass it by agreement.

May import: the simulator, nothing of archiver but itself (its own tokens, URLs and pages);
the demo, only the simulator too: it runs the `archiver` command as a user would.
"""
