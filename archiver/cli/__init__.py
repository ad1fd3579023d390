"""The `archiver` command: a thin layer over the library (`archiver.api.Archive`).

`app` holds the command group, the options every command shares and `main`, the entry point;
the commands are in `runs` (those that fetch), `reading` (those that read the archive or write
from it) and `web` (the web app). Importing this package registers them, in that order (the
order `archiver --help` lists them in).
"""
# isort: skip_file

import archiver.cli.runs
import archiver.cli.reading
import archiver.cli.web  # noqa: F401
from archiver.cli.app import app, main

__all__ = ["app", "main"]
