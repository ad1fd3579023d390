"""Settings from ARCHIVER_* variables (issue 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.config import Settings, parse_duration, parse_schedule
from archiver.errors import InputError


def test_defaults():
    s = Settings.from_env({})
    assert s.home == Path("archive")
    assert (s.confirmations, s.confirm_interval) == (2, 3600.0)
    assert s.schedule == (3600, 6 * 3600, 86400, 3 * 86400, 7 * 86400, 30 * 86400)
    assert s.max_response_bytes == 50 * 1024 * 1024
    assert s.loopback_endpoints == frozenset()


def test_environment_values_are_parsed():
    s = Settings.from_env(
        {
            "ARCHIVER_HOME": "/tmp/x",
            "ARCHIVER_CONCURRENCY": "3",
            "ARCHIVER_CONFIRM_INTERVAL": "5",
            "ARCHIVER_SCHEDULE": "10m, 2h",
            "ARCHIVER_ALLOW_PRIVATE_ADDRESSES": "yes",
            "ARCHIVER_URL_REWRITE": "https://x.com=http://127.0.0.1:1/x,https://x.com/i=http://127.0.0.1:1/i",
        }
    )
    assert s.home == Path("/tmp/x") and s.concurrency == 3 and s.confirm_interval == 5.0
    assert s.schedule == (600.0, 7200.0)
    assert s.allow_private
    assert s.url_rewrite[0][0] == "https://x.com/i"  # longest prefix first
    assert s.loopback_endpoints == {("127.0.0.1", 1)}


def test_resolve_sends_connections_elsewhere_and_trusts_only_its_targets():
    s = Settings.from_env(
        {
            "ARCHIVER_RESOLVE": "x.com:443=127.0.0.1:8443, [::1]:80=[::1]:8080",
            "ARCHIVER_CA_BUNDLE": "ca.pem",
        }
    )
    assert s.resolve == (("x.com", 443, "127.0.0.1", 8443), ("::1", 80, "::1", 8080))
    assert s.loopback_endpoints == {("127.0.0.1", 8443), ("::1", 8080)}
    assert s.ca_bundle == "ca.pem"


@pytest.mark.parametrize(
    "value", ["x.com=127.0.0.1:1", "x.com:443", "x.com:0=a:1", "x.com:443=a:99999"]
)
def test_a_bad_resolve_is_refused_naming_the_setting(value):
    with pytest.raises(InputError, match="ARCHIVER_RESOLVE"):
        Settings.from_env({"ARCHIVER_RESOLVE": value})


def test_explicit_overrides_win():
    assert Settings.from_env({"ARCHIVER_HOME": "/a"}, home=Path("/b")).home == Path("/b")


@pytest.mark.parametrize(
    "name, value",
    [
        ("ARCHIVER_CONCURRENCY", "many"),
        ("ARCHIVER_SCHEDULE", "soon"),
        ("ARCHIVER_URL_REWRITE", "nonsense"),
        ("ARCHIVER_CONFIRM_INTERVAL", "-"),
    ],
)
def test_bad_values_name_the_variable(name, value):
    with pytest.raises(InputError, match=f"^{name}="):
        Settings.from_env({name: value})


def test_durations():
    assert [parse_duration(t) for t in ("90", "90s", "15m", "6h", "1d")] == [
        90,
        90,
        900,
        21600,
        86400,
    ]
    with pytest.raises(ValueError):
        parse_schedule(" , ")
