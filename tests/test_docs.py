"""The README stays true: its commands exist, every setting and command is documented."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from archiver import platforms
from archiver.cli import app
from archiver.config import env_names

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
ROOT = typer.main.get_command(app)


def readme_commands() -> list[str]:
    """Every archiver command the README shows: ``$ archiver …`` lines of transcripts, the lines
    of command-only blocks, and the commands in the cron and systemd examples."""
    lines = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", README, re.S):
        rows = [row.strip() for row in block.splitlines() if row.strip()]
        transcript = any(row.startswith("$ ") for row in rows)
        for row in rows:
            if transcript:
                if not row.startswith("$ archiver "):
                    continue
                row = row[2:]
            elif "bin/archiver " in row:
                row = row[row.index("bin/archiver ") + 4 :]
            elif not row.startswith("archiver "):
                continue
            row = re.split(r"\s+#\s|\s+>>", row)[0].strip()
            lines.append(row)
    return lines


def check_command(line: str) -> None:
    args = shlex.split(line)[1:]
    while args and args[0].startswith("--"):  # global options
        args = args[2:] if args[0] == "--home" else args[1:]
    group = ROOT
    name = args.pop(0)
    command = group.commands[name]
    while hasattr(command, "commands"):
        name = args.pop(0)
        command = command.commands[name]
    command.make_context(name, args)  # raises on an unknown option or a missing argument


COMMANDS = readme_commands()


def test_the_readme_shows_commands():
    assert len(COMMANDS) >= 20


@pytest.mark.parametrize("line", COMMANDS)
def test_readme_commands_are_real(line):
    check_command(line)


@pytest.mark.parametrize("name", env_names() + [s.env for s in platforms.settings()])
def test_every_setting_is_in_the_readme(name):
    assert f"`{name}`" in README


@pytest.mark.parametrize("name", sorted(ROOT.commands))
def test_every_command_has_help_and_a_readme_entry(name):
    command = ROOT.commands[name]
    assert command.help or getattr(command, "short_help", None)
    assert f"archiver {name}" in README


@pytest.mark.parametrize(
    "line", ["archiver recheck --bogus", "archiver nope", "archiver show", "archiver db downgrade"]
)
def test_the_check_catches_wrong_commands(line):
    with pytest.raises((KeyError, IndexError, typer.exceptions.TyperException)):
        check_command(line)
