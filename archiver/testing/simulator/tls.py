"""HTTPS for the simulator under the real host names, with a certificate authority made for
the occasion (trustme), so that archiver runs exactly as against the real platforms:
``https://x.com/…`` asked for, verified, and recorded, with only the TCP connection sent
to the simulator (``ARCHIVER_RESOLVE``) and the throwaway CA trusted (``ARCHIVER_CA_BUNDLE``).

The CA lives as long as the simulator; nothing outside the run ever trusts it.
"""

from __future__ import annotations

import ssl
from pathlib import Path


class ThrowawayCA:
    """A CA and one server certificate naming every simulated host (and 127.0.0.1)."""

    def __init__(self, hosts: list[str]):
        try:
            import trustme
        except ImportError:  # pragma: no cover - trustme comes with the test and demo extras
            raise RuntimeError(
                "the simulator's HTTPS needs trustme: pip install 'archiver[demo]'"
            ) from None
        self._ca = trustme.CA(organization_name="archiver simulator (throwaway test CA)")
        self._cert = self._ca.issue_cert(*hosts, "127.0.0.1")

    @property
    def pem(self) -> bytes:
        return self._ca.cert_pem.bytes()

    def write_pem(self, path: Path) -> Path:
        path.write_bytes(self.pem)
        return path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._cert.configure_cert(context)
        return context
