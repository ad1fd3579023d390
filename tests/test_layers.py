"""Issue 13: the layers hold — import-linter's contracts, no platform named outside the
platforms, modules of a readable size, and reading layers that load no HTTP client."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import archiver

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "archiver"
# Where platforms may be named: the platforms themselves, the simulator and the demo.
PLATFORM_HOMES = ("platforms/", "testing/", "simulator/")
LAYERS = ("core", "platforms", "net", "store", "warc", "runs", "report", "testing")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_no_platform_is_named_outside_the_platforms():
    named = re.compile(r"twitter|facebook|tweet|telegram|bluesky|bsky|t\.me/", re.I)
    offenders = [
        f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
        for path in _modules()
        if not str(path.relative_to(PACKAGE)).startswith(PLATFORM_HOMES)
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if named.search(line)
    ]
    assert offenders == []


def test_telegram_and_bluesky_are_named_only_in_their_modules_and_the_registry():
    """Issue 16: adding a platform is its own module and one line in the registry."""
    named = re.compile(r"telegram|bluesky|bsky", re.I)
    homes = ("platforms/telegram/", "platforms/bluesky/", "testing/")
    offenders = [
        f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
        for path in _modules()
        if not str(path.relative_to(PACKAGE)).startswith(homes)
        and path != PACKAGE / "platforms" / "__init__.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if named.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_readable(path):
    assert len(path.read_text().splitlines()) <= 420


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_says_what_it_may_import(layer):
    doc = (PACKAGE / layer / "__init__.py").read_text()
    assert "May import" in doc


def test_reading_the_archive_loads_no_http_client():
    code = (
        "import sys\n"
        "import archiver.report.build, archiver.report.renderers, archiver.warc.verify\n"
        "import archiver.warc.repair, archiver.platforms\n"
        "print(sorted(m for m in ('httpx', 'httpcore') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_the_version_is_the_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert archiver.__version__ == project["version"]
