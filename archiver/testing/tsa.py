"""A local RFC 3161 timestamp authority, for the tests and the demo (issue 15).

It answers ``application/timestamp-query`` POSTs on a loopback port with responses signed by
Debian's ``openssl ts -reply``, under a TSA certificate issued by a CA made for the occasion
(with ``cryptography``): the real protocol and a real signer, so that archiver's stamping and
verification meet what a public authority sends. Switches make it fail as authorities do:
``down`` (503), ``garbage`` (not a response), ``forge`` (signed by a key no CA vouches for).

Never used by archiver against the real world; the CA lives as long as the authority.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = {serial}
crypto_device = builtin
default_policy = 1.3.6.1.4.1.4146.2.3
other_policies = 1.3.6.1.4.1.4146.2.2
signer_digest = sha256
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "archiver test TSA (throwaway)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class LocalTSA:
    """An RFC 3161 authority on 127.0.0.1. ``valid_for``: how long its signing certificate
    lasts from now (a short one, to test stamps verified after it expired)."""

    def __init__(self, valid_for: dt.timedelta = dt.timedelta(days=3650)):
        self._dir = tempfile.TemporaryDirectory(prefix="archiver-tsa-")
        self.dir = Path(self._dir.name)
        now = dt.datetime.now(dt.UTC)
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        self.ca_cert = (
            x509.CertificateBuilder()
            .subject_name(_name("archiver test root CA"))
            .issuer_name(_name("archiver test root CA"))
            .public_key(self.ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.ca_key, hashes.SHA256())
        )
        self.tsa_key = ec.generate_private_key(ec.SECP256R1())
        self.tsa_cert = (
            x509.CertificateBuilder()
            .subject_name(_name("archiver test timestamp authority"))
            .issuer_name(self.ca_cert.subject)
            .public_key(self.tsa_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + valid_for)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            # RFC 3161, 2.3: the only extended key usage, and critical.
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
            .sign(self.ca_key, hashes.SHA256())
        )
        (self.dir / "tsa.pem").write_bytes(_pem(self.tsa_cert))
        (self.dir / "tsa.key").write_bytes(_key_pem(self.tsa_key))
        (self.dir / "ca.pem").write_bytes(_pem(self.ca_cert))
        # A key of the same shape that no CA vouches for, for forged answers.
        rogue = ec.generate_private_key(ec.SECP256R1())
        rogue_cert = self.tsa_cert  # same name and serial, other key: a forgery
        (self.dir / "rogue.key").write_bytes(_key_pem(rogue))
        forged = (
            x509.CertificateBuilder()
            .subject_name(rogue_cert.subject)
            .issuer_name(rogue_cert.issuer)
            .public_key(rogue.public_key())
            .serial_number(rogue_cert.serial_number)
            .not_valid_before(rogue_cert.not_valid_before_utc)
            .not_valid_after(rogue_cert.not_valid_after_utc)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
            .sign(rogue, hashes.SHA256())
        )
        (self.dir / "rogue.pem").write_bytes(_pem(forged))
        (self.dir / "serial").write_text("01\n")
        (self.dir / "ts.cnf").write_text(_CONFIG.format(serial=self.dir / "serial"))
        self.mode = "ok"  # ok | down | garbage | forge
        self.requests = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def ca_pem(self) -> bytes:
        return _pem(self.ca_cert)

    def write_ca(self, path: Path) -> Path:
        path.write_bytes(self.ca_pem)
        return path

    @property
    def url(self) -> str:
        assert self._server is not None, "the authority is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}/tsr"

    @property
    def port(self) -> int:
        assert self._server is not None, "the authority is not running"
        return int(self._server.server_address[1])

    def reply(self, query: bytes) -> bytes:
        """A signed TimeStampResp for a DER TimeStampReq (openssl ts -reply)."""
        forged = self.mode == "forge"
        with self._lock, tempfile.TemporaryDirectory(dir=self.dir) as work:
            request = Path(work) / "q.tsq"
            response = Path(work) / "r.tsr"
            request.write_bytes(query)
            done = subprocess.run(
                [
                    "openssl",
                    "ts",
                    "-reply",
                    "-config",
                    str(self.dir / "ts.cnf"),
                    "-queryfile",
                    str(request),
                    "-signer",
                    str(self.dir / ("rogue.pem" if forged else "tsa.pem")),
                    "-inkey",
                    str(self.dir / ("rogue.key" if forged else "tsa.key")),
                    "-chain",
                    str(self.dir / "ca.pem"),
                    "-out",
                    str(response),
                ],
                capture_output=True,
                timeout=30,
            )
            if done.returncode != 0:
                raise RuntimeError(f"openssl ts -reply failed: {done.stderr.decode()[-300:]}")
            return response.read_bytes()

    def start(self) -> LocalTSA:
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                authority.requests += 1
                if authority.mode == "down":
                    self._answer(503, b"down for maintenance", "text/plain")
                elif authority.mode == "garbage":
                    self._answer(200, b"<html>not a timestamp</html>", "text/html")
                else:
                    self._answer(200, authority.reply(body), "application/timestamp-reply")

            def _answer(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self._dir.cleanup()

    def __enter__(self) -> LocalTSA:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
