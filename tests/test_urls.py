"""Input URLs: what is refused and why (issue 2)."""

from __future__ import annotations

import pytest

from archiver.errors import UnsupportedURL
from archiver.urls import parse_url


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty input"),
        ("   ", "empty input"),
        ("notaurl", "expected http:// or https://"),
        ("x.com/jack/status/1", "expected http:// or https://"),
        ("ftp://example.org/file", "unsupported scheme 'ftp'"),
        ("javascript:alert(1)", "unsupported scheme 'javascript'"),
        ("file:///etc/passwd", "unsupported scheme 'file'"),
        ("data:text/html,hi", "unsupported scheme 'data'"),
        ("https://user:pass@x.com/a/status/1", "user names or passwords"),
        ("https://x.com/a\r\nHost: evil/status/1", "control characters"),
        ("https://x.com/a\x00/status/1", "control characters"),
        ("https:///nohost", "has no host"),
        ("https://exa mple.org/", "white space"),
        ("https://example.org:99999/", "Port out of range"),
        ("https://" + "a" * 5000 + ".org/", "longer than 4096"),
        ("https://-bad-.example..org/", "invalid host name"),
    ],
)
def test_refused_inputs_name_the_problem(text, message):
    with pytest.raises(UnsupportedURL, match=message):
        parse_url(text)


def test_idn_hosts_are_encoded_and_lowercased():
    url = parse_url("https://Bücher.Example/ä?q=1")
    assert url.host == "xn--bcher-kva.example"
    assert str(url) == "https://xn--bcher-kva.example/%C3%A4?q=1"
