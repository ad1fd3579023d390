"""Input URLs: what is refused and why (issue 2)."""

from __future__ import annotations

import pytest

from archiver.core.urls import parse_url
from archiver.errors import UnsupportedURL


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


@pytest.mark.parametrize(
    "given, normalised",
    [
        # Issue 10: a trailing slash is part of the URL (every WordPress permalink has one).
        ("https://example.org/2022/03/an-article/", "https://example.org/2022/03/an-article/"),
        ("https://example.org/a", "https://example.org/a"),
        ("https://example.org/a//b/", "https://example.org/a//b/"),
        # RFC 3986 §6.2.3: an empty path is "/", the default port goes, scheme and host lower-case.
        ("https://Example.ORG", "https://example.org/"),
        ("HTTPS://example.org:443/x", "https://example.org/x"),
        ("http://example.org:80", "http://example.org/"),
        ("http://example.org:8080/", "http://example.org:8080/"),
        ("https://example.org?q=1", "https://example.org/?q=1"),
        # §5.2.4: dot segments removed, a trailing one leaves its slash.
        ("https://example.org/a/./b/../c/", "https://example.org/a/c/"),
        ("https://example.org/a/b/..", "https://example.org/a/"),
        ("https://example.org/../../a", "https://example.org/a"),
        ("https://example.org/a/%2E%2E/b", "https://example.org/b"),
        # §6.2.2: upper-case escapes, unreserved decoded, reserved kept as given.
        ("https://example.org/a%2fb/c", "https://example.org/a%2Fb/c"),
        ("https://example.org/a/b", "https://example.org/a/b"),
        ("https://example.org/%7euser/%41", "https://example.org/~user/A"),
        ("https://example.org/a%3Bb;c", "https://example.org/a%3Bb;c"),
        # The query is kept: order, spelling, empty values; only the fragment goes.
        ("https://example.org/s?b=2&a=1&a=&x", "https://example.org/s?b=2&a=1&a=&x"),
        ("https://example.org/s?q=a+b&r=%2f#frag", "https://example.org/s?q=a+b&r=%2F"),
        ("https://example.org/caf\u00e9/", "https://example.org/caf%C3%A9/"),
    ],
)
def test_urls_are_normalised_only_as_rfc_3986_allows(given, normalised):
    assert str(parse_url(given)) == normalised
