"""The command group, the options every command shares, and the entry point (`main`).

Each command parses its arguments, makes one call, prints (`archiver.console`). Errors that
archiver raises on purpose end as one ``Error: …`` line on stderr and exit 1; usage errors
exit 2 (click's convention); a run that found a platform degraded exits 3; nothing prints
a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from archiver import platforms
from archiver.api import Archive
from archiver.config import Settings
from archiver.console import (
    err,
    out,
    say,
)
from archiver.errors import ArchiverError
from archiver.runs.session import check_settings
from archiver.store import database_failure
from archiver.version import __version__

# -h as well as --help, on every command (issue 17: a new user types -h first).
HELP = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(
    help="Preserve social-media posts as evidence in WARC files and tell when they vanish.",
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings=HELP,
    # The root runs without a command, so that `archiver --version` works on its own.
    invoke_without_command=True,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
export_app = typer.Typer(help="Export the archive in standard packages.", no_args_is_help=True)
app.add_typer(export_app, name="export")

# A run that found a platform degraded (issue 11): its gone-type answers were held.
EXIT_DEGRADED = 3


class State:
    home: Path | None = None


def settings() -> Settings:
    return Settings.from_env(home=State.home)


def archive(readonly: bool = False, fetching: bool = False) -> Archive:
    """The archive; ``readonly`` for commands that only read (they create and change nothing);
    ``fetching`` checks, before anything starts, the settings a run would trip on."""
    s = settings()
    if fetching:
        check_settings(s)
    return Archive(settings=s, readonly=readonly)


def platform_choice(value: str | None) -> str | None:
    """A ``--platform`` value as archiver names platforms: a name or an everyday alias, in any
    case (issue 17); a usage error naming the choices."""
    if value is None:
        return None
    name = platforms.named(value)
    if name is None:
        raise typer.BadParameter(
            f"{value!r} is not a platform: one of {platforms.names_and_aliases()}",
            param_hint="'--platform'",
        )
    return name


def status_choice(value: str | None, choices: tuple[str, ...]) -> str | None:
    """A ``--status`` value, in any case; a usage error naming the choices."""
    if value is None:
        return None
    name = value.strip().lower().replace("-", "_").replace(" ", "_")
    if name not in choices:
        raise typer.BadParameter(
            f"{value!r} is not a status: one of {', '.join(choices)}", param_hint="'--status'"
        )
    return name


@app.callback()
def root(
    ctx: typer.Context,
    home: Path | None = typer.Option(
        None, "--home", show_default=False, help="Archive directory ($ARCHIVER_HOME, ./archive)."
    ),
    version: bool = typer.Option(
        False, "--version", "-V", help="Print the version and exit.", is_eager=True
    ),
) -> None:
    if version:
        out.print(f"archiver {__version__}")
        raise typer.Exit(0)
    State.home = home
    if ctx.invoked_subcommand is None:
        out.print(ctx.get_help())
        raise typer.Exit(0)


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app and turns archiver's errors into one line and an exit code."""
    try:
        code = app(args=argv, standalone_mode=False, prog_name="archiver")
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:
        show = getattr(exc, "show", None)
        show() if show is not None else say(err, f"Error: {exc.format_message()}")
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("Interrupted.")
        sys.exit(130)
    except ArchiverError as exc:
        say(err, f"Error: {exc}")
        sys.exit(1)
    except Exception as exc:
        failure = database_failure(exc)
        if failure is not None:
            say(err, f"Error: {failure}")
            sys.exit(1)
        if not isinstance(exc, OSError):
            raise
        # Disk full, permissions, a vanished directory: say what and where, no traceback.
        say(err, f"Error: {exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else ""))
        sys.exit(1)
    # Without standalone mode, a typer.Exit raised in a command comes back as its code.
    sys.exit(code if isinstance(code, int) else 0)
